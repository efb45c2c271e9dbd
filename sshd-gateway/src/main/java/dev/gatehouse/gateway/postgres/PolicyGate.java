package dev.gatehouse.gateway.postgres;

import dev.gatehouse.policy.Judgement;
import dev.gatehouse.policy.MaskedDerivations;
import dev.gatehouse.policy.RowWrites;
import dev.gatehouse.policy.SqlJudge;
import dev.gatehouse.policy.Verdict;
import java.util.Optional;

/**
 * The policy at the wire: the target's {@link SqlJudge} first (block and review rules, fail
 * closed on what it cannot classify), then — for statements it allows — the masking rule that a
 * value derived from a masked column may not leave unmasked.
 */
public final class PolicyGate implements StatementGate {
  static final String MASKED_COLUMN_RULE = "masked-column";
  private final SqlJudge judge;
  private final MaskedDerivations derivations;
  /** The last judgement on this thread, so that the row plan of the same text costs no second judging. */
  private final ThreadLocal<Object[]> last = new ThreadLocal<>();

  public PolicyGate(SqlJudge judge, MaskedDerivations derivations) {
    this.judge = judge;
    this.derivations = derivations;
  }

  @Override
  public Decision judge(String sql) {
    Judgement j;
    try {
      j = judge.judge(sql);
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
      derived = derivations.violation(sql);
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
    Judgement j = l != null && l[0].equals(sql) ? (Judgement) l[1] : judge.judge(sql);
    return new RowLimit(limit, RowWrites.plan(j, sql));
  }
}
