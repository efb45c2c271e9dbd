package dev.gatehouse.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 13d, against the rules after pass 13c: statements the policy allowed although, run
 * straight against PostgreSQL 15, they showed whole masked values or told more than one bit per
 * row in one query. The whole-value ones are also in {@code masking-attacks.sql}, run end to end
 * through the proxy. Every case here must be refused.
 */
class PredicateAttack4Test {
  private final MaskedDerivations derivations =
      new MaskedDerivations(MaskedDerivations.byTable(List.of("users.email", "users.ssn")), Map.of());

  private void assertRefused(String sql) {
    assertThat(derivations.violation(sql, StandardConformingStrings.ON)).as(sql).isPresent();
  }

  /**
   * A value derived from a masked column may be written into a masked column ("nowhere but into a
   * masked column"), and RETURNING or the next SELECT shows that column by its origin, masked in
   * place. But the masked form is a function of the stored value: NULL stays NULL in every form,
   * {@code keep-last-4} shows the last four characters of a value longer than eight, {@code hash}
   * is an unkeyed digest. So the derivation chooses what shows: {@code nullif(…)} one bit per
   * stored row (INSERT … SELECT over a generated series: a whole value in one statement, inside a
   * transaction rolled back), {@code '*****' || substr(ssn, 1, 4)} four characters in the clear
   * under keep-last-4, {@code substr(ssn, 3, 1)} one character under a hash that 95 guesses invert.
   */
  @ParameterizedTest
  @ValueSource(strings = {
      "INSERT INTO users (id, email, ssn) SELECT 100000 + p * 10 + b, 'x' || p || '-' || b || '@x', nullif(ascii(substr(u.ssn, p, 1)) & (1 << b), 0)::text FROM users u, generate_series(1, 11) p, generate_series(0, 5) b WHERE u.id = 1",
      "INSERT INTO users (id, email, ssn) SELECT 1000 + p * 100 + g, 'x' || p || '-' || g || '@x', nullif(substr(u.ssn, p, 1), chr(g)) FROM users u, generate_series(1,11) p, generate_series(45,57) g WHERE u.id = 1 RETURNING id, ssn",
      "INSERT INTO users (id, email, ssn) SELECT id + 1000, 'x' || id || '@x', '*****' || substr(ssn, 1, 4) FROM users RETURNING id, ssn",
      "UPDATE users SET ssn = nullif(substr(ssn, 1, 1), '4') WHERE id = 1 RETURNING id, ssn",
      "UPDATE users SET ssn = '*****' || substr(ssn, 1, 4) WHERE id > 0 RETURNING id, ssn",
      "UPDATE users SET email = '*****' || substr(ssn, 5, 4) WHERE id > 0",
      "UPDATE users SET ssn = substr(ssn, 3, 1) WHERE id = 1 RETURNING ssn",
      "INSERT INTO users (id, email) VALUES (1, 'x@y') ON CONFLICT (id) DO UPDATE SET ssn = '*****' || substr(users.ssn, 1, 4) RETURNING ssn",
      "MERGE INTO users u USING (SELECT 1 AS id) s ON u.id = s.id WHEN MATCHED THEN UPDATE SET ssn = nullif(substr(u.ssn, 1, 1), '4')",
      "WITH x AS (UPDATE users SET ssn = '*****' || substr(ssn, 5, 4) WHERE id > 0 RETURNING id, ssn) SELECT * FROM x",
  })
  void aDerivedValueWrittenIntoAMaskedColumnShowsThroughItsMaskedForm(String sql) {
    assertRefused(sql);
  }

  /**
   * A condition may combine a masked column with "constants — literals, parameters, functions of
   * them", and a volatile function of constants passes as one. In an AND part {@code (ssn NOT LIKE
   * '4%' OR set_config('gh.p1', '4', false) IS NOT NULL)} the call runs exactly when that part's
   * test holds, and its effect outlives the query: every part records its own answer about the same
   * row (a session setting read back with current_setting, a notification the client receives), so
   * one query asks as many questions as it has parts — 66 of them rebuild an SSN, one bit of each
   * character each. With the row's own id in the recorded value, one query answers them for every
   * row at once.
   */
  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT id FROM users WHERE id = 1 AND (ssn NOT LIKE '4%' OR set_config('gh.p1', '4', false) IS NOT NULL) AND (ssn NOT LIKE '_7%' OR set_config('gh.p2', '7', false) IS NOT NULL)",
      "SELECT id FROM users WHERE id = 1 AND (substr(ssn, 1, 1) <> '4' OR pg_notify('gh', '1:4') IS NOT NULL) AND (substr(ssn, 2, 1) <> '7' OR pg_notify('gh', '2:7') IS NOT NULL)",
      "SELECT count(*) FROM users WHERE ssn NOT LIKE '4%' OR set_config('gh.v', current_setting('gh.v', true) || ',' || id, false) IS NOT NULL",
      "SELECT id FROM users WHERE id = 1 AND CASE WHEN ssn LIKE '4%' THEN set_config('gh.a', '4', false) IS NOT NULL ELSE true END AND CASE WHEN ssn LIKE '_7%' THEN set_config('gh.b', '7', false) IS NOT NULL ELSE true END",
      "SELECT u.id FROM users u JOIN notes n ON n.id = u.id AND (u.ssn NOT LIKE '4%' OR set_config('gh.a', '4', false) IS NOT NULL) AND (u.ssn NOT LIKE '_7%' OR set_config('gh.b', '7', false) IS NOT NULL)",
      "SELECT count(*) FILTER (WHERE (ssn NOT LIKE '4%' OR set_config('gh.a', '4', false) IS NOT NULL) AND (ssn NOT LIKE '_7%' OR set_config('gh.b', '7', false) IS NOT NULL)) FROM users",
      "UPDATE notes SET note = 'x' WHERE id = 1 AND EXISTS (SELECT 1 FROM users WHERE id = 1 AND (ssn NOT LIKE '4%' OR set_config('gh.a', '4', false) IS NOT NULL) AND (ssn NOT LIKE '_7%' OR set_config('gh.b', '7', false) IS NOT NULL))",
  })
  void aVolatileCallOfConstantsInAMaskedConditionRecordsEachPartsAnswer(String sql) {
    assertRefused(sql);
  }

  /**
   * The same with {@code pg_sleep} of a constant: the docs count timing as "a bit or two more" and
   * say pg_sleep in it is refused, but only pg_sleep given a masked value is. One sleep of 2^b
   * tenths of a second per bit of a character makes the query's running time that character.
   */
  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT id FROM users WHERE id = 1 AND (ascii(substr(ssn, 1, 1)) & 1 = 0 OR pg_sleep(0.1) IS NOT NULL) AND (ascii(substr(ssn, 1, 1)) & 2 = 0 OR pg_sleep(0.2) IS NOT NULL) AND (ascii(substr(ssn, 1, 1)) & 4 = 0 OR pg_sleep(0.4) IS NOT NULL)",
      "SELECT id FROM users WHERE id = 1 AND (ssn NOT LIKE '4%' OR pg_sleep_for('100 milliseconds') IS NOT NULL) AND (ssn NOT LIKE '_7%' OR pg_sleep_for('200 milliseconds') IS NOT NULL)",
  })
  void aSleepOfAConstantInAMaskedConditionTimesEachPart(String sql) {
    assertRefused(sql);
  }
}
