package dev.gatehouse.gateway.psql;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.postgres.PostgresServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guard against the real psql: generated and hand-written inputs go to psql 15 (one input a
 * {@code -f} file, many files a process: each file gets a fresh lexer in psql's MainLoop) with
 * {@code standard_conforming_strings} on and off; psql tells us on which line it reached a
 * backslash command (every backslash the inputs hold makes an unknown command, which psql
 * reports with the file and line). The guard must refuse that line or an earlier one.
 *
 * <p>{@code -Dgatehouse.guard.seed=N} repeats a run, {@code -Dgatehouse.guard.count=N} sizes it.
 */
class MetaCommandGuardDifferentialIT {
  private static final Pattern INVALID_COMMAND =
      Pattern.compile("^psql:[^:]*/(\\d+)\\.sql:(\\d+): error: invalid command", Pattern.MULTILINE);
  private static final int FILES_PER_PSQL = 400;

  /** Hand-written cases; {@code \gh_meta} stands for any command (psql reports it unknown). */
  static final List<String> CORPUS = List.of(
      "SELECT 1 AS x$a$ \\gh_meta id",
      "SELECT 1 AS x$a$ \\gh_meta id $a$;",
      "SELECT 'a\\'' \\gh_meta id",
      "SELECT 'a\\'' \\gh_meta id';",
      "SELECT E'a\\'' \\gh_meta id",
      "SELECT e'a\\\\' \\gh_meta id",
      "SELECT N'a\\'' \\gh_meta id",
      "SELECT n'a' \\gh_meta id",
      "SELECT B'1''\\'' \\gh_meta id",
      "SELECT X'1f''\\'' \\gh_meta id",
      "SELECT U&'a\\'' \\gh_meta id",
      "SELECT U&\"a\\\" \\gh_meta id",
      "SELECT u&'a''\\' \\gh_meta id",
      "SELECT xe'a\\'' \\gh_meta id",
      "SELECT 1e'a\\'' \\gh_meta id",
      "SELECT 1ee'a\\'' \\gh_meta id",
      "SELECT .5e'a\\'' \\gh_meta id",
      "SELECT 1.e'a\\'' \\gh_meta id",
      "SELECT 1..e'a\\'' \\gh_meta id",
      "SELECT 2e+'a\\'' \\gh_meta id",
      "SELECT 1e'\\' \\gh_meta id",
      "SELECT 1xe'\\' \\gh_meta id",
      "SELECT $1e'\\' \\gh_meta id",
      "SELECT $1x$a$ \\gh_meta id",
      "SELECT 1e-- \\gh_meta id",
      "SELECT 1e+-- \\gh_meta id",
      "SELECT 1..e'\\' \\gh_meta id",
      "SELECT 1.5.e'\\' \\gh_meta id",
      "SELECT 0x1F'\\' \\gh_meta id",
      "SELECT 1_$a$ \\gh_meta id",
      "SELECT \"a\"\"\\\" \\gh_meta id",
      "SELECT \"a\\\" \\gh_meta id",
      "SELECT $$ \\gh_meta id $$;",
      "SELECT $a$ $b$ \\gh_meta id $a$;",
      "SELECT $a$ $A$ \\gh_meta id $a$;",
      "SELECT $a$ $ab$ \\gh_meta $a$ \\gh_meta id",
      "SELECT $1$a$ \\gh_meta id $a$;",
      "SELECT 1$a$ \\gh_meta id $a$;",
      "SELECT $_$ \\gh_meta $_$;",
      "SELECT $a \\gh_meta id",
      "SELECT $a$b$ \\gh_meta id $a$;",
      "SELECT $é$ \\gh_meta id $é$;",
      "SELECT é$a$ \\gh_meta id",
      "SELECT $$a\n\\gh_meta id\n$$;",
      "SELECT 'a\n\\gh_meta id\n';",
      "SELECT 'a'\n'\\gh_meta id';",
      "SELECT 'a'  'b' \\gh_meta id",
      "SELECT E'abc\\\n' \\gh_meta id",
      "-- \\gh_meta id",
      "SELECT 1 -- \\gh_meta id",
      "SELECT 1 +-- \\gh_meta id",
      "SELECT 1 */ \\gh_meta id",
      "/* \\gh_meta id */ SELECT 1;",
      "/* /* \\gh_meta */ \\gh_meta id */ SELECT 1;",
      "/* /* */ */ \\gh_meta id",
      "/*/ \\gh_meta id */",
      "/**/ \\gh_meta id",
      "/* **/ \\gh_meta id",
      "SELECT 1 +/* \\gh_meta */ 2;",
      "/*\n\\gh_meta id\n*/ SELECT 1;",
      "SELECT '1'::int \\gh_meta id",
      "SELECT 1 \\; SELECT 2 \\gh_meta id",
      "SELECT 1 \\: \\gh_meta id",
      "SELECT :gh_inject;",
      "SELECT :'gh_inject' \\gh_meta id",
      "SELECT :\"gh_inject\" \\gh_meta id",
      "SELECT :{?gh_inject} \\gh_meta id",
      "SELECT :'gh_inject \\gh_meta id",
      "SELECT :'' \\gh_meta id",
      "SELECT :: \\gh_meta id",
      "SELECT x:::gh_inject;",
      "SELECT :undefined_var \\gh_meta id",
      "CREATE FUNCTION f() RETURNS int BEGIN ATOMIC SELECT 1; \\gh_meta id",
      "SELECT ( ';' \\gh_meta id",
      "\\\\",
      "SELECT 1 \\\\ \\gh_meta id",
      "SELECT 1;\\gh_meta id",
      "SELECT 'x' 'y';\n\\gh_meta id");

  static PostgresServer pg;

  @BeforeAll
  static void start() throws Exception {
    pg = PostgresServer.start(false);
  }

  @AfterAll
  static void stop() throws Exception {
    if (pg != null) {
      pg.close();
    }
  }

  @Test
  void theGuardRefusesEveryLineOnWhichPsqlReachesAMetaCommand(@TempDir Path dir) throws Exception {
    long seed = Long.getLong("gatehouse.guard.seed", new Random().nextLong());
    int count = Integer.getInteger("gatehouse.guard.count", 5000);
    System.out.println("guard differential: seed " + seed + " (-Dgatehouse.guard.seed=" + seed + "), "
        + count + " generated inputs + " + CORPUS.size() + " hand-written");
    List<String> inputs = new ArrayList<>(CORPUS);
    Random random = new Random(seed);
    for (int k = 0; k < count; k++) {
      inputs.add(generate(random));
    }
    for (int k = 0; k < inputs.size(); k++) {
      Files.writeString(dir.resolve(k + ".sql"), inputs.get(k) + "\n", StandardCharsets.UTF_8);
    }
    long started = System.nanoTime();
    int[] metaLineOn;
    int[] metaLineOff;
    // Two psql processes at a time: the machine this runs on in CI has two cores.
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<String>> on = startPsqlRuns(dir, inputs.size(), true, pool);
      List<Future<String>> off = startPsqlRuns(dir, inputs.size(), false, pool);
      metaLineOn = metaLines(on, inputs.size());
      metaLineOff = metaLines(off, inputs.size());
    } finally {
      pool.shutdownNow();
    }
    long psqlMillis = (System.nanoTime() - started) / 1_000_000;

    List<String> misses = new ArrayList<>();
    Map<String, Integer> falseRefusals = new TreeMap<>();
    int reached = 0;
    int notReached = 0;
    for (int k = 0; k < inputs.size(); k++) {
      String input = inputs.get(k);
      for (boolean std : new boolean[] {true, false}) {
        int psqlLine = std ? metaLineOn[k] : metaLineOff[k];
        GuardResult guard = guard(input, Optional.of(std));
        if (psqlLine > 0) {
          reached++;
          if (guard.line == 0 || guard.line > psqlLine) {
            misses.add("standard_conforming_strings=" + (std ? "on" : "off") + " psql line " + psqlLine
                + ", guard " + (guard.line == 0 ? "passed" : "line " + guard.line) + ": " + escape(input));
          }
        } else {
          notReached++;
          if (guard.line > 0) {
            falseRefusals.merge(guard.refusal.command().startsWith(":") ? ":name" : guard.refusal.command(), 1,
                Integer::sum);
          }
        }
      }
      // Unknown setting: refuse whatever psql reaches under either.
      int either = firstPositive(metaLineOn[k], metaLineOff[k]);
      GuardResult unknown = guard(input, Optional.empty());
      if (either > 0 && (unknown.line == 0 || unknown.line > either)) {
        misses.add("standard_conforming_strings unknown, psql line " + either + ": " + escape(input));
      }
    }
    int refusedAnyway = falseRefusals.values().stream().mapToInt(Integer::intValue).sum();
    System.out.println("guard differential: psql runs took " + psqlMillis + " ms; " + reached
        + " (input, setting) pairs reached a meta-command, " + misses.size() + " missed by the guard; "
        + notReached + " did not, " + refusedAnyway + " refused anyway " + falseRefusals);
    assertThat(misses).as("seed %d: lines psql ran as meta-commands that the guard passed", seed).isEmpty();
    assertThat(reached).as("the inputs exercise meta-commands").isGreaterThan(inputs.size() / 10);
    assertThat(notReached).as("the inputs exercise plain SQL").isGreaterThan(inputs.size() / 10);
  }

  private record GuardResult(int line, MetaCommandGuard.Refuse refusal) {}

  /** The first line (1-based) the guard refuses, as the console would feed it; 0 when none. */
  private static GuardResult guard(String input, Optional<Boolean> standardConformingStrings) {
    MetaCommandGuard guard = new MetaCommandGuard(() -> standardConformingStrings);
    String[] lines = input.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (guard.line(lines[i]) instanceof MetaCommandGuard.Refuse r) {
        return new GuardResult(i + 1, r);
      }
      guard.psqlCaughtUp(); // the setting is fixed for the whole psql run
    }
    return new GuardResult(0, null);
  }

  private static int firstPositive(int a, int b) {
    if (a == 0) {
      return b;
    }
    return b == 0 ? a : Math.min(a, b);
  }

  private static List<Future<String>> startPsqlRuns(
      Path dir, int files, boolean standardStrings, ExecutorService pool) {
    List<Future<String>> runs = new ArrayList<>();
    for (int from = 0; from < files; from += FILES_PER_PSQL) {
      int to = Math.min(files, from + FILES_PER_PSQL);
      int first = from;
      runs.add(pool.submit(() -> runPsql(dir, first, to, standardStrings)));
    }
    return runs;
  }

  /** For each input file, the first line on which psql reached a backslash command (0: none). */
  private static int[] metaLines(List<Future<String>> runs, int files) throws Exception {
    int[] lines = new int[files];
    for (Future<String> run : runs) {
      Matcher m = INVALID_COMMAND.matcher(run.get(5, TimeUnit.MINUTES));
      while (m.find()) {
        int file = Integer.parseInt(m.group(1));
        int line = Integer.parseInt(m.group(2));
        if (lines[file] == 0 || line < lines[file]) {
          lines[file] = line;
        }
      }
    }
    return lines;
  }

  private static String runPsql(Path dir, int from, int to, boolean standardStrings) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("/usr/bin/psql", "-X", "-q", "-v", "ON_ERROR_STOP=0",
        // A variable whose value psql lexes again: a backslash in it is a command.
        "-v", "gh_inject=\\gh_injected",
        "host=127.0.0.1 port=" + pg.port + " user=app_rw dbname=app sslmode=disable"));
    for (int k = from; k < to; k++) {
      cmd.addAll(List.of("-f", dir.resolve(k + ".sql").toString()));
    }
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().keySet().removeIf(k -> k.startsWith("PG"));
    pb.environment().put("PGPASSWORD", Files.readString(pg.passwordFile()).strip());
    pb.environment().put("PGOPTIONS", "-c standard_conforming_strings=" + (standardStrings ? "on" : "off"));
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Process p = pb.start();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException("psql did not finish");
    }
    if (err.contains("connection to server") || err.contains("FATAL")) {
      throw new IOException("psql could not run the inputs:\n" + err);
    }
    return err;
  }

  // ---- the generator ----

  private static final String[][] FRAGMENTS = {
    // strings and identifiers, opened and closed
    {"'", "'", "''", "E'", "e'", "U&'", "u&'", "U&\"", "B'", "X'", "N'", "\"", "\"\"", "x'", "n'"},
    // dollars: quotes, parameters, dollars inside identifiers
    {"$$", "$a$", "$b$", "$A$", "$a", "$1", "$", "x$a$", "x$", "$_$", "1$a$", "$a$b$", "ab$$", "$é$", "é$a$"},
    // words and numbers
    {"x", "ab", "e", "E", "b", "u", "n", "SELECT", "AS", "é", "1", "1e", "1.5", ".5e", "1..", "2e+", "x1", "begin",
      "1x", "$1e", "1e-", "1_", "0x", "1.", "3e5"},
    // comments
    {"--", "/*", "*/", "/**/", "*", "/", "-", "/*/", "**/"},
    // psql variables and casts
    {"::", ":", ":v", ":'v'", ":\"v\"", ":{?v}", ":gh_inject", ":=", ":'", ":'gh_inject'", "::x"},
    // punctuation
    {";", "(", ")", ",", "+", "=", "&", "|", "`", "\t"},
    // backslashes: escapes inside E'' and commands outside quotes
    {"\\'", "\\\\", "\\\"", "\\$", "\\;", "\\:", "\\ ", "\\0", "\\-", "\\", "\\*/", "\\''", "\\u0041"},
  };
  private static final int[] WEIGHTS = {5, 4, 3, 3, 2, 3, 4};

  static String generate(Random random) {
    int lineCount = 1 + random.nextInt(random.nextInt(4) == 0 ? 5 : 2);
    StringBuilder text = new StringBuilder();
    int weightSum = Arrays.stream(WEIGHTS).sum();
    for (int l = 0; l < lineCount; l++) {
      if (l > 0) {
        text.append('\n');
      }
      int fragments = 1 + random.nextInt(10);
      for (int f = 0; f < fragments; f++) {
        int pick = random.nextInt(weightSum);
        int group = 0;
        while (pick >= WEIGHTS[group]) {
          pick -= WEIGHTS[group];
          group++;
        }
        String[] options = FRAGMENTS[group];
        text.append(options[random.nextInt(options.length)]);
        if (random.nextInt(3) == 0) {
          text.append(' ');
        }
      }
    }
    return unknownCommandsOnly(text.toString());
  }

  /**
   * A backslash followed by a letter, '!' or '?' could spell a real psql command (which would
   * run, or go unreported); one more character keeps every command psql meets unknown to it.
   */
  private static String unknownCommandsOnly(String text) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      out.append(c);
      if (c == '\\' && i + 1 < text.length()) {
        char next = text.charAt(i + 1);
        if (Character.isLetter(next) || next == '!' || next == '?') {
          out.append('-');
        }
      }
    }
    return out.toString();
  }

  private static String escape(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '\n' -> b.append("\\n");
        case '\t' -> b.append("\\t");
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        default -> b.append(c);
      }
    }
    return b.append('"').toString();
  }
}
