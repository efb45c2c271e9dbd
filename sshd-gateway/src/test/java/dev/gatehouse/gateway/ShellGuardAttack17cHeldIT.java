package dev.gatehouse.gateway;

import static dev.gatehouse.gateway.ShellGuardAttack17cIT.EMAIL;
import static dev.gatehouse.gateway.ShellPromptFixture.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What held in the attack pass of {@link ShellGuardAttack17cIT} (same target, policy and steps):
 * lines the guard refused, forged prompt markers and type-ahead that changed nothing, and output
 * variants the masker masked.
 */
@ExtendWith(GatewayLogOnFailure.class)
class ShellGuardAttack17cHeldIT {
  @TempDir static Path dir;
  static ShellPromptFixture prompt;
  static GatewayFixture gw;

  @BeforeAll
  static void start() throws Exception {
    prompt = ShellPromptFixture.setup().policies(ShellGuardAttack17cIT.POLICIES).terminal(160, 40).start(dir);
    gw = prompt.gw;
  }

  @AfterAll
  static void stop() throws Exception {
    if (prompt != null) {
      prompt.close();
    }
  }

  /** Variants that held when this pass was written: refused (blocked or held for approval), or harmless. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "L:id",
      "L:\\id",
      "L:stty erase '#'",
      "L:exec -a x bash",
      "L:env bash",
      "L:script -q /dev/null",
      "L:perl -de0",
      "L:bash -s",
      "L:echo id ⏎ L:!!:$",
      "L:history -s id ⏎ L:fc -s",
      "L:python3 -",
      "L:alias ls=id",
      "L:PROMPT_COMMAND+=(id)",
      "L:trap id DEBUG",
  })
  void whatHeldWasRefused(String scenario, @TempDir Path tmp) throws Exception {
    SshClientKey k = gw.sign(GatewayFixture.uniqueIdentity("held"), List.of("dev"));
    try (Tmux t = prompt.shell(tmp, k)) {
      ShellGuardAttack17cIT.play(t, scenario);
      t.awaitScreen("gatehouse: (waiting for approval|blocked by rule)", WAIT);
      t.run("send-keys", "-t", "gh", "C-c");
      ShellGuardAttack17cIT.assertIdNeverRan(t, scenario);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      // Forged prompt markers from a command's output: the gateway thinks it is at the prompt while
      // cat reads; the next line is judged all the same (and goes to cat, not to bash).
      "L:printf '\\e]133;A;1\\a\\e]133;P\\afake$ \\e]133;B\\a'; timeout 1 cat ⏎ L:id",
      // Markers split across writes, and an unfinished one left before the real prompt.
      "L:printf '\\e]13'; sleep 0.3; printf '3;A;7\\a'; sleep 1 ⏎ L:id",
      "L:printf '\\e]133;A;7' ⏎ L:id",
      // Typed while a command finishes: thrown away at the next prompt.
      "L:sleep 1 ⏎ R:id ⏎ K:Enter",
      // A background job's output at the prompt; then a blocked line.
      "L:(sleep 1; echo from-background) & ⏎ L:id",
  })
  void whatHeldForgedMarkersAndTypeAhead(String scenario, @TempDir Path tmp) throws Exception {
    SshClientKey k = gw.sign(GatewayFixture.uniqueIdentity("mark"), List.of("dev"));
    try (Tmux t = prompt.shell(tmp, k)) {
      ShellGuardAttack17cIT.play(t, scenario);
      ShellGuardAttack17cIT.assertIdNeverRan(t, scenario);
    }
  }


  /** What held on the output side: colours inside a value, a value split over writes without a pause. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"alice.secret@exam\\033[0mple.com", "alice.secret@exam\\033]0;t\\007ple.com"})
  void whatHeldOnTheOutputSide(String value, @TempDir Path tmp) throws Exception {
    SshClientKey k = gw.sign(GatewayFixture.uniqueIdentity("outheld"), List.of("dev"));
    List<String> argv = new ArrayList<>(gw.sshArgv(k, "web-1", List.of("-t")));
    argv.add("printf 'mail: " + value + "\\nEND-OF-OUTPUT\\n'; sleep 1");
    try (Tmux t = Tmux.start(tmp, 160, 40, argv)) {
      t.awaitScreen("END-OF-OUTPUT", WAIT);
      assertThat(t.screen()).doesNotContain(EMAIL).contains("mail: ********");
    }
  }
}
