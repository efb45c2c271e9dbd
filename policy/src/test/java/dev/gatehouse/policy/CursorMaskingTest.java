package dev.gatehouse.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Rows reached by a cursor's name carry no column origin. While columns are masked: a routine or
 * DO block whose body uses cursors is refused; a cursor WITH HOLD over a masked table is refused;
 * while a cursor over one may be open on the connection, a statement that calls a function is
 * refused until a ReadyForQuery says the transaction ended. psql's FETCH_COUNT sequence keeps
 * working.
 */
class CursorMaskingTest {
  private static final MaskedDerivations MASKING =
      new MaskedDerivations(MaskedDerivations.byTable(List.of("users.email", "users.ssn")), Map.of());
  private static final SqlJudge JUDGE = new SqlJudge(
      new SqlPolicy("p", List.of(), List.of(), Unclassified.REVIEW, List.of(), MaskSpec.none(), 1), Duration.ofSeconds(1), 100);

  @AfterAll
  static void close() {
    JUDGE.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "CREATE FUNCTION r(c refcursor) RETURNS text LANGUAGE plpgsql AS $$ DECLARE v text; BEGIN FETCH c INTO v; RETURN v; END $$",
      "CREATE FUNCTION r(c text) RETURNS text LANGUAGE plpgsql AS $$ DECLARE v text; k refcursor := c; BEGIN FETCH k INTO v; RETURN v; END $$",
      "CREATE OR REPLACE FUNCTION r() RETURNS SETOF text LANGUAGE plpgsql AS $$ DECLARE k CURSOR FOR SELECT note FROM notes; BEGIN FOR x IN k LOOP RETURN NEXT x.note; END LOOP; END $$",
      "CREATE FUNCTION r() RETURNS int LANGUAGE plpgsql AS $$ DECLARE k int; BEGIN MOVE FORWARD 3 IN k; RETURN 1; END $$",
      "CREATE FUNCTION r(k int) RETURNS int LANGUAGE plpgsql AS $$ BEGIN OPEN k FOR SELECT 1; RETURN 1; END $$",
      "CREATE FUNCTION r() RETURNS SETOF notes LANGUAGE sql AS 'FETCH ALL FROM c'",
      "CREATE FUNCTION r() RETURNS SETOF text LANGUAGE sql BEGIN ATOMIC FETCH ALL FROM c; END",
      "CREATE PROCEDURE r() LANGUAGE plpgsql AS $$ DECLARE v text; BEGIN FETCH \"c\" INTO v; INSERT INTO notes VALUES (1, v); END $$",
      "DO $$ DECLARE v text; k refcursor := 'c'; BEGIN FETCH k INTO v; INSERT INTO notes VALUES (1, v); END $$",
      "DO $$ BEGIN CREATE FUNCTION g() RETURNS text LANGUAGE plpgsql AS 'DECLARE v text; BEGIN FETCH k INTO v; RETURN v; END'; END $$",
  })
  void aBodyThatUsesCursorsIsRefused(String sql) {
    assertThat(MASKING.violation(sql, StandardConformingStrings.ON)).as(sql).get().asString().contains("cursor");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "CREATE FUNCTION open_orders() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM orders WHERE status = 'open' $$",
      "CREATE FUNCTION o() RETURNS SETOF int LANGUAGE sql AS $$ SELECT open FROM shops WHERE open > 0 $$",
      "CREATE FUNCTION add1(x int) RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN x + 1; END $$",
  })
  void ordinaryBodiesStayAllowed(String sql) {
    assertThat(MASKING.violation(sql, StandardConformingStrings.ON)).as(sql).isEmpty();
  }

  private static java.util.Optional<String> check(MaskedCursors cursors, String sql) {
    return cursors.check(JUDGE.judge(sql), MASKING);
  }

  @Test
  void whileACursorOverAMaskedTableMayBeOpenFunctionCallsAreRefused() {
    MaskedCursors cursors = new MaskedCursors();
    assertThat(check(cursors, "BEGIN")).isEmpty();
    assertThat(check(cursors, "DECLARE c CURSOR FOR SELECT id, ssn FROM users")).isEmpty();
    assertThat(cursors.mayBeOpen()).isTrue();
    assertThat(check(cursors, "FETCH 10 FROM c")).isEmpty();
    assertThat(check(cursors, "SELECT id FROM notes")).isEmpty();
    assertThat(check(cursors, "SELECT leak('c')")).get().asString().contains("cursor over users");
    assertThat(check(cursors, "INSERT INTO notes SELECT 1, v FROM leak('c') v")).isPresent();
    assertThat(check(cursors, "CALL leak_proc('c')")).isPresent();
    assertThat(check(cursors, "DO $$ BEGIN PERFORM 1; END $$")).isPresent();
    assertThat(check(cursors, "CLOSE c")).isEmpty();
    assertThat(check(cursors, "SELECT lower('x')")).as("CLOSE alone is not trusted").isPresent();
    cursors.transactionEnded();
    assertThat(check(cursors, "SELECT lower('x')")).isEmpty();
  }

  @Test
  void aCursorAndTheCallReadingItInOneTextAreRefused() {
    MaskedCursors cursors = new MaskedCursors();
    assertThat(check(cursors, "BEGIN; DECLARE c CURSOR FOR SELECT email FROM users; SELECT * FROM leak('c'); COMMIT"))
        .isPresent();
  }

  @Test
  void aCursorWithHoldOverAMaskedTableIsRefusedAndOtherCursorsAreFree() {
    MaskedCursors cursors = new MaskedCursors();
    assertThat(check(cursors, "DECLARE c CURSOR WITH HOLD FOR SELECT ssn FROM users")).get().asString().contains("WITH HOLD");
    MaskedCursors other = new MaskedCursors();
    assertThat(check(other, "DECLARE c CURSOR WITH HOLD FOR SELECT note FROM notes")).isEmpty();
    assertThat(check(other, "SELECT lower(note) FROM notes")).isEmpty();
    assertThat(other.mayBeOpen()).isFalse();
  }

  @Test
  void psqlFetchCountKeepsWorking() {
    MaskedCursors cursors = new MaskedCursors();
    for (String sql : List.of("BEGIN", "DECLARE _psql_cursor NO SCROLL CURSOR FOR\nSELECT id, lower(email) = email, ssn FROM users",
        "FETCH FORWARD 100 FROM _psql_cursor", "FETCH FORWARD 100 FROM _psql_cursor", "CLOSE _psql_cursor", "COMMIT")) {
      assertThat(check(cursors, sql)).as(sql).isEmpty();
    }
  }

  @Test
  void aNamedPortalOverAMaskedTableCountsAsACursor() {
    MaskedCursors cursors = new MaskedCursors();
    cursors.portal("C_1", "SELECT note FROM notes", MASKING);
    assertThat(cursors.mayBeOpen()).isFalse();
    cursors.portal("C_1", "SELECT ssn FROM users", MASKING);
    assertThat(check(cursors, "SELECT leak('C_1')")).isPresent();
  }

  @Test
  void theUnnamedPortalOverAMaskedTableCountsUntilItIsBoundAgainOrDropped() {
    MaskedCursors cursors = new MaskedCursors();
    cursors.portal("", "SELECT id, ssn FROM users ORDER BY id", MASKING);
    assertThat(check(cursors, "SELECT leak('')")).isPresent();
    // The next Bind of the unnamed portal replaces it: the server drops the old one first.
    cursors.portal("", "SELECT note FROM notes", MASKING);
    assertThat(cursors.mayBeOpen()).isFalse();
    assertThat(check(cursors, "SELECT leak('')")).isEmpty();
    cursors.portal("", "SELECT ssn FROM users", MASKING);
    cursors.unnamedPortalDropped();
    assertThat(check(cursors, "SELECT count(*) FROM notes")).isEmpty();
    cursors.portal("", "SELECT ssn FROM users", MASKING);
    cursors.transactionEnded();
    assertThat(cursors.mayBeOpen()).isFalse();
  }

  @Test
  void aPortalDoesNotCountAgainstTheStatementItRunsButCountsAgainstAnotherPortals() {
    MaskedCursors cursors = new MaskedCursors();
    cursors.portal("", "SELECT count(*) FROM users", MASKING);
    assertThat(cursors.check(JUDGE.judge("SELECT count(*) FROM users"), MASKING, "")).isEmpty();
    cursors.portal("p1", "SELECT CASE WHEN $1 THEN leak('') END, ssn FROM users", MASKING);
    assertThat(cursors.check(JUDGE.judge("SELECT CASE WHEN $1 THEN leak('') END, ssn FROM users"), MASKING, "p1")).isPresent();
    assertThat(cursors.check(JUDGE.judge("SELECT count(*) FROM users"), MASKING, "")).isPresent();
  }

  @Test
  void aPortalOfAStatementTheProxyDidNotSeePreparedCountsAsOneOverAMaskedTable() {
    MaskedCursors cursors = new MaskedCursors();
    cursors.portal("p1", null, MASKING);
    assertThat(check(cursors, "SELECT leak('p1')")).isPresent();
    MaskedCursors unnamed = new MaskedCursors();
    unnamed.portal("", null, MASKING);
    assertThat(check(unnamed, "SELECT leak('')")).isPresent();
  }
}
