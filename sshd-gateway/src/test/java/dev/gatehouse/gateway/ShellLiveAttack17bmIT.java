package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Attack pass 17bm, live through the gateway (real OpenSSH client, the gateway, bash in the sandbox
 * of the {@code command} targets and on the real sshd's host behind the {@code ssh} targets;
 * {@link ShellLiveTargets}): {@code web-strict}/{@code ssh-strict} in {@code mode: allow-list} with
 * docs/policy.md's own list, {@code web-default}/{@code ssh-default} under the deny-list default.
 * The witness is a file in the session's /tmp (the host's /tmp on ssh targets), listed by the
 * session itself ({@code ls -1 /tmp | grep -n NAME}).
 *
 * <p><b>Finding: {@code set -o posix} is allowed, and bash then reads the next text otherwise than
 * the judge (every route: the guarded prompt of both target kinds, exec requests, MCP
 * {@code run_command}; allow-list and deny-list).</b> In POSIX mode bash 5.2 does not take a
 * single quote inside a double-quoted {@code ${x:-…}} (also {@code :=}, {@code :+}, {@code -}, …) as
 * a quote when it looks for the closing brace; in its default mode it does. So
 * <pre>ls -d "${x:-'}" ; touch W ; "'}"</pre>
 * is, by default, one {@code ls} of one word ({@code '}" ; touch W ; "'} is quoted inside the
 * default word) — and that is how the judge reads it: {@code GH3000I allow ["ls"]}; in POSIX mode it
 * is {@code ls -d "${x:-'}"}, then {@code touch W}, then a command {@code "'}"}: W is made.
 * Steps at the prompt: {@code set -o posix} (judged allow {@code [set]}, also under the
 * allow-list: {@code set} is a builtin), then the line above. The hook keeps POSIX mode as the
 * user left it ({@code [[ -n $2 ]] || unset -v POSIXLY_CORRECT}: {@code set -o posix} sets
 * {@code POSIXLY_CORRECT=y}), and its A marker reports only {@code $BASHOPTS}, {@code $-} and
 * {@code GLOBIGNORE}, not {@code $SHELLOPTS}'s {@code posix}. As one exec request (or one MCP
 * command) the two lines do the same: {@code bash -c} parses and runs its text one line at a
 * time, so {@code set -o posix} is on before the second line is read (judged allow {@code [set,
 * ls]}). Under the deny-list the payload is {@code python3 -c "open('W','w')"}
 * (interpreter-inline, a review when judged). Cause: {@code ShellClass.guardTamper}/{@code
 * changesWordReading} (policy/…/shell/ShellClass.java) treat only {@code set -k}/{@code -o
 * keyword} and {@code +o interactive-comments} as changing how bash reads later words, not
 * {@code set -o posix} (nor {@code bash --posix}, {@code -o posix}); {@code POSIXLY_CORRECT} as a
 * variable is refused ({@code ShellClass}'s hook variables), the option that sets it is not; and
 * {@link dev.gatehouse.policy.shell.ShellState} / the hook's A marker ({@code
 * BashIntegration.HOOK}) carry no {@code posix}. Fix directions: {@code set -o posix}/{@code
 * set -o} of an option only known when it runs, {@code shopt -s compat*} and a shell started
 * {@code --posix}/{@code -o posix} as guard-tamper (as {@code POSIXLY_CORRECT=}), and/or report
 * {@code posix} in the marker and judge such a line unclassified (or read it as POSIX bash does).
 *
 * <p>Failing tests: {@code setPosixThenALineTheJudgeReadsAsOneLs} ×6 (prompt and exec, allow-list
 * and deny-list, command and ssh targets), {@code mcpRunCommandInPosixMode}, and the same reading
 * in one text under the deny-list: {@code aPosixShellsCodeIsReadAsThatShellReadsIt} ×2 (exec and
 * prompt): {@code sh -c 'CODE'} with the same text as CODE (python3 as the payload) is judged allow
 * {@code [sh, ls]}: the judge reads the code of {@code sh} (dash, a POSIX shell) and of {@code bash
 * --posix -c} (judged the same, not run live) with bash's default grammar.
 *
 * <p><b>Tried and already refused (or not a bypass)</b> (read in the source or run locally):
 * <ul>
 *   <li>Exec text starting with an option ({@code -i}, {@code --login}, {@code -s}) as {@code
 *       bash -c}'s one argument: bash only complains ("option requires an argument").</li>
 *   <li>Locales the client sends ({@code SetEnv=LC_ALL=zh_CN.GBK}): refused by the channel
 *       ({@code GatewayChannel.SAFE_LOCALE}: C/POSIX or UTF-8 only).</li>
 *   <li>A multi-line pasted text whose first line is a complete command: PS0's {@code read} eats
 *       the second physical line, but bash then runs {@code PROMPT_COMMAND} before reading another
 *       command, and the hook's wall drains the rest (a line is lost, none added).</li>
 *   <li>Pattern operators ({@code "${x#'$(cmd)'}"}): read alike in both modes (quoted), and a
 *       {@code $(…)} in a {@code :-} default word runs in both modes (the judge sees it).</li>
 * </ul>
 * Not tried for lack of time: approvals of exec texts held twice, sftp/scp and {@code -N -L}
 * forwards on shell targets (the channel refuses subsystems: {@code GatewayChannel.handleSubsystem}),
 * cross-user denial of service on a shared {@code runAs}.
 */
@ExtendWith(GatewayLogOnFailure.class)
class ShellLiveAttack17bmIT extends ShellLiveClass {
  /** Judged as one {@code ls} of one word; in POSIX mode {@code ls}, then P, then a command {@code "'}"}. */
  static String posixText(String payload) {
    return "ls -d \"${x:-'}\" ; " + payload + " ; \"'}\"";
  }

  @ParameterizedTest(name = "{0} ({1})")
  @CsvSource(delimiter = '|', textBlock = """
      web-strict  | prompt | touch W
      web-strict  | exec   | touch W
      ssh-strict  | prompt | touch W
      ssh-strict  | exec   | touch W
      web-default | prompt | python3 -c "open('W','w')"
      ssh-default | exec   | python3 -c "open('W','w')"
      """)
  void setPosixThenALineTheJudgeReadsAsOneLs(String target, String how, String payload) throws Exception {
    ShellLiveTargets.attempt(gw, "17bm", target, how, "posix", List.of("set -o posix", posixText(payload)),
        "`set -o posix` (allowed), then a line bash in POSIX mode reads as `ls …; " + payload + "; …`, the judge as one `ls`");
  }

  /**
   * One text under the deny-list: {@code sh -c CODE} (dash, a POSIX shell) whose code is read by
   * the judge with bash's default grammar (judged allow {@code [sh, ls]}); dash runs the python3
   * line inside it (interpreter-inline, a review when judged).
   */
  @ParameterizedTest(name = "{0} ({1})")
  @CsvSource(delimiter = '|', textBlock = """
      web-default | exec
      web-default | prompt
      """)
  void aPosixShellsCodeIsReadAsThatShellReadsIt(String target, String how) throws Exception {
    String line = "sh -c 'ls -d \"${x:-'\\''}\" ; python3 -c \"open(\\\"W\\\",\\\"w\\\")\" ; \"'\\''}\"'";
    ShellLiveTargets.attempt(gw, "17bm", target, how, "sh-posix", List.of(line),
        "`sh -c` code the judge reads as one `ls`, dash as `ls`, then python3");
  }

  /** The same two lines as one MCP {@code run_command} on the allow-list command target. */
  @Test
  void mcpRunCommandInPosixMode() throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("mcp-posix"), List.of("dev"));
    String name = ShellLiveTargets.witness("17bm");
    String command = "set -o posix\n" + posixText("touch /tmp/" + name) + "\nls -1 /tmp | grep -n " + name;
    String seen;
    try (var c = McpFixture.connect(gw, key, Duration.ofSeconds(60))) {
      seen = McpFixture.text(McpFixture.call(c, "run_command", Map.of("target", "web-strict", "command", command)));
    }
    boolean ran = seen.contains(":" + name) || Files.exists(Path.of("/tmp", name));
    Files.deleteIfExists(Path.of("/tmp", name));
    System.out.println("17bm MCP ran=" + ran + " audit=" + ShellLiveTargets.auditOf(gw, name) + "\n" + seen);
    assertThat(ran).as("web-strict (MCP run_command): %s ran `touch` (audit: %s); result:%n%s", command,
        ShellLiveTargets.auditOf(gw, name), seen).isFalse();
  }
}
