package dev.gatehouse.policy.shell;

import dev.gatehouse.policy.SqlTokens;
import dev.gatehouse.policy.SqlTokens.Kind;
import dev.gatehouse.policy.SqlTokens.Tok;
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
 * sends is judged by a {@code postgres} target's policy, not here; read here is only whether the
 * server may run a program for it (COPY … PROGRAM, file_fdw's program option, ALTER SYSTEM's
 * commands, SQL text run by a function): a {@code -c} string that is not a backslash command is
 * allowed only as plain statements ({@link #copiesToProgram}).
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
   * at its start (it may be a backslash command); SQL but plain statements; {@code -o |CMD}; an option
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
      // A part only known when it runs, anywhere: a value may hold "1; COPY … PROGRAM …" (psql
      // sends a -c string's statements together) or a quote that ends its string early.
      if (v.indexOf(Word.UNKNOWN) >= 0) {
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
   * SQL that has the server run a program, or may: anything but the plain statements {@link
   * #plainStatement} reads (file_fdw's {@code OPTIONS (program …)}, {@code ALTER SYSTEM SET
   * ssl_passphrase_command}, {@code COPY … PROGRAM}, {@code DO}, created functions all fall out of
   * it without being named), a function in them that runs SQL text or touches the server's files
   * ({@link #RUNS_TEXT}), or a part psql's server could read otherwise than here: an escape string
   * or Unicode-escaped name ({@code E'…'}, {@code U&"…"}), a string read differently with {@code
   * standard_conforming_strings} off, an unterminated quote or comment, a part only known when it
   * runs where a name or keyword could be.
   */
  private static boolean copiesToProgram(String sql) {
    // Read as the SQL policy reads statements; the same code around the strings both with
    // standard_conforming_strings on and off, as psql cannot tell which the server has.
    List<Tok> standard = SqlTokens.read(sql, true);
    List<Tok> escaped = SqlTokens.read(sql, false);
    if (standard == null || escaped == null || !standard.equals(escaped)) {
      return true;
    }
    List<Tok> statement = new ArrayList<>();
    for (Tok t : standard) {
      if (t.kind() != Kind.SEMICOLON) {
        statement.add(t);
        continue;
      }
      if (!statement.isEmpty() && !plainStatement(statement)) {
        return true;
      }
      statement.clear();
    }
    return !statement.isEmpty() && !plainStatement(statement);
  }

  /**
   * Functions that run SQL text they are given or build (so the statement they run cannot be read
   * here), or write or load the server's files and configuration: dblink's {@code dblink*} (a query
   * on a connection, also to this server); the SQL/XML {@code query_to_xml*} and {@code
   * cursor_to_xml*}; xml2's {@code xpath_table} and tablefunc's {@code connectby} (paste their
   * text arguments into a query, several statements allowed); tablefunc's {@code crosstab*} and
   * text search's {@code ts_stat} and {@code ts_rewrite} (run a query text); {@code lo_import}/
   * {@code lo_export} and adminpack's {@code pg_file_*} (read and write the server's files, such as
   * {@code postgresql.auto.conf}); {@code pg_reload_conf} (the server runs commands of its
   * configuration, {@code ssl_passphrase_command}, on reload); pg_background's {@code
   * pg_background*} (SQL text in a worker).
   */
  private static final Pattern RUNS_TEXT = Pattern.compile("dblink\\w*|query_to_xml\\w*|cursor_to_xml\\w*"
      + "|xpath_table|connectby|crosstab\\w*|ts_stat|ts_rewrite|lo_import|lo_export|pg_file_\\w+|pg_reload_conf"
      + "|pg_background\\w*");

  /** Words a plain statement may start with, running no program of the server's beyond its own. */
  private static final Set<String> PLAIN_FIRST = Set.of("select", "with", "values", "table", "show", "insert",
      "update", "delete", "merge", "begin", "start", "commit", "end", "rollback", "abort", "savepoint", "release",
      "set", "reset", "analyze", "analyse", "vacuum", "listen", "notify", "unlisten", "truncate");

  /**
   * One statement of a plain form: a query, a change of rows, transaction control, a session
   * setting ({@code SET}, not {@code ALTER SYSTEM}), maintenance, {@code EXPLAIN} of a plain
   * statement, {@code REFRESH MATERIALIZED VIEW}, creating a table or index, {@code ALTER TABLE}
   * (without generic {@code OPTIONS}, a foreign table's {@code program}), dropping a table, index,
   * view or sequence; no function of {@link #RUNS_TEXT}, no {@code EXECUTE} (a part only known when
   * it runs is refused before: {@link #runsCommands}).
   */
  private static boolean plainStatement(List<Tok> t) {
    for (int k = 0; k < t.size(); k++) {
      Tok x = t.get(k);
      boolean call = k + 1 < t.size() && t.get(k + 1).text().equals("(") && t.get(k + 1).kind() == Kind.PUNCT;
      if ((x.kind() == Kind.WORD || x.kind() == Kind.NAME)
          && (call && RUNS_TEXT.matcher(x.text().toLowerCase(Locale.ROOT)).matches() || x.text().equals("execute")
              || x.text().equals("cron") && k + 1 < t.size() && t.get(k + 1).text().equals("."))) {
        return false; // pg_cron's cron.schedule runs SQL text later
      }
    }
    return plainForm(t) && !writesCatalog(t);
  }

  /**
   * A plain statement that changes a relation of the system catalogs, or may: a superuser's {@code
   * UPDATE pg_proc SET prosrc = 'COPY … TO PROGRAM …'} (or {@code INSERT}/{@code MERGE} of such a
   * row, also in a {@code WITH}) has the next call of that function run a program. The targets are
   * read where a statement names what it writes ({@code UPDATE}, {@code INSERT INTO}, {@code MERGE
   * INTO}, {@code SELECT … INTO}, {@code DELETE FROM}, {@code TRUNCATE}, {@code CREATE}/{@code
   * ALTER}/{@code DROP TABLE}, {@code CREATE INDEX … ON}), anywhere in the statement; a catalog is a
   * name with a part {@code pg_catalog}, {@code information_schema} or starting with {@code pg_}
   * (search_path puts pg_catalog first, and its relations are all {@code pg_*}), quoted or not. A
   * target not read as a name (a parameter, a parenthesis) fails closed, and so does an {@code ALTER
   * TABLE} naming a catalog's relation or schema anywhere but as a function ({@code SET SCHEMA
   * pg_catalog} moves a table into the catalog's schema).
   */
  private static boolean writesCatalog(List<Tok> t) {
    String first = t.get(0).text();
    for (int k = 0; first.equals("alter") && k < t.size(); k++) {
      if (catalogName(t.get(k)) && !(k + 1 < t.size() && t.get(k + 1).text().equals("("))) {
        return true; // a function's name (a default's pg_backend_pid()) is no relation
      }
    }
    for (int k = 0; k < t.size(); k++) {
      Tok x = t.get(k);
      if (x.kind() != Kind.WORD) {
        continue;
      }
      String prev = k > 0 && t.get(k - 1).kind() == Kind.WORD ? t.get(k - 1).text() : "";
      if (k > 0 && t.get(k - 1).text().equals(".")) {
        continue; // a column t.update
      }
      int target = switch (x.text()) {
        // FOR [NO KEY] UPDATE locks rows; DO/THEN UPDATE SET and ON UPDATE … name no relation
        case "update" -> prev.equals("for") || prev.equals("key") || prev.equals("as")
            || k + 1 < t.size() && Set.of("set", "cascade", "restrict", "no").contains(t.get(k + 1).text())
            && t.get(k + 1).kind() == Kind.WORD ? -1 : k + 1;
        case "into" -> k + 1;
        case "delete" -> words(t, k + 1, "from") ? k + 2 : -1;
        case "table", "index" -> Set.of("create", "alter", "drop", "truncate").contains(first) ? k + 1 : -1;
        case "on" -> first.equals("create") ? k + 1 : -1;
        default -> k == 0 && x.text().equals("truncate") ? k + 1 : -1;
      };
      if (target < 0) {
        continue;
      }
      // Words before the name: SELECT … INTO TEMP TABLE, IF [NOT] EXISTS, ONLY, CONCURRENTLY.
      while (target < t.size() && t.get(target).kind() == Kind.WORD && Set.of("temp", "temporary", "unlogged",
          "local", "global", "table", "only", "if", "not", "exists", "concurrently").contains(t.get(target).text())) {
        target++;
      }
      if (x.text().equals("index") && first.equals("create")) {
        continue; // CREATE INDEX [name] ON rel: read at ON
      }
      // A list of names: TRUNCATE a, ONLY b *, DROP TABLE a, b.
      while (true) {
        if (target >= t.size() || t.get(target).kind() != Kind.WORD && t.get(target).kind() != Kind.NAME) {
          return true;
        }
        while (true) {
          if (catalogName(t.get(target))) {
            return true;
          }
          if (target + 2 < t.size() && t.get(target + 1).text().equals(".")
              && (t.get(target + 2).kind() == Kind.WORD || t.get(target + 2).kind() == Kind.NAME)) {
            target += 2;
          } else {
            break;
          }
        }
        target++;
        if (target < t.size() && t.get(target).text().equals("*")) {
          target++;
        }
        if (!(target < t.size() && t.get(target).text().equals(",") && Set.of("truncate", "drop").contains(first))) {
          break;
        }
        target++;
        while (target < t.size() && t.get(target).kind() == Kind.WORD && t.get(target).text().equals("only")) {
          target++;
        }
      }
    }
    return false;
  }

  /** A name of a catalog's relation or schema, quoted or not (read as the server folds, and in any case besides). */
  private static boolean catalogName(Tok x) {
    if (x.kind() != Kind.WORD && x.kind() != Kind.NAME) {
      return false;
    }
    String n = x.text().toLowerCase(Locale.ROOT);
    return n.startsWith("pg_") || n.equals("pg_catalog") || n.equals("information_schema");
  }

  private static boolean plainForm(List<Tok> t) {
    if (t.isEmpty() || t.get(0).kind() != Kind.WORD) {
      return false;
    }
    String first = t.get(0).text();
    if (PLAIN_FIRST.contains(first)) {
      return true;
    }
    switch (first) {
      case "explain" -> {
        int k = 1;
        if (k < t.size() && t.get(k).text().equals("(")) {
          while (k < t.size() && !t.get(k).text().equals(")")) {
            k++;
          }
          k++;
        }
        while (k < t.size() && Set.of("analyze", "analyse", "verbose").contains(t.get(k).text())
            && t.get(k).kind() == Kind.WORD) {
          k++;
        }
        return k < t.size() && plainForm(t.subList(k, t.size()));
      }
      case "refresh" -> {
        return words(t, 1, "materialized", "view");
      }
      case "create" -> {
        int k = 1;
        while (k < t.size() && t.get(k).kind() == Kind.WORD
            && Set.of("global", "local", "temp", "temporary", "unlogged", "unique").contains(t.get(k).text())) {
          k++;
        }
        return words(t, k, "table") || words(t, k, "index");
      }
      case "alter" -> {
        return words(t, 1, "table")
            && t.stream().noneMatch(x -> x.kind() == Kind.WORD && x.text().equals("options"));
      }
      case "drop" -> {
        return words(t, 1, "table") || words(t, 1, "index") || words(t, 1, "view") || words(t, 1, "sequence");
      }
      default -> {
        return false;
      }
    }
  }

  /** The statement has these unquoted words from token {@code k} on. */
  private static boolean words(List<Tok> t, int k, String... words) {
    for (String w : words) {
      if (k >= t.size() || t.get(k).kind() != Kind.WORD || !t.get(k).text().equals(w)) {
        return false;
      }
      k++;
    }
    return true;
  }

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

  /** pgbench's short options that take a value (pgbench 15's getopt string). */
  private static final String PGBENCH_SHORT_WITH_VALUE = "bcDfFhIjLMpPRstTU";
  /** pgbench 15's long options, with those taking a value marked by a trailing '='. */
  private static final List<String> PGBENCH_LONG = List.of("builtin=", "client=", "connect", "debug", "define=",
      "file=", "fillfactor=", "host=", "initialize", "init-steps=", "jobs=", "log", "latency-limit=", "protocol=",
      "no-vacuum", "port=", "progress=", "quiet", "report-latencies", "report-per-command", "rate=", "scale=",
      "select-only", "skip-some-updates", "transactions=", "time=", "username=", "vacuum-all", "aggregate-interval=",
      "foreign-keys", "index-tablespace=", "log-prefix=", "max-tries=", "partition-method=", "partitions=",
      "progress-timestamp", "random-seed=", "sampling-rate=", "show-script=", "tablespace=", "unlogged-tables",
      "failures-detailed", "verbose-errors", "help", "version");

  /**
   * The custom scripts pgbench runs ({@code -f FILE[@W]}, {@code --file=}, any unique prefix, in a
   * bundle), without their weight: their {@code \shell CMD} and {@code \setshell VAR CMD} run CMD
   * through {@code sh -c}. Null when an option is only known when it runs or not one pgbench
   * knows (it may be {@code -f}). {@code -b} names a builtin script: no file.
   */
  static List<Word> pgbenchScripts(ShellCommand c) {
    List<Word> files = new ArrayList<>();
    List<Word> a = c.args();
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      String v = w.value();
      if (!w.literal() && (v.startsWith("-") || !v.isEmpty() && v.charAt(0) == Word.UNKNOWN)) {
        return null;
      }
      if (v.equals("--")) {
        break;
      }
      Word value = null;
      if (v.startsWith("--")) {
        int eq = v.indexOf('=');
        String name = v.substring(2, eq < 0 ? v.length() : eq);
        String found = null;
        for (String o : PGBENCH_LONG) {
          String bare = o.endsWith("=") ? o.substring(0, o.length() - 1) : o;
          if (bare.equals(name)) {
            found = o;
            break;
          }
          if (!name.isEmpty() && bare.startsWith(name)) {
            if (found != null) {
              return null; // ambiguous: pgbench refuses it
            }
            found = o;
          }
        }
        if (found == null) {
          return null;
        }
        if (found.endsWith("=")) {
          value = eq >= 0 ? new Word(v, v.substring(eq + 1), w.literal()) : i + 1 < a.size() ? a.get(++i) : null;
          if (found.equals("file=") && value != null) {
            files.add(value);
          }
        }
        continue;
      }
      if (v.startsWith("-") && v.length() > 1) {
        for (int k = 1; k < v.length(); k++) {
          char o = v.charAt(k);
          if (PGBENCH_SHORT_WITH_VALUE.indexOf(o) >= 0) {
            value = k + 1 < v.length() ? new Word(v, v.substring(k + 1), w.literal()) : i + 1 < a.size() ? a.get(++i) : null;
            if (o == 'f' && value != null) {
              files.add(value);
            }
            break;
          }
        }
      }
    }
    List<Word> out = new ArrayList<>();
    for (Word f : files) {
      // FILE@W: pgbench takes the last '@' followed by a weight as the weight.
      int at = f.value().lastIndexOf('@');
      out.add(at > 0 ? new Word(f.source(), f.value().substring(0, at), f.literal()) : f);
    }
    return out;
  }

  /**
   * pgbench running a script that is not a file on disk named literally: its input ({@code -f
   * -}, {@code /dev/stdin}, a descriptor, a pipe), a name only known when it runs, or an option
   * not read here. {@code -f script.sql} is a script brought in, as {@code psql -f migrate.sql}.
   */
  static boolean pgbenchRunsInline(ShellCommand c) {
    List<Word> scripts = pgbenchScripts(c);
    return scripts == null || scripts.stream().anyMatch(f -> f.value().equals("-") || !Interpreters.regularPath(f));
  }

  /** pgbench running a script file the text writes ({@code printf '\\shell CMD' > x; pgbench -f x}). */
  static java.util.Optional<String> pgbenchRunsWhatTheTextWrites(ShellReading r) {
    for (ShellCommand c : r.commands()) {
      if (c.name().equals("pgbench")) {
        List<Word> scripts = pgbenchScripts(c);
        if (scripts != null && scripts.stream().anyMatch(f -> ReadAtStart.fileTheTextMayWrite(r, c, f))) {
          return java.util.Optional.of(c.text());
        }
      }
    }
    return java.util.Optional.empty();
  }

  /** PostgreSQL's server programs and the Debian wrappers that start it or write its settings. */
  static final Set<String> SERVER_NAMES = Set.of("postgres", "postmaster", "pg_ctl", "pg_ctlcluster",
      "pg_createcluster", "pg_conftool", "pg_upgradecluster");

  /**
   * Server settings that run a command or load code, read as the server reads a name (any case,
   * '-' as '_'): the {@code *_command}s ({@code archive_command}, {@code restore_command}, {@code
   * archive_cleanup_command}, {@code recovery_end_command}, {@code ssl_passphrase_command}),
   * the {@code *_preload_libraries}, {@code dynamic_library_path}, {@code archive_library}, {@code
   * jit_provider}, and {@code config_file} (a file holding any of them).
   */
  private static final Pattern CODE_SETTING = Pattern.compile("(?s).*(command|librar|jit_provider|config_file).*");

  private static boolean namesCodeSetting(String v) {
    return CODE_SETTING.matcher(v.toLowerCase(Locale.ROOT).replace('-', '_')).matches();
  }

  /**
   * A PostgreSQL server started (or its configuration written) with a setting that runs a command
   * or loads code: {@code postgres -c archive_command=…}, {@code --archive-command=…}, {@code pg_ctl
   * -o "…"} (pg_ctl passes the string through {@code sh -c}: any word of it counts), the Debian
   * wrappers' {@code -o}/{@code --pgoption}/{@code set}; {@code pg_ctl -p PROG} (the program it
   * starts as the server); a word only known when it runs in an option's place or an option's
   * value. {@code pg_ctl -D d start}, {@code pg_ctl -o '-p 5433' start}, {@code initdb -D d} are
   * not.
   */
  static boolean serverRunsSetting(ShellCommand c) {
    List<Word> a = c.args();
    for (int i = 0; i < a.size(); i++) {
      Word w = a.get(i);
      String v = w.value();
      String prev = i > 0 ? a.get(i - 1).value() : "";
      boolean settingValue = Regexes.matches(prev, "-[A-Za-z]*[oc]|--options|--pgoption|set");
      if (!w.literal() && v.indexOf(Word.UNKNOWN) >= 0
          && (v.startsWith("-") || v.charAt(0) == Word.UNKNOWN && !Regexes.matches(prev, "-[A-Za-z]*D|--pgdata") || settingValue)) {
        return true;
      }
      if (namesCodeSetting(v)) {
        return true;
      }
      if (c.name().equals("pg_ctl") && Regexes.matches(v, "--(pgdata|log|mode|options|timeout|silent)?[a-z-]*") && v.indexOf('=') < 0
          && Regexes.matches(v, "--(p|pg|pgd|pgda|pgdat|pgdata|l|lo|log|m|mo|mod|mode|o|op|opt|opti|optio|option|options|t|ti|tim|time|timeo|timeou|timeout)")) {
        i++; // a long option's value: read above as a word of its own
        continue;
      }
      if (c.name().equals("pg_ctl") && v.startsWith("-") && !v.startsWith("--")) {
        // getopt "cD:e:l:m:N:o:p:P:sS:t:U:wW": a value ends the bundle.
        String flags = Regexes.replaceAll(v.substring(1), "(?s)([DelmNoPStU]).*", "$1");
        if (flags.indexOf('p') >= 0) {
          return true; // -p PROG: the program pg_ctl starts as postgres
        }
        if (flags.equals(v.substring(1)) && Regexes.matches(flags, ".*[DelmNoPStU]")) {
          i++; // the value is the next word (already read above as a word of its own)
          if (i < a.size() && namesCodeSetting(a.get(i).value())) {
            return true;
          }
          if (i < a.size() && !a.get(i).literal() && flags.endsWith("o")) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /**
   * A setting given to every connection's server process by {@code PGOPTIONS} ({@code -c
   * session_preload_libraries=…} loads code for a superuser): one of {@link #CODE_SETTING}'s, or a
   * value only known when it runs.
   */
  static boolean pgoptionsCode(ShellReading.Assignment a) {
    return a.variable().equals("PGOPTIONS") && a.value() != null
        && (!a.value().literal() || namesCodeSetting(a.value().value()));
  }

  /**
   * A server started on a data directory or configuration the text writes: {@code -D DIR}/{@code
   * --pgdata=DIR}/{@code PGDATA} (its {@code postgresql.conf}, {@code postgresql.auto.conf}), or
   * any server program while the text writes a {@code postgresql.conf} or {@code
   * postgresql.auto.conf}.
   */
  static java.util.Optional<String> serverReadsWhatTheTextWrites(ShellReading r) {
    for (ShellCommand c : r.commands()) {
      if (!SERVER_NAMES.contains(c.name()) || c.name().equals("pg_conftool")) {
        continue;
      }
      List<Word> dirs = new ArrayList<>();
      for (ShellReading.Assignment as : r.assignments()) {
        if (as.variable().equals("PGDATA") && as.value() != null) {
          dirs.add(as.value());
        }
      }
      List<Word> a = c.args();
      for (int i = 0; i < a.size(); i++) {
        String v = a.get(i).value();
        if (Regexes.matches(v, "-[A-Za-z]*D|--pgdata") && i + 1 < a.size()) {
          dirs.add(a.get(i + 1));
        } else if (Regexes.matches(v, "(?s)-D.+")) {
          dirs.add(new Word(v, v.substring(2), a.get(i).literal()));
        } else if (v.startsWith("--pgdata=")) {
          dirs.add(new Word(v, v.substring(9), a.get(i).literal()));
        }
      }
      if (ReadAtStart.fileTheTextMayWrite(r, c, Word.literal("postgresql.conf", "postgresql.conf"))
          || ReadAtStart.fileTheTextMayWrite(r, c, Word.literal("postgresql.auto.conf", "postgresql.auto.conf"))
          || dirs.stream().anyMatch(d -> ReadAtStart.dirTheTextMayWrite(r, c, d))) {
        return java.util.Optional.of(c.text());
      }
    }
    return java.util.Optional.empty();
  }
}
