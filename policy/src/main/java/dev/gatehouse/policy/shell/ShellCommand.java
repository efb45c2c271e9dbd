package dev.gatehouse.policy.shell;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One simple command bash would run, as the reading found it.
 *
 * @param name the command's name as bash looks it up, after quote removal and with a path's
 *     directory dropped ({@code /bin/rm}, {@code \rm} and {@code 'r'm} are all {@code rm})
 * @param path the name as written after quote removal ({@code /bin/rm}; equal to {@code name} for
 *     a plain name)
 * @param args the arguments after the name
 * @param text the part of the original text this command came from (for reasons and audit)
 * @param via how it is reached, outermost first: empty for a command of the text itself, else e.g.
 *     {@code sudo}, {@code sh -c}, {@code find -exec}, {@code eval}
 * @param stdin where its standard input comes from when that matters to a class: {@link
 *     Stdin#TERMINAL} (the session's own input), {@link Stdin#PIPE} (an earlier command of a
 *     pipeline; {@code upstream} names them), {@link Stdin#FILE} (a redirection), {@link
 *     Stdin#TEXT} (a here-document or here-string, whose code the reading has judged as well) or
 *     {@link Stdin#SUBSTITUTION} (a process substitution or another descriptor)
 * @param upstream the names of the commands that feed its pipe, for {@link Stdin#PIPE}; the file's
 *     path, for {@link Stdin#FILE}
 */
public record ShellCommand(
    String name, String path, List<Word> args, String text, List<String> via, Stdin stdin, List<String> upstream) {

  /** Where a command's standard input comes from. */
  public enum Stdin {
    TERMINAL,
    PIPE,
    FILE,
    TEXT,
    /**
     * Another command's output through a descriptor the text opens ({@code < <(cmd)}, {@code <&3
     * 3< <(cmd)}): fed like a pipe, but that command may itself read the terminal ({@code <(cat)}).
     */
    SUBSTITUTION
  }

  /** Its input may be the session's own: the terminal, or a substitution whose command may read it. */
  public boolean inputMayBeTerminal() {
    return stdin == Stdin.TERMINAL || stdin == Stdin.SUBSTITUTION;
  }

  /** Its input is another command's output: a pipe, or a substitution. */
  public boolean inputFromCommand() {
    return stdin == Stdin.PIPE || stdin == Stdin.SUBSTITUTION;
  }

  public ShellCommand {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(path, "path");
    args = List.copyOf(args);
    Objects.requireNonNull(text, "text");
    via = List.copyOf(via);
    stdin = Objects.requireNonNullElse(stdin, Stdin.TERMINAL);
    upstream = List.copyOf(upstream);
  }

  /** The argument values (unknown parts as {@code \u0000}). */
  public List<String> argValues() {
    return args.stream().map(Word::value).toList();
  }

  /** Whether every argument is known exactly. */
  public boolean literalArgs() {
    return args.stream().allMatch(Word::literal);
  }

  /** The arguments joined by single spaces, unknown parts shown as {@code ?}: what rules match. */
  public String joinedArgs() {
    return args.stream().map(Word::shown).collect(Collectors.joining(" "));
  }

  /** Name and arguments as one line: {@code rm -rf /}. */
  public String line() {
    return args.isEmpty() ? path : path + " " + joinedArgs();
  }

  ShellCommand withStdin(Stdin s, List<String> from) {
    return new ShellCommand(name, path, args, text, via, s, from);
  }
}
