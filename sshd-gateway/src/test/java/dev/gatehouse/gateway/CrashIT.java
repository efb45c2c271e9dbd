package dev.gatehouse.gateway;

import static dev.gatehouse.gateway.GatewayFixture.field;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.recorder.SessionRecord;
import dev.gatehouse.recorder.SessionState;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway as operators run it (`java -jar gatehouse.jar serve --config FILE`), killed with
 * SIGKILL in the middle of a session: the recording still plays and, after a restart on the same
 * data directory, the index says the session was interrupted.
 */
@ExtendWith(GatewayLogOnFailure.class)
class CrashIT {
  private static final Path JAR = Path.of("target/gatehouse.jar");
  private static final Duration WAIT = Duration.ofSeconds(20);

  @Test
  void killedGatewayLeavesAPlayableRecordingMarkedInterruptedAfterRestart(@TempDir Path dir) throws Exception {
    assertThat(JAR).as("built by `package` before failsafe runs").exists();
    int port = freePort();
    Path config = dir.resolve("gatehouse.yaml");
    Files.writeString(config, """
        dataDir: data
        ssh:
          listen: "127.0.0.1:%d"
          hostNames: [127.0.0.1]
        targets:
          - name: shell
            type: command
            command: ["/bin/bash", "--noprofile", "--norc", "-i"]
            env: { PATH: "/usr/bin:/bin", PS1: "gh$ " }
            runAs: nobody
            allow: { groups: [dev] }
        """.formatted(port));

    Process first = serve(config, dir.resolve("serve-1.log"), port);
    String sessionId;
    try {
      GatewayFixture clients = GatewayFixture.external(dir, config, port);
      SshClientKey key = clients.sign(GatewayFixture.uniqueIdentity("crash"), List.of("dev"));
      try (InteractiveProcess ssh = clients.interactive(key, "shell")) {
        ssh.await("gh$ ", WAIT);
        ssh.send("echo CRASH-$((6*7))-MARK\n");
        ssh.await("CRASH-42-MARK\r\n", WAIT);
        SessionRecord live = clients.awaitSession(key.identity(), s -> s.state() == SessionState.ACTIVE);
        sessionId = live.id();
        Thread.sleep(500); // the recorder flushes at least every 100 ms

        first.destroyForcibly(); // SIGKILL: no shutdown hook, nothing closed
        assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(ssh.waitFor(WAIT)).as("the client sees the connection drop").isEqualTo(255);
      }

      // Before a restart nobody has touched the row: it still says active.
      assertThat(clients.sessionsOf(key.identity())).singleElement()
          .satisfies(s -> assertThat(s.state()).isEqualTo(SessionState.ACTIVE));

      Process second = serve(config, dir.resolve("serve-2.log"), port);
      try {
        SessionRecord after = clients.awaitSession(key.identity(), s -> s.state() == SessionState.INTERRUPTED);
        assertThat(after.id()).isEqualTo(sessionId);
        assertThat(after.sha256()).isNotBlank();
        JsonNode interrupted = clients.awaitAudit("session-interrupted " + sessionId,
            field("code", "GH2003W").and(field("sessionId", sessionId)));
        assertThat(interrupted.path("sha256").asText()).isEqualTo(after.sha256());

        GatewayFixture.CliResult list = clients.cli("sessions", "list", "--format", "json", "--identity", key.identity());
        JsonNode row = new ObjectMapper().readTree(list.out()).get(0);
        assertThat(row.path("state").asText()).isEqualTo("interrupted");

        assertThat(Asciinema.cat(clients.dataDir().resolve(after.path()))).contains("CRASH-42-MARK");
        GatewayFixture.CliResult verify = clients.cli("sessions", "verify");
        assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();
      } finally {
        stop(second);
      }
    } catch (AssertionError | Exception e) {
      printLogs(dir);
      throw e;
    } finally {
      first.destroyForcibly();
    }
  }

  private static Process serve(Path config, Path log, int port) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-jar", JAR.toString(), "serve", "--config", config.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!Files.readString(log).contains("Gatehouse is listening on")) {
      if (!p.isAlive() || System.nanoTime() > deadline) {
        p.destroyForcibly();
        throw new AssertionError("gatehouse serve did not start on port " + port + ":\n" + Files.readString(log));
      }
      Thread.sleep(50);
    }
    return p;
  }

  private static void stop(Process p) throws InterruptedException {
    p.destroy(); // SIGTERM: the shutdown hook drains
    if (!p.waitFor(15, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
  }

  private static void printLogs(Path dir) throws IOException {
    for (String name : List.of("serve-1.log", "serve-2.log")) {
      Path f = dir.resolve(name);
      if (Files.exists(f)) {
        System.err.println("----- " + name + " -----\n" + Files.readString(f));
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
