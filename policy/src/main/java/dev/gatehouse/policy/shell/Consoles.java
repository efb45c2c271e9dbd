package dev.gatehouse.policy.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Attack pass 17cs: the prompts of frameworks and of database and data clients, whose typed lines
 * the guard never sees. A framework's console is its language's prompt with the application loaded
 * ({@code rails console}, {@code python manage.py shell}, {@code flask shell}, {@code php artisan
 * tinker}, {@code sbt console}, {@code lein repl}, {@code mongosh}, {@code spark-shell}); its
 * inline forms take code ({@code rails runner CODE}, {@code manage.py shell -c CODE}, {@code tinker
 * --execute=CODE}, {@code mix run -e CODE}, {@code mongosh --eval CODE}). A database client whose
 * prompt can run a host program or write a host file ({@code litecli}'s {@code system CMD}, {@code
 * usql}'s and {@code cockroach sql}'s {@code \!}, {@code sqlcmd}'s {@code !!}, {@code sqlplus}'s
 * {@code HOST}, {@code beeline}'s {@code !sh}, {@code hive}'s {@code !CMD}, {@code duckdb}'s {@code
 * .shell} and {@code COPY … TO}, {@code clickhouse-client}'s {@code INTO OUTFILE}, {@code cqlsh}'s
 * {@code COPY … TO}/{@code CAPTURE}, a local redis server's {@code CONFIG SET dir} and {@code SAVE})
 * is a prompt too; its query options are read for those commands, so an everyday query stays
 * allowed ({@code litecli -e 'select 1' d.db}, {@code redis-cli ping}, {@code duckdb d 'select 1'}).
 * A client whose prompt only reaches a remote database is not a hop on this host and is not read
 * here ({@code redis-cli -h cache-1}, {@code trino}, {@code influx}).
 */
final class Consoles {
  /** What a command does with code. */
  enum Kind {
    /** Not a console, or one that runs no code it is given ({@code rails routes}, {@code redis-cli ping}). */
    NONE,
    /** A language's prompt: what is typed (or fed on its input, even from a file) is code. */
    PROMPT,
    /** A database client's prompt: typed or fed lines may run host commands; a file on disk fed to it is data. */
    DB_PROMPT,
    /** Code in its words, or only known when it runs. */
    INLINE
  }

  private Consoles() {}

  /** The framework scripts read under an interpreter ({@code python3 manage.py shell}, {@code ruby bin/rails c}). */
  private static final Set<String> SCRIPTS = Set.of("rails", "rake", "manage.py", "django-admin", "django-admin.py",
      "artisan", "flask", "hanami", "padrino", "spring", "ace", "cake", "drush", "wp", "sail");

  static Kind read(ShellCommand c) {
    if (Regexes.matches(c.path(), "(.*/)?script/(console|dbconsole)")) {
      return Kind.PROMPT; // Rails 2's script/console, script/dbconsole
    }
    if (Regexes.matches(c.path(), "(.*/)?script/runner")) {
      List<Word> a = new ArrayList<>(List.of(Word.literal("runner", "runner")));
      a.addAll(c.args());
      return rails(a, a.stream().map(Word::value).toList());
    }
    return read(c.name(), c.args(), 0);
  }

  private static Kind read(String name, List<Word> a, int depth) {
    String n = name;
    if (depth > 3) {
      return Kind.NONE;
    }
    if (Regexes.matches(n, "(python|pypy)[0-9.]*[dmu]?")) {
      List<String> m = ShellClass.PythonRun.read(a.stream().map(Word::value).toList()).resolvedModule();
      if (m != null) {
        if (m.get(0).equals("jupyter") && m.size() <= a.size() + 1) {
          return jupyter(a.subList(a.size() - m.size() + 1, a.size()));
        }
        if (JUPYTER_SERVERS.contains(m.get(0))) {
          return a.stream().anyMatch(w -> Regexes.matches(w.value(), "--version|--help|-h")) ? Kind.NONE : Kind.PROMPT;
        }
        if ((m.get(0).equals("django") || m.get(0).equals("flask")) && m.size() <= a.size() + 1) {
          return tool(m.get(0), a.subList(a.size() - m.size() + 1, a.size()), depth);
        }
        return Kind.NONE;
      }
    }
    if (n.equals("elixir")) {
      // elixir -S mix run -e CODE: the script mix found in PATH, its words read as mix's
      int s = a.stream().map(Word::value).toList().indexOf("-S");
      return s >= 0 && s + 1 < a.size() && a.get(s + 1).value().equals("mix")
          ? mix(a.subList(s + 2, a.size()).stream().map(Word::value).toList()) : Kind.NONE;
    }
    if (Regexes.matches(n, "(python|pypy|ruby|jruby|php|node|nodejs)[0-9.]*[dmu]?")) {
      // the script: the first operand, or a later one where the words before may be options' values
      // (php -d memory_limit=-1 artisan tinker, python3 -W ignore manage.py shell)
      List<String> v = a.stream().map(Word::value).toList();
      for (int i : ShellClass.verbCandidates(v)) {
        Word w = a.get(i);
        String leaf = w.value().substring(w.value().lastIndexOf('/') + 1);
        if (w.literal() && SCRIPTS.contains(leaf)) {
          return tool(leaf, a.subList(i + 1, a.size()), depth);
        }
      }
      return Kind.NONE;
    }
    return tool(n, a, depth);
  }

  private static Kind tool(String n, List<Word> a, int depth) {
    List<String> v = a.stream().map(Word::value).toList();
    return switch (n) {
      case "rails", "hanami", "padrino" -> rails(a, v);
      case "spring" -> {
        // spring rails console, spring rake console: Spring's preloader runs the framework's command
        List<Word> ops = ShellClass.operandsTaking(a, w -> false);
        int i = ops.isEmpty() ? -1 : a.indexOf(ops.get(0));
        yield i < 0 ? Kind.NONE : !a.get(i).literal() ? Kind.INLINE : read(a.get(i).value(), a.subList(i + 1, a.size()), depth + 1);
      }
      case "rake" -> rake(a, v);
      case "jupyter" -> jupyter(a);
      case "jupyter-notebook", "jupyter-lab", "jupyter-server", "jupyter-qtconsole", "jupyter-nbclassic", "code-server"
          -> help(v) ? Kind.NONE : Kind.PROMPT;
      case "marimo" -> verbAmong(a, Set.of("edit", "new", "tutorial")) && !help(v) ? Kind.PROMPT : unknownVerb(a) ? Kind.INLINE
          : Kind.NONE;
      case "ace", "cake", "strapi", "sails", "adonis" -> verbAmong(a, Set.of("repl", "console", "c")) && !help(v) ? Kind.PROMPT
          : unknownVerb(a) ? Kind.INLINE : Kind.NONE;
      case "drush" -> drush(a, v);
      case "wp" -> wp(a, v);
      case "sail" -> sail(a, v, depth);
      case "manage.py", "django-admin", "django-admin.py", "django" -> django(a, v);
      case "flask" -> verbAmong(a, Set.of("shell")) ? help(v) ? Kind.NONE : Kind.PROMPT : unknownVerb(a) ? Kind.INLINE : Kind.NONE;
      case "artisan" -> artisan(a, v);
      case "mix" -> mix(v);
      case "sbt" -> sbt(a, v);
      case "lein" -> lein(a, v);
      case "mongo", "mongosh" -> mongo(a, v);
      case "redis-cli", "valkey-cli", "keydb-cli" -> redis(a, v);
      case "cqlsh" -> cqlsh(a, v);
      case "clickhouse-client", "clickhouse-local" -> clickhouse(a, v);
      case "clickhouse" -> !a.isEmpty() && Set.of("client", "local").contains(v.get(0)) ? clickhouse(a.subList(1, a.size()),
          v.subList(1, v.size())) : !a.isEmpty() && !a.get(0).literal() ? Kind.INLINE : Kind.NONE;
      case "spark-shell", "pyspark", "sparkR" -> help(v) ? Kind.NONE : Kind.PROMPT;
      case "spark-sql", "hive", "beeline" -> hive(a, v);
      case "duckdb" -> duckdb(a, v);
      case "litecli" -> client(a, v, Set.of("-V", "--version", "--help"), Set.of("-e", "--execute"), Set.of(),
          "(?is).*(\\bsystem\\b|\\\\|\\btee\\b|\\bonce\\b|\\bsource\\b|\\bpager\\b|\\bedit\\b|\\bwatch\\b).*", true);
      case "pgcli" -> client(a, v, Set.of("-v", "--version", "--help", "-l", "--list"), Set.of(), Set.of(), "", false);
      case "usql" -> client(a, v, Set.of("-V", "--version", "-h", "--help"), Set.of("-c", "--command"), Set.of("-f", "--file"),
          "(?s).*\\\\.*", true);
      case "cockroach" -> !a.isEmpty() && Set.of("sql", "demo").contains(v.get(0))
          ? client(a.subList(1, a.size()), v.subList(1, v.size()), Set.of("-h", "--help"), Set.of("-e", "--execute"),
              Set.of("-f", "--file"), "(?s).*\\\\.*", v.get(0).equals("sql"))
          : !a.isEmpty() && !a.get(0).literal() ? Kind.INLINE : Kind.NONE;
      case "sqlcmd" -> client(a, v, Set.of("-?", "--help", "--version"), Set.of("-Q"), Set.of("-i"),
          "(?s).*(!!|(^|\\n)\\s*:).*", true);
      case "sqlplus" -> v.stream().anyMatch(w -> Regexes.matches(w, "-(?i:v|h|help|version)")) ? Kind.NONE : Kind.DB_PROMPT;
      // psql's relatives keep its \! (Vertica's vsql, YugabyteDB's ysqlsh, Netezza's nzsql, EDB's edb-psql)
      case "vsql", "ysqlsh", "nzsql", "edb-psql" -> client(a, v, Set.of("-V", "--version", "-?", "--help"),
          Set.of("-c", "--command"), Set.of("-f", "--file"), "(?s).*\\\\.*", true);
      case "snowsql" -> client(a, v, Set.of("-v", "--version", "-?", "--help"), Set.of("-q", "--query"),
          Set.of("-f", "--filename"), "(?s).*(^|[;\\n])\\s*!.*", true); // !system CMD
      case "arangosh" -> v.stream().anyMatch(w -> w.startsWith("--javascript.execute-string")) ? Kind.INLINE
          : help(v) || v.stream().anyMatch(w -> w.startsWith("--javascript.execute")) ? Kind.NONE : Kind.PROMPT;
      case "bteq" -> Kind.DB_PROMPT; // .OS CMD
      case "isql-fb" -> client(a, v, Set.of("-z", "-Z"), Set.of(), Set.of("-i", "-input"), "", false);
      default -> Kind.NONE;
    };
  }

  private static boolean help(List<String> v) {
    return v.stream().anyMatch(w -> Regexes.matches(w, "-h|--help|--version|-version|-help"));
  }

  /** Whether one of {@code verbs} is the verb, as {@link ShellClass#verbAmongOperands} reads it. */
  private static boolean verbAmong(List<Word> a, Set<String> verbs) {
    List<String> v = a.stream().map(Word::value).toList();
    return ShellClass.verbCandidates(v).stream().anyMatch(i -> verbs.contains(v.get(i)));
  }

  /** A word that may be the verb is only known when it runs. */
  private static boolean unknownVerb(List<Word> a) {
    List<String> v = a.stream().map(Word::value).toList();
    return ShellClass.verbCandidates(v).stream().anyMatch(i -> !a.get(i).literal())
        || a.stream().anyMatch(w -> !w.literal() && w.value().startsWith("-"));
  }

  /** rails/hanami/padrino: console (c), dbconsole (db) prompts; runner (r) runs its code or a script file. */
  private static Kind rails(List<Word> a, List<String> v) {
    if (help(v)) {
      return Kind.NONE;
    }
    if (unknownVerb(a)) {
      return Kind.INLINE;
    }
    if (remoteTemplate(a)) {
      return Kind.INLINE;
    }
    // the verb: the first operand, or a later one where the words before may be options' values
    // (rails -e production console); Thor's unique prefixes fail closed (rails cons)
    for (int i : ShellClass.verbCandidates(v)) {
      String w = v.get(i);
      if (w.length() >= 2 && ("console".startsWith(w) || "dbconsole".startsWith(w)) || w.equals("c")) {
        return Kind.PROMPT;
      }
      switch (w.length() >= 2 && "runner".startsWith(w) ? "runner" : w) {
        case "runner", "r" -> {
          for (int j = i + 1; j < a.size(); j++) {
            String x = v.get(j);
            if (Regexes.matches(x, "-e|--environment")) {
              j++;
            } else if (!x.startsWith("-") || x.equals("-")) {
              // a script file on disk runs as ruby's does; anything else (or stdin, "-") is Ruby code
              return a.get(j).literal() && Regexes.matches(x, "[\\w./-]+\\.rb") ? Kind.NONE : Kind.INLINE;
            }
          }
          return Kind.NONE;
        }
        default -> { }
      }
    }
    return Kind.NONE;
  }

  /**
   * An application template (Ruby the generator runs) fetched from the network or only known when
   * it runs: {@code rails new APP -m URL} ({@code --template}, any prefix Thor takes), {@code rails
   * app:template LOCATION=URL} (a template on disk is the project's, as a script file is) (attack 17cv).
   */
  private static boolean remoteTemplate(List<Word> a) {
    for (int i = 0; i < a.size(); i++) {
      String w = a.get(i).value();
      Word loc = null;
      if ((w.equals("-m") || w.length() >= 4 && "--template".startsWith(w)) && i + 1 < a.size()) {
        loc = a.get(i + 1);
      } else if (w.startsWith("--") && w.contains("=") && w.indexOf('=') >= 4 && "--template".startsWith(w.substring(0, w.indexOf('=')))
          || w.startsWith("LOCATION=")) {
        loc = new Word(w, w.substring(w.indexOf('=') + 1), a.get(i).literal());
      } else if (w.startsWith("-m") && w.length() > 2) {
        loc = new Word(w, w.substring(w.startsWith("-m=") ? 3 : 2), a.get(i).literal());
      }
      if (loc != null && (!loc.literal() || Regexes.matches(loc.value().strip(), "(?is)[a-z][a-z0-9+.-]*://.*"))) {
        return true;
      }
    }
    return false;
  }

  /** rake's console task (the application's prompt) and its -e/-p/-E CODE (Ruby run inline). */
  private static Kind rake(List<Word> a, List<String> v) {
    if (remoteTemplate(a)) {
      return Kind.INLINE;
    }
    for (int i = 0; i < a.size(); i++) {
      String w = v.get(i);
      if (!a.get(i).literal() && (w.isEmpty() || w.charAt(0) == Word.UNKNOWN || w.startsWith("-"))) {
        return Kind.INLINE;
      }
      if (w.startsWith("--") && w.length() > 5 && "--execute-continue".startsWith(w.split("=", 2)[0])
          || w.startsWith("--") && w.length() > 5 && "--execute-print".startsWith(w.split("=", 2)[0])) {
        return Kind.INLINE;
      }
      if (w.startsWith("-") && !w.startsWith("--")) {
        for (int j = 1; j < w.length(); j++) {
          char ch = w.charAt(j);
          if ("epE".indexOf(ch) >= 0) {
            return Kind.INLINE;
          }
          if ("fIjRrTDWg".indexOf(ch) >= 0) {
            if (j + 1 == w.length() && "fIjRr".indexOf(ch) >= 0) {
              i++;
            }
            break;
          }
        }
      } else if (Regexes.matches(w, "console(\\[.*)?")) {
        return Kind.PROMPT;
      }
    }
    return Kind.NONE;
  }

  /**
   * Python modules that serve a notebook or console: what a browser or client sends is run in a
   * kernel, and their terminals are shells (python3 -m notebook, -m jupyterlab, -m ipykernel).
   */
  private static final Set<String> JUPYTER_SERVERS = Set.of("notebook", "jupyterlab", "jupyter_server", "nbclassic",
      "ipykernel", "ipykernel_launcher", "qtconsole", "marimo");

  /**
   * jupyter's subcommands that start a prompt or a code server: {@code console} and {@code
   * qtconsole} (a kernel's prompt), {@code notebook}, {@code lab}, {@code server}, {@code
   * nbclassic}, {@code kernel} (code a browser or client sends, terminals that are shells);
   * {@code jupyter execute nb.ipynb}, {@code nbconvert} run a notebook on disk, fine.
   */
  private static Kind jupyter(List<Word> a) {
    List<String> v = a.stream().map(Word::value).toList();
    if (a.isEmpty() || help(v)) {
      return Kind.NONE;
    }
    if (!a.get(0).literal()) {
      return Kind.INLINE;
    }
    return Set.of("console", "qtconsole", "notebook", "lab", "server", "nbclassic", "kernel", "kernelgateway", "notebook3")
        .contains(v.get(0)) ? Kind.PROMPT : Kind.NONE;
  }

  /** Drupal's drush (a site alias {@code @prod} first): php/core:cli prompt, php:eval CODE, sql:cli (the database's client). */
  private static Kind drush(List<Word> a, List<String> v) {
    List<Word> rest = a.stream().filter(w -> !(w.literal() && w.value().startsWith("@"))).toList();
    if (unknownVerb(rest) || help(v)) {
      return help(v) ? Kind.NONE : Kind.INLINE;
    }
    List<String> rv = rest.stream().map(Word::value).toList();
    for (int i : ShellClass.verbCandidates(rv)) {
      switch (rv.get(i)) {
        case "php", "php:cli", "php-cli", "core:cli", "core-cli" -> {
          return Kind.PROMPT;
        }
        case "ev", "eval", "php:eval", "php-eval" -> {
          return Kind.INLINE;
        }
        case "sqlc", "sql:cli", "sql-cli" -> {
          return Kind.DB_PROMPT;
        }
        case "sqlq", "sql:query", "sql-query" -> {
          // the SQL is run by the database's client (mysql's system, psql's \!), as wp db query's (attack 17cv)
          for (int j = i + 1; j < rest.size(); j++) {
            Word q = rest.get(j);
            if (!q.literal() || !q.value().startsWith("-")
                && Regexes.matches(q.value(), "(?is).*(\\\\!|(^|[;\\n])\\s*system\\b).*")) {
              return Kind.INLINE;
            }
          }
          return Kind.NONE;
        }
        case "scr", "php:script", "php-script" -> {
          // a script file on disk; "-" or none reads PHP from the input, as a device or descriptor does
          // (/dev/stdin, /proc/self/fd/0, php://stdin: attack 17cv)
          return i + 1 < rv.size() ? phpFile(rest.get(i + 1)) : Kind.PROMPT;
        }
        default -> { }
      }
    }
    return Kind.NONE;
  }

  /**
   * WP-CLI: {@code wp shell} (PHP's prompt), {@code wp eval CODE}, {@code eval-file -} (PHP from the
   * input), the global {@code --exec=CODE} (PHP run before any command), {@code wp db cli} (mysql's
   * prompt: {@code system}, {@code \!}) and {@code wp db query} without SQL (its input) or with them.
   */
  private static Kind wp(List<Word> a, List<String> v) {
    if (v.stream().anyMatch(w -> w.equals("--exec") || w.startsWith("--exec="))) {
      return Kind.INLINE;
    }
    if (unknownVerb(a)) {
      return Kind.INLINE;
    }
    List<Word> ops = a.stream().filter(w -> !w.value().startsWith("-")).toList();
    if (ops.isEmpty() || help(v) || ops.get(0).value().equals("help")) {
      return Kind.NONE;
    }
    String verb = ops.get(0).value();
    String sub = ops.size() > 1 ? ops.get(1).value() : "";
    if (verb.equals("shell")) {
      return Kind.PROMPT;
    }
    if (verb.equals("eval")) {
      return Kind.INLINE;
    }
    if (verb.equals("eval-file")) {
      return sub.isEmpty() ? Kind.PROMPT : phpFile(ops.get(1));
    }
    if (verb.equals("db") && Set.of("cli", "console").contains(sub)) {
      return Kind.DB_PROMPT;
    }
    if (verb.equals("db") && sub.equals("query")) {
      return ops.size() < 3 ? Kind.DB_PROMPT : !ops.get(2).literal()
          || Regexes.matches(ops.get(2).value(), "(?is).*(\\\\!|(^|[;\\n])\\s*system\\b).*") ? Kind.INLINE : Kind.NONE;
    }
    return Kind.NONE;
  }

  /**
   * A PHP file a console runs: a regular file on disk is the project's; {@code -}, a device or a
   * descriptor ({@code /dev/stdin}, {@code /proc/self/fd/0}) or {@code php://stdin} is the input
   * (a prompt); another stream ({@code data://…}, {@code http://…}) or a name only known when it
   * runs is code not on disk (attack 17cv).
   */
  private static Kind phpFile(Word f) {
    String v = f.value();
    if (!f.literal()) {
      return Kind.INLINE;
    }
    if (v.equals("-") || Regexes.matches(v, "(?i)php://(stdin|fd/.*|input)") || !Interpreters.regularPath(f)) {
      return Kind.PROMPT;
    }
    return v.contains("://") ? Kind.INLINE : Kind.NONE;
  }

  /** Laravel Sail runs its verb in the application's container: artisan, tinker, the shells, the clients, the interpreters. */
  private static Kind sail(List<Word> a, List<String> v, int depth) {
    List<Word> ops = a.stream().filter(w -> !w.value().startsWith("-")).toList();
    if (ops.isEmpty() || help(v) && ops.size() < 2) {
      return Kind.NONE;
    }
    if (!ops.get(0).literal()) {
      return Kind.INLINE;
    }
    int at = a.indexOf(ops.get(0));
    List<Word> rest = a.subList(at + 1, a.size());
    List<String> rv = v.subList(at + 1, v.size());
    return switch (ops.get(0).value()) {
      case "artisan", "art", "a" -> artisan(rest, rv);
      case "tinker", "shell", "bash", "root-shell", "root-bash" -> Kind.PROMPT;
      case "mysql", "mariadb", "psql", "redis", "mongodb" -> Kind.DB_PROMPT;
      case "php", "node", "python", "bun" -> rest.isEmpty() ? Kind.PROMPT : read(ops.get(0).value(), rest, depth + 1) != Kind.NONE
          ? read(ops.get(0).value(), rest, depth + 1)
          : rv.stream().anyMatch(w -> Regexes.matches(w, "-[A-Za-z]*[recpBRE].*|--(eval|print)(=.*)?")) || !rest.get(0).literal()
              ? Kind.INLINE : Kind.NONE;
      default -> Kind.NONE;
    };
  }

  /** Django's manage.py/django-admin: its first word is the subcommand. */
  private static Kind django(List<Word> a, List<String> v) {
    if (a.isEmpty()) {
      return Kind.NONE;
    }
    if (!a.get(0).literal()) {
      return Kind.INLINE;
    }
    List<Word> rest = a.subList(1, a.size());
    List<String> rv = v.subList(1, v.size());
    if (rv.stream().anyMatch(w -> Regexes.matches(w, "-h|--help|--version"))) {
      return Kind.NONE;
    }
    switch (v.get(0)) {
      case "shell", "shell_plus", "debugsqlshell" -> {
        // -c/--command CODE (argparse: -cCODE, any prefix of --command)
        for (int i = 0; i < rest.size(); i++) {
          String w = rv.get(i);
          if (!rest.get(i).literal() && w.startsWith("-") || w.startsWith("-c") && !w.startsWith("--")
              || w.startsWith("--c") && "--command".startsWith(w.split("=", 2)[0])) {
            return Kind.INLINE;
          }
        }
        return Kind.PROMPT;
      }
      case "dbshell" -> {
        // the database's own client (psql, mysql, sqlite3: \!, system, .shell); after -- its arguments (psql -c)
        return rv.contains("--") ? Kind.INLINE : Kind.PROMPT;
      }
      default -> {
        return Kind.NONE;
      }
    }
  }

  /** Laravel's artisan (Symfony's console: a command by any unambiguous prefix): tinker, db. */
  private static Kind artisan(List<Word> a, List<String> v) {
    if (unknownVerb(a)) {
      return Kind.INLINE;
    }
    for (int i : ShellClass.verbCandidates(v)) {
      String w = v.get(i);
      if (w.length() >= 2 && "tinker".startsWith(w)) {
        return v.stream().anyMatch(x -> x.equals("--execute") || x.startsWith("--execute=")) ? Kind.INLINE
            : help(v) ? Kind.NONE : Kind.PROMPT;
      }
      if (w.equals("db")) {
        return help(v) ? Kind.NONE : Kind.PROMPT;
      }
    }
    return Kind.NONE;
  }

  /** mix run -e/--eval CODE: Elixir run inline. */
  private static Kind mix(List<String> v) {
    return v.contains("run") && v.stream().anyMatch(w -> w.equals("-e") || w.equals("--eval") || w.startsWith("--eval="))
        ? Kind.INLINE : Kind.NONE;
  }

  /** sbt's options that take a value (sbt's launcher script). */
  private static final Set<String> SBT_VALUES = Set.of("sbt-version", "sbt-jar", "sbt-dir", "sbt-boot", "ivy", "mem",
      "jvm-debug", "java-home", "sbt-launch-dir", "sbt-launch-repo", "scala-version", "scala-home", "sbt-create");

  /** sbt: its shell without commands ({@code eval}, {@code console}), a console command, or eval/set of Scala. */
  private static Kind sbt(List<Word> a, List<String> v) {
    if (v.stream().anyMatch(w -> Regexes.matches(w, "--?(version|numeric-version|script-version|help)|-[hV]"))) {
      return Kind.NONE;
    }
    boolean command = false;
    for (int i = 0; i < a.size(); i++) {
      String w = v.get(i);
      if (!a.get(i).literal()) {
        return Kind.INLINE;
      }
      if (w.startsWith("-")) {
        if (SBT_VALUES.contains(w.replaceFirst("^--?", ""))) {
          i++;
        }
        continue;
      }
      command = true;
      for (String part : w.split(";")) {
        String[] t = part.strip().replaceFirst("^~\\s*", "").split("[\\s/]+");
        if (t.length == 0) {
          continue;
        }
        if (Set.of("eval", "set", "apply", "session").contains(t[0])) {
          return Kind.INLINE;
        }
        for (String x : t) {
          if (Set.of("console", "consoleQuick", "consoleProject", "shell").contains(x)) {
            return Kind.PROMPT;
          }
        }
      }
    }
    return command ? Kind.NONE : Kind.PROMPT;
  }

  /** lein repl, and Clojure's own prompt by lein run -m clojure.main (-e CODE inline). */
  private static Kind lein(List<Word> a, List<String> v) {
    if (a.stream().anyMatch(w -> !w.literal())) {
      return Kind.INLINE;
    }
    int main = v.indexOf("clojure.main");
    if (main >= 0) {
      return v.subList(main, v.size()).stream().anyMatch(w -> Regexes.matches(w, "-e|--eval")) ? Kind.INLINE : Kind.PROMPT;
    }
    return v.contains("repl") ? Kind.PROMPT : Kind.NONE;
  }

  /**
   * The legacy mongo shell ({@code run()}, {@code runProgram()}) and mongosh (Node's {@code
   * require('child_process')}): JavaScript on this host; --eval is inline, a script file runs and exits.
   */
  private static Kind mongo(List<Word> a, List<String> v) {
    if (v.stream().anyMatch(w -> Regexes.matches(w, "--version|--help|-h|--build-info"))) {
      return Kind.NONE;
    }
    boolean script = false;
    for (int i = 0; i < a.size(); i++) {
      String w = v.get(i);
      if (!a.get(i).literal() && (w.isEmpty() || w.startsWith("-") || w.charAt(0) == Word.UNKNOWN)) {
        return Kind.INLINE;
      }
      if (w.equals("--eval") || w.startsWith("--eval=")) {
        return Kind.INLINE;
      }
      if (w.equals("-f") || w.equals("--file") || w.startsWith("--file=") || !w.startsWith("-") && w.endsWith(".js")) {
        script = true;
      }
      if (w.endsWith(".js") && !Interpreters.regularPath(a.get(i))) {
        return Kind.INLINE;
      }
    }
    if (values(a, Set.of("-f", "--file")).stream().anyMatch(f -> !Interpreters.regularPath(f))) {
      return Kind.INLINE; // mongosh -f /dev/stdin: the script the text feeds
    }
    return script && !v.contains("--shell") ? Kind.NONE : Kind.PROMPT;
  }

  /** Names of this host's loopback: localhost, 127/8, ::1 (also v4-mapped), 0.0.0.0, 0 (inet_aton). */
  // RFC 6761: every name under .localhost is loopback (systemd-resolved, nss-myhostname), a final dot too (attack 17cv)
  private static final String LOOPBACK = "([a-z0-9_-]+\\.)*localhost(\\.localdomain)?\\.?|ip6-localhost|ip6-loopback|127(\\.[0-9]+){0,3}"
      + "|\\[?(::1|::ffff:127(\\.[0-9]+){3}|::)\\]?|0(\\.0){0,3}|0x7f[0-9a-f.x]*|2130706433|0177[0-7.]*";

  /** redis-cli's options that take a value. */
  private static final Set<String> REDIS_VALUES = Set.of("-h", "-p", "-s", "-a", "-u", "-r", "-i", "-n", "-d", "-D", "-t",
      "--user", "--pass", "--eval", "--rdb", "--functions-rdb", "--pattern", "--quoted-pattern", "--count", "--cacert",
      "--cacertdir", "--cert", "--key", "--tls-ciphers", "--tls-ciphersuites", "--sni", "--memkeys-samples",
      "--intrinsic-latency", "--lru-test", "--pipe-timeout", "--cluster", "--keystats-samples", "--top", "--show-pushes");
  /** redis-cli's modes that run no prompt. */
  private static final Set<String> REDIS_MODES = Set.of("--stat", "--latency", "--latency-history", "--latency-dist",
      "--bigkeys", "--memkeys", "--hotkeys", "--keystats", "--scan", "--rdb", "--functions-rdb", "--eval", "--replica",
      "--intrinsic-latency", "--lru-test", "--cluster", "-v", "--version", "--help");

  /**
   * redis-cli without a command: its prompt sends whatever is typed to the server; to a server on
   * this host ({@code -h} absent or loopback, a socket) {@code CONFIG SET dir}/{@code dbfilename}
   * and {@code SAVE} write a file there and {@code MODULE LOAD} loads a library into it.
   */
  private static Kind redis(List<Word> a, List<String> v) {
    // redis-cli keeps the last -h (or -u) given, and a socket (-s) wins over any host (attack 17cv)
    boolean remote = false;
    boolean socket = false;
    for (int i = 0; i < a.size(); i++) {
      String w = v.get(i);
      if (!a.get(i).literal() && (w.isEmpty() || w.startsWith("-") || w.charAt(0) == Word.UNKNOWN)) {
        return Kind.INLINE;
      }
      if (REDIS_MODES.contains(w)) {
        return Kind.NONE;
      }
      if (REDIS_VALUES.contains(w)) {
        String val = i + 1 < a.size() ? v.get(i + 1) : "";
        // a host only known when it runs may be this one (fail closed); this host's own name is not known
        boolean known = i + 1 < a.size() && a.get(i + 1).literal();
        if (w.equals("-h")) {
          remote = known && !Regexes.matches(val.toLowerCase(java.util.Locale.ROOT), LOOPBACK);
        } else if (w.equals("-u")) {
          remote = known && !Regexes.matches(val.toLowerCase(java.util.Locale.ROOT),
              "(rediss?|valkeys?)://([^@/]*@)?(" + LOOPBACK + ")([:/].*)?|unix://.*");
          socket |= !known || val.startsWith("unix://");
        } else if (w.equals("-s")) {
          socket = true;
        }
        i++;
        continue;
      }
      if (!w.startsWith("-")) {
        // a command: read by its words; to this host's server, the ones that write its files or load its code
        // (CONFIG SET dir|dbfilename, MODULE LOAD) are what its prompt is refused for (attack 17cv)
        List<String> cmd = v.subList(i, v.size()).stream().map(x -> x.toLowerCase(java.util.Locale.ROOT)).toList();
        boolean writes = cmd.size() > 2 && cmd.get(0).equals("config") && cmd.get(1).equals("set")
            && cmd.subList(2, cmd.size()).stream().anyMatch(x -> Regexes.matches(x, "dir|dbfilename|appendfilename|appenddirname|logfile"))
            || cmd.size() > 1 && cmd.get(0).equals("module") && Regexes.matches(cmd.get(1), "load|loadex");
        return writes && (socket || !remote) ? Kind.INLINE : Kind.NONE;
      }
    }
    return socket || !remote ? Kind.DB_PROMPT : Kind.NONE;
  }

  /** The value of an option given as {@code -e V}, {@code -eV}, {@code --execute V} or {@code --execute=V}; null when absent. */
  private static List<Word> values(List<Word> a, Set<String> options) {
    List<Word> out = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      String w = a.get(i).value();
      for (String o : options) {
        if (w.equals(o)) {
          out.add(i + 1 < a.size() ? a.get(i + 1) : new Word("", "", true));
        } else if (o.startsWith("--") && w.startsWith(o + "=")) {
          out.add(new Word(w.substring(o.length() + 1), w.substring(o.length() + 1), a.get(i).literal()));
        } else if (!o.startsWith("--") && o.length() == 2 && w.startsWith(o) && w.length() > 2 && !w.startsWith("--")) {
          out.add(new Word(w.substring(2), w.substring(2), a.get(i).literal()));
        }
      }
    }
    return out;
  }

  /**
   * A client with a prompt on this host: {@code exits} end it at once; code given by {@code code}
   * options runs and the client exits (inline when it matches {@code escape}, or any when {@code
   * escape} is empty); a {@code files} option reads commands from a file on disk.
   */
  private static Kind client(List<Word> a, List<String> v, Set<String> exits, Set<String> code, Set<String> files,
      String escape, boolean codeExits) {
    if (v.stream().anyMatch(exits::contains)) {
      return Kind.NONE;
    }
    if (a.stream().anyMatch(w -> !w.literal() && (w.value().isEmpty() || w.value().startsWith("-")
        || w.value().charAt(0) == Word.UNKNOWN) && !code.isEmpty())) {
      return Kind.INLINE;
    }
    List<Word> texts = values(a, code);
    if (texts.stream().anyMatch(t -> !t.literal() || escape.isEmpty() || Regexes.matches(t.value(), escape))) {
      return Kind.INLINE;
    }
    if (values(a, files).stream().anyMatch(f -> !Interpreters.regularPath(f))) {
      return Kind.INLINE; // -f /dev/stdin, --file=/dev/fd/3: commands the text feeds
    }
    if (!texts.isEmpty() && codeExits || !values(a, files).isEmpty()) {
      return Kind.NONE;
    }
    return Kind.DB_PROMPT;
  }

  /** cqlsh: COPY … TO and CAPTURE write files on this host, SOURCE reads commands from one. */
  private static Kind cqlsh(List<Word> a, List<String> v) {
    return client(a, v, Set.of("--version", "--help", "-h"), Set.of("-e", "--execute"), Set.of("-f", "--file"),
        "(?is).*\\b(copy|capture|source|login|debug)\\b.*", true);
  }

  /** clickhouse-client/-local: INTO OUTFILE, file(), executable() reach this host's files and programs. */
  private static Kind clickhouse(List<Word> a, List<String> v) {
    return client(a, v, Set.of("--version", "-V", "--help"), Set.of("-q", "--query"), Set.of("--queries-file", "-qf"),
        "(?is).*(\\binto\\s+outfile\\b|\\bfrom\\s+infile\\b|\\bfile\\s*\\(|\\bexecutable(pool)?\\s*\\(|\\bsystem\\s+shutdown|\\\\!|^\\s*!).*",
        true);
  }

  /** spark-sql, hive, beeline: {@code !CMD} (hive), {@code !sh CMD} (beeline) at the prompt or in -e. */
  private static Kind hive(List<Word> a, List<String> v) {
    return client(a, v, Set.of("--version", "--help", "-H"), Set.of("-e"), Set.of("-f"),
        "(?s).*(^|[;\\n])\\s*!.*", true);
  }

  /** duckdb's options that take a value. */
  private static final Set<String> DUCKDB_VALUES = Set.of("cmd", "c", "s", "init", "f", "separator", "newline", "nullvalue",
      "escape", "storage-version");

  /**
   * duckdb (sqlite3's shell: {@code .sh}/{@code .shell}/{@code .system}, any prefix; DuckDB's SQL
   * writes host files with {@code COPY … TO} and {@code EXPORT DATABASE} and loads code with {@code
   * LOAD}/{@code INSTALL}); without SQL to run it reads its commands from its input.
   */
  private static Kind duckdb(List<Word> a, List<String> v) {
    if (v.stream().anyMatch(w -> Regexes.matches(w, "--?(version|help)"))) {
      return Kind.NONE;
    }
    List<Word> code = new ArrayList<>();
    boolean exits = false;
    int operands = 0;
    for (int i = 0; i < a.size(); i++) {
      String w = v.get(i);
      if (!a.get(i).literal() && (w.isEmpty() || w.startsWith("-") || w.charAt(0) == Word.UNKNOWN) && operands > 0) {
        return Kind.INLINE;
      }
      if (w.startsWith("-") && w.length() > 1) {
        String o = w.replaceFirst("^--?", "");
        if (DUCKDB_VALUES.contains(o)) {
          if (i + 1 < a.size()) {
            if (Set.of("cmd", "c", "s").contains(o)) {
              code.add(a.get(i + 1));
            }
            exits |= Set.of("c", "s", "f").contains(o);
          }
          i++;
        } else if (o.equals("ui")) {
          return Kind.INLINE; // a local web page that runs whatever SQL it is sent
        }
      } else if (operands++ > 0) {
        code.add(a.get(i));
        exits = true;
      }
    }
    for (Word t : code) {
      if (!t.literal() || ShellClass.sqliteRunsCommands(t.value())
          || Regexes.matches(t.value(), "(?is).*\\b(copy|export|load|install|attach)\\b.*")) {
        return Kind.INLINE;
      }
    }
    return exits && !v.contains("-interactive") ? Kind.NONE : Kind.DB_PROMPT;
  }

  /**
   * The files a console or client runs as code or commands, named by its words: {@code mongosh
   * x.js}/{@code -f}, {@code rails runner x.rb}, {@code drush scr F}, {@code wp eval-file F}, and
   * the clients' {@code -f}/{@code -i}/{@code --file}/{@code --queries-file}/{@code -init}
   * (a file the same text writes is code it brings in, as {@code WrittenThenRun} reads sqlite3's
   * {@code .read}).
   */
  static List<Word> files(ShellCommand c) {
    String n = c.name();
    List<Word> a = c.args();
    List<Word> out = new ArrayList<>();
    switch (n) {
      case "mongo", "mongosh" -> {
        out.addAll(values(a, Set.of("-f", "--file")));
        a.stream().filter(w -> w.value().endsWith(".js") && !w.value().startsWith("-")).forEach(out::add);
      }
      case "rails", "hanami", "padrino" -> a.stream().filter(w -> Regexes.matches(w.value(), "[\\w./-]+\\.rb")).forEach(out::add);
      case "drush", "wp" -> a.stream().filter(w -> Regexes.matches(w.value(), "[\\w./-]+\\.php")).forEach(out::add);
      case "usql", "cqlsh", "hive", "beeline", "spark-sql", "vsql", "ysqlsh", "nzsql", "edb-psql" ->
          out.addAll(values(a, Set.of("-f", "--file", "-i")));
      case "snowsql" -> out.addAll(values(a, Set.of("-f", "--filename")));
      case "cockroach" -> out.addAll(values(a, Set.of("-f", "--file")));
      case "sqlcmd", "isql-fb" -> out.addAll(values(a, Set.of("-i", "-input")));
      case "clickhouse-client", "clickhouse-local", "clickhouse" -> out.addAll(values(a, Set.of("--queries-file", "-qf")));
      case "duckdb" -> out.addAll(values(a, Set.of("-f", "-init", "--init")));
      case "foreman", "honcho", "forego", "overmind", "hivemind" -> {
        // the Procfile's lines are commands they start (start, check, export; -f/--procfile names another)
        List<Word> named = values(a, Set.of("-f", "--procfile"));
        out.addAll(named);
        a.stream().filter(w -> !w.value().startsWith("-") && w.value().toLowerCase(java.util.Locale.ROOT).contains("procfile"))
            .forEach(out::add);
        if (named.isEmpty()) {
          out.add(Word.literal("Procfile", "Procfile"));
        }
      }
      case "sqlplus" -> a.stream().filter(w -> w.value().startsWith("@") && w.value().length() > 1)
          .map(w -> Word.literal(w.value().substring(1), w.value().substring(1))).forEach(out::add);
      default -> { }
    }
    return out;
  }

  /** Whether {@code c} is a console read here at all (for the judge's reason). */
  static boolean isPrompt(Kind k) {
    return k == Kind.PROMPT || k == Kind.DB_PROMPT;
  }

}
