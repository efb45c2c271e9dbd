package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Attack pass 17bd, live through the gateway: the real OpenSSH client, the gateway, bash in the
 * sandbox of {@code command} targets and a real OpenSSH sshd on loopback behind {@code ssh}
 * targets ({@link ShellLiveTargets#fourTargets}): {@code web-strict}/{@code ssh-strict} in {@code
 * mode: allow-list} with docs/policy.md's own list ({@code [ls, cat, less, grep, tail, journalctl,
 * "systemctl status"]}), {@code web-default}/{@code ssh-default} under the deny-list default.
 *
 * <p><b>Finding: {@code systemctl status -H HOST} runs {@code ssh}, a program the allow-list does
 * not list, never judged (allow-list; both target kinds).</b> The docs' own list allows {@code
 * "systemctl status"} with any further words; the judge allows {@code systemctl status -H X},
 * {@code systemctl --host=X status}, {@code systemctl status --host X} ({@code commands:
 * [systemctl]}, {@code GH3000I allow}). systemd 252's sd-bus opens a remote bus as {@code
 * unixexec:path=ssh,argv1=-xT,…}: systemctl forks and runs {@code ssh -xT [-p PORT] -- HOST
 * systemd-stdio-bridge} (PATH lookup; seen with a stand-in ssh: {@code -H h:2222} gives {@code -p
 * 2222}, the host word is passed whole, {@code a b} included). Live: the session prints OpenSSH's
 * own {@code ssh: Could not resolve hostname gh-17bd-…} on {@code web-strict} and {@code
 * ssh-strict}. That ssh runs with the account's own {@code ~/.ssh/config} and keys: a {@code
 * ProxyCommand}, {@code Match exec}, {@code LocalCommand} or {@code KnownHostsCommand} there runs a
 * command, and the account's keys open other hosts (a jump setup on a target account is everyday
 * work). With the account's config holding {@code Host gh-17bd-*} / {@code ProxyCommand touch
 * /tmp/%h} (written by the test as the host's own user, as an operator's jump configuration would
 * be), {@code systemctl status -H gh-17bd-NAME} at the {@code ssh-strict} prompt made {@code
 * /tmp/gh-17bd-NAME} on the host: the session itself listed it; the only audit line is the
 * allowed {@code systemctl status -H …}. What the user types at ssh's own prompts (host key,
 * password, on {@code /dev/tty}) goes to ssh raw, as to any running program. Cause: the judge's
 * allow-list entry {@code "systemctl status"} is a prefix of words ({@code ShellPolicy}
 * allowCommands; no rule in {@code policy/…/shell/ShellClass.java} knows systemctl's {@code
 * -H}/{@code --host}, nor {@code -M}/{@code --machine}), and systemctl's remote transport starts a
 * program. Under the deny-list default the same line is allowed and ssh with a command is allowed
 * too (no {@code no-ssh-hop} rule in the example policy): not a bypass there. Fix directions: read
 * {@code systemctl -H/--host} (any position, glued or not, {@code --host=}) as running {@code ssh}
 * (so an allow-list without ssh refuses it, and a policy's ssh rules apply), likewise {@code
 * busctl -H}, {@code hostnamectl -H}, {@code timedatectl -H}, {@code loginctl -H}, {@code
 * machinectl -H}, {@code localectl -H} if listed; and say in docs/policy.md that an allow-list
 * entry allows every option of the program.
 *
 * <p>Failing tests (the bypass, asserting the secure outcome): {@code
 * systemctlStatusWithAHostRunsNoUnlistedProgram} ×4 ({@code web-strict} and {@code ssh-strict},
 * {@code -H} and {@code --host=}) and {@code theAccountsSshConfigRunsNothingForAnAllowListSession}
 * (ssh-strict): 5 failing, seen in this pass's run. Passing: {@code
 * terminalAnswersAreNeverAnUnjudgedLine} ×2.
 *
 * <p><b>Tried and already refused (or not a bypass)</b>:
 * <ul>
 *   <li>Terminal answerbacks (tmux as the client's terminal): {@code echo $'\e]2;ls;touch W\a\e[21t\e[c\e[6n\e]11;?\a'}
 *       then {@code echo $'\e]2;touch W\a'; grep -rq zzqqxxyy /usr/share; echo $'\e[21t\e[c\e[6n'}
 *       (echo is allowed in allow-list mode; in tmux, Enter pressed after each): whatever tmux
 *       answered came back as client input while a command ran or after its D marker, so it was
 *       drained by the wall or handed to the editor as keys (judged; an ESC makes a line
 *       "not-text"); no witness on {@code web-strict} or {@code ssh-strict} (passing tests). Which
 *       of the queries tmux answers was not examined further.</li>
 *   <li>Cross-line state, judged in allow-list mode (checked with the judge): {@code alias},
 *       {@code shopt -s expand_aliases}, {@code enable}, {@code hash}, {@code export -f}, a
 *       function named like a command, {@code declare -n r=PATH} (a nameref a later {@code
 *       r=…} would write through), {@code declare -l/-u}, {@code PATH=}/{@code CDPATH=}/{@code
 *       IFS=}/{@code EXECIGNORE=}/{@code GLOBIGNORE=}, {@code unset PATH/IFS}, {@code read -r
 *       PATH}, {@code PS4}/{@code BASH_XTRACEFD}, {@code set -o functrace}/{@code history}/{@code
 *       vi}, {@code SYSTEMD_PAGER}/{@code PAGER}/{@code LESS*}/{@code LD_*}/{@code
 *       DBUS_*_ADDRESS}, {@code eval "$x"}/{@code $x} (unclassified): refused. Allowed but running
 *       nothing: {@code set -T}/{@code -E} (no trap can be set), {@code export HOME=…}, {@code
 *       TZ}, {@code TERMINFO}, {@code GCONV_PATH}, {@code HOSTALIASES}, {@code TMPDIR}, {@code
 *       INPUTRC} (bash runs without readline) — the listed programs read none of them as code, and
 *       an allow-list session cannot write a file for them to load.</li>
 *   <li>The {@code ssh} target's remote side (read in {@code BashIntegration.remoteCommand}/{@code
 *       HOOK}, not run: it touches the shared account): the account's startup files run before the
 *       setup lines and can read them away, define functions named like listed commands, or set a
 *       printable {@code stty erase}/{@code kill} that the hook then saves ({@code stty -g} after
 *       them) and restores at every prompt, so {@code #Xtouch W} (a comment to the judge) would
 *       reach bash as {@code touch W}; all need a write to the account's startup files, which the
 *       judge reviews ({@code interpreter-inline}) or refuses (allow-list), and docs/security-model
 *       states the account's files as the boundary ("The host's own files on ssh targets").
 *       {@code ~/.inputrc}: bash runs {@code --noediting}, never read. The execute-only copy: a
 *       0700 {@code mktemp -d}, opened on fd 9 before the {@code chmod 0111}, removed before
 *       exec; only the same account could swap it, which can already run anything.
 *       {@code $BASH} is the login shell's own path ({@code /etc/passwd}), not a {@code PATH}
 *       lookup.</li>
 * </ul>
 * Not tried for lack of time: resume after a review (resize, type-ahead, Ctrl-C while held).
 */
@ExtendWith(GatewayLogOnFailure.class)
class ShellLiveAttack17bdIT extends ShellLiveClass {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private static String auditOf(String name) throws Exception {
    return String.join("; ", gw.auditLines().stream()
        .filter(n -> n.path("statement").asText("").contains(name) && !n.path("statement").asText("").startsWith("ls -1 /tmp"))
        .map(n -> n.path("code").asText() + " " + n.path("verdict").asText() + " " + n.path("commands") + " "
            + n.path("statement").asText())
        .toList());
  }

  private static String clean(String s) {
    return s.replace("\u001b", "<ESC>").replace("\r", "").replace("\u0007", "<BEL>");
  }

  /**
   * {@code systemctl status} with a remote host at an allow-list prompt: systemctl starts {@code
   * ssh -xT -- HOST systemd-stdio-bridge}. The secure outcome: no ssh runs (OpenSSH's own message
   * "ssh: Could not resolve hostname", which the typed line does not contain, never appears).
   */
  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', textBlock = """
      web-strict | systemctl status -H HOST
      ssh-strict | systemctl status -H HOST
      web-strict | systemctl --host=HOST status
      ssh-strict | systemctl --host=HOST status
      """)
  void systemctlStatusWithAHostRunsNoUnlistedProgram(String target, String line) throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("sysh-" + target), List.of("dev"));
    String name = ShellLiveTargets.witness("17bd") + ".invalid";
    String typed = line.replace("HOST", name);
    String seen;
    try (InteractiveProcess ssh = gw.interactive(key, target)) {
      ssh.await("$ ", WAIT);
      Thread.sleep(500);
      int at = ssh.length();
      ssh.send(typed + "\r");
      Thread.sleep(8000);
      ssh.send("\u0003");
      Thread.sleep(1000);
      seen = ssh.transcript().substring(at);
    }
    String audit = auditOf(name);
    System.out.println("17bd SYSTEMCTL " + target + " | " + typed + " | audit=" + audit + " | " + clean(seen));
    assertThat(seen).as("%s: %s started ssh (audit: %s); transcript:%n%s", target, typed, audit, clean(seen))
        .doesNotContain("Could not resolve hostname").doesNotContain("ssh: ");
  }

  /**
   * The account's own ssh configuration (a jump host's {@code ProxyCommand}, written as the host's
   * user) runs for an allow-list session through {@code systemctl status -H}. Secure outcome: the
   * witness (made by the ProxyCommand, named by the host word) is never made.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(textBlock = """
      ssh-strict
      """)
  void theAccountsSshConfigRunsNothingForAnAllowListSession(String target) throws Exception {
    Path home = Path.of("/home", SshdProcess.TARGET_USER);
    Path sshDir = home.resolve(".ssh");
    Path config = sshDir.resolve("config");
    boolean madeDir = !Files.exists(sshDir);
    assertThat(Files.exists(config)).as("the account has no ssh config of its own").isFalse();
    String name = ShellLiveTargets.witness("17bd");
    String seen = "";
    try {
      Files.createDirectories(sshDir);
      Files.writeString(config, "Host gh-17bd-*\n  ProxyCommand touch /tmp/%h\n");
      Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
      chown(sshDir);
      chown(config);
      SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("proxy-" + target), List.of("dev"));
      try (InteractiveProcess ssh = gw.interactive(key, target)) {
        ssh.await("$ ", WAIT);
        Thread.sleep(500);
        int at = ssh.length();
        ssh.send("systemctl status -H " + name + "\r");
        Thread.sleep(8000);
        ssh.send("\u0003");
        Thread.sleep(1000);
        ssh.send("\u0003");
        Thread.sleep(1000);
        ssh.send("ls -1 /tmp | grep -n " + name + "\r");
        Thread.sleep(2500);
        seen = ssh.transcript().substring(at);
      }
    } finally {
      Files.deleteIfExists(config);
      if (madeDir) {
        Files.deleteIfExists(sshDir);
      }
      boolean ran = seen.contains(":" + name) || Files.exists(Path.of("/tmp", name));
      Files.deleteIfExists(Path.of("/tmp", name));
      String audit = auditOf(name);
      System.out.println("17bd PROXY " + target + " ran=" + ran + " | audit=" + audit + " | " + clean(seen));
      assertThat(ran).as("%s: the account's ProxyCommand ran for `systemctl status -H %s` (audit: %s); transcript:%n%s",
          target, name, audit, clean(seen)).isFalse();
    }
  }

  private static void chown(Path p) throws Exception {
    Process pr = new ProcessBuilder("chown", SshdProcess.TARGET_USER + ":" + SshdProcess.TARGET_USER, p.toString())
        .redirectErrorStream(true).start();
    assertThat(pr.waitFor()).as("chown %s", p).isZero();
  }

  /**
   * Terminal answerbacks: a listed builtin ({@code echo}) prints a title holding a command and the
   * queries that make a terminal answer (title report, DA, DSR, OSC 11). The answers come back as
   * client input; they must never reach bash as an unjudged line.
   */
  @ParameterizedTest(name = "{0}: answerbacks")
  @CsvSource(textBlock = """
      web-strict
      ssh-strict
      """)
  void terminalAnswersAreNeverAnUnjudgedLine(String target) throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("answer-" + target), List.of("dev"));
    String name = ShellLiveTargets.witness("17bd");
    String w = "/tmp/" + name;
    String screen;
    try (Tmux t = Tmux.start(Files.createTempDirectory(dir, "tmux-"), 120, 40, gw.sshArgv(key, target, List.of("-t")))) {
      t.awaitScreen("\\$ ?$", WAIT);
      // The title, then the queries: while bash runs echo, and again at the gateway's prompt (after a sleep-like grep).
      ShellPromptFixture.literal(t, "echo $'\\e]2;ls;touch " + w + "\\n\\a\\e[21t\\e[c\\e[6n\\e]11;?\\a\\e[>c\\eP$qm\\e\\\\'");
      ShellPromptFixture.keys(t, "Enter");
      Thread.sleep(2000);
      ShellPromptFixture.keys(t, "Enter");
      Thread.sleep(1500);
      ShellPromptFixture.literal(t, "echo $'\\e]2;touch " + w + "\\a'; grep -rq zzqqxxyy /usr/share; echo $'\\e[21t\\e[c\\e[6n'");
      ShellPromptFixture.keys(t, "Enter");
      Thread.sleep(8000);
      ShellPromptFixture.keys(t, "Enter");
      Thread.sleep(1500);
      ShellPromptFixture.keys(t, "C-c");
      Thread.sleep(800);
      ShellPromptFixture.literal(t, "ls -1 /tmp | grep -n " + name);
      ShellPromptFixture.keys(t, "Enter");
      Thread.sleep(2500);
      screen = t.run("capture-pane", "-p", "-J", "-S", "-500", "-t", "gh");
    }
    boolean ran = screen.contains(":" + name) || Files.exists(Path.of("/tmp", name));
    Files.deleteIfExists(Path.of("/tmp", name));
    String audit = auditOf(name);
    System.out.println("17bd ANSWER " + target + " ran=" + ran + " audit=" + audit + "\n" + screen);
    assertThat(ran).as("%s: a terminal answer ran unjudged (audit: %s); screen:%n%s", target, audit, screen).isFalse();
  }
}
