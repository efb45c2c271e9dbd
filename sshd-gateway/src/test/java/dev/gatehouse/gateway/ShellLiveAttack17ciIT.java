package dev.gatehouse.gateway;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attack pass 17ci (class comment written below after the run).
 */
@ExtendWith(GatewayLogOnFailure.class)
class ShellLiveAttack17ciIT {
  private static final Pattern NONCE = Pattern.compile("[0-9a-f]{128}");

  private static Path witness() {
    return Path.of("/tmp", "att17ci-" + UUID.randomUUID().toString().substring(0, 8));
  }

  private static String[] planted(Path tmp, String rcLine, String... lines) throws Exception {
    return run(tmp, rcLine, "$ ", lines);
  }

  private static String[] run(Path tmp, String rcLine, String awaited, String... lines) throws Exception {
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
      SshClientKey key = g.sign(GatewayFixture.uniqueIdentity("plant17ci"), List.of("dev"));
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

  private static void check(String what, String[] seen, Path w) throws Exception {
    boolean ran = Files.exists(w);
    Files.deleteIfExists(w);
    boolean shown = NONCE.matcher(seen[0]).find();
    boolean recorded = NONCE.matcher(seen[1]).find();
    String t = ShellLiveTargets.clean(seen[0], 3000);
    System.out.println("17ci " + what + ": witness ran=" + ran + " nonce shown=" + shown + " recorded=" + recorded
        + "; transcript:\n" + t);
    SoftAssertions s = new SoftAssertions();
    s.assertThat(seen[0]).as("the session came up guarded (precondition)").contains("one-17ci");
    s.assertThat(ran).as("%s: a judged, allowed line ran the startup file's `touch %s`; transcript:%n%s", what, w, t)
        .isFalse();
    s.assertThat(shown || recorded).as("%s: a hook nonce (128 hex) reached the client (%s) or the recording (%s)", what,
        shown, recorded).isFalse();
    s.assertAll();
  }

  /** F1's plant: no POSIX mode at the first part, a startup {@code unset}, a DEBUG trap around each judged line. */
  static String noPosixPlant(Path w) {
    return "declare -n POSIXLY_CORRECT=zz17ci\n"
        + "set +o braceexpand +o hashall +o histexpand +o history +o monitor +o interactive-comments +o emacs +o vi\n"
        + "unset() {\n"
        + "  local a\n"
        + "  if [[ \"$*\" == \"-v POSIXLY_CORRECT\" ]]; then\n"
        + "    builtin unset -n POSIXLY_CORRECT; builtin unset -v POSIXLY_CORRECT zz17ci\n"
        + "    builtin set -o braceexpand -o hashall -o interactive-comments -o monitor -o history\n"
        + "    builtin trap '[[ $BASH_COMMAND == *\"unset -v PROMPT_COMMAND PS4\"* ]] && { __att_swap; builtin trap - DEBUG; }' DEBUG\n"
        + "    builtin unset -f unset\n"
        + "    return 0\n"
        + "  fi\n"
        + "  local args=(); for a; do [[ $a == unset ]] || args+=(\"$a\"); done\n"
        + "  builtin unset \"${args[@]}\"\n"
        + "}\n"
        + "__att_swap() {\n"
        + "  eval \"$(builtin declare -f __gh_prompt | builtin command -p sed '1s/__gh_prompt/__att_real/')\"\n"
        + "  __gh_prompt() { __att_real \"$@\"; builtin trap 'builtin trap - DEBUG; : > " + w + "' DEBUG; }\n"
        + "}\n";
  }

  @Test
  void posixCheckPassesWithNoShellOptionsAndAStartupUnsetRunsAroundJudgedLines(@TempDir Path tmp) throws Exception {
    Path w = witness();
    check("no shell options, startup unset", planted(tmp, noPosixPlant(w), "echo one-17ci", "ls -d /", "echo two-17ci"), w);
  }
}
