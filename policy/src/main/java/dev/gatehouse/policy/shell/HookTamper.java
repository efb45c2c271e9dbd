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
    if (unsetFunctions || names.isEmpty() || !n.equals("unset") && !n.equals("readonly") && Regexes.matches(flags, "p*")
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

  /** Builtins that list every variable with their values when given no names. */
  private static final Set<String> LISTING = Set.of("declare", "typeset", "local", "readonly");

  /**
   * Why {@code r} (a line typed at the guarded prompt) could read the hook's own state, or null.
   * The hook keeps the nonce of the next prompt's wall in {@code __gh_m}: a line that prints it
   * lets raw type-ahead end the wall early. Refused: any text naming a {@code __gh_} variable (in
   * the line as typed, or in any command the reading found in it: {@code eval}, {@code bash -c});
   * an indirect expansion {@code ${!x}} (the name is only known when it runs) and a listing of
   * names {@code ${!p*}} whose prefix could match; {@code set} with no literal argument, {@code
   * declare}/{@code typeset}/{@code local}/{@code readonly} with no names (they print every
   * variable); {@code compgen -v}, {@code compgen -A variable} or with an option only known when
   * it runs.
   */
  static String reads(ShellReading r) {
    List<String> texts = new java.util.ArrayList<>();
    texts.add(r.text());
    for (ShellCommand c : r.commands()) {
      texts.add(c.text());
      texts.add(c.path());
      for (Word w : c.args()) {
        texts.add(w.source());
        texts.add(w.value());
      }
    }
    for (ShellReading.Assignment a : r.assignments()) {
      texts.add(a.text());
      if (a.value() != null) { // null: a name without a value (declare x, unset x)
        texts.add(a.value().source());
        texts.add(a.value().value());
      }
    }
    for (ShellReading.Redirect w : r.writes()) {
      texts.add(w.text());
    }
    for (String t : texts) {
      if (t.contains("__gh_")) {
        return "names a variable of the guard's hook: " + r.text();
      }
      if (t.contains("@P}")) {
        return "prompt expansion of a value (expands what the value names when it runs): " + t;
      }
      String why = indirection(t);
      if (why != null) {
        return why;
      }
    }
    for (ShellCommand c : r.commands()) {
      String why = listsVariables(c);
      if (why != null) {
        return why;
      }
      why = readsAProcess(c);
      if (why != null) {
        return why;
      }
    }
    boolean intoProcess = texts.stream().anyMatch(HookTamper::namesAProcessDirectory);
    for (String t : texts) {
      String why = namesProcessMemory(t, intoProcess);
      if (why != null) {
        return why;
      }
    }
    return null;
  }

  /**
   * The shell's own memory holds the nonce of the next prompt's wall, and on most hosts a process
   * may read the memory of its own user's processes: {@code tail -c +HEAP /proc/$PPID/mem | grep
   * -ao '[0-9a-f]\{128\}'} printed it with listed programs. Refused: a path naming a process's
   * {@code mem} or {@code map_files} (its pid, {@code self}, a task, a part only known when it runs
   * or a pattern in its place), and a bare {@code mem} (or a pattern that could match it) in a text
   * that names a process's directory ({@code cd /proc/1; tail mem}, {@code find /proc -name mem}).
   * {@code /proc/meminfo} and the like are the system's, not a process's.
   */
  private static String namesProcessMemory(String t, boolean intoProcess) {
    if (t == null) {
      return null;
    }
    java.util.regex.Matcher m = PROCESS_FILE.matcher(t);
    while (m.find()) {
      String leaf = m.group(2);
      if (leaf.equals("mem") || leaf.equals("map_files") || couldBeMemory(leaf)) {
        return "reads a process's memory (the guard's shell keeps its secrets there): " + t;
      }
    }
    if (intoProcess) {
      for (String word : t.split("[\\s;&|()<>]+")) {
        // A name relative to a process's directory the text went into or holds in a variable
        // ($p/mem): mem itself, or a bare pattern that could match it.
        String leaf = word.substring(word.lastIndexOf('/') + 1);
        if (leaf.equals("mem") || leaf.equals("map_files") || word.indexOf('/') < 0 && word.length() <= 4
            && couldBeMemory(word) && !word.startsWith("$")) {
          return "reads a process's memory (the guard's shell keeps its secrets there): " + t;
        }
      }
    }
    return null;
  }

  /** {@code proc/ PROCESS / [task/ TID /] LEAF}: group 1 the process part, group 2 the leaf. */
  private static final java.util.regex.Pattern PROCESS_FILE = java.util.regex.Pattern.compile(
      "proc/([^/\\s]+)/(?:task/[^/\\s]+/)?([^/\\s'\"]+)");

  /** A leaf only known when it runs, or a pattern (which could match {@code mem}). */
  private static boolean couldBeMemory(String leaf) {
    return leaf.indexOf(Word.UNKNOWN) >= 0 || leaf.indexOf('$') >= 0 || leaf.indexOf('*') >= 0
        || leaf.indexOf('?') >= 0 || leaf.indexOf('[') >= 0;
  }

  /**
   * A word into a process's directory of /proc: {@code /proc} itself, or {@code /proc/X…} where X
   * is a pid, {@code self}, {@code thread-self}, or a part only known when it runs or a pattern.
   */
  private static boolean namesAProcessDirectory(String t) {
    if (t == null) {
      return false;
    }
    for (String word : t.split("[\\s;&|()<>=:'\"]+")) {
      String w = word.startsWith("/") ? word.substring(1) : word;
      if (w.equals("proc") || w.equals("proc/")) {
        return true;
      }
      if (w.startsWith("proc/")) {
        String rest = w.substring(5);
        String first = rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest;
        if (first.matches("\\d+|self|thread-self") || couldBeMemory(first)) {
          return true;
        }
      }
    }
    return false;
  }

  /** A program that reads another process's memory or system calls: gcore, strace/ltrace attached to one. */
  private static String readsAProcess(ShellCommand c) {
    String n = c.name();
    if (n.equals("gcore")) {
      return "dumps a process's memory (the guard's shell keeps its secrets there): " + c.text();
    }
    if ((n.equals("strace") || n.equals("ltrace")) && c.argValues().stream()
        .anyMatch(v -> v.startsWith("-p") || v.startsWith("--attach") || v.matches("-[a-zA-Z]*p.*"))) {
      return "attaches to a process (the guard's shell keeps its secrets in its memory): " + c.text();
    }
    return null;
  }

  /**
   * {@code ${!name}} (indirect: the name is the value of {@code name}, only known when it runs)
   * or {@code ${!prefix*}}/{@code ${!prefix@}} whose prefix is one of {@code __gh_}'s. Allowed:
   * the keys of an array {@code ${!a[@]}}/{@code ${!a[*]}} and {@code ${!#}} (the last positional
   * parameter).
   */
  static String indirection(String t) {
    int at = t.indexOf("${!");
    while (at >= 0) {
      int i = at + 3;
      int start = i;
      while (i < t.length() && (Character.isLetterOrDigit(t.charAt(i)) || t.charAt(i) == '_')) {
        i++;
      }
      String name = t.substring(start, i);
      String rest = t.substring(i);
      boolean identifier = Regexes.matches(name, "[A-Za-z_][A-Za-z0-9_]*");
      if (identifier && (rest.startsWith("[@]}") || rest.startsWith("[*]}"))) {
        // the keys of an array
      } else if (name.isEmpty() && rest.startsWith("#}")) {
        // the last positional parameter
      } else if (identifier && (rest.startsWith("*}") || rest.startsWith("@}"))) {
        if ("__gh_".startsWith(name) || name.startsWith("__gh")) {
          return "lists the names of the guard's own variables: " + t;
        }
      } else {
        return "indirect expansion (a variable named only when it runs): " + t;
      }
      at = t.indexOf("${!", at + 3);
    }
    return null;
  }

  /** {@code set}, {@code declare}, {@code compgen -v}… printing every variable (the hook's own with them), or null. */
  private static String listsVariables(ShellCommand c) {
    String n = c.name();
    List<Word> a = c.args();
    if (n.equals("set")) {
      // set alone prints every variable; an argument only known when it runs may be empty.
      return a.stream().noneMatch(Word::literal) ? "prints every variable, the guard's own with them: " + c.text() : null;
    }
    if (LISTING.contains(n)) {
      String flags = "";
      boolean named = false;
      for (Word w : a) {
        String v = w.value();
        int eq = v.indexOf('=');
        String name = eq < 0 ? v : v.substring(0, eq);
        if (name.isEmpty() || name.indexOf(Word.UNKNOWN) >= 0) {
          // declare -p "$x": a name only known when it runs (and none at all when it is empty).
          return "declares or prints a variable named only when it runs: " + c.text();
        }
        if (!named && w.literal() && (v.startsWith("-") || v.startsWith("+")) && v.length() > 1 && !v.equals("--")) {
          flags += v.substring(1);
          continue;
        }
        named |= !v.equals("--");
      }
      if (named) {
        return null;
      }
      // Only -f/-F with no names lists functions (their text, not the variables' values).
      return !flags.isEmpty() && Regexes.matches(flags, "[fF]+") ? null
          : "prints every variable, the guard's own with them: " + c.text();
    }
    if (n.equals("compgen")) {
      for (int i = 0; i < a.size(); i++) {
        Word w = a.get(i);
        String v = w.value();
        if (!w.literal()) {
          return "compgen with an option only known when it runs: " + c.text();
        }
        if (v.equals("--")) {
          break;
        }
        if (v.startsWith("-") && v.length() > 1) {
          if (v.indexOf('v', 1) > 0) {
            return "lists the names of every variable, the guard's own with them: " + c.text();
          }
          int k = v.indexOf('A', 1);
          if (k > 0) {
            Word action = k == v.length() - 1 ? (i + 1 < a.size() ? a.get(++i) : null)
                : Word.literal(v.substring(k + 1), v.substring(k + 1));
            if (action != null && (!action.literal() || action.value().equals("variable"))) {
              return "lists the names of every variable, the guard's own with them: " + c.text();
            }
          }
        }
      }
    }
    return null;
  }
}
