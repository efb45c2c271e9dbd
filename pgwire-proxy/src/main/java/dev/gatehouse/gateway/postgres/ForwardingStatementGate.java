package dev.gatehouse.gateway.postgres;

import dev.gatehouse.policy.StandardConformingStrings;

/**
 * A gate that passes every method on to the gate it wraps; a wrapper overrides what it adds to. The
 * gate's own methods have defaults that do nothing (so a small gate can be a lambda): a wrapper
 * that inherited one would leave the gate it wraps blind to what the proxy tells it (the
 * connection's transactions and cursors, refusals made later), and nothing else would fail.
 * {@link #forConnection()} is left to each wrapper: the connection's gate must be wrapped again.
 */
public abstract class ForwardingStatementGate implements StatementGate {
  protected final StatementGate inner;

  protected ForwardingStatementGate(StatementGate inner) {
    this.inner = inner;
  }

  @Override
  public abstract StatementGate forConnection();

  @Override
  public Decision judge(String sql) {
    return inner.judge(sql);
  }

  @Override
  public Decision judge(String sql, StandardConformingStrings standardStrings) {
    return inner.judge(sql, standardStrings);
  }

  @Override
  public Decision settle(String sql, StandardConformingStrings standardStrings, Decision review, Hold hold) {
    return inner.settle(sql, standardStrings, review, hold);
  }

  @Override
  public RowLimit rowLimit(String sql) {
    return inner.rowLimit(sql);
  }

  @Override
  public void refusedLater(String sql, Decision refusal) {
    inner.refusedLater(sql, refusal);
  }

  @Override
  public void connection(long answered, long unanswered, char transactionStatus) {
    inner.connection(answered, unanswered, transactionStatus);
  }

  @Override
  public boolean portal(String name, String sql) {
    return inner.portal(name, sql);
  }

  @Override
  public void unnamedPortalDropped() {
    inner.unnamedPortalDropped();
  }

  @Override
  public void executing(String portal) {
    inner.executing(portal);
  }

  @Override
  public void beginAttempt() {
    inner.beginAttempt();
  }

  @Override
  public void endAttempt(boolean keep) {
    inner.endAttempt(keep);
  }
}
