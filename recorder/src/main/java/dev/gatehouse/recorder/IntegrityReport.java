package dev.gatehouse.recorder;

import java.util.List;

/**
 * Result of {@link IntegrityCheck#verify}: every problem found, each naming the seq or session;
 * notes on what holds but an auditor should know (recordings repaired at a start, sessions still
 * running); and how many journal heads were matched against the chain.
 */
public record IntegrityReport(
    long auditLines, int sessionsChecked, List<String> problems, List<String> notes, int journalHeadsMatched) {
  public IntegrityReport {
    problems = List.copyOf(problems);
    notes = List.copyOf(notes);
  }

  public boolean ok() {
    return problems.isEmpty();
  }
}
