package dev.gatehouse.gateway.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The functions the masking rule lets receive a masked value (the policy's resource
 * {@code pg_catalog_scalar_functions.txt}) checked against a real PostgreSQL 15's {@code pg_proc}:
 * no overload of any listed name returns a set or is volatile, every name is in pg_catalog, and
 * the list is exactly what the criteria give (nothing missing that would be a false refusal,
 * nothing extra that would be a miss); and the list of volatile names ({@code
 * pg_catalog_volatile_functions.txt}) is exactly pg_catalog's names with a volatile overload.
 */
class MaskedArgumentFunctionsIT {
  /** The criteria the list was made with: one line a name, "name min-max[,min-max]", -1 for variadic. */
  private static final String CRITERIA = """
      WITH f AS (
        SELECT proname, pronargs - pronargdefaults AS lo, CASE WHEN provariadic <> 0 THEN -1 ELSE pronargs END AS hi
        FROM pg_proc p WHERE pronamespace = 'pg_catalog'::regnamespace AND prokind IN ('f', 'a', 'w')
          AND NOT EXISTS (SELECT 1 FROM pg_proc q WHERE q.pronamespace = 'pg_catalog'::regnamespace
                          AND q.proname = p.proname AND (q.proretset OR q.provolatile = 'v'))
          AND NOT ('internal'::regtype = ANY (p.proargtypes::oid[])
                   OR p.prorettype IN ('internal'::regtype, 'trigger'::regtype, 'event_trigger'::regtype)))
      SELECT proname || ' ' || string_agg(DISTINCT lo || '-' || hi, ',') FROM f GROUP BY proname ORDER BY proname;
      """;

  private static PostgresServer pg;

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

  private static List<String> listed() throws Exception {
    try (InputStream in = MaskedArgumentFunctionsIT.class.getResourceAsStream(
        "/dev/gatehouse/policy/pg_catalog_scalar_functions.txt")) {
      assertThat(in).as("the policy jar carries the list").isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
          .filter(l -> !l.isBlank() && !l.startsWith("#"))
          .map(l -> l.replace("-*", "--1"))
          .toList();
    }
  }

  @Test
  void theListIsExactlyPgCatalogsScalarNonVolatileFunctions() throws Exception {
    List<String> fromServer = pg.superSql("postgres", CRITERIA).lines().toList();
    assertThat(fromServer).hasSizeGreaterThan(1000);
    assertThat(listed()).containsExactlyElementsOf(fromServer);
  }

  @Test
  void noListedNameHasASetReturningOrVolatileOverloadAndEveryOneIsInPgCatalog() throws Exception {
    TreeSet<String> names = new TreeSet<>();
    for (String l : listed()) {
      names.add(l.substring(0, l.indexOf(' ')));
    }
    StringBuilder array = new StringBuilder();
    for (String n : names) {
      array.append(array.length() == 0 ? "" : ",").append('"').append(n.replace("\"", "\\\"")).append('"');
    }
    String set = "'{" + array + "}'::name[]";
    String offending = pg.superSql("postgres", "SELECT coalesce(string_agg(DISTINCT proname || ':' || proretset::text || ':'"
        + " || provolatile::text, ' '), '') FROM pg_proc WHERE pronamespace = 'pg_catalog'::regnamespace"
        + " AND proname = ANY (" + set + ") AND (proretset OR provolatile = 'v')");
    assertThat(offending).as("listed names with a set-returning or volatile overload").isEmpty();
    String found = pg.superSql("postgres", "SELECT count(DISTINCT proname) FROM pg_proc"
        + " WHERE pronamespace = 'pg_catalog'::regnamespace AND proname = ANY (" + set + ")");
    assertThat(Integer.parseInt(found)).isEqualTo(names.size());
    // The attack's set-returning functions are not on it.
    assertThat(names).doesNotContain("txid_snapshot_xip", "pg_snapshot_xip", "pg_partition_tree", "generate_series",
        "unnest", "pg_sleep", "set_config");
  }

  /**
   * The names no call of which may run in a statement that tests a masked value (resource {@code
   * pg_catalog_volatile_functions.txt}): exactly pg_catalog's names with a volatile overload, so that
   * a volatile built-in missing from it would be a miss and a stable one on it a false refusal.
   */
  @Test
  void theVolatileListIsExactlyPgCatalogsNamesWithAVolatileOverload() throws Exception {
    List<String> fromServer = pg.superSql("postgres", "SELECT DISTINCT proname FROM pg_proc"
        + " WHERE pronamespace = 'pg_catalog'::regnamespace AND provolatile = 'v' ORDER BY 1").lines().toList();
    assertThat(fromServer).contains("pg_sleep", "pg_sleep_for", "set_config", "pg_notify", "nextval", "clock_timestamp",
        "timeofday", "random").doesNotContain("now", "current_setting");
    try (InputStream in = MaskedArgumentFunctionsIT.class.getResourceAsStream(
        "/dev/gatehouse/policy/pg_catalog_volatile_functions.txt")) {
      assertThat(in).as("the policy jar carries the list").isNotNull();
      List<String> listed = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
          .filter(l -> !l.isBlank() && !l.startsWith("#"))
          .toList();
      assertThat(listed).containsExactlyElementsOf(fromServer);
    }
  }
}
