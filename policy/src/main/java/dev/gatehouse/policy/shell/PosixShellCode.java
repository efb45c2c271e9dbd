package dev.gatehouse.policy.shell;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;

/**
 * Code a POSIX shell reads ({@code sh -c}, {@code dash -c}, {@code sh -s <<<CODE}) or may read: the
 * code of every program that hands it to {@code /bin/sh}, {@code $SHELL} or a login shell ({@code su
 * -c}, {@code flock -c}, {@code PAGER}, …; all but {@link #BASH} and {@link #REREAD_BY_THE_SAME_SHELL}).
 * The guard reads it with bash's grammar, so it is only read exactly when it holds nothing bash
 * reads otherwise than dash does. One pass over the text follows the quoting both shells share (single and double
 * quotes, backslashes, {@code $(…)}, {@code $((…))}, {@code ${…}}, backquotes) and names the first
 * construct whose reading differs, where the difference changes which commands run or their words:
 * <ul>
 *   <li>{@code $'…'} and {@code $"…"}: a quote of its own to bash, a {@code $} then a plain quote
 *       to dash ({@code echo $'\';touch W;#'} runs touch under dash);</li>
 *   <li>a quote, backslash, backquote or brace inside {@code ${…}}: in a double-quoted {@code
 *       "${x:-'}'}"} bash's default mode takes the single quotes as quotes, dash (and bash in
 *       POSIX mode) does not, so the word ends elsewhere;</li>
 *   <li>bash's operators {@code &>}, {@code |&}, {@code ;&}, {@code ;;&}, {@code <<<}, {@code <(},
 *       {@code >(}: dash reads {@code echo hi &>/dev/null touch W} as {@code echo hi &} then a
 *       command {@code touch W};</li>
 *   <li>{@code ((…))} (two subshells to dash), {@code [[ … ]]} (a command {@code [[} to dash, whose
 *       {@code ||} and {@code <} are its own), {@code function}, {@code select}, {@code coproc},
 *       brace expansion ({@code {a,b}}, {@code {1..3}}) anywhere in a word, the whole word read with
 *       its quoting as {@link BraceExpansion} reads it ({@code {'#;x',y}}, {@code ': '{a,b}}, {@code
 *       $x{a,b}}), {@code $[…]}, array and {@code +=} assignments;</li>
 *   <li>what this pass cannot follow the same way as both shells: here-documents (their bodies are
 *       not code), comments or {@code case} inside {@code $(…)} (a {@code )} that does not close it),
 *       backslashes inside backquotes, an unterminated quote or substitution, braces whose
 *       expansion is not exactly known.</li>
 * </ul>
 * Builds of ksh, mksh and yash read some of these in a third way ({@code |&} starts a co-process,
 * {@code ${ cmd;}} runs cmd): the same rule keeps their code to what all of them read alike.
 */
final class PosixShellCode {
  /** Shells that read code as POSIX sh (and their own extensions), not as bash. */
  static final Set<String> POSIX_SHELLS = Set.of("sh", "dash", "ash", "posh", "ksh", "ksh93", "mksh", "yash");

  // Who reads the code a runner is given. Only the runners below are read with bash's grammar:
  // every other program (su, runuser, flock, script, sg, git, the programs of a pager or editor
  // variable, strace, the JVM, npm, fakeroot, …) may hand its code to /bin/sh (dash on Debian), to
  // $SHELL or to an account's login shell, none of which need be bash, so its code is read as POSIX
  // code: it must hold nothing bash and a POSIX shell read apart (bashOnly), else it is unclassified.

  /** Bash by name: always bash, whatever system it runs on, so its code ({@code bash -c}, {@code bash <<EOF}) is bash's. */
  static final Set<String> BASH = Set.of(
      "bash",   // bash itself
      "rbash"); // bash in restricted mode: bash's grammar

  /**
   * Runners whose code the shell running them reads again itself: the code is read as the text
   * around it is (bash's grammar at the prompt, a POSIX shell's inside {@code sh -c} or {@code su -c}).
   */
  static final Set<String> REREAD_BY_THE_SAME_SHELL = Set.of(
      "eval",                 // the builtin joins its words and parses them as commands, in the same shell
      "alias",                // an alias's value is read where the alias is used, by the same shell
      "trap",                 // a trap's code runs later, parsed by the same shell
      "source", ".",          // the same shell reads the file or the here-document fed to it
      "mapfile", "readarray", // -C CALLBACK: bash evaluates it every -c lines
      "compgen", "complete",  // -C COMMAND: bash's completion parses and runs it itself; -W WORDS: bash expands them
      "fc",                   // fc -e EDITOR and the edited lines: run by the same shell (fc is judged by its own rule)
      "bind",                 // bind -x COMMAND: run by the same shell (bind is judged by its own rule)
      "FCEDIT");              // a variable only bash's fc reads: bash runs the editor command itself

  /**
   * How the code {@code runner} runs is read: {@code false} as bash ({@link #BASH}), {@code true} as
   * a POSIX shell (every runner not listed above), null as the text around it ({@link
   * #REREAD_BY_THE_SAME_SHELL}).
   */
  static Boolean readsAsPosix(String runner) {
    return BASH.contains(runner) ? Boolean.FALSE : REREAD_BY_THE_SAME_SHELL.contains(runner) ? null : Boolean.TRUE;
  }

  /** Reserved words of bash that dash reads as a command name. */
  private static final Set<String> BASH_WORDS = Set.of("[[", "]]", "function", "select", "coproc");
  /** Deeper than this nesting of quotes and substitutions the text is not followed. */
  private static final int MAX_NESTING = 64;
  private static final String DELIMITERS = " \t\n;&|()<>";

  private enum Kind { CODE, SUBSTITUTION, ARITHMETIC, BACKQUOTE, DOUBLE_QUOTE, PARAMETER }

  /**
   * One open quote or substitution; {@code parens} counts the open {@code (} inside it, {@code word}
   * is where the word being read in it began (-1 between words).
   */
  private static final class Frame {
    final Kind kind;
    int parens;
    int word = -1;

    Frame(Kind kind) {
      this.kind = kind;
    }

    boolean isCode() {
      return kind == Kind.CODE || kind == Kind.SUBSTITUTION || kind == Kind.BACKQUOTE || kind == Kind.ARITHMETIC;
    }
  }

  private PosixShellCode() {}

  /** The first construct of {@code code} that bash and a POSIX shell read differently, or null. */
  static String bashOnly(String code) {
    Deque<Frame> open = new ArrayDeque<>();
    open.push(new Frame(Kind.CODE));
    boolean wordStart = true;
    int n = code.length();
    // Each turn moves i forward by at least one: the loop is bounded by the text's length.
    for (int i = 0; i < n; i++) {
      if (open.size() > MAX_NESTING) {
        return "quotes and substitutions nested more than " + MAX_NESTING + " deep";
      }
      Frame f = open.peek();
      char ch = code.charAt(i);
      char next = i + 1 < n ? code.charAt(i + 1) : '\0';
      char after = i + 2 < n ? code.charAt(i + 2) : '\0';
      if (f.isCode() && wordStart && f.word < 0 && DELIMITERS.indexOf(ch) < 0 && ch != '#') {
        f.word = i; // the word runs to the next unquoted delimiter of this frame, or the frame's end
      }
      if (ch == '$') {
        if (f.kind != Kind.DOUBLE_QUOTE && (next == '\'' || next == '"')) {
          return "$" + next + "…" + next + " quoting (bash's own)";
        }
        if (next == '[') {
          return "$[…] arithmetic (bash's own)";
        }
        wordStart = false;
        if (next == '(' && after == '(') {
          open.push(new Frame(Kind.ARITHMETIC));
          i += 2;
          wordStart = true;
        } else if (next == '(') {
          open.push(new Frame(Kind.SUBSTITUTION));
          i++;
          wordStart = true;
        } else if (next == '{') {
          char first = i + 2 < n ? code.charAt(i + 2) : '\0';
          if (!(Character.isLetterOrDigit(first) || "_#?@*!$-".indexOf(first) >= 0)) {
            return "${ followed by " + (first == '\0' ? "the end" : "'" + first + "'") + " (a substitution in ksh and mksh)";
          }
          open.push(new Frame(Kind.PARAMETER));
          i++;
        }
        continue;
      }
      switch (f.kind) {
        case DOUBLE_QUOTE -> {
          if (ch == '"') {
            open.pop();
          } else if (ch == '\\') {
            i++;
          } else if (ch == '`') {
            open.push(new Frame(Kind.BACKQUOTE));
            wordStart = true;
          }
          continue;
        }
        case PARAMETER -> {
          if (ch == '}') {
            open.pop();
          } else if ("'\"\\`{".indexOf(ch) >= 0) {
            return "'" + ch + "' inside ${…} (bash and dash end the word in different places)";
          }
          continue;
        }
        default -> { }
      }
      // Code: the top level, $(…), $((…)) or backquotes.
      if (wordStart && ch == '#') {
        if (f.kind != Kind.CODE) {
          return "a comment inside a substitution";
        }
        int end = code.indexOf('\n', i);
        i = end < 0 ? n : end - 1;
        continue;
      }
      int at = i; // where this character is (the cases below may step over the next)
      boolean closed = false;
      switch (ch) {
        case '\\' -> {
          if (f.kind == Kind.BACKQUOTE || insideBackquote(open)) {
            return "a backslash inside backquotes";
          }
          i++;
        }
        case '\'' -> {
          int end = code.indexOf('\'', i + 1);
          if (end < 0) {
            return "an unterminated single quote";
          }
          i = end;
        }
        case '"' -> open.push(new Frame(Kind.DOUBLE_QUOTE));
        case '`' -> {
          if (f.kind == Kind.BACKQUOTE) {
            open.pop();
            closed = true;
          } else {
            open.push(new Frame(Kind.BACKQUOTE));
            wordStart = true;
            continue;
          }
        }
        case '&' -> {
          if (next == '>') {
            return "&> (bash's redirection, dash's & then >)";
          }
        }
        case '|' -> {
          if (next == '&') {
            return "|& (bash's pipe of both outputs)";
          }
        }
        case ';' -> {
          if (next == '&' || next == ';' && after == '&') {
            return ";& or ;;& (bash's case fall-through)";
          }
        }
        case '<', '>' -> {
          if (next == '(') {
            return ch + "(…) (bash's process substitution)";
          }
          if (ch == '<' && next == '<') {
            return after == '<' ? "<<< (bash's here-string)" : "a here-document (its body is not read as code here)";
          }
        }
        case '(' -> {
          if (next == '(' && f.kind != Kind.ARITHMETIC) {
            return "(( (bash's arithmetic command, two subshells to dash)";
          }
          f.parens++;
        }
        case ')' -> {
          if (f.parens > 0) {
            f.parens--;
          } else if (f.kind == Kind.SUBSTITUTION) {
            open.pop();
            closed = true;
          } else if (f.kind == Kind.ARITHMETIC && next == ')') {
            open.pop();
            closed = true;
            i++;
          }
        }
        default -> { }
      }
      boolean delimiter = DELIMITERS.indexOf(ch) >= 0;
      if ((delimiter || closed) && f.word >= 0) {
        String reason = bashOnlyWord(code, f.word, at, f);
        if (reason != null) {
          return reason;
        }
        f.word = -1;
      }
      // After a closing ) or backquote the word around the substitution goes on.
      wordStart = delimiter && !closed;
    }
    if (open.size() != 1) {
      return "an unterminated quote or substitution";
    }
    return open.peek().word < 0 ? null : bashOnlyWord(code, open.peek().word, n, open.peek());
  }

  private static boolean insideBackquote(Deque<Frame> open) {
    return open.stream().anyMatch(fr -> fr.kind == Kind.BACKQUOTE);
  }

  /**
   * What in the word {@code code[from, end)} (as written, quotes and substitutions in it, ended by
   * an unquoted delimiter or the end of its substitution) bash reads its own way, or null.
   */
  private static String bashOnlyWord(String code, int from, int end, Frame f) {
    String word = code.substring(from, end);
    if (BASH_WORDS.contains(word)) {
      return word + " (a reserved word of bash, a command name to dash)";
    }
    if (word.equals("case") && f.kind != Kind.CODE) {
      return "case inside a substitution (its patterns' ')' is not the substitution's end)";
    }
    if (Regexes.matches(word, "(?s)[A-Za-z_][A-Za-z0-9_]*(\\[[^\\]]*\\]\\+?=|\\+=).*")
        || Regexes.matches(word, "[A-Za-z_][A-Za-z0-9_]*=") && end < code.length() && code.charAt(end) == '(') {
      return "an array or += assignment (bash's own): " + word;
    }
    // bash's brace expansion reads the whole word with its quoting: an unquoted { anywhere in it with
    // an unquoted , or .. before its matching } makes several words (or a sequence); dash keeps it.
    if (word.indexOf('{') >= 0) {
      List<String> words = BraceExpansion.ofSource(word);
      if (words == null) {
        return "braces this reading cannot pair as bash's brace expansion does: " + word;
      }
      if (words.size() != 1 || !words.get(0).equals(word)) {
        return "brace expansion (bash's own): " + word;
      }
    }
    return null;
  }
}
