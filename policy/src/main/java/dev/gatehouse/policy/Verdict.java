package dev.gatehouse.policy;

import java.util.Objects;

/**
 * What the policy says about a statement: an expected outcome, so a value, never an exception.
 * {@code review} means a human must approve; until approvals exist the gateway treats it as a
 * block (fail closed).
 */
public sealed interface Verdict permits Verdict.Allow, Verdict.Block, Verdict.Review {

  /** {@code "allow"}, {@code "block"} or {@code "review"}: the form in audit lines and JSON. */
  String label();

  /** The rule that decided, or {@code null} for {@link Allow}. */
  String rule();

  /** Why, in one line an operator or an agent can read, or {@code null} for {@link Allow}. */
  String reason();

  /** Block beats review beats allow. */
  default int severity() {
    if (this instanceof Block) {
      return 2;
    }
    return this instanceof Review ? 1 : 0;
  }

  /** The stricter of two verdicts; on a tie, {@code this} (the first found). */
  default Verdict strictest(Verdict other) {
    return other.severity() > severity() ? other : this;
  }

  Allow ALLOW = new Allow();

  record Allow() implements Verdict {
    @Override
    public String label() {
      return "allow";
    }

    @Override
    public String rule() {
      return null;
    }

    @Override
    public String reason() {
      return null;
    }
  }

  record Block(String rule, String reason) implements Verdict {
    public Block {
      Objects.requireNonNull(rule, "rule");
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String label() {
      return "block";
    }
  }

  record Review(String rule, String reason) implements Verdict {
    public Review {
      Objects.requireNonNull(rule, "rule");
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String label() {
      return "review";
    }
  }
}
