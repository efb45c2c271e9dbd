package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attack pass 17cd, live (real OpenSSH client, the gateway, a real sshd's host, bash 5.2.15): the
 * integration's clean-up of startup files (a331db5a: the first part clears "every trap", a startup
 * file's {@code set -x}/{@code -v} and {@code PROMPT_COMMAND}; the hook replaces
 * {@code PROMPT_COMMAND} whole and checks {@code ${#PROMPT_COMMAND[@]} == 1 && $PS4 == '+ '}).
 * Each test plants one line in the test host account's {@code ~/.bashrc}, limited to its own
 * sshd's port, and puts the file back byte for byte after.
 *
 * <p><b>All five are fixed</b> (BashIntegration): the first part is three lines now; its first
 * line, made only of backslashed words, removes the functions standing in for the integration's
 * builtins, removes every alias, enables the builtins and removes the functions again (so a
 * disabled {@code unset} is enabled before the second pass: F3), and unsets {@code PROMPT_COMMAND};
 * the second clears traps on DEBUG, RETURN, ERR, EXIT and every signal 1-64 (F2), with each
 * command word backslashed (F4: no alias can stand in for {@code builtin}); the S is printed only
 * when {@code PROMPT_COMMAND} is unset, no trap runs code (signals ignored since bash started are
 * allowed), no function of those names and no alias is left (F1, F5: the session ends with no
 * guarded prompt). At every prompt the hook checks {@code PROMPT_COMMAND}, {@code PS0} and
 * {@code PS4} are read-only, no alias is defined, {@code $-} has no {@code H}, and {@code
 * LESSSECURE}/{@code SYSTEMD_PAGERSECURE} are 1 and read-only; it expands the user's prompt in a
 * subshell. The tests below assert the fixed behaviour.
 *
 * <p>FINDINGS as filed (all: a startup file's code keeps running around every judged line after the
 * guarded prompt came up, against docs/security-model.md's "clears every trap they set ...
 * replaces {@code PROMPT_COMMAND} whole ... makes its hook, {@code PROMPT_COMMAND} ... read-only";
 * each also prints the hook's next wall nonce onto the client's screen and into the recording and
 * has bash run another text than the one judged. Beyond the two admitted items: not the startup
 * {@code PROMPT_COMMAND}'s one run before part 1, not {@code PS1}):
 *
 * <p><b>F1: a read-only {@code PROMPT_COMMAND} from a startup file is the hook's caller for the
 * whole session, and it cuts the second part short</b> ({@code
 * aReadOnlyStartupPromptCommandRunsAfterTheHookAtEveryPrompt}, {@code
 * aReadOnlyStartupPromptCommandLeavesLessOutOfSecureMode}, {@code
 * aReadOnlyStartupPromptCommandLeavesHistoryExpansionOn}: all FAIL). {@code ~/.bashrc}: {@code
 * PROMPT_COMMAND='__gh_prompt "$?" "${POSIXLY_CORRECT+y}" "$-"[; CODE]'; readonly PROMPT_COMMAND}.
 * The first part's {@code builtin unset -v PROMPT_COMMAND} fails (its status unchecked); in the
 * second part's last line {@code PROMPT_COMMAND='__gh_prompt …'} fails ("readonly variable", an
 * assignment error, which makes interactive bash drop the rest of the line), so none of
 * {@code set +H +o history; history -c; readonly -f __gh_prompt __gh_lost; readonly PROMPT_COMMAND
 * PS0 PS4; declare -rx LESSSECURE=1 SYSTEMD_PAGERSECURE=1} runs. The hook is defined (first line)
 * and called by the startup file's one-element {@code PROMPT_COMMAND}: it passes
 * {@code ${#PROMPT_COMMAND[@]} == 1} (its value and attributes are not checked), and the session
 * comes up guarded, reporting {@code $-} = {@code himBHs} without complaint. Seen live:
 * (a) with CODE {@code builtin printf "LEAK:%s\n" "$__gh_m"; alias ls="touch W; ls"}: the next
 * wall nonce on the screen and in the recording at every prompt, and the judged, allowed
 * {@code ls -d /} runs {@code touch W}; (b) no CODE: {@code LESSSECURE} empty, the judged, allowed
 * {@code less /etc/hostname} runs {@code !touch W} typed into it; (c) no CODE: history expansion
 * is on: {@code echo %python3 -c 'open("W", "w")'} (allow) then {@code ^echo %^} (allow: an unknown
 * command {@code ^echo}) runs {@code python3 -c …} (interpreter-inline, a review) unreviewed.
 * Fix: line one fails closed when its unset fails ({@code builtin unset -v PROMPT_COMMAND PS0 PS1 PS2
 * PS4 || __gh_lost …}, before the S); the second part puts each statement's failure to
 * {@code __gh_lost} (or installs as {@code { …; } || __gh_lost install}) and ends by printing a
 * marker of its own that the gateway waits for; the hook compares {@code "$PROMPT_COMMAND"} with the
 * text it installed, and checks {@code $-} has no {@code H}, {@code ${LESSSECURE@a}} is {@code rx}
 * and no alias is defined ({@code ${#BASH_ALIASES[@]} == 0}), at every prompt.
 *
 * <p><b>F2: traps on signals the list leaves out</b> ({@code
 * aTrapOnARealTimeSignalSurvivesTheCleanUpAndRunsAtTheGuardedPrompt}: FAILS). {@code TRAPS} names
 * 25 conditions; bash also traps {@code SIGRTMIN..SIGRTMAX} (31 of them), {@code ILL}, {@code TRAP},
 * {@code ABRT}, {@code BUS}, {@code FPE}, {@code SEGV}, {@code STKFLT}, {@code PWR} (checked with
 * {@code trap -p} after the integration: RTMIN+3, SEGV, PWR, ABRT stay). {@code ~/.bashrc}: {@code
 * trap 'builtin printf "RT:%s\n" "$__gh_m"; alias ls="touch W; ls"' RTMIN+3} and a background job
 * that sends {@code SIGRTMIN+3} to the shell when a file appears (the test makes it while the
 * guarded prompt waits for a line). The trap runs while bash reads the next line: nonce on the screen
 * and in the recording, and the judged {@code ls -d /} runs {@code touch W}. (A signal that lands in
 * the hook's wall ends bash: {@code read} returns &gt;128.) Fix: clear traps by number for every
 * signal {@code trap -l} lists (1..64 in a loop, {@code builtin trap - $n}), and have the hook check
 * {@code [[ -z $(builtin trap -p) ]]} at each prompt (the hook's own trap-free state is known).
 *
 * <p><b>F3: a function named {@code builtin} with {@code unset} disabled keeps every trap (a DEBUG
 * trap around each judged command)</b> ({@code aFunctionNamedBuiltinWithUnsetDisabledKeepsADebugTrap}:
 * FAILS). {@code ~/.bashrc}: {@code enable -n unset; builtin() { case $1 in trap) return 0;; esac;
 * command builtin "$@"; }; trap '…' DEBUG}. Line one's (backslashed) {@code unset -f … builtin …} is "command not
 * found" (a disabled builtin is not found, POSIX mode or not), its (backslashed) {@code enable … unset …} then
 * enables {@code unset} again, but too late: every {@code builtin …} of the first part (the trap
 * clearing, {@code set +xv}, the {@code PROMPT_COMMAND} unset), of the settle line and of the second
 * part's installation goes through the startup file's function, which passes all but {@code trap}
 * on. The hook's own {@code unset -f builtin command} removes the function at the first prompt, so
 * the session comes up guarded, with the DEBUG trap set: it runs before the {@code PROMPT_COMMAND}
 * call (printing {@code $__gh_m}, this prompt's wall nonce, before the D marker) and before every
 * judged command ({@code ls -d /} also runs {@code touch W}; with {@code shopt -s extdebug} it could
 * skip it instead). The same function could keep {@code set -x}/{@code -v} or swallow
 * {@code readonly -f __gh_prompt}. Fix: line one enables {@code unset} (and
 * {@code enable}: a function may stand in for it too, so first {@code POSIXLY_CORRECT=1} and the
 * backslashed {@code enable} checked) before it removes functions, and the first part prints no S
 * unless {@code declare -F builtin command enable unset trap set} finds none after the clean-up;
 * and the hook checks {@code trap -p} is empty at every prompt (as F2).
 *
 * <p><b>F4: an alias named {@code builtin} keeps every trap (simpler than F3)</b> ({@code
 * anAliasNamedBuiltinKeepsADebugTrap}: FAILS). {@code ~/.bashrc}: {@code alias builtin='true '; trap
 * '…' DEBUG}. Line one is one line: bash parses it whole, expanding aliases, before its own
 * the backslashed {@code unalias -a} runs; {@code unset}, {@code unalias} and {@code enable} are written with a
 * backslash, {@code builtin} is not, so {@code builtin trap - …}, {@code { builtin set +xv; }} and
 * {@code builtin unset -v PROMPT_COMMAND} all become {@code true …}. The settle line and the second
 * part come after the unalias and run as written; the session comes up guarded with the DEBUG trap
 * set (the same live effects as F3: nonce printed before each D, {@code touch W} before the judged
 * {@code ls -d /}). Fix: quote the word ({@code \builtin}, or {@code \trap}) everywhere in line one,
 * or make line one only the backslashed {@code unalias -a} and put the rest on a line of its own (the first part
 * would then be three lines, still within the 4 KB the terminal takes ahead).
 *
 * <p><b>F5: a startup file's {@code PS1} defines an alias in the guarded shell at every prompt</b>
 * ({@code aStartupPs1DefinesAnAliasAtEveryPrompt}: FAILS). {@code ~/.bashrc}: {@code Z=" ";
 * PS1='${Z#${BASH_ALIASES[ls]:=touch W; ls}}\\u$ '}. The hook expands the saved PS1 in the shell
 * itself ({@code ${__gh_ps1@P}}), and parameter expansion's {@code :=} assigns there: the element of
 * {@code BASH_ALIASES} is an alias, defined after the hook's checks and before bash reads the judged
 * line, so the judged, allowed {@code ls -d /} runs {@code touch W}. The prompt shows only
 * {@code " gh-target$ "}. Beyond what docs/security-model.md admits of PS1 (it runs what it runs,
 * in command substitutions, and may read the nonces): here it changes how bash reads the very next
 * judged line, with no process and no trap. Fix: expand PS1 in a subshell
 * ({@code "$(builtin printf %s "${__gh_ps1@P}")"}), or {@code builtin unalias -a} (and check
 * {@code ${#BASH_ALIASES[@]} == 0}) as the hook's last act before it returns (aliases typed at the
 * prompt are guard-tamper already).
 *
 * <p><b>Tried and refused / admitted</b> (checked with bash 5.2.15 in a pty fed the same two parts
 * and answering the walls as the gateway does, not kept as live tests):
 * <ul>
 *   <li>{@code PS0=x; readonly PS0}, {@code readonly PS4='+ '} (or {@code PS2}): the failed assignment
 *       drops the rest of the second part's line before {@code PROMPT_COMMAND} is set: no hook, no A,
 *       the session never comes up guarded (fail closed). Only {@code PROMPT_COMMAND}, the line's
 *       last assignment, fails late enough (F1). {@code declare -r PS4=…} with another value, or
 *       {@code declare -r IFS}: {@code X;hook-variables}.</li>
 *   <li>{@code enable -n builtin}: line one's backslashed {@code enable} turns it back on before its
 *       {@code builtin trap -}; traps cleared. {@code enable -n enable unset}:
 *       {@code X;shadowed-builtin}/no guarded prompt.</li>
 *   <li>{@code set -T; shopt -s extdebug; declare -ft; trap … RETURN}: the RETURN trap is cleared,
 *       so functrace/extdebug have nothing to run; {@code EXIT}, {@code WINCH}, {@code CHLD}, the
 *       named signals of {@code TRAPS}: cleared (17ca F3 fixed).</li>
 *   <li>{@code PROMPT_COMMAND=([1]=…)} without read-only: unset by line one (17ca F3 fixed).</li>
 *   <li>{@code PS1='$(…)'} running code or reading {@code $__gh_m}: admitted, not re-filed (F5 is
 *       about the expansion changing the shell itself). {@code hash -p /tmp/evil ls} (and functions
 *       named like commands) in a startup file: the same admitted class as 17bd's "define functions
 *       named like listed commands", not filed.</li>
 *   <li>{@code ~/.inputrc}, {@code INPUTRC}, {@code bind -x}, {@code set -o vi}: bash runs
 *       {@code --noediting}, readline never reads them.</li>
 *   <li>Screen mode: a marker ended by {@code ESC \} is taken as ended (PromptMarkers), a broken or
 *       over-long one is reported and ends the session; the model and the client see the same
 *       (read, not run).</li>
 * </ul>
 */
@ExtendWith(GatewayLogOnFailure.class)
class ShellLiveAttack17cdIT {
  private static Path witness() {
    return StartupFilePlant.witness("17cd");
  }

  /**
   * A line planted in the test host account's ~/.bashrc for this test's own sshd only, put back
   * after ({@link StartupFilePlant#run}); {@code lines} typed at the guarded prompt. Returns the
   * client's transcript, the session's recording and the audit's judged lines.
   */
  private static String[] planted(Path tmp, String rcLine, String... lines) throws Exception {
    return StartupFilePlant.run(tmp, "plant17cd", rcLine, "$ ", lines);
  }

  /**
   * A line planted as {@link #planted} does, where the session must not come up guarded: the
   * gateway ends it with "the remote shell did not take the guard's integration".
   */
  private static String[] refusedAtStart(Path tmp, String rcLine) throws Exception {
    return StartupFilePlant.run(tmp, "plant17cd", rcLine, "did not take the guard's integration");
  }

  /** {@link #refusedAtStart}'s checks: no guarded prompt, no nonce shown or recorded. */
  private static void refused(String what, String[] seen) {
    StartupFilePlant.checkRefused("17cd", what, seen);
  }

  /** The common checks: guarded and alive to the end, the judged ls did not run the witness, no nonce shown or recorded. */
  private static void check(String what, String[] seen, Path w) throws Exception {
    check(what, seen, w, true);
  }

  /** {@link #check}; {@code staysUp}: whether the session must still answer at the end. */
  private static void check(String what, String[] seen, Path w, boolean staysUp) throws Exception {
    StartupFilePlant.checkGuardedAndClean("17cd", what, seen, w, staysUp);
  }

  /**
   * F1: a read-only PROMPT_COMMAND from ~/.bashrc that calls the hook, then its own code (a nonce
   * print and an alias). Fixed: the first part prints no S while PROMPT_COMMAND is still set, so
   * the session ends before a guarded prompt; and the hook checks PROMPT_COMMAND, PS0 and PS4 are
   * read-only (the second part's line ran to its end) at every prompt.
   */
  @Test
  void aReadOnlyStartupPromptCommandGetsNoGuardedSession(@TempDir Path tmp) throws Exception {
    Path w = witness();
    String rc = "PROMPT_COMMAND='__gh_prompt \"$?\" \"${POSIXLY_CORRECT+y}\" \"$-\"; builtin printf \"LEAK:%s\\n\" \"$__gh_m\";"
        + " alias ls=\"touch " + w + "; ls\"'; readonly PROMPT_COMMAND";
    refused("read-only PROMPT_COMMAND with code", refusedAtStart(tmp, rc));
    assertThat(w).as("the startup file's alias ran").doesNotExist();
  }

  /**
   * F1b/F1c: the read-only PROMPT_COMMAND alone (exactly the hook's own value) would cut the second
   * part's last line short at the failed assignment (no LESSSECURE for less, history expansion left
   * on). Fixed as F1: no guarded session.
   */
  @Test
  void aReadOnlyStartupPromptCommandOfTheHooksOwnTextGetsNoGuardedSession(@TempDir Path tmp) throws Exception {
    String rc = "PROMPT_COMMAND='__gh_prompt \"$?\" \"${POSIXLY_CORRECT+y}\" \"$-\"'; readonly PROMPT_COMMAND";
    refused("read-only PROMPT_COMMAND, the hook's text", refusedAtStart(tmp, rc));
  }

  /** F2: a trap on SIGRTMIN+3 (not in the clean-up's list), fired by a startup file's background job. */
  @Test
  void aTrapOnARealTimeSignalSurvivesTheCleanUpAndRunsAtTheGuardedPrompt(@TempDir Path tmp) throws Exception {
    Path w = witness();
    Path go = witness();
    String rc = "trap 'builtin printf \"RT:%s\\n\" \"$__gh_m\"; alias ls=\"touch " + w + "; ls\"' RTMIN+3;"
        + " (for i in $(seq 900); do [ -e " + go + " ] && { kill -s RTMIN+3 $$; break; }; sleep 0.1; done)"
        + " </dev/null >/dev/null 2>&1 &";
    try {
      // Fixed: the first part clears traps on every signal 1-64; the signal then takes its default
      // action (SIGRTMIN+3 ends bash, and the session with it): the trap never runs.
      check("RTMIN+3 trap", planted(tmp, rc, "echo one-17cd", "@sleep 1000", "@touch " + go, "ls -d /",
          "ls -d /", "echo two-17cd"), w, false);
    } finally {
      Files.deleteIfExists(go);
    }
  }

  /** F3: enable -n unset plus a function named builtin: line one clears no trap; a DEBUG trap stays. */
  @Test
  void aFunctionNamedBuiltinWithUnsetDisabledKeepsADebugTrap(@TempDir Path tmp) throws Exception {
    Path w = witness();
    String rc = "enable -n unset; builtin() { case $1 in trap) return 0;; esac; command builtin \"$@\"; };"
        + " trap 'case $BASH_COMMAND in \"ls \"*) touch " + w + ";; __gh_prompt*) printf \"DBG:%s\\n\" \"$__gh_m\";; esac' DEBUG";
    check("function builtin + DEBUG trap", planted(tmp, rc, "echo one-17cd", "ls -d /", "echo two-17cd"), w);
  }

  /** F4: alias builtin='true ' in ~/.bashrc: line one is parsed (aliases expanded) before its own unalias -a. */
  @Test
  void anAliasNamedBuiltinKeepsADebugTrap(@TempDir Path tmp) throws Exception {
    Path w = witness();
    String rc = "alias builtin='true ';"
        + " trap 'case $BASH_COMMAND in \"ls \"*) touch " + w + ";; __gh_prompt*) printf \"DBG:%s\\n\" \"$__gh_m\";; esac' DEBUG";
    check("alias builtin + DEBUG trap", planted(tmp, rc, "echo one-17cd", "ls -d /", "echo two-17cd"), w);
  }

  /** F5: PS1 from ~/.bashrc, expanded by the hook in the shell itself, assigns BASH_ALIASES[ls]. */
  @Test
  void aStartupPs1DefinesAnAliasAtEveryPrompt(@TempDir Path tmp) throws Exception {
    Path w = witness();
    String rc = "Z=' '; PS1='${Z#${BASH_ALIASES[ls]:=touch " + w + "; ls}}\\u$ '";
    // Fixed: the first part's first line saves the account's PS1 and empties PS1, PS2 and PS0 (bash
    // expands them before or after each line it reads) before it removes every alias; the hook
    // expands the saved prompt in a subshell, where an assignment changes nothing of the guarded
    // shell. The session comes up guarded, with no alias.
    check("PS1 alias", planted(tmp, rc, "echo one-17cd", "ls -d /", "echo two-17cd"), w);
  }
}
