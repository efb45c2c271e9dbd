package dev.gatehouse.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 13c, against the rules of b57d7f8 (allow-list of built-ins, name resolution,
 * routine bodies, verdict cache): statements or sequences the policy allowed although, run
 * straight against PostgreSQL 15, they showed or copied whole masked values, or told more than one
 * bit per row in one query. The whole-value ones are also in {@code masking-attacks.sql}. Every
 * case here must be refused (for a sequence: one of its statements).
 */
class PredicateAttack3Test {
  private final MaskedDerivations derivations =
      new MaskedDerivations(MaskedDerivations.byTable(List.of("users.email", "users.ssn")), Map.of());

  private boolean refused(String sql) {
    return derivations.violation(sql, StandardConformingStrings.ON).isPresent();
  }

  private void assertRefused(String sql) {
    assertThat(refused(sql)).as(sql).isTrue();
  }

  private void assertOneRefused(List<String> sequence) {
    assertThat(sequence).as("one of these must be refused").anyMatch(this::refused);
  }

  /**
   * The verdict cache abstracts numbers, but a number in ORDER BY or DISTINCT ON is a position: it
   * picks the column. Once ORDER BY 1 (by id) is allowed, ORDER BY 2 (by the masked ssn) has the
   * same fingerprint and is answered from the cache: the order of the rows by their masked values
   * (log2(n!) bits per query, the rank of every row) reaches the client.
   */
  @Test
  void aPositionInOrderByIsNotAbstractedAwayByTheVerdictCache() {
    assertThat(refused("SELECT id, ssn FROM users ORDER BY 1")).isFalse();
    assertRefused("SELECT id, ssn FROM users ORDER BY 2");
  }

  @Test
  void aPositionInOrderByWithLimitIsNotAbstractedAway() {
    assertThat(refused("SELECT id, email FROM users ORDER BY 1 DESC LIMIT 1")).isFalse();
    assertRefused("SELECT id, email FROM users ORDER BY 2 DESC LIMIT 1");
  }

  /**
   * A Unicode-escaped identifier (U&"\0073sn" is ssn): the lexer decodes it, but JSqlParser hands
   * the analysis a column named U&"\0073sn", which is no masked column, so everything derived from
   * it passes; PostgreSQL reads ssn. Whole values, one query.
   */
  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT U&\"\\0073sn\" || '' FROM users",
      "SELECT upper(u.U&\"\\0065mail\") FROM users u",
      "INSERT INTO notes SELECT id + 100, U&\"\\0073sn\" FROM users",
      "CREATE MATERIALIZED VIEW leak AS SELECT U&\"\\0073sn\" FROM users",
      "CREATE TABLE leak AS SELECT U&\"\\0065mail\" FROM users",
      "SELECT id FROM users ORDER BY U&\"\\0073sn\"",
      "SELECT count(*) FROM users GROUP BY U&\"\\0073sn\"",
  })
  void aUnicodeEscapedColumnNameIsTheColumn(String sql) {
    assertRefused(sql);
  }

  /**
   * Routine and DO bodies are searched for the masked names as words; U&"\0075sers" spells users
   * without the word. The body reads and copies or returns whole values.
   */
  @ParameterizedTest
  @ValueSource(strings = {
      "DO $$ BEGIN INSERT INTO notes SELECT 100 + id, U&\"\\0073sn\" FROM U&\"\\0075sers\"; END $$",
      "CREATE FUNCTION leak() RETURNS SETOF text LANGUAGE sql AS $$ SELECT U&\"\\0073sn\" || '' FROM U&\"\\0075sers\" $$",
  })
  void aBodyNamingTheTableWithUnicodeEscapesIsRefused(String sql) {
    assertRefused(sql);
  }

  /** A trigger on the table named with Unicode escapes: textOnly looks for the table in the raw text. */
  @Test
  void aTriggerOnTheMaskedTableNamedWithUnicodeEscapes() {
    assertOneRefused(List.of(
        "CREATE FUNCTION leakt() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO notes VALUES (200 + NEW.id, NEW::text); RETURN NEW; END $$",
        "CREATE TRIGGER leak BEFORE UPDATE ON U&\"\\0075sers\" FOR EACH ROW EXECUTE FUNCTION leakt()",
        "UPDATE users SET name = name WHERE id = 1"));
  }

  /**
   * CREATE INDEX is let through as read only by the planner, but an expression index calls its
   * function on every row's value when it is built (and on ANALYZE, and on each write): an
   * immutable SQL function can copy the value into a large object.
   */
  @Test
  void anExpressionIndexOverAMaskedColumnRunsAFunctionOnEveryValue() {
    assertOneRefused(List.of(
        "CREATE FUNCTION leak(r text) RETURNS bool LANGUAGE sql IMMUTABLE AS $$ SELECT lo_from_bytea(0, convert_to(r, 'UTF8')) > 0 $$",
        "CREATE INDEX leak ON users (leak(ssn))"));
  }

  /**
   * An ALTER without USING is taken as moving no values, but ADD CONSTRAINT … CHECK calls its
   * expression on every existing row (a whole-row reference names no masked column), and VALIDATE
   * CONSTRAINT does the same for a NOT VALID one.
   */
  @Test
  void aCheckConstraintAddedToTheMaskedTableRunsAFunctionOnEveryRow() {
    assertOneRefused(List.of(
        "CREATE FUNCTION leak(r text) RETURNS bool LANGUAGE plpgsql AS $$ BEGIN INSERT INTO notes VALUES (100 + length(r), r); RETURN true; END $$",
        "ALTER TABLE users ADD CONSTRAINT leak CHECK (leak(users::text))"));
    assertOneRefused(List.of(
        "CREATE FUNCTION leak(r text) RETURNS bool LANGUAGE plpgsql AS $$ BEGIN INSERT INTO notes VALUES (100 + length(r), r); RETURN true; END $$",
        "ALTER TABLE U&\"\\0075sers\" ADD CONSTRAINT leak CHECK (leak(U&\"\\0073sn\"))"));
  }

  /**
   * EXPLAIN ANALYZE is judged as the statement it runs, where the conjuncts over one row count as
   * one test (their AND). But the plan shows each node's own row count: with an index on ssn (CREATE
   * INDEX is allowed) the Index Cond and the Filter are reported apart ("actual rows" and "Rows
   * Removed by Filter"), so row 1 answers ssn < '5' and email > 'b' separately — three outcomes,
   * more than one bit about one row in one query; with a BitmapAnd over several expression indexes,
   * one count per index.
   */
  @Test
  void explainAnalyzeReportsEachConjunctOfOneRowApart() {
    assertOneRefused(List.of(
        "CREATE INDEX leak ON users (ssn) WHERE id = 1",
        "SET enable_seqscan = off",
        "SET enable_bitmapscan = off",
        "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) SELECT id FROM users WHERE id = 1 AND ssn < '5' AND email > 'b'"));
  }

  /**
   * A unique index is a comparison of every stored value with every row written. CREATE UNIQUE
   * INDEX over a masked expression is allowed, and an INSERT … ON CONFLICT DO NOTHING RETURNING id
   * of a thousand guesses names no masked column: the ids missing from RETURNING are the guesses
   * some row holds. Against PostgreSQL 15 (users 471-20-9931, 582-31-0442) the guesses 000..999 for
   * substr(ssn, 1, 3) came back without 471 and 582: about ten bits of each row in one query.
   */
  @Test
  void aUniqueIndexOverAMaskedExpressionAnswersAThousandGuessesInOneInsert() {
    assertOneRefused(List.of(
        "CREATE UNIQUE INDEX leak ON users (substr(ssn, 1, 3))",
        "INSERT INTO users (id, email, name, ssn) SELECT 1000 + g, 'x' || g, 'n', lpad(g::text, 3, '0')"
            + " FROM generate_series(0, 999) g ON CONFLICT DO NOTHING RETURNING id"));
  }

  /** The same oracle over a unique index that already exists (email UNIQUE): one guess per row written. */
  @Test
  void anInsertOfManyGuessesIntoAUniqueMaskedColumnTellsWhichExist() {
    assertRefused("INSERT INTO users (id, email, name) SELECT 1000 + g, 'guess' || g || '@example.com', 'n'"
        + " FROM generate_series(0, 999) g ON CONFLICT (email) DO NOTHING RETURNING id");
  }

  /**
   * The masked columns are known by their table's name, and an ALTER without USING is taken as
   * moving no values: after ALTER TABLE users RENAME TO leak the same rows are a table the rule
   * does not know, and anything computed from ssn passes (whole values, one query).
   */
  @Test
  void renamingTheMaskedTableLeavesItsColumnsUnmasked() {
    assertOneRefused(List.of("ALTER TABLE users RENAME TO leak", "SELECT ssn || '' FROM leak"));
    assertRefused("ALTER TABLE users RENAME TO leak; SELECT ssn || '' FROM leak; ALTER TABLE leak RENAME TO users");
  }
}
