package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 17bo, live through the gateway (real OpenSSH client, the gateway, bash on the real
 * sshd's host behind the {@code ssh} targets; {@link ShellLiveTargets}'s four targets plus {@code
 * ssh-appr}, an {@code ssh} target under the deny-list default with {@code approvers}). Focus:
 * approvals of shell commands, channels other than a shell or exec, sessions sharing a {@code runAs}.
 * The witness is a file in the host's /tmp (the {@code ssh} targets' /tmp is this machine's).
 *
 * <p><b>No bypass found in this pass (time box ~30 min).</b> Every test below asserts the secure
 * outcome and is expected to PASS; they stay as regression tests of the strongest attempts.
 *
 * <p><b>Tried and already refused (or not a bypass)</b>:
 * <ul>
 *   <li>An exec approval used for a text that differs by one byte (a trailing space, CR, new line,
 *       a leading space, {@code ;} appended): the key is SHA-256 of the exact text
 *       ({@code ExecGuard.key}), bound to requester, target and rule
 *       ({@code ApprovalStore.usableStatementApproval}); each variant made a new request (76).</li>
 *   <li>The approved text run twice: {@code ApprovalStore.use} takes it once
 *       ({@code used_ms IS NULL}); the second run is a new request (76), the witness made once.</li>
 *   <li>An approval on {@code ssh-appr} used on another target ({@code web-default}, no approvers:
 *       77) — bound to the target name.</li>
 *   <li>Type-ahead while a typed review line is held: keys go to the gateway's line editor
 *       ({@code GuardedShell.input}, state AT_PROMPT), not raw to bash; the typed-ahead review line is
 *       judged and held on its own after the first ran.</li>
 *   <li>Channels: {@code ssh -W}, {@code -N -L} on a shell-policy target, {@code scp -O} (legacy:
 *       an exec of {@code scp -t}, judged: {@code remote-copy} review / not in the allow-list),
 *       {@code sftp} (subsystem refused: {@code GatewayChannel}), agent ({@code -A}) and X11
 *       ({@code -X}) requests refused (docs/security-model.md, channel requests).</li>
 *   <li>Sessions sharing {@code runAs} on a {@code command} target: read in {@code Sandbox}
 *       (user, pid, ipc, uts namespaces unshared; private /tmp, /run, /var/tmp, /dev/shm), not run
 *       live: neither session sees the other's processes, terminal or /tmp. The network namespace is
 *       the host's (stated limit): abstract Unix sockets are shared, but the other session's guarded
 *       bash never connects to one on its own.</li>
 * </ul>
 */
@ExtendWith(GatewayLogOnFailure.class)
class ShellLiveAttack17boIT {
  private static final Pattern REQUEST_ID = Pattern.compile("request ([0-9A-F]{4,8})");
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir static Path dir;
  static SshdProcess sshd;
  static GatewayFixture gw;
  static SshClientKey bob;

  @BeforeAll
  static void start() throws Exception {
    sshd = SshdProcess.prepare(dir.resolve("sshd"));
    String host = "    type: ssh\n    ssh: { host: 127.0.0.1, port: " + sshd.port() + ", user: "
        + SshdProcess.TARGET_USER + ", hostKey: \"" + sshd.hostKeyLine() + "\" }\n    allow: { groups: [dev] }\n";
    String targets = ShellLiveTargets.fourTargets(sshd).replace("policies:\n",
        "  - name: ssh-appr\n" + host + "    approvers: { groups: [leads], min: 1 }\n    policy: default-shell\n"
            + "policies:\n")
        + "approvals: { ttl: 60s }\n";
    gw = GatewayFixture.start(dir, "", targets);
    sshd.start(gw.gateway().certificateAuthority().targetCaPublicKeyLine(), "AcceptEnv LANG LC_*");
    bob = gw.sign(GatewayFixture.uniqueIdentity("bob17bo"), List.of("leads"));
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (gw != null) {
        gw.close();
      }
    } finally {
      if (sshd != null) {
        sshd.close();
      }
    }
  }

  /** A python3 one-liner (interpreter-inline: a review) that makes /tmp/NAME-<pid> on the host. */
  static String pythonMaking(String name) {
    return "python3 -c \"import os; open('/tmp/" + name + "-%d' % os.getpid(), 'w')\"";
  }

  static long made(String name) throws Exception {
    try (var s = Files.list(Path.of("/tmp"))) {
      return s.filter(p -> p.getFileName().toString().startsWith(name + "-")).count();
    }
  }

  static void clean(String name) throws Exception {
    try (var s = Files.list(Path.of("/tmp"))) {
      for (Path p : s.filter(p -> p.getFileName().toString().startsWith(name + "-")).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** Asks for {@code text} on {@code target} without waiting, bob approves; returns the request id. */
  static String approved(SshClientKey alice, String target, String text) throws Exception {
    SshResult pending = gw.ssh(alice, target).options("-o", "SetEnv=GATEHOUSE_NOWAIT=1").run(text);
    assertThat(pending.exitCode()).as(pending.toString()).isEqualTo(76);
    Matcher m = REQUEST_ID.matcher(pending.err());
    assertThat(m.find()).as(pending.toString()).isTrue();
    SshResult a = gw.ssh(bob, "approvals").run("approve " + m.group(1));
    assertThat(a.exitCode()).as(a.toString()).isZero();
    return m.group(1);
  }

  /** An approval of T runs only T, byte for byte: a variant of it is a new request. */
  @ParameterizedTest(name = "[{0}]")
  @ValueSource(strings = {"T ", "T\r", "T\n", " T", "T;", "T\n\n", "T #"})
  void anExecApprovalIsForExactlyTheApprovedText(String variant) throws Exception {
    SshClientKey alice = gw.sign(GatewayFixture.uniqueIdentity("alice17bo"), List.of("dev"));
    String name = ShellLiveTargets.witness("17bo");
    String text = pythonMaking(name);
    try {
      approved(alice, "ssh-appr", text);
      String other = variant.replace("T", text);
      SshResult r = gw.ssh(alice, "ssh-appr").options("-o", "SetEnv=GATEHOUSE_NOWAIT=1").timeout(WAIT).run(other);
      assertThat(made(name)).as("an approval of %s ran %s: %s", text, other.replace("\r", "\\r").replace("\n", "\\n"), r)
          .isZero();
      // The approved text itself still runs, once.
      SshResult ok = gw.ssh(alice, "ssh-appr").timeout(WAIT).run(text);
      assertThat(made(name)).as("the approved text: %s", ok).isEqualTo(1);
      SshResult again = gw.ssh(alice, "ssh-appr").options("-o", "SetEnv=GATEHOUSE_NOWAIT=1").timeout(WAIT).run(text);
      assertThat(made(name)).as("the approval used twice: %s", again).isEqualTo(1);
    } finally {
      clean(name);
    }
  }

  /** An approval is for its target and its requester only. */
  @Test
  void anApprovalIsNotUsedOnAnotherTargetOrByAnotherUser() throws Exception {
    SshClientKey alice = gw.sign(GatewayFixture.uniqueIdentity("alice17bo"), List.of("dev"));
    SshClientKey mallory = gw.sign(GatewayFixture.uniqueIdentity("mallory17bo"), List.of("dev"));
    String name = ShellLiveTargets.witness("17bo");
    String text = pythonMaking(name);
    try {
      approved(alice, "ssh-appr", text);
      SshResult m = gw.ssh(mallory, "ssh-appr").options("-o", "SetEnv=GATEHOUSE_NOWAIT=1").timeout(WAIT).run(text);
      assertThat(made(name)).as("mallory used alice's approval: %s", m).isZero();
      SshResult d = gw.ssh(alice, "ssh-default").options("-o", "SetEnv=GATEHOUSE_NOWAIT=1").timeout(WAIT).run(text);
      assertThat(made(name)).as("ssh-appr's approval used on ssh-default: %s", d).isZero();
    } finally {
      clean(name);
    }
  }

  /**
   * At the prompt: a review line held, a second review line typed ahead while it waits; bob
   * approves the first. The second must be held on its own (never run with the first's approval).
   */
  @Test
  void typeAheadWhileAReviewLineIsHeldIsJudgedAndHeldOnItsOwn() throws Exception {
    SshClientKey alice = gw.sign(GatewayFixture.uniqueIdentity("alice17bo"), List.of("dev"));
    String first = ShellLiveTargets.witness("17bo");
    String second = ShellLiveTargets.witness("17bo");
    try (InteractiveProcess ssh = gw.interactive(alice, "ssh-appr")) {
      ssh.await("$ ", WAIT);
      Thread.sleep(500);
      int at = ssh.length();
      ssh.send(pythonMaking(first) + "\r");
      ssh.await("waiting for approval", at, WAIT);
      Matcher m = REQUEST_ID.matcher(ssh.transcript().substring(at));
      assertThat(m.find()).as(ssh.transcript()).isTrue();
      ssh.send(pythonMaking(second) + "\r");
      Thread.sleep(500);
      int before = ssh.length();
      SshResult a = gw.ssh(bob, "approvals").run("approve " + m.group(1));
      assertThat(a.exitCode()).as(a.toString()).isZero();
      ssh.await("waiting for approval", before, WAIT);
      Thread.sleep(1500);
      assertThat(made(first)).as("the approved line ran: %s", ssh.transcript()).isEqualTo(1);
      assertThat(made(second)).as("the typed-ahead line ran unapproved: %s", ssh.transcript()).isZero();
    } finally {
      clean(first);
      clean(second);
    }
  }

  /** Legacy scp (an exec of {@code scp -t}) onto a shell-policy target: judged, never run unapproved. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"ssh-strict", "ssh-default"})
  void legacyScpIsJudged(String target) throws Exception {
    SshClientKey alice = gw.sign(GatewayFixture.uniqueIdentity("scp17bo"), List.of("dev"));
    String name = ShellLiveTargets.witness("17bo");
    Path local = Files.writeString(dir.resolve(name), "x\n");
    List<String> argv = new java.util.ArrayList<>(gw.sshArgv(alice, target, List.of()));
    // sshArgv: ssh [opts] user@127.0.0.1; make it scp -O [opts] local user@127.0.0.1:/tmp/NAME
    argv.set(0, "scp");
    String dest = argv.remove(argv.size() - 1);
    argv.add(1, "-O");
    argv.add(local.toString());
    argv.add(dest + ":/tmp/" + name);
    for (int i = 0; i < argv.size(); i++) {
      if (argv.get(i).equals("-p")) {
        argv.set(i, "-P"); // scp spells the port -P
      }
    }
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor();
    boolean ran = Files.exists(Path.of("/tmp", name));
    Files.deleteIfExists(Path.of("/tmp", name));
    assertThat(ran).as("scp -O wrote /tmp/%s on %s: %s %s", name, target, argv, out).isFalse();
  }

  /** {@code -W} and {@code -N -L} on a shell-policy target: no channel past the guard. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"-W", "-L"})
  void forwardsOnAShellTargetAreRefused(String how) throws Exception {
    SshClientKey alice = gw.sign(GatewayFixture.uniqueIdentity("fwd17bo"), List.of("dev"));
    if (how.equals("-W")) {
      SshResult r = gw.ssh(alice, "ssh-default").options("-W", "127.0.0.1:" + sshd.port()).timeout(Duration.ofSeconds(20))
          .run(null);
      assertThat(r.out()).as("-W reached the target's sshd: %s", r).doesNotContain("SSH-2.0");
    } else {
      int port;
      try (var s = new java.net.ServerSocket(0)) {
        port = s.getLocalPort();
      }
      try (GatewayFixture.Running fwd = gw.ssh(alice, "ssh-default")
          .options("-N", "-o", "ExitOnForwardFailure=yes", "-L", port + ":127.0.0.1:" + sshd.port()).start(null)) {
        Thread.sleep(3000);
        String banner = "";
        try (var s = new java.net.Socket("127.0.0.1", port)) {
          s.setSoTimeout(5000);
          byte[] b = new byte[64];
          int n = s.getInputStream().read(b);
          banner = n > 0 ? new String(b, 0, n) : "";
        } catch (java.io.IOException refused) {
          banner = "";
        }
        assertThat(banner).as("-L through a shell target reached the sshd").doesNotContain("SSH-2.0");
      }
    }
  }
}
