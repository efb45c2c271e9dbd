package dev.gatehouse.policy.shell;

import java.util.List;
import java.util.Set;

/**
 * Shells and language interpreters: how an invocation gets its code — inline ({@code -c}, {@code
 * -e}), from a script file, from standard input, or from a person at a prompt.
 */
final class Interpreters {
  /** How a shell or interpreter gets its code. */
  enum Source {
    /** {@code -c CODE}, {@code -e CODE}: in its arguments. */
    INLINE,
    /** A script file it is given. */
    SCRIPT,
    /** No code given: it reads standard input (a prompt when that is a terminal). */
    STDIN,
    /** It runs a module or does not run code ({@code python3 -m http.server}, {@code bash --version}). */
    OTHER
  }

  static final Set<String> LANGUAGES = Set.of("python", "python2", "python3", "pypy", "pypy3", "perl", "perl5", "ruby",
      "irb", "node", "nodejs", "deno", "bun", "php", "lua", "luajit", "Rscript", "R", "tclsh", "wish", "expect",
      "osascript", "jshell", "groovy", "scala", "julia", "guile", "racket", "sbcl", "ghci", "erl", "iex", "elixir",
      "powershell", "pwsh", "ipython", "ipython3", "ptpython", "ptipython", "bpython", "bpython3", "ipdb", "pdb",
      "pdb3");

  /** The option that takes inline code, per language. */
  private static String inlineOptions(String name) {
    if (name.startsWith("python") || name.startsWith("pypy") || name.matches("i?pt?i?python3?|bpython3?")) {
      return "c";
    }
    return switch (name) {
      case "perl", "perl5" -> "eE";
      case "ruby", "lua", "luajit", "Rscript", "R", "osascript", "julia", "elixir", "erl" -> "e";
      case "node", "nodejs", "bun" -> "ep";
      case "php" -> "r";
      case "expect", "pwsh", "powershell" -> "c";
      default -> "";
    };
  }

  /** Python modules that are an interactive prompt themselves ({@code python3 -m code}). */
  private static final Set<String> REPL_MODULES = Set.of("code", "asyncio", "pdb", "IPython", "ptpython", "bpython",
      "idlelib", "ptipython", "jupyter_console", "pudb", "ipdb");

  private static final Set<String> LONG_INLINE = Set.of("--eval", "--print", "-Command", "-command", "-EncodedCommand",
      "--command", "--expr", "-eval");

  private Interpreters() {}

  static boolean isLanguage(String name) {
    return LANGUAGES.contains(name) || name.matches("python[0-9.]+|pypy[0-9.]*|perl[0-9.]+|ruby[0-9.]+|php[0-9.]+|lua[0-9.]+|node[0-9]+"
        + "|tclsh[0-9.]+|wish[0-9.]+|irb[0-9.]+|guile-?[0-9.]+|jrunscript|lldb|jjs|rhino|ksh[0-9]*|mksh|yash|posh|hush");
  }

  /**
   * A debugger or a prompt given as the script: {@code perl -d} (its debugger reads commands and
   * runs perl typed at it), a python run on the file of a prompt module ({@code …/code.py},
   * {@code pdb.py}).
   */
  static boolean debuggerOrReplScript(ShellCommand c) {
    String n = c.name();
    for (Word w : c.args()) {
      String v = w.value();
      if (v.equals("--")) {
        break;
      }
      if (n.startsWith("perl") && v.startsWith("-") && !v.startsWith("--")) {
        for (int i = 1; i < v.length(); i++) {
          char ch = v.charAt(i);
          if (ch == 'd') {
            return true;
          }
          if ("eEIMmlx0iCD".indexOf(ch) >= 0) {
            break; // the rest of the bundle is this switch's value
          }
        }
      }
      if ((n.startsWith("python") || n.startsWith("pypy")) && v.matches(".*/(code|pdb|asyncio/__main__|idlelib/.*)\\.py")) {
        return true;
      }
    }
    return false;
  }

  static boolean isShellOrLanguage(String name) {
    return Wrappers.isShell(name) || isLanguage(name);
  }

  /** Where {@code c}'s code comes from; {@link Source#OTHER} for a command that is neither a shell nor a language. */
  static Source source(ShellCommand c) {
    String n = c.name();
    List<Word> a = c.args();
    if (Wrappers.isShell(n)) {
      return shellSource(a);
    }
    if (!isLanguage(n)) {
      return Source.OTHER;
    }
    String inline = inlineOptions(n);
    for (int i = 0; i < a.size(); i++) {
      String v = a.get(i).value();
      if (LONG_INLINE.contains(v) || v.startsWith("--eval=") || v.startsWith("--print=")) {
        return Source.INLINE;
      }
      if (v.equals("--") || v.equals("-")) {
        return i + 1 < a.size() && !v.equals("-") ? Source.SCRIPT : Source.STDIN;
      }
      if (v.startsWith("-") && v.length() > 1 && !v.startsWith("--")) {
        for (int j = 1; j < v.length(); j++) {
          if (inline.indexOf(v.charAt(j)) >= 0) {
            return Source.INLINE;
          }
        }
        if ((n.startsWith("python") || n.startsWith("pypy")) && v.indexOf('i') > 0 && v.indexOf('i') < (v.indexOf('m') < 0 ? v.length() : v.indexOf('m'))) {
          return Source.STDIN; // python -i: a prompt after the script or module
        }
        if ((n.startsWith("python") || n.startsWith("pypy")) && v.contains("m")) {
          // python -m module; the ones that are themselves a prompt read the terminal.
          String module = v.endsWith("m") ? (i + 1 < a.size() ? a.get(i + 1).value() : "") : v.substring(v.indexOf('m') + 1);
          return REPL_MODULES.contains(module.split("\\.")[0]) || module.indexOf(Word.UNKNOWN) >= 0 ? Source.STDIN : Source.OTHER;
        }
        if ((n.startsWith("python") || n.startsWith("pypy")) && (v.equals("-X") || v.equals("-W"))) {
          i++;
        }
        if (v.equals("-V") || v.equals("--version") || v.equals("-h")) {
          return Source.OTHER;
        }
        continue;
      }
      if (v.startsWith("--")) {
        if (v.equals("--version") || v.equals("--help")) {
          return Source.OTHER;
        }
        continue;
      }
      return scriptOrStdin(v);
    }
    return Source.STDIN;
  }

  /** A file name that is a file descriptor ({@code /dev/stdin}, {@code /dev/fd/N}, {@code /proc/self/fd/N}, {@code -}). */
  static boolean descriptorPath(String v) {
    return v.equals("-") || v.matches("/+dev/+(stdin|fd/+[0-9]+)|/+proc/+(self|thread-self|[0-9]+)(/+task/+[0-9]+)?/+fd/+[0-9]+");
  }

  /**
   * A file name that opens the session's terminal: {@code /dev/tty}, {@code /dev/pts/N}, the
   * console, and the names of descriptors 0–2 ({@code /dev/stdin}, {@code /dev/fd/1}, {@code
   * /proc/self/fd/2}, {@code /proc/$$/fd/0}), which are the terminal unless redirected. An unknown
   * part where a number or a device name goes ({@code /dev/pts/$n}, {@code /proc/$$/fd/$k}) is
   * taken to be one: a shell reading the terminal by name reads what the person types next,
   * unjudged.
   */
  static boolean terminalPath(String v) {
    String any = "[0-9]+|" + Word.UNKNOWN + "+";
    return v.matches("/+dev/+(tty[0-9A-Za-z]*|pts/+(" + any + ")|console|stdin|stdout|stderr|fd/+([012]|" + Word.UNKNOWN + "+)|"
        + Word.UNKNOWN + ".*)")
        || v.matches("/+proc/+(self|thread-self|" + any + ")(/+task/+(" + any + "))?/+fd/+([012]|" + Word.UNKNOWN + "+)");
  }

  /**
   * Whether {@code w} names a file on disk the way a script's file is named: a literal word, not
   * a process substitution, not a device under {@code /dev} (other than {@code /dev/null}) and not
   * a descriptor by name ({@code /dev/fd/N}, {@code /proc/self/fd/N}, {@code -}). Anything else may
   * be the session's terminal.
   */
  static boolean regularPath(Word w) {
    String v = w.value();
    if (!w.literal() || v.isEmpty() || w.source().startsWith("<(") || w.source().startsWith(">(")) {
      return false;
    }
    if (terminalPath(v) || descriptorPath(v) || v.matches("/+proc/+.*/fd(/.*)?")) {
      return false;
    }
    return !v.matches("/+dev/+.*") || v.matches("/+dev/+null");
  }

  /**
   * Whether {@code c} (a shell, an interpreter, {@code source} or {@code .}) is given the
   * terminal by name as code: {@code bash /dev/tty}, {@code . /dev/tty}, {@code python3
   * /proc/self/fd/0}; or a descriptor past 2 by name while its input is the terminal ({@code bash
   * /dev/fd/3 3</dev/tty}: a redirection from the terminal makes the command's input the terminal).
   */
  static boolean readsTerminalByName(ShellCommand c) {
    if (!isShellOrLanguage(c.name()) && !c.name().equals("source") && !c.name().equals(".")) {
      return false;
    }
    for (Word w : c.args()) {
      String v = w.value();
      if (terminalPath(v) || !v.equals("-") && descriptorPath(v) && c.stdin() == ShellCommand.Stdin.TERMINAL) {
        return true;
      }
    }
    return false;
  }

  /** A script read from a descriptor is code from standard input or from a file the text opened: not a script on disk. */
  private static Source scriptOrStdin(String v) {
    if (!descriptorPath(v)) {
      return Source.SCRIPT;
    }
    return v.matches("-|/+dev/+(stdin|fd/+0)|.*/fd/+0") ? Source.STDIN : Source.INLINE;
  }

  private static Source shellSource(List<Word> a) {
    boolean stdinFlag = false;
    for (int i = 0; i < a.size(); i++) {
      String v = a.get(i).value();
      if (v.equals("--") || v.equals("-")) {
        return i + 1 < a.size() && !stdinFlag ? Source.SCRIPT : Source.STDIN;
      }
      if (v.equals("--version") || v.equals("--help")) {
        return Source.OTHER;
      }
      if (v.equals("--rcfile") || v.equals("--init-file")) {
        i++;
        continue;
      }
      if (v.startsWith("--")) {
        continue;
      }
      if ((v.startsWith("-") || v.startsWith("+")) && v.length() > 1) {
        for (int j = 1; j < v.length(); j++) {
          char ch = v.charAt(j);
          if (ch == 'c') {
            return Source.INLINE;
          }
          if (ch == 's') {
            stdinFlag = true;
          }
          if (ch == 'o' || ch == 'O') {
            i++;
          }
        }
        continue;
      }
      return stdinFlag ? Source.STDIN : scriptOrStdin(v);
    }
    return Source.STDIN;
  }

  private static final Set<String> STDIN_FILES = Set.of("/dev/stdin", "/dev/fd/0", "/proc/self/fd/0", "-");

  /** A shell or interpreter that takes its code from standard input ({@code . /dev/stdin} too). */
  static boolean readsCodeFromStdin(ShellCommand c) {
    if (c.name().equals("source") || c.name().equals(".")) {
      return !c.args().isEmpty() && STDIN_FILES.contains(c.args().get(c.args().get(0).value().equals("--") && c.args().size() > 1 ? 1 : 0).value());
    }
    return isShellOrLanguage(c.name()) && source(c) == Source.STDIN;
  }
}
