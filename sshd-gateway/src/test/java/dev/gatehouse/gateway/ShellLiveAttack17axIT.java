package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Attack pass 17ax, live through the gateway: the real OpenSSH client, the gateway, bash in the
 * sandbox of {@code command} targets and a real OpenSSH sshd on loopback behind {@code ssh}
 * targets. {@code web-strict}/{@code ssh-strict} are in {@code mode: allow-list} with
 * docs/policy.md's own list ({@code [ls, cat, less, grep, tail, journalctl, "systemctl status"]},
 * {@code block: [recursive-delete-root]}); {@code web-default}/{@code ssh-default} are under the
 * deny-list default ({@code default-shell} of 17au, no approvers, so a review is refused).
 *
 * <p><b>1. Allow-list, exec request: {@code set -k} is refused only at the prompt.</b> {@code set
 * -k} ({@code set -o keyword}) makes bash move every assignment-shaped word anywhere in a later
 * command into that command's environment. The judge knows it: {@code ShellClass.setsKeyword}
 * makes it {@code guard-tamper}. But guard-tamper is only enforced for an allow-list policy by
 * {@code ShellJudge.judgeTyped} (typed lines, which blocks it at the prompt); an exec request is
 * judged by {@code ShellJudge.judge} ({@code RecordedSession.guardExec}), where only the policy's
 * own {@code block}/{@code review} classes count, and the docs' allow-list policy lists only
 * {@code recursive-delete-root}; {@code set} is in {@code ShellJudge.HARMLESS}. So {@code ssh
 * t@gw web-strict 'set -k; systemctl --user status
 * DBUS_SESSION_BUS_ADDRESS=unixexec:path=touch,argv1=/tmp/W'} is allowed (commands {@code [set,
 * systemctl]}; the DBUS word is read as an argument of systemctl, while {@code LOOKUP_VARS} would
 * refuse it as a prefix), bash puts it in systemctl's environment and sd-bus runs {@code touch
 * /tmp/W}, never judged. Same with {@code set -o keyword}, on {@code command} and {@code ssh}
 * targets. Fix direction: refuse {@code guard-tamper} (at least {@code set -k}) in {@code judge}
 * for allow-list mode too, or read assignment-shaped arguments as assignments once {@code -k}
 * may be on.
 *
 * <p><b>2. Deny-list: {@code jobs -x CMD ARGS} runs CMD, and the judge sees only {@code jobs}.</b>
 * bash's {@code jobs -x} replaces job specs in ARGS and executes CMD (no job needs to exist).
 * {@code CommandReader}/{@code Wrappers} do not know {@code jobs} as a wrapper, so {@code jobs -x
 * perl -e 'system("touch","/tmp/W")'} is allowed with commands {@code [jobs]} (plain {@code perl
 * -e} is interpreter-inline, reviewed and refused here); {@code jobs -x rm -rf /}, {@code jobs -x
 * sudo …}, {@code jobs -x kill -9 1} are allowed just the same (checked with the judge, not run).
 * At the prompt and on exec requests, {@code command} and {@code ssh} targets. (In allow-list mode
 * {@code jobs} is not listed: refused.) Fix: read {@code jobs -x} like {@code command}/{@code exec}
 * (the words after it are a command), or refuse it.
 *
 * <p><b>3. Deny-list, at the prompt: {@code shopt -u interactive_comments}, then a comment in an
 * {@code eval} text.</b> With interactive_comments off, an interactive bash reads {@code #} as an
 * ordinary word. {@code shopt -u interactive_comments; eval 'echo #;perl -e "…touch W…"'} is
 * judged {@code [shopt, eval, echo]} (the judge reads {@code #;perl …} of the eval text as a
 * comment); bash parses the eval text while interactive, prints {@code #} and runs perl. The
 * {@code shopt} and the comment must be in one line: on two lines nothing happens, because the hook
 * sets {@code POSIXLY_CORRECT} at every prompt and bash's {@code posix_initialize} turns
 * interactive_comments back on (held: the last test). Exec requests are non-interactive, where bash
 * always reads comments. Fix: {@code shopt … interactive_comments} as guard-tamper (like
 * {@code expand_aliases}/{@code extdebug} in {@code ShellClass.guardTamper}), or read {@code #} as
 * a word after it.
 *
 * <p>The witness is {@code touch} of a file in the session's /tmp (a {@code command} target's is the
 * sandbox's private tmpfs): the session itself lists /tmp afterwards through a judged command whose
 * output holds text the typed lines do not ({@code grep -n}); on an {@code ssh} target the test
 * also looks at the host's /tmp. Each test asserts the secure outcome (the witness never exists);
 * all fail on the current code except {@code web-strict prompt set -k} (refused: guard-tamper) and
 * the two-line interactive_comments test, kept as what held.
 *
 * <p><b>Tried and already refused (or not a bypass)</b>: at the allow-list prompt {@code set -k},
 * {@code command set -k}, {@code builtin set -k}, {@code eval set -k}, {@code set -$-k} (all
 * guard-tamper in judgeTyped); {@code fg}, {@code bg}, {@code %1}, {@code jobs}, {@code disown},
 * {@code suspend} are not in HARMLESS (refused in allow-list; allowed on the deny-list, where they
 * only resume judged jobs); {@code kill %1} (process-kill); {@code mapfile -C}/{@code compgen -C}/
 * {@code complete -C} callbacks (the judge reads the callback: {@code touch} named); {@code hash -p}
 * (unclassified); {@code enable -f}, {@code alias}, {@code trap … CONT/CHLD} (guard-tamper);
 * {@code declare -n p=PATH}, {@code read -a PATH}, {@code printf -v PATH}, {@code wait -p PATH}
 * (refused in allow-list mode). The client's env requests: only LANG, LC_* (C/POSIX or UTF-8),
 * TERM and GATEHOUSE_* pass ({@code GatewayChannel.acceptedEnv}); subsystems (sftp), agent and X11
 * forwarding are refused in {@code GatewayChannel} (read in the source). Type-ahead into the wall
 * (read in the source): raw input is only passed while a command runs and then drained by the
 * hook's nonce wall; keys while SENT are held; the n_tty 4095-byte line limit can drop the wall's
 * nonce, but then the wall never ends (no bypass). Not tried for lack of time: Ctrl-Z of a listed
 * program live, {@code -N -L/-R/-D}, ControlMaster second channels, window-size changes, TERM
 * values.
 */
@ExtendWith(GatewayLogOnFailure.class)
class ShellLiveAttack17axIT extends ShellLiveClass {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private static String typeLine(InteractiveProcess ssh, String line) throws Exception {
    return ShellLiveTargets.typeLine(ssh, line);
  }

  private static String witness() {
    return ShellLiveTargets.witness("17ax");
  }

  private static void attempt(String target, String how, String id, List<String> lines, String what) throws Exception {
    ShellLiveTargets.attempt(gw, "17ax", target, how, id, lines, what);
  }

  /**
   * Allow-list, exec request: {@code set -k} ({@code set -o keyword}) is guard-tamper only in
   * {@code judgeTyped}; the exec judgement of an allow-list policy (block: [recursive-delete-root])
   * allows it, and then a variable the allow-list refuses as a prefix goes into systemctl's
   * environment as an "argument".
   */
  @ParameterizedTest(name = "{0} {1}: `{2}` then `systemctl --user status DBUS_SESSION_BUS_ADDRESS=unixexec:…`")
  @CsvSource(delimiter = '|', textBlock = """
      web-strict | exec | set -k
      web-strict | exec | set -o keyword
      ssh-strict | exec | set -k
      web-strict | prompt | set -k
      """)
  void keywordModeOnAnAllowListExecRequestPutsALookupVariableInTheEnvironment(String target, String how, String setup)
      throws Exception {
    attempt(target, how, "setk", List.of(setup,
        "systemctl --user status DBUS_SESSION_BUS_ADDRESS=unixexec:path=touch,argv1=W"),
        "with `set -k` bash moved the assignment-shaped argument into systemctl's environment and sd-bus ran"
        + " `touch`, never judged");
  }

  /** Deny-list default: {@code jobs -x CMD ARGS} runs CMD; the judge names only {@code jobs}. */
  @ParameterizedTest(name = "{0} {1}: `{2}`")
  @CsvSource(delimiter = '|', textBlock = """
      web-default | prompt | jobs -x perl -e 'system("touch","W")'
      web-default | exec   | jobs -x perl -e 'system("touch","W")'
      ssh-default | prompt | jobs -x perl -e 'system("touch","W")'
      ssh-default | exec   | jobs -x perl -e 'system("touch","W")'
      """)
  void jobsDashXRunsItsArgumentsUnjudged(String target, String how, String line) throws Exception {
    attempt(target, how, "jobsx", List.of(line),
        "`jobs -x` ran its arguments as a command (`perl -e` alone is reviewed, interpreter-inline, and refused)");
  }

  /**
   * Deny-list default, at the prompt: with interactive_comments off, a word starting with # is not
   * a comment to bash. Two lines ({@code shopt -u}, then {@code echo #;…}) do nothing: the hook sets
   * POSIXLY_CORRECT at every prompt and bash's posix_initialize turns interactive_comments back on.
   * One line with {@code eval} (parsed while the shell is interactive) does it.
   */
  @ParameterizedTest(name = "{0} {1}: `{2}`")
  @CsvSource(delimiter = '|', textBlock = """
      web-default | prompt | shopt -u interactive_comments; eval 'echo #;perl -e "system(q(touch),q(W))"'
      ssh-default | prompt | shopt -u interactive_comments; eval 'echo #;perl -e "system(q(touch),q(W))"'
      """)
  void interactiveCommentsOffMakesTheJudgedCommentACommand(String target, String how, String line) throws Exception {
    attempt(target, how, "icomm", List.of(line),
        "the judge read `#;perl …` in the eval text as a comment; bash (interactive, interactive_comments off)"
        + " read the word `#` and then a command");
  }

  /** The same in two lines: the hook's POSIX mode turns interactive_comments back on at the prompt (held). */
  @ParameterizedTest(name = "{0} {1}: shopt -u interactive_comments, then `echo #;…`")
  @CsvSource(delimiter = '|', textBlock = """
      web-default | prompt
      """)
  void interactiveCommentsOffOnItsOwnLineIsUndoneByTheHook(String target, String how) throws Exception {
    attempt(target, how, "icomm2", List.of("shopt -u interactive_comments",
        "echo #;perl -e 'system(\"touch\",\"W\")'"), "a comment to the judge was a command to bash");
  }
}
