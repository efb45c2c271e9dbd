package dev.gatehouse.gateway;

import static dev.gatehouse.gateway.GatewayFixture.field;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An exec request on an {@code ssh} target with a shell policy runs under bash 5.1+ only, end to
 * end: the real OpenSSH client, the gateway, a real OpenSSH sshd whose accounts' login shells are
 * bash and dash. The judge reads {@code echo $'\';touch W;#'} as one echo (bash's reading);
 * dash would run the touch. On the dash host nothing of it runs and the client gets the reason
 * and 97; on the bash host it is the echo, and ordinary commands, exit codes and stdin pass as
 * before. A target without a shell policy still gets the command as it is.
 */
@ExtendWith(GatewayLogOnFailure.class)
class SshExecLoginShellIT {
  /** An account whose login shell is dash (Debian's useradd default /bin/sh is dash too). */
  private static final String DASH_USER = "gh-target-dash";
  private static final String NOT_BASH = "gatehouse: the host's login shell is not bash 5.1 or later; the command was not run";

  @TempDir static Path dir;
  static SshdProcess sshd;
  static GatewayFixture gw;

  @BeforeAll
  static void start() throws Exception {
    sshd = SshdProcess.prepare(dir.resolve("sshd"));
    SshdProcess.ensureUser(DASH_USER, "/bin/dash");
    String host = "    type: ssh\n    ssh: { host: 127.0.0.1, port: " + sshd.port() + ", user: %s, hostKey: \""
        + sshd.hostKeyLine() + "\" }\n    allow: { groups: [dev] }\n";
    String guarded = "    policy: default-shell\n    approvers: { groups: [ops-leads], min: 1 }\n";
    String targets = "targets:\n"
        + "  - name: bash-host\n" + String.format(host, SshdProcess.TARGET_USER) + guarded
        + "  - name: dash-host\n" + String.format(host, DASH_USER) + guarded
        + "  - name: dash-unguarded\n" + String.format(host, DASH_USER)
        + ShellGuardIT.POLICIES;
    gw = GatewayFixture.start(dir, "", targets);
    sshd.start(gw.gateway().certificateAuthority().targetCaPublicKeyLine());
  }

  @AfterAll
  static void stop() throws Exception {
    if (gw != null) {
      gw.close();
    }
    if (sshd != null) {
      sshd.close();
    }
  }

  private static Path witness() {
    return Path.of("/tmp", "gh-exec-shell-" + UUID.randomUUID());
  }

  /** The text bash reads as one echo and dash as an echo and a touch of {@code w}. */
  private static String echoOrTouch(Path w) {
    return "echo $'\\';touch " + w + ";#'";
  }

  @Test
  void onADashHostNothingOfTheTextRunsAndTheClientGetsTheReasonAnd97() throws Exception {
    SshClientKey ann = gw.sign(GatewayFixture.uniqueIdentity("ann"), List.of("dev"));
    Path w = witness();
    SshResult r = gw.ssh(ann, "dash-host").run(echoOrTouch(w));
    assertThat(w).as("the touch dash would read did not run").doesNotExist();
    assertThat(r.exitCode()).as("%s", r).isEqualTo(97);
    assertThat(r.err()).isEqualTo(NOT_BASH + "\n");
    assertThat(r.out()).isEmpty();
    JsonNode judged = gw.awaitAudit("the judged text", field("code", "GH3000I").and(field("identity", ann.identity())));
    assertThat(judged.path("statement").asText()).isEqualTo(echoOrTouch(w));
    JsonNode a = gw.awaitAudit("not bash", field("code", "GH2005W").and(field("identity", ann.identity())));
    assertThat(a.path("reason").asText()).isEqualTo("remote-shell-not-bash");
    assertThat(a.path("target").asText()).isEqualTo("dash-host");
  }

  @Test
  void onABashHostTheSameTextIsTheEchoTheJudgeRead() throws Exception {
    SshClientKey bea = gw.sign(GatewayFixture.uniqueIdentity("bea"), List.of("dev"));
    Path w = witness();
    SshResult r = gw.ssh(bea, "bash-host").run(echoOrTouch(w));
    assertThat(r.exitCode()).as("%s", r).isZero();
    assertThat(r.out()).isEqualTo("';touch " + w + ";#\n");
    assertThat(w).doesNotExist();
  }

  @Test
  void onABashHostOrdinaryCommandsExitCodesAndStdinPassAsBefore(@TempDir Path tmp) throws Exception {
    SshClientKey cid = gw.sign(GatewayFixture.uniqueIdentity("cid"), List.of("dev"));
    SshResult hi = gw.ssh(cid, "bash-host").run("echo hi; uname");
    assertThat(hi.exitCode()).as("%s", hi).isZero();
    assertThat(hi.out()).isEqualTo("hi\nLinux\n");
    assertThat(hi.err()).isEmpty();
    SshResult three = gw.ssh(cid, "bash-host").run("exit 3");
    assertThat(three.exitCode()).as("%s", three).isEqualTo(3);
    SshResult own97 = gw.ssh(cid, "bash-host").run("exit 97");
    assertThat(own97.exitCode()).as("the command's own 97 passes as it is").isEqualTo(97);
    assertThat(own97.err()).isEmpty();
    SshResult cat = gw.ssh(cid, "bash-host").stdin("line one\nline two\n").run("cat");
    assertThat(cat.exitCode()).as("%s", cat).isZero();
    assertThat(cat.out()).isEqualTo("line one\nline two\n");
    SshResult lines = gw.ssh(cid, "bash-host").run("echo one\necho two");
    assertThat(lines.out()).as("every line of a text runs").isEqualTo("one\ntwo\n");
  }

  @Test
  void aTargetWithoutAShellPolicyGetsTheCommandAsItIs() throws Exception {
    SshClientKey dee = gw.sign(GatewayFixture.uniqueIdentity("dee"), List.of("dev"));
    Path w = witness();
    try {
      SshResult r = gw.ssh(dee, "dash-unguarded").run(echoOrTouch(w));
      // Not judged, so not wrapped: the host's dash reads it its own way, as it always did.
      assertThat(r.exitCode()).as("%s", r).isZero();
      assertThat(w).as("dash ran the text unchanged").exists();
    } finally {
      Files.deleteIfExists(w);
    }
  }
}
