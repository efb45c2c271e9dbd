package dev.gatehouse.gateway;

import static dev.gatehouse.gateway.StartupFilePlant.NONCE;
import static dev.gatehouse.gateway.StartupFilePlant.checkGuardedAndClean;
import static dev.gatehouse.gateway.StartupFilePlant.witness;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.shell.BashIntegration;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attack pass 17ch, live (real OpenSSH client, the gateway, a real sshd's host, bash 5.2.15): the
 * bash integration after 7f35e7a7 (line one empties {@code PS1}/{@code PS2} only where
 * {@code BASH_VERSION} is set; line three still needs empty prompts for the S). Each test plants
 * one line in the test host account's {@code ~/.bashrc}, limited to its own sshd's port, and puts
 * the file back byte for byte after (as ShellLiveAttack17cdIT). All four findings were first proven in a
 * pty with bash 5.2.15 fed the real first and second parts and answering the walls as the gateway
 * does, then live below. None needs what docs/security-model.md admits: no disabled
 * {@code unset}, no function standing in for {@code enable}/{@code builtin}/{@code unset}, no
 * startup {@code PROMPT_COMMAND}, and no PS1 that runs code or reads a nonce.
 *
 * <p><b>F1: a read-only function named {@code __gh_prompt} in a startup file is the hook for the
 * whole session</b> ({@code aReadOnlyStartupFunctionNamedLikeTheHookIsTheHook}: FAILS; witness ran,
 * next nonce shown and recorded at every prompt). {@code ~/.bashrc}: {@code __gh_prompt() { <the
 * product's own hook body, with its alias checks dropped>; builtin printf 'LEAK:%s\n' "$__gh_m";
 * builtin alias ls='touch W; ls'; }; readonly -f __gh_prompt}. Line one removes only the functions
 * of {@code SHADOWS} (not {@code __gh_prompt}, not {@code __gh_lost}) and line three's check looks
 * only for those; the second part's {@code __gh_prompt() {…}} then fails with "readonly function",
 * which is not an error that drops the rest of an interactive line, so the installation goes on:
 * {@code PROMPT_COMMAND} (read-only, exactly the product's text) calls the startup file's function,
 * {@code builtin readonly -f __gh_prompt __gh_lost} succeeds on it, and every check the hook makes
 * at every prompt (traps, aliases, {@code PROMPT_COMMAND}, read-only {@code PS0}/{@code PS4},
 * pagers' secure mode, history expansion) is the startup file's to make or skip. The gateway sees
 * well-formed D/A/P/B markers (the copy draws its nonces as the real one does) and brings the
 * guarded prompt up; the copy prints the next wall nonce after the B and defines an alias after its
 * checks: the judged, allowed {@code ls -d /} runs {@code touch W}. The same with a read-only
 * {@code __gh_lost() { :; }} (checked in the pty): every hook check fails open (a read-only
 * {@code IFS}, normally {@code X;hook-variables}, leaves the hook's {@code read} failing and bash
 * running the wall's nonce line as a command, "bash: <nonce>: command not found" on the screen).
 * Bash gives a way to tell these apart (unlike the admitted stand-ins for {@code builtin}):
 * Fix: line one also does {@code &#92;unset -f __gh_prompt __gh_lost} (put both in {@code SHADOWS}, so
 * the S check's {@code declare -F} covers them and a read-only one, which unset cannot remove,
 * withholds the S), and the second part fails closed when a definition fails (end it with a marker
 * of its own printed only if {@code declare -f __gh_prompt} is the text it defined).
 *
 * <p><b>F2: {@code PS1} as a nameref to an element of {@code BASH_ALIASES}: the hook's own
 * {@code PS1=} defines an alias after its checks, before every judged line</b> ({@code
 * aNamerefPs1MakesTheHooksOwnPs1AssignmentDefineAnAlias}: FAILS; witness ran). {@code ~/.bashrc}:
 * {@code declare -n PS1='BASH_ALIASES[echo]'; PS1='&#92;u$ '}. Every {@code PS1} of the integration
 * reads and writes {@code BASH_ALIASES[echo]}: line one saves {@code '&#92;u$ '} as the prompt, its
 * {@code PS1=${BASH_VERSION-$PS1}; PS1=${PS1#"$BASH_VERSION"}} leaves {@code alias echo=''}, which
 * its {@code &#92;unalias -a} then removes, so line three sees an empty {@code $PS1} and no alias and
 * prints the S. The hook's {@code ${PS1@a} != *[rn]*} follows the nameref (it reads
 * {@code BASH_ALIASES}'s attributes, {@code A}) and passes. At every prompt, after the wall and
 * after {@code PROMPT_COMMAND}'s {@code alias -p} was taken, the hook's {@code PS1=} assigns
 * {@code BASH_ALIASES[echo]=''}: {@code alias echo=''} while bash reads the judged line. The user
 * types {@code echo touch W; echo unalias -a} (two echos, allowed) and bash runs {@code touch W;
 * unalias -a} (the unalias keeps the next prompt's check quiet): any text, unjudged, at every
 * prompt. (Without the unalias, the next prompt ends the session: {@code startup-code}.) Not the
 * admitted PS1 class: the prompt runs nothing, reads no nonce; the hook itself defines the alias.
 * Fix: line one {@code &#92;unset -n PS1 PS2 PS0 PS4 PROMPT_COMMAND} (unsets the nameref itself)
 * before anything reads them, or check {@code [[ $(builtin declare -p PS1 PS2 PS0 2>/dev/null) !=
 * *"declare -"*n* ]]} before the S (and {@code ${PS1@a}} cannot see an {@code n}: use
 * {@code declare -p}); same for the hook's variables it checks with {@code @a}.
 *
 * <p><b>F3: the same nameref road hands the hook's nonce to every judged line</b> ({@code
 * aNamerefHookVariableHandsTheNonceToJudgedLines}: FAILS; nonce shown and recorded). {@code
 * ~/.bashrc}: {@code declare -n __gh_m=zz17ch}. The second part's {@code builtin unset -v __gh_m
 * __gh_q} unsets what the nameref points to, not the nameref ({@code unset -n} would); the hook's
 * {@code [[ -z ${__gh_m@a}${__gh_q@a} ]]} reads {@code zz17ch}'s attributes (none) and passes; from
 * then on every value the hook keeps in {@code __gh_m} is {@code zz17ch}'s. The judged, allowed
 * {@code echo "Z:$zz17ch"} prints the nonce of the running command's C and of the next D (the one
 * the gateway's D check says no program can know: {@code GuardedShell}'s "a program printing a D of
 * its own can neither hold the keys typed to it nor put an exit status of its choosing into the
 * audit"), on the client's screen and in the recording. (Seen live; a fake D/A built from it was
 * argued, not run: the wall then goes to the program and the next real C ends the session
 * unjudged-command, so no unjudged text reached bash that way.) Fix: as F2, {@code builtin unset -n}
 * (then {@code -v}) every variable the integration and the hook use, and refuse the S while
 * {@code declare -p} shows a nameref among them.
 *
 * <p><b>F4: an empty integer {@code PS2} cuts line one short, and a disabled {@code alias} hides a
 * startup alias from both alias checks</b> ({@code
 * anIntegerPs2CutsLineOneAndADisabledAliasHidesTheStartupAlias}: FAILS; witness ran). {@code
 * ~/.bashrc}: {@code alias ls='touch W; ls'; unset BASH_ALIASES; enable -n alias; PS2=; declare -i
 * PS2}. Line one's {@code PS2=${BASH_VERSION-$PS2}} evaluates {@code 5.2.15(1)-release} as
 * arithmetic: an expansion error, and interactive bash drops the rest of the line, so
 * {@code &#92;unset -f}, {@code \enable … alias …}, {@code &#92;unalias -a} and the {@code PROMPT_COMMAND}
 * unset never run (PS1 was emptied just before, and PS2 is still empty: line three's prompt check
 * passes). Line three's {@code $(builtin alias -p)} and the hook's {@code "$(builtin trap -p;
 * builtin alias -p)"} print only "not a shell builtin" on stderr, read as "no alias"; the unset
 * {@code BASH_ALIASES} counts 0 (17ce F2's trick). The session comes up guarded with the alias: the
 * judged {@code ls -d /} runs {@code touch W}. (Control, checked in the pty: without
 * {@code declare -i PS2} line one enables {@code alias} and removes it; held.) Not admitted: no
 * function, {@code unset} enabled. Fix: line three checks line one ran to its end (a variable
 * line one sets as its last act, unset first), and the alias checks fail closed when
 * {@code builtin alias -p} fails ({@code __gh_a=$(builtin alias -p) && [[ -z $__gh_a ]]}, and
 * the hook likewise); line one could also {@code &#92;unset -v PS1 PS2 PS0} (no attribute kept)
 * before it assigns them.
 *
 * <p><b>Fixed</b> (BashIntegration): each line of the first part starts with
 * {@code POSIXLY_CORRECT=1; POSIXLY_CORRECT=$(( ${SHELLOPTS/*posix*&#47;0}1 ))}, an arithmetic error
 * (the rest of the line dropped) unless POSIX mode is on; line one removes functions, enables the
 * builtins and runs {@code unalias -a} before any assignment that could fail, removes
 * {@code __gh_prompt} and {@code __gh_lost} too, unsets the integration's variables and the prompts
 * with {@code -n} and then {@code -v} (a reference or an attribute goes with them), and only then
 * saves and empties the prompts; line three's S also needs {@code alias -p} to succeed, no
 * read-only function named {@code __gh_*}, no {@code __gh_prompt} and no name reference among the
 * variables bash and the hook read ({@code declare -p}); the hook's {@code trap -p && alias -p}
 * must end in its own {@code ok}. F1: no guarded session. F2: guarded, the account's prompt empty
 * (it was the alias's text), nothing runs. F3, F4: guarded, nothing shown, nothing runs.
 *
 * <p><b>Tried and held / fail closed</b> (pty, bash 5.2.15, the real parts; not kept live):
 * <ul>
 *   <li>{@code unset BASH_VERSION; PS1='&#92;u$ '}: PS1 kept by line one, no S (fail closed, as the class
 *       comment says). {@code BASH_VERSION=} (set, empty) or {@code readonly BASH_VERSION=zz} with
 *       {@code PS1='zz&#92;u$ '}: the prefix strip still empties PS1; guarded, prompt shown.</li>
 *   <li>{@code declare -u PS1}: {@code PS1=$BASH_VERSION} upper-cases, the strip no longer matches,
 *       PS1 stays {@code 5.2.15(1)-RELEASE}: no S (fail closed; a false refusal only for such
 *       a self-inflicted rc). {@code declare -i PS1}: arithmetic error on the version drops line one:
 *       no S. {@code declare -l PS2}: guarded, nothing left.</li>
 *   <li>{@code PS1=([1]=hi); PS1='&#92;u$ '} (an array PS1): element 0 is emptied; guarded, nothing
 *       left. {@code declare -n PS1=Q}: the integration empties {@code Q}; guarded (harmless unless Q
 *       is an alias element: F2).</li>
 *   <li>{@code declare -n PS1='a[$(printf … "$__gh_m" >/dev/tty)0]'} (or {@code PS0}): the subscript's
 *       command substitution runs each time the hook reads the name and can print a nonce, but in
 *       a subshell: the admitted "PS1 may run code and read nonces" class; with {@code PS0} the hook's
 *       read-only check fails ({@code X;hook-variables}); a {@code PROMPT_COMMAND} nameref to an
 *       element: bash runs no hook, no guarded prompt. {@code declare -n PROMPT_COMMAND=PCX},
 *       {@code declare -n __gh_tty=TT}, {@code declare -n __gh_q=zz} (emptied after each A):
 *       guarded, nothing gained.</li>
 *   <li>Live (kept): {@code unset BASH_VERSION} with 17ce F1's alias-defining PS1: no S, the session
 *       ends ("no guarded prompt within 20 s"). The test host account's own PS1 holds a
 *       {@code \[\e]0;…\a\]} title sequence: guarded as it should be (every test above), no false
 *       refusal.</li>
 *   <li>Live (kept): F4's cut with {@code enable -n set; set +H; set -x}: line two's
 *       {@code \builtin set +xv} fails, and in the pty bash traces line three (the setup token) and
 *       the hook at every prompt ({@code __gh_q=<next nonce>} before each A) with the session up;
 *       live the gateway brings up no guarded prompt within 20 s and shows none of it (held;
 *       {@code anIntegerPs2CutAndADisabledSetGetNoGuardedSession}). The fix of F4 covers it.</li>
 *   <li>Typed at a guarded prompt (a {@code command} target): every road to the same namerefs and
 *       prompt attributes is {@code guard-tamper} (policy ShellAttack17chTest, 44 lines: {@code
 *       declare -n}/{@code typeset -n}/{@code local -n} in a function, computed {@code declare "$x=…"},
 *       {@code printf -v}, {@code read -a BASH_ALIASES}, arithmetic on {@code BASH_ALIASES},
 *       {@code exec bash}, {@code set -o posix}, {@code enable -n}, {@code shopt -u promptvars},
 *       {@code PROMPT_COMMAND+=}, {@code trap … DEBUG}, {@code BASH_ENV=…}/{@code ENV=…}). A typed
 *       {@code source FILE} is allowed and reaches F2's nameref, but the doc admits it.</li>
 *   <li>Not run: zsh and fish are not installed here; dash is, but a non-bash login shell never gets
 *       the first part (remoteCommand exits 97 and the screen mode opens a fresh shell channel), so
 *       the new {@code BASH_VERSION} test only matters where bash's startup files exec another shell.</li>
 * </ul>
 */
@ExtendWith(GatewayLogOnFailure.class)
class ShellLiveAttack17chIT {


  /** As ShellLiveAttack17cdIT.planted: {@code rcLine} planted for this sshd only, {@code lines} typed. */
  private static String[] planted(Path tmp, String rcLine, String... lines) throws Exception {
    return run(tmp, rcLine, "$ ", lines);
  }

  /**
   * As {@link #planted} where the account's prompt is empty (nothing to wait for): the lines are
   * typed after 15 s; the gateway holds keys typed before its guarded prompt is up.
   */
  private static String[] plantedWithoutPrompt(Path tmp, String rcLine, String... lines) throws Exception {
    return run(tmp, rcLine, "", lines);
  }

  /** As {@link #planted}, where the session must end before a guarded prompt. */
  private static String[] refusedAtStart(Path tmp, String rcLine) throws Exception {
    return run(tmp, rcLine, "did not take the guard's integration");
  }

  private static String[] run(Path tmp, String rcLine, String awaited, String... lines) throws Exception {
    return StartupFilePlant.run(tmp, "plant17ch", rcLine, awaited, lines);
  }


  /** The product's own hook function, as the second part defines it, with {@code extra} run at its end and its alias checks dropped. */
  static String hookCopy(String extra) {
    String p2 = new String(BashIntegration.secondPart(false), StandardCharsets.UTF_8);
    int s = p2.indexOf("__gh_prompt() {");
    int e = p2.indexOf("; builtin unset -v PROMPT_COMMAND PS4");
    String f = p2.substring(s, e);
    assertThat(f).endsWith("}").contains("\"$4\"; set +euCfkaET").contains(" && ${#BASH_ALIASES[@]} == 0");
    f = f.substring(0, f.length() - 1).stripTrailing() + " " + extra + " }";
    return f.replace("\"$4\"; set +euCfkaET", "\"\"; set +euCfkaET").replace(" && ${#BASH_ALIASES[@]} == 0", "");
  }

  /** F1: a read-only __gh_prompt from ~/.bashrc survives the second part's definition and is the hook. */
  @Test
  void aReadOnlyStartupFunctionNamedLikeTheHookIsTheHook(@TempDir Path tmp) throws Exception {
    Path w = witness("17ch");
    String rc = hookCopy("builtin printf 'LEAK:%s\\n' \"$__gh_m\"; builtin alias ls='touch " + w + "; ls';")
        + "\nreadonly -f __gh_prompt\n";
    // Fixed: line one removes __gh_prompt and __gh_lost; a read-only one stays, and line three's
    // check (declare -F, readonly -f) withholds the S: no guarded session.
    String[] seen = refusedAtStart(tmp, rc);
    assertThat(seen[0]).contains("did not take the guard's integration").doesNotContain("LEAK:");
    assertThat(NONCE.matcher(seen[0]).find() || NONCE.matcher(seen[1]).find()).as("nonce shown").isFalse();
    assertThat(w).doesNotExist();
  }

  /** F2: PS1 a nameref to BASH_ALIASES[echo]: the hook's PS1= defines alias echo='' before each judged line. */
  @Test
  void aNamerefPs1MakesTheHooksOwnPs1AssignmentDefineAnAlias(@TempDir Path tmp) throws Exception {
    Path w = witness("17ch");
    String rc = "declare -n PS1='BASH_ALIASES[echo]'; PS1='\\u$ '";
    // Fixed: line one removes the reference (unset -n) after its unalias -a removed the alias it named,
    // so the account's prompt is empty and the hook's PS1= assigns a plain variable.
    checkGuardedAndClean("17ch", "nameref PS1", plantedWithoutPrompt(tmp, rc, "echo touch " + w + "; echo unalias -a",
        "echo one-17ch; echo unalias -a"), w);
  }

  /**
   * F3: __gh_m a nameref to a plain variable from ~/.bashrc: the installation's {@code unset -v}
   * leaves the nameref, the hook's {@code ${__gh_m@a}} check reads zz's (none), and every nonce the
   * hook keeps in __gh_m is zz's value, read by a judged, allowed echo.
   */
  @Test
  void aNamerefHookVariableHandsTheNonceToJudgedLines(@TempDir Path tmp) throws Exception {
    Path w = witness("17ch");
    String rc = "declare -n __gh_m=zz17ch";
    checkGuardedAndClean("17ch", "nameref __gh_m",
        planted(tmp, rc, "echo one-17ch", "echo \"Z:$zz17ch\"", "echo two-17ch"), w);
  }

  /**
   * F4: an integer PS2 (empty) cuts line one after PS1 is emptied; alias disabled, BASH_ALIASES
   * unset: both alias checks see nothing, the startup file's alias stands for the whole session.
   */
  @Test
  void anIntegerPs2CutsLineOneAndADisabledAliasHidesTheStartupAlias(@TempDir Path tmp) throws Exception {
    Path w = witness("17ch");
    String rc = "alias ls='touch " + w + "; ls'; unset BASH_ALIASES; enable -n alias; PS2=; declare -i PS2";
    checkGuardedAndClean("17ch", "integer PS2", planted(tmp, rc, "echo one-17ch", "ls -d /", "echo two-17ch"), w);
  }

  /**
   * Held (regression): the cut of F4 with {@code enable -n set} kept the startup file's
   * {@code set -x} (line two's {@code \builtin set +xv} failed): in a pty bash traced line three
   * (the setup token) and the hook at every prompt (each next nonce). Line one is no longer cut (its
   * variables are unset before they are assigned) and enables {@code set} again: the session comes
   * up guarded, untraced, and neither the setup token nor a nonce is shown or recorded.
   */
  @Test
  void anIntegerPs2AndADisabledSetAreCleanedUp(@TempDir Path tmp) throws Exception {
    String[] seen = planted(tmp, "PS2=; declare -i PS2; set +H; set -x; enable -n set", "echo one-17ch");
    Pattern token = Pattern.compile("133;S;%s.{1,4} [0-9a-f]{32}");
    System.out.println("17ch traced: " + ShellLiveTargets.clean(seen[0], 2000));
    assertThat(seen[0]).contains("one-17ch");
    assertThat(token.matcher(seen[0]).find() || token.matcher(seen[1]).find()).as("setup token shown").isFalse();
    assertThat(NONCE.matcher(seen[0]).find() || NONCE.matcher(seen[1]).find()).as("nonce shown").isFalse();
  }

  /**
   * Held (regression): BASH_VERSION unset in ~/.bashrc with a PS1 that would define an alias
   * before the second part (17ce F1's PS1): line one empties bash's own prompts whatever
   * {@code BASH_VERSION} says; the account's PS1 is expanded only in the hook's subshell, where an
   * alias it defines dies with it: guarded, and no nonce is shown.
   */
  @Test
  void anUnsetBashVersionChangesNothing(@TempDir Path tmp) throws Exception {
    String rc = "unset BASH_VERSION; Z=' '; A=set; V='builtin printf \"EV:%s\\n\" \"$__gh_m\"; set';"
        + " PS1='${Z#${__gh_tty:+${BASH_ALIASES[$A]:=$V}}}\\u$ '";
    checkGuardedAndClean("17ch", "unset BASH_VERSION",
        planted(tmp, rc, "echo one-17ch", "set -o | head -1", "echo two-17ch"), witness("17ch"));
  }
}
