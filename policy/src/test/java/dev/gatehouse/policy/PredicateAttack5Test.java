package dev.gatehouse.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 13e, against the rules after pass 13d: texts the masking rule allowed although, run
 * straight against PostgreSQL 15 as a non-superuser, they showed whole masked values. The same
 * texts are in {@code masking-attacks.sql} as {@code [rebuild]} lines, run end to end through the
 * proxy with psql and pgJDBC. Every text here must be refused (some statement of it).
 */
class PredicateAttack5Test {
  private final MaskedDerivations derivations =
      new MaskedDerivations(MaskedDerivations.byTable(List.of("users.email", "users.ssn")), Map.of());

  private void assertRefused(String sql) {
    assertThat(derivations.violation(sql, StandardConformingStrings.ON)).as(sql).isPresent();
  }

  /**
   * A SQL-standard function body ({@code BEGIN ATOMIC … END}, PostgreSQL 14 and later) holds
   * several statements separated by {@code ;}. The server parses the whole {@code CREATE FUNCTION}
   * as one statement, but the masking rule splits the text at every {@code ;} and judges the pieces
   * as statements of their own: {@code SELECT ssn FROM users} alone is a bare column, masked in
   * place by its origin — as a function's last statement it is the function's result, which
   * carries no origin. So the first piece ({@code CREATE FUNCTION … BEGIN ATOMIC SELECT 'x'}) names
   * nothing masked, the second is a plain read, and {@code SELECT leak()} returns every value in
   * the clear (and {@code INSERT … SELECT leak()} copies them).
   */
  @ParameterizedTest
  @ValueSource(strings = {
      "CREATE FUNCTION leak() RETURNS SETOF text LANGUAGE sql STABLE BEGIN ATOMIC SELECT 'x'; SELECT ssn FROM users; END",
      "CREATE FUNCTION leak() RETURNS SETOF text LANGUAGE sql STABLE BEGIN ATOMIC SELECT 'x'; SELECT ssn FROM users; END; SELECT leak()",
      "CREATE OR REPLACE FUNCTION leak() RETURNS TABLE (i int, e text) LANGUAGE sql STABLE BEGIN ATOMIC SELECT 1, 'x'; SELECT id, email FROM users; END",
      "CREATE FUNCTION leak(int) RETURNS text LANGUAGE sql STABLE BEGIN ATOMIC SELECT 'x'; SELECT ssn FROM users WHERE id = $1; END",
      "CREATE FUNCTION leak() RETURNS SETOF text LANGUAGE sql STABLE BEGIN ATOMIC SELECT 'x'; SELECT \"ssn\" FROM public.users; END",
      "CREATE FUNCTION leak() RETURNS SETOF text LANGUAGE sql STABLE BEGIN ATOMIC SELECT 'x'; SELECT u.email FROM notes n JOIN users u ON u.id = n.id; END",
  })
  void aBeginAtomicBodyIsJudgedInPiecesThatHideItsResult(String sql) {
    assertRefused(sql);
  }

  /**
   * A cursor over the masked columns is allowed ({@code DECLARE c CURSOR WITH HOLD FOR SELECT id,
   * ssn FROM users}: its rows are masked by origin when the client FETCHes them). A plpgsql function
   * given the cursor's name ({@code refcursor}) FETCHes the same rows inside the server: its body
   * names no masked table or column and builds no SQL, so creating it is allowed, and calling it
   * with the constant {@code 'c'} passes no masked value. What it returns carries no origin: every
   * value in the clear, or copied into a plain table ({@code INSERT … SELECT … FROM leak('c')}).
   */
  @ParameterizedTest
  @ValueSource(strings = {
      "CREATE FUNCTION leak(c refcursor) RETURNS SETOF text LANGUAGE plpgsql STABLE AS $$ DECLARE r record; BEGIN LOOP FETCH c INTO r; EXIT WHEN NOT FOUND; RETURN NEXT r::text; END LOOP; END $$; DECLARE c CURSOR WITH HOLD FOR SELECT id, ssn, email FROM users; SELECT leak('c')",
      "CREATE FUNCTION leak(c refcursor) RETURNS text LANGUAGE plpgsql STABLE AS $$ DECLARE r record; BEGIN FETCH c INTO r; RETURN r::text; END $$; DECLARE c CURSOR WITH HOLD FOR SELECT ssn FROM users; SELECT leak('c'), leak('c')",
      "CREATE FUNCTION leak(c refcursor) RETURNS SETOF text LANGUAGE plpgsql AS $$ DECLARE v text; BEGIN LOOP FETCH NEXT FROM c INTO v; EXIT WHEN NOT FOUND; RETURN NEXT v; END LOOP; END $$; BEGIN; DECLARE c CURSOR FOR SELECT email FROM users; INSERT INTO notes SELECT 100 + n, v FROM leak('c') WITH ORDINALITY AS t(v, n); COMMIT",
      "CREATE FUNCTION leak(c refcursor) RETURNS SETOF text LANGUAGE plpgsql AS $$ DECLARE v text; BEGIN LOOP FETCH c INTO v; EXIT WHEN NOT FOUND; RETURN NEXT v; END LOOP; END $$; DECLARE c CURSOR WITH HOLD FOR SELECT ssn FROM users; CREATE TABLE leak2 AS SELECT * FROM leak('c')",
  })
  void aFunctionFetchingFromACursorOverMaskedColumnsReturnsThemUnmasked(String sql) {
    assertRefused(sql);
  }
}
