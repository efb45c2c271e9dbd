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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The row limit end to end: the real OpenSSH client, psql on the bastion or through {@code ssh
 * -L}, a real PostgreSQL counting the rows. Over the default limit a statement is undone and
 * refused (exit 77) where nobody can approve it, and held for approval where someone can; the
 * approval is for the count the approver saw.
 */
class MaxRowsChangedIT {
  private static final Pattern REQUEST_ID = Pattern.compile("request ([0-9A-F]{4,8})");
  @TempDir static Path dir;
  static PostgresServer pg;
  static GatewayFixture gw;
  static SshClientKey alice;
  static SshClientKey bob;

  @RegisterExtension GatewayLogOnFailure log = new GatewayLogOnFailure();

  @BeforeAll
  static void start() throws Exception {
    pg = PostgresServer.start(false);
    StringBuilder tables = new StringBuilder("SET ROLE app_rw;\n");
    for (String t : List.of("big_exec", "big_forwarded", "big_approved", "big_grows")) {
      tables.append("CREATE TABLE ").append(t).append(" (id int PRIMARY KEY);\n")
          .append("INSERT INTO ").append(t).append(" SELECT g FROM generate_series(1, 5000) g;\n");
    }
    pg.superSql("app", tables.toString());
    Files.createDirectories(dir.resolve("gw"));
    gw = GatewayFixture.start(dir.resolve("gw"), "", """
        approvals: { ttl: 30s }
        targets:
          - name: prod-db
            type: postgres
            postgres: { host: 127.0.0.1, port: %1$d, database: app, user: app_rw, password: "file:%2$s", tls: disable }
            runAs: nobody
            allow: { groups: [dev] }
            policy: default-sql
          - name: held-db
            type: postgres
            postgres: { host: 127.0.0.1, port: %1$d, database: app, user: app_rw, password: "file:%2$s", tls: disable }
            runAs: nobody
            allow: { groups: [dev] }
            approvers: { groups: [dba-leads], min: 1 }
            policy: default-sql
        policies:
          default-sql:
            block: [drop-database, drop-table, truncate, delete-without-where, update-without-where]
            review: [ddl, grant, role-change, server-files, copy-program, dynamic-sql, system-settings]
            unclassified: review
        """.formatted(pg.port, pg.passwordFile()));
    alice = gw.sign(GatewayFixture.uniqueIdentity("alice"), List.of("dev"));
    bob = gw.sign(GatewayFixture.uniqueIdentity("bob"), List.of("dba-leads"));
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

  private static String count(String table) throws Exception {
    return pg.superSql("app", "SELECT count(*) FROM " + table);
  }

  @Test
  void aDeleteOverTheDefaultLimitIsUndoneAndRefusedWithExit77() throws Exception {
    SshResult r = gw.ssh(alice, "prod-db").run("DELETE FROM big_exec WHERE id > 0");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(77);
    assertThat(r.err()).contains("gatehouse: needs approval (rule max-rows-changed): would change 5,000 rows of big_exec"
        + " (limit 1,000); undone (target prod-db names no approvers, so it cannot be approved)");
    assertThat(r.out()).doesNotContain("DELETE");
    assertThat(count("big_exec")).isEqualTo("5000");
    SshResult small = gw.ssh(alice, "prod-db").run("DELETE FROM big_exec WHERE id > 4990");
    assertThat(small.exitCode()).as(small.toString()).isZero();
    assertThat(small.out()).contains("DELETE 10");
    assertThat(count("big_exec")).isEqualTo("4990");
  }

  @Test
  void throughSshDashLRealPsqlGetsTheRefusalAndTheTableStays() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    List<String> argv = new ArrayList<>(gw.sshArgv(alice, "prod-db", List.of("-N", "-L", port + ":prod-db:5432",
        "-o", "ExitOnForwardFailure=yes")));
    Process tunnel = new ProcessBuilder(argv).redirectErrorStream(true).start();
    try {
      awaitPort(port);
      String dsn = "host=127.0.0.1 port=" + port + " user=anyone dbname=anything sslmode=disable";
      Process p = new ProcessBuilder("psql", "-X", "-At", dsn, "-c", "DELETE FROM big_forwarded WHERE id > 0")
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(out).isNotZero();
      assertThat(out).contains("ERROR:  needs approval (rule max-rows-changed): would change 5,000 rows of big_forwarded");
      assertThat(count("big_forwarded")).isEqualTo("5000");
    } finally {
      tunnel.destroy();
      tunnel.waitFor(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void overTheLimitWithApproversItIsHeldApprovedAndRunAgain() throws Exception {
    try (GatewayFixture.Running held = gw.ssh(alice, "held-db").start("DELETE FROM big_approved WHERE id > 3000")) {
      String id = awaitRequest(held);
      assertThat(count("big_approved")).isEqualTo("5000"); // undone while it waits
      GatewayFixture.CliResult cli = GatewayProcess.cli("approvals", "approve", id, "--as", bob.identity(),
          "--config", gw.configFile().toString());
      assertThat(cli.exitCode()).as(cli.err()).isZero();
      SshResult r = held.await();
      assertThat(r.exitCode()).as(r.toString()).isZero();
      assertThat(r.out()).contains("DELETE 2000");
    }
    assertThat(count("big_approved")).isEqualTo("3000");
  }

  @Test
  void aReRunThatChangesMoreThanTheApprovedCountIsUndoneAgain() throws Exception {
    try (GatewayFixture.Running held = gw.ssh(alice, "held-db").start("DELETE FROM big_grows WHERE id > 3000")) {
      String id = awaitRequest(held);
      assertThat(held.stderrSoFar()).doesNotContain("ERROR");
      pg.superSql("app", "INSERT INTO big_grows SELECT g FROM generate_series(5001, 5500) g");
      GatewayFixture.CliResult cli = GatewayProcess.cli("approvals", "approve", id, "--as", bob.identity(),
          "--config", gw.configFile().toString());
      assertThat(cli.exitCode()).as(cli.err()).isZero();
      SshResult r = held.await();
      assertThat(r.exitCode()).as(r.toString()).isEqualTo(77);
      assertThat(r.err()).contains("gatehouse: blocked by rule max-rows-changed: changed 2,500 rows of big_grows,"
          + " more than the 2,000 approved; undone");
    }
    assertThat(count("big_grows")).isEqualTo("5500");
  }

  private static String awaitRequest(GatewayFixture.Running held) throws Exception {
    held.awaitStdoutOrErr("waiting for approval", Duration.ofSeconds(20));
    Matcher m = REQUEST_ID.matcher(held.stderrSoFar());
    assertThat(m.find()).as(held.stderrSoFar()).isTrue();
    return m.group(1);
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
}
