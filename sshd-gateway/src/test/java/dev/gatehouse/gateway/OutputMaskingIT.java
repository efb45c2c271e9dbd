package dev.gatehouse.gateway;

import static dev.gatehouse.gateway.GatewayFixture.field;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Output masking on shell targets, end to end: the real OpenSSH client, the gateway, bash on a
 * {@code command} target and a real OpenSSH sshd behind an {@code ssh} target, each with a shell
 * policy whose {@code mask.detectors} run over the output. Asserted is what the user's screen got
 * (stdout, stderr, the tmux screen) and what the recording's output events hold: never a clear
 * value. The programs print their values from base64, so no clear value is in a command's text.
 */
@ExtendWith(GatewayLogOnFailure.class)
class OutputMaskingIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  static final String EMAIL = "alice.secret@example.com";
  static final String CARD = "4111 1111 1111 1111";
  static final String JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXNpZ24";
  static final String AWS_KEY = "AKIAIOSFODNN7EXAMPLE";
  static final String KEY_BODY = "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW";
  static final String PRIVATE_KEY =
      "-----BEGIN OPENSSH PRIVATE KEY-----\n" + KEY_BODY + "\nQyNTUxOQAAACD0bGl0dGxlIHNlY3JldA==\n-----END OPENSSH PRIVATE KEY-----";
  static final List<String> CLEAR = List.of(EMAIL, CARD, JWT, AWS_KEY, KEY_BODY, "BEGIN OPENSSH PRIVATE KEY");

  static final String CORPUS = "mail: " + EMAIL + "\ncard: " + CARD + "\njwt: " + JWT + "\naws: " + AWS_KEY + "\n"
      + PRIVATE_KEY + "\ndone\n";
  static final String MASKED = "mail: ********\ncard: ********\njwt: ********\naws: ********\n********\ndone\n";

  @TempDir static Path dir;
  static SshdProcess sshd;
  static GatewayFixture gw;

  @BeforeAll
  static void start() throws Exception {
    sshd = SshdProcess.prepare(dir.resolve("sshd"));
    String command = """
            type: command
            command: ["/bin/bash", "--noprofile", "--norc", "-i"]
            exec: ["/bin/bash", "-c"]
            env: { PATH: "/usr/bin:/bin", PS1: "ready$ " }
            runAs: nobody
            allow: { groups: [dev] }
        """;
    String host = "    type: ssh\n    ssh: { host: 127.0.0.1, port: " + sshd.port() + ", user: " + SshdProcess.TARGET_USER
        + ", hostKey: \"" + sshd.hostKeyLine() + "\" }\n    allow: { groups: [dev] }\n";
    String targets = "targets:\n"
        + "  - name: masked\n" + command + "    policy: masking-shell\n"
        + "  - name: plain\n" + command
        + "  - name: masked-host\n" + host + "    policy: masking-shell\n"
        + """
        policies:
          masking-shell:
            type: shell
            block: [recursive-delete-root]
            unclassified: block
            mask: { detectors: [email, credit-card, api-key, private-key, jwt] }
        """;
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

  private static String printed(String text) {
    return "printf %s " + Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)) + " | base64 -d";
  }

  @Test
  void theUnmaskedTargetShowsTheValuesSoTheCommandsDoPrintThem() throws Exception {
    SshClientKey ann = gw.sign(GatewayFixture.uniqueIdentity("ann"), List.of("dev"));
    SshResult r = gw.ssh(ann, "plain").run(printed(CORPUS));
    assertThat(r.exitCode()).as("%s", r).isZero();
    assertThat(r.out()).isEqualTo(CORPUS);
  }

  @Test
  void execOutputOfACommandTargetIsMaskedOnScreenInTheRecordingAndCountedInTheAudit() throws Exception {
    SshClientKey bob = gw.sign(GatewayFixture.uniqueIdentity("bob"), List.of("dev"));
    SshResult r = gw.ssh(bob, "masked").run(printed(CORPUS) + "; " + printed(CORPUS) + " >&2");

    assertThat(r.exitCode()).as("%s", r).isZero();
    assertThat(r.out()).isEqualTo(MASKED);
    assertThat(r.err()).as("stderr").isEqualTo(MASKED);
    assertNoClearValue(outputOf(bob));
    assertThat(outputOf(bob)).contains("mail: ********");
    JsonNode end = gw.awaitAudit("session end", field("code", "GH2001I").and(field("identity", bob.identity())));
    assertThat(end.path("masked").toString())
        .isEqualTo("{\"api-key\":2,\"credit-card\":2,\"email\":2,\"jwt\":2,\"private-key\":2}");
  }

  @Test
  void execOutputOfAnSshTargetIsMaskedOnScreenAndInTheRecording() throws Exception {
    SshClientKey carl = gw.sign(GatewayFixture.uniqueIdentity("carl"), List.of("dev"));
    SshResult r = gw.ssh(carl, "masked-host").run(printed(CORPUS) + "; " + printed(CORPUS) + " >&2");

    assertThat(r.exitCode()).as("%s", r).isZero();
    assertThat(r.out()).isEqualTo(MASKED);
    assertThat(r.err()).as("stderr").isEqualTo(MASKED);
    assertNoClearValue(outputOf(carl));
    JsonNode end = gw.awaitAudit("session end", field("code", "GH2001I").and(field("identity", carl.identity())));
    assertThat(end.path("masked").path("email").asLong()).isEqualTo(2);
  }

  /**
   * A value written in pieces, with a pause between them and without: never shown whole. After a
   * pause longer than the idle flush the first piece has been passed on (a prompt must not wait),
   * and the rest is masked as part of the value it completes; without a pause the value is masked
   * as one. Which of the two happened depends on the machine's timing (a loaded machine can pause
   * a program anywhere), so the screen is matched against both.
   */
  @Test
  void aValueWrittenInPiecesNeverShowsWhole() throws Exception {
    String text = "printf 'mail: ab'; sleep 0.1; printf 'c@example.com\\n'; printf 'card 4111 1111'; sleep 0.1; "
        + "printf ' 1111 1111\\n'; printf 'mail: de'; printf 'f@exam'; printf 'ple.com\\n'";
    for (String target : List.of("masked", "masked-host")) {
      SshClientKey dora = gw.sign(GatewayFixture.uniqueIdentity("dora"), List.of("dev"));
      SshResult r = gw.ssh(dora, target).run(text);
      assertThat(r.exitCode()).as("%s", r).isZero();
      assertThat(r.out()).as(target)
          .matches("mail: (a|ab)?\\*{8}\ncard [0-9 ]*\\*{8}\nmail: [a-z.@]*\\*{8}\n")
          .doesNotContain("abc@example.com", "c@example.com", CARD, "def@example.com", "f@example.com");
      assertThat(outputOf(dora)).doesNotContain("abc@example.com", "c@example.com", CARD, "f@example.com");
    }
  }

  @Test
  void colouredOutputIsReadThroughItsEscapeSequences() throws Exception {
    for (String target : List.of("masked", "masked-host")) {
      SshClientKey fay = gw.sign(GatewayFixture.uniqueIdentity("fay"), List.of("dev"));
      SshResult r = gw.ssh(fay, target)
          .run("printf 'to: ab\\033[0mc@example.com\\n\\033[1;31m4111 1111\\033[0m 1111 1111\\r\\n'");
      assertThat(r.exitCode()).as("%s", r).isZero();
      assertThat(r.out()).as(target).isEqualTo("to: ********\u001b[0m\n\u001b[1;31m********\u001b[0m\r\n");
      assertThat(outputOf(fay)).doesNotContain("c@example.com", "1111 1111");
    }
  }

  /**
   * 51 MB through each target: no clear value anywhere, no line lost, every value's mask on every
   * line, and the audit counts them all. Exact equality with the fully masked stream is what the
   * masker gives as long as the output does not pause mid-value for longer than the idle flush
   * (proven for any chunking in OutputMaskerTest); on a loaded machine a bulk stream can pause,
   * and then a value's first part may show before its mask, which is what this test allows. (A
   * longer time limit than the default: on a shared 2-core machine this moves 100 MB twice.)
   */
  @Test
  @org.junit.jupiter.api.Timeout(value = 10, unit = java.util.concurrent.TimeUnit.MINUTES)
  void aFiftyMegabyteStreamIsMaskedLineForLine() throws Exception {
    int lines = 900_000;
    String line = "user " + EMAIL + " card " + CARD + " ok";
    java.util.regex.Pattern maskedLine = java.util.regex.Pattern.compile("user [^ ]*\\*{8} card [0-9 ]*\\*{8} ok");
    for (String target : List.of("masked", "masked-host")) {
      SshClientKey gus = gw.sign(GatewayFixture.uniqueIdentity("gus"), List.of("dev"));
      SshResult r = gw.ssh(gus, target).timeout(Duration.ofMinutes(3))
          .run("yes \"$(" + printed(line) + ")\" | head -n " + lines);
      assertThat(r.exitCode()).as("%s exit, stderr %s", target, r.err()).isZero();
      String out = new String(r.stdout(), StandardCharsets.US_ASCII);
      assertNoClearValue(out);
      String[] got = out.split("\n", -1);
      assertThat(got).as(target).hasSize(lines + 1);
      int exact = 0;
      for (int i = 0; i < lines; i++) {
        if (!maskedLine.matcher(got[i]).matches()) {
          throw new AssertionError(target + " line " + i + ": " + got[i]);
        }
        if (got[i].equals("user ******** card ******** ok")) {
          exact++;
        }
      }
      System.out.println(target + ": " + exact + " of " + lines + " lines masked whole, "
          + (lines - exact) + " with a value's first part before its mask (an idle flush mid-value)");
      JsonNode end = gw.awaitAudit("session end", field("code", "GH2001I").and(field("identity", gus.identity())));
      assertThat(end.path("masked").path("email").asLong()).isGreaterThanOrEqualTo(lines);
      assertThat(end.path("masked").path("credit-card").asLong()).isGreaterThanOrEqualTo(lines);
      assertNoClearValue(gus);
    }
  }

  /** Interactive, under a pty: the output is masked and the prompt after it still shows. */
  @Test
  void anInteractiveShellsOutputIsMaskedAndItsPromptNotHeld() throws Exception {
    for (String target : List.of("masked", "masked-host")) {
      SshClientKey hal = gw.sign(GatewayFixture.uniqueIdentity("hal"), List.of("dev"));
      try (Tmux tmux = Tmux.start(dir.resolve("tmux-" + target), 160, 40, gw.sshArgv(hal, target, List.of("-tt")))) {
        tmux.awaitScreen("\\$\\s*$", Duration.ofSeconds(20));
        tmux.type(printed(CORPUS) + "; echo end-of-corpus");
        tmux.awaitScreen("^end-of-corpus\\n.*\\$\\s*$", Duration.ofSeconds(20));
        String screen = tmux.screen();
        assertThat(screen).contains("mail: ********", "card: ********", "jwt: ********", "aws: ********");
        for (String clear : CLEAR) {
          assertThat(screen).doesNotContain(clear);
        }
        tmux.type("exit");
        tmux.awaitExit(Duration.ofSeconds(20));
      }
      assertNoClearValue(outputOf(hal));
    }
  }

  // ---- the recording's output --------------------------------------------------------------

  private static void assertNoClearValue(String output) {
    for (String clear : CLEAR) {
      assertThat(output).doesNotContain(clear);
    }
  }

  /** The output events of every recording of {@code key}'s sessions, joined. */
  private static String outputOf(SshClientKey key) throws Exception {
    StringBuilder all = new StringBuilder();
    forEachOutput(key, all::append);
    return all.toString();
  }

  /** Streams the output events (a 50 MB recording is not joined into one string). */
  private static void assertNoClearValue(SshClientKey key) throws Exception {
    StringBuilder tail = new StringBuilder();
    forEachOutput(key, o -> {
      tail.append(o);
      assertNoClearValue(tail.toString());
      tail.delete(0, Math.max(0, tail.length() - 200)); // a value split between events is still seen
    });
  }

  private static void forEachOutput(SshClientKey key, java.util.function.Consumer<String> output) throws Exception {
    // the session-end line comes after the recording is closed
    gw.awaitAudit("session end", field("code", "GH2001I").and(field("identity", key.identity())));
    for (var s : gw.sessionsOf(key.identity())) {
      try (BufferedReader in = Files.newBufferedReader(gw.dataDir().resolve(s.path()), StandardCharsets.UTF_8)) {
        in.readLine(); // header
        String l;
        while ((l = in.readLine()) != null) {
          JsonNode e = JSON.readTree(l);
          if (e.isArray() && "o".equals(e.path(1).asText())) {
            output.accept(e.path(2).asText());
          }
        }
      }
    }
  }
}
