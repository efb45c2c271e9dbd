package dev.gatehouse.recorder;

import java.util.List;

/** Result of {@link IntegrityCheck#verify}: every problem found, each naming the seq or session. */
public record IntegrityReport(long auditLines, int sessionsChecked, List<String> problems) {
  public IntegrityReport {
    problems = List.copyOf(problems);
  }

  public boolean ok() {
    return problems.isEmpty();
  }
}
