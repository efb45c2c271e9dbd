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
 * @param writes files written by redirection ({@code >}, {@code >>}, {@code &>}, {@code <>}), and the
 *     files a write to a descriptor's name ({@code >/dev/fd/3}) writes ({@link Redirect#through})
 * @param reads files opened for reading by redirection ({@code <}, {@code 3<}, {@code <>})
 * @param assignments variables set ({@code FOO=bar}, {@code export FOO=bar}, {@code FOO=bar cmd})
 * @param functions functions defined in the text
 * @param unclassified why the text cannot be read exactly; empty when it can
 */
public record ShellReading(
    String text,
    List<ShellCommand> commands,
    List<Redirect> writes,
    List<Redirect> reads,
    List<Assignment> assignments,
    List<FunctionDefinition> functions,
    List<String> unclassified) {

  /**
   * A redirection that writes (or reads) {@code target}. {@code through} is the descriptor's name
   * the redirection wrote ({@code /dev/fd/3}) when {@code target} is the file the text opened on
   * that descriptor ({@code 3<FILE}), which the name reopens for writing; null for a direct one.
   */
  public record Redirect(Word target, String text, String through) {
    public Redirect {
      Objects.requireNonNull(target, "target");
    }

    public Redirect(Word target, String text) {
      this(target, text, null);
    }
  }

  /**
   * {@code name=value}; {@code value} is null for {@code unset name}. {@code commandOnly} when it
   * is only in effect for one command that runs no code the reading read ({@code LANG=C sort},
   * {@code env TZ=UTC date}); false when it stays in the shell or reaches code ({@code LC_ALL=x
   * bash -c '…'}, whose code bash reads under it).
   */
  public record Assignment(String name, Word value, String text, boolean commandOnly) {
    public Assignment(String name, Word value, String text) {
      this(name, value, text, false);
    }

    /** The variable's name without an array subscript: {@code PS1[0]} sets {@code PS1}. */
    public String variable() {
      int b = name.indexOf('[');
      return b < 0 ? name : name.substring(0, b);
    }

    Assignment withCommandOnly(boolean only) {
      return new Assignment(name, value, text, only);
    }
  }

  /** A function the text defines; {@code selfCalling} when its body calls itself. */
  public record FunctionDefinition(String name, boolean selfCalling, String text) {}

  public ShellReading {
    Objects.requireNonNull(text, "text");
    commands = List.copyOf(commands);
    writes = List.copyOf(writes);
    reads = List.copyOf(reads);
    assignments = List.copyOf(assignments);
    functions = List.copyOf(functions);
    unclassified = List.copyOf(unclassified);
  }

  /** Reads {@code text} as {@code bash -c} would. Thread-safe. */
  public static ShellReading read(String text) {
    return new CommandReader().read(text);
  }

  /**
   * Reads {@code text} as a bash with {@code state}'s options on would (a line typed at a prompt
   * whose hook reported them). Thread-safe.
   */
  public static ShellReading read(String text, ShellState state) {
    return new CommandReader(CommandReader.READ_BUDGET, state).read(text);
  }

  public boolean exact() {
    return unclassified.isEmpty();
  }
}
