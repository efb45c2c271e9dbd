package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 17aj on the shell judge (ShellLiveAttack17ajIT, live), read without the gateway.
 *
 * <p><b>jdb's prompt runs code</b> ({@code print java.lang.Runtime.getRuntime().exec("touch W")}
 * once a VM stops at a breakpoint): {@code nested-shell} as gdb's, on any jdb that starts the
 * prompt ({@code -version}, {@code -help} do not), and {@code interpreter-inline} fed commands.
 *
 * <p><b>gpg-connect-agent</b> (GnuPG 2.2.40) reads Assuan commands from its input and its
 * arguments: {@code /definqprog KEYPARAM PROG} and {@code GENKEY} run PROG through the shell;
 * {@code -r FILE}, {@code --exec}, {@code --agent-program PROG} also run what the text does not
 * show. Reading its input: {@code nested-shell}; given such commands or options: {@code
 * interpreter-inline}; {@code gpg-connect-agent updatestartuptty /bye} stays allowed. Other GnuPG
 * programs' program options ({@code gpg --agent-prog=PROG}, any prefix GnuPG takes; {@code
 * gpg-agent --pinentry-program}, {@code dirmngr --ldap-wrapper-program}, {@code gpgtar --gpg}) are
 * {@code interpreter-inline}.
 *
 * <p><b>Pager secure mode.</b> systemd 252 runs less with {@code LESSSECURE=1} unless {@code
 * SYSTEMD_PAGERSECURE} parses as false, and then unsets {@code LESSSECURE} (an operator's too):
 * {@code SYSTEMD_PAGERSECURE=0 systemctl status --help} on a terminal gives a less whose {@code !}
 * runs commands (checked under {@code script}: {@code =0} and {@code =no} run, {@code =1}, an
 * empty or unparsable value do not). {@code mode: allow-list} refuses every variable that changes
 * what a pager or editor runs or its secure mode; the deny-list reads a secure-mode variable turned
 * off as {@code interpreter-inline} (pager commands stay judged as code by value: {@code
 * GIT_PAGER=cat git log} is allowed).
 */
class ShellAttack17ajTest {
  static final ShellJudge DEFAULT = ShellJudgeTest.DEFAULT;
  /** The docs' example list (docs/policy.md), with the everyday commands this pass keeps. */
  static final ShellJudge ALLOW_LIST;

  static {
    Map<String, Object> p = new HashMap<>(ShellJudgeTest.DEFAULT_SHELL);
    p.put("mode", "allow-list");
    p.put("allowCommands", List.of("ls", "cat", "less", "grep", "tail", "journalctl", "systemctl status", "git log",
        "man", "gpg"));
    ALLOW_LIST = ShellJudgeTest.judge(p);
  }

  private static void assertHeld(ShellJudge judge, String text, String label) {
    assertThat(judge.judge(text).verdict().label()).as("exec: %s", text).isEqualTo(label);
    assertThat(judge.judgeTyped(text).verdict().label()).as("typed: %s", text).isEqualTo(label);
  }

  private static void assertAllowed(ShellJudge judge, String text) {
    assertThat(judge.judge(text).verdict().label()).as("exec: %s", text).isEqualTo("allow");
    assertThat(judge.judgeTyped(text).verdict().label()).as("typed: %s", text).isEqualTo("allow");
  }

  @ParameterizedTest(name = "jdb prompt: {0}")
  @ValueSource(strings = {"jdb", "jdb -attach 8000", "jdb -listen 8000", "jdb -launch Foo", "jdb Foo -version",
      "jdb -J-Xmx64m Foo", "/usr/bin/jdb -sourcepath src Foo", "jdb -cp -version Foo"})
  void jdbIsANestedShell(String text) {
    assertThat(DEFAULT.judge(text).verdict().label()).as(text).isEqualTo("review");
    assertThat(DEFAULT.judge(text).verdict().toString()).as(text).contains("nested-shell");
    assertThat(DEFAULT.judgeTyped(text).verdict().toString()).as(text).contains("nested-shell");
  }

  @Test
  void jdbFedCommandsIsInline() {
    assertThat(DEFAULT.judge("printf 'run\\n' | jdb Foo").verdict().toString()).contains("interpreter-inline");
    assertAllowed(DEFAULT, "jdb -version");
    assertAllowed(DEFAULT, "jdb -J-Xmx64m -help");
  }

  /** An exec request whose input holds gpg-connect-agent's /definqprog: the agent's GENKEY inquiry runs it. */
  @Test
  void gpgConnectAgentRunsWhatItsInputNames(@TempDir Path tmp) throws Exception {
    String text = "mkdir -m 700 g; gpg-connect-agent --homedir \"$PWD/g\"; gpgconf --homedir \"$PWD/g\" --kill all";
    BashWitness.assertExecInputNotRun(DEFAULT, text, "/definqprog KEYPARAM touch WITNESS\nGENKEY\n/bye\n", tmp);
    assertThat(DEFAULT.judge(text).verdict().toString()).contains("nested-shell");
  }

  /** The same commands given as its arguments (run as written: the witness was created). */
  @Test
  void gpgConnectAgentRunsWhatItsArgumentsName(@TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, "mkdir -m 700 g; gpg-connect-agent --homedir \"$PWD/g\""
        + " '/definqprog KEYPARAM touch WITNESS' GENKEY /bye; gpgconf --homedir \"$PWD/g\" --kill all", tmp, false);
  }

  @ParameterizedTest(name = "gnupg program option: {0}")
  @ValueSource(strings = {"gpg-connect-agent --agent-program /tmp/x /bye", "gpg-connect-agent --agent-prog=/tmp/x /bye",
      "gpg-connect-agent --dirmngr-program /tmp/x --dirmngr /bye", "gpg-connect-agent --keyboxd-program /tmp/x /bye",
      "gpg-connect-agent -r cmds /bye", "gpg-connect-agent --run cmds /bye", "gpg-connect-agent --ru=cmds /bye",
      "gpg-connect-agent -vr cmds /bye", "gpg-connect-agent -E /tmp/x", "gpg-connect-agent --exec /tmp/x",
      "gpg-connect-agent '/run cmds' /bye", "gpg-connect-agent -s '/let x definqprog' /bye",
      "gpg-connect-agent \"$c\" /bye", "gpg --agent-program /tmp/x --card-status", "gpg --agent-prog=/tmp/x -k",
      "gpg --dirmngr-program /tmp/x --recv-keys 1", "gpg --photo-viewer 'touch x' --list-options show-photos -k",
      "gpgsm --protect-tool-program /tmp/x -k", "gpg-agent --pinentry-program /tmp/x --daemon",
      "gpg-agent --scdaemon-program=/tmp/x --daemon", "dirmngr --ldap-wrapper-program /tmp/x --daemon",
      "gpgtar --gpg /tmp/x -d a.tar.gpg", "gpgtar --gpg-args --agent-program=/tmp/x -d a.tar.gpg",
      "gpgconf --change-options gpg-agent"})
  void gnupgProgramOptionsAreInline(String text) {
    assertThat(DEFAULT.judge(text).verdict().toString()).as(text).contains("interpreter-inline");
    assertThat(DEFAULT.judgeTyped(text).verdict().toString()).as(text).contains("interpreter-inline");
  }

  @ParameterizedTest(name = "everyday gnupg: {0}")
  @ValueSource(strings = {"gpg --list-keys", "gpg --verify f.sig f", "gpg --digest-algo SHA256 --detach-sign f",
      "gpg-connect-agent /bye", "gpg-connect-agent updatestartuptty /bye", "gpg-connect-agent reloadagent /bye",
      "gpg-connect-agent 'GETINFO version' /bye", "gpgconf --launch gpg-agent", "gpgconf --kill all",
      "gpg-connect-agent --dirmngr 'GETINFO version' /bye"})
  void everydayGnupgStaysAllowed(String text) {
    assertAllowed(DEFAULT, text);
  }

  @ParameterizedTest(name = "pager secure mode off: {0}")
  @ValueSource(strings = {"SYSTEMD_PAGERSECURE=0 systemctl status --help", "SYSTEMD_PAGERSECURE=no journalctl -u nginx",
      "SYSTEMD_PAGERSECURE=false systemctl status nginx", "SYSTEMD_PAGERSECURE=x systemctl status nginx",
      "env SYSTEMD_PAGERSECURE=0 systemctl status nginx", "export SYSTEMD_PAGERSECURE=0; systemctl status nginx",
      "declare -x SYSTEMD_PAGERSECURE=0; journalctl", "SYSTEMD_PAGERSECURE=\"$v\" systemctl status nginx",
      "unset SYSTEMD_PAGERSECURE; systemctl status nginx", "LESSSECURE= less f", "unset LESSSECURE; less f",
      "LESSSECURE_ALLOW=shell less f"})
  void aPagerSecureModeTurnedOffIsRefused(String text) {
    assertHeld(ALLOW_LIST, text, "block");
    assertThat(DEFAULT.judge(text).verdict().toString()).as(text).contains("interpreter-inline");
    assertThat(DEFAULT.judgeTyped(text).verdict().toString()).as(text).contains("interpreter-inline");
  }

  /** In allow-list mode, every variable that changes what a pager or editor runs, by any route. */
  @ParameterizedTest(name = "allow-list pager/editor variable: {0}")
  @ValueSource(strings = {"MANPAGER=less man ls", "GIT_PAGER=less git log", "export GIT_PAGER=less; git log",
      "SYSTEMD_EDITOR=vi systemctl status x", "SYSTEMD_LESS=FRSXMK systemctl status nginx", "LESS=-R less f",
      "SYSTEMD_LESSCHARSET=utf-8 journalctl", "env MANPAGER=less man ls", "read -r GIT_PAGER; git log",
      "printf -v MANPAGER %s less; man ls", "SYSTEMD_PAGERSECURE=1 systemctl status nginx", "LESSSECURE=0 less f"})
  void aPagerOrEditorVariableIsRefusedInAllowList(String text) {
    assertHeld(ALLOW_LIST, text, "block");
  }

  /** Run as the IT runs it, with the keys systemd's less reads from SYSTEMD_LESS (also refused on its own). */
  @Test
  void systemctlsPagerWithSecureModeOffOnATerminal(@TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(ALLOW_LIST,
        "SYSTEMD_PAGERSECURE=0 SYSTEMD_LESS=$'+!touch WITNESS\\nq' systemctl status --help", tmp, true);
  }

  @ParameterizedTest(name = "everyday: {0}")
  @ValueSource(strings = {"systemctl status nginx", "systemctl --no-pager status nginx", "journalctl -u nginx -n 50",
      "git log", "man ls", "less f", "gpg --list-keys", "gpg --verify f.sig f"})
  void everydayStaysAllowed(String text) {
    assertAllowed(ALLOW_LIST, text);
    assertAllowed(DEFAULT, text);
  }

  @ParameterizedTest(name = "everyday deny-list: {0}")
  @ValueSource(strings = {"GIT_PAGER=cat git log", "PAGER='less -R' git log", "SYSTEMD_PAGERSECURE=1 systemctl status nginx",
      "LESSSECURE=1 less f", "MANPAGER=less man ls"})
  void everydayDenyListStaysAllowed(String text) {
    assertAllowed(DEFAULT, text);
  }

  /**
   * The gateway starts guarded targets with {@code LESSSECURE=1} and {@code SYSTEMD_PAGERSECURE=1};
   * a program started without them has a pager whose {@code !} runs commands. Besides an
   * assignment, env's {@code -u}/{@code --unset}, an empty environment ({@code -i}, {@code -},
   * {@code --ignore-environment}, any abbreviation) and the export taken away ({@code declare
   * +x}, {@code typeset +x}, {@code local +x}, {@code export -n}) drop them. Found by the lead
   * after the pager change: each was allowed before.
   */
  @ParameterizedTest(name = "refused: {0}")
  @ValueSource(strings = {
      "env -u LESSSECURE less f",
      "env --unset=LESSSECURE less f",
      "env -u SYSTEMD_PAGERSECURE systemctl status nginx",
      "env -i less f",
      "env - less f",
      "env --ignore-env less f",
      "env -iu X journalctl -u nginx",
      "declare +x LESSSECURE; less f",
      "typeset +x SYSTEMD_PAGERSECURE; journalctl",
      "export -n LESSSECURE; less f"})
  void droppingThePagerSecureModeIsRefused(String text) {
    assertThat(DEFAULT.judge(text).verdict().label()).as(text).isNotEqualTo("allow");
    assertThat(DEFAULT.judgeTyped(text).verdict().label()).as(text).isNotEqualTo("allow");
  }

  @ParameterizedTest(name = "allowed: {0}")
  @ValueSource(strings = {"env LANG=C less f", "env -u HOME ls", "declare +x FOO", "env FOO=1 ls", "env ls -la"})
  void otherEnvironmentChangesStayAllowed(String text) {
    assertThat(DEFAULT.judge(text).verdict().label()).as(text).isEqualTo("allow");
  }
}
