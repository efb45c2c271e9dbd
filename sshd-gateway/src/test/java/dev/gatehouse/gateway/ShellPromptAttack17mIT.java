package dev.gatehouse.gateway;

import static dev.gatehouse.gateway.GatewayFixture.field;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Attack pass 17m on the guarded prompt of an {@code ssh} target, end to end as ShellPromptSshIT:
 * the real OpenSSH client in tmux, the gateway, a real OpenSSH sshd on loopback, the account's
 * login bash, docs/policy.md's default-shell policy.
 *
 * <p><b>The client chooses the host terminal's line discipline.</b> The terminal modes of the
 * client's pty request (RFC 4254 8: VERASE, VKILL, VWERASE, VLNEXT, ISTRIP, …) are passed on as
 * they are to the host's pty request ({@code SshTargetSession}: {@code env.getPtyModes()}), and
 * sshd applies them to the host's terminal before bash starts. The integration saves the
 * terminal's settings when it starts ({@code stty -g}) and the hook puts exactly those back at
 * every prompt, so the hostile settings are what every judged line is edited with. OpenSSH's client
 * sends its own terminal's settings: {@code stty erase Q} before {@code ssh -t} is all it takes.
 * The line {@code #Qtouch W} is judged as a comment (allowed, no command); the host's terminal
 * erases the {@code #} at the {@code Q} and hands bash {@code touch W}. With {@code stty kill ~}
 * everything before the {@code ~} goes; with {@code istrip} every byte loses its eighth bit, so
 * the UTF-8 of {@code ⤨} (E2 A4 A8) reaches bash as {@code b$(} and {@code ©} (C2 A9) as {@code B)}.
 * The guarded prompt never knows: bash's C marker comes for the line it sent.
 *
 * <p>Each test asserts the secure outcome: the witness {@code touch} never runs on the host.
 */
@ExtendWith(GatewayLogOnFailure.class)
class ShellPromptAttack17mIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String PROMPT = GuardedSshTargetFixture.PROMPT;

  @TempDir static Path dir;
  static GuardedSshTargetFixture target;
  static GatewayFixture gw;

  @BeforeAll
  static void start() throws Exception {
    target = GuardedSshTargetFixture.start(dir);
    gw = target.gw;
  }

  @AfterAll
  static void stop() throws Exception {
    if (target != null) {
      target.close();
    }
  }

  /** The OpenSSH client started from a terminal whose settings {@code stty} changed first: it sends them. */
  private static Tmux guardedWith(Path tmp, String who, String stty) throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity(who), List.of("dev"));
    List<String> argv = new ArrayList<>(List.of("sh", "-c", "stty " + stty + " && exec \"$@\"", "sh"));
    argv.addAll(gw.sshArgv(key, "web-ssh", List.of("-t")));
    Tmux t = Tmux.start(tmp, 200, 30, argv);
    t.awaitScreen("^" + PROMPT + "$", WAIT);
    return t;
  }

  /**
   * {@code stty} settings of the client's terminal, and a line the guard allows (a comment, an
   * echo of a literal) that the host's terminal, so set, hands bash as {@code touch W}.
   */
  @ParameterizedTest(name = "client terminal `stty {0}`, typed: {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
      erase Q  | #Qtouch WITNESS
      kill '~' | echo hi #~touch WITNESS
      istrip   | echo ⤨touch WITNESS ©
      """)
  void theClientsTerminalModesDoNotEditAJudgedLineIntoAnother(String stty, String template, @TempDir Path tmp)
      throws Exception {
    Path w = Path.of("/tmp", "gh-attack17m-" + UUID.randomUUID());
    String line = template.replace("WITNESS", w.toString());
    try (Tmux t = guardedWith(tmp, "modes17m", stty)) {
      t.run("send-keys", "-t", "gh", "-l", line);
      t.run("send-keys", "-t", "gh", "Enter");
      // The line is allowed as what the guard read it as; then the guard's next prompt.
      t.awaitScreen("^" + PROMPT + "$", WAIT);
      Thread.sleep(1500);
      t.type("echo still-guarded");
      t.awaitScreen("^still-guarded\\n" + PROMPT + "$", WAIT);
    } finally {
      boolean ran = Files.exists(w);
      Files.deleteIfExists(w);
      assertThat(ran).as("the guard judged `%s` and allowed it; the host's terminal (client modes: stty %s)"
          + " handed bash another line and `touch %s` ran unjudged", line, stty, w).isFalse();
    }
    JsonNode judged = gw.awaitAudit("the line judged", field("code", "GH3000I").and(field("statement", line)));
    assertThat(judged.path("commands").toString()).doesNotContain("touch");
  }
}
