package dev.gatehouse.gateway.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.policy.MaskForm;
import dev.gatehouse.policy.MaskedDerivations;
import dev.gatehouse.policy.PolicyConfig;
import dev.gatehouse.policy.SqlJudge;
import dev.gatehouse.policy.SqlPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The masking attack corpus ({@code masking-attacks.sql}) through the real policy and masker of
 * the wire proxy, with real psql and pgJDBC against a real PostgreSQL: for every attempt, no value
 * of users.email or users.ssn — raw, upper or lower case, reversed, hex or base64 — appears in
 * what the client sees, nor in any other table afterwards (where the next plain SELECT would show
 * it). Attempts tagged {@code [error]} would leak through server error text: the proxy's error
 * hiding (a statement touching a masked column gets its SQLSTATE only) must stop them.
 */
class MaskingAttackIT {
  static final List<String> SECRETS = List.of("alice@example.com", "bob@example.org", "471-20-9931", "582-31-0442");
  static PostgresServer pg;
  static PgProxyServer proxy;
  static SqlJudge judge;

  record Attempt(String sql, boolean viaErrorText, boolean rebuildsAValue) {
    @Override
    public String toString() {
      return sql;
    }
  }

  @BeforeAll
  static void start() throws Exception {
    pg = PostgresServer.start(false);
    pg.superSql("app", """
        SET ROLE app_rw;
        ALTER TABLE users ADD COLUMN ssn text;
        UPDATE users SET ssn = CASE id WHEN 1 THEN '471-20-9931' ELSE '582-31-0442' END;
        CREATE TABLE notes (id int PRIMARY KEY, note text);
        INSERT INTO notes VALUES (1, 'first'), (2, 'second');
        """);
    List<String> masked = List.of("users.email", "users.ssn");
    // Permissive about kinds of statements: the masking rule alone must stop every attempt.
    SqlPolicy policy = PolicyConfig.parse(Map.of("p", Map.of("block", List.of(), "review", List.of(),
        "mask", Map.of("columns", masked, "form", "full")))).get("p");
    judge = new SqlJudge(policy, Duration.ofSeconds(2), 1000);
    PolicyGate gate = new PolicyGate(judge, new MaskedDerivations(MaskedDerivations.byTable(masked), Map.of()),
        new PgFunctionCatalog(PgProxyIT.settings(pg)));
    ResultMasker masker = new PolicyMasker(Catalog.resolve(PgProxyIT.settings(pg), masked), null, MaskForm.FULL);
    proxy = PgProxyServer.tcp(new InetSocketAddress("127.0.0.1", 0), PgProxyIT.settings(pg),
        gate, masker, StatementLog.NONE, new CancelRegistry());
  }

  @AfterAll
  static void stop() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    if (judge != null) {
      judge.close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  static List<Attempt> attempts() throws IOException {
    try (InputStream in = MaskingAttackIT.class.getResourceAsStream("/masking-attacks.sql")) {
      List<Attempt> all = new ArrayList<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList()) {
        if (line.isBlank() || line.startsWith("--")) {
          continue;
        }
        boolean error = line.startsWith("[error] ");
        boolean rebuild = line.startsWith("[rebuild] ");
        String sql = error || rebuild ? line.substring(line.indexOf("] ") + 2) : line;
        all.add(new Attempt(sql, error, rebuild));
      }
      return all;
    }
  }

  static Stream<Arguments> corpus() throws IOException {
    return attempts().stream().map(Arguments::of);
  }

  @Test
  void theCorpusHasAtLeastAHundredAttempts() throws IOException {
    assertThat(attempts().stream().filter(a -> !a.viaErrorText())).hasSizeGreaterThanOrEqualTo(100);
  }

  /**
   * The attempts that rebuild a value from conditions are real: straight against the server, as
   * the same role, each shows a whole masked value (which the proxy then must refuse).
   */
  @Test
  void theRebuildingAttemptsShowWholeValuesWithoutTheProxy() throws Exception {
    List<Attempt> rebuilding = attempts().stream().filter(Attempt::rebuildsAValue).toList();
    assertThat(rebuilding).hasSizeGreaterThanOrEqualTo(15);
    for (Attempt a : rebuilding) {
      String seen = pg.superSql("app", "SET ROLE app_rw;\n" + a.sql() + ";\nSELECT note FROM notes WHERE id = 1;");
      leftBehind();
      assertThat(SECRETS).as(a.sql() + "\n" + seen).anyMatch(seen::contains);
    }
  }

  @Test
  void plainReadsOfTheMaskedColumnsAreMaskedInPlace() throws Exception {
    Psql.Result r = Psql.psql(Psql.conninfo(proxy.port(), ""), null, "-c",
        "WITH s AS (SELECT id, ssn, email AS e FROM users) SELECT id, ssn, e FROM s ORDER BY id");
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out()).as(r.toString()).hasLineCount(2).doesNotContain("471-20-9931", "alice@");
  }

  /**
   * Masked columns are named in the configuration; when the table is renamed outside the gateway,
   * the entry names nothing, and resolving it (at every session start, remembered a minute) fails:
   * the session is refused rather than shown the column unmasked.
   */
  @Test
  void aMaskedTableRenamedOutsideTheGatewayRefusesNewSessions() throws Exception {
    assertThat(Catalog.resolve(PgProxyIT.settings(pg), List.of("users.email", "users.ssn")).origins()).hasSize(2);
    pg.superSql("app", "ALTER TABLE users RENAME TO users_renamed;");
    try {
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> Catalog.resolve(PgProxyIT.settings(pg), List.of("users.email", "users.ssn")))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("'users.email' names no column");
    } finally {
      pg.superSql("app", "ALTER TABLE users_renamed RENAME TO users;");
    }
  }

  /**
   * A function created outside the gateway that reads a cursor by its name: while a cursor (or a
   * named protocol-level portal) over the masked columns may be open, function calls are refused;
   * once the transaction has ended they run again, and psql's FETCH_COUNT (a cursor read with
   * FETCH) keeps working with the columns masked.
   */
  @Test
  void anExistingFunctionCannotReadACursorOverMaskedColumns() throws Exception {
    pg.superSql("app", """
        SET ROLE app_rw;
        CREATE OR REPLACE FUNCTION leak_existing(c refcursor) RETURNS SETOF text LANGUAGE plpgsql AS
          $$ DECLARE r record; BEGIN LOOP FETCH c INTO r; EXIT WHEN NOT FOUND; RETURN NEXT r::text; END LOOP; END $$;
        """);
    try {
      Psql.Result r = Psql.psql(Psql.conninfo(proxy.port(), ""), """
          BEGIN;
          DECLARE c CURSOR FOR SELECT id, ssn, email FROM users;
          SELECT leak_existing('c');
          ROLLBACK;
          BEGIN;
          DECLARE c CURSOR FOR SELECT id, ssn, email FROM users;
          SELECT * FROM leak_existing('c') x, lower('a') y;
          ROLLBACK;
          SELECT lower('AfterTheTransaction');
          \\set FETCH_COUNT 1
          SELECT id, ssn FROM users ORDER BY id;
          """);
      Attempt a = new Attempt("cursor read by an existing function", false, false);
      assertNoSecret("psql", a, r.out() + "\n" + r.err());
      assertThat(r.err()).as(r.toString()).contains("blocked by rule masked-column")
          .contains("may be open in this transaction");
      assertThat(r.out()).as(r.toString()).contains("afterthetransaction").contains("1|********").contains("2|********");
      // pgJDBC with a fetch size keeps a named portal open over the masked columns.
      Properties p = new Properties();
      p.setProperty("user", "anyone");
      p.setProperty("password", "anything");
      try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + proxy.port() + "/whatever", p)) {
        c.setAutoCommit(false);
        try (Statement st = c.createStatement(); Statement other = c.createStatement()) {
          st.setFetchSize(1);
          ResultSet rs = st.executeQuery("SELECT id, ssn FROM users ORDER BY id");
          assertThat(rs.next()).isTrue();
          String portal;
          try (ResultSet names = other.executeQuery("SELECT name FROM pg_cursors WHERE name <> ''")) {
            assertThat(names.next()).as("a named portal is open").isTrue();
            portal = names.getString(1);
          }
          assertThatThrownBy(() -> other.executeQuery("SELECT * FROM leak_existing('" + portal + "')"))
              .isInstanceOf(SQLException.class).hasMessageContaining("masked-column");
        }
        c.rollback();
      }
    } finally {
      pg.superSql("app", "DROP FUNCTION IF EXISTS leak_existing(refcursor);");
    }
  }

  /**
   * The unnamed portal is a cursor too: Execute with a row limit leaves it suspended (PortalSuspended)
   * until the next Bind of the unnamed portal, a simple Query or the end of the transaction, and a
   * function finds it by the empty name ({@code leak_existing('')}). A named statement run in a
   * named portal before the Sync does not replace it, so a function created outside the gateway
   * that FETCHes from a cursor by name reads the rows the client did not fetch, unmasked.
   */
  @Test
  void anExistingFunctionCannotReadTheSuspendedUnnamedPortal() throws Exception {
    pg.superSql("app", """
        SET ROLE app_rw;
        CREATE OR REPLACE FUNCTION leak_existing(c refcursor) RETURNS SETOF text LANGUAGE plpgsql AS
          $$ DECLARE r record; BEGIN LOOP FETCH c INTO r; EXIT WHEN NOT FOUND; RETURN NEXT r::text; END LOOP; END $$;
        """);
    try (RawPgClient c = new RawPgClient(proxy.port(), "anyone", "anything")) {
      List<String> seen = c.parse("", "SELECT id, ssn, email FROM users ORDER BY id").bind("", "").execute("", 1)
          .parse("s1", "SELECT * FROM leak_existing('')").bind("p1", "s1").execute("p1", 0)
          .sync();
      Attempt a = new Attempt("a suspended unnamed portal read by an existing function", false, false);
      assertNoSecret("raw extended protocol", a, String.join("\n", seen));
      assertThat(String.join("\n", seen)).as(seen.toString()).contains("masked-column");
    }
    try (RawPgClient c = new RawPgClient(proxy.port(), "anyone", "anything")) {
      // The reading statement parsed (and judged) before the portal opens, in the same batch.
      List<String> seen = c.parse("s1", "SELECT * FROM leak_existing('')")
          .parse("", "SELECT id, ssn, email FROM users ORDER BY id").bind("", "").execute("", 1)
          .bind("p1", "s1").execute("p1", 0)
          .sync();
      Attempt a = new Attempt("the reading statement parsed before the unnamed portal opened", false, false);
      assertNoSecret("raw extended protocol", a, String.join("\n", seen));
      assertThat(String.join("\n", seen)).as(seen.toString()).contains("masked-column");
    }
    try (RawPgClient c = new RawPgClient(proxy.port(), "anyone", "anything")) {
      // Ordinary work in one transaction: a read of the masked table, then a query that calls a
      // function in the next batch, which binds the unnamed portal again first (the old one is gone).
      c.query("BEGIN").send();
      c.parse("", "SELECT id, ssn FROM users ORDER BY id").bind("", "").execute("", 0).sync();
      List<String> next = c.parse("", "SELECT count(*) FROM users").bind("", "").execute("", 0).sync();
      assertThat(String.join("\n", next)).as(next.toString()).doesNotContain("masked-column").contains("C SELECT 1");
      c.query("ROLLBACK").send();
    } finally {
      pg.superSql("app", "DROP FUNCTION IF EXISTS leak_existing(refcursor);");
    }
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("corpus")
  void noMaskedValueReachesTheClient(Attempt attempt) throws Exception {
    Psql.Result psql = Psql.psql(Psql.conninfo(proxy.port(), ""), null, "-c", attempt.sql());
    assertNoSecret("psql", attempt, psql.out() + "\n" + psql.err());
    assertNoSecret("what the attempt left behind (psql)", attempt, leftBehind());
    assertNoSecret("pgJDBC", attempt, jdbc(attempt.sql()));
    assertNoSecret("what the attempt left behind (pgJDBC)", attempt, leftBehind());
  }

  private static void assertNoSecret(String where, Attempt attempt, String seen) {
    String lower = seen.toLowerCase(Locale.ROOT);
    String compact = lower.replaceAll("[^a-z0-9@.=+/-]", "");
    for (String secret : SECRETS) {
      for (String form : forms(secret)) {
        assertThat(lower.contains(form.toLowerCase(Locale.ROOT)) || compact.contains(form.toLowerCase(Locale.ROOT)))
            .as("%s: %s shows %s (%s)\n%s", where, attempt.sql(), secret, form, seen)
            .isFalse();
      }
    }
  }

  /** The value and the encodings of it a client could undo. */
  private static List<String> forms(String secret) {
    byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
    String b64 = Base64.getEncoder().encodeToString(bytes);
    return List.of(secret, new StringBuilder(secret).reverse().toString(), HexFormat.of().formatHex(bytes),
        b64.substring(0, b64.length() - 4), secret.replace("-", ""));
  }

  /** Everything outside the masked columns, read as superuser, then put back as it was. */
  private static String leftBehind() throws Exception {
    String seen = pg.superSql("app", """
        SELECT coalesce(string_agg(query_to_xml(format('SELECT * FROM %I.%I', n.nspname, c.relname), true, false, '')::text, ''), '')
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND c.relkind IN ('r', 'm', 'v', 'p')
           AND c.relname <> 'users' AND n.nspname NOT LIKE 'pg_temp%';
        SELECT string_agg(name, ',') FROM users;
        SELECT coalesce(string_agg(encode(data, 'escape'), ','), '') FROM pg_largeobject;
        SELECT count(*) FROM pg_proc WHERE proname = 'leak';
        """);
    pg.superSql("app", """
        SELECT lo_unlink(oid) FROM pg_largeobject_metadata;
        DROP TABLE IF EXISTS leak CASCADE;
        DROP VIEW IF EXISTS leak CASCADE;
        DROP MATERIALIZED VIEW IF EXISTS leak CASCADE;
        DROP FUNCTION IF EXISTS leak();
        ALTER TABLE users DROP COLUMN IF EXISTS leak;
        DELETE FROM notes;
        INSERT INTO notes VALUES (1, 'first'), (2, 'second');
        UPDATE users SET name = CASE id WHEN 1 THEN 'Alice' ELSE 'Bob' END, ssn = CASE id WHEN 1 THEN '471-20-9931' ELSE '582-31-0442' END,
          email = CASE id WHEN 1 THEN 'alice@example.com' ELSE 'bob@example.org' END;
        DELETE FROM users WHERE id > 2;
        """);
    return seen;
  }

  /** What pgJDBC shows: every row of every result, warnings, or the exception. */
  private static String jdbc(String sql) {
    Properties p = new Properties();
    p.setProperty("user", "anyone");
    p.setProperty("password", "anything");
    StringBuilder seen = new StringBuilder();
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + proxy.port() + "/whatever", p);
        Statement st = c.createStatement()) {
      boolean isResult = st.execute(sql);
      while (true) {
        if (isResult) {
          try (ResultSet rs = st.getResultSet()) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
              for (int i = 1; i <= n; i++) {
                seen.append(rs.getString(i)).append('|');
              }
              seen.append('\n');
            }
          }
        } else if (st.getUpdateCount() == -1) {
          break;
        }
        isResult = st.getMoreResults();
      }
      for (SQLWarning w = st.getWarnings(); w != null; w = w.getNextWarning()) {
        seen.append(w.getMessage()).append('\n');
      }
    } catch (SQLException e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        seen.append(t).append('\n');
      }
    }
    return seen.toString();
  }
}
