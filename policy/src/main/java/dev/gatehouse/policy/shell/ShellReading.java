package dev.gatehouse.policy.shell;

import java.util.List;
import java.util.Objects;

/**
 * What one shell text does, as bash's grammar reads it: every simple command it would run
 * (wherever it stands: lists, pipelines, subshells, {@code $(…)}, backticks, process
 * substitution, here-documents fed to a shell, function bodies, and the code handed to {@code sh
 * -c}, {@code eval}, {@code su -c}, {@code xargs}, {@code find -exec} or a prefix such as {@code
 * sudo}), every file it writes by redirection, every variable it sets and every function it
 * defines.
 *
 * <p>A text the reading cannot follow exactly is {@linkplain #unclassified() unclassified}: one
 * that does not parse (tree-sitter's ERROR or MISSING nodes), a command whose name is not a
 * literal word ({@code $x}, {@code $(…)}, a glob), code for a shell whose text is only known when
 * it runs. The commands found are still listed, so a policy can block one of them whatever the
 * rest is.
 *
 * @param text the text as given
 * @param commands every simple command found, in source order (wrappers before what they run)
 * @param writes files written by redirection ({@code >}, {@code >>}, {@code &>}, {@code <>})
 * @param assignments variables set ({@code FOO=bar}, {@code export FOO=bar}, {@code FOO=bar cmd})
 * @param functions functions defined in the text
 * @param unclassified why the text cannot be read exactly; empty when it can
 */
public record ShellReading(
    String text,
    List<ShellCommand> commands,
    List<Redirect> writes,
    List<Assignment> assignments,
    List<FunctionDefinition> functions,
    List<String> unclassified) {

  /** A redirection that writes {@code target}. */
  public record Redirect(Word target, String text) {
    public Redirect {
      Objects.requireNonNull(target, "target");
    }
  }

  /** {@code name=value}; {@code value} is null for {@code unset name}. */
  public record Assignment(String name, Word value, String text) {}

  /** A function the text defines; {@code selfCalling} when its body calls itself. */
  public record FunctionDefinition(String name, boolean selfCalling, String text) {}

  public ShellReading {
    Objects.requireNonNull(text, "text");
    commands = List.copyOf(commands);
    writes = List.copyOf(writes);
    assignments = List.copyOf(assignments);
    functions = List.copyOf(functions);
    unclassified = List.copyOf(unclassified);
  }

  /** Reads {@code text} as {@code bash -c} would. Thread-safe. */
  public static ShellReading read(String text) {
    return new CommandReader().read(text);
  }

  public boolean exact() {
    return unclassified.isEmpty();
  }
}
