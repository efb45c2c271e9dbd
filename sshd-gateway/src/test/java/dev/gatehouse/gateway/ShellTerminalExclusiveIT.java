package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The fix of pass 17bg, live on a {@code command} target ({@code web-default}): while bash reads a
 * judged text the gateway keeps the terminal to bash alone (exclusive, and no other process of the
 * sandbox that holds it could read it), and lets go of it when the command starts. And on an
 * {@code ssh} target, where the gateway cannot see the host's processes, a text bash would take in
 * several reads is not sent.
 */
@ExtendWith(GatewayLogOnFailure.class)
class ShellTerminalExclusiveIT extends ShellLiveClass {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private static InteractiveProcess open(String target) throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("excl"), List.of("dev"));
    InteractiveProcess ssh = gw.interactive(key, target);
    ssh.await("$ ", WAIT);
    Thread.sleep(500);
    return ssh;
  }

  private static List<JsonNode> audit(String statement) throws Exception {
    return gw.auditLines().stream().filter(n -> n.path("statement").asText("").equals(statement)).toList();
  }

  @Test
  void aBackgroundJobDoesNotBlockALine() throws Exception {
    try (InteractiveProcess ssh = open("web-default")) {
      ShellLiveTargets.typeLine(ssh, "sleep 100 &");
      String t = ShellLiveTargets.typeLine(ssh, "echo bg-ok-$((6*7))");
      assertThat(t).contains("bg-ok-42").doesNotContain("guard-tamper");
    }
  }

  @Test
  void lessAndRedirectionsOpenTheTerminalWhileACommandRuns() throws Exception {
    try (InteractiveProcess ssh = open("web-default")) {
      String t = ShellLiveTargets.typeLine(ssh, "true </dev/tty && echo tty-opened-$((1+1))");
      assertThat(t).contains("tty-opened-2").doesNotContain("busy");
      int at = ssh.length();
      ssh.send("echo paged-$((3*3)) | less\r"); // less reads its keys from /dev/tty, opened as it starts
      ssh.await("paged-9", at, WAIT);
      Thread.sleep(500);
      ssh.send("q");
      ssh.await("$ ", ssh.length(), WAIT);
      assertThat(ssh.transcript().substring(at)).doesNotContain("busy").doesNotContain("/dev/tty");
      assertThat(ShellLiveTargets.typeLine(ssh, "echo after-$((2*5))")).contains("after-10");
    }
  }

  @Test
  void aReaderLeftInTheShellsGroupIsRefusedWithItsReason() throws Exception {
    try (InteractiveProcess ssh = open("web-default")) {
      ShellLiveTargets.typeLine(ssh, "ls $( { sleep 1; grep -m1 '' /dev/tty; } </dev/null >/dev/null 2>&1 & )");
      Thread.sleep(2500); // the grep holds /dev/tty now, in bash's own (the foreground) group
      int at = ssh.length();
      String line = "echo never-$((7*7))";
      ssh.send(line + "\r");
      ssh.await("session closed", at, WAIT);
      String t = ssh.transcript().substring(at);
      assertThat(t).contains("gatehouse: blocked by rule guard-tamper: another process of the session can read the terminal (PID ")
          .contains("shell's own process group").doesNotContain("never-49"); // the subshell (bash, its fd 255) or the grep
      List<JsonNode> lines = audit(line);
      assertThat(lines).anySatisfy(n -> {
        assertThat(n.path("verdict").asText()).isEqualTo("block");
        assertThat(n.path("rule").asText()).isEqualTo("guard-tamper");
        assertThat(n.path("reason").asText()).startsWith("another process of the session can read the terminal (PID ");
      });
    }
  }

  @Test
  void aSetsidHolderOfTheTerminalIsRefused() throws Exception {
    try (InteractiveProcess ssh = open("web-default")) {
      ShellLiveTargets.typeLine(ssh, "setsid -f sleep 100");
      Thread.sleep(500);
      int at = ssh.length();
      ssh.send("echo never-$((8*8))\r");
      ssh.await("session closed", at, WAIT);
      assertThat(ssh.transcript().substring(at)).contains("blocked by rule guard-tamper")
          .contains("(sleep)").contains("from another session").doesNotContain("never-64");
    }
  }

  @Test
  void aTextOfSeveralLinesIsNotSentToAnSshTarget() throws Exception {
    try (InteractiveProcess ssh = open("ssh-default")) {
      int at = ssh.length();
      ssh.send("\u001b[200~echo one-$((1+1))\recho two-$((2+2))\u001b[201~\r");
      ssh.await("terminal-shared", at, WAIT);
      Thread.sleep(700);
      assertThat(ssh.transcript().substring(at)).contains("blocked by rule terminal-shared").doesNotContain("one-2")
          .doesNotContain("two-4");
      assertThat(ShellLiveTargets.typeLine(ssh, "echo one-line-$((5+5))")).contains("one-line-10");
    }
  }
}
