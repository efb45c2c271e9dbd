package dev.gatehouse.policy;

import java.util.List;
import java.util.Objects;

/**
 * The verdict on one query string (possibly several statements): the strictest of its
 * statements' verdicts (block, then review, then allow; on a tie the first statement's), and each
 * statement with its own verdict for the audit.
 */
public record Judgement(Verdict verdict, List<StatementVerdict> statements) {
  public Judgement {
    Objects.requireNonNull(verdict, "verdict");
    statements = List.copyOf(statements);
  }
}
