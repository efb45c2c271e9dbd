package dev.gatehouse.policy.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * psql, PostgreSQL's client, run on a shell target. Its backslash commands run programs on this
 * host ({@code \!}, {@code \o |CMD}, {@code \copy … program}, backquoted arguments, {@code \e}'s
 * editor), and it reads them from its input unless {@code -c} or {@code -f} gives its commands: at
 * the terminal psql is a prompt that runs what is typed at it, like an interpreter's. The SQL it
 * sends is judged by a {@code postgres} target's policy, not here; the one SQL form read here is
 * {@code COPY … PROGRAM}, which runs a command on the database host.
 *
 * <p>Read as psql 15 reads its options (getopt_long: bundles, attached values, unique prefixes of
 * long names). A {@code -c} string whose first character is a backslash is one backslash command
 * (psql's startup.c); any other is sent to the server whole.
 */
final class PsqlClient {
  private PsqlClient() {}

  static final Set<String> NAMES = Set.of("psql");

  /** Short options that take a value (psql --help). */
  private static final String SHORT_WITH_VALUE = "cdfhLopPRTUvF";
  /** Long options, with those taking a value marked by a trailing '='. */
  private static final List<String> LONG = List.of("echo-all", "no-align", "command=", "dbname=", "echo-queries",
      "echo-errors", "echo-hidden", "file=", "field-separator=", "field-separator-zero", "host=", "html", "list",
      "log-file=", "no-readline", "single-transaction", "output=", "port=", "pset=", "quiet", "record-separator=",
      "record-separator-zero", "single-step", "single-line", "tuples-only", "table-attr=", "username=", "set=",
      "variable=", "version", "no-password", "password", "expanded", "no-psqlrc", "help", "csv");

  /**
   * Backslash commands that only show something or set display state: the {@code \d} family,
   * {@code \l}, {@code \sf}/{@code \sv} (a function's or view's source), {@code \x}, {@code
   * \timing}, {@code \pset}, {@code \set}/{@code unset} (a backquote in any argument runs a shell
   * command and is refused on its own), {@code \echo}, {@code \conninfo}, help.
   */
  private static final Pattern READ_ONLY = Pattern.compile(
      "d[A-Za-z]*\\+?S?\\+?|l\\+?|list\\+?|s[fv]\\+?|z|x|t|a|H|C|f|timing|pset|set|unset|echo|qecho|warn|conninfo"
          + "|encoding|errverbose|copyright|q|quit|\\?|h|help|lo_list|drds|dconfig\\+?");

  /** What psql's options say it does. */
  private record Reading(List<Word> commands, List<Word> files, List<Word> outputs, boolean noInput, boolean unknown) {}

  private static Reading read(ShellCommand c) {
    List<Word> commands = new ArrayList<>();
    List<Word> files = new ArrayList<>();
    List<Word> outputs = new ArrayList<>();
    boolean noInput = false;
    boolean unknown = false;
    List<Word> a = c.args();
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      String v = w.value();
      if (!w.literal() && (v.startsWith("-") || !v.isEmpty() && v.charAt(0) == Word.UNKNOWN)) {
        unknown = true; // "$x" may be -c'\! CMD'
        continue;
      }
      if (v.equals("--")) {
        break;
      }
      if (v.startsWith("--")) {
        int eq = v.indexOf('=');
        String name = v.substring(2, eq < 0 ? v.length() : eq);
        String opt = longOption(name);
        if (opt == null) {
          unknown = true; // psql refuses it; an unreadable option is not allowed on a guess
          continue;
        }
        if (opt.endsWith("=")) {
          Word value = eq >= 0 ? new Word(v, v.substring(eq + 1), w.literal()) : i + 1 < a.size() ? a.get(++i) : null;
          collect(opt.substring(0, opt.length() - 1), value, commands, files, outputs);
        } else if (Set.of("list", "version", "help").contains(opt)) {
          noInput = true;
        }
        continue;
      }
      if (v.startsWith("-") && v.length() > 1) {
        for (int k = 1; k < v.length(); k++) {
          char o = v.charAt(k);
          if (SHORT_WITH_VALUE.indexOf(o) >= 0) {
            Word value = k + 1 < v.length() ? new Word(v, v.substring(k + 1), w.literal()) : i + 1 < a.size() ? a.get(++i) : null;
            collect(switch (o) {
              case 'c' -> "command";
              case 'f' -> "file";
              case 'o' -> "output";
              default -> "";
            }, value, commands, files, outputs);
            break;
          }
          if (o == 'l' || o == 'V' || o == '?') {
            noInput = true;
          }
        }
      }
    }
    return new Reading(commands, files, outputs, noInput, unknown);
  }

  private static void collect(String option, Word value, List<Word> commands, List<Word> files, List<Word> outputs) {
    if (value == null) {
      return;
    }
    switch (option) {
      case "command" -> commands.add(value);
      case "file" -> files.add(value);
      case "output" -> outputs.add(value);
      default -> {}
    }
  }

  /** A long option by its name or a unique prefix of it (getopt_long), with '=' if it takes a value; null if none. */
  private static String longOption(String name) {
    String found = null;
    for (String o : LONG) {
      String bare = o.endsWith("=") ? o.substring(0, o.length() - 1) : o;
      if (bare.equals(name)) {
        return o;
      }
      if (!name.isEmpty() && bare.startsWith(name)) {
        if (found != null) {
          return null; // ambiguous: psql refuses it
        }
        found = o;
      }
    }
    return found;
  }

  /**
   * psql given commands that run a program on this host: a {@code -c} backslash command other than
   * one that only shows something, or with a backquote; a {@code -c} string only known when it runs
   * at its start (it may be a backslash command); {@code COPY … PROGRAM}; {@code -o |CMD}; an option
   * only known when it runs.
   */
  static boolean runsCommands(ShellCommand c) {
    Reading r = read(c);
    if (r.unknown()) {
      return true;
    }
    for (Word o : r.outputs()) {
      String v = o.value();
      if (!v.isEmpty() && (v.charAt(0) == '|' || v.charAt(0) == Word.UNKNOWN)) {
        return true;
      }
    }
    for (Word cmd : r.commands()) {
      String v = cmd.value();
      if (v.isEmpty()) {
        continue;
      }
      if (v.charAt(0) == Word.UNKNOWN) {
        return true;
      }
      if (v.charAt(0) == '\\' ? !showsOnly(v) : copiesToProgram(v)) {
        return true;
      }
    }
    return false;
  }

  /**
   * A backslash command line that only shows something: every backslash command in it (psql runs
   * the first and ignores the rest; each counts here) is read-only, and no argument is backquoted
   * or only known when it runs.
   */
  private static boolean showsOnly(String line) {
    if (line.indexOf('`') >= 0 || line.indexOf(Word.UNKNOWN) >= 0) {
      return false;
    }
    for (int i = line.indexOf('\\'); i >= 0; i = line.indexOf('\\', i + 1)) {
      int end = i + 1;
      // psqlscanslash.l: a command name is a run of letters, digits, '_' and '+', or one other character.
      while (end < line.length() && (Character.isLetterOrDigit(line.charAt(end)) || line.charAt(end) == '_'
          || line.charAt(end) == '+')) {
        end++;
      }
      String name = end > i + 1 ? line.substring(i + 1, end) : end < line.length() ? line.substring(end, end + 1) : "";
      if (!READ_ONLY.matcher(name).matches()) {
        return false;
      }
    }
    return true;
  }

  /**
   * SQL that has the server run a program ({@code COPY … TO|FROM PROGRAM}), or may: a COPY with a
   * part only known when it runs; or code the server runs from a string it builds, where the words
   * cannot be read ({@code EXECUTE 'CO'||'PY …'}, {@code E'PROGR\x41M'}): a {@code DO} block (not
   * {@code ON CONFLICT DO NOTHING|UPDATE}), {@code EXECUTE}, a function, procedure or language
   * created (a column named {@code language} alone stays read), dblink (a query string run on a
   * connection), an escape string.
   */
  private static boolean copiesToProgram(String sql) {
    String s = sql.toLowerCase(Locale.ROOT);
    if (s.matches("(?s).*\\bcopy\\b.*") && (s.matches("(?s).*\\bprogram\\b.*") || s.indexOf(Word.UNKNOWN) >= 0)) {
      return true;
    }
    return DYNAMIC_SQL.matcher(s.replaceAll("(\\bconflict\\b[^;]*?)\\bdo(\\s+(nothing|update)\\b)", "$1$2")).find();
  }

  /** In lower case: the words of {@link #copiesToProgram}'s code built at run time. */
  private static final Pattern DYNAMIC_SQL = Pattern.compile("\\b(do|execute|dblink\\w*)\\b"
      + "|\\bcreate\\b(?s:.*)\\b(function|procedure|language)\\b|(?<![\\w$])(e|u&)'");

  /**
   * psql reads its commands from its standard input: no {@code -c} or {@code -f} (then psql runs
   * those and exits), not only listing databases or printing its version or help. {@code -f -}
   * reads the input too.
   */
  static boolean readsInput(ShellCommand c) {
    Reading r = read(c);
    if (r.files().stream().anyMatch(f -> f.value().equals("-") || f.value().equals("/dev/stdin"))) {
      return true;
    }
    return r.commands().isEmpty() && r.files().isEmpty() && !r.noInput();
  }
}
