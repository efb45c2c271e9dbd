package dev.gatehouse.gateway;

import static dev.gatehouse.gateway.GatewayFixture.field;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.keys.UserCertificateRequest;
import dev.gatehouse.recorder.SessionRecord;
import dev.gatehouse.recorder.SessionState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ssh} targets against a real OpenSSH sshd on a free loopback port that trusts only the
 * gateway's target CA: the real ssh client → gateway → MINA client → sshd → bash as gh-target.
 * Host keys are checked on both legs: the client trusts the gateway's host CA, the gateway pins
 * sshd's host key from its config.
 */
@ExtendWith(GatewayLogOnFailure.class)
class SshTargetIT {
  private static final Duration WAIT = Duration.ofSeconds(15);

  @TempDir static Path dir;
  static SshdProcess sshd;
  /** A second host that presents a host certificate (principal 127.0.0.1) from its own host CA. */
  static SshdProcess certHost;
  /** The same sshd behind a forwarder that holds each connection 2 s: a slow host. */
  static DelayingProxy slowPath;
  static GatewayFixture gw;

  @BeforeAll
  static void start() throws Exception {
    sshd = SshdProcess.prepare(dir.resolve("sshd"));
    Path otherKey = dir.resolve("other_host_key");
    GatewayFixture.keygen("-q", "-t", "ed25519", "-N", "", "-f", otherKey.toString());
    String wrongKey = SshdProcess.firstTwoFields(Path.of(otherKey + ".pub"));
    int nothingListens = SshdProcess.freePort();
    certHost = SshdProcess.prepare(dir.resolve("sshd-cert"));
    Path hostCa = dir.resolve("host_ca");
    GatewayFixture.keygen("-q", "-t", "ed25519", "-N", "", "-C", "test-host-ca", "-f", hostCa.toString());
    GatewayFixture.keygen("-q", "-s", hostCa.toString(), "-I", "cert-host", "-h", "-n", "127.0.0.1", "-V", "-5m:+1h",
        certHost.hostKey() + ".pub");
    String caPin = "@cert-authority * " + SshdProcess.firstTwoFields(Path.of(hostCa + ".pub"));
    String ssh = "{ host: 127.0.0.1, port: %d, user: " + SshdProcess.TARGET_USER + ", hostKey: \"%s\" }";
    String targets = "targets:\n"
        + "  - name: host\n    type: ssh\n"
        + "    ssh: " + String.format(ssh, sshd.port(), sshd.hostKeyLine()) + "\n"
        + "    allow: { groups: [dev] }\n"
        + "  - name: idle-host\n    type: ssh\n"
        + "    ssh: " + String.format(ssh, sshd.port(), sshd.hostKeyLine()) + "\n"
        + "    allow: { groups: [dev] }\n"
        + "    idleTimeout: 2s\n"
        + "  - name: impostor\n    type: ssh\n"
        + "    ssh: " + String.format(ssh, sshd.port(), wrongKey) + "\n"
        + "    allow: { groups: [dev] }\n"
        + "  - name: down\n    type: ssh\n"
        + "    ssh: " + String.format(ssh, nothingListens, sshd.hostKeyLine()) + "\n"
        + "    allow: { groups: [dev] }\n"
        + "  - name: no-account\n    type: ssh\n"
        + "    ssh: { host: 127.0.0.1, port: " + sshd.port() + ", user: gh-no-such-user, hostKey: \""
        + sshd.hostKeyLine() + "\" }\n"
        + "    allow: { groups: [dev] }\n"
        + "  - name: short-host\n    type: ssh\n"
        + "    ssh: " + String.format(ssh, sshd.port(), sshd.hostKeyLine()) + "\n"
        + "    allow: { groups: [dev] }\n"
        + "    maxSessionLength: 3s\n"
        + "  - name: cert-host\n    type: ssh\n"
        + "    ssh: " + String.format(ssh, certHost.port(), caPin) + "\n"
        + "    allow: { groups: [dev] }\n"
        + "  - name: cert-host-by-name\n    type: ssh\n"
        + "    ssh: { host: localhost, port: " + certHost.port() + ", user: " + SshdProcess.TARGET_USER
        + ", hostKey: \"" + caPin + "\" }\n"
        + "    allow: { groups: [dev] }\n";
    slowPath = new DelayingProxy(sshd.port(), Duration.ofSeconds(2));
    targets += "  - name: slow-host\n    type: ssh\n"
        + "    ssh: " + String.format(ssh, slowPath.port(), sshd.hostKeyLine()) + "\n"
        + "    allow: { groups: [dev] }\n";
    gw = GatewayFixture.start(dir, "", targets);
    // The host would take any of these; what the gateway passes on is the question.
    // ExposeAuthInfo: a session can read the certificate the gateway logged in with ($SSH_USER_AUTH).
    sshd.start(gw.gateway().certificateAuthority().targetCaPublicKeyLine(), "AcceptEnv LANG LC_* GATEHOUSE_*",
        "ExposeAuthInfo yes");
    certHost.start(gw.gateway().certificateAuthority().targetCaPublicKeyLine(),
        "HostCertificate " + certHost.hostKey() + "-cert.pub");
  }

  @AfterAll
  static void stop() throws Exception {
    if (gw != null) {
      gw.close();
    }
    if (sshd != null) {
      sshd.close();
    }
    if (certHost != null) {
      certHost.close();
    }
    if (slowPath != null) {
      slowPath.close();
    }
  }

  private static SshClientKey person(String prefix) throws Exception {
    return gw.sign(GatewayFixture.uniqueIdentity(prefix), List.of("dev"));
  }

  @Test
  void execWithoutPtyKeepsStdoutAndStderrApartAndPassesTheExitStatusBack() throws Exception {
    SshClientKey key = person("exec");

    SshResult r = gw.ssh(key, "host").run("echo to-stdout; echo to-stderr >&2; exit 3");

    assertThat(r.exitCode()).as("%s", r).isEqualTo(3);
    // No pty: plain LF, and the remote's stderr arrives on the client's stderr only.
    assertThat(r.out()).isEqualTo("to-stdout\n");
    assertThat(r.err()).isEqualTo("to-stderr\n");
  }

  @Test
  void stdinEofReachesTheRemoteCommand() throws Exception {
    SshClientKey key = person("stdin");

    SshResult r = gw.ssh(key, "host").stdin("a\nb\n").run("wc -l");

    // wc only prints after EOF: the client's EOF went through the gateway to the remote channel.
    assertThat(r.exitCode()).as("%s", r).isZero();
    assertThat(r.out()).isEqualTo("2\n");
  }

  @Test
  void execWithPtyRunsOnARemotePseudoTerminal() throws Exception {
    SshClientKey key = person("execpty");

    SshResult r = gw.ssh(key, "host").options("-tt").run("tty; echo $TERM");

    assertThat(r.exitCode()).as("%s", r).isZero();
    assertThat(r.out()).matches("/dev/pts/\\d+\r\nxterm-256color\r\n");
  }

  @Test
  void execWithoutPtyHasNoRemoteTerminal() throws Exception {
    SshClientKey key = person("nopty");

    SshResult r = gw.ssh(key, "host").run("tty");

    // MINA's ChannelExec must not send a pty-req the user did not ask for.
    assertThat(r.out()).as("%s", r).isEqualTo("not a tty\n");
    assertThat(r.exitCode()).isEqualTo(1);
  }

  @Test
  void remoteCommandKilledBySignalEndsTheClientWith255() throws Exception {
    SshClientKey key = person("kill9");

    SshResult r = gw.ssh(key, "host").run("echo before; kill -9 $$; echo after");

    // sshd reports exit-signal KILL; OpenSSH's client exits 255 on a signal.
    assertThat(r.exitCode()).as("%s", r).isEqualTo(255);
    assertThat(r.out()).isEqualTo("before\n");
    SessionRecord s = gw.awaitSession(key.identity(), x -> x.state() == SessionState.CLOSED);
    assertThat(s.target()).isEqualTo("host");
  }

  @Test
  void interactiveShellThroughATerminalRunsCommandsAndFollowsResizes() throws Exception {
    SshClientKey key = person("shell");
    Path tmuxDir = Files.createTempDirectory(dir, "tmux-");
    try (Tmux tmux = Tmux.start(tmuxDir, 100, 30, gw.sshArgv(key, "host", List.of("-t")))) {
      // The remote login shell's prompt (Debian's skeleton .bashrc: user@host:~$).
      tmux.awaitScreen(Pattern.quote(SshdProcess.TARGET_USER) + "@.*\\$ ?$", WAIT);
      tmux.type("echo whoami=$(whoami) sum=$((6*7))");
      tmux.awaitScreen("^whoami=" + SshdProcess.TARGET_USER + " sum=42$", WAIT);

      String before = tmux.paneSize();
      tmux.type("echo size=$(stty size)");
      tmux.awaitScreen("^size=" + before + "$", WAIT);

      tmux.resize(120, 40);
      String after = tmux.paneSize();
      assertThat(after).isNotEqualTo(before).endsWith(" 120");
      tmux.type("echo resized=$(stty size)");
      // The remote sshd's pty got the window-change the client sent to the gateway.
      tmux.awaitScreen("^resized=" + after + "$", WAIT);

      tmux.type("exit");
      SessionRecord s = gw.awaitSession(key.identity(), x -> x.state() == SessionState.CLOSED);
      String[] rc = after.split(" ");
      assertThat(Files.readString(gw.dataDir().resolve(s.path())))
          .contains("whoami=" + SshdProcess.TARGET_USER)
          .contains("\"r\", \"" + rc[1] + "x" + rc[0] + "\"");
    }
  }

  @Test
  void remoteSshdLogNamesThePersonFromTheSessionCertificate() throws Exception {
    SshClientKey key = person("named");

    SshResult r = gw.ssh(key, "host").run("true");
    assertThat(r.exitCode()).as("%s", r).isZero();

    // The host's own log says who it was: key id of the per-session certificate = identity.
    String line = sshd.awaitLog("Accepted publickey for " + SshdProcess.TARGET_USER
        + " from 127\\.0\\.0\\.1 .*ID " + Pattern.quote(key.identity()) + " \\(serial \\d+\\).*");
    assertThat(line).contains("CERT");
  }

  /** The certificate the gateway used on the host, as the host's sshd exposes it to the session. */
  private static OpenSshCertificate hostSideCertificate(SshClientKey key, String target) throws Exception {
    SshResult r = gw.ssh(key, target).run("cat \"$SSH_USER_AUTH\"");
    assertThat(r.exitCode()).as("%s", r).isZero();
    String line = r.out().lines().filter(l -> l.startsWith("publickey ssh-ed25519-cert-v01@openssh.com ")).findFirst()
        .orElseThrow(() -> new AssertionError("no certificate in $SSH_USER_AUTH: " + r));
    Path file = Files.createTempFile(dir, "host-side-", "-cert.pub");
    Files.writeString(file, line.substring("publickey ".length()) + "\n");
    // ssh-keygen reads it as the host did: the gateway's per-session certificate, for this person.
    assertThat(GatewayFixture.keygen("-L", "-f", file.toString())).contains("Key ID: \"" + key.identity() + "\"");
    return (OpenSshCertificate) GatewayFixture.readPublicKey(file);
  }

  @Test
  void theHostsCertificateEndsNoLaterThanThePersonsOwn() throws Exception {
    // The target allows 8 h sessions; this person's certificate ends in 3 minutes.
    SshClientKey key = gw.sign(new UserCertificateRequest(GatewayFixture.uniqueIdentity("short-cert"), List.of("dev"),
        Duration.ofMinutes(3), null, true, true, false, false));
    long personEnds = ((OpenSshCertificate) GatewayFixture.readPublicKey(key.certificate())).getValidBefore();

    OpenSshCertificate onHost = hostSideCertificate(key, "host");

    assertThat(onHost.getValidBefore()).isLessThanOrEqualTo(personEnds);
    assertThat(onHost.getValidBefore()).isGreaterThan(Instant.now().getEpochSecond());
  }

  @Test
  void theHostsCertificateEndsWithTheSessionsLongestLifeWhenThatComesFirst() throws Exception {
    // A person's certificate for an hour, on a target whose sessions last at most 3 s.
    SshClientKey key = person("short-session");
    long before = Instant.now().getEpochSecond();

    OpenSshCertificate onHost = hostSideCertificate(key, "short-host");

    // maxSessionLength + one minute (targets' clocks drift), nowhere near the person's hour.
    assertThat(onHost.getValidBefore()).isBetween(before + 63 - 2, Instant.now().getEpochSecond() + 63);
  }

  @Test
  void wrongPinnedHostKeyIsRefusedWithOneLineAndAudited() throws Exception {
    SshClientKey key = person("impostor");

    SshResult r = gw.ssh(key, "impostor").run("echo should-not-run");

    assertThat(r.exitCode()).as("%s", r).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("host key mismatch");
    assertThat(r.err().lines().count()).as("one line: %s", r.err()).isEqualTo(1);
    JsonNode a = gw.awaitAudit("target-failed for " + key.identity(),
        field("code", "GH2005W").and(field("identity", key.identity())));
    assertThat(a.path("event").asText()).isEqualTo("target-failed");
    assertThat(a.path("reason").asText()).isEqualTo("target-host-key");
    assertThat(a.path("target").asText()).isEqualTo("impostor");
    // The gateway never logged in: the host saw no certificate for this person.
    assertThat(sshd.log()).doesNotContain(key.identity());
  }

  @Test
  void downstreamRefusingTheConnectionIsOneClearLineAndExit1() throws Exception {
    SshClientKey key = person("down");

    SshResult r = gw.ssh(key, "down").run("true");

    assertThat(r.exitCode()).as("%s", r).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("cannot connect");
    assertThat(r.err().lines().count()).as("one line: %s", r.err()).isEqualTo(1);
    JsonNode a = gw.awaitAudit("target-failed for " + key.identity(),
        field("code", "GH2005W").and(field("identity", key.identity())));
    assertThat(a.path("reason").asText()).isEqualTo("target-refused");
  }

  @Test
  void idleSshTargetSessionIsClosedAndTheUserSeesWhy() throws Exception {
    SshClientKey key = person("idle");

    try (InteractiveProcess p = gw.interactive(key, "idle-host")) {
      p.await("$ ", WAIT);
      long t0 = System.nanoTime();
      String screen = p.await("idle", WAIT);
      assertThat(screen).contains("gatehouse: idle for 2s; session closed");
      p.waitFor(Duration.ofSeconds(10));
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(8));
    }
    SessionRecord s = gw.awaitSession(key.identity(), x -> x.state() == SessionState.CLOSED);
    gw.awaitAudit("idle kill", field("code", "GH2002W").and(field("sessionId", s.id())).and(field("reason", "idle-timeout")));
  }

  @Test
  void recordingOfAnSshTargetExecSessionHoldsItsOutput() throws Exception {
    SshClientKey key = person("rec");
    String marker = "ssh-rec-" + UUID.randomUUID();

    SshResult r = gw.ssh(key, "host").run("echo " + marker + "; echo err-" + marker + " >&2");
    assertThat(r.exitCode()).as("%s", r).isZero();

    SessionRecord s = gw.awaitSession(key.identity(), x -> x.state() == SessionState.CLOSED);
    assertThat(s.target()).isEqualTo("host");
    assertThat(s.exitStatus()).isZero();
    Path cast = gw.dataDir().resolve(s.path());
    assertThat(Files.readString(cast)).contains(marker);
    // What an auditor replays: the real asciinema prints stdout and stderr output.
    assertThat(Asciinema.cat(cast)).contains(marker).contains("err-" + marker);
  }

  @Test
  void downstreamRefusingTheGatewaysCertificateIsOneLineAndAudited() throws Exception {
    SshClientKey key = person("noaccount");

    // The host trusts the target CA, but the certificate's principal names no account there.
    SshResult r = gw.ssh(key, "no-account").run("true");

    assertThat(r.exitCode()).as("%s", r).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("refused the gateway's certificate");
    assertThat(r.err().lines().count()).as("one line: %s", r.err()).isEqualTo(1);
    JsonNode a = gw.awaitAudit("target-failed for " + key.identity(),
        field("code", "GH2005W").and(field("identity", key.identity())));
    assertThat(a.path("reason").asText()).isEqualTo("target-auth-failed");
  }

  @Test
  void megabytesOfOutputAndInputPassThroughIntact() throws Exception {
    SshClientKey key = person("bulk");
    StringBuilder expected = new StringBuilder();
    for (int i = 1; i <= 400_000; i++) {
      expected.append(i).append('\n');
    }

    // ~2.7 MB down: many SSH windows on both legs, every byte in order.
    SshResult down = gw.ssh(key, "host").run("seq 1 400000");
    assertThat(down.exitCode()).as("exit %s, err %s", down.exitCode(), down.err()).isZero();
    assertThat(down.out().length()).isEqualTo(expected.length());
    assertThat(down.out()).isEqualTo(expected.toString());

    // ~2.7 MB up, then EOF: the remote sees exactly what the client sent.
    SshResult up = gw.ssh(key, "host").stdin(expected.toString()).run("sha256sum");
    assertThat(up.exitCode()).as("%s", up).isZero();
    String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
        .digest(expected.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    assertThat(up.out()).isEqualTo(sha + "  -\n");
  }

  @Test
  void recordingOfBulkOutputHoldsEveryByteTheClientGotInOrder() throws Exception {
    SshClientKey key = person("bulkrec");

    // ~2 MB in many chunks: each is recorded from the very buffer the next chunk is read into.
    SshResult r = gw.ssh(key, "host").run("seq 1 300000");
    assertThat(r.exitCode()).as("exit %s, err %s", r.exitCode(), r.err()).isZero();

    SessionRecord s = gw.awaitSession(key.identity(), x -> x.state() == SessionState.CLOSED);
    StringBuilder recorded = new StringBuilder();
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    List<String> lines = Files.readAllLines(gw.dataDir().resolve(s.path()));
    for (String l : lines.subList(1, lines.size())) { // the header first
      JsonNode e = json.readTree(l);
      if ("o".equals(e.path(1).asText())) {
        recorded.append(e.path(2).asText());
      }
    }
    assertThat(r.out().length()).isEqualTo(1_988_895); // seq 1 300000
    assertThat(recorded.length()).isEqualTo(r.out().length());
    assertThat(recorded.toString()).isEqualTo(r.out());
  }

  @Test
  void maximumSessionLengthEndsAnSshTargetSession() throws Exception {
    SshClientKey key = person("maxlen");

    SshResult r = gw.ssh(key, "short-host").timeout(Duration.ofSeconds(20)).run("echo started; sleep 30; echo too-late");

    assertThat(r.out()).as("%s", r).isEqualTo("started\n");
    assertThat(r.err()).contains("maximum length");
    assertThat(r.elapsed()).isLessThan(Duration.ofSeconds(10));
    SessionRecord s = gw.awaitSession(key.identity(), x -> x.state() == SessionState.CLOSED);
    gw.awaitAudit("max-length kill", field("code", "GH2002W").and(field("sessionId", s.id()))
        .and(field("reason", "max-session-length")));
  }

  @Test
  void clientThatGoesAwayEndsTheRemoteCommandAndClosesTheRecording() throws Exception {
    SshClientKey key = person("gone");
    String marker = "sleep 41" + (System.nanoTime() % 7);

    try (GatewayFixture.Running live = gw.ssh(key, "host").start("echo started; " + marker)) {
      awaitRemote(marker, true);
      live.close(); // the client is killed: its TCP connection to the gateway drops
    }

    SessionRecord s = gw.awaitSession(key.identity(), x -> x.state() == SessionState.CLOSED);
    assertThat(s.end()).isNotNull();
    // Nothing left running on the host for a user who is gone.
    awaitRemote(marker, false);
  }

  @Test
  void stoppingTheGatewayDrainsAnSshTargetSession() throws Exception {
    // A gateway of its own (this test stops it) that the same host trusts.
    Path gw2Dir = Files.createTempDirectory(dir, "drain-");
    String targets = "targets:\n  - name: host\n    type: ssh\n"
        + "    ssh: { host: 127.0.0.1, port: " + sshd.port() + ", user: " + SshdProcess.TARGET_USER
        + ", hostKey: \"" + sshd.hostKeyLine() + "\" }\n    allow: { groups: [dev] }\n";
    GatewayFixture gw2 = GatewayFixture.start(gw2Dir, "", targets);
    boolean stopped = false;
    try {
      sshd.trust(gw2.gateway().certificateAuthority().targetCaPublicKeyLine());
      SshClientKey key = gw2.sign(GatewayFixture.uniqueIdentity("drain"), List.of("dev"));
      String marker = "sleep 37" + (System.nanoTime() % 7);
      try (GatewayFixture.Running live = gw2.ssh(key, "host").start("echo started; " + marker)) {
        awaitRemote(marker, true);
        stopped = true;
        gw2.close();

        SshResult r = live.await();
        assertThat(r.out()).as("%s", r).isEqualTo("started\n");
        assertThat(r.err()).contains("gateway is shutting down");
      }
      SessionRecord s = gw2.awaitSession(key.identity(), x -> x.state() == SessionState.CLOSED);
      assertThat(Files.readString(gw2.dataDir().resolve(s.path()))).contains("started").contains("shutting down");
      awaitRemote(marker, false);
    } finally {
      if (!stopped) {
        gw2.close();
      }
    }
  }

  /** Waits up to 10 s for a process of the target user running {@code commandLine} to be there (or gone). */
  private static void awaitRemote(String commandLine, boolean running) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (SshdProcess.targetUserRuns(commandLine) != running) {
      assertThat(System.nanoTime()).as("remote '%s' %s", commandLine, running ? "started" : "ended")
          .isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  @Test
  void aClientThatStopsReadingStopsTheRemoteWriter() throws Exception {
    SshClientKey key = person("slow");
    long total = 64L * 1024 * 1024;
    String command = "head -c " + total + " /dev/zero";
    List<String> argv = new java.util.ArrayList<>(gw.sshArgv(key, "host", List.of()));
    argv.add(command);
    Process client = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.DISCARD)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    try {
      // Nobody reads the client's stdout: after its pipe and windows fill, everything upstream
      // must wait, down to the remote command's own write(2).
      awaitRemote(command, true);
      long written = -1;
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (System.nanoTime() < deadline) {
        long now = remoteBytesWritten(command);
        if (now == written) {
          break; // stalled
        }
        written = now;
        Thread.sleep(700);
      }
      assertThat(written).as("bytes the remote wrote while the client was not reading").isLessThan(24L * 1024 * 1024);

      // Then the client reads: every byte arrives.
      long got = 0;
      byte[] buf = new byte[1 << 16];
      try (java.io.InputStream in = client.getInputStream()) {
        for (int n; (n = in.read(buf)) > 0; ) {
          got += n;
        }
      }
      assertThat(client.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      assertThat(client.exitValue()).isZero();
      assertThat(got).isEqualTo(total);
    } finally {
      client.destroyForcibly();
    }
  }

  /** wchar of the target user's process running {@code commandLine} (from /proc, as root). */
  private static long remoteBytesWritten(String commandLine) throws Exception {
    Process p = new ProcessBuilder("pgrep", "-u", SshdProcess.TARGET_USER, "-f", "^" + commandLine + "$").start();
    String pid = new String(p.getInputStream().readAllBytes()).trim();
    p.waitFor();
    assertThat(pid).as("remote '%s' running", commandLine).matches("\\d+");
    for (String l : Files.readAllLines(Path.of("/proc", pid, "io"))) {
      if (l.startsWith("wchar:")) {
        return Long.parseLong(l.substring(6).trim());
      }
    }
    throw new AssertionError("no wchar in /proc/" + pid + "/io");
  }

  @Test
  void losingTheHostConnectionMidCommandIsNotReportedAsSuccess() throws Exception {
    SshClientKey key = person("lost");

    // The remote kills its own sshd session process: the connection drops with no exit status.
    SshResult r = gw.ssh(key, "host").run("echo before; sleep 0.5; kill -9 $PPID; sleep 5; echo after");

    assertThat(r.out()).as("%s", r).isEqualTo("before\n");
    assertThat(r.exitCode()).as("%s", r).isEqualTo(255);
    assertThat(r.err()).contains("connection to target 'host' was lost");
    assertThat(r.elapsed()).isLessThan(Duration.ofSeconds(4));
    JsonNode a = gw.awaitAudit("target-failed for " + key.identity(),
        field("code", "GH2005W").and(field("identity", key.identity())));
    assertThat(a.path("reason").asText()).isEqualTo("target-connection-lost");
    SessionRecord s = gw.awaitSession(key.identity(), x -> x.state() == SessionState.CLOSED);
    assertThat(s.exitStatus()).isNull();
  }

  @Test
  void execEndsAsSoonAsTheRemoteCommandDoes() throws Exception {
    SshClientKey key = person("prompt");
    gw.ssh(key, "host").run("true"); // warm up the JIT on both legs

    SshResult r = gw.ssh(key, "host").run("exit 4");

    // Two SSH handshakes and a certificate; nothing should wait on a timer after the exit status.
    assertThat(r.exitCode()).as("%s", r).isEqualTo(4);
    assertThat(r.elapsed()).as("%s", r).isLessThan(Duration.ofMillis(1500));
  }

  @Test
  void killingTheRemoteInteractiveShellEndsTheClientWith255() throws Exception {
    SshClientKey key = person("kill9pty");

    try (InteractiveProcess p = gw.interactive(key, "host")) {
      p.await("$ ", WAIT);
      p.send("kill -9 $$\r");
      assertThat(p.waitFor(WAIT)).as(p.transcript()).isEqualTo(255);
    }
    SessionRecord s = gw.awaitSession(key.identity(), x -> x.state() == SessionState.CLOSED);
    assertThat(s.exitStatus()).isNull();
  }

  @Test
  void shellWithoutPtyReadsCommandsFromStdinUntilEof() throws Exception {
    SshClientKey key = person("nottyshell");

    // No command and stdin not a terminal: ssh asks for a shell without a pty.
    SshResult r = gw.ssh(key, "host").stdin("echo first; tty\necho second\nexit 5\n").run(null);

    assertThat(r.exitCode()).as("%s", r).isEqualTo(5);
    assertThat(r.out()).isEqualTo("first\nnot a tty\nsecond\n");
  }

  @Test
  void hostPinnedByItsHostCaIsReachedThroughItsCertificate() throws Exception {
    SshClientKey key = person("hostca");

    SshResult r = gw.ssh(key, "cert-host").run("echo via-host-certificate");

    assertThat(r.exitCode()).as("%s", r).isZero();
    assertThat(r.out()).isEqualTo("via-host-certificate\n");
  }

  @Test
  void hostCertificateThatDoesNotNameTheConfiguredHostIsRefused() throws Exception {
    SshClientKey key = person("hostca-name");

    // The certificate names 127.0.0.1; the target is configured as 'localhost'.
    SshResult r = gw.ssh(key, "cert-host-by-name").run("echo should-not-run");

    assertThat(r.exitCode()).as("%s", r).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    // The host's identity failed (not the host refusing the gateway's certificate).
    assertThat(r.err()).contains("the host's certificate was refused").contains("principal localhost")
        .doesNotContain("target CA");
    assertThat(r.err().lines().count()).as("one line: %s", r.err()).isEqualTo(1);
    JsonNode a = gw.awaitAudit("target-failed for " + key.identity(),
        field("code", "GH2005W").and(field("identity", key.identity())));
    assertThat(a.path("reason").asText()).isEqualTo("target-host-key");
  }

  @Test
  void aRemoteThatDoesNotReadStopsTheClientSending() throws Exception {
    SshClientKey key = person("upload");
    long total = 64L * 1024 * 1024;
    Path big = dir.resolve("upload-" + UUID.randomUUID());
    try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(total); // zeros
    }
    String command = "sleep 3; wc -c";
    List<String> argv = new java.util.ArrayList<>(gw.sshArgv(key, "host", List.of()));
    argv.add(command);
    Path out = dir.resolve("upload-out-" + UUID.randomUUID());
    Process client = new ProcessBuilder(argv).redirectInput(big.toFile()).redirectOutput(out.toFile())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      // While the remote sleeps and reads nothing, how far has ssh read its stdin file?
      awaitRemote("sleep 3", true);
      Thread.sleep(1500);
      long read = -1;
      for (String l : Files.readAllLines(Path.of("/proc", String.valueOf(client.pid()), "fdinfo", "0"))) {
        if (l.startsWith("pos:")) {
          read = Long.parseLong(l.substring(4).trim());
        }
      }
      assertThat(read).as("bytes ssh sent while the remote read nothing").isBetween(0L, 24L * 1024 * 1024);

      assertThat(client.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      assertThat(client.exitValue()).isZero();
      assertThat(Files.readString(out)).isEqualTo(total + "\n");
    } finally {
      client.destroyForcibly();
      Files.deleteIfExists(big);
    }
  }

  @Test
  void sessionKilledWhileTheGatewayIsStillConnectingDoesNotRunOn() throws Exception {
    SshClientKey key = person("killconnect");
    String marker = "sleep 29" + (System.nanoTime() % 7);

    try (GatewayFixture.Running live = gw.ssh(key, "slow-host").start("echo ran; " + marker)) {
      SessionRecord s = gw.awaitSession(key.identity(), x -> x.state() == SessionState.ACTIVE);
      // The host has not even sent its banner yet (the proxy holds the connection 2 s).
      GatewayFixture.CliResult kill = gw.cli("sessions", "kill", s.id(), "--reason", "wrong host");
      assertThat(kill.exitCode()).as(kill.out() + kill.err()).isZero();

      SshResult r = live.await();
      assertThat(r.err()).as("%s", r).contains("terminated by").contains("wrong host");
      assertThat(r.out()).as("nothing ran on the host").isEmpty();
      assertThat(r.elapsed()).as("%s", r).isLessThan(Duration.ofSeconds(10));
    }
    gw.awaitSession(key.identity(), x -> x.state() == SessionState.CLOSED);
    assertThat(SshdProcess.targetUserRuns(marker)).as("'%s' left running on the host", marker).isFalse();
  }

  @Test
  void onlyTheClientsLocaleReachesTheHost() throws Exception {
    SshClientKey key = person("env");

    SshResult r = gw.ssh(key, "host").options("-o", "SetEnv=LANG=C.UTF-8 LC_TIME=C GATEHOUSE_TOKEN=from-client")
        .run("echo \"LANG=$LANG LC_TIME=$LC_TIME TOKEN=$GATEHOUSE_TOKEN\"");

    assertThat(r.exitCode()).as("%s", r).isZero();
    assertThat(r.out()).isEqualTo("LANG=C.UTF-8 LC_TIME=C TOKEN=\n");
  }

  @Test
  void revokingThePersonsCertificateEndsTheirSshTargetSessionOnTheHostToo() throws Exception {
    SshClientKey key = person("revoked");
    String marker = "sleep 31" + (System.nanoTime() % 7);

    try (GatewayFixture.Running live = gw.ssh(key, "host").start("echo started; " + marker)) {
      awaitRemote(marker, true);
      GatewayFixture.CliResult revoke = gw.cli("ca", "revoke", "--serial", Long.toUnsignedString(key.serial()));
      assertThat(revoke.exitCode()).as(revoke.err()).isZero();

      SshResult r = live.await();
      assertThat(r.out()).as("%s", r).isEqualTo("started\n");
      assertThat(r.err()).contains("was revoked; session closed");
      assertThat(r.exitCode()).isNotZero();
    }
    gw.awaitSession(key.identity(), x -> x.state() == SessionState.CLOSED);
    awaitRemote(marker, false);
  }
}
