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
    boolean intoUnknown = !intoProcess && entersUnknownDirectory(r, texts);
    for (String t : texts) {
      String why = namesProcessMemory(t, intoProcess, intoUnknown);
      if (why != null) {
        return why;
      }
    }
    // find hands what it finds to a program (-exec, -execdir, -ok, -okdir, or xargs) that reads it.
    boolean foundFilesRead = r.commands().stream().anyMatch(c -> !READS_NO_CONTENT.contains(c.name())
        && c.via().stream().anyMatch(v -> v.startsWith("find -") || v.equals("xargs")));
    for (ShellCommand c : r.commands()) {
      if (walksIntoProcessMemory(c, intoProcess, foundFilesRead)) {
        return "walks into a process's directory and reads its memory (the guard's shell keeps its secrets there): "
            + c.text();
      }
    }
    return null;
  }

  /**
   * A {@code cd}/{@code pushd} whose directory is only known when it runs ({@code cd "$(printf
   * /pro%s/%s c $$)"}, {@code cd "$d"}), or is not its operand ({@code cd -}, {@code ~-}, {@code
   * pushd +1}, any {@code popd}, a name looked up in a {@code CDPATH} or by {@code cdable_vars}
   * the text sets), or {@code env -C} of one: it may be a process's directory, so a later bare
   * {@code mem} counts as that process's memory. ({@code cd ~/x} is the login's home.) A word with
   * no known letter there ({@code *}, {@code "$f"}) is not counted: it is every name, and a
   * relative {@code *} or {@code grep -r x .} is read the same way after a {@code cd} on an
   * earlier line, which the judge does not see.
   */
  private static boolean entersUnknownDirectory(ShellReading r, List<String> texts) {
    boolean shellLooksUp = texts.stream()
        .anyMatch(t -> t != null && (t.contains("CDPATH") || t.contains("cdable_vars")));
    for (ShellCommand c : r.commands()) {
      String n = c.name();
      if (n.equals("popd") || n.equals("pushd") && c.args().isEmpty()
          || n.equals("env") && GitFiles.envChdirUnknown(c)) {
        return true;
      }
      if (n.equals("cd") || n.equals("pushd")) {
        for (Word w : c.args()) {
          String v = w.value();
          if (v.indexOf(Word.UNKNOWN) >= 0 || shellLooksUp || v.equals("-")
              || !w.literal() && Regexes.matches(v, "(?s)~[+-][0-9]*(/.*)?|~[0-9]+(/.*)?")
              || n.equals("pushd") && Regexes.matches(v, "[+-][0-9]+")) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /**
   * The shell's own memory holds the nonce of the next prompt's wall, and on most hosts a process
   * may read the memory of its own user's processes: {@code tail -c +HEAP /proc/$PPID/mem | grep
   * -ao '[0-9a-f]\{128\}'} printed it with listed programs. Refused: a path naming a process's
   * {@code mem} or {@code map_files} (its pid, {@code self}, a task, a part only known when it runs
   * or a pattern in its place), also when bash makes the {@code proc} part ({@code /pro[c]}, {@code
   * /{proc,}}, {@code /p$p}) or the whole directory is only known when it runs ({@code $d/mem}),
   * and a bare {@code mem} (or a pattern that could match it) in a text that names a process's
   * directory ({@code cd /proc/1; tail mem}, {@code find /proc -name '[m]em'}). Each path is read
   * the way the kernel walks it ({@link #kernelSpellings}: {@code /proc//1/./mem}). {@code
   * /proc/meminfo} and the like are the system's, not a process's.
   */
  private static String namesProcessMemory(String t, boolean intoProcess, boolean intoUnknown) {
    if (t == null) {
      return null;
    }
    for (String word : pathWords(t)) {
      for (Spelling s : kernelSpellings(word)) {
        if (namesMemoryFile(s)) {
          return "reads a process's memory (the guard's shell keeps its secrets there): " + t;
        }
        if ((intoProcess || intoUnknown) && !word.startsWith("$") && !s.parts().isEmpty()) {
          // A name relative to a process's directory the text went into or holds in a variable
          // ($p/mem): mem itself, or a pattern that could match it (find -name '[m]em', ./m?m);
          // after a cd to a directory only known when it runs, one with a known letter of it.
          String leaf = s.parts().get(s.parts().size() - 1);
          boolean bare = s.parts().size() == 1 || s.parts().contains("..");
          if (leaf.equals("mem") || leaf.equals("map_files")
              || bare && bashMakes(leaf) && couldBeMemory(leaf)
              && (intoProcess || !Regexes.matches(leaf, "[*?" + Word.UNKNOWN + "]*"))) {
            return "reads a process's memory (the guard's shell keeps its secrets there): " + t;
          }
        }
      }
    }
    return null;
  }

  /**
   * A program that reads every file below a directory, given one that holds a process's {@code mem}
   * within its reach: {@code grep -r}/{@code -R}/{@code -d recurse}/{@code --directories=recurse}
   * (any abbreviation getopt_long and argmatch take; {@code rgrep}), {@code rg}, {@code ag},
   * {@code ack} (recursive by themselves), {@code lsattr} (opens a directory's entries, all below
   * it with {@code -R}), and {@code find} in a text where a program that may read
   * a file's content ({@code READS_NO_CONTENT} aside) runs by {@code -exec}, {@code -execdir},
   * {@code -ok}, {@code -okdir} or {@code xargs}. Within reach: {@code /}, {@code /proc}, a
   * process's directory, its {@code task} directory or a task's, its {@code map_files}, its
   * {@code root} or {@code cwd}
   * (links grep follows when named), spelled as {@link #depthToMemory} reads them; a relative or
   * unknown directory only in a text that went into a process's directory ({@code cd /proc/1 &&
   * grep -r x .}). A recursive read of {@code .} otherwise is everyday work: the directory an
   * earlier line left is not known here, as for {@code tail mem}. find does not reach it below
   * {@code -maxdepth}, from {@code /} with {@code -xdev}/{@code -mount} (/proc is its own file
   * system), nor with a {@code -name}/{@code -iname}, a {@code -perm} or a {@code -type} that
   * {@code mem} and {@code map_files} entries fail, when no {@code -o}, {@code ,} or {@code !}
   * could bypass it.
   */
  private static boolean walksIntoProcessMemory(ShellCommand c, boolean intoProcess, boolean foundFilesRead) {
    String n = c.name();
    List<Word> a = c.args();
    if (Set.of("grep", "egrep", "fgrep", "rgrep").contains(n)) {
      boolean recursive = n.equals("rgrep");
      boolean patternGiven = false;
      List<Word> operands = new java.util.ArrayList<>();
      for (int i = 0; i < a.size(); i++) {
        String v = a.get(i).value();
        if (v.equals("--")) {
          operands.addAll(a.subList(i + 1, a.size()));
          break;
        }
        if (v.startsWith("--")) {
          int eq = v.indexOf('=');
          String value = eq >= 0 ? v.substring(eq + 1) : null;
          boolean takesValue = GREP_VALUED_OPTIONS.stream().anyMatch(o -> Wrappers.longOption(v, o));
          if (value == null && takesValue && !Wrappers.longOption(v, "recursive") && i + 1 < a.size()) {
            value = a.get(++i).value();
          }
          patternGiven |= Wrappers.longOption(v, "regexp") || Wrappers.longOption(v, "file");
          recursive |= Wrappers.longOption(v, "recursive") || Wrappers.longOption(v, "dereference-recursive")
              || Wrappers.longOption(v, "directories") && value != null && readsAsRecurse(value);
          continue;
        }
        if (v.startsWith("-") && v.length() > 1) {
          for (int k = 1; k < v.length(); k++) {
            char o = v.charAt(k);
            if (o == 'r' || o == 'R' || o == Word.UNKNOWN) {
              recursive = true; // an option only known when it runs could be -r
            }
            if ("efmABCdD".indexOf(o) >= 0) {
              String value = k + 1 < v.length() ? v.substring(k + 1) : i + 1 < a.size() ? a.get(++i).value() : "";
              patternGiven |= o == 'e' || o == 'f';
              recursive |= o == 'd' && readsAsRecurse(value);
              break;
            }
          }
          continue;
        }
        operands.add(a.get(i));
      }
      if (!recursive) {
        return false;
      }
      if (!patternGiven && !operands.isEmpty()) {
        operands.remove(0);
      }
      return operands.isEmpty() ? intoProcess // grep -r with no file reads the working directory
          : operands.stream().anyMatch(w -> depthToMemory(w, intoProcess) >= 0);
    }
    if (Set.of("rg", "ag", "ack", "ack-grep").contains(n)) {
      // Every word but options could be a directory they walk (the pattern too, failing closed).
      List<Word> operands = a.stream().filter(w -> !w.value().startsWith("-")).toList();
      return operands.size() < 2 ? intoProcess : operands.stream().anyMatch(w -> depthToMemory(w, intoProcess) >= 0);
    }
    if (n.equals("lsattr")) {
      // lsattr opens every file it lists (open O_RDONLY|O_NONBLOCK, then an ioctl; strace): a
      // directory's entries, and with -R each directory below (not through symlinks); -d, anywhere,
      // lists a directory itself and walks nothing. Options are getopt's (-RVadlpv, none takes a
      // value), anywhere.
      boolean recursive = false;
      boolean dirsThemselves = false;
      List<Word> operands = new java.util.ArrayList<>();
      for (int i = 0; i < a.size(); i++) {
        String v = a.get(i).value();
        if (v.equals("--")) {
          operands.addAll(a.subList(i + 1, a.size()));
          break;
        }
        if (v.startsWith("-") && v.length() > 1) {
          recursive |= v.indexOf('R') >= 0 || v.indexOf(Word.UNKNOWN) >= 0; // an unknown option may be -R
          dirsThemselves |= a.get(i).literal() && v.indexOf('d') >= 0;
          continue;
        }
        operands.add(a.get(i));
      }
      int reach = dirsThemselves ? 0 : recursive ? Integer.MAX_VALUE : 1;
      if (operands.isEmpty()) {
        return intoProcess && reach >= 1; // lsattr with no file lists the working directory
      }
      return operands.stream().anyMatch(w -> {
        int depth = depthToMemory(w, intoProcess);
        return depth >= 0 && depth <= reach;
      });
    }
    if (!n.equals("find")) {
      return false;
    }
    int i = 0;
    while (i < a.size() && Regexes.matches(a.get(i).value(), "-[HLP]+|-D|-O[0-9]*")) {
      i += a.get(i).value().equals("-D") ? 2 : 1;
    }
    List<Word> starts = new java.util.ArrayList<>();
    while (i < a.size() && !Regexes.matches(a.get(i).value(), "(?s)-.+|[(!,]")) {
      starts.add(a.get(i++));
    }
    List<String> expression = a.subList(Math.min(i, a.size()), a.size()).stream().map(Word::value).toList();
    if (!foundFilesRead) {
      return false;
    }
    if (expression.stream().noneMatch(v -> v.indexOf(Word.UNKNOWN) >= 0 || Regexes.matches(v, "-o|-or|,|!|-not"))
        && excludesProcessMemory(expression)) {
      return false;
    }
    int maxDepth = Integer.MAX_VALUE;
    int at = expression.indexOf("-maxdepth");
    if (at >= 0 && at + 1 < expression.size() && Regexes.matches(expression.get(at + 1), "[0-9]{1,4}")) {
      maxDepth = Integer.parseInt(expression.get(at + 1));
    }
    boolean oneFileSystem = expression.contains("-xdev") || expression.contains("-mount");
    if (starts.isEmpty()) {
      starts.add(Word.literal(".", "."));
    }
    for (Word w : starts) {
      int depth = depthToMemory(w, intoProcess);
      if (depth >= 0 && depth <= maxDepth && !(oneFileSystem && w.value().equals("/") && w.literal())) {
        return true;
      }
    }
    return false;
  }

  /**
   * Programs that, given a file's name, read its metadata or change it but never its content (nor
   * open it: lsattr, which opens each file for its ioctl, is not one).
   */
  private static final Set<String> READS_NO_CONTENT = Set.of("ls", "stat", "du", "chmod", "chown", "chgrp", "rm", "touch",
      "echo", "printf", "basename", "dirname", "readlink", "realpath", "test", "[", "getfacl");

  /** grep's long options that take a value in the next word when not given one with {@code =}. */
  private static final List<String> GREP_VALUED_OPTIONS = List.of("regexp", "file", "exclude", "exclude-from", "exclude-dir",
      "include", "max-count", "after-context", "before-context", "context", "directories", "devices", "group-separator",
      "label", "binary-files");

  /** Whether grep's directory action {@code v} could be {@code recurse} (argmatch takes an unambiguous start: {@code rec}). */
  private static boolean readsAsRecurse(String v) {
    int unknown = v.indexOf(Word.UNKNOWN);
    String known = unknown >= 0 ? v.substring(0, unknown) : v;
    return unknown >= 0 ? "recurse".startsWith(known) : v.length() >= 3 && "recurse".startsWith(v);
  }

  /**
   * A test of find's (all of them must hold) that a process's {@code mem} (a file of mode 0600)
   * and its {@code map_files} entries (links named {@code START-END} in hex) fail: {@code -name}
   * or {@code -iname} of a pattern that could not be {@code mem} and holds a character no such
   * entry has, {@code -perm} of an octal mode 0600 does not meet, {@code -type} without {@code f}
   * or {@code l}.
   */
  private static boolean excludesProcessMemory(List<String> expression) {
    for (int i = 0; i + 1 < expression.size(); i++) {
      String test = expression.get(i);
      String arg = expression.get(i + 1);
      if (test.equals("-name") || test.equals("-iname")) {
        String pattern = test.equals("-iname") ? arg.toLowerCase(java.util.Locale.ROOT) : arg;
        String literalChars = Regexes.replaceAll(pattern, "\\[[^\\]]*\\]|[*?]", "");
        if (!couldBe(pattern, "mem") && !Regexes.matches(literalChars, "[0-9a-f-]*")) {
          return true;
        }
      } else if (test.equals("-perm") && Regexes.matches(arg, "[-/]?[0-7]{1,4}")) {
        int mode = Integer.parseInt(arg.replaceFirst("^[-/]", ""), 8);
        boolean memMeets = arg.startsWith("-") ? (0600 & mode) == mode
            : arg.startsWith("/") ? mode == 0 || (0600 & mode) != 0 : mode == 0600;
        if (!memMeets) {
          return true;
        }
      } else if (test.equals("-type") && !arg.contains("f") && !arg.contains("l") && arg.indexOf(Word.UNKNOWN) < 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * How many levels below the directory {@code w} names a process's {@code mem} could be, or -1:
   * 3 below {@code /}, 2 below {@code /proc} or a task directory, 1 below a process's or a task's
   * directory or its {@code map_files} (each spelled as {@link #kernelSpellings} reads it, a part
   * bash makes counting as what it could be); 3 below a process's or task's {@code root} or {@code
   * cwd} (any directory); 1 below a relative or unknown directory in a text that went into a
   * process's.
   */
  private static int depthToMemory(Word w, boolean intoProcess) {
    int least = -1;
    List<String> words = new java.util.ArrayList<>(pathWords(w.source()));
    words.add(w.value());
    for (String word : words) {
      for (Spelling s : kernelSpellings(word)) {
        List<String> p = s.parts();
        int depth = s.absolute() && p.isEmpty() ? 3
            : intoProcess && (!s.absolute() || p.get(0).indexOf(Word.UNKNOWN) >= 0) ? 1 : -1;
        boolean unknownAbove = false;
        for (int i = 0; i < p.size(); i++) {
          String part = p.get(i);
          // Last, as in namesAProcessDirectory: a whole expansion below other parts is any directory.
          boolean proc = i + 1 == p.size()
              ? part.equals("proc") || valueWordCouldBeProc(part)
                  || i == 0 && s.absolute() && bashMakes(part) && couldBe(part, "proc")
              : couldBeProc(p, i, s.absolute(), unknownAbove && !wholeExpansion(part));
          if (proc) {
            List<String> below = p.subList(i + 1, p.size());
            int here = switch (below.size()) {
              case 0 -> 2;
              case 1 -> couldBePid(below.get(0)) ? 1 : -1;
              case 2 -> !couldBePid(below.get(0)) ? -1 : couldBe(below.get(1), "task") ? 2
                  : couldBe(below.get(1), "map_files") ? 1
                  : couldBe(below.get(1), "root") || couldBe(below.get(1), "cwd") ? 3 : -1;
              case 3 -> couldBePid(below.get(0)) && couldBe(below.get(1), "task") && couldBePid(below.get(2)) ? 1 : -1;
              case 4 -> couldBePid(below.get(0)) && couldBe(below.get(1), "task") && couldBePid(below.get(2))
                  && (couldBe(below.get(3), "root") || couldBe(below.get(3), "cwd")) ? 3 : -1;
              default -> -1;
            };
            depth = here < 0 ? depth : depth < 0 ? here : Math.min(depth, here);
          }
          unknownAbove |= part.equals("..") || bashMakes(part);
        }
        least = depth < 0 ? least : least < 0 ? depth : Math.min(least, depth);
      }
    }
    return least;
  }

  /**
   * {@code PROC / PID / [task/ TID /] LEAF} anywhere in the path, where PROC could be {@code proc},
   * PID a process and LEAF {@code mem} or {@code map_files}; or a {@code mem}/{@code map_files}
   * part below a directory only known when it runs or a pattern ({@code $d/mem}, {@code
   * /*}{@code /$$/mem} is both).
   */
  private static boolean namesMemoryFile(Spelling s) {
    List<String> p = s.parts();
    boolean unknownAbove = false;
    for (int i = 0; i < p.size(); i++) {
      String part = p.get(i);
      if (unknownAbove && (part.equals("mem") || part.equals("map_files"))) {
        return true;
      }
      if (i + 2 < p.size() && couldBeProc(p, i, s.absolute(), unknownAbove) && couldBePid(p.get(i + 1))) {
        if (couldBeMemory(p.get(i + 2))) {
          return true;
        }
        if (i + 4 < p.size() && couldBe(p.get(i + 2), "task") && couldBePid(p.get(i + 3)) && couldBeMemory(p.get(i + 4))) {
          return true;
        }
      }
      unknownAbove |= part.equals("..") || bashMakes(part);
    }
    return false;
  }

  /**
   * Part {@code i} of a path could be {@code /proc}: {@code proc} itself, or a part bash makes (a
   * pattern, a brace, an expansion) that could be {@code proc}. A whole expansion ({@code $d})
   * counts only as the first part of an absolute path ({@code /$d/1/mem}) or below a part that
   * could lead anywhere ({@code ..}, a pattern, an expansion): {@code $HOME/$x/...} is any path,
   * like every value only known when it runs, and is left to the rules for the leaf.
   */
  private static boolean couldBeProc(List<String> p, int i, boolean absolute, boolean unknownAbove) {
    String part = p.get(i);
    if (part.equals("proc") || valueWordCouldBeProc(part)) {
      return true;
    }
    if (!bashMakes(part) || !couldBe(part, "proc")) {
      return false;
    }
    return i == 0 ? absolute || !wholeExpansion(part) : unknownAbove;
  }

  /** A part that is one expansion and nothing else ({@code $d}, {@code ${d}}, {@code $(…)}): it could hold any path. */
  private static boolean wholeExpansion(String part) {
    return part.equals(String.valueOf(Word.UNKNOWN))
        || Regexes.matches(part, "\\$(\\w+|\\{[^}]*\\}|\\([^)]*\\))|`[^`]*`");
  }

  /** A process's directory name: a pid, {@code self}, {@code thread-self}, or a part bash makes. */
  private static boolean couldBePid(String part) {
    return Regexes.matches(part, "\\d+|self|thread-self") || bashMakes(part);
  }

  /** {@code mem} or {@code map_files}, or a part bash makes that could be one of them. */
  private static boolean couldBeMemory(String part) {
    return part.equals("mem") || part.equals("map_files")
        || bashMakes(part) && (couldBe(part, "mem") || couldBe(part, "map_files"));
  }

  /** A part only known when it runs, or one bash expands: a pattern, a brace, an expansion. */
  private static boolean bashMakes(String part) {
    for (int i = 0; i < part.length(); i++) {
      if (part.charAt(i) == Word.UNKNOWN || "$*?[{`".indexOf(part.charAt(i)) >= 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether bash could make {@code name} from {@code part}: its literal characters in order, an
   * expansion ({@code \0}, {@code $x}, {@code ${…}}, {@code $(…)}, a backquote), {@code *} or a
   * brace as any text, {@code ?} or a bracket expression as one character. Linear in the part
   * (the name is a few characters).
   */
  private static boolean couldBe(String part, String name) {
    if (part.length() > 255) {
      return true; // longer than any name the kernel takes: bash makes it smaller (a brace, a pattern); bounds the scans below
    }
    int m = name.length();
    boolean[] at = new boolean[m + 1]; // at[k]: the part so far could make name's first k characters
    at[0] = true;
    int n = part.length();
    for (int i = 0; i < n; i++) {
      char ch = part.charAt(i);
      int skipTo = -1;
      boolean any = ch == Word.UNKNOWN || ch == '*';
      if (ch == '$') {
        any = true;
        skipTo = i + 1 < n && part.charAt(i + 1) == '{' ? part.indexOf('}', i)
            : i + 1 < n && part.charAt(i + 1) == '(' ? part.indexOf(')', i) : -1;
        if (skipTo < 0) {
          int j = i + 1;
          while (j < n && (Character.isLetterOrDigit(part.charAt(j)) || part.charAt(j) == '_')) {
            j++;
          }
          skipTo = j == i + 1 && j < n && "$#?!@*-".indexOf(part.charAt(j)) >= 0 ? j : j - 1;
        }
      } else if (ch == '`' || ch == '{') {
        skipTo = part.indexOf(ch == '`' ? '`' : '}', i + 1);
        any = skipTo > 0 || ch == '`';
      } else if (ch == '[') {
        skipTo = bracketEnd(part, i);
      }
      if (any) {
        for (int k = 1; k <= m; k++) {
          at[k] |= at[k - 1];
        }
      } else if (ch == '?' || ch == '[' && skipTo > 0) {
        for (int k = m; k > 0; k--) {
          at[k] = at[k - 1] && (ch == '?' || inBracket(part, i, skipTo, name.charAt(k - 1)));
        }
        at[0] = false;
      } else {
        for (int k = m; k > 0; k--) {
          at[k] = at[k - 1] && name.charAt(k - 1) == ch;
        }
        at[0] = false;
      }
      if (skipTo > i) {
        i = skipTo;
      } else if (skipTo < 0 && (ch == '`' || ch == '$')) {
        break; // an unclosed expansion: the rest is its text, any text
      }
    }
    return at[m];
  }

  /** Where the bracket expression opened at {@code open} ends ({@code []…]}, {@code [!…]}, {@code [[:alpha:]]}), or -1. */
  private static int bracketEnd(String part, int open) {
    int n = part.length();
    int j = open + 1;
    if (j < n && (part.charAt(j) == '!' || part.charAt(j) == '^')) {
      j++;
    }
    if (j < n && part.charAt(j) == ']') {
      j++;
    }
    while (j < n && part.charAt(j) != ']') {
      if (part.charAt(j) == '[' && j + 1 < n && ":.=".indexOf(part.charAt(j + 1)) >= 0) {
        int close = part.indexOf(part.charAt(j + 1) + "]", j + 2);
        if (close > 0) {
          j = close + 2;
          continue;
        }
      }
      j++;
    }
    return j < n ? j : -1;
  }

  /**
   * Whether the bracket expression {@code part[open..end]} matches {@code c}: its characters and
   * ranges, {@code !}/{@code ^} negating; a class ({@code [:alpha:]}, {@code [=e=]}) could match.
   */
  private static boolean inBracket(String part, int open, int end, char c) {
    int j = open + 1;
    boolean negated = j < end && (part.charAt(j) == '!' || part.charAt(j) == '^');
    if (negated) {
      j++;
    }
    boolean found = false;
    for (boolean first = true; j < end; first = false) {
      char x = part.charAt(j);
      if (x == '[' && j + 1 < end && ":.=".indexOf(part.charAt(j + 1)) >= 0) {
        return true; // a class: it could hold c
      }
      if (x == ']' && !first) {
        break;
      }
      if (j + 2 < end && part.charAt(j + 1) == '-') {
        found |= x <= c && c <= part.charAt(j + 2);
        j += 3;
      } else {
        found |= x == c;
        j++;
      }
    }
    return found != negated;
  }

  /** A path as the kernel walks it: its parts and whether it starts at the root. */
  private record Spelling(List<String> parts, boolean absolute) {}

  /**
   * The words of a text that could be paths, without quotes and backslashes ({@code '/proc/'$$'/mem'}
   * is one), each also from after its first {@code =} ({@code if=/proc/1/mem}; the whole word too,
   * for a bracket class {@code [=e=]}).
   */
  private static List<String> pathWords(String t) {
    List<String> words = new java.util.ArrayList<>();
    for (String w : Regexes.split(t, "[\\s;&|()<>]+")) {
      String bare = Regexes.replaceAll(w, "['\"\\\\]", "");
      if (!bare.isEmpty()) {
        words.add(bare);
      }
      int eq = bare.indexOf('=');
      if (eq >= 0 && eq + 1 < bare.length()) {
        words.add(bare.substring(eq + 1));
      }
    }
    return words;
  }

  /**
   * The path {@code word} names, read like the kernel does: empty and {@code .} parts name the
   * same directory ({@code /proc//1/./mem} is {@code /proc/1/mem}); and a second reading with
   * {@code x/..} taken away where {@code x} is a plain name ({@code /proc/sys/../1/mem}). Both are
   * looked at, since {@code x} may be a symbolic link ({@code /proc/thread-self/..} is {@code
   * /proc/PID/task}, not {@code /proc}); a part bash makes keeps its {@code ..}. A path through
   * {@code /dev/fd} or {@code /dev/stdin} is also read through the link it is ({@code /proc/self/fd}).
   */
  private static List<Spelling> kernelSpellings(String word) {
    boolean absolute = word.startsWith("/");
    List<String> walked = new java.util.ArrayList<>();
    for (String part : word.split("/")) {
      if (!part.isEmpty() && !part.equals(".")) {
        walked.add(part);
      }
    }
    List<Spelling> spellings = new java.util.ArrayList<>(3);
    spellings.add(new Spelling(walked, absolute));
    List<String> resolved = resolveUp(walked, absolute);
    if (!resolved.equals(walked)) {
      spellings.add(new Spelling(resolved, absolute));
    }
    // A / inside ${…} is the expansion's own text, not a directory bash walks: ${x:-/proc}/$$ is
    // two parts, the first possibly /proc (valueWordCouldBeProc).
    List<String> asBashSplits = new java.util.ArrayList<>();
    for (String part : partsOutsideExpansions(word)) {
      if (!part.isEmpty() && !part.equals(".")) {
        asBashSplits.add(part);
      }
    }
    if (!asBashSplits.equals(walked)) {
      spellings.add(new Spelling(asBashSplits, absolute));
      List<String> asBashResolved = resolveUp(asBashSplits, absolute);
      if (!asBashResolved.equals(asBashSplits)) {
        spellings.add(new Spelling(asBashResolved, absolute));
      }
    }
    // /dev/fd and /dev/std{in,out,err} are links into /proc/self/fd: /dev/fd/../.. is /proc.
    if (absolute && walked.size() >= 2 && walked.get(0).equals("dev")) {
      String link = switch (walked.get(1)) {
        case "fd" -> "proc/self/fd";
        case "stdin" -> "proc/self/fd/0";
        case "stdout" -> "proc/self/fd/1";
        case "stderr" -> "proc/self/fd/2";
        default -> null;
      };
      if (link != null) {
        List<String> throughLink = new java.util.ArrayList<>(List.of(link.split("/")));
        throughLink.addAll(walked.subList(2, walked.size()));
        spellings.add(new Spelling(resolveUp(throughLink, true), true));
      }
    }
    return spellings;
  }

  /**
   * {@code word} split at each {@code /} that is not inside a {@code ${…}} (bash ends one at its
   * first {@code }}, a nested {@code ${} counted).
   */
  private static List<String> partsOutsideExpansions(String word) {
    List<String> parts = new java.util.ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < word.length(); i++) {
      char ch = word.charAt(i);
      if (ch == '$' && i + 1 < word.length() && word.charAt(i + 1) == '{') {
        depth++;
        i++;
      } else if (ch == '}' && depth > 0) {
        depth--;
      } else if (ch == '/' && depth == 0) {
        parts.add(word.substring(start, i));
        start = i + 1;
      }
    }
    parts.add(word.substring(start));
    return parts;
  }

  /**
   * A part holding a {@code ${name…}} whose value may be a word the text gives, and that word could
   * name {@code /proc}: a default or alternate value ({@code ${x:-/proc}}, {@code -}, {@code :=},
   * {@code +}, …) or a replacement ({@code ${PWD/*}{@code /\/proc}}, pattern and replacement both
   * read, failing closed). A removal ({@code ${f%/*}}, {@code #}), a case change or a substring
   * keeps to the variable's value. Linear in the part.
   */
  private static boolean valueWordCouldBeProc(String part) {
    int at = part.indexOf("${");
    while (at >= 0) {
      int depth = 0;
      int end = at;
      for (; end < part.length(); end++) {
        if (part.startsWith("${", end)) {
          depth++;
          end++;
        } else if (part.charAt(end) == '}' && --depth == 0) {
          break;
        }
      }
      String inner = part.substring(at + 2, Math.min(end, part.length()));
      String rest = Regexes.replaceFirst(inner, "^([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*#?$!-])(\\[[^\\]]*\\])?", "");
      if (Regexes.matches(rest, "(?s)(:?[-=+?]|/).*")) {
        String value = Regexes.replaceFirst(rest, "^:?[-=+?]", "");
        for (String piece : value.split("/")) {
          // A piece that is itself a whole expansion ($HOME, `cmd`; a $(cmd), which pathWords cut
          // at its parenthesis, leaves a lone $) is what a bare "$x" part is, and counts as that
          // does (couldBeProc): not /proc by itself. A word the text gives (/proc, pro[c], p$x) does.
          if (!piece.isEmpty() && couldBe(piece, "proc") && !wholeExpansion(piece) && !piece.equals("$")) {
            return true;
          }
        }
      }
      at = end < part.length() ? part.indexOf("${", end + 1) : -1;
    }
    return false;
  }

  /** {@code parts} with each {@code x/..} taken away where {@code x} is a plain name ({@code /..} is {@code /}). */
  private static List<String> resolveUp(List<String> parts, boolean absolute) {
    List<String> resolved = new java.util.ArrayList<>(parts.size());
    for (String part : parts) {
      String last = resolved.isEmpty() ? null : resolved.get(resolved.size() - 1);
      if (part.equals("..") && last != null && !last.equals("..") && !bashMakes(last)) {
        resolved.remove(resolved.size() - 1);
      } else if (!(part.equals("..") && last == null && absolute)) { // /.. is /
        resolved.add(part);
      }
    }
    return resolved;
  }

  /**
   * A word into a process's directory of /proc: {@code /proc} itself, or {@code /proc/X…} where X
   * is a pid, {@code self}, {@code thread-self}, {@code net} (a link to {@code self/net}), or a
   * part only known when it runs or a pattern, or {@code /proc/…/..} (where {@code ..} may lead
   * back into one); {@code proc} may be made by bash ({@link #couldBeProc}).
   */
  private static boolean namesAProcessDirectory(String t) {
    if (t == null) {
      return false;
    }
    for (String word : pathWords(t)) {
      for (Spelling s : kernelSpellings(word)) {
        List<String> p = s.parts();
        boolean unknownAbove = false;
        int lastUp = p.lastIndexOf("..");
        for (int i = 0; i < p.size(); i++) {
          String part = p.get(i);
          // Below other parts, a whole expansion ($src/$name/*) is any directory, not likely /proc:
          // a memory path through it is still refused by its leaf (namesMemoryFile).
          if (couldBeProc(p, i, s.absolute(), unknownAbove && !wholeExpansion(part))) {
            // Last, a part bash makes is /proc only at the root with a letter of it (cd /pr?c); a bare
            // /* is every directory there (in SQL text, a comment: psql -c "select 1 /* x").
            if (i + 1 == p.size() ? part.equals("proc") || valueWordCouldBeProc(part)
                    || i == 0 && s.absolute() && Regexes.matches(part, "(?s).*[proc].*")
                : couldBePid(p.get(i + 1)) || p.get(i + 1).equals("net") || lastUp > i) {
              return true;
            }
          }
          unknownAbove |= part.equals("..") || bashMakes(part);
        }
      }
    }
    return false;
  }

  /**
   * A program that attaches to a running process (ptrace) or reads, dumps or traces its memory:
   * {@code gcore}, {@code gstack}/{@code pstack} (gdb scripts), {@code reptyr} (ptraces the
   * process to take its terminal), {@code strace}/{@code ltrace -p}, {@code eu-stack -p}, {@code
   * scanmem -p}, {@code gdb -p}/{@code --pid}/{@code -ex attach}, {@code lldb -p}/{@code -n}/{@code
   * --wait-for}, {@code gdbserver --attach}/{@code --multi} (a client attaches later), {@code perf
   * record}/{@code trace -p}/{@code -t} (user stacks, system call arguments), {@code criu
   * dump}/{@code pre-dump} (writes its pages out), {@code bpftrace} running a program (a uprobe on
   * bash prints its memory with {@code str()}, no pid needed) and {@code sysdig}/{@code csysdig}
   * capturing live (every process's read and write buffers). Listing, help and reading a capture
   * file stay allowed. {@code pmap} reads {@code maps}, not memory.
   */
  private static String readsAProcess(ShellCommand c) {
    String n = c.name();
    List<String> a = c.argValues();
    if (Set.of("gcore", "gstack", "pstack", "reptyr").contains(n)) {
      return "dumps a process's memory (the guard's shell keeps its secrets there): " + c.text();
    }
    if ((n.equals("strace") || n.equals("ltrace")) && c.argValues().stream()
        .anyMatch(v -> v.startsWith("-p") || v.startsWith("--attach") || v.matches("-[a-zA-Z]*p.*"))) {
      return "attaches to a process (the guard's shell keeps its secrets in its memory): " + c.text();
    }
    boolean attaches = switch (n) {
      case "eu-stack", "scanmem" -> a.stream().anyMatch(v -> Regexes.matches(v, "(?s)-p.*|--pi?d?(=.*)?"));
      case "gdb", "gdb-multiarch", "cgdb" -> a.stream().anyMatch(v -> Regexes.matches(v, "(?s)--?p(id?)?(=.*)?|-p\\d.*")
          || Regexes.matches(v, "(?s)(--?(ex|eval-command|iex|init-eval-command)=)?\\s*(at|att|atta|attac|attach)\\s.*"));
      case "lldb" -> a.stream().anyMatch(v -> Regexes.matches(v, "(?s)-[pnw].*|--(attach-pid|attach-name|wait-for)(=.*)?"));
      case "gdbserver" -> a.stream().anyMatch(v -> Regexes.matches(v, "(?s)--(attach|multi)(=.*)?"));
      case "perf" -> !a.isEmpty() && (a.get(0).equals("record") || a.get(0).equals("trace"))
          && a.stream().anyMatch(v -> Regexes.matches(v, "(?s)-[pt].*|--(p|pi|pid|t|ti|tid)(=.*)?"));
      case "criu" -> a.contains("dump") || a.contains("pre-dump");
      case "bpftrace" -> a.stream().noneMatch(v -> Regexes.matches(v, "-l.*|--info|-V|--version|-h|--help"));
      case "sysdig", "csysdig" -> a.stream().noneMatch(v -> Regexes.matches(v, "(?s)-r.*|--read(=.*)?|-l|-L|--list.*|-h|--help|--version"));
      default -> false;
    };
    return attaches ? "attaches to a process or reads its memory (the guard's shell keeps its secrets there): "
        + c.text() : null;
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
