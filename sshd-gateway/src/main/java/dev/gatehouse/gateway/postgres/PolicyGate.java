package dev.gatehouse.gateway.postgres;

import dev.gatehouse.policy.FunctionCatalog;
import dev.gatehouse.policy.Judgement;
import dev.gatehouse.policy.MaskedDerivations;
import dev.gatehouse.policy.PreparedStatements;
import dev.gatehouse.policy.RowWrites;
import dev.gatehouse.policy.SqlJudge;
import dev.gatehouse.policy.StandardConformingStrings;
import dev.gatehouse.policy.Verdict;
import java.util.Optional;

/**
 * The policy at the wire: the target's {@link SqlJudge} first (block and review rules, fail
 * closed on what it cannot classify), then — for statements it allows — the masking rule that a
 * value derived from a masked column may not leave unmasked.
 *
 * <p>{@link #forConnection()} gives each client connection a gate of its own that remembers the
 * connection's {@code PREPARE}s, so {@code EXECUTE name} is judged as what it runs.
 */
public final class PolicyGate implements StatementGate {
  static final String MASKED_COLUMN_RULE = "masked-column";
  private final SqlJudge judge;
  private final MaskedDerivations derivations;
  private final FunctionCatalog functions;
  private final PreparedStatements prepared = new PreparedStatements();
  /** The last judgement on this thread, so that the row plan of the same text costs no second judging. */
  private final ThreadLocal<Object[]> last = new ThreadLocal<>();

  /** Without a database to ask about functions (gatehouse policy test). */
  public PolicyGate(SqlJudge judge, MaskedDerivations derivations) {
    this(judge, derivations, FunctionCatalog.OFFLINE);
  }

  public PolicyGate(SqlJudge judge, MaskedDerivations derivations, FunctionCatalog functions) {
    this.judge = judge;
    this.derivations = derivations;
    this.functions = functions;
  }

  @Override
  public PolicyGate forConnection() {
    return new PolicyGate(judge, derivations, functions);
  }

  @Override
  public Decision judge(String sql) {
    return judge(sql, StandardConformingStrings.UNKNOWN);
  }

  @Override
  public Decision judge(String sql, StandardConformingStrings standardStrings) {
    Judgement j;
    try {
      j = judge.judge(sql, standardStrings, prepared, functions);
    } catch (RuntimeException e) {
      return new Decision("block", "policy-error", "the policy could not judge this statement: " + e.getMessage());
    }
    last.set(new Object[] {sql, j});
    Verdict v = j.verdict();
    if (!(v instanceof Verdict.Allow)) {
      return new Decision(v.label(), v.rule(), v.reason());
    }
    Optional<String> derived;
    try {
      derived = derivations.violation(sql, standardStrings);
    } catch (RuntimeException e) {
      derived = Optional.of("masking could not analyse this statement: " + e.getMessage());
    }
    return derived.map(reason -> new Decision("block", MASKED_COLUMN_RULE, reason)).orElse(Decision.allow());
  }

  @Override
  public RowLimit rowLimit(String sql) {
    long limit = judge.policy().maxRowsChanged();
    if (limit == 0) {
      return RowLimit.OFF;
    }
    Object[] l = last.get();
    // Not judged just now (an Execute of an earlier Parse): judged again, on this connection
    // (learning a PREPARE again changes nothing).
    Judgement j = l != null && l[0].equals(sql) ? (Judgement) l[1]
        : judge.judge(sql, StandardConformingStrings.UNKNOWN, prepared, functions);
    return new RowLimit(limit, RowWrites.plan(j, sql));
  }
}
