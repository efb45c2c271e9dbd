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
   * Every writable mount of the sandbox (/tmp, /run, /var/tmp, and bwrap's /dev with /dev/shm) is
   * a tmpfs of the default size, half the bastion's RAM each, with no memory cgroup behind it: one
   * session can pin several times the machine's memory (the OOM killer then picks the biggest
   * process, the gateway). Here 5 x 256 MiB; a bounded sandbox must refuse well before 1 GiB.
   */
  @Test
  void tmpfsMountsFillTheBastionsMemory() throws Exception {
    SshResult r = gw.ssh(mallory, "shell").timeout(Duration.ofSeconds(60)).run(
        "df -m --output=size /tmp | tail -1; total=0; for d in /tmp /run /var/tmp /dev/shm /dev; do "
            + "head -c 256M /dev/zero > $d/fill 2>/dev/null; total=$((total + $(du -m $d/fill | cut -f1))); done; "
            + "echo stored=$total");
    assertThat(r.out()).as("%s", r).contains("stored=");
    long size = Long.parseLong(r.out().lines().findFirst().orElseThrow().trim());
    long stored = Long.parseLong(r.out().substring(r.out().indexOf("stored=") + 7).trim());
    assertThat(stored).as("MiB of the bastion's RAM one session stored in its tmpfs mounts (/tmp is %d MiB)", size)
        .isLessThan(1024);
  }

  /**
   * No pids limit per session: the only bound is RLIMIT_NPROC of the runAs uid, shared with every
   * other session (and every psql) running as that uid, so one session can starve all of them.
   * Here 1000 sleeping processes; a bounded sandbox must refuse before that.
   */
  @Test
  void forkWithoutAPerSessionLimit() throws Exception {
    SshResult r = gw.ssh(mallory, "shell").timeout(Duration.ofSeconds(60)).run(
        "n=0; for i in $(seq 1 1000); do sleep 20 2>/dev/null & n=$((n+1)); done; "
            + "echo running=$(ls /proc | grep -c '^[0-9]'); kill $(jobs -p) 2>/dev/null; true");
    assertThat(r.out()).as("%s", r).contains("running=");
    int running = Integer.parseInt(r.out().substring(r.out().indexOf("running=") + 8).trim());
    assertThat(running).as("processes one session keeps at once").isLessThan(1000);
  }

  /**
   * SocketDirectories names each psql session's directory at random so that "a listing of /tmp
   * shows nothing to aim at". A command target shares the host's network namespace, and
   * /proc/net/unix lists every bound Unix socket's path in it: the random names are in plain view.
   */
  @Test
  void procNetUnixRevealsOtherSessionsSocketPaths() throws Exception {
    try (GatewayFixture.Running running = gw.ssh(mallory, "prod-db").start("select pg_sleep(6)")) {
      SshResult r = null;
      for (int i = 0; i < 40; i++) {
        r = gw.ssh(mallory, "shell").run("grep -o '/tmp/gatehouse-sockets-[^ ]*' /proc/net/unix; echo end");
        if (r.out().contains("gatehouse-sockets-")) {
          break;
        }
        Thread.sleep(200);
      }
      assertThat(r.out()).as("%s", r).contains("end").doesNotContain("/.s.PGSQL.5432");
      running.await();
    }
  }
}
