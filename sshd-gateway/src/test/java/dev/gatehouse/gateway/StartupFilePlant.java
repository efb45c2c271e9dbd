package dev.gatehouse.gateway;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
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

  /**
   * Held from reading the account's {@code ~/.bashrc} to putting it back, across test JVMs too
   * (a developer's run beside CI's, an attack pass's): without it one run read another's plant as
   * the original and put it back for good, or put back its own original while another's plant
   * still waited to be read.
   */
  private static final Path LOCK = Path.of(System.getProperty("java.io.tmpdir"),
      "gatehouse-it-" + SshdProcess.TARGET_USER + "-bashrc.lock");
  private static final ReentrantLock IN_THIS_JVM = new ReentrantLock();
  private static FileChannel lockChannel;
  private static FileLock lock;

  private StartupFilePlant() {}

  /** Takes the lock on the account's startup file and returns its bytes (to be put back by {@link #putBack}). */
  static byte[] takeAndRead(Path rc) throws IOException {
    IN_THIS_JVM.lock();
    try {
      if (IN_THIS_JVM.getHoldCount() == 1) {
        lockChannel = FileChannel.open(LOCK, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        lock = lockChannel.lock();
      }
      return Files.readAllBytes(rc);
    } catch (IOException | RuntimeException e) {
      release();
      throw e;
    }
  }

  /** Writes the original bytes back and lets the next planting test (of any JVM) go on. */
  static void putBack(Path rc, byte[] original) throws IOException {
    try {
      Files.write(rc, original);
    } finally {
      release();
    }
  }

  private static void release() throws IOException {
    try {
      if (IN_THIS_JVM.getHoldCount() == 1 && lock != null) {
        lock.release();
        lockChannel.close();
        lock = null;
        lockChannel = null;
      }
    } finally {
      IN_THIS_JVM.unlock();
    }
  }

  /** A witness file name under /tmp for the attack pass {@code pass} (made only if planted code ran). */
  static Path witness(String pass) {
    return Path.of("/tmp", "att" + pass + "-" + UUID.randomUUID().toString().substring(0, 8));
  }

  /**
   * The session came up guarded ({@code echo one-<pass>} was typed and shown), the witness
   * {@code w} was not made, and no nonce reached the client or the recording.
   */
  static void checkGuardedAndClean(String pass, String what, String[] seen, Path w) throws Exception {
    checkGuardedAndClean(pass, what, seen, w, false);
  }

  /**
   * As above; {@code toTheEnd}: the session also still answered at the end ({@code echo
   * two-<pass>}, typed last, was shown).
   */
  static void checkGuardedAndClean(String pass, String what, String[] seen, Path w, boolean toTheEnd) throws Exception {
    boolean ran = Files.exists(w);
    Files.deleteIfExists(w);
    boolean shown = NONCE.matcher(seen[0]).find();
    boolean recorded = NONCE.matcher(seen[1]).find();
    String t = ShellLiveTargets.clean(seen[0], 3000);
    System.out.println(pass + " " + what + ": witness ran=" + ran + " nonce shown=" + shown + " recorded=" + recorded
        + "; transcript:\n" + t);
    SoftAssertions s = new SoftAssertions();
    if (toTheEnd) {
      s.assertThat(seen[0]).as("the session came up guarded and stayed so (precondition)").contains("two-" + pass);
    } else {
      s.assertThat(seen[0]).as("the session came up guarded (precondition)").contains("one-" + pass);
    }
    s.assertThat(ran).as("%s: a judged, allowed line ran the startup file's `touch %s`; transcript:%n%s", what, w, t)
        .isFalse();
    s.assertThat(shown || recorded).as("%s: a hook nonce (128 hex) reached the client (%s) or the recording (%s)", what,
        shown, recorded).isFalse();
    s.assertAll();
  }

  /** For a plant that must get no guarded session: it ended so, and no nonce was shown or recorded. */
  static void checkRefused(String pass, String what, String[] seen) {
    String t = ShellLiveTargets.clean(seen[0], 3000);
    System.out.println(pass + " " + what + ": transcript:\n" + t);
    SoftAssertions s = new SoftAssertions();
    s.assertThat(seen[0]).as("%s: the session ends before a guarded prompt", what)
        .contains("the remote shell did not take the guard's integration");
    s.assertThat(NONCE.matcher(seen[0]).find() || NONCE.matcher(seen[1]).find())
        .as("%s: a hook nonce (128 hex) reached the client or the recording", what).isFalse();
    s.assertAll();
  }

  /**
   * Plants {@code rcLine}, opens the session as a fresh identity named after {@code who}, waits for
   * {@code awaited} on the screen (empty: 15 s, for an account whose prompt is empty; the gateway
   * holds keys typed before its guarded prompt), types {@code lines} (each after 1.5 s; {@code
   * @touch PATH} makes a file as the test's user instead, {@code @sleep MS} waits) and returns the
   * transcript, the identity's recordings and the audit's judged lines ({@code text => code verdict}).
   */
  static String[] run(Path tmp, String who, String rcLine, String awaited, String... lines) throws Exception {
    SshdProcess own = SshdProcess.prepare(tmp.resolve("sshd"));
    GatewayFixture g = null;
    Path rc = Path.of("/home", SshdProcess.TARGET_USER, ".bashrc");
    byte[] before = takeAndRead(rc);
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
            if (l.startsWith("@touch ")) {
              Files.writeString(Path.of(l.substring(7)), "");
              Thread.sleep(1500);
            } else if (l.startsWith("@sleep ")) {
              Thread.sleep(Long.parseLong(l.substring(7)));
            } else {
              ssh.send(l + "\r");
              Thread.sleep(1500);
            }
          }
        } catch (java.io.IOException ended) {
          // the session already ended
        }
        Thread.sleep(2500);
        seen = ssh.transcript();
      }
      Thread.sleep(1000);
      String audit = String.join("\n", g.auditLines().stream()
          .filter(n -> !n.path("statement").asText("").isEmpty())
          .map(n -> n.path("statement").asText() + " => " + n.path("code").asText() + " " + n.path("verdict").asText())
          .toList());
      return new String[] {seen, g.recordingsOf(key), audit};
    } finally {
      putBack(rc, before);
      if (g != null) {
        g.close();
      }
      own.close();
    }
  }
}
