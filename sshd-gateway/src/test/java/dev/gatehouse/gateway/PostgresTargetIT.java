package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.postgres.PostgresServer;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A postgres target end to end: the real OpenSSH client, psql on the bastion behind the wire
 * proxy, a real PostgreSQL with SCRAM; blocked statements, masking, meta-commands, and native
 * clients through {@code ssh -L}.
 */
class PostgresTargetIT {
  @TempDir static Path dir;
  static PostgresServer pg;
  static GatewayFixture gw;
  static SshClientKey alice;

  @RegisterExtension GatewayLogOnFailure log = new GatewayLogOnFailure();

  @BeforeAll
  static void start() throws Exception {
    pg = PostgresServer.start(false);
    pg.superSql("app", """
        SET ROLE app_rw;
        CREATE TABLE orders (id int PRIMARY KEY, note text);
        INSERT INTO orders VALUES (1, 'one'), (2, 'two');
        CREATE PROCEDURE purge_orders() LANGUAGE sql AS 'DELETE FROM orders';
        CREATE VIEW user_emails AS SELECT id, email FROM users;
        """);
    Files.createDirectories(dir.resolve("gw"));
    gw = GatewayFixture.start(dir.resolve("gw"), "", """
        targets:
          - name: prod-db
            type: postgres
            postgres: { host: 127.0.0.1, port: %d, database: app, user: app_rw, password: "file:%s", tls: disable }
            runAs: nobody
            allow: { groups: [dev] }
            policy: default-sql
          - name: shell
            type: command
            command: ["/bin/sh", "-i"]
            runAs: nobody
            allow: { groups: [dev] }
        policies:
          default-sql:
            block: [drop-database, drop-table, truncate, delete-without-where, update-without-where]
            review: [ddl, grant, role-change, server-files, copy-program, dynamic-sql, system-settings,
                     procedure-call, admin-functions, lock-table, user-functions]
            unclassified: review
            rules:
              - { name: orders-writes, kinds: [update, delete, insert], tables: [orders], verdict: review }
            mask: { columns: [users.email], detectors: [email, credit-card], form: keep-last-4 }
        """.formatted(pg.port, pg.passwordFile()));
    alice = gw.sign(GatewayFixture.uniqueIdentity("alice"), List.of("dev"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (gw != null) {
      gw.close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  @Test
  void aQueryRunsThroughPsqlAndPrintsAsPsqlWould() throws Exception {
    SshResult r = gw.ssh(alice, "prod-db").run("select id, name from users order by id");
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains(" id | name ").contains("  1 | Alice").contains("(2 rows)");
    assertThat(gw.awaitAudit("statement-allowed", GatewayFixture.field("event", "statement-allowed")
        .and(l -> l.path("statement").asText().equals("select id, name from users order by id")))
        .path("rows").asLong()).isEqualTo(2);
  }

  @Test
  void aDestructiveStatementIsBlockedWithExit77AndTheTableStays() throws Exception {
    SshResult r = gw.ssh(alice, "prod-db").run("drop table orders");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(77);
    assertThat(r.err()).contains("gatehouse: blocked by rule drop-table:");
    assertThat(pg.superSql("app", "select count(*) from pg_tables where tablename = 'orders'")).isEqualTo("1");
    assertThat(gw.awaitAudit("statement-blocked", GatewayFixture.field("event", "statement-blocked")
        .and(GatewayFixture.field("rule", "drop-table"))).path("identity").asText()).isEqualTo(alice.identity());
  }

  @Test
  void aBlockedStatementsReasonIsOneStderrLine() throws Exception {
    SshResult r = gw.ssh(alice, "prod-db").run("DROP TABLE orders");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(77);
    // psql's own "ERROR:  blocked by rule …" is not shown beside it: one line an agent can parse.
    assertThat(r.err().lines().toList()).as(r.toString()).hasSize(1);
    assertThat(r.err()).startsWith("gatehouse: blocked by rule drop-table: ").endsWith("\n").doesNotContain("ERROR");
    assertThat(pg.superSql("app", "select count(*) from pg_tables where tablename = 'orders'")).isEqualTo("1");
  }

  @Test
  void ctrlCAtThePsqlPromptClearsTheStatementAndShowsAFreshPrompt(@TempDir Path tmp) throws Exception {
    try (Tmux tmux = Tmux.start(tmp, 120, 30, gw.sshArgv(alice, "prod-db", List.of("-t")))) {
      tmux.awaitScreen("prod-db=>", Duration.ofSeconds(20));
      tmux.type("select 'left unfinished'");
      tmux.awaitScreen("prod-db->", Duration.ofSeconds(10));
      tmux.run("send-keys", "-t", "gh", "C-c");
      awaitLastLine(tmux, "prod-db=>");
      // Ctrl-C on an empty prompt: again a fresh prompt, nothing else.
      tmux.run("send-keys", "-t", "gh", "C-c");
      awaitLastLine(tmux, "prod-db=>");
      // The statement was cleared in psql too: the next one runs alone.
      tmux.type("select 7 as after_ctrl_c; ");
      tmux.awaitScreen("after_ctrl_c[\\s\\S]*7[\\s\\S]*\\(1 row\\)", Duration.ofSeconds(10));
      awaitLastLine(tmux, "prod-db=>");
      assertThat(tmux.screen()).doesNotContain("Query buffer reset").doesNotContain("syntax error");
      tmux.type("\\q");
      tmux.awaitExit(Duration.ofSeconds(30));
    }
  }

  /** Waits until the screen's last non-blank line is {@code prompt} (the cursor's line: a fresh prompt). */
  private static void awaitLastLine(Tmux tmux, String prompt) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      String screen = tmux.screen();
      List<String> lines = screen.lines().map(String::stripTrailing).filter(l -> !l.isEmpty()).toList();
      if (!lines.isEmpty() && lines.get(lines.size() - 1).equals(prompt)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the last line never became a fresh '" + prompt + "' prompt:\n" + screen);
      }
      Thread.sleep(100);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"\u2003", "\u00a0", "\u3000", "\ufeff", "\u00e9", "x"})
  void aDeleteBehindADollarTagGluedToANameIsBlockedWithExit77(String beforeTag) throws Exception {
    // PostgreSQL reads the character before $a$ and the tag as one name, so the DELETE is a statement.
    String sql = "SELECT 1 AS " + beforeTag + "$a$; DELETE FROM users; --$a$";
    SshResult r = gw.ssh(alice, "prod-db").run(sql);
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(77);
    assertThat(r.err()).contains("gatehouse: blocked by rule delete-without-where:");
    assertThat(pg.superSql("app", "select count(*) from users")).isEqualTo("2");
  }

  @Test
  void writesHiddenInsideStatementsAndSideEffectsAreHeldWithExit77AndTheTablesStay() throws Exception {
    for (String sql : List.of(
        "WITH u AS (UPDATE orders SET note = 'x' WHERE id = 1 RETURNING id) SELECT * FROM u",
        "MERGE INTO orders o USING (SELECT 2 AS id) s ON o.id = s.id WHEN MATCHED THEN UPDATE SET note = 'x'",
        "EXPLAIN (ANALYZE) DELETE FROM orders WHERE id = 1",
        "PREPARE z AS DELETE FROM orders WHERE id = $1; EXECUTE z(1)",
        "CALL purge_orders()",
        "SELECT pg_catalog.\"setval\"('x', 1)",
        "LOCK TABLE orders IN ACCESS EXCLUSIVE MODE")) {
      SshResult r = gw.ssh(alice, "prod-db").run(sql);
      assertThat(r.exitCode()).as(sql + "\n" + r).isEqualTo(77);
      assertThat(r.err()).as(sql).contains("gatehouse: ").contains("rule ");
    }
    SshResult copy = gw.ssh(alice, "prod-db").run("COPY orders FROM STDIN");
    assertThat(copy.exitCode()).as(copy.toString()).isEqualTo(77);
    assertThat(copy.err()).contains("orders-writes");
    SshResult tautology = gw.ssh(alice, "prod-db").run("DELETE FROM users WHERE id IN (id)");
    assertThat(tautology.exitCode()).isEqualTo(77);
    assertThat(tautology.err()).contains("blocked by rule delete-without-where");
    assertThat(pg.superSql("app", "select string_agg(id || note, ',' order by id) from orders")).isEqualTo("1one,2two");
    assertThat(pg.superSql("app", "select count(*) from users")).isEqualTo("2");
  }

  @Test
  void aMaskedColumnIsMaskedUnderAnyAlias() throws Exception {
    SshResult plain = gw.ssh(alice, "prod-db").run("select email from users order by id");
    SshResult aliased = gw.ssh(alice, "prod-db").run("select email as e, id from users order by id");
    for (SshResult r : List.of(plain, aliased)) {
      assertThat(r.exitCode()).as(r.toString()).isZero();
      assertThat(r.out()).doesNotContain("alice@example.com").doesNotContain("bob@example.org").contains(".com");
    }
  }

  @Test
  void aValueDerivedFromAMaskedColumnIsRefusedNamingTheColumn() throws Exception {
    for (String sql : List.of("select upper(email) from users", "select email || '' from users",
        "select row_to_json(u) from users u", "select string_agg(email, ',') from users",
        "select * from user_emails", "select email from users union select 'x'")) {
      SshResult r = gw.ssh(alice, "prod-db").run(sql);
      assertThat(r.exitCode()).as(sql + "\n" + r).isEqualTo(77);
      assertThat(r.err()).as(sql).contains("gatehouse: blocked by rule masked-column:").contains("email");
      assertThat(r.out() + r.err()).as(sql).doesNotContain("alice@example.com");
    }
  }

  @Test
  void shellAndFileMetaCommandsAreRefusedInExec() throws Exception {
    SshResult r = gw.ssh(alice, "prod-db").run("\\! id");
    assertThat(r.exitCode()).isEqualTo(77);
    assertThat(r.err()).contains("gatehouse: blocked by rule psql-meta-command");
    assertThat(r.out()).doesNotContain("uid=");
  }

  @Test
  void metaCommandsHiddenBehindPsqlsQuotingRulesAreRefusedInTheConsole(@TempDir Path tmp) throws Exception {
    try (Tmux tmux = Tmux.start(tmp, 120, 30, gw.sshArgv(alice, "prod-db", List.of("-t")))) {
      tmux.awaitScreen("prod-db=>", Duration.ofSeconds(20));
      // psql: "x$a$" is one identifier, not the start of a dollar quote.
      tmux.type("SELECT 1 AS x$a$ \\! id");
      tmux.awaitScreen("gatehouse: the psql meta-command \\\\! is not allowed", Duration.ofSeconds(10));
      tmux.type("SET standard_conforming_strings = off; ");
      tmux.awaitScreen("^SET\\s*$", Duration.ofSeconds(10));
      // With the setting off, psql reads 'a\'' as a whole string and the backslash after it as a command.
      tmux.type("SELECT 'a\\'' \\! id");
      tmux.awaitScreen("(is not allowed[\\s\\S]*){2}", Duration.ofSeconds(10));
      tmux.type("SELECT 42 AS answer; ");
      tmux.awaitScreen("answer[\\s\\S]*42", Duration.ofSeconds(10));
      assertThat(tmux.screen()).doesNotContain("uid=");
      tmux.type("\\q");
      tmux.awaitExit(Duration.ofSeconds(30));
    }
  }

  @Test
  void interactivePsqlHasTheGatewaysLineEditingAndRules(@TempDir Path tmp) throws Exception {
    try (Tmux tmux = Tmux.start(tmp, 120, 30, gw.sshArgv(alice, "prod-db", List.of("-t")))) {
      tmux.awaitScreen("prod-db=>", Duration.ofSeconds(20));
      tmux.type("select name from users");
      tmux.awaitScreen("prod-db->", Duration.ofSeconds(10));
      tmux.type("order by id; "); // tmux takes a trailing ";" as its own command separator
      tmux.awaitScreen("Alice[\\s\\S]*Bob[\\s\\S]*\\(2 rows\\)", Duration.ofSeconds(10));
      tmux.type("\\! id");
      tmux.awaitScreen("the psql meta-command \\\\! is not allowed", Duration.ofSeconds(10));
      tmux.type("drop table orders; ");
      tmux.awaitScreen("blocked by rule drop-table", Duration.ofSeconds(10));
      tmux.type("select 42 as answer; ");
      tmux.awaitScreen("answer[\\s\\S]*42", Duration.ofSeconds(10));
      assertThat(tmux.screen()).doesNotContain("uid=");
      tmux.type("\\q");
      java.util.OptionalInt status = tmux.awaitExit(Duration.ofSeconds(30)); // \\q ends ssh
      if (status.isPresent()) {
        assertThat(status.getAsInt()).as("ssh's exit status after \\q").isZero();
      }
    }
  }

  @Test
  void nativeClientsWorkThroughSshDashLUnderTheSameRules() throws Exception {
    int port = PostgresServerPort.free();
    List<String> argv = new ArrayList<>(gw.sshArgv(alice, "prod-db", List.of("-N", "-L", port + ":prod-db:5432",
        "-o", "ExitOnForwardFailure=yes")));
    Process tunnel = new ProcessBuilder(argv).redirectErrorStream(true).start();
    try {
      awaitPort(port);
      String dsn = "host=127.0.0.1 port=" + port + " user=anyone dbname=anything sslmode=disable";
      Process ok = new ProcessBuilder("psql", "-X", "-At", dsn, "-c", "select name from users order by id").start();
      String out = new String(ok.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      String err = new String(ok.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(ok.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(out).as(err).isEqualTo("Alice\nBob\n");
      Process masked = new ProcessBuilder("psql", "-X", "-At", dsn, "-c", "select email from users order by id").start();
      String m = new String(masked.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(masked.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(m).doesNotContain("alice@example.com").isNotBlank();
      Process blocked = new ProcessBuilder("psql", "-X", "-At", dsn, "-c", "truncate users").redirectErrorStream(true).start();
      String b = new String(blocked.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(blocked.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(b).contains("blocked by rule truncate");
      assertThat(pg.superSql("app", "select count(*) from users")).isEqualTo("2");
    } finally {
      tunnel.destroy();
      tunnel.waitFor(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aForwardToAnythingButAPostgresTargetIsRefused() throws Exception {
    int port = PostgresServerPort.free();
    List<String> argv = new ArrayList<>(gw.sshArgv(alice, "prod-db", List.of("-N", "-L", port + ":shell:22")));
    Process tunnel = new ProcessBuilder(argv).redirectErrorStream(true).start();
    try {
      awaitPort(port);
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.setSoTimeout(5000);
        assertThat(s.getInputStream().read()).isEqualTo(-1); // opened, then closed: nothing comes through
      }
      assertThat(gw.awaitAudit("connection-refused", GatewayFixture.field("event", "connection-refused")
          .and(GatewayFixture.field("reason", "forward-refused")))
          .path("destination").asText()).isEqualTo("shell:22");
    } finally {
      tunnel.destroy();
      tunnel.waitFor(5, TimeUnit.SECONDS);
    }
  }

  private static void awaitPort(int port) throws InterruptedException {
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

  /** A free loopback port for the client side of ssh -L. */
  static final class PostgresServerPort {
    static int free() throws java.io.IOException {
      try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        return s.getLocalPort();
      }
    }
  }
}
