package dev.gatehouse.gateway.postgres;

import dev.gatehouse.policy.FunctionCatalog;
import dev.gatehouse.policy.Judgement;
import dev.gatehouse.policy.MaskedCursors;
import dev.gatehouse.policy.MaskedDerivations;
import dev.gatehouse.policy.MaskedTouch;
import dev.gatehouse.policy.NoWaiting;
import dev.gatehouse.policy.PreparedStatements;
import dev.gatehouse.policy.RowWrites;
import dev.gatehouse.policy.SqlJudge;
import dev.gatehouse.policy.StandardConformingStrings;
import dev.gatehouse.policy.StatisticsReads;
import dev.gatehouse.policy.Verdict;
import java.util.Optional;

/**
 * The policy at the wire: the target's {@link SqlJudge} first (block and review rules, fail
 * closed on what it cannot classify), then — for statements it allows or sends to review — the
 * masking rules: a value derived from a masked column may not leave unmasked, and the planner's
 * statistics (sample values of every column) may not be read. Each decision also says whether
 * the statement touches a masked column ({@link MaskedTouch}), so the proxy hides the text of
 * its errors.
 *
 * <p>{@link #forConnection()} gives each client connection a gate of its own that remembers the
 * connection's {@code PREPARE}s, so {@code EXECUTE name} is judged as what it runs.
 */
public final class PolicyGate implements StatementGate {
  static final String MASKED_COLUMN_RULE = "masked-column";
  private final SqlJudge judge;
  private final MaskedDerivations derivations;
  private final FunctionCatalog functions;
  private final MaskedTouch touch;
  private final StatisticsReads statistics;
  private final PreparedStatements prepared = new PreparedStatements();
  private final MaskedCursors cursors = new MaskedCursors();
  /**
   * The number the next ReadyForQuery will have ({@link #connection}); {@code cursorsSince}: the
   * one that answers the message which last opened a cursor over a masked table. Only an idle
   * status at or after it (with nothing unanswered) says that cursor's transaction has ended.
   */
  private long nextAnswer = 1;
  private long cursorsSince = Long.MAX_VALUE;
  /** The portal whose Execute is being judged (null: a Parse or a simple Query). */
  private String executingPortal;
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
    this.touch = new MaskedTouch(judge.policy().mask());
    this.statistics = new StatisticsReads(judge.policy().mask());
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
  public synchronized void connection(long answered, long unanswered, char transactionStatus) {
    if (unanswered == 0 && transactionStatus == 'I' && answered >= cursorsSince) {
      cursors.transactionEnded();
      cursorsSince = Long.MAX_VALUE;
    }
    nextAnswer = answered + unanswered + 1;
  }

  @Override
  public synchronized boolean portal(String name, String sql) {
    long before = cursors.openings();
    cursors.portal(name, sql, derivations);
    if (cursors.openings() != before) {
      cursorsSince = nextAnswer; // the latest: its answer comes after every earlier one
      return true;
    }
    return false;
  }

  @Override
  public synchronized void unnamedPortalDropped() {
    cursors.unnamedPortalDropped();
  }

  @Override
  public synchronized void executing(String portal) {
    executingPortal = portal;
  }

  /** An attempt's statements (on top of the connection's), or null outside an attempt. */
  private PreparedStatements attempt;

  private PreparedStatements statements() {
    return attempt != null ? attempt : prepared;
  }

  @Override
  public void beginAttempt() {
    attempt = prepared.draft();
  }

  @Override
  public void endAttempt(boolean keep) {
    if (attempt != null && keep) {
      attempt.commit();
    }
    attempt = null;
  }

  @Override
  public Decision judge(String sql, StandardConformingStrings standardStrings) {
    Judgement j;
    // What the judgement learns (a PREPARE, a DEALLOCATE) is kept only once it has finished: a
    // judgement stopped halfway on a thread that may not wait is made again from the start.
    PreparedStatements learned = statements().draft();
    try {
      j = judge.judge(sql, standardStrings, learned, functions);
    } catch (NoWaiting.WouldWait w) {
      throw w; // judged again on the session's thread, where a parse or a catalog lookup may wait
    } catch (RuntimeException e) {
      learned.commit();
      return new Decision("block", "policy-error", "the policy could not judge this statement: " + e.getMessage(),
          touch.active());
    }
    last.set(new Object[] {sql, j});
    boolean readsMasked;
    try {
      readsMasked = touch.touches(sql, standardStrings, j);
    } catch (NoWaiting.WouldWait w) {
      throw w;
    } catch (RuntimeException e) {
      readsMasked = touch.active(); // not known: hide the errors
    }
    Verdict v = j.verdict();
    if (!(v instanceof Verdict.Allow) && !(v instanceof Verdict.Review)) {
      learned.commit();
      return new Decision(v.label(), v.rule(), v.reason(), readsMasked);
    }
    // Checked for reviews too: an approver cannot approve what masking forbids.
    Optional<String> masked;
    try {
      masked = derivations.violation(sql, standardStrings).or(() -> statistics.violation(sql, standardStrings));
    } catch (NoWaiting.WouldWait w) {
      throw w;
    } catch (RuntimeException e) {
      masked = Optional.of("masking could not analyse this statement: " + e.getMessage());
    }
    learned.commit(); // nothing below waits
    if (masked.isEmpty()) {
      try {
        synchronized (this) {
          long before = cursors.openings();
          masked = cursors.check(j, derivations, executingPortal);
          if (cursors.openings() != before) {
            cursorsSince = nextAnswer; // the latest: its answer comes after every earlier one
          }
        }
      } catch (RuntimeException e) {
        masked = Optional.of("masking could not follow this connection's cursors: " + e.getMessage());
      }
    }
    if (masked.isPresent()) {
      return new Decision(Decision.BLOCK, MASKED_COLUMN_RULE, masked.get(), readsMasked);
    }
    Decision d = v instanceof Verdict.Review ? new Decision(v.label(), v.rule(), v.reason()) : Decision.allow();
    return readsMasked ? d.readingMasked() : d;
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
        : judge.judge(sql, StandardConformingStrings.UNKNOWN, statements().draft(), functions); // a plan learns nothing
    return new RowLimit(limit, RowWrites.plan(j, sql));
  }
}
