package dev.gatehouse.gateway.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.sandbox.Sandbox;
import dev.gatehouse.gateway.sandbox.SocketDirectories;
import dev.gatehouse.gateway.terminal.ChildProcess;
import dev.gatehouse.gateway.terminal.ExitStatus;
import dev.gatehouse.gateway.terminal.UnixUser;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The second wall on its own: real psql in the sandbox the gateway gives it, fed meta-commands
 * straight (no guard in front), as if the guard had missed them. Nothing may run and nothing of
 * the bastion may be read or written: there is no shell or other program to start, no data
 * directory, no /etc, and files written land in a private /tmp that vanishes.
 */
class PsqlSandboxIT {
  static PostgresServer pg;
  static TestPolicy policy;
  static PgProxyServer proxy;
  static Path socketDir;
  static Sandbox sandbox;
  static UnixUser nobody;
  static final List<Long> peers = new java.util.concurrent.CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    pg = PostgresServer.start(false);
    policy = TestPolicy.forServer(pg);
    socketDir = SocketDirectories.create();
    proxy = PgProxyServer.unix(socketDir.resolve(".s.PGSQL.5432"), peer -> peers.add(peer.pid()),
        PgProxyIT.settings(pg), policy, policy, policy, new CancelRegistry());
    Files.setPosixFilePermissions(socketDir.resolve(".s.PGSQL.5432"),
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
    nobody = UnixUser.lookup("nobody");
    sandbox = Sandbox.probe(List.of(pg.dir), nobody);
  }

  @AfterAll
  static void stop() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  record Run(ExitStatus status, String out, String err) {}

  /** psql -X -c TEXT in the sandbox, as the gateway starts it for an exec, but with no guard. */
  static Run psql(String... commands) throws Exception {
    List<String> args = new ArrayList<>(List.of("-X"));
    for (String c : commands) {
      args.addAll(List.of("-c", c));
    }
    Map<String, String> env = Map.of("PGHOST", Sandbox.PSQL_SOCKET_DIR, "PGPORT", "5432", "PGUSER", "x",
        "PGDATABASE", "app", "PSQLRC", "/dev/null", "HOME", "/nonexistent", "PATH", "/usr/bin:/bin");
    ChildProcess p = ChildProcess.startWithPipes(sandbox.psql(nobody, socketDir, args, false), env);
    p.closeInput();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Thread e = new Thread(() -> drain(p, false, err));
    e.start();
    drain(p, true, out);
    ExitStatus s = p.waitFor();
    e.join(5000);
    p.closeDescriptors();
    return new Run(s, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static void drain(ChildProcess p, boolean stdout, ByteArrayOutputStream to) {
    byte[] b = new byte[8192];
    try {
      int n;
      while ((n = stdout ? p.readOutput(b, 0, b.length) : p.readError(b, 0, b.length)) > 0) {
        to.write(b, 0, n);
      }
    } catch (java.io.IOException ignored) {
      // end of output
    }
  }

  @Test
  void psqlWorksInItsSandboxAsRunAs() throws Exception {
    Run r = psql("SELECT current_user, 40 + 2 AS answer");
    assertThat(r.status().code()).as(r.toString()).isZero();
    assertThat(r.out()).contains("app_rw").contains("42");
    assertThat(peers).as("the proxy saw the connecting psql's pid").isNotEmpty();
  }

  @Test
  void shellEscapesRunNothing() throws Exception {
    for (String escape : List.of("\\! id", "\\! /usr/bin/id", "\\! exec /bin/sh -c id",
        "\\o |id", "\\g |id", "\\copy (select 1) to program 'id'", "\\echo `id`", "\\setenv X y",
        "\\cd /", "\\! echo ESCAPED > /tmp/x")) {
      Run r = psql("SELECT 1 AS x", escape, "\\echo AFTER");
      String all = r.out() + r.err();
      assertThat(all).as(escape + "\n" + r).doesNotContain("uid=").doesNotContain("ESCAPED");
    }
  }

  @Test
  void theBastionsFilesAreNotThere() throws Exception {
    for (String path : List.of("/etc/passwd", "/etc/shadow", pg.dir.resolve("app-pw").toString(),
        "/bin/sh", "/usr/bin/perl", "/proc/1/environ", "/root/.ssh/authorized_keys")) {
      Run r = psql("\\i " + path);
      assertThat(r.err()).as(path + "\n" + r).contains("No such file or directory");
      assertThat(r.out()).doesNotContain("root:");
    }
  }

  /**
   * psql can write nothing at all: a file it wrote could be a library for OpenSSL or the dynamic
   * loader to run (OPENSSL_CONF and \\password need no shell), so no path in its sandbox is
   * writable, not even a /tmp.
   */
  @Test
  void psqlCanWriteNothing() throws Exception {
    String marker = "gh-sandbox-" + ProcessHandle.current().pid();
    for (String dir : List.of("/tmp", "/", "/dev", "/run/gatehouse", "/usr/lib", "/dev/shm", "/var/tmp")) {
      Run r = psql("\\o " + dir + "/" + marker, "SELECT 'written'");
      assertThat(r.err()).as(dir + "\n" + r).containsAnyOf("Read-only file system", "No such file or directory");
    }
    assertThat(Path.of("/tmp", marker)).doesNotExist();
  }

  @Test
  void psqlCannotReachTheNetwork() throws Exception {
    Run r = psql("\\connect app postgres 127.0.0.1 " + pg.port);
    assertThat(r.err()).as(r.toString()).containsAnyOf("Network is unreachable", "Connection refused",
        "Cannot assign requested address");
  }
}
