package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.postgres.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hostile user with a valid certificate, in a command target's sandbox, goes after the bastion
 * as a whole rather than out of the sandbox: its memory, its process table, and what the host's
 * network namespace tells about other sessions. Bounded: nothing here takes the machine down.
 */
class SandboxResourceAttacksIT {
  @TempDir static Path dir;
  static PostgresServer pg;
  static GatewayFixture gw;
  static SshClientKey mallory;

  @RegisterExtension GatewayLogOnFailure log = new GatewayLogOnFailure();

  @BeforeAll
  static void start() throws Exception {
    pg = PostgresServer.start(false);
    Files.createDirectories(dir.resolve("gw"));
    gw = GatewayFixture.start(dir.resolve("gw"), "", SessionEscapeIT.TARGETS.formatted(pg.port, pg.passwordFile()));
    mallory = gw.sign(GatewayFixture.uniqueIdentity("mallory"), List.of("dev"));
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
   * Every writable mount of the sandbox (/tmp, /run, /var/tmp, /dev/shm) is memory: were each a
   * tmpfs of the default size (half the bastion's RAM), one session could pin several times the
   * machine's memory. Each is capped, and /dev is read-only: 5 x 256 MiB tried, well under 1 GiB
   * stored.
   */
  /**
   * A guarded bash keeps the nonce of its next prompt in its memory; the programs a session runs are
   * of the same user, and on most hosts may read such a process's memory ({@code /proc/PID/mem},
   * its map, ptrace). Command targets run bash from an execute-only copy: the kernel then keeps its
   * memory closed to them, while the programs themselves run as usual.
   */
  @Test
  void aShellsMemoryIsClosedToTheProgramsItStarts() throws Exception {
    SshResult r = gw.ssh(mallory, "shell").timeout(Duration.ofSeconds(60)).run(
        "bash -c 'cat /proc/$$/maps > /dev/null 2>&1 && echo maps-readable || echo maps-closed; "
            + "dd if=/proc/$$/mem bs=1 count=0 status=none 2>/dev/null && echo mem-readable || echo mem-closed; "
            + "cat /proc/self/maps | grep -c . > /dev/null && echo own-readable; bash --version | head -1'");
    assertThat(r.out()).as("%s", r).contains("maps-closed").contains("mem-closed").contains("own-readable")
        .contains("GNU bash, version");
  }

  @Test
  void tmpfsMountsFillTheBastionsMemory() throws Exception {
    SshResult r = gw.ssh(mallory, "shell").timeout(Duration.ofSeconds(60)).run(
        "df -m --output=size /tmp | tail -1; total=0; for d in /tmp /run /var/tmp /dev/shm /dev; do "
            + "head -c 256M /dev/zero > $d/fill 2>/dev/null; s=$(du -m $d/fill 2>/dev/null | cut -f1); "
            + "total=$((total + ${s:-0})); done; "
            + "echo stored=$total");
    assertThat(r.out()).as("%s", r).contains("stored=");
    long size = Long.parseLong(r.out().lines().findFirst().orElseThrow().trim());
    long stored = Long.parseLong(r.out().substring(r.out().indexOf("stored=") + 7).trim());
    assertThat(stored).as("MiB of the bastion's RAM one session stored in its tmpfs mounts (/tmp is %d MiB)", size)
        .isLessThan(1024);
  }

  /**
   * A command target shares the host's network namespace, so /proc/net/unix lists every bound Unix
   * socket, the psql sessions' proxy sockets among them: their names are not secret. Knowing one
   * gets nowhere: the path is not in the sandbox (its /tmp is private), and the proxy serves only
   * processes of its own session's sandbox (see SessionEscapeIT for a host process that tries).
   */
  @Test
  void aSocketPathSeenInProcNetUnixLeadsNowhere() throws Exception {
    try (GatewayFixture.Running running = gw.ssh(mallory, "prod-db").start("select pg_sleep(6)")) {
      SshResult r = null;
      for (int i = 0; i < 40; i++) {
        r = gw.ssh(mallory, "shell").run("for p in $(grep -o '/tmp/gatehouse-sockets-[^ ]*' /proc/net/unix); do "
            + "echo found; d=$(dirname $p); psql -X -h $d -d app -c 'select 1' 2>&1; ls $d 2>&1; done; echo end");
        if (r.out().contains("found")) {
          break;
        }
        Thread.sleep(200);
      }
      assertThat(r.out()).as("%s", r).contains("found").contains("end").doesNotContain("(1 row)")
          .contains("No such file or directory");
      running.await();
    }
  }
}
