package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.gateway.postgres.PostgresServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hostile user with a valid certificate tries to get out of a psql console or into another
 * person's session, end to end with the real OpenSSH client, psql and PostgreSQL. The gateway runs
 * as root here (as the quick start does), so a miss would be a root shell.
 */
class SessionEscapeIT {
  @TempDir static Path dir;
  static PostgresServer pg;
  static GatewayFixture gw;
  static SshClientKey alice;

  @RegisterExtension GatewayLogOnFailure log = new GatewayLogOnFailure();

  static final String TARGETS = """
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
          unclassified: review
      """;

  @BeforeAll
  static void start() throws Exception {
    pg = PostgresServer.start(false);
    Files.createDirectories(dir.resolve("gw"));
    gw = GatewayFixture.start(dir.resolve("gw"), "", TARGETS.formatted(pg.port, pg.passwordFile()));
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

  /**
   * Lines that fooled the old meta-command guard, typed into the interactive console. Whether the
   * guard refuses them or psql gets them, no shell may run: the screen never shows {@code uid=}.
   */
  @Test
  void consoleEscapesRunNoShell(@TempDir Path tmp) throws Exception {
    try (Tmux tmux = Tmux.start(tmp, 120, 40, gw.sshArgv(alice, "prod-db", List.of("-t")))) {
      tmux.awaitScreen("prod-db=>", Duration.ofSeconds(20));
      List<String> attacks = List.of("SELECT 1 AS x$a$ \\! id", "SELECT 1 AS \u00e9$a$ \\! id", "SELECT 1 AS _$b$ \\g |id",
          "SELECT 'a\\' \\! id", "SET standard_conforming_strings = off", "SELECT 'a\\'' \\! id",
          "SELECT 'a\\\\' \\! id");
      int n = 0;
      for (String line : attacks) {
        tmux.type(line);
        // End whatever statement is pending ("; " with a space: tmux takes a lone ";" for its own
        // separator), then prove psql and the console agree it ended: the probe's value appears
        // only when psql ran it, never in the typed line.
        tmux.type("; ");
        tmux.type("SELECT 'PRO' || 'BE-" + ++n + "' AS probe; ");
        tmux.awaitScreen("PROBE-" + n + "\\b", Duration.ofSeconds(10));
        assertThat(tmux.screen()).as(line).doesNotContain("uid=");
      }
    }
  }

  /**
   * While a person's psql session runs, another process of the same uid on the bastion finds its
   * socket (the test, as root, can list the directories) and connects with the real psql: the
   * proxy closes the connection before any statement, and audits it under the session.
   */
  @Test
  void anotherProcessOfTheSameUidCannotUseALiveSessionsSocket() throws Exception {
    try (GatewayFixture.Running running = gw.ssh(alice, "prod-db").start("select pg_sleep(6), 'done'")) {
      ProcessHandle psql = awaitPsqlChild();
      Path socketDir = socketDirectoryOf(psql);
      Process intruder = new ProcessBuilder("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
          "psql", "-X", "-At", "-h", socketDir.toString(), "-d", "app", "-c", "update users set name = 'pwned'")
          .redirectErrorStream(true).start();
      String out = new String(intruder.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(intruder.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(intruder.exitValue()).as(out).isNotZero();
      assertThat(out).contains("server closed the connection unexpectedly").doesNotContain("UPDATE");
      assertThat(pg.superSql("app", "select count(*) from users where name = 'pwned'")).isEqualTo("0");
      assertThat(gw.awaitAudit("foreign peer refused", GatewayFixture.field("event", "connection-refused")
          .and(GatewayFixture.field("reason", "foreign-socket-peer"))).path("peerUid").asInt()).isEqualTo(65534);

      // The session's own psql, meanwhile, runs as runAs in a sandbox with no shell and no data.
      assertThat(uidOf(psql.pid())).isEqualTo(65534);
      Path root = Path.of("/proc", Long.toString(psql.pid()), "root");
      assertThat(root.resolve("bin/sh")).doesNotExist();
      assertThat(root.resolve("usr/bin/perl")).doesNotExist();
      assertThat(root.resolve(gw.dataDir().toString().substring(1))).doesNotExist();
      assertThat(root.resolve("etc/passwd")).doesNotExist();
      try (Stream<Path> files = Files.list(root.resolve("run/gatehouse"))) {
        assertThat(files.map(p -> p.getFileName().toString()).toList()).containsExactly(".s.PGSQL.5432");
      }

      SshResult r = running.await();
      assertThat(r.exitCode()).as(r.toString()).isZero();
      assertThat(r.out()).contains("done");
    }
  }

  /** From a command target, nothing of other sessions (or of the gateway) is in reach. */
  @Test
  void aCommandSessionSeesNoOtherSessionsSockets() throws Exception {
    try (GatewayFixture.Running running = gw.ssh(alice, "prod-db").start("select pg_sleep(4)")) {
      awaitPsqlChild();
      SshResult r = gw.ssh(alice, "shell").run(
          "ls -d /tmp/gatehouse-* 2>&1; for d in /tmp/gatehouse-*/*; do psql -h $d -d app -c 'select 1'; done; echo end");
      assertThat(r.out()).contains("No such file or directory").contains("end").doesNotContain("(1 row)");
      running.await();
    }
  }

  @Test
  void aTargetWhoseRunAsIsRootIsRefusedAtStart(@TempDir Path other) {
    String targets = """
        targets:
          - name: rootly
            type: command
            command: ["/bin/sh"]
            runAs: root
        """;
    assertThatThrownBy(() -> GatewayFixture.start(other, "", targets).close())
        .hasMessageContaining("runAs 'root' is uid or gid 0");
  }

  /**
   * The host directory the session's sandbox binds at /run/gatehouse, from the bubblewrap command
   * line above psql (other gateways on this machine have sockets of their own).
   */
  private static Path socketDirectoryOf(ProcessHandle psql) {
    Optional<ProcessHandle> p = psql.parent();
    while (p.isPresent()) {
      String[] args = p.get().info().arguments().orElse(new String[0]);
      for (int i = 2; i < args.length; i++) {
        if (args[i].equals("/run/gatehouse") && args[i - 2].equals("--ro-bind")) {
          return Path.of(args[i - 1]);
        }
      }
      p = p.get().parent();
    }
    throw new AssertionError("no bubblewrap above psql " + psql.pid());
  }

  private static ProcessHandle awaitPsqlChild() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      Optional<ProcessHandle> p = ProcessHandle.current().descendants()
          .filter(h -> h.info().command().map(c -> c.endsWith("/bin/psql")).orElse(false)).findFirst();
      if (p.isPresent()) {
        return p.get();
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no psql below the gateway");
  }

  private static int uidOf(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("Uid:")) {
        return Integer.parseInt(line.substring(4).trim().split("\\s+")[0]);
      }
    }
    throw new AssertionError("no Uid line");
  }
}
