package dev.gatehouse.policy.shell;

import dev.gatehouse.policy.Verdict;
import java.util.List;
import java.util.Objects;

/**
 * The verdict on one shell text: the strictest over every command, write, assignment and function
 * definition in it (block, then review, then allow; on a tie the first in the text), with the
 * reading it was drawn from.
 *
 * @param commands the names of the commands judged, in order (for the audit line)
 */
public record ShellJudgement(Verdict verdict, List<String> commands, boolean exact) {
  public ShellJudgement {
    Objects.requireNonNull(verdict, "verdict");
    commands = List.copyOf(commands);
  }
}
