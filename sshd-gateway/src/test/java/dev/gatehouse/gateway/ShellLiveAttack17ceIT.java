package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

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
 * CLASSDOC
 */
@ExtendWith(GatewayLogOnFailure.class)
class ShellLiveAttack17ceIT {
  private static final Pattern NONCE = Pattern.compile("[0-9a-f]{128}");

  private static Path witness() {
    return Path.of("/tmp", "att17ce-" + UUID.randomUUID().toString().substring(0, 8));
  }

  /**
   * A line planted in the test host account's ~/.bashrc for this test's own sshd only (as
   * ShellLiveAttack17caIT's), put back after; {@code lines} typed at the guarded prompt, each after
   * 1.5 s; {@code @touch PATH} makes a file (as the test's user) instead, {@code @sleep MS} waits.
   * Returns the client's transcript and the session's recording.
   */
  private static String[] planted(Path tmp, String rcLine, String... lines) throws Exception {
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
      SshClientKey key = g.sign(GatewayFixture.uniqueIdentity("plant17ce"), List.of("dev"));
      String seen;
      try (InteractiveProcess ssh = g.interactive(key, "ssh-plant")) {
        try {
          ssh.await("$ ", Duration.ofSeconds(60));
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
      Files.write(rc, before);
      if (g != null) {
        g.close();
      }
      own.close();
    }
  }

  /**
   * A line planted as {@link #planted} does, where the session must not come up guarded: the
   * gateway ends it with "the remote shell did not take the guard's integration". Returns the
   * client's transcript and the session's recording.
   */
  private static String[] refusedAtStart(Path tmp, String rcLine) throws Exception {
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
      SshClientKey key = g.sign(GatewayFixture.uniqueIdentity("plant17ce"), List.of("dev"));
      String seen;
      try (InteractiveProcess ssh = g.interactive(key, "ssh-plant")) {
        try {
          ssh.await("did not take the guard's integration", Duration.ofSeconds(60));
        } finally {
          Files.write(rc, before);
        }
        Thread.sleep(1000);
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

  /** {@link #refusedAtStart}'s checks: no guarded prompt, no nonce shown or recorded. */
  private static void refused(String what, String[] seen) {
    String t = ShellLiveTargets.clean(seen[0], 3000);
    System.out.println("17ce " + what + ": transcript:\n" + t);
    assertThat(seen[0]).as("%s: the session ends before a guarded prompt", what)
        .contains("the remote shell did not take the guard's integration");
    assertThat(NONCE.matcher(seen[0]).find() || NONCE.matcher(seen[1]).find())
        .as("%s: a hook nonce (128 hex) reached the client or the recording", what).isFalse();
  }

  /** The common checks: guarded and alive to the end, the judged ls did not run the witness, no nonce shown or recorded. */
  private static void check(String what, String[] seen, Path w) throws Exception {
    check(what, seen, w, true);
  }

  /** {@link #check}; {@code staysUp}: whether the session must still answer at the end. */
  private static void check(String what, String[] seen, Path w, boolean staysUp) throws Exception {
    boolean ran = Files.exists(w);
    Files.deleteIfExists(w);
    boolean shown = NONCE.matcher(seen[0]).find();
    boolean recorded = NONCE.matcher(seen[1]).find();
    String t = ShellLiveTargets.clean(seen[0], 3000);
    System.out.println("17ce " + what + ": witness ran=" + ran + " nonce shown=" + shown + " recorded=" + recorded
        + "; transcript:\n" + t);
    SoftAssertions s = new SoftAssertions();
    if (staysUp) {
      s.assertThat(seen[0]).as("the session came up guarded and stayed so (precondition)").contains("two-17ce");
    } else {
      s.assertThat(seen[0]).as("the session came up guarded (precondition)").contains("one-17ce");
    }
    s.assertThat(ran).as("%s: the judged, allowed `ls -d /` ran the startup file's `touch %s`; transcript:%n%s", what, w, t)
        .isFalse();
    s.assertThat(shown || recorded).as("%s: a hook nonce (128 hex) reached the client (%s) or the recording (%s)", what,
        shown, recorded).isFalse();
    s.assertAll();
  }

  /**
   * F1: ~/.bashrc's PS1 defines an alias of {@code set} only once the settle line has run
   * ({@code ${__gh_tty:+…}}: the variable the settle line sets), so the S check sees no alias; the
   * next expansion (before the second part's first line) comes before the hook's definition is
   * parsed, and every unquoted {@code set} in the hook's body becomes {@code __ev; set}. The
   * startup file's function {@code __ev} (a name of no builtin) then runs at the start of the hook
   * at every prompt: it removes the alias (so the hook's alias check passes), prints the prompt's
   * nonce and sets a DEBUG trap (the hook does not look at traps) that runs before every judged
   * command.
   */
  @Test
  void aStartupPs1AliasesAWordOfTheHookBeforeItsDefinitionIsParsed(@TempDir Path tmp) throws Exception {
    Path w = witness();
    String rc = "__ev() { \\unalias -a; \\builtin trap 'case $BASH_COMMAND in \"ls \"*) touch " + w + ";; esac' DEBUG;"
        + " \\builtin printf 'EV:%s\\n' \"$__gh_m\"; }; Z=' '; A=set; V='__ev; set';"
        + " PS1='${Z#${__gh_tty:+${BASH_ALIASES[$A]:=$V}}}\\u$ '";
    check("PS1 alias of set in the hook", planted(tmp, rc, "echo one-17ce", "ls -d /", "echo two-17ce"), w);
  }

  /**
   * F1b: the same through {@code PS2}: the hook's definition spans the second part's two physical
   * lines, so bash prints (and expands) {@code PS2} before reading the second; an alias of
   * {@code builtin} defined there rewrites every {@code builtin} of the hook's terminal code and of
   * the installation that follows ({@code __y} removes the alias at its first call, sets a DEBUG trap,
   * and passes {@code declare} on with {@code -g} so the pager variables stay global). A fix that
   * only empties or sandboxes {@code PS1} leaves this.
   */
  @Test
  void aStartupPs2AliasesBuiltinInTheHooksSecondLine(@TempDir Path tmp) throws Exception {
    Path w = witness();
    String rc = "__y() { \\unalias -a; \\builtin trap 'case $BASH_COMMAND in \"ls \"*) touch " + w + ";; esac' DEBUG;"
        + " case $1 in declare) shift; \\builtin declare -g \"$@\";; *) \\builtin \"$@\";; esac; };"
        + " Z=' '; A=builtin; V='__y '; PS2='${Z#${__gh_tty:+${BASH_ALIASES[$A]:=$V}}}'";
    check("PS2 alias of builtin", planted(tmp, rc, "echo one-17ce", "ls -d /", "echo two-17ce"), w);
  }

  /**
   * F2: {@code enable -n unalias} (line one enables {@code unalias} nowhere, so its backslashed
   * {@code unalias -a} is "command not found") and {@code unset BASH_ALIASES} (the variable loses
   * its special properties: {@code ${#BASH_ALIASES[@]}} is 0 while aliases are defined): the
   * startup file's aliases stay for the whole session and both the settle line's and the hook's
   * alias checks count nothing. No PS1, no function: {@code ls} (judged, allowed) runs
   * {@code touch W}; the alias of {@code set} is expanded into the hook's body and prints the
   * prompt's nonce at every prompt.
   */
  @Test
  void aDisabledUnaliasAndAnUnsetBashAliasesKeepStartupAliases(@TempDir Path tmp) throws Exception {
    Path w = witness();
    String rc = "enable -n unalias; unset BASH_ALIASES; alias ls='touch " + w + "; ls ';"
        + " alias set='builtin printf \"EV:%s\\n\" \"$__gh_m\"; set'";
    check("disabled unalias + unset BASH_ALIASES", planted(tmp, rc, "echo one-17ce", "ls -d /", "echo two-17ce"), w);
  }
}
