package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.postgres.PostgresServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's JVM from the built jar, started the way the shipped systemd unit starts it, where
 * systemd is not PID 1 to do it: reproduced with unshare and setpriv.
 *
 * <ul>
 *   <li>as the unit runs it: a service account (not root) holding only CAP_SETUID and CAP_SETGID
 *       (ambient and bounding), no_new_privs, in a private mount namespace;
 *   <li>as a plain unprivileged user with no capabilities and no runAs: the sandbox's user and
 *       mount namespaces are then the only boundary between a session and the gateway's files.
 * </ul>
 *
 * <p>In both, a command session and a psql session work, run sandboxed, see none of the gateway's
 * files and leave no process behind. (The unit's seccomp filters, RestrictNamespaces= among them,
 * are systemd's own and are not reproduced here; the unit lists every namespace the sandbox makes.)
 */
class ServiceRestrictionsIT {
  /** A uid with no account: the service user the unit's sysusers file would make. */
  private static final int SERVICE_UID = 64_999;

  static PostgresServer pg;
  @TempDir Path dir;
  private GatewayProcess gateway;

  @RegisterExtension
  final AfterTestExecutionCallback printGatewayOnFailure = context -> {
    if (context.getExecutionException().isPresent() && gateway != null) {
      try {
        System.err.println("----- " + context.getDisplayName() + " -----\n" + gateway.output());
      } catch (IOException e) {
        System.err.println("(gateway output unavailable: " + e + ")");
      }
    }
  };

  @BeforeAll
  static void startPostgres() throws Exception {
    pg = PostgresServer.start(false);
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    if (pg != null) {
      pg.close();
    }
  }

  @AfterEach
  void stopGateway() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  void asTheUnitRunsIt() throws Exception {
    List<String> prefix = List.of("/usr/bin/unshare", "--mount", "--propagation", "private", "--",
        "/usr/bin/setpriv", "--reuid=" + SERVICE_UID, "--regid=" + SERVICE_UID, "--clear-groups",
        "--inh-caps=-all,+setuid,+setgid", "--ambient-caps=-all,+setuid,+setgid",
        "--bounding-set=-all,+setuid,+setgid", "--no-new-privs", "--");
    GatewayFixture gw = serve(prefix, "runAs: nobody");

    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("unit"), List.of("dev"));
    SshResult r = gw.ssh(key, "shell").run("id -u; cat " + gw.dataDir().resolve("ca/user_ca") + " 2>&1; "
        + "ls /proc | grep -c '^[0-9]'; unshare -U true 2>&1 || echo no-userns");
    assertThat(r.out()).as("%s\n%s", r, gateway.output()).startsWith("65534\n").contains("No such file or directory")
        .doesNotContain("PRIVATE KEY").contains("no-userns");
    assertThat(gateway.output()).doesNotContain("no fresh /proc").doesNotContain("cannot forbid user namespaces");

    assertSessionsWorkAndLeaveNothing(gw, key);
  }

  @Test
  void asAPlainUserWithoutCapabilities() throws Exception {
    List<String> prefix = List.of("/usr/bin/setpriv", "--reuid=" + SERVICE_UID, "--regid=" + SERVICE_UID,
        "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--");
    GatewayFixture gw = serve(prefix, "");

    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("plain"), List.of("dev"));
    // The session runs as the gateway's own uid: only the sandbox keeps the data directory (the
    // gateway's, so readable by that uid) out of reach.
    SshResult r = gw.ssh(key, "shell").run("id -u; ls " + gw.dataDir() + " 2>&1; cat /proc/1/environ 2>&1 | head -c 200");
    assertThat(r.out()).as("%s", r).startsWith(SERVICE_UID + "\n").contains("No such file or directory")
        .doesNotContain("gatehouse.db").doesNotContain("GATEHOUSE");

    assertSessionsWorkAndLeaveNothing(gw, key);
  }

  private void assertSessionsWorkAndLeaveNothing(GatewayFixture gw, SshClientKey key) throws Exception {
    SshResult sql = gw.ssh(key, "prod-db").run("select 40 + 2 as answer");
    assertThat(sql.exitCode()).as("%s\n%s", sql, gateway.output()).isZero();
    assertThat(sql.out()).contains("42");

    String marker = "sleep " + (32_000_000 + ProcessHandle.current().pid() % 100_000);
    SshResult bg = gw.ssh(key, "shell").run("setsid " + marker + " >/dev/null 2>&1 & echo started");
    assertThat(bg.out()).as("%s", bg).contains("started");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    boolean running = true;
    while (running && System.nanoTime() < deadline) {
      running = ProcessHandle.allProcesses()
          .anyMatch(p -> p.info().commandLine().map(c -> c.contains(marker)).orElse(false));
      if (running) {
        Thread.sleep(100);
      }
    }
    assertThat(running).as("'%s' outlived its session", marker).isFalse();
  }

  private GatewayFixture serve(List<String> prefix, String runAs) throws Exception {
    // The service account must reach its config and data directory (and nothing else of ours).
    Files.createDirectories(dir.resolve("data"));
    int port = SshdProcess.freePort();
    Path config = dir.resolve("gatehouse.yaml");
    Files.writeString(config, """
        dataDir: "%s"
        ssh:
          listen: "127.0.0.1:%d"
          hostNames: [127.0.0.1, localhost]
        targets:
          - name: shell
            type: command
            command: ["/bin/sh", "-i"]
            exec: ["/bin/sh", "-c"]
            env: { PATH: "/usr/bin:/bin" }
            %s
            allow: { groups: [dev] }
          - name: prod-db
            type: postgres
            postgres: { host: 127.0.0.1, port: %d, database: app, user: app_rw, password: "file:%s", tls: disable }
            %s
            allow: { groups: [dev] }
        """.formatted(dir.resolve("data"), port, runAs, pg.port, copyOfPassword(), runAs));
    chown(dir);
    gateway = GatewayProcess.serve(dir, config, port, prefix);
    return GatewayFixture.external(dir, config, port);
  }

  /** The database password, readable by the service account (the server's own copy is not). */
  private Path copyOfPassword() throws IOException {
    Path copy = dir.resolve("db-password");
    Files.copy(pg.passwordFile(), copy);
    return copy;
  }

  private static void chown(Path p) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("chown", "-R", SERVICE_UID + ":" + SERVICE_UID, p.toString()));
    Process proc = new ProcessBuilder(cmd).inheritIO().start();
    assertThat(proc.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(proc.exitValue()).isZero();
  }
}
