package dev.gatehouse.gateway;


import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attack pass 17ce, live (real OpenSSH client, the gateway, a real sshd's host, bash 5.2.15): the
 * integration's new clean-up of startup files (e05511d9: line A of backslashed words, line B's
 * {@code \builtin trap -} of every condition, line C's S only with no {@code PROMPT_COMMAND}, no
 * trap with an action, no stand-in function and {@code ${#BASH_ALIASES[@]} == 0}; the hook's
 * checks at every prompt and its prompt expansion in a subshell). Each test plants one line in the
 * test host account's {@code ~/.bashrc}, limited to its own sshd's port, and puts the file back
 * byte for byte after (as ShellLiveAttack17cdIT). Every finding below makes a judged, allowed
 * {@code ls -d /} also run the startup file's {@code touch W} (bash runs another text than the one
 * judged), and F1/F2 print the prompt's wall nonce onto the client's screen and into the recording
 * at every prompt. None needs what docs/security-model.md admits (no disabled {@code unset}, no
 * function standing in for {@code enable}/{@code builtin}/{@code unset}, no startup
 * {@code PROMPT_COMMAND}; the PS1 of F1 runs nothing of its own and reads no nonce: it only
 * assigns an element of {@code BASH_ALIASES}, which the doc says "changes nothing of the guarded
 * shell").
 *
 * <p><b>All four are fixed</b> (BashIntegration): line A saves the account's {@code PS1} and
 * empties {@code PS1}, {@code PS2} and {@code PS0} first (so bash expands nothing of the account's
 * between the integration's lines: F1, F1b, F1c), and enables {@code unalias} and {@code alias}
 * before its {@code unalias -a} (F2); the S needs empty prompts and an empty {@code alias -p} (not a
 * count of {@code BASH_ALIASES}, which an unset makes 0); and at every prompt {@code
 * PROMPT_COMMAND} hands the hook {@code trap -p} and {@code alias -p} as seen at the top level
 * (inside a function bash hides DEBUG, RETURN and ERR traps): a trap that runs code or any alias
 * ends the session ({@code startup-code}). The tests below assert the fixed behaviour.
 *
 * <p><b>F1: a startup {@code PS1} defines an alias after the S check and before the hook's
 * definition is parsed</b> ({@code aStartupPs1AliasesAWordOfTheHookBeforeItsDefinitionIsParsed}:
 * FAILS; witness ran, nonce shown and recorded). {@code ~/.bashrc}: {@code __ev() { &#92;unalias -a;
 * \builtin trap 'case $BASH_COMMAND in "ls "*) touch W;; esac' DEBUG; \builtin printf 'EV:%s\n'
 * "$__gh_m"; }; Z=' '; A=set; V='__ev; set'; PS1='${Z#${__gh_tty:+${BASH_ALIASES[$A]:=$V}}}&#92;u$ '}.
 * Bash expands the account's PS1 in the shell itself before each line it reads: before lines A, B,
 * C (1-3) and before the second part (4). {@code __gh_tty} is set by line C, so expansions 1-3
 * define nothing (the S check sees no alias); expansion 4 defines {@code alias set='__ev; set'}
 * before bash parses the second part, whose {@code __gh_prompt() {…}} is a function definition:
 * aliases are expanded into its body once, at parse time, so every unquoted {@code set} of the
 * hook ({@code { POSIXLY_CORRECT=y; set +xv; }}, {@code set -- …}, {@code set +euCfkaET …}) calls
 * {@code __ev} first, for the whole session. {@code __ev} (a name of no builtin, not in
 * {@code SHADOWS}) removes the alias before the hook's own alias check, prints the prompt's nonce
 * and sets a DEBUG trap; the hook never looks at traps after the S, so the trap runs before every
 * judged command. The hook's subshell expansion of {@code __gh_ps1} does not help: expansion 4
 * comes from bash itself, before the hook exists. Fix: line A saves and empties the account's
 * prompts before anything else ({@code __gh_ps1=$PS1 PS1= PS2= PS0=}, assignments, no command
 * word; a read-only prompt makes the assignment fail and interactive bash drop the rest of the line,
 * so put them on a line of their own before line A and print no S unless they are empty), so bash
 * expands nothing of the account's between the integration's lines; and the hook
 * checks {@code [[ -z $(builtin trap -p) ]]} at every prompt (its own state is trap-free), so code
 * that still gets in cannot leave a trap behind.
 *
 * <p><b>F1b: the same through {@code PS2}</b> ({@code aStartupPs2AliasesBuiltinInTheHooksSecondLine}:
 * FAILS; witness ran). The hook's definition spans the second part's two physical lines, so bash
 * reads the second with {@code PS2} (expanded, {@code promptvars}); {@code PS2='${Z#${__gh_tty:+${BASH_ALIASES[$A]:=$V}}}'}
 * with {@code A=builtin V='__y '} rewrites every {@code builtin} of the hook's terminal code and of
 * the installation that follows ({@code __y}: {@code &#92;unalias -a}, a DEBUG trap, then
 * {@code \builtin "$@"}, passing {@code declare} on with {@code -g} so {@code LESSSECURE} stays
 * global and read-only). A fix that only empties or sandboxes {@code PS1} leaves this; empty
 * {@code PS2} too (PS0 is expanded only after the whole definition is parsed: checked, it can
 * not reach the hook's text).
 *
 * <p><b>F1c: the same PS1 road into line C, so the S check itself passes with a trap set after
 * it</b> ({@code aStartupPs1AliasesBuiltinInTheSettleLineAndTheSPrintSetsATrap}: FAILS; witness
 * ran). PS1 defines {@code alias builtin='__x '} only at the expansion before line C (seen
 * {@code POSIXLY_CORRECT} set at the one before, unset now, {@code __gh_tty} not yet set: no
 * counter needed). Line C is parsed with it: {@code __x readonly __gh_tty} runs first and removes
 * the alias; the check's command substitutions are parsed again when they run (bash 5.2), so they
 * call the real {@code trap -p}/{@code declare -F} and find nothing; the alias count is 0; then
 * {@code __x printf '…S…'}, expanded at parse time, sets the DEBUG trap as it prints the S. The
 * hook never looks at traps: the judged {@code ls -d /} runs {@code touch W}. Same fix as F1
 * (empty the prompts in line A; a trap check in the hook), or print the S from a line of its own
 * parsed after the check.
 *
 * <p><b>F2: {@code enable -n unalias} and {@code unset BASH_ALIASES} keep the startup file's
 * aliases for the whole session</b> ({@code aDisabledUnaliasAndAnUnsetBashAliasesKeepStartupAliases}:
 * FAILS; witness ran, nonce shown and recorded). {@code ~/.bashrc}: {@code enable -n unalias; unset
 * BASH_ALIASES; alias ls='touch W; ls '; alias set='builtin printf "EV:%s\n" "$__gh_m"; set'}.
 * Line A's {@code \enable} list does not hold {@code unalias}, so its {@code &#92;unalias -a} is
 * "command not found"; an unset {@code BASH_ALIASES} loses its special properties (bash's manual),
 * so {@code ${#BASH_ALIASES[@]}} is 0 in the S check and in the hook while the aliases stand.
 * Line B is safe (POSIX mode: {@code [[} is not alias-expanded; every other word backslashed), but
 * line C, the hook's body and every judged line are read with the aliases: {@code ls -d /} runs
 * {@code touch W}; the hook prints its nonce. No PS1, no function, nothing the doc admits. Fix:
 * line A enables {@code unalias} and {@code alias} before {@code &#92;unalias -a} (put them first in
 * the {@code \enable} list and run it before the unalias), and both checks look at
 * {@code $(builtin alias -p)} being empty, not at {@code BASH_ALIASES} (a startup file may also
 * {@code declare -A BASH_ALIASES} afresh: an ordinary array then).
 *
 * <p><b>Tried and refused / held</b> (bash 5.2.15 in a pty fed the real first and second parts and
 * answering the walls as the gateway does; the ones marked live are tests below):
 * <ul>
 *   <li>An alias of {@code [[} defined by PS1 (expansion 2) to comment out line B
 *       ({@code alias [[='&#92;unalias -a #'}): line A turned POSIX mode on, where reserved words are
 *       not alias-expanded; line B runs whole, every trap cleared.</li>
 *   <li>An alias of {@code builtin} defined by PS1 at expansion 3 so that line C's
 *       {@code $(builtin trap -p)} prints nothing: bash 5.2 parses a command substitution again
 *       when it runs, after the stand-in's {@code unalias -a}; and keeping the alias to that point
 *       leaves it for the alias count. No S. (Setting the trap from the S print instead
 *       works: F1c.)</li>
 *   <li>A trap whose action starts with a quote ({@code trap "'':; …" DEBUG}, listed as
 *       {@code trap -- ''\'''\'':; …}): {@code [!\ ]} in the S check's pattern is "not a space"
 *       (the backslash quotes the space), so the {@code \} after {@code ''} is caught; and line B
 *       clears it anyway. No S.</li>
 *   <li>{@code enable -n unalias} alone (aliases left, {@code BASH_ALIASES} still counts):
 *       no S at the time; since the fix of F2 line A enables {@code unalias} first, and the session
 *       comes up guarded with no alias (kept live: {@code aDisabledUnaliasAloneLeavesNoAlias}). {@code unset
 *       BASH_ALIASES} alone: line A's unalias removes every alias; guarded, nothing left.
 *       {@code declare -A BASH_ALIASES=([x]=1)} after an unset: no S.</li>
 *   <li>PS0 defining an alias: PS0 is expanded after a whole command is parsed; the second part is
 *       one command over two lines, so the alias exists only when the hook runs: X;hook-variables.</li>
 *   <li>{@code enable -n history}: {@code history -c} fails, the session comes up; history stays
 *       off ({@code set +o history}) and {@code fc} is guard-tamper: nothing gained.</li>
 *   <li>Ordinary startup files, all guarded as they should be: Debian-style aliases
 *       ({@code ls --color}, {@code ll}), vte.sh's {@code PROMPT_COMMAND=__vte_prompt_command…}, a
 *       git-prompt {@code PS1='…$(__git_ps1 " (%s)")\$ '}, {@code command_not_found_handle},
 *       {@code trap 'echo bye' EXIT}, {@code trap "" INT QUIT TSTP}, {@code set -u}, {@code set -e},
 *       {@code set -o pipefail}, {@code shopt -s failglob nullglob nocasematch nocaseglob dotglob
 *       extglob globstar}, {@code set -o noclobber}, {@code IFS=:}, {@code set -o posix},
 *       {@code shopt -u expand_aliases}, {@code set -T; shopt -s extdebug}, {@code readonly TMOUT
 *       HISTFILE HISTSIZE}. (This machine has no bash-completion or /etc/skel files to run as they
 *       ship.) Refused, fail closed, rare on real hosts: {@code readonly PS1} (X;hook-variables at
 *       the first prompt: the hook assigns {@code PS1=}), {@code readonly PS2} (the second part's
 *       {@code PS2=} fails and drops the rest of its line: no hook, no A); a read-only
 *       {@code PROMPT_COMMAND} (audit-logging snippets do this) is refused as documented.</li>
 * </ul>
 */
@ExtendWith(GatewayLogOnFailure.class)
class ShellLiveAttack17ceIT {
  private static Path witness() {
    return StartupFilePlant.witness("17ce");
  }

  /**
   * A line planted in the test host account's ~/.bashrc for this test's own sshd only, put back
   * after ({@link StartupFilePlant#run}); {@code lines} typed at the guarded prompt. Returns the
   * client's transcript, the session's recording and the audit's judged lines.
   */
  private static String[] planted(Path tmp, String rcLine, String... lines) throws Exception {
    return StartupFilePlant.run(tmp, "plant17ce", rcLine, "$ ", lines);
  }

  /**
   * A line planted as {@link #planted} does, where the session must not come up guarded: the
   * gateway ends it with "the remote shell did not take the guard's integration".
   */
  private static String[] refusedAtStart(Path tmp, String rcLine) throws Exception {
    return StartupFilePlant.run(tmp, "plant17ce", rcLine, "did not take the guard's integration");
  }

  /** {@link #refusedAtStart}'s checks: no guarded prompt, no nonce shown or recorded. */
  private static void refused(String what, String[] seen) {
    StartupFilePlant.checkRefused("17ce", what, seen);
  }

  /** The common checks: guarded and alive to the end, the judged ls did not run the witness, no nonce shown or recorded. */
  private static void check(String what, String[] seen, Path w) throws Exception {
    check(what, seen, w, true);
  }

  /** {@link #check}; {@code staysUp}: whether the session must still answer at the end. */
  private static void check(String what, String[] seen, Path w, boolean staysUp) throws Exception {
    StartupFilePlant.checkGuardedAndClean("17ce", what, seen, w, staysUp);
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

  /**
   * {@code enable -n unalias} alone: line A enables {@code unalias} (and {@code alias}) before its
   * {@code unalias -a}, so the session comes up guarded with no alias left (before that fix: no S).
   */
  @Test
  void aDisabledUnaliasAloneLeavesNoAlias(@TempDir Path tmp) throws Exception {
    Path w = witness();
    check("disabled unalias alone", planted(tmp, "enable -n unalias; alias ls='touch " + w + "; ls '",
        "echo one-17ce", "ls -d /", "echo two-17ce"), w);
  }

  /**
   * F1c: PS1 defines {@code alias builtin='__x '} only at the expansion before line C (after line
   * A turned {@code POSIXLY_CORRECT} on and line B off again, before the settle line set
   * {@code __gh_tty}); line C is parsed with it. {@code __x readonly __gh_tty} removes the alias
   * before the S check (whose command substitutions bash parses again when they run, so they call
   * the real builtins: no alias, no trap), and {@code __x printf '\\e]133;S;…'}, parsed before,
   * runs after the check: it sets the DEBUG trap as it prints the S.
   */
  @Test
  void aStartupPs1AliasesBuiltinInTheSettleLineAndTheSPrintSetsATrap(@TempDir Path tmp) throws Exception {
    Path w = witness();
    String rc = "__x() { \\unalias -a; case $1 in printf) \\builtin trap 'case $BASH_COMMAND in \"ls \"*) touch " + w
        + ";; esac' DEBUG;; esac; \\builtin \"$@\"; }; Z=' '; A=builtin; V='__x ';"
        + " PS1='${Z#${POSIXLY_CORRECT:+${Y:=1}}}${Z#${Y:+${POSIXLY_CORRECT:-${__gh_tty:-${BASH_ALIASES[$A]:=$V}}}}}\\u$ '";
    check("PS1 alias of builtin in line C", planted(tmp, rc, "echo one-17ce", "ls -d /", "echo two-17ce"), w);
  }
}
