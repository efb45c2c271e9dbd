package dev.gatehouse.gateway;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;

/**
 * A session on an {@code ssh} target whose host account's {@code ~/.bashrc} carries one planted
 * text, limited to this fixture's own sshd (its port in {@code SSH_CONNECTION}), and is put back
 * byte for byte once bash read it and again at the end: the live attack tests of the bash
 * integration's clean-up of startup files.
 */
final class StartupFilePlant {
  /** A hook nonce: 128 lower-case hex digits. */
  static final Pattern NONCE = Pattern.compile("[0-9a-f]{128}");

  private StartupFilePlant() {}

  /** A witness file name under /tmp for the attack pass {@code pass} (made only if planted code ran). */
  static Path witness(String pass) {
    return Path.of("/tmp", "att" + pass + "-" + UUID.randomUUID().toString().substring(0, 8));
  }

  /**
   * The session came up guarded ({@code echo one-<pass>} was typed and shown), the witness
   * {@code w} was not made, and no nonce reached the client or the recording.
   */
  static void checkGuardedAndClean(String pass, String what, String[] seen, Path w) throws Exception {
    boolean ran = Files.exists(w);
    Files.deleteIfExists(w);
    boolean shown = NONCE.matcher(seen[0]).find();
    boolean recorded = NONCE.matcher(seen[1]).find();
    String t = ShellLiveTargets.clean(seen[0], 3000);
    System.out.println(pass + " " + what + ": witness ran=" + ran + " nonce shown=" + shown + " recorded=" + recorded
        + "; transcript:\n" + t);
    SoftAssertions s = new SoftAssertions();
    s.assertThat(seen[0]).as("the session came up guarded (precondition)").contains("one-" + pass);
    s.assertThat(ran).as("%s: a judged, allowed line ran the startup file's `touch %s`; transcript:%n%s", what, w, t)
        .isFalse();
    s.assertThat(shown || recorded).as("%s: a hook nonce (128 hex) reached the client (%s) or the recording (%s)", what,
        shown, recorded).isFalse();
    s.assertAll();
  }

  /**
   * Plants {@code rcLine}, opens the session as a fresh identity named after {@code who}, waits for
   * {@code awaited} on the screen (empty: 15 s, for an account whose prompt is empty; the gateway
   * holds keys typed before its guarded prompt), types {@code lines} and returns the transcript and
   * the identity's recordings.
   */
  static String[] run(Path tmp, String who, String rcLine, String awaited, String... lines) throws Exception {
    SshdProcess own = SshdProcess.prepare(tmp.resolve("sshd"));
    GatewayFixture g = null;
    Path rc = Path.of("/home", SshdProcess.TARGET_USER, ".bashrc");
    byte[] before = Files.readAllBytes(rc);
    try {
      String targets = "targets:\n  - name: ssh-plant\n    type: ssh\n    ssh: { host: 127.0.0.1, port: " + own.port()
          + ", user: " + SshdProcess.TARGET_USER + ", hostKey: \"" + own.hostKeyLine() + "\" }\n    allow: { groups: [dev] }\n"
          + "    policy: default-shell\n" + ShellLiveTargets.POLICIES;
      Files.createDirectories(tmp.resolve("gw"));
      g = GatewayFixture.start(tmp.resolve("gw"), "", targets);
      own.start(g.gateway().certificateAuthority().targetCaPublicKeyLine(), "AcceptEnv LANG LC_*");
      String plant = "\ncase ${SSH_CONNECTION-} in *\" " + own.port() + "\") " + rcLine + ";; esac\n";
      byte[] p = plant.getBytes(StandardCharsets.UTF_8);
      byte[] all = java.util.Arrays.copyOf(before, before.length + p.length);
      System.arraycopy(p, 0, all, before.length, p.length);
      Files.write(rc, all);
      SshClientKey key = g.sign(GatewayFixture.uniqueIdentity(who), List.of("dev"));
      String seen;
      try (InteractiveProcess ssh = g.interactive(key, "ssh-plant")) {
        try {
          if (awaited.isEmpty()) {
            Thread.sleep(15000);
          } else {
            ssh.await(awaited, Duration.ofSeconds(60));
          }
        } finally {
          Files.write(rc, before); // bash read it already (or never will)
        }
        Thread.sleep(1000);
        try {
          for (String l : lines) {
            ssh.send(l + "\r");
            Thread.sleep(1500);
          }
        } catch (java.io.IOException ended) {
          // the session already ended
        }
        Thread.sleep(2500);
        seen = ssh.transcript();
      }
      Thread.sleep(1000);
      return new String[] {seen, g.recordingsOf(key)};
    } finally {
      Files.write(rc, before);
      if (g != null) {
        g.close();
      }
      own.close();
    }
  }
}
