package dev.gatehouse.policy.shell;

import java.util.List;
import java.util.Set;

/**
 * Lines that take away what the gateway's prompt hook in bash stands on: a function that would be
 * found before a builtin or in place of a keyword, and a change to the attributes or existence of
 * a variable the hook reads or writes. The hook itself runs in POSIX mode, calls builtins through
 * {@code builtin}, takes its nonce from the kernel and ends the session when it finds any of this
 * done (by a script, which the guard does not read); these rules refuse it at the prompt, where
 * the guard does read it, so a session is not ended for a line that could have been refused.
 *
 * <p>Any builtin or keyword name is refused as a function name, not only the ones the hook uses
 * today: a function named after a builtin changes what every later line the guard judged runs.
 */
final class HookTamper {
  /** Every bash builtin and reserved word (bash 5.2). */
  static final Set<String> BUILTINS_AND_KEYWORDS = Set.of(".", ":", "[", "alias", "bg", "bind", "break", "builtin",
      "caller", "cd", "command", "compgen", "complete", "compopt", "continue", "declare", "dirs", "disown", "echo",
      "enable", "eval", "exec", "exit", "export", "false", "fc", "fg", "getopts", "hash", "help", "history", "jobs",
      "kill", "let", "local", "logout", "mapfile", "popd", "printf", "pushd", "pwd", "read", "readarray", "readonly",
      "return", "set", "shift", "shopt", "source", "suspend", "test", "times", "trap", "true", "type", "typeset",
      "ulimit", "umask", "unalias", "unset", "wait", "!", "[[", "]]", "{", "}", "case", "do", "done", "elif", "else",
      "esac", "fi", "for", "function", "if", "in", "select", "then", "time", "until", "while", "coproc");
  /** Variables the hook reads or sets (its own are {@code __gh_*}; {@code BASH_*} are bash's): no declaration may touch them. */
  static final Set<String> HOOK_VARIABLES = Set.of("SRANDOM", "RANDOM", "POSIXLY_CORRECT", "PS0", "PS1", "PS2",
      "PROMPT_COMMAND", "SHELLOPTS", "BASHOPTS");
  /** Variables the hook assigns for one command ({@code IFS= read}): only read-only or a nameref breaks that. */
  static final Set<String> ASSIGNED_BY_HOOK = Set.of("IFS");
  private static final Set<String> DECLARING = Set.of("declare", "typeset", "local", "readonly", "export", "unset");

  private HookTamper() {}

  static boolean protectedName(String name) {
    return HOOK_VARIABLES.contains(name) || name.startsWith("__gh_") || name.startsWith("BASH_");
  }

  /** Why defining {@code f} tampers with the hook, or null. */
  static String function(ShellReading.FunctionDefinition f) {
    return BUILTINS_AND_KEYWORDS.contains(f.name()) ? "defines a function named after a shell builtin or keyword: "
        + f.text() : null;
  }

  /** Why {@code c} tampers with the hook's variables, or null. */
  static String command(ShellCommand c) {
    String n = c.name();
    List<Word> a = c.args();
    if (DECLARING.contains(n)) {
      return declaring(c) ? "changes a variable the guard's hook stands on: " + c.text() : null;
    }
    if (n.equals("printf")) {
      for (int i = 0; i + 1 < a.size(); i++) {
        if (a.get(i).value().equals("-v") && touches(a.get(i + 1))) {
          return "writes a variable the guard's hook stands on: " + c.text();
        }
      }
      return null;
    }
    if (n.equals("read") || n.equals("mapfile") || n.equals("readarray")) {
      String withArg = n.equals("read") ? "adinNptu" : "dnOsuCc";
      boolean options = true;
      for (int i = 0; i < a.size(); i++) {
        Word w = a.get(i);
        String v = w.value();
        if (options && v.equals("--")) {
          options = false;
          continue;
        }
        if (options && v.startsWith("-") && v.length() > 1) {
          char last = v.charAt(v.length() - 1);
          if (withArg.indexOf(last) >= 0 && i + 1 < a.size()) {
            i++;
            if (last == 'a' && touches(a.get(i))) {
              return "reads into a variable the guard's hook stands on: " + c.text();
            }
          }
          continue;
        }
        options = false;
        if (touches(w)) {
          return "reads into a variable the guard's hook stands on: " + c.text();
        }
      }
    }
    return null;
  }

  /**
   * {@code unset}, {@code readonly}, {@code declare}/{@code typeset}/{@code local}/{@code export}
   * with options other than {@code -p} naming a protected variable (or a nameref to one), or a
   * name only known when it runs.
   */
  private static boolean declaring(ShellCommand c) {
    String n = c.name();
    String flags = "";
    boolean unsetFunctions = false;
    List<Word> names = new java.util.ArrayList<>();
    for (Word w : c.args()) {
      String v = w.value();
      if (names.isEmpty() && w.literal() && (v.startsWith("-") || v.startsWith("+")) && v.length() > 1) {
        flags += v.substring(1);
        unsetFunctions |= n.equals("unset") && v.indexOf('f') > 0;
        continue;
      }
      names.add(w);
    }
    if (unsetFunctions || names.isEmpty() || !n.equals("unset") && !n.equals("readonly") && flags.matches("p*")
        && !flags.isEmpty()) {
      return false; // unset -f removes functions; a bare declare/export -p lists
    }
    boolean attributes = n.equals("readonly") || flags.contains("r") || flags.contains("n")
        || n.equals("export") && flags.contains("n");
    for (Word w : names) {
      String v = w.value();
      int eq = v.indexOf('=');
      String name = eq < 0 ? v : v.substring(0, eq);
      if (name.isEmpty() || name.indexOf(Word.UNKNOWN) >= 0) {
        return true; // a name only known when it runs
      }
      if (protectedName(name) || attributes && ASSIGNED_BY_HOOK.contains(name)) {
        return true;
      }
      if (eq > 0 && flags.contains("n") && (protectedName(v.substring(eq + 1)) || ASSIGNED_BY_HOOK.contains(v.substring(eq + 1)))) {
        return true; // a nameref to one (declare -n r=SRANDOM)
      }
    }
    return false;
  }

  /** A protected name, or a name only known when it runs. */
  private static boolean touches(Word w) {
    return !w.literal() || protectedName(w.value());
  }
}
