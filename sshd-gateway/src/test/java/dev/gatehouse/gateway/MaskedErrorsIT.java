package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.gateway.postgres.PostgresServer;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Masked values must not leave through the server's error and notice texts, nor through the
 * planner's statistics: each attempt is first run straight against the real PostgreSQL 15 (which
 * shows what it would leak and its SQLSTATE), then through the gateway — real psql and pgJDBC over
 * {@code ssh -L}, and psql on the bastion — where the client gets the same SQLSTATE and no masked
 * value, and the audit file gets the original text.
 */
class MaskedErrorsIT {
  /** Any of these in what a client sees is a leak (parts too: a cast error may quote a fragment). */
  static final List<String> SECRETS =
      List.of("123-45-6789", "987-65-4321", "123-45", "6789", "alice@", "alice#", "alic", "bob@", "example.");

  @TempDir static Path dir;
  static PostgresServer pg;
  static GatewayFixture gw;
  static SshClientKey alice;
  static Process tunnel;
  static int port;

  @RegisterExtension GatewayLogOnFailure log = new GatewayLogOnFailure();

  @BeforeAll
  static void start() throws Exception {
    pg = PostgresServer.start(false);
    pg.superSql("app", """
        SET ROLE app_rw;
        ALTER TABLE users ADD COLUMN ssn text;
        UPDATE users SET ssn = CASE id WHEN 1 THEN '123-45-6789' ELSE '987-65-4321' END;
        CREATE TABLE checked (v text CHECK (v = 'ok'));
        CREATE TABLE uniq (v text UNIQUE);
        INSERT INTO uniq SELECT ssn FROM users;
        CREATE TABLE two_columns (a text, b text NOT NULL);
        CREATE TABLE later (v text UNIQUE DEFERRABLE INITIALLY DEFERRED);
        CREATE FUNCTION shout(t text) RETURNS int LANGUAGE plpgsql STABLE
          AS $$ BEGIN RAISE EXCEPTION 'value %', t; END $$;
        CREATE FUNCTION whisper(t text) RETURNS int LANGUAGE plpgsql STABLE
          AS $$ BEGIN RAISE NOTICE 'value %', t; RETURN 1; END $$;
        CREATE STATISTICS users_stats (mcv) ON email, ssn FROM users;
        ANALYZE users;
        """);
    Files.createDirectories(dir.resolve("gw"));
    gw = GatewayFixture.start(dir.resolve("gw"), "", """
        targets:
          - name: prod-db
            type: postgres
            postgres: { host: 127.0.0.1, port: %d, database: app, user: app_rw, password: "file:%s", tls: disable }
            runAs: nobody
            allow: { groups: [dev] }
            policy: masked
        policies:
          masked:
            block: [drop-database, drop-table, truncate, delete-without-where, update-without-where]
            review: [ddl, grant, role-change, server-files, copy-program, dynamic-sql, system-settings,
                     procedure-call, admin-functions, lock-table]
            unclassified: review
            maxRowsChanged: 100
            mask: { columns: [users.email, users.ssn], form: full }
        """.formatted(pg.port, pg.passwordFile()));
    alice = gw.sign(GatewayFixture.uniqueIdentity("alice"), List.of("dev"));
    port = freePort();
    List<String> argv = new ArrayList<>(gw.sshArgv(alice, "prod-db", List.of("-N", "-L", port + ":prod-db:5432",
        "-o", "ExitOnForwardFailure=yes")));
    tunnel = new ProcessBuilder(argv).redirectErrorStream(true).start();
    awaitPort(port);
  }

  @AfterAll
  static void stop() throws Exception {
    if (tunnel != null) {
      tunnel.destroy();
      tunnel.waitFor(5, TimeUnit.SECONDS);
    }
    if (gw != null) {
      gw.close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  /** Errors raised while the server reads masked values, wherever the statement touches them. */
  static final List<String> ERRORS = List.of(
      "SELECT id FROM users WHERE (ssn||' '||replace(email,'@','#'))::int = 0",
      "SELECT id FROM users WHERE ssn::int = 1",
      "SELECT id FROM users WHERE ssn::date IS NULL",
      "SELECT id FROM users WHERE email::json IS NULL",
      "SELECT id FROM users WHERE email::jsonb IS NULL",
      "SELECT id FROM users WHERE ssn::uuid IS NULL",
      "SELECT id FROM users WHERE email::inet IS NULL",
      "SELECT id FROM users WHERE ('<' || email)::xml IS NULL",
      "SELECT id FROM users WHERE ssn::interval IS NULL",
      "SELECT id FROM users WHERE to_timestamp(email, 'YYYY') IS NULL",
      "SELECT id FROM users WHERE to_date(ssn, 'YYYY-MM-DD') IS NULL",
      "SELECT id FROM users WHERE 1 / (length(ssn) - 11) = 0",
      "SELECT id FROM users WHERE jsonb_path_query_first(to_jsonb(ssn), '$.datetime()') IS NULL",
      "SELECT id FROM users WHERE 'x' ~ ('(' || ssn)",
      "SELECT id FROM users WHERE format('%' || email, 1) = ''",
      "SELECT id FROM users WHERE (regexp_split_to_array(email, '@'))[1]::int = 0",
      "SELECT id FROM users WHERE shout(ssn) = 1",
      "WITH s AS (SELECT ssn FROM users) SELECT 1 FROM s WHERE ssn::numeric = 0",
      "SELECT 1 WHERE EXISTS (SELECT 1 FROM users WHERE ssn::int = 0)",
      "SELECT a.id FROM users a JOIN users b ON a.ssn::int = b.id",
      "SELECT id FROM users u WHERE u::text::int = 0",
      "SELECT * FROM public.users WHERE email::bigint = 0",
      "SELECT id FROM \"users\" WHERE ssn::int = 0 UNION ALL SELECT 1",
      "INSERT INTO checked SELECT ssn FROM users",
      "INSERT INTO uniq SELECT ssn FROM users",
      "INSERT INTO two_columns SELECT ssn, NULL FROM users",
      "UPDATE users SET email = NULL WHERE id = 1",
      "UPDATE users SET name = NULL WHERE id = 1 AND ssn::int = 0");

  @Test
  void errorsAboutMaskedValuesKeepTheirSqlstateAndHideTheirTextFromPsql() throws Exception {
    int leakingDirectly = 0;
    for (String sql : ERRORS) {
      Direct direct = direct(sql);
      leakingDirectly += SECRETS.stream().anyMatch(direct.stderr::contains) ? 1 : 0;
      Run r = psql(sql);
      assertThat(r.exit).as(sql + "\n" + r).isNotZero();
      assertNoSecret(sql, r.stdout + r.stderr);
      if (r.stderr.contains("42501: blocked by rule masked-column:")) {
        continue; // copying or passing a masked value on is refused before it can fail: no error to hide
      }
      assertThat(r.stderr).as(sql).contains("ERROR:  " + direct.sqlState + ": gatehouse: error hidden:")
          .contains("(SQLSTATE " + direct.sqlState + ")");
      auditHas(sql, direct.message);
    }
    assertThat(leakingDirectly).as("attempts that leak when run straight against the server").isGreaterThanOrEqualTo(20);
  }

  /**
   * A function that raises a NOTICE carrying the value it is given: passing a masked value to it
   * is refused by the masking rule (it could store or return it), so nothing runs and nothing
   * shows; so is calling it beside a test of a masked column (a function of one's own could record
   * which parts of the condition ran); a notice from a statement that names the masked table is
   * hidden.
   */
  @Test
  void noticesOverMaskedValuesNeverShowTheValue() throws Exception {
    for (String refusedSql : List.of("SELECT count(*) FROM users WHERE whisper(ssn) = 1",
        "SELECT count(*) FROM users WHERE ssn IS NOT NULL AND whisper(name) = 1")) {
      Run refused = psql(refusedSql);
      assertNoSecret(refusedSql, refused.stdout + refused.stderr);
      assertThat(refused.stderr).as(refusedSql).contains("42501: blocked by rule masked-column:");
    }
    String sql = "SELECT count(*) FROM users WHERE id > 0 AND whisper(name) = 1";
    Run r = psql(sql);
    assertThat(r.exit).as(r.toString()).isZero();
    assertNoSecret(sql, r.stdout + r.stderr);
    assertThat(r.stderr).contains("NOTICE:  00000: gatehouse: notice hidden:");
  }

  @Test
  void aDeferredConstraintFailingAtCommitIsHiddenForTheTransactionThatTouchedAMaskedColumn() throws Exception {
    // The rows copy no masked value (a copy is refused): the transaction reads ssn in a predicate.
    String script = "BEGIN;\nINSERT INTO later SELECT id FROM users WHERE ssn IS NOT NULL;\n"
        + "INSERT INTO later SELECT id FROM users WHERE ssn IS NOT NULL;\nCOMMIT;\n";
    Run r = psqlScript(script);
    assertNoSecret("deferred", r.stdout + r.stderr);
    assertThat(r.stderr).contains("ERROR:  23505: gatehouse: error hidden:");
    auditHas("COMMIT", "already exists");
    assertThat(pg.superSql("app", "SELECT count(*) FROM later")).isEqualTo("0");
  }

  @Test
  void errorsWithoutMaskedColumnsStillReadAsTheServerWroteThem() throws Exception {
    Run r = psql("SELECT 'not a number'::int");
    assertThat(r.stderr).contains("invalid input syntax for type integer: \"not a number\"");
    Run other = psql("SELECT id FROM users WHERE ssn::int = 0");
    assertThat(other.stderr).contains("error hidden");
    Run after = psql("SELECT 'after'::int");
    assertThat(after.stderr).as("the next transaction is not hidden").contains("\"after\"");
  }

  @Test
  void errorsAboutMaskedValuesAreHiddenFromPgJdbcInEveryProtocolPath() throws Exception {
    for (String prepareThreshold : List.of("5", "1", "-1")) {
      try (Connection c = jdbc("prepareThreshold=" + prepareThreshold)) {
        for (String sql : List.of(
            "SELECT id FROM users WHERE ssn::int = 1",
            "SELECT id FROM users WHERE email::json IS NULL",
            "INSERT INTO checked SELECT ssn FROM users",
            "UPDATE users SET email = NULL WHERE id = 1",
            "SELECT id FROM users WHERE shout(ssn) = 1")) {
          Direct direct = direct(sql);
          for (boolean prepared : List.of(false, true)) {
            assertThatThrownBy(() -> {
              if (prepared) {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                  ps.execute();
                  ps.execute();
                }
              } else {
                try (Statement st = c.createStatement()) {
                  st.execute(sql);
                }
              }
            }).as(sql).isInstanceOfSatisfying(SQLException.class, e -> {
              assertNoSecret(sql, describe(e));
              if (e.getMessage().contains("blocked by rule masked-column")) {
                assertThat(e.getSQLState()).as(sql).isEqualTo("42501"); // refused before it could fail
              } else {
                assertThat(e.getSQLState()).as(sql).isEqualTo(direct.sqlState);
                assertThat(e.getMessage()).contains("gatehouse: error hidden");
              }
            });
          }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM users WHERE ssn = ? AND ssn::int = 0")) {
          ps.setString(1, "123-45-6789");
          assertThatThrownBy(ps::executeQuery).isInstanceOfSatisfying(SQLException.class,
              e -> assertThat(e.getSQLState()).isEqualTo("22P02"));
        }
        try (Statement st = c.createStatement()) {
          st.execute("SELECT count(*) FROM users WHERE id > 0 AND whisper(name) = 1");
          for (SQLWarning w = st.getWarnings(); w != null; w = w.getNextWarning()) {
            assertNoSecret("notice over jdbc", describe(w));
          }
        }
      }
    }
  }

  @Test
  void psqlOnTheBastionShowsTheSqlstateAndNoMaskedValue() throws Exception {
    String sql = "SELECT id FROM users WHERE (ssn||' #')::int = 0";
    SshResult r = gw.ssh(alice, "prod-db").run(sql);
    assertThat(r.exitCode()).as(r.toString()).isNotZero();
    assertNoSecret(sql, r.out() + r.err());
    assertThat(r.err()).contains("gatehouse: error hidden").contains("SQLSTATE 22P02");
    JsonNode line = auditHas(sql, "123-45-6789 #");
    assertThat(line.path("sqlState").asText()).isEqualTo("22P02");
    assertThat(line.path("code").asText()).isEqualTo("GH3007I");
  }

  /** The planner's statistics hold the masked values; each spelling of reading them is refused. */
  @Test
  void thePlannersStatisticsAreRefusedInEverySpelling() throws Exception {
    assertThat(pg.superSql("app", "SELECT coalesce(most_common_vals::text, '') || coalesce(histogram_bounds::text, '') FROM pg_stats"
        + " WHERE tablename = 'users' AND attname = 'ssn'")).contains("123-45-6789");
    for (String sql : List.of(
        "SELECT histogram_bounds::text FROM pg_stats WHERE tablename='users'",
        "select most_common_vals from PG_CATALOG.PG_STATS",
        "TABLE pg_stats",
        "SELECT * FROM \"pg_stats\"",
        "SELECT * FROM pg_catalog . \"pg_stats\" s",
        "SELECT * FROM U&\"pg\\005fstats\"",
        "SELECT * FROM pg_stats_ext",
        "SELECT most_common_vals FROM pg_stats_ext WHERE tablename = 'users'",
        "SELECT * FROM pg_stats_ext_exprs",
        "SELECT stavalues1 FROM pg_statistic",
        "SELECT * FROM pg_statistic_ext_data",
        "SELECT m.* FROM pg_statistic_ext_data d, pg_mcv_list_items(d.stxdmcv) m",
        "SELECT array_to_string(histogram_bounds, ',') FROM (SELECT * FROM pg_stats) s",
        "WITH s AS (SELECT * FROM pg_stats) SELECT * FROM s",
        "DO $$ BEGIN RAISE NOTICE '%', (SELECT histogram_bounds::text FROM pg_stats LIMIT 1); END $$")) {
      Run r = psql(sql);
      assertThat(r.exit).as(sql + "\n" + r).isNotZero();
      assertThat(r.stderr).as(sql).contains("blocked by rule masked-column");
      assertNoSecret(sql, r.stdout + r.stderr);
    }
    try (Connection c = jdbc("")) {
      try (PreparedStatement ps = c.prepareStatement("SELECT most_common_vals::text FROM pg_stats WHERE tablename = ?")) {
        ps.setString(1, "users");
        assertThatThrownBy(ps::executeQuery).isInstanceOfSatisfying(SQLException.class, e -> {
          assertThat(e.getSQLState()).isEqualTo("42501");
          assertThat(e.getMessage()).contains("rule masked-column");
        });
      }
    }
  }

  // ---- helpers -----------------------------------------------------------------------------------

  record Run(int exit, String stdout, String stderr) {}

  /** What the server says to the same statement without the gateway. */
  record Direct(String sqlState, String message, String stderr) {}

  static Direct direct(String sql) throws Exception {
    String pw = Files.readString(pg.passwordFile()).strip();
    Run r = run(List.of("psql", "-X", "-At", "-v", "VERBOSITY=verbose", "host=127.0.0.1 port=" + pg.port
        + " user=app_rw dbname=app sslmode=disable", "-c", "BEGIN", "-c", sql, "-c", "ROLLBACK"), null,
        "PGPASSWORD", pw);
    Matcher m = Pattern.compile("ERROR:  ([0-9A-Z]{5}): ([^\\n]*)").matcher(r.stderr);
    assertThat(m.find()).as("the server refuses " + sql + " itself:\n" + r).isTrue();
    return new Direct(m.group(1), m.group(2), r.stderr);
  }

  static Run psql(String sql) throws Exception {
    return run(List.of("psql", "-X", "-At", "-v", "VERBOSITY=verbose", dsn(), "-c", sql), null, null, null);
  }

  static Run psqlScript(String script) throws Exception {
    return run(List.of("psql", "-X", "-At", "-v", "VERBOSITY=verbose", dsn(), "-f", "-"), script, null, null);
  }

  static String dsn() {
    return "host=127.0.0.1 port=" + port + " user=anyone dbname=anything sslmode=disable";
  }

  static Connection jdbc(String extra) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", "anyone");
    p.setProperty("password", "anything");
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/anything?sslmode=disable"
        + (extra.isEmpty() ? "" : "&" + extra), p);
  }

  static Run run(List<String> cmd, String stdin, String envName, String envValue) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().keySet().removeIf(k -> k.startsWith("PG"));
    if (envName != null) {
      pb.environment().put(envName, envValue);
    }
    Process p = pb.start();
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
    if (stdin != null) {
      p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    p.getOutputStream().close();
    String out = read(p.getInputStream());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(cmd.toString()).isTrue();
    return new Run(p.exitValue(), out, err.get(10, TimeUnit.SECONDS));
  }

  private static String read(java.io.InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      return "<" + e + ">";
    }
  }

  /** Everything of an exception a program could print: message, server fields, causes. */
  static String describe(Throwable e) {
    StringBuilder b = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      b.append(t).append('\n');
      if (t instanceof org.postgresql.util.PSQLException p && p.getServerErrorMessage() != null) {
        b.append(p.getServerErrorMessage().toString()).append('\n')
            .append(p.getServerErrorMessage().getDetail()).append(p.getServerErrorMessage().getWhere())
            .append(p.getServerErrorMessage().getHint()).append(p.getServerErrorMessage().getInternalQuery())
            .append(p.getServerErrorMessage().getColumn()).append(p.getServerErrorMessage().getConstraint());
      }
    }
    return b.toString();
  }

  static void assertNoSecret(String what, String seen) {
    for (String s : SECRETS) {
      assertThat(seen).as(what + ": the client saw a masked value:\n" + seen).doesNotContain(s);
    }
  }

  static JsonNode auditHas(String sql, String original) throws Exception {
    return gw.awaitAudit("statement-error-hidden for " + sql, GatewayFixture.field("event", "statement-error-hidden")
        .and(l -> l.path("statement").asText().contains(sql) && l.path("error").asText().contains(original)));
  }

  static int freePort() throws java.io.IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static void awaitPort(int port) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        return;
      } catch (java.io.IOException e) {
        Thread.sleep(100);
      }
    }
    throw new AssertionError("the ssh -L port " + port + " never opened");
  }
}
