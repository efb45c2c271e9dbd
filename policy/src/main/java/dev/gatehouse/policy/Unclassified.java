package dev.gatehouse.policy;

/**
 * What a policy does with a statement neither the lexer nor the parser understands
 * ({@code policies.NAME.unclassified}). There is deliberately no {@code ALLOW}.
 */
public enum Unclassified {
  REVIEW,
  BLOCK;

  public Verdict verdict(String reason) {
    return this == BLOCK
        ? new Verdict.Block("unclassified", reason)
        : new Verdict.Review("unclassified", reason);
  }
}
