package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * nullglob set on one typed line changes how bash reads the next one, live through the real
 * OpenSSH client, the gateway and bash ({@code command} target in the sandbox, {@code ssh} target
 * behind a real sshd; the deny-list default, where {@code find} is allowed). {@code shopt -s
 * nullglob} typed alone is allowed; then {@code find . -maxdepth 0 ! -path ./qzqz* -name -exec touch
 * W \;}: judged alone at bash's defaults, {@code ./qzqz*} is a word ({@code -path}'s value) and
 * {@code -exec} is {@code -name}'s, so it was allowed; bash, with nullglob on, makes no word of the
 * pattern, find reads {@code -exec touch W ;} as a primary and makes the witness. Secure outcome: the
 * hook reports nullglob in its A marker and the line is judged from it (unclassified: a review,
 * refused without approvers); no witness. Then {@code shopt -u nullglob}, and an everyday find with
 * a pattern runs (allowed, its output shown).
 */
@ExtendWith(GatewayLogOnFailure.class)
class ShellPromptNullglobIT extends ShellLiveClass {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"web-default", "ssh-default"})
  void nullglobTypedOnOneLineIsKnownOnTheNext(String target) throws Exception {
    // The witness's name must not name the option itself: a word holding "nullglob" is read as
    // possibly turning it on (bash -O nullglob), which would refuse the line for another reason.
    String name = ShellLiveTargets.witness("ngprompt");
    String w = "/tmp/" + name;
    String attack = "find . -maxdepth 0 ! -path ./qzqz* -name -exec touch " + w + " \\;";
    String everyday = "find /etc/host* -maxdepth 0 -name hosts";
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("nullglob-" + target), List.of("dev"));
    String seen;
    try (InteractiveProcess ssh = gw.interactive(key, target)) {
      ssh.await("$ ", WAIT);
      Thread.sleep(500);
      int at = ssh.length();
      String on = ShellLiveTargets.typeLine(ssh, "shopt -s nullglob");
      String refused = ShellLiveTargets.typeLine(ssh, attack);
      String onEveryday = ShellLiveTargets.typeLine(ssh, everyday);
      String listed = ShellLiveTargets.typeLine(ssh, "ls -1 /tmp | grep -n " + name);
      ShellLiveTargets.typeLine(ssh, "shopt -u nullglob");
      String ran = ShellLiveTargets.typeLine(ssh, everyday);
      seen = ssh.transcript().substring(at);
      assertThat(on).as("shopt -s nullglob alone is allowed").doesNotContain("gatehouse:");
      assertThat(refused).as("the find line under nullglob is refused: %s", seen).contains("gatehouse:")
          .contains("nullglob is on where the line runs");
      assertThat(onEveryday).as("a pattern before other words is unclassified while nullglob is on: %s", seen)
          .contains("gatehouse:");
      assertThat(listed).as("the witness: %s", seen).doesNotContain(":" + name);
      assertThat(ran).as("with nullglob off again the everyday find runs: %s", seen).doesNotContain("gatehouse:")
          .contains("/etc/hosts");
    } finally {
      boolean made = Files.exists(Path.of("/tmp", name));
      Files.deleteIfExists(Path.of("/tmp", name));
      assertThat(made).as("%s: the witness on the host's /tmp", target).isFalse();
    }
    String audit = String.join("; ", gw.auditLines().stream()
        .filter(n -> n.path("statement").asText("").contains(name) && !n.path("statement").asText("").startsWith("ls -1 /tmp"))
        .map(n -> n.path("code").asText() + " " + n.path("verdict").asText() + " " + n.path("commands")).toList());
    System.out.println("NULLGLOB " + target + " audit=" + audit + "\n" + seen.replace("\u001b", "<ESC>"));
    assertThat(audit).as("the find line's audit").doesNotContain("allow");
  }
}
