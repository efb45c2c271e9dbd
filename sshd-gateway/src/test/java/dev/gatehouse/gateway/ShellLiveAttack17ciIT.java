package dev.gatehouse.gateway;

import static dev.gatehouse.gateway.StartupFilePlant.NONCE;
import static dev.gatehouse.gateway.StartupFilePlant.witness;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attack pass 17ci, live (real OpenSSH client, the gateway, a real sshd's host, bash 5.2.15): the
 * bash integration after 9fd71839 (every line of the first part starts with POSIX_OR_STOP,
 * <code>POSIXLY_CORRECT=1; POSIXLY_CORRECT=$(( ${SHELLOPTS/*posix&#42;/0}1 ));</code>). Each test
 * plants lines in the test host account's {@code ~/.bashrc}, limited to its own sshd's port, and
 * puts the file back byte for byte after (as ShellLiveAttack17chIT; md5 checked before and after
 * each run). Both findings were proven first in a pty with bash 5.2.15 fed the real first and
 * second parts and answering the walls as the gateway does, then live below.
 *
 * <p><b>Fixed</b> (BashIntegration): POSIX_OR_STOP is now <code>$(( 1/0${SHELLOPTS/*posix&#42;/1} ))</code>
 * (an error for an empty {@code SHELLOPTS} and for any option name; F1's plants get no guarded
 * session), line three takes {@code trap -p} and {@code alias -p} after its last {@code unset}, and
 * the second part turns off {@code set -a}/{@code set -k} before it assigns the hook's variables
 * (F2: guarded).
 *
 * <p><b>F1: POSIX_OR_STOP passes without POSIX mode when {@code $SHELLOPTS} is empty or a single
 * option; a startup function {@code unset} (not disabled, no stand-in for {@code enable} or
 * {@code builtin}) then runs for every {@code &#92;unset} of the first part and leaves code that runs
 * before every judged line of the session</b> ({@code
 * posixCheckPassesWithNoShellOptionsAndAStartupUnsetRunsAroundJudgedLines}: FAILS; the judged,
 * allowed {@code ls -d /} makes the witness file; the session stays guarded through three prompts).
 * {@code ~/.bashrc}: {@code declare -n POSIXLY_CORRECT=zz} (the first assignment lands on {@code zz}:
 * no POSIX mode), {@code set +o braceexpand +o hashall +o histexpand +o history +o monitor +o
 * interactive-comments +o emacs +o vi}: {@code $SHELLOPTS} is empty, the substitution leaves
 * {@code 1}, and <code>$(( 1 ))</code> is no error (with one option left, e.g. {@code monitor}, it is
 * <code>$(( monitor1 ))</code>, an unset variable, 0: no error either; checked in the pty). The
 * check's premise that any value without {@code posix} is an arithmetic error holds only for two
 * or more options. Then a function {@code unset} that passes its words to {@code builtin unset}
 * (all but its own name): outside POSIX mode a function is found before the builtin, so every
 * {@code &#92;unset} of lines one to three is the startup file's. At line three's {@code &#92;unset -v
 * POSIXLY_CORRECT}, which runs after {@code __gh_t=$(builtin trap -p)} and {@code
 * __gh_c=$(builtin alias -p)} were taken, it removes the nameref, puts the options back, sets a
 * DEBUG trap and removes itself: the check sees no function, no nameref, the trap list taken
 * before, and prints the S. The trap runs before each command of the second part; before {@code
 * builtin unset -v PROMPT_COMMAND PS4} (the hook defined, not yet read-only) it renames the hook
 * ({@code eval} of {@code declare -f __gh_prompt} as {@code __att_real}), defines {@code
 * __gh_prompt() { __att_real "$@"; trap 'trap - DEBUG; <payload>' DEBUG; }} and clears itself
 * ({@code trap - DEBUG} in the trap's own text: a function that had a DEBUG trap on entry gets it
 * back on return). The second part then makes the wrapper read-only. At every prompt the real hook
 * runs whole and its checks pass (the trap list {@code PROMPT_COMMAND} hands it is empty); then the
 * wrapper sets a one-shot DEBUG trap that runs the startup file's code before the judged line's
 * first command and removes itself before the next prompt's {@code trap -p}. With {@code shopt -s
 * extdebug} set by the wrapper after the real hook (and turned off, with {@code set +ET}, before it,
 * so the A marker never shows it) the trap ends with status 1 and bash skips the judged command:
 * bash runs another text than the one judged ({@code
 * posixCheckPassesWithNoShellOptionsAndBashRunsAnotherTextThanTheJudgedOne}: FAILS; live, the
 * judged {@code echo one-17ci}, {@code echo two-17ci}, {@code echo three-17ci} print nothing, the
 * trap's witness is made, every prompt comes guarded). Not what docs/security-model.md admits: {@code unset} is never disabled and no function
 * stands in for {@code enable} or {@code builtin}. Suggested fix: an arithmetic that fails for
 * every value without {@code posix}, empty included, e.g. <code>$(( 1/0${SHELLOPTS/*posix&#42;/1}
 * ))</code> (posix: {@code 1/01}; empty: division by 0; any option name: "value too great for
 * base", also {@code 0xtrace}; checked); take {@code trap -p}/{@code alias -p} in line three after
 * its last {@code &#92;unset}; and have the second part (and the hook) check that {@code declare -f
 * __gh_prompt} is the text it defined, so a trap during the second part cannot swap it.
 *
 * <p><b>F2 (false refusal): {@code set -a} left on by {@code ~/.bashrc}</b> ({@code
 * allexportInAStartupFileRefusesTheSession}: FAILS, "the shell's prompt integration was broken
 * (hook-variables); session closed"). The second part's {@code PS0=}, {@code PS4=} and {@code
 * PROMPT_COMMAND=} run with allexport on, so they are exported and {@code
 * ${PROMPT_COMMAND@a}${PS0@a}${PS4@a} == rrr} fails at the first prompt. Common pattern: {@code set
 * -a; . ~/.env} without {@code set +a}. {@code set -k} likewise ends in X;pager-secure (pty only).
 * Fix: {@code builtin set +ak} at the start of the second part (the hook puts the user's
 * {@code -a}/{@code -k} back after the prompt from {@code $-} anyway), or compare the attributes
 * without {@code x}.
 *
 * <p>Tried and held (pty, real parts, no X and a guarded prompt unless said): {@code set -u},
 * {@code set -e}, {@code set -eu -o pipefail}, {@code shopt -s nocasematch extglob}, {@code
 * readonly TMOUT=600}, a {@code PROMPT_COMMAND} array, {@code GLOBIGNORE=*}, {@code failglob
 * nullglob}, {@code set -o posix}, {@code shopt -s compat31}, {@code set -C}, {@code set -f}, vte.sh
 * with a git prompt in PS1, {@code set -T} with {@code extdebug} and an ignored DEBUG trap, {@code
 * lastpipe xpg_echo}, {@code localvar_inherit}, exported {@code PS0}/{@code PS4}/{@code
 * PROMPT_COMMAND}, {@code enable -n trap} with a function {@code trap} (line one enables it), a
 * read-only {@code BASH_ALIASES}/{@code BASHOPTS} with {@code set -u}. Fail closed (no session, not
 * a bypass): {@code readonly IFS} (X;hook-variables), {@code readonly PS4} (no A: the second part's
 * line stops at {@code PS4='+ '}). With F1's setup the trap printing {@code $__gh_m} (the next
 * nonce) before a judged line: the nonce is in bash's output after C (seen in the pty) but the
 * gateway removes it: neither the client nor the recording showed a 128-hex nonce (live). Not
 * tried for lack of time: {@code INPUTRC} and key bindings (bash runs {@code --noediting}), signal
 * traps between lines, {@code ignoreeof}.
 */
@ExtendWith(GatewayLogOnFailure.class)
class ShellLiveAttack17ciIT {


  private static String[] planted(Path tmp, String rcLine, String... lines) throws Exception {
    return run(tmp, rcLine, "$ ", lines);
  }

  /** Fixed: the plant gets no guarded session; nothing of it ran and no nonce was shown or recorded. */
  private static void refused(String what, Path tmp, String rcLine, Path w) throws Exception {
    String[] seen = run(tmp, rcLine, "did not take the guard's integration");
    boolean ran = Files.exists(w);
    Files.deleteIfExists(w);
    System.out.println("17ci " + what + ": witness ran=" + ran + "; transcript:\n" + ShellLiveTargets.clean(seen[0], 3000));
    SoftAssertions s = new SoftAssertions();
    s.assertThat(seen[0]).contains("did not take the guard's integration");
    s.assertThat(ran).as("%s: the startup file's trap ran", what).isFalse();
    s.assertThat(NONCE.matcher(seen[0]).find() || NONCE.matcher(seen[1]).find()).as("%s: a nonce shown or recorded", what)
        .isFalse();
    s.assertAll();
  }

  private static String[] run(Path tmp, String rcLine, String awaited, String... lines) throws Exception {
    return StartupFilePlant.run(tmp, "plant17ci", rcLine, awaited, lines);
  }


  /** F1's plant: no POSIX mode at the first part, a startup {@code unset}, a DEBUG trap around each judged line. */
  static String noPosixPlant(Path w) {
    return noPosixPlant(w, "");
  }

  /** As {@link #noPosixPlant(Path)}, {@code extra} run last by the one-shot DEBUG trap before each judged line (no single quote in it). */
  static String noPosixPlant(Path w, String extra) {
    return noPosixPlant(w, "", extra, "");
  }

  /**
   * As {@link #noPosixPlant(Path)}: {@code before} runs in the wrapper before the real hook, {@code
   * extra} last in the one-shot DEBUG trap, after the witness, {@code after} in the wrapper after the hook.
   */
  static String noPosixPlant(Path w, String before, String extra, String after) {
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
        + "  __gh_prompt() { " + before + "__att_real \"$@\"; " + after + "builtin trap 'builtin trap - DEBUG; : > " + w + "; "
        + extra + "' DEBUG; }\n"
        + "}\n";
  }

  @Test
  void posixCheckPassesWithNoShellOptionsAndAStartupUnsetRunsAroundJudgedLines(@TempDir Path tmp) throws Exception {
    Path w = witness("17ci");
    // Fixed: POSIX_OR_STOP is 1/0${SHELLOPTS/*posix*/1}, an error for an empty SHELLOPTS and any option name.
    refused("no shell options, startup unset", tmp, noPosixPlant(w), w);
  }

  /**
   * F1 with {@code extdebug}: the one-shot DEBUG trap ends with status 1, so bash skips the judged
   * command and runs the trap's text instead (the wrapper turns {@code extdebug} off before the real
   * hook, so the A marker never shows it). Proven in the pty: {@code echo JUDGED-RAN} printed nothing,
   * the trap's {@code echo OTHER-RAN} ran, the next prompt came guarded.
   */
  @Test
  void posixCheckPassesWithNoShellOptionsAndBashRunsAnotherTextThanTheJudgedOne(@TempDir Path tmp) throws Exception {
    Path w = witness("17ci");
    refused("no shell options, extdebug", tmp, noPosixPlant(w, "builtin shopt -u extdebug; builtin set +ET; ", "(exit 1)",
        "builtin shopt -s extdebug; "), w);
  }

  /**
   * F2 (false refusal): {@code set -a} left on by a startup file (as after {@code set -a; . ~/.env}
   * without {@code set +a}) exports the second part's {@code PS0}, {@code PS4} and {@code
   * PROMPT_COMMAND}, so the hook's {@code ${PROMPT_COMMAND@a}${PS0@a}${PS4@a} == rrr} fails at the first
   * prompt: X;hook-variables, no guarded session on an ordinary host.
   */
  @Test
  void allexportInAStartupFileRefusesTheSession(@TempDir Path tmp) throws Exception {
    String[] seen = planted(tmp, "set -a", "echo one-17ci", "echo two-17ci");
    System.out.println("17ci set -a: transcript:\n" + ShellLiveTargets.clean(seen[0], 3000));
    org.assertj.core.api.Assertions.assertThat(seen[0]).as("an ordinary host with set -a in ~/.bashrc gets a guarded session")
        .contains("two-17ci");
  }
}
