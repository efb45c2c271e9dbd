package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Fix pass fixStty, live: a startup file's terminal settings must not change the line bash reads.
 * The guard judges the line its editor returns and writes it to the session's pty, where bash
 * ({@code --noediting}) reads it through the kernel's line discipline. The integration saves the
 * terminal's settings after the startup files ran and restores them at each prompt; a startup
 * file that sets a printable erase, kill, werase, lnext, eof, rprnt, start/stop or intr character,
 * or {@code iuclc} or {@code istrip}, had the line discipline edit every judged line the same way.
 *
 * <p>Each case plants one {@code stty} in the {@code ssh} target account's {@code ~/.bashrc} (as
 * the host's own user would; only for sessions of this class's sshd, by its port in {@code
 * SSH_CONNECTION}; the file is put back in a finally block), opens a guarded session through the
 * real OpenSSH client in tmux and the gateway, and types a line the judge allows whose bytes the
 * planted setting would turn into {@code touch W} (or, under the deny-list default, into an
 * interpreter's inline code, a review). Secure outcome: the witness W is never made on the host
 * (the ssh target's host is this machine, its /tmp the one checked).
 *
 * <p>Seen failing before the fix (witness made, the audit showing the judged line allowed), on
 * {@code ssh-strict} (the docs' allow-list) unless said: {@code erase Q} ({@code #Qtouch W},
 * judged a comment), {@code kill Q}, {@code werase Q} (the same line), {@code lnext '#'}, {@code
 * start '#'} ({@code #touch W}: the special character is dropped and the comment sign with it),
 * {@code eof '#'}, {@code rprnt '#'} ({@code ls #; touch W}: bash reads {@code ls ; touch W}),
 * {@code intr '#' noflsh} (the same line; in one of two runs, the other time the hook's wall
 * drained the rest after the SIGINT), {@code istrip} ({@code ls û touch W}: û is C3 BB, stripped
 * {@code C;}), {@code iuclc} on {@code ssh-default} (an upper-case {@code PYTHON3 -C "OPEN(…)"},
 * an unknown command the deny-list allows; bash ran {@code python3 -c}, a review there); and on a
 * {@code command} target whose bash reads a startup file, {@code erase Q}, {@code eof '#'},
 * {@code istrip}. Safe before and after (kept to show it): {@code eol Q} (bash joins the pieces
 * itself) and {@code discard '#'}, which Linux's line discipline does not act on; and a startup
 * file's control-character choice ({@code erase ^H}) is kept at the prompt. Not kept: {@code stop
 * '#'} (before the fix the session's output stopped and the line was never audited nor run),
 * and settings checked on a plain pty that do not change a line ({@code cs7}, {@code xcase},
 * {@code swtch}, {@code -iexten}, {@code -icanon min 1}; {@code -icanon min 0} ends bash at
 * once, {@code inlcr} keeps the line from ever ending: availability, both forced away now too).
 */
@ExtendWith(GatewayLogOnFailure.class)
class ShellStartupTerminalIT extends ShellLiveClass {
  private static final Duration WAIT = Duration.ofSeconds(30);
  /** The host's prompt from the skeleton .bashrc (user@host:~$). */
  private static final String PROMPT = SshdProcess.TARGET_USER + "@[^:\\n]*:~\\$ ?";

  /** The target account's home directory, from the password database. */
  private static Path home(String user) throws Exception {
    Process p = new ProcessBuilder("getent", "passwd", user).redirectErrorStream(true).start();
    String line = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    String[] f = line.split(":");
    assertThat(f).as("getent passwd %s: %s", user, line).hasSizeGreaterThan(5);
    return Path.of(f[5]);
  }

  /**
   * Runs {@code body} while the ssh target account's {@code ~/.bashrc} ends with {@code stty ARGS}
   * for sessions of this class's sshd only; the file's bytes are put back afterwards (same file,
   * same owner).
   */
  private static void withStartupStty(String sttyArgs, ThrowingRunnable body) throws Exception {
    withStartupLine("stty " + sttyArgs, body);
  }

  /** The same with any line of shell at the end of the startup file. */
  private static void withStartupLine(String line, ThrowingRunnable body) throws Exception {
    Path rc = home(SshdProcess.TARGET_USER).resolve(".bashrc");
    byte[] before = StartupFilePlant.takeAndRead(rc);
    String planted = "\ncase ${SSH_CONNECTION-} in *\" " + live.sshd().port() + "\") " + line + ";; esac\n";
    try {
      Files.write(rc, concat(before, planted.getBytes(StandardCharsets.UTF_8)));
      body.run();
    } finally {
      StartupFilePlant.putBack(rc, before);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  /**
   * {@code line}: W is the witness path; a line of the {@code upper} case is typed in capitals (the
   * witness name stays lower case: bash gets it so under {@code iuclc}).
   */
  @ParameterizedTest(name = "{0}: stty {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
      ssh-strict  | erase Q            | #Qtouch W                       | as-is
      ssh-strict  | kill Q             | #Qtouch W                       | as-is
      ssh-strict  | werase Q           | #Qtouch W                       | as-is
      ssh-strict  | lnext '#'          | #touch W                        | as-is
      ssh-strict  | start '#'          | #touch W                        | as-is
      ssh-strict  | eof '#'            | ls #; touch W                   | as-is
      ssh-strict  | rprnt '#'          | ls #; touch W                   | as-is
      ssh-strict  | intr '#' noflsh    | ls #; touch W                   | as-is
      ssh-strict  | istrip             | ls û touch W                    | as-is
      ssh-strict  | eol Q              | #Qtouch W                       | as-is
      ssh-strict  | discard '#'        | #touch W                        | as-is
      """)
  void aStartupFilesTerminalSettingDoesNotEditTheJudgedLine(String target, String stty, String line, String form)
      throws Exception {
    withStartupStty(stty, () -> typeAndCheck(target, stty, line, form.equals("upper"), null));
  }

  /**
   * Types {@code line} at the guarded prompt of {@code target}, then a plain {@code ls} of a name
   * of its own to know the line was read; asserts the witness was not made (on the host for an ssh
   * target, through {@code check} otherwise).
   */
  private static void typeAndCheck(String target, String what, String line, boolean upper, GatewayFixture own)
      throws Exception {
    GatewayFixture g = own == null ? gw : own;
    String name = ShellLiveTargets.witness("stty");
    String typed = line.replace("W", "/tmp/" + name);
    if (upper) {
      typed = typed.toUpperCase(Locale.ROOT);
    }
    String done = "gh-done-" + System.nanoTime();
    SshClientKey key = g.sign(GatewayFixture.uniqueIdentity("stty"), List.of("dev"));
    Path tmp = Files.createTempDirectory(dir, "tmux-");
    String screen;
    boolean seenInSession = false;
    try (Tmux t = Tmux.start(tmp, 200, 30, g.sshArgv(key, target, List.of("-t")))) {
      t.awaitScreen(target.startsWith("ssh") ? "^" + PROMPT + "$" : "^\\$ ?$", WAIT);
      t.type(typed);
      Thread.sleep(1500);
      t.type("ls /" + done);
      try {
        t.awaitScreen("cannot access '/" + done + "'", Duration.ofSeconds(10));
      } catch (AssertionError e) {
        // the terminal may be stopped or the line lost: the host's /tmp says what ran
      }
      if (!target.startsWith("ssh")) {
        t.type("ls -1 /tmp | grep -n " + name);
        Thread.sleep(1500);
      }
      screen = t.screen();
      seenInSession = screen.contains(":" + name);
    }
    boolean ran = seenInSession || Files.exists(Path.of("/tmp", name));
    Files.deleteIfExists(Path.of("/tmp", name));
    String audit = String.join("; ", g.auditLines().stream()
        .filter(n -> n.path("statement").asText("").toLowerCase(Locale.ROOT).contains(name))
        .map(n -> n.path("code").asText() + " " + n.path("verdict").asText() + " " + n.path("statement").asText())
        .toList());
    System.out.println("fixStty RESULT " + target + " | stty " + what + " | typed " + typed + " | ran=" + ran
        + " | audit=" + audit + " | screen:\n" + screen.strip());
    assertThat(ran).as("%s, stty %s in the startup file: the judged line %s made the witness (audit: %s); screen:%n%s",
        target, what, typed, audit.isEmpty() ? "(none)" : audit, screen).isFalse();
  }

  /**
   * {@code iuclc} from the host's startup file: the integration is typed into the host's terminal
   * before bash reads its startup files, and the terminal takes in at most 4,095 bytes of it ahead
   * of a reader; what comes later is converted under the settings in force then. Typed in one go,
   * the integration's tail was read lowered in case (history expansion left on, the hook's
   * variables not read-only, the pager's secure mode not exported; with a longer integration, no
   * guarded prompt at all). Typed in two parts, the second after the first put the input settings
   * right, it is read as typed: the prompt comes, history expansion is off ({@code $-} has no H),
   * the pager's secure mode is exported read-only and {@code PROMPT_COMMAND} is read-only; and a
   * line typed in capitals reaches bash in capitals (the judge's reading), so {@code PYTHON3 -C}
   * is a command that does not exist, not python.
   */
  @Test
  void aStartupFilesIuclcDoesNotReachTheIntegrationNorTheJudgedLine(@TempDir Path tmp) throws Exception {
    withStartupStty("iuclc", () -> {
      String name = ShellLiveTargets.witness("stty");
      SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("stty-iuclc"), List.of("dev"));
      try (Tmux t = Tmux.start(tmp, 200, 30, gw.sshArgv(key, "ssh-default", List.of("-t")))) {
        t.awaitScreen("^" + PROMPT + "$", WAIT);
        t.type("echo \"[$-]\" \"[${PROMPT_COMMAND@a}]\"; declare -p LESSSECURE SYSTEMD_PAGERSECURE");
        t.awaitScreen("^\\[[a-zA-Z]*\\] \\[r\\]\\ndeclare -rx LESSSECURE=\"1\"\\ndeclare -rx SYSTEMD_PAGERSECURE=\"1\"\\n"
            + PROMPT + "$", WAIT);
        String options = t.screen().lines().filter(l -> l.endsWith("] [r]")).findFirst().orElseThrow();
        assertThat(options).as("bash's options after the integration: history expansion off").doesNotContain("H");
        t.type("PYTHON3 -C \"OPEN('/tmp/" + name + "', 'W')\"");
        t.awaitScreen("PYTHON3: command not found\\n" + PROMPT + "$", WAIT);
      }
      boolean ran = Files.exists(Path.of("/tmp", name));
      Files.deleteIfExists(Path.of("/tmp", name));
      assertThat(ran).as("the line typed in capitals ran as python").isFalse();
    });
  }

  /**
   * A startup file's {@code DEBUG} trap would run before every command of the integration and of
   * each judged line (and, slowed, stretch the setup past its deadline): the first part clears it,
   * with {@code RETURN} and {@code ERR}. Nothing of it runs after the guarded prompt came.
   */
  @Test
  void aStartupFilesDebugTrapIsClearedBeforeTheGuardedPrompt(@TempDir Path tmp) throws Exception {
    withStartupLine("trap 'builtin echo TRAP-DEBUG-$BASH_COMMAND' DEBUG; trap 'builtin echo TRAP-ERR' ERR", () -> {
      SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("startup-trap"), List.of("dev"));
      try (Tmux t = Tmux.start(tmp, 200, 30, gw.sshArgv(key, "ssh-default", List.of("-t")))) {
        t.awaitScreen("^" + PROMPT + "$", WAIT);
        t.type("echo ok-after-trap; false");
        t.awaitScreen("^ok-after-trap\n" + PROMPT + "$", WAIT);
        assertThat(t.screen()).as("the startup file's traps after the guarded prompt came").doesNotContain("TRAP-");
      }
    });
  }

  /** A control character the startup file chose stays the terminal's at the prompt (the user's choice is kept). */
  @Test
  void aStartupFilesControlCharacterIsKept(@TempDir Path tmp) throws Exception {
    withStartupStty("erase ^H", () -> {
      SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("stty-keep"), List.of("dev"));
      try (Tmux t = Tmux.start(tmp, 200, 30, gw.sshArgv(key, "ssh-default", List.of("-t")))) {
        t.awaitScreen("^" + PROMPT + "$", WAIT);
        t.type("stty -a | grep -ow 'erase = [^;]*' | tr a-z A-Z");
        t.awaitScreen("^ERASE = \\^H\\n" + PROMPT + "$", WAIT);
      }
    });
  }

  /**
   * A {@code command} target whose bash reads a startup file ({@code bash --noprofile -i} reads
   * {@code $HOME/.bashrc}; HOME is a directory of the test's under /opt, which the sandbox shows
   * read-only): the same settings, the same outcome. Own gateway.
   */
  @ParameterizedTest(name = "command target: stty {0}")
  @CsvSource(delimiter = '|', textBlock = """
      erase Q   | #Qtouch W
      eof '#'   | ls #; touch W
      istrip    | ls û touch W
      """)
  void aCommandTargetsStartupFileToo(String stty, String line) throws Exception {
    Path rcHome = Files.createDirectory(Path.of("/opt", "gh-stty-" + java.util.UUID.randomUUID().toString().substring(0, 8)));
    try {
      Files.writeString(rcHome.resolve(".bashrc"), "stty " + stty + "\nPS1='$ '\n");
      Files.setPosixFilePermissions(rcHome, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
      Path own = Files.createTempDirectory(dir, "own-");
      String targets = "targets:\n  - name: web-rc\n    type: command\n    command: [\"/bin/bash\", \"--noprofile\", \"-i\"]\n"
          + "    exec: [\"/bin/bash\", \"-c\"]\n    env: { PATH: \"/usr/bin:/bin\", HOME: \"" + rcHome + "\" }\n"
          + "    runAs: nobody\n    allow: { groups: [dev] }\n    policy: docs-allow-list\n" + ShellLiveTargets.POLICIES;
      try (GatewayFixture g = GatewayFixture.start(own, "", targets)) {
        typeAndCheck("web-rc", stty, line, false, g);
      }
    } finally {
      Files.deleteIfExists(rcHome.resolve(".bashrc"));
      Files.deleteIfExists(rcHome);
    }
  }
}
