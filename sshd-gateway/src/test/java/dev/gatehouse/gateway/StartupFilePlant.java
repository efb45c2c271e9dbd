package dev.gatehouse.gateway;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A session on an {@code ssh} target whose host account's {@code ~/.bashrc} carries one planted
 * text, limited to this fixture's own sshd (its port in {@code SSH_CONNECTION}), and is put back
 * byte for byte once bash read it and again at the end: the live attack tests of the bash
 * integration's clean-up of startup files.
 */
final class StartupFilePlant {
  private StartupFilePlant() {}

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
