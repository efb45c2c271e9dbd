package dev.gatehouse.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A statement that tests a masked value may call only PostgreSQL's own immutable or stable
 * functions, anywhere in it: a volatile call (or one that leaves a trace) runs exactly when the
 * part around it runs and records that it did, one more answer per part.
 */
class VolatileCallsTest {
  private final MaskedDerivations derivations =
      new MaskedDerivations(MaskedDerivations.byTable(List.of("users.email", "users.ssn")), Map.of());

  @ParameterizedTest
  @ValueSource(strings = {
      // each kind of trace, in a WHERE part
      "SELECT id FROM users WHERE id = 1 AND (ssn NOT LIKE '4%' OR nextval('s') > 0)",
      "SELECT id FROM users WHERE id = 1 AND (ssn NOT LIKE '4%' OR setval('s', 4) > 0)",
      "SELECT id FROM users WHERE id = 1 AND (ssn NOT LIKE '4%' OR pg_advisory_lock(4) IS NOT NULL)",
      "SELECT id FROM users WHERE id = 1 AND (ssn NOT LIKE '4%' OR pg_try_advisory_xact_lock(4))",
      "SELECT id FROM users WHERE id = 1 AND (ssn NOT LIKE '4%' OR txid_current() > 0)",
      "SELECT id FROM users WHERE id = 1 AND (ssn NOT LIKE '4%' OR pg_current_xact_id() IS NOT NULL)",
      "SELECT id FROM users WHERE id = 1 AND (ssn NOT LIKE '4%' OR lo_create(4) > 0)",
      "SELECT id FROM users WHERE id = 1 AND (ssn NOT LIKE '4%' OR dblink_exec('x', 'y') IS NOT NULL)",
      "SELECT id FROM users WHERE id = 1 AND (ssn NOT LIKE '4%' OR clock_timestamp() IS NOT NULL)",
      "SELECT id FROM users WHERE id = 1 AND (ssn NOT LIKE '4%' OR timeofday() IS NOT NULL)",
      "SELECT id FROM users WHERE id = 1 AND (ssn NOT LIKE '4%' OR pg_stat_get_numscans(16384) >= 0)",
      "SELECT id FROM users WHERE id = 1 AND (ssn NOT LIKE '4%' OR pg_sleep_until('2000-01-01') IS NOT NULL)",
      "SELECT id FROM users WHERE ssn LIKE '4%' AND random() < 2",
      "SELECT id FROM users WHERE ssn LIKE '4%' AND gen_random_uuid() IS NOT NULL",
      // spellings: qualified, quoted, an unknown function, a cast to a type of one's own
      "SELECT id FROM users WHERE id = 1 AND (ssn NOT LIKE '4%' OR pg_catalog.set_config('a', 'b', false) IS NOT NULL)",
      "SELECT id FROM users WHERE id = 1 AND (ssn NOT LIKE '4%' OR \"pg_notify\"('c', 'x') IS NOT NULL)",
      "SELECT id FROM users WHERE id = 1 AND (ssn NOT LIKE '4%' OR public.note_it(4) IS NOT NULL)",
      "SELECT id FROM users WHERE id = 1 AND (ssn NOT LIKE '4%' OR note_it(4) IS NOT NULL)",
      "SELECT id FROM users WHERE id = 1 AND (ssn NOT LIKE '4%' OR 'x'::checked_domain IS NOT NULL)",
      // anywhere else in the statement: HAVING, CASE, window, select list, LIMIT, a CTE, RETURNING, a write
      "SELECT count(*) FROM users GROUP BY id HAVING count(ssn) > 0 AND set_config('a', 'b', false) IS NOT NULL",
      "SELECT id, CASE WHEN ssn LIKE '4%' THEN 1 END IS NULL OR pg_notify('c', '1') IS NULL FROM users WHERE ssn IS NULL",
      "SELECT id, sum(nextval('s')) OVER () FROM users WHERE ssn LIKE '4%'",
      "SELECT id, set_config('a', id::text, false) FROM users WHERE ssn LIKE '4%'",
      "SELECT id FROM users WHERE ssn LIKE '4%' LIMIT nextval('s')",
      "WITH x AS (SELECT set_config('a', 'b', false) AS v) SELECT id FROM users, x WHERE ssn LIKE '4%'",
      "SELECT id FROM users WHERE ssn LIKE '4%' AND id IN (SELECT nextval('s'))",
      "DELETE FROM users WHERE ssn = '1' RETURNING id, pg_notify('c', id::text)",
      "UPDATE notes SET note = nextval('s')::text WHERE id IN (SELECT id FROM users WHERE ssn LIKE '4%')",
      "INSERT INTO notes (id, note) SELECT id, clock_timestamp()::text FROM users WHERE ssn LIKE '4%'",
      "SELECT u.id FROM users u LEFT JOIN notes n ON n.id = u.id AND u.ssn LIKE '4%' AND pg_sleep(0.1) IS NOT NULL",
      "SELECT count(*) FILTER (WHERE ssn LIKE '4%' AND pg_notify('c', 'x') IS NOT NULL) FROM users",
      "SELECT id FROM users WHERE ssn LIKE '4%' ORDER BY clock_timestamp()",
      "SELECT id FROM users TABLESAMPLE SYSTEM (10) WHERE ssn LIKE '4%'",
  })
  void aVolatileOrUnknownCallBesideAMaskedTestIsRefused(String sql) {
    assertThat(derivations.violation(sql, StandardConformingStrings.ON)).as(sql).isPresent();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      // no masked test: volatile calls as before
      "SELECT id, ssn, random(), clock_timestamp(), nextval('s') FROM users WHERE id = 3",
      "SELECT id, email FROM users WHERE created_at > now() - interval '7 days'",
      "INSERT INTO users (id, email, ssn) VALUES (nextval('users_id_seq'), 'a@b.c', '123-45-6789')",
      "INSERT INTO users (id, email, ssn) VALUES (nextval('users_id_seq'), 'a@b.c', $1) RETURNING id, ssn",
      "UPDATE users SET ssn = $1, created_at = clock_timestamp() WHERE id = 7",
      // a masked test with stable and immutable calls only
      "SELECT id, now(), current_setting('TimeZone') FROM users WHERE ssn LIKE '4%'",
      "SELECT g FROM users u, generate_series(1, 3) g WHERE u.id = 1 AND u.ssn LIKE '1%'",
      "SELECT id, row_number() OVER (ORDER BY id), count(*) OVER () FROM users WHERE lower(email) = lower('A@B.C')",
      "SELECT trim(both ' ' from name), coalesce(name, 'x'), extract(year from now()), position('a' in name),"
          + " substring(name from 1 for 2), overlay(name placing 'x' from 1) FROM users WHERE ssn LIKE '1%'",
      "SELECT id FROM users WHERE ssn LIKE '1%' AND created_at > statement_timestamp() - interval '1 day'",
      "SELECT id, name::varchar(100) FROM users WHERE pg_catalog.length(ssn) = 11",
  })
  void immutableAndStableCallsOrNoMaskedTestStayAllowed(String sql) {
    assertThat(derivations.violation(sql, StandardConformingStrings.ON)).as(sql).isEmpty();
  }

  @Test
  void theVolatileListHoldsTheTimingAndSideEffectCallsAndNoStableOnes() {
    assertThat(VolatileCalls.volatileNames()).contains("pg_sleep", "pg_sleep_for", "pg_sleep_until", "set_config",
        "pg_notify", "nextval", "setval", "clock_timestamp", "timeofday", "random", "lo_create")
        .doesNotContain("now", "current_setting", "lower", "generate_series", "statement_timestamp");
    assertThat(VolatileCalls.quiet(new FunctionCall(null, "txid_current"))).isFalse();
    assertThat(VolatileCalls.quiet(new FunctionCall(null, "pg_stat_get_numscans"))).isFalse();
    assertThat(VolatileCalls.quiet(new FunctionCall("public", "lower"))).isFalse();
    assertThat(VolatileCalls.quiet(new FunctionCall("pg_catalog", "lower"))).isTrue();
    assertThat(VolatileCalls.quiet(new FunctionCall(null, "coalesce"))).isTrue();
  }
}
