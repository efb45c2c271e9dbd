package dev.gatehouse.policy.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Text tools whose script can run commands: GNU sed ({@code e} command, {@code s///e}) and awk
 * ({@code system()}, pipes to and from commands). Where each gets its script from (arguments,
 * files), read as the tool's own option parser reads them (GNU getopt: bundles, attached
 * arguments, unambiguous prefixes of long options, options after operands), and whether the
 * script runs commands.
 */
final class ToolScripts {
  private ToolScripts() {}

  /**
   * Where a tool's script comes from.
   *
   * @param inline scripts given as arguments ({@code sed -e S}, {@code awk 'PROG'})
   * @param files script files ({@code -f F})
   * @param sandboxed {@code sed --sandbox}: GNU sed refuses {@code e}, {@code r} and {@code w}
   * @param loads {@code gawk -l LIB}: a shared library loaded into awk
   * @param unknown an option only known when it runs, or one the tool's parser would not accept
   *     as written: the script may come from anywhere
   */
  record Source(List<Word> inline, List<Word> files, boolean sandboxed, boolean loads, boolean unknown) {}

  /** GNU sed's long options and whether each takes an argument (getopt_long accepts any unambiguous prefix). */
  private static final Map<String, Boolean> SED_LONG = Map.ofEntries(Map.entry("expression", true),
      Map.entry("file", true), Map.entry("line-length", true), Map.entry("in-place", false), Map.entry("quiet", false),
      Map.entry("silent", false), Map.entry("debug", false), Map.entry("sandbox", false), Map.entry("posix", false),
      Map.entry("regexp-extended", false), Map.entry("separate", false), Map.entry("unbuffered", false),
      Map.entry("null-data", false), Map.entry("zero-terminated", false), Map.entry("follow-symlinks", false),
      Map.entry("binary", false), Map.entry("help", false), Map.entry("version", false));

  /** gawk's long options that take an argument (the others are flags, some with an optional {@code =value}). */
  private static final Map<String, Boolean> AWK_LONG = Map.ofEntries(Map.entry("file", true),
      Map.entry("field-separator", true), Map.entry("assign", true), Map.entry("exec", true), Map.entry("include", true),
      Map.entry("load", true), Map.entry("source", true), Map.entry("dump-variables", false),
      Map.entry("profile", false), Map.entry("pretty-print", false), Map.entry("debug", false),
      Map.entry("characters-as-bytes", false), Map.entry("traditional", false), Map.entry("copyright", false),
      Map.entry("gen-pot", false), Map.entry("help", false), Map.entry("lint", false), Map.entry("bignum", false),
      Map.entry("use-lc-numeric", false), Map.entry("non-decimal-data", false), Map.entry("optimize", false),
      Map.entry("no-optimize", false), Map.entry("posix", false), Map.entry("re-interval", false),
      Map.entry("sandbox", false), Map.entry("lint-old", false), Map.entry("version", false),
      Map.entry("csv", false), Map.entry("persist", false));

  static Source sedSource(List<Word> a) {
    return read(a, "efl", "i", SED_LONG, true);
  }

  static Source awkSource(List<Word> a) {
    return read(a, "fFvEilexW", "opDLM", AWK_LONG, false);
  }

  /**
   * @param withArg short options whose argument is the rest of the bundle or the next word
   * @param optionalArg short options whose argument, if any, is the rest of the bundle
   */
  private static Source read(List<Word> a, String withArg, String optionalArg, Map<String, Boolean> longs, boolean sed) {
    List<Word> inline = new ArrayList<>();
    List<Word> files = new ArrayList<>();
    List<Word> operands = new ArrayList<>();
    boolean sandboxed = false;
    boolean loads = false;
    boolean unknown = false;
    boolean ended = false;
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      String v = w.value();
      if (ended || !v.startsWith("-") || v.equals("-")) {
        if (!w.literal() && !ended && !v.isEmpty() && v.charAt(0) == Word.UNKNOWN) {
          unknown = true; // "$opt": an option or an operand, only known when it runs
        }
        operands.add(w);
        continue;
      }
      if (!w.literal()) {
        unknown = true;
        continue;
      }
      if (v.equals("--")) {
        ended = true;
        continue;
      }
      if (v.startsWith("--")) {
        int eq = v.indexOf('=');
        String given = v.substring(2, eq < 0 ? v.length() : eq);
        Optional<String> name = longOption(given, longs);
        if (name.isEmpty()) {
          unknown = true;
          continue;
        }
        Word arg = null;
        if (eq >= 0) {
          arg = new Word(w.source(), v.substring(eq + 1), true);
        } else if (longs.get(name.get())) {
          arg = i + 1 < a.size() ? a.get(++i) : null;
        }
        switch (name.get()) {
          case "expression", "source" -> add(inline, arg);
          case "file", "exec", "include" -> add(files, arg);
          case "load" -> loads = true;
          case "sandbox" -> sandboxed = true;
          default -> {}
        }
        continue;
      }
      for (int j = 1; j < v.length(); j++) {
        char ch = v.charAt(j);
        if (optionalArg.indexOf(ch) >= 0) {
          break; // -i.bak, -ofile: the rest is its argument
        }
        if (withArg.indexOf(ch) < 0) {
          continue;
        }
        Word arg = j + 1 < v.length() ? new Word(w.source(), v.substring(j + 1), true)
            : i + 1 < a.size() ? a.get(++i) : null;
        switch (ch) {
          case 'e' -> add(inline, arg);
          case 'f', 'E' -> add(files, arg);
          case 'i' -> add(files, arg); // gawk -i FILE includes a source file (sed's -i is optionalArg)
          case 'l' -> loads |= !sed;
          // mawk -W exec FILE (-We FILE): FILE is the program; other -W words are settings.
          case 'W' -> unknown |= arg != null && arg.value().startsWith("e");
          default -> {}
        }
        break;
      }
    }
    if (inline.isEmpty() && files.isEmpty() && !operands.isEmpty()) {
      inline.add(operands.get(0));
    }
    return new Source(List.copyOf(inline), List.copyOf(files), sandboxed, loads, unknown);
  }

  private static void add(List<Word> to, Word w) {
    if (w != null) {
      to.add(w);
    }
  }

  /** The long option {@code given} names: exactly, or as the one option it is a prefix of. */
  private static Optional<String> longOption(String given, Map<String, Boolean> longs) {
    if (longs.containsKey(given)) {
      return Optional.of(given);
    }
    List<String> match = longs.keySet().stream().filter(k -> k.startsWith(given)).toList();
    return match.size() == 1 && !given.isEmpty() ? Optional.of(match.get(0)) : Optional.empty();
  }

  // ---- sed ---------------------------------------------------------------------------------------

  /**
   * What a sed script runs: the text of each {@code e COMMAND} (which GNU sed hands to {@code sh
   * -c}: everything to the end of the line, {@code ;} included), and whether it also runs text only
   * known from its input (a bare {@code e}, the {@code e} flag of {@code s}) or could not be read
   * exactly (then it may run anything).
   */
  record SedCommands(List<String> commands, boolean runsUnknown) {
    boolean runsAny() {
      return runsUnknown || !commands.isEmpty();
    }
  }

  /** Reads a sed script as GNU sed's compiler does (compile.c): addresses, then one command each. */
  static SedCommands sed(String s) {
    return sed(s, new ArrayList<>());
  }

  /**
   * The files a sed script writes ({@code w FILE}, {@code W FILE}, the {@code w FILE} flag of
   * {@code s}): GNU sed takes the rest of the line after optional blanks as the name, glued to the
   * command or not ({@code 1wks}, {@code $wks}, {@code s/^//wks}); {@code /dev/stdout} and {@code
   * /dev/stderr} are no files. Empty when the script cannot be read exactly: it may write any file.
   */
  static Optional<List<String>> sedWrites(String s) {
    List<String> writes = new ArrayList<>();
    return sed(s, writes).runsUnknown() ? Optional.empty() : Optional.of(List.copyOf(writes));
  }

  private static SedCommands sed(String s, List<String> writes) {
    List<String> out = new ArrayList<>();
    int i = 0;
    int n = s.length();
    try {
      while (i < n) {
        char ch = s.charAt(i);
        if (Character.isWhitespace(ch) || ch == ';') {
          i++;
          continue;
        }
        if (ch == '#') {
          i = lineEnd(s, i);
          continue;
        }
        i = address(s, i);
        i = blanks(s, i);
        if (i < n && s.charAt(i) == ',') {
          i = address(s, blanks(s, i + 1));
          i = blanks(s, i);
        }
        while (i < n && (s.charAt(i) == '!' || s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
          i++;
        }
        if (i >= n) {
          return new SedCommands(out, true); // an address with no command: sed refuses it; read as unknown
        }
        char cmd = s.charAt(i++);
        switch (cmd) {
          case '{', '}', '=', 'd', 'D', 'g', 'G', 'h', 'H', 'n', 'N', 'p', 'P', 'x', 'z', 'F' -> {}
          case ':', 'b', 't', 'T', 'v' -> i = labelEnd(s, i);
          case 'l', 'L', 'q', 'Q' -> {
            while (i < n && (Character.isDigit(s.charAt(i)) || s.charAt(i) == ' ')) {
              i++;
            }
          }
          case 'a', 'i', 'c' -> i = textEnd(s, i);
          case 'r', 'R' -> i = lineEnd(s, i);
          case 'w', 'W' -> i = fileName(s, i, writes);
          case 'e' -> {
            int end = lineEnd(s, i);
            String command = s.substring(i, end).strip();
            if (command.isEmpty()) {
              return new SedCommands(out, true); // runs the pattern space: text from the input
            }
            out.add(command);
            i = end;
          }
          case 's' -> {
            char d = s.charAt(i);
            if (d == '\n' || d == '\\') {
              return new SedCommands(out, true);
            }
            i = delimited(s, delimited(s, i + 1, d) + 1, d) + 1;
            while (i < n && "gpIiMm0123456789ew".indexOf(s.charAt(i)) >= 0) {
              char f = s.charAt(i++);
              if (f == 'e') {
                return new SedCommands(out, true); // runs the pattern space after the substitution
              }
              if (f == 'w') {
                i = fileName(s, i, writes);
              }
            }
          }
          case 'y' -> {
            char d = s.charAt(i);
            i = delimited(s, delimited(s, i + 1, d) + 1, d) + 1;
          }
          default -> {
            return new SedCommands(out, true); // not a command this reader knows: read as unknown
          }
        }
      }
    } catch (IndexOutOfBoundsException e) {
      return new SedCommands(out, true); // unterminated: sed refuses it; read as unknown all the same
    }
    return new SedCommands(List.copyOf(out), false);
  }

  /** An address: a line number (with GNU's {@code first~step}, {@code +N}, {@code ~N}), {@code $}, {@code /re/} or {@code \cREc} with I/M. */
  private static int address(String s, int i) {
    int n = s.length();
    if (i >= n) {
      return i;
    }
    char ch = s.charAt(i);
    if (Character.isDigit(ch) || ch == '+' || ch == '~') {
      i++;
      while (i < n && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '~')) {
        i++;
      }
      return i;
    }
    if (ch == '$') {
      return i + 1;
    }
    if (ch == '/' || ch == '\\') {
      char d = ch == '/' ? '/' : s.charAt(i + 1);
      i = delimited(s, ch == '/' ? i + 1 : i + 2, d) + 1;
      while (i < n && (s.charAt(i) == 'I' || s.charAt(i) == 'M')) {
        i++;
      }
    }
    return i;
  }

  /** The index of the delimiter that ends a regex or replacement begun at {@code i} (GNU's match_slash: only backslash escapes). */
  private static int delimited(String s, int i, char d) {
    for (; ; i++) {
      char ch = s.charAt(i);
      if (ch == '\\') {
        i++;
      } else if (ch == d) {
        return i;
      } else if (ch == '\n' && d != '\n') {
        throw new IndexOutOfBoundsException("unescaped newline");
      }
    }
  }

  private static int blanks(String s, int i) {
    while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
      i++;
    }
    return i;
  }

  /** The file name of {@code w}: after blanks, to the end of the line (a {@code ;} or {@code \}} in it is part of it). */
  private static int fileName(String s, int i, List<String> writes) {
    int end = lineEnd(s, i);
    String name = s.substring(blanks(s, i), end);
    if (!name.isEmpty() && !name.equals("/dev/stdout") && !name.equals("/dev/stderr")) {
      writes.add(name);
    }
    return end;
  }

  private static int lineEnd(String s, int i) {
    int nl = s.indexOf('\n', i);
    return nl < 0 ? s.length() : nl;
  }

  /**
   * A label ends at a newline or, in GNU sed 4.9 (read_label), a semicolon, a blank or a {@code
   * \}}: {@code :a wks} and {@code b x wks} write {@code ks}.
   */
  private static int labelEnd(String s, int i) {
    i = blanks(s, i);
    while (i < s.length() && s.charAt(i) != ';' && s.charAt(i) != '}' && !Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    return i;
  }

  /** The text of {@code a}, {@code i}, {@code c}: to the first newline not escaped by a backslash. */
  private static int textEnd(String s, int i) {
    for (; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch == '\\') {
        i++;
      } else if (ch == '\n') {
        return i;
      }
    }
    return s.length();
  }

  // ---- awk ---------------------------------------------------------------------------------------

  /**
   * Whether an awk program runs commands: {@code system(…)}, a pipe to or from a command ({@code
   * print | "sh"}, {@code "date" | getline}, {@code |&}), or gawk's {@code @} (indirect calls such as
   * {@code f = "system"; @f("id")}, {@code @load}, {@code @include}). Strings, regular expression
   * literals ({@code /a|b/}) and comments are skipped, so alternation and {@code ||} are not pipes.
   */
  static boolean awkRunsCommands(String program) {
    boolean operand = false; // the last token ends an operand: a / after it is division
    for (int i = 0; i < program.length(); i++) {
      char ch = program.charAt(i);
      if (ch == '"') {
        i = skipString(program, i);
        operand = true;
      } else if (ch == '#') {
        while (i + 1 < program.length() && program.charAt(i + 1) != '\n') {
          i++;
        }
      } else if (ch == '/' && !operand) {
        i = skipRegex(program, i);
        operand = true;
      } else if (ch == '|') {
        if (i + 1 < program.length() && program.charAt(i + 1) == '|') {
          i++;
          operand = false;
        } else {
          return true; // | and |&
        }
      } else if (ch == '@') {
        return true;
      } else if (Character.isLetter(ch) || ch == '_') {
        int start = i;
        while (i + 1 < program.length() && (Character.isLetterOrDigit(program.charAt(i + 1)) || program.charAt(i + 1) == '_')) {
          i++;
        }
        String id = program.substring(start, i + 1);
        if (id.equals("system")) {
          return true;
        }
        operand = !Set.of("in", "print", "printf", "return", "case", "getline").contains(id);
      } else if (Character.isDigit(ch) || ch == ')' || ch == ']' || ch == '$') {
        operand = ch != '$';
      } else if (!Character.isWhitespace(ch)) {
        operand = false;
      }
    }
    return false;
  }

  private static int skipString(String s, int from) {
    for (int i = from + 1; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch == '\\') {
        i++;
      } else if (ch == '"') {
        return i;
      }
    }
    return s.length();
  }

  private static int skipRegex(String s, int from) {
    boolean bracket = false;
    for (int i = from + 1; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch == '\\') {
        i++;
      } else if (ch == '[' && !bracket) {
        bracket = true;
        if (i + 1 < s.length() && s.charAt(i + 1) == '^') {
          i++;
        }
        if (i + 1 < s.length() && s.charAt(i + 1) == ']') {
          i++;
        }
      } else if (ch == ']' && bracket) {
        bracket = false;
      } else if (ch == '/' && !bracket) {
        return i;
      } else if (ch == '\n') {
        return i;
      }
    }
    return s.length();
  }
}
