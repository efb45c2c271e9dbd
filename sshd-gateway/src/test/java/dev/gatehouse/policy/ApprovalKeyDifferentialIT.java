package dev.gatehouse.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.postgres.PostgresServer;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link ApprovalKey} against the real PostgreSQL 15: two texts with the same key must be read by
 * the server into the same thing. Each text goes to the server as one simple Query inside {@code
 * BEGIN … ROLLBACK}, with {@code debug_print_parse} sending the analysed parse tree of every
 * statement back to the client; what is compared is that tree (without its source offsets), the
 * statements completed, the rows and columns returned, and the error (SQLSTATE and message), if
 * any.
 *
 * <p>The pairs: a corpus of writes with comments, strings, escapes, dollar quotes and continued
 * literals (the approval attacks among them), {@link SqlLexerDifferentialIT#CORPUS}, and {@code
 * approvals.count} (default 3000) texts of {@link SqlTextGenerator} from {@code approvals.seed}
 * (printed); for each text, variants with the white space between its tokens and comments
 * re-drawn (line breaks, carriage returns, tabs, form feeds, none) and variants with white space
 * inserted or deleted anywhere, inside strings and comments too. Only the variants with the same
 * key as their text are checked (the others would need a new approval); both values of {@code
 * standard_conforming_strings}.
 */
class ApprovalKeyDifferentialIT {
  static PostgresServer pg;
  static String password;

  static final List<String> WRITES = List.of(
      "DELETE FROM orders WHERE id = 7 -- per ticket 42 OR id > 0",
      "DELETE FROM orders WHERE id = 7 -- per ticket 42\nOR id > 0",
      "DELETE FROM orders WHERE id = 7 /* a /* b */ OR id > 0 */ AND note <> 'x'",
      "UPDATE orders SET note = 'a b  c' WHERE id = 1",
      "UPDATE orders SET note = E'x\\ny\\x41\\101\\'' WHERE id = 1 -- c",
      "UPDATE orders SET note = 'a\\' WHERE id = 7 -- ' WHERE true",
      "UPDATE orders SET note = E'a\\\\' WHERE id = 7 -- ' WHERE true",
      "UPDATE orders SET note = $$a ; b$$ WHERE id = 2; UPDATE orders SET note = $t$ $$ $t$ WHERE id = 3",
      "UPDATE orders SET note = U&'d!0061t' UESCAPE '!' WHERE id = 4",
      "UPDATE orders SET note = U&'\\0041' || N'n' || B'01'::text || X'1F'::text WHERE id = 4",
      "UPDATE orders SET note = 'a'\n'b' WHERE id = 5",
      "UPDATE orders SET note = 'a' -- c\n 'b' WHERE id = 5",
      "UPDATE orders SET note = 'a' /* c */\n'b' WHERE id = 5",
      "UPDATE orders o SET note = 'u' WHERE o.id = 1 RETURNING o.id, o . note",
      "SELECT id, note FROM orders WHERE id = 1 OR note = '--' /* ' */ ORDER BY 1",
      "SELECT \"id\", \"no\"\"te\" FROM orders",
      "INSERT INTO orders VALUES (100, 'x -- y'), (101, $$z$$) RETURNING id, note",
      "SELECT 1 - -1, 2 <-3, 4 !=- 5, 6 @- 7, x.y FROM (SELECT 1 AS y) x",
      "SELECT 1+-2, 1::text, (1)::int, '1' :: int, 1.5e3, .5, 1.",
      "WITH d AS (DELETE FROM orders WHERE id = 9 RETURNING *) SELECT count(*) FROM d",
      "SELECT note FROM orders WHERE note LIKE 'a%' ESCAPE '\\' AND id IN (1, 2)",
      "SELECT 1 AS a\u2003b, 'x\u00a0y' AS c, 2 AS \u00e9t\u00e9",
      "UPDATE orders SET note = note || '$a$' WHERE id = 1 -- $a$ ; DELETE FROM orders",
      "SELECT 1; SELECT 2 -- ; SELECT 3\n; SELECT 4",
      "SELECT 1 /* open",
      "SELECT 'unterminated",
      "SELECT 1or 1=1");

  /** Runs of white space a gap between two pieces may get: some change the reading, the key says so. */
  private static final List<String> GAPS = List.of(
      "", " ", "  ", "\t", "\n", "\r\n", "\r", "\f", " \n ", "\n\n", "\t\r\n ");

  /** Source offsets in a node dump; the dump breaks its lines anywhere between fields. */
  private static final Pattern OFFSETS = Pattern.compile(":(?:stmt_)?location\\s+-?\\d+|:stmt_len\\s+\\d+");

  @BeforeAll
  static void start() throws Exception {
    pg = PostgresServer.start(false);
    pg.superSql("postgres", "CREATE DATABASE approval_scratch OWNER app_clear");
    pg.superSql("approval_scratch", "SET ROLE app_clear; CREATE TABLE orders (id int PRIMARY KEY, note text);"
        + " INSERT INTO orders SELECT g, 'row ' || g FROM generate_series(1, 20) g;");
    password = Files.readString(pg.passwordFile()).strip();
  }

  @AfterAll
  static void stop() throws Exception {
    if (pg != null) {
      pg.close();
    }
  }

  @Test
  void textsWithTheSameKeyAreReadIntoTheSameParseTree() throws Exception {
    long seed = Long.getLong("approvals.seed", System.nanoTime());
    int count = Integer.getInteger("approvals.count", 3000);
    System.out.println("ApprovalKeyDifferentialIT: -Dapprovals.seed=" + seed + " -Dapprovals.count=" + count);
    Random random = new Random(seed);
    List<String> texts = new ArrayList<>(WRITES);
    texts.addAll(SqlLexerDifferentialIT.CORPUS);
    SqlTextGenerator generator = new SqlTextGenerator(seed);
    for (int k = 0; k < count; k++) {
      texts.add(generator.next());
    }
    for (boolean standardStrings : List.of(true, false)) {
      Tally t = compare(texts, standardStrings, random);
      System.out.println("standard_conforming_strings=" + (standardStrings ? "on" : "off") + ": " + t);
      assertThat(t.mismatches).as("same key, different reading (seed %d)", seed).isEmpty();
      // the comparison must have had something to compare, and the oracle must see differences
      assertThat(t.outcomes.getOrDefault("same key, same reading", 0)).isGreaterThan(texts.size());
      assertThat(t.outcomes.getOrDefault("other key, other reading", 0)).isGreaterThan(0);
    }
  }

  /** The parse tree, at least, of the attack differs: the oracle sees what the key sees. */
  @Test
  void theOracleTellsTheApprovedDeleteFromTheAttack() throws Exception {
    try (PgWireClient c = session(true)) {
      String approved = WRITES.get(0);
      String attack = WRITES.get(1);
      assertThat(reading(c, approved)).isNotEqualTo(reading(c, attack));
      assertThat(reading(c, approved)).isEqualTo(reading(c, "DELETE FROM orders\tWHERE id=7 -- per ticket 42 OR id > 0\n"));
      assertThat(ApprovalKey.of(approved, StandardConformingStrings.ON)).isNotEqualTo(ApprovalKey.of(attack, StandardConformingStrings.ON));
    }
  }

  static final class Tally {
    final Map<String, Integer> outcomes = new TreeMap<>();
    final Map<String, String> mismatches = new LinkedHashMap<>();

    void outcome(String what) {
      outcomes.merge(what, 1, Integer::sum);
    }

    @Override
    public String toString() {
      StringBuilder b = new StringBuilder(outcomes.toString());
      mismatches.forEach((k, v) -> b.append("\n  ").append(k).append("\n    ").append(v));
      return b.toString();
    }
  }

  private static Tally compare(List<String> texts, boolean standardStrings, Random random) throws Exception {
    StandardConformingStrings reading = standardStrings ? StandardConformingStrings.ON : StandardConformingStrings.OFF;
    Tally tally = new Tally();
    List<String[]> pairs = new ArrayList<>();
    for (String text : texts) {
      String key = ApprovalKey.of(text, reading);
      List<String> variants = new ArrayList<>();
      for (int k = 0; k < 3; k++) {
        variants.add(respaced(text, standardStrings, random));
        variants.add(mutated(text, random));
      }
      for (String v : variants) {
        if (v.equals(text) || v.indexOf('\0') >= 0) {
          continue;
        }
        if (ApprovalKey.of(v, reading).equals(key)) {
          pairs.add(new String[] {text, v, "same"});
        } else if (pairs.size() % 7 == 0) {
          pairs.add(new String[] {text, v, "other"}); // a sample, to see the oracle tell readings apart
        }
      }
    }
    try (PgWireClient c = session(standardStrings)) {
      int batch = 100;
      for (int from = 0; from < pairs.size(); from += batch) {
        List<String[]> slice = pairs.subList(from, Math.min(pairs.size(), from + batch));
        List<String> queries = new ArrayList<>();
        for (String[] p : slice) {
          for (String t : List.of(p[0], p[1])) {
            queries.add("BEGIN");
            queries.add(t);
            queries.add("ROLLBACK");
          }
        }
        List<PgWireClient.Reply> replies = c.run(queries);
        for (int k = 0; k < slice.size(); k++) {
          String a = reading(replies.get(6 * k + 1));
          String b = reading(replies.get(6 * k + 4));
          boolean same = slice.get(k)[2].equals("same");
          if (same && !a.equals(b)) {
            tally.outcome("MISMATCH");
            if (tally.mismatches.size() < 10) {
              int d = 0;
              while (d < a.length() && d < b.length() && a.charAt(d) == b.charAt(d)) {
                d++;
              }
              int shown = Math.max(0, d - 80);
              tally.mismatches.put(SqlLexerDifferentialIT.printable(slice.get(k)[0]) + "  ~  "
                  + SqlLexerDifferentialIT.printable(slice.get(k)[1]),
                  "…" + SqlLexerDifferentialIT.printable(a.substring(shown, Math.min(a.length(), d + 120)))
                  + "\n    vs …" + SqlLexerDifferentialIT.printable(b.substring(shown, Math.min(b.length(), d + 120))));
            }
          } else {
            tally.outcome((same ? "same key, " : "other key, ") + (a.equals(b) ? "same reading" : "other reading"));
          }
        }
      }
    }
    return tally;
  }

  private static PgWireClient session(boolean standardStrings) throws Exception {
    PgWireClient c = PgWireClient.connect(pg.port, "app_clear", "approval_scratch", password);
    List<PgWireClient.Reply> set = c.run(List.of(
        "SET standard_conforming_strings = " + (standardStrings ? "on" : "off"), "SET escape_string_warning = off",
        "SET debug_print_parse = on", "SET debug_pretty_print = off", "SET client_min_messages = log"));
    assertThat(set).allSatisfy(r -> assertThat(r.failed()).as(r.toString()).isFalse());
    return c;
  }

  private static String reading(PgWireClient c, String text) throws Exception {
    List<PgWireClient.Reply> r = c.run(List.of("BEGIN", text, "ROLLBACK"));
    return reading(r.get(1));
  }

  /** What the server made of a text, without where in the text each part was. */
  private static String reading(PgWireClient.Reply r) {
    StringBuilder b = new StringBuilder();
    for (String n : r.notices()) {
      // The dump turns a space into a line break every 78 characters or so: undo that (a name's
      // own newline is written backslashed, a name's own space too; "\\ " and "\\<newline>" are
      // the one pair this leaves alike).
      b.append(OFFSETS.matcher(n.replace('\n', ' ')).replaceAll("")).append('\n');
    }
    b.append("completed ").append(r.completed()).append(" columns ").append(r.columns()).append(" rows ").append(r.rows());
    if (r.failed()) {
      b.append(" error ").append(r.errorCode()).append(' ').append(r.errorMessage());
    }
    return b.toString();
  }

  /** The text with the white space between its pieces (tokens and comments) drawn again. */
  static String respaced(String text, boolean standardStrings, Random random) {
    List<Token> pieces = SqlLexer.tokenizeWithComments(text, standardStrings);
    StringBuilder b = new StringBuilder();
    if (random.nextInt(4) == 0) {
      b.append(GAPS.get(random.nextInt(GAPS.size())));
    }
    for (int k = 0; k < pieces.size(); k++) {
      if (k > 0) {
        // Mostly keep a gap where there was one (no gap at all often changes the tokens).
        boolean had = pieces.get(k).start() > pieces.get(k - 1).end();
        String gap = GAPS.get(random.nextInt(GAPS.size()));
        b.append(had && gap.isEmpty() && random.nextInt(3) > 0 ? " " : gap);
      }
      b.append(text, pieces.get(k).start(), pieces.get(k).end());
    }
    if (random.nextInt(3) == 0) {
      b.append(GAPS.get(random.nextInt(GAPS.size())));
    }
    return b.toString();
  }

  /** One to three white space characters inserted or deleted anywhere, strings and comments too. */
  static String mutated(String text, Random random) {
    StringBuilder b = new StringBuilder(text);
    int edits = 1 + random.nextInt(3);
    for (int e = 0; e < edits; e++) {
      int at = b.length() == 0 ? 0 : random.nextInt(b.length() + 1);
      if (at > 0 && at < b.length() && Character.isLowSurrogate(b.charAt(at))) {
        at++;
      }
      boolean delete = random.nextBoolean() && at < b.length() && " \t\n\r\f".indexOf(b.charAt(at)) >= 0;
      if (delete) {
        b.deleteCharAt(at);
      } else {
        b.insert(at, " \t\n\r\f".charAt(random.nextInt(5)));
      }
    }
    return b.toString();
  }
}
