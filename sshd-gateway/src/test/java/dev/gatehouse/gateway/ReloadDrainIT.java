package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.recorder.SessionState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service's lifecycle with a live session, on a gateway running as its own JVM from the built
 * jar: SIGHUP applies a new config to new sessions and keeps live ones; a bad file is refused;
 * SIGTERM drains (users told, recordings closed and indexed) and then the process exits.
 */
class ReloadDrainIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String COMMAND_TARGET =
      """
        - name: %s
          type: command
          command: ["/bin/sh", "-i"]
          exec: ["/bin/sh", "-c"]
          env: { PATH: "/usr/bin:/bin" }
          runAs: nobody
          allow: { groups: [dev] }
      """;

  @TempDir Path dir;
  private GatewayProcess gateway;

  /** On failure, prints what the gateway process wrote (before @TempDir is deleted). */
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

  @AfterEach
  void stopGateway() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
  }

  private static String config(Path dir, int port, String extraTopLevel, String... targets) {
    StringBuilder y = new StringBuilder();
    y.append("dataDir: \"").append(dir.resolve("data")).append("\"\n");
    y.append(extraTopLevel);
    y.append("ssh:\n  listen: \"127.0.0.1:").append(port).append("\"\n  hostNames: [127.0.0.1, localhost]\n");
    y.append("targets:\n");
    for (String t : targets) {
      y.append(COMMAND_TARGET.formatted(t));
    }
    return y.toString();
  }

  /** Writes the config, starts the gateway's JVM on a free port, returns clients for it. */
  private GatewayFixture serve(Path configFile, String yaml, int port) throws Exception {
    Files.writeString(configFile, yaml);
    gateway = GatewayProcess.serve(dir, configFile, port);
    return GatewayFixture.external(dir, configFile, port);
  }

  @Test
  void sighupAddsATargetForNewSessionsWhileALiveSessionCarriesOn() throws Exception {
    int port = SshdProcess.freePort();
    Path configFile = dir.resolve("gatehouse.yaml");
    GatewayFixture gw = serve(configFile, config(dir, port, "", "shell"), port);
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("reload"), List.of("dev"));
    assertThat(gw.ssh(key, "added").run("echo new-target").exitCode()).as("no target 'added' yet").isEqualTo(65);

    try (GatewayFixture.Running live = gw.ssh(key, "shell").start("sleep 8; echo still-here")) {
      gw.awaitSession(key.identity(), s -> s.state() == SessionState.ACTIVE && s.target().equals("shell"));

      // v2: 'added' is new, and 'shell' is now for another group.
      Files.writeString(configFile, config(dir, port, "", "shell", "added").replaceFirst("groups: \\[dev\\]", "groups: [ops]"));
      gateway.signal("HUP");
      long hup = System.nanoTime();
      SshResult added;
      while (true) {
        added = gw.ssh(key, "added").run("echo new-target");
        if (added.exitCode() == 0 || Duration.ofNanos(System.nanoTime() - hup).toMillis() > 2500) {
          break;
        }
        Thread.sleep(100);
      }
      assertThat(added.exitCode()).as("the new target within ~2 s of SIGHUP: %s", added).isZero();
      assertThat(added.out()).isEqualTo("new-target\n");
      assertThat(gateway.stderr()).contains("configuration reloaded");
      SshResult refused = gw.ssh(key, "shell").run("echo new-session");
      assertThat(refused.exitCode()).as("new sessions get the new allow list: %s", refused).isEqualTo(77);

      // The session that started before the reload was not dropped.
      assertThat(live.isAlive()).isTrue();
      SshResult r = live.await();
      assertThat(r.exitCode()).as("%s", r).isZero();
      assertThat(r.out()).isEqualTo("still-here\n");
    }
  }

  @Test
  void sighupNamesEachChangedKeyThatNeedsARestartInTheLogAndTheAuditLine() throws Exception {
    int port = SshdProcess.freePort();
    Path configFile = dir.resolve("gatehouse.yaml");
    serve(configFile, config(dir, port, "", "shell"), port);
    Path audit = dir.resolve("data").resolve("audit").resolve("audit.jsonl");

    // Only a target added: everything applies.
    Files.writeString(configFile, config(dir, port, "", "shell", "added"));
    gateway.signal("HUP");
    JsonNode first = awaitReloadLine(audit, 1);
    assertThat(first.path("code").asText()).isEqualTo("GH5000I");
    assertThat(first.path("restartNeeded").isArray()).as("%s", first).isTrue();
    assertThat(first.path("restartNeeded")).as("%s", first).isEmpty();

    // The web listener, a recording timer and an SSH limit are built at start.
    Files.writeString(configFile, config(dir, port,
        "web:\n  listen: \"127.0.0.1:0\"\nrecording:\n  checkpoint: 30s\n", "shell", "added")
        .replace("hostNames: [127.0.0.1, localhost]", "hostNames: [127.0.0.1, localhost]\n  maxAuthAttempts: 3"));
    gateway.signal("HUP");
    JsonNode second = awaitReloadLine(audit, 2);
    List<String> named = new java.util.ArrayList<>();
    second.path("restartNeeded").forEach(n -> named.add(n.asText()));
    assertThat(named).containsExactly("ssh.maxAuthAttempts", "web.listen", "recording.checkpoint");
    assertThat(gateway.awaitStderr("ssh.maxAuthAttempts, web.listen, recording.checkpoint changed", Duration.ofSeconds(5)))
        .containsPattern("WARN.*reload: ssh.maxAuthAttempts, web.listen, recording.checkpoint changed; these take effect"
            + " only when the gateway is restarted");
    assertThat(gateway.isAlive()).isTrue();
  }

  /**
   * Started under {@code nohup} (as an operator may, and as a build started with nohup runs this
   * test), the JVM inherits an ignored SIGHUP and would leave it ignored: {@code kill -HUP} reloaded
   * nothing. The gateway takes the signal over all the same.
   */
  @Test
  void sighupReloadsAGatewayStartedUnderNohup() throws Exception {
    int port = SshdProcess.freePort();
    Path configFile = dir.resolve("gatehouse.yaml");
    Files.writeString(configFile, config(dir, port, "", "shell"));
    gateway = GatewayProcess.serve(dir, configFile, port, List.of("nohup"));
    Path audit = dir.resolve("data").resolve("audit").resolve("audit.jsonl");
    Files.writeString(configFile, config(dir, port, "", "shell", "added"));
    gateway.signal("HUP");
    JsonNode first = awaitReloadLine(audit, 1);
    assertThat(first.path("targets").asInt()).as("%s", first).isEqualTo(2);
    assertThat(gateway.stderr()).contains("SIGHUP was ignored when the gateway started");
    assertThat(gateway.isAlive()).isTrue();
  }

  /** The {@code n}th reload's GH5000I line in the audit log, waiting up to 5 s for it. */
  private JsonNode awaitReloadLine(Path audit, int n) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (true) {
      List<JsonNode> reloads = new java.util.ArrayList<>();
      for (String line : Files.readAllLines(audit)) {
        JsonNode j = JSON.readTree(line);
        if (j.path("reason").asText().equals("reload")) {
          reloads.add(j);
        }
      }
      if (reloads.size() >= n) {
        return reloads.get(n - 1);
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no reload #" + n + " in the audit log:\n" + gateway.output());
      }
      Thread.sleep(50);
    }
  }

  @Test
  void sighupWithABadConfigIsRefusedAndTheRunningConfigStays() throws Exception {
    int port = SshdProcess.freePort();
    Path configFile = dir.resolve("gatehouse.yaml");
    GatewayFixture gw = serve(configFile, config(dir, port, "", "shell", "second"), port);
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("badreload"), List.of("dev"));

    // An unknown key, and a file that would also drop a target: neither may take effect.
    Files.writeString(configFile, config(dir, port, "retentionDays: 30\n", "shell"));
    gateway.signal("HUP");

    String log = gateway.awaitStderr("reload refused", Duration.ofSeconds(5));
    assertThat(log).contains("retentionDays");
    assertThat(gateway.isAlive()).isTrue();
    for (String target : List.of("shell", "second")) {
      SshResult r = gw.ssh(key, target).run("echo old-" + target);
      assertThat(r.exitCode()).as("%s: %s", target, r).isZero();
      assertThat(r.out()).isEqualTo("old-" + target + "\n");
    }

    // A valid file that moves the data directory: the store cannot move under a running gateway.
    Path elsewhere = dir.resolve("moved");
    Files.writeString(configFile, config(elsewhere, port, "", "shell", "second"));
    gateway.signal("HUP");
    gateway.awaitStderr("dataDir", Duration.ofSeconds(5));
    assertThat(gateway.stderr()).contains("reload refused").doesNotContain("configuration reloaded");
    SshResult after = gw.ssh(key, "second").run("echo still-recorded");
    assertThat(after.exitCode()).as("%s", after).isZero();
    assertThat(elsewhere).doesNotExist();
    // Every session, including the last, is in the one store, and it verifies.
    Files.writeString(configFile, config(dir, port, "", "shell", "second"));
    GatewayFixture.CliResult verify = GatewayProcess.cli("sessions", "verify", "--config", configFile.toString());
    assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();
    assertThat(gw.sessionsOf(key.identity())).hasSize(3);
  }

  @Test
  void sigtermDrainsALiveSessionClosesItsRecordingAndExits() throws Exception {
    int port = SshdProcess.freePort();
    Path configFile = dir.resolve("gatehouse.yaml");
    GatewayFixture gw = serve(configFile, config(dir, port, "", "shell"), port);
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("drain"), List.of("dev"));

    try (GatewayFixture.Running live = gw.ssh(key, "shell").start("echo started; sleep 30");
        InteractiveProcess terminal = gw.interactive(key, "shell")) {
      terminal.await("$ ", Duration.ofSeconds(10));
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (gw.sessionsOf(key.identity()).stream().filter(s -> s.state() == SessionState.ACTIVE).count() < 2) {
        assertThat(System.nanoTime()).as("two live sessions").isLessThan(deadline);
        Thread.sleep(50);
      }
      long t0 = System.nanoTime();
      gateway.signal("TERM");

      SshResult r = live.await();
      Duration seen = Duration.ofNanos(System.nanoTime() - t0);
      assertThat(r.err()).as("%s", r).contains("gateway is shutting down");
      assertThat(r.out()).isEqualTo("started\n");
      assertThat(seen).as("the client was told and let go").isLessThan(Duration.ofSeconds(8));
      // The person at a terminal reads it on the screen.
      terminal.await("gateway is shutting down", Duration.ofSeconds(8));
      terminal.waitFor(Duration.ofSeconds(8));
      gateway.awaitExit(Duration.ofSeconds(20));
    }
    // The last audit line: the gateway stopped with no session left behind.
    List<String> audit = Files.readAllLines(gw.dataDir().resolve("audit/audit.jsonl"));
    JsonNode last = JSON.readTree(audit.get(audit.size() - 1));
    assertThat(last.path("code").asText()).as(last.toString()).isEqualTo("GH5001I");
    assertThat(last.path("liveSessions").asInt()).as(last.toString()).isZero();

    // After the process is gone, what an operator's scripts see.
    GatewayFixture.CliResult list =
        GatewayProcess.cli("sessions", "list", "--format", "json", "--identity", key.identity(), "--config",
            configFile.toString());
    assertThat(list.exitCode()).as(list.err()).isZero();
    JsonNode rows = JSON.readTree(list.out());
    assertThat(rows.size()).as(list.out()).isEqualTo(2);
    for (JsonNode row : rows) {
      assertThat(row.path("state").asText()).as(list.out()).isEqualTo("closed");
      assertThat(row.path("end").isNull()).isFalse();
      String cast = Files.readString(gw.dataDir().resolve(row.path("path").asText()));
      assertThat(cast).contains("gateway is shutting down");
      // Closed cleanly: it plays in the real asciinema.
      assertThat(Asciinema.cat(gw.dataDir().resolve(row.path("path").asText()))).contains("gateway is shutting down");
    }

    GatewayFixture.CliResult verify = GatewayProcess.cli("sessions", "verify", "--config", configFile.toString());
    assertThat(verify.exitCode()).as(verify.out() + verify.err()).isZero();
  }
}
