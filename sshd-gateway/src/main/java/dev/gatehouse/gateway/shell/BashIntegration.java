package dev.gatehouse.gateway.shell;

import dev.gatehouse.policy.shell.BashOnlyExec;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The gateway's integration with an interactive bash: how bash is started and the lines the
 * gateway types into it before anything of the user's, after bash has read its startup files (so
 * nothing in them can come after it).
 *
 * <p>Each line starts in POSIX mode or stops ({@link #POSIX_OR_STOP}). Line one, in POSIX mode
 * (where {@code unset} is found before any function of that name), is made only of backslashed
 * words and assignments, so no alias of a startup file can change it (bash expands aliases as it
 * reads a whole line, before that line's own {@code unalias} runs): it removes every function
 * ({@link #SHADOWS}) the startup files may have put in front of the builtins the hook uses, enables
 * those builtins again, removes every alias and the functions a second time (a disabled
 * {@code unset} is found only after the enabling) with the hook's own names, all before any
 * assignment (an assignment that fails drops the rest of the line, and an alias left would change
 * how the next lines are read); then it unsets the integration's variables ({@link #STATE}), the
 * prompts and {@code PROMPT_COMMAND} (which would run before each of the integration's lines) as
 * name references and as plain variables, saves the account's {@code PS1} and empties {@code PS1},
 * {@code PS2} and {@code PS0} (bash expands them in the shell itself around each line it reads, and
 * an expansion can define an alias that changes how the next line is parsed). Line two clears
 * every trap a startup file set ({@link #TRAPS}: a {@code DEBUG} trap would run before every command
 * of the hook and of each judged line; a trap on any signal could run when a background job sends
 * it) and turns off a startup file's {@code set -a} and {@code set -k} (the integration's variables
 * would be exported, and a function's local variable takes the export of the global one it hides,
 * which the hook refuses) and {@code set -x} and {@code set -v}, which would print the next
 * line, the session's token with it. Line three ({@link #SETTLE}) saves the terminal's settings, puts
 * its input settings right and prints {@code S;<token>} only when nothing of the startup files is
 * left to run around the hook: no {@code PROMPT_COMMAND} (a read-only one survives the unset), no
 * trap that runs code (a signal ignored since bash started is listed with an empty action and runs
 * nothing), no function of those names and no read-only {@code __gh_*} one, no alias (a
 * {@code PS1} can define one each time bash expands it) and {@code alias -p} working, no name
 * reference among {@link #WATCHED}. At every prompt {@code PROMPT_COMMAND} hands the hook what {@code trap -p} and
 * {@code alias -p} print at the top level (inside a function bash hides its DEBUG, RETURN and ERR
 * traps), and a trap that runs code or any alias ends the session ({@code startup-code}). These
 * three lines are the first part ({@link #firstPart}), small enough for the
 * terminal to take in whole ahead of bash.
 * On the S the gateway types the second part ({@link #secondPart}), which defines the hook and
 * installs it (two physical lines, each under {@link GuardedShell#MAX_PHYSICAL_LINE}: the
 * terminal's line discipline keeps at most 4095 bytes of a line and drops the rest):
 * {@code PROMPT_COMMAND} runs it before each prompt, {@code PS0} marks each command's start; both
 * and the hook function are made read-only, so no later line or script can unset or replace them.
 * It ends by exporting {@code LESSSECURE=1} and {@code SYSTEMD_PAGERSECURE=1} read-only
 * ({@link #PAGER_SECURE_ENV}): less and systemd's pager stay in secure mode, and bash keeps the
 * value against an assignment that would turn it off ({@code LESSSECURE= less f} prints "readonly
 * variable" and still runs less with {@code LESSSECURE=1}); the judge refuses such lines as well.
 *
 * <p>The terminal's settings ({@code stty -g}) are saved when the integration starts, and the hook
 * puts them back first at each prompt ({@code stty} found on the system's default path, not the
 * user's {@code PATH}): a program that changed the erase or kill character ({@code tset -e},
 * a crashed full-screen program) cannot have the terminal edit the next line the gateway sends.
 * What it puts back is forced into a form where the terminal hands bash the gateway's bytes as
 * they are ({@link #TTY}): the saved settings are those the startup files left ({@code stty erase
 * Q} in {@code ~/.bashrc}).
 *
 * <p>At each prompt the hook prints {@code D;<exit status>;<nonce>} (the command before ended; the
 * nonce is this prompt's, not yet typed into the terminal, so no program can print a D the gateway takes), then
 * {@code A;<nonce>;<next nonce>;<$BASHOPTS>;<$->;<1 if GLOBIGNORE is set>;<y if POSIX mode stays on>}: the nonce is the one the
 * previous prompt announced as next (the first prompt draws both fresh), so the gateway knows each
 * prompt's nonce before it comes. The next nonce is drawn into a variable of its own and becomes the
 * hook's current one right after the A that announces it: a Ctrl-C anywhere in the hook (bash then
 * runs it again) leaves a chain the gateway follows (when it lands between the A and that step, the
 * same A again, which the gateway takes without typing the wall a second time) and a program printing an A with a fresh nonce of its own is not
 * taken for the hook. The rest is the user's shell options as they will be when the next line
 * runs ({@code $BASHOPTS} and {@code $-} as the hook found them, bash's own read-only values; POSIX
 * mode, which the hook keeps on for the next line when {@code POSIXLY_CORRECT} was set, as
 * {@code set -o posix} or the startup files leave it, and then every line is unclassified): the
 * gateway judges that line from those that change how its patterns expand ({@link
 * dev.gatehouse.policy.shell.ShellState}: a {@code shopt -s nullglob} typed on one line makes the
 * patterns of the next ones vanish when they match nothing), and only the marker with
 * the nonce carries them, so no program's output can report other options. It reads lines
 * from the terminal, without echo, until one ends with the nonce, which the gateway sends as soon
 * as it sees the marker: whatever
 * was typed while the last command ran and that command did not read is thrown away there, never
 * read by bash as a command. Then it prints {@code P;<next nonce>}, the user's prompt ({@code PS1}
 * expanded in a subshell, so that an assignment in it, such as an element of {@code BASH_ALIASES},
 * changes nothing of the guarded shell) and {@code B;<next nonce>}; bash's own {@code PS1} stays empty. {@code PS0} prints {@code
 * C;<next nonce>} as bash starts the line it read (the value of the hook's variable, expanded each
 * time). The nonce itself crosses the terminal (the gateway types it for the wall), where any
 * process that reads the terminal may take it; the next nonce is only ever in bash's output, which
 * only the gateway reads, until the next prompt's wall: so no program's output can bring up the
 * gateway's prompt (B), have it take output for the prompt's text (P) or have it take a command as
 * started (C) with a marker of its own. Bash reads lines without readline
 * ({@code --noediting}): the gateway edits the line, so no key binding or macro of readline can
 * add to it. History expansion ({@code !!:s/echo //}) and bash's own history list (which {@code fc}
 * re-runs) are turned off: the gateway's editor keeps the history, and every recalled line is
 * judged again. Turning any of these back on ({@code set -o vi}, {@code set -H}, {@code bind},
 * {@code fc}) is {@code guard-tamper} at the prompt.
 *
 * <p>The user's shell options do not change how the hook runs: {@code PROMPT_COMMAND} hands it
 * {@code $-}; its first act (with its trace sent nowhere) turns POSIX mode on and tracing and
 * verbose input off, then it keeps {@code $SHELLOPTS} and {@code $BASHOPTS} in its positional
 * parameters (no variable a user could have made read-only), turns off every {@code set} and
 * {@code shopt} option that changes how its words are expanded or its commands run
 * ({@code -u -e -C -f -k -a -E -T}, {@code pipefail}, {@code SHOPT_OFF}), and, as its very last
 * acts after the prompt is printed, puts them back, {@code set -x} last, so nothing of it is
 * traced. bash keeps {@code $?} across {@code PROMPT_COMMAND} itself.
 */
public final class BashIntegration {
  /**
   * Set (to 9) in the environment of an {@code ssh} target's bash started from its execute-only
   * copy ({@link #remoteCommand}): the descriptor it was started through, closed by the setup.
   */
  static final String EXECUTE_ONLY_FD = "GH_BASH_FD";
  /**
   * Every trap a startup file can set that would run its code around the hook or a judged line:
   * the shell's own conditions and every signal bash lets a trap take. Cleared in an interactive
   * bash, the signals it handles itself (INT, QUIT, TERM, TSTP, TTIN, TTOU, WINCH, CHLD) go back to
   * its own handling: Ctrl-C and Ctrl-Z work as before (checked in a terminal).
   */
  private static final String TRAPS = "DEBUG RETURN ERR EXIT " + java.util.stream.IntStream.rangeClosed(1, 64)
      .mapToObj(Integer::toString).collect(java.util.stream.Collectors.joining(" "));
  /**
   * The functions line one removes (twice: {@code unset} may be disabled at the first pass, and is
   * enabled between), each a name the integration's lines or the hook call.
   */
  private static final String SHADOWS = "unalias alias enable builtin command printf read local unset return exit set shopt trap"
      + " readonly declare typeset source eval kill stty";
  /**
   * The variables the integration's lines and the hook keep their state in. A startup file can
   * make any of them a name reference ({@code declare -n __gh_m=z}: every nonce the hook keeps would
   * be {@code z}'s, readable by a judged {@code echo $z}) or give it attributes; line one unsets
   * them with {@code -n}, which removes a reference itself rather than what it names (and leaves any
   * other variable alone), then with {@code -v}, which removes a plain one with its attributes
   * ({@code declare -i PS2} would make an assignment of text an arithmetic error).
   */
  private static final String STATE = "__gh_ps1 __gh_tty __gh_t __gh_m __gh_q __gh_i __gh_s __gh_n __gh_l __gh_c __gh_v __gh_r";
  /**
   * The variables bash reads around each line and the hook checks: a reference left among them
   * ({@code declare -n PS1='BASH_ALIASES[echo]'}: the hook's own {@code PS1=} would define an
   * alias before every judged line) withholds the S.
   */
  private static final String WATCHED = "PS1 PS2 PS0 PS4 PROMPT_COMMAND IFS GLOBIGNORE LESSSECURE SYSTEMD_PAGERSECURE"
      + " BASH_ALIASES POSIXLY_CORRECT HOME " + STATE;
  /**
   * The start of each line of the first part: {@code POSIXLY_CORRECT=1} turns on POSIX mode, where
   * {@code unset} and the other special builtins are found before any function of their name. A
   * startup file can keep it off (a name reference {@code POSIXLY_CORRECT}: the assignment lands on
   * what it names) or make the assignment fail; either way the second assignment is an arithmetic
   * error unless {@code SHELLOPTS} (read-only, never a reference) lists {@code posix}: {@code 1/01}
   * then, {@code 1/0} when a startup file turned every option off ({@code SHELLOPTS} empty), and an
   * invalid number for any other list of options ({@code 1/0braceexpand:…}, {@code 1/0xtrace}), and an
   * assignment or expansion error drops the rest of the line in an interactive bash. A line that
   * goes on is so in POSIX mode with nothing of the startup files able to stop it before its
   * {@code unalias -a}: the unsets and {@code enable} there never drop a line (bash reports a
   * read-only name and goes on), and every assignment that could fail comes after. Each line
   * starts with it because bash parses a whole line, expanding aliases, before running any of it: a
   * line after a dropped one must not run past its start. A shell that is not bash stops there too
   * ({@code ${x/…}} is not POSIX), its prompt untouched for the screen mode.
   */
  private static final String POSIX_OR_STOP = "POSIXLY_CORRECT=1; POSIXLY_CORRECT=$(( 1/0${SHELLOPTS/*posix*/1} ));";
  private static final String CLEAN = POSIX_OR_STOP + " \\unset -f " + SHADOWS + ";"
      + " \\enable unalias alias printf read builtin command local unset return exit set shopt trap readonly declare typeset kill;"
      + " \\unalias -a; \\unset -f " + SHADOWS + " __gh_prompt __gh_lost; \\unset -n " + STATE + "; \\unset -v " + STATE + ";"
      + " __gh_ps1=${PS1-}; \\unset -n PS1 PS2 PS0 PS4 PROMPT_COMMAND; \\unset -v PS1 PS2 PS0 PS4 PROMPT_COMMAND; PS1=; PS2=; PS0=\n"
      + POSIX_OR_STOP + " [[ ${" + EXECUTE_ONLY_FD + "-} == 9 ]] && \\exec 9<&-; \\unset " + EXECUTE_ONLY_FD + ";"
      + " \\builtin trap - " + TRAPS + "; { \\builtin set +xvak; } 2>/dev/null; \\builtin unset -v PROMPT_COMMAND\n";
  /**
   * The environment every program on a target with a shell policy starts with (a {@code command}
   * target's, over the target's own {@code env}; the hook line exports them read-only on an
   * {@code ssh} target's bash): less 590 is in secure mode while {@code LESSSECURE} is non-empty
   * (no {@code !}, {@code |}, {@code v}, {@code :e}, log or lesskey files), and systemd 252's pager
   * (journalctl, systemctl) keeps it with {@code SYSTEMD_PAGERSECURE=1}. A pager's {@code !}
   * would otherwise run what is typed into it, never judged.
   */
  public static final Map<String, String> PAGER_SECURE_ENV = Map.of("LESSSECURE", "1", "SYSTEMD_PAGERSECURE", "1");

  /**
   * {@link #PAGER_SECURE_ENV} as the words of {@code declare -rx}, in name order; the values are
   * plain words (a letter or digit each), so no quoting is needed, and a value that is not one
   * fails the class's loading rather than reaching the shell.
   */
  /**
   * {@link #PAGER_SECURE_ENV} exported read-only: the integration's last command at the prompt, and
   * the line a guarded exec request on an {@code ssh} target runs before its text ({@link
   * #guardedExecCommand}), whose host takes no environment from the gateway but the locale's.
   */
  public static String pagerSecureExport() {
    return "builtin declare -rx" + pagerSecureAssignments() + " 2>/dev/null";
  }

  /**
   * What a judged exec request sends to an {@code ssh} target's host: the bash-only line ({@link
   * BashOnlyExec}), then {@link #pagerSecureExport()}, then the text. A pager the text starts (less,
   * journalctl's, systemctl's) so runs in its secure mode there too, as on a command target, whose
   * program gets {@link #PAGER_SECURE_ENV} in its environment.
   */
  public static String guardedExecCommand(String text) {
    return BashOnlyExec.wrap(text, pagerSecureExport());
  }

  private static String pagerSecureAssignments() {
    StringBuilder words = new StringBuilder();
    new java.util.TreeMap<>(PAGER_SECURE_ENV).forEach((name, value) -> {
      if (!name.matches("[A-Z_]+") || !value.matches("[A-Za-z0-9]+")) {
        throw new IllegalStateException("not a plain assignment: " + name);
      }
      words.append(' ').append(name).append('=').append(value);
    });
    return words.toString();
  }

  /**
   * The {@code shopt} options that change how the hook's own words and patterns are read; off
   * while it runs, put back as the user had them before it returns.
   */
  private static final String SHOPT_OFF = "failglob nullglob extglob nocasematch nocaseglob lastpipe xpg_echo extdebug"
      + " localvar_inherit localvar_unset dotglob globstar";
  /**
   * The part of the hook that sets the terminal before each prompt, from the settings saved when
   * the integration started ({@code __gh_tty}, {@code stty -g}: input, output, control and local
   * flags, then the control characters, in hex, in Linux's order), which the startup files (or,
   * later, a program) may have set to anything. It puts them back with three changes, so that the
   * line the gateway writes (a judged line: printable text, UTF-8, tabs, each physical line ended
   * by a newline; or the nonce line) is the line bash reads: canonical input ({@code icanon
   * -xcase}: bash gets whole lines); no input mapping ({@code -istrip -inlcr -igncr -iuclc
   * -parmrk}: no byte loses its eighth bit, no newline becomes a carriage return, no letter its
   * case); no output mapping of letters ({@code -olcuc}: the markers' nonces are lower-case hex,
   * and with it the terminal writes output one character at a time, so a key's echo could land
   * inside a marker); and every character the line discipline acts on (intr, quit, erase, kill, eof, swtch,
   * start, stop, susp, eol, rprnt, discard, werase, lnext, eol2) either disabled or a control
   * character the gateway never writes (not a tab or a newline): one that is anything else is set
   * to Linux's default for it (eol, eol2 and swtch: none). A control character the user chose
   * ({@code erase ^H}) and every other flag (echo, output, window size, signals, flow control)
   * stay as saved. Settings that do not read as Linux's {@code stty -g} (or no {@code stty}), or
   * that {@code stty} cannot set, end the session ({@code terminal-settings}): the line would not be
   * known to reach bash as judged.
   */
  private static final String TTY = " [[ $__gh_tty == *:*:*:*:*:*:*:*:*:*:*:*:*:*:*:*:*:*:*:*:* && $__gh_tty != *[!0-9a-f:]*"
      + " && $__gh_tty != *::* && $__gh_tty != :* && $__gh_tty != *: ]] || __gh_lost terminal-settings;"
      + " __gh_l=$__gh_tty:; __gh_t=; __gh_i=0; while [[ -n $__gh_l ]]; do __gh_c=${__gh_l%%:*}; __gh_l=${__gh_l#*:};"
      + " [[ ${#__gh_c} -le 8 ]] || __gh_lost terminal-settings; __gh_c=$(( 16#$__gh_c ));"
      + " case $__gh_i in 0) __gh_c=$(( __gh_c & ~0x2e8 ));; 1) __gh_c=$(( __gh_c & ~0x2 ));; 3) __gh_c=$(( (__gh_c | 0x2) & ~0x4 ));; esac;"
      + " case $__gh_i in 4) __gh_v=3;; 5) __gh_v=28;; 6) __gh_v=127;; 7) __gh_v=21;; 8) __gh_v=4;; 12) __gh_v=17;;"
      + " 13) __gh_v=19;; 14) __gh_v=26;; 16) __gh_v=18;; 17) __gh_v=15;; 18) __gh_v=23;; 19) __gh_v=22;;"
      + " 11|15|20) __gh_v=0;; *) __gh_v=;; esac;"
      + " [[ -n $__gh_v ]] && ! (( __gh_c == 0 || __gh_c < 32 && __gh_c != 9 && __gh_c != 10 || __gh_c == 127 ))"
      + " && __gh_c=$__gh_v; builtin printf -v __gh_c '%x' \"$__gh_c\"; __gh_t=$__gh_t${__gh_t:+:}$__gh_c; (( ++__gh_i ));"
      + " done; __gh_i=0; builtin command -p stty \"$__gh_t\" 2>/dev/null || __gh_lost terminal-settings;";

  /**
   * The first part's second line: after the startup files ran, it saves the terminal's settings
   * ({@code __gh_tty}, read-only; what the hook puts back at each prompt), defines {@code
   * __gh_lost} (the X marker, then the end of bash), puts the terminal into the form {@link #TTY}
   * describes (in a subshell, so that the user's {@code set} and {@code shopt} options stay as the
   * startup files left them), and only then prints {@code S;<token>}, on which the gateway types
   * the second part ({@link #secondPart}). The terminal takes in about 4 KB of typed input ahead of
   * its reader, and converts what comes later under the settings in force then: typed in one go, the
   * integration's tail would be read under a startup file's {@code stty iuclc} (lowered in case,
   * {@code PROMPT_COMMAND} becoming {@code prompt_command}). The first part fits that buffer whole,
   * so it arrives as typed while bash still reads its startup files; the second arrives after the
   * settings are put right. The token is the session's own: a startup file that prints an S only
   * has the second part typed early (read as it would have been without the split).
   */
  private static final String SETTLE = POSIX_OR_STOP + " __gh_tty=$(builtin command -p stty -g 2>/dev/null); builtin readonly __gh_tty;"
      + " __gh_lost() { [[ 1 ]] <\"/\"$'\\e]133;X;'\"$1\"$'\\a'; exit 1; while [[ 1 ]]; do [[ $(</dev/tty) ]]; done; };"
      + " ( { builtin set +xv; } 2>/dev/null; builtin set +euCfkaET +o pipefail; builtin shopt -u " + SHOPT_OFF + " 2>/dev/null;"
      + " builtin shopt -s globasciiranges 2>/dev/null;" + TTY
      + " ) && \\unset -v POSIXLY_CORRECT && __gh_t=$(builtin trap -p) && __gh_c=$(builtin alias -p)"
      + " && [[ -z ${PROMPT_COMMAND+x}$(builtin declare -F " + SHADOWS + " __gh_prompt 2>/dev/null)"
      + " && -z $PS1$PS2$PS0$__gh_c && $__gh_t != *\"trap -- '\"[!\\']* && $__gh_t != *\"trap -- ''\"[!\\ ]*"
      + " && $(builtin readonly -f) != *__gh_* && ! $(builtin declare -p " + WATCHED + " 2>/dev/null) =~ (^|$'\\n')declare\\ -[a-zA-Z]*n ]]"
      + " && builtin printf '\\e]133;S;%s\\a' @TOKEN@\n";

  /**
   * The hook, called by {@code PROMPT_COMMAND} with the last exit status and whether POSIX mode was
   * on. It leans on nothing a later line or script can redefine: its first act is an assignment
   * (no command lookup) that turns on POSIX mode, where the special builtins ({@code unset},
   * {@code exit}, {@code break}, {@code return}) are found before any function; {@code unset -f}
   * then removes any function named after a builtin it calls, which it calls through
   * {@code builtin}; its loop and tests are keywords ({@code while}, {@code [[ ]]}, {@code (( ))})
   * that no function can shadow. Its nonce comes from the kernel's random source, never from a
   * shell variable ({@code SRANDOM} can be unset and set). When something it stands on cannot be
   * put right (a read-only function or variable it needs, a disabled builtin, no POSIX mode), it
   * prints {@code X;<reason>} without any command (the error message of a redirection from a
   * file named after the marker) and exits, or, if even {@code exit} is gone, reads the terminal
   * away forever: bash never reads another command, and the gateway ends the session on the X.
   */
  private static final String HOOK = "builtin unset -v __gh_m __gh_q 2>/dev/null;"
      + " __gh_prompt() { { POSIXLY_CORRECT=y; set +xv; } 2>/dev/null;"
      + " [[ $SHELLOPTS == *posix* ]] || __gh_lost posix-mode;"
      + " [[ -t 0 && /dev/fd/1 -ef /dev/fd/0 && /dev/fd/2 -ef /dev/fd/0 ]]"
      + " || { [[ 1 ]] 2>&0 <\"/\"$'\\e]133;X;descriptors\\a'; __gh_lost descriptors; };"
      + " set -- \"$1\" \"$2\" \"$3\" \"$SHELLOPTS\" \"$BASHOPTS\" \"$4\"; set +euCfkaET +o pipefail;"
      + " [[ $6 == *ok && $6 != *\"trap -- '\"[!\\']* && $6 != *\"trap -- ''\"[!\\ ]* && $6 != *alias\\ * ]] || __gh_lost startup-code;"
      + " unset -f builtin command 2>/dev/null || __gh_lost shadowed-builtin;"
      + " builtin enable builtin command printf read local return shopt 2>/dev/null || __gh_lost disabled-builtin;"
      + " builtin shopt -u " + SHOPT_OFF + " 2>/dev/null; builtin shopt -s globasciiranges promptvars 2>/dev/null;"
      + " builtin local __gh_s=\"$1\" __gh_n __gh_l __gh_i=0 __gh_t __gh_c __gh_v 2>/dev/null || __gh_lost hook-variables;"
      + " [[ -z ${__gh_m@a}${__gh_q@a} ]] || __gh_lost hook-variables; [[ $__gh_q == \"$__gh_m\" ]] && __gh_q=;"
      + " while [[ -z $__gh_m || -z $__gh_q ]]; do __gh_l=;"
      + " [[ -r /proc/sys/kernel/random/uuid ]] && __gh_l=$(</proc/sys/kernel/random/uuid)$(</proc/sys/kernel/random/uuid)"
      + "$(</proc/sys/kernel/random/uuid)$(</proc/sys/kernel/random/uuid);"
      + " [[ ${#__gh_l} -ge 128 ]] || __gh_l=$(builtin command -p od -An -tx1 -N64 /dev/urandom 2>/dev/null);"
      + " __gh_l=${__gh_l//[!0-9a-f]/}; [[ ${#__gh_l} -ge 128 ]] || __gh_lost nonce;"
      + " [[ -z $__gh_m ]] && __gh_m=$__gh_l || __gh_q=$__gh_l; done; __gh_n=$__gh_m;"
      + " [[ ${#__gh_n} -ge 128 && ${#__gh_q} -ge 128 && -z ${__gh_n@a}${__gh_m@a}${__gh_q@a}${__gh_l@a}${__gh_s@a}${__gh_t@a}${__gh_c@a}${__gh_v@a}"
      + " && ${__gh_i@a}${__gh_ps1@a}${PS1@a} != *[rn]* && ${IFS@a} != *r* && ${#PROMPT_COMMAND[@]} == 1 && $PS4 == '+ '"
      + " && ${PROMPT_COMMAND@a}${PS0@a}${PS4@a} == rrr && ${#BASH_ALIASES[@]} == 0 ]]"
      + " || __gh_lost hook-variables; [[ $3 != *H* ]] || __gh_lost history-expansion;"
      + " [[ $LESSSECURE$SYSTEMD_PAGERSECURE == 11 && ${LESSSECURE@a}${SYSTEMD_PAGERSECURE@a} == rxrx ]]"
      + " || __gh_lost pager-secure;\n"
      + TTY
      + " builtin printf '\\e]133;D;%s;%s\\a\\e]133;A;%s;%s;%s\\a' \"$__gh_s\" \"$__gh_n\" \"$__gh_n\" \"$__gh_q\" \"$5;$3;${GLOBIGNORE:+1};$2\"; __gh_m=$__gh_q; __gh_q=;"
      + " while [[ 1 ]]; do __gh_l=; IFS= builtin read -r -s -t 120 __gh_l; (( $? > 128 )) && exit 1;"
      + " [[ $__gh_l == *\"$__gh_n\" ]] && break; (( ++__gh_i > 100000 )) && exit 1; done;"
      + " [[ -n $PS1 ]] && __gh_ps1=$PS1; PS1=; [[ -n $2 ]] || unset -v POSIXLY_CORRECT;"
      + " __gh_l=$(builtin printf '%s.' \"${__gh_ps1@P}\"); __gh_l=${__gh_l%.};"
      + " builtin printf '\\e]133;P;%s\\a%s\\e]133;B;%s\\a' \"$__gh_m\" \"$__gh_l\" \"$__gh_m\";"
      + " for __gh_l in " + SHOPT_OFF + "; do [[ :$5: == *:$__gh_l:* ]] && builtin shopt -s \"$__gh_l\"; done;"
      + " [[ :$5: == *:globasciiranges:* ]] || builtin shopt -u globasciiranges;"
      + " [[ :$4: == *:pipefail:* ]] && builtin set -o pipefail; __gh_l=${3//[!euCfkaETxv]/};"
      + " [[ -z $__gh_l ]] || builtin set -\"$__gh_l\"; };"
      + " builtin unset -v PROMPT_COMMAND PS4 PS0; PS0=@PS0@; PS2=; PS4='+ '; PROMPT_COMMAND='__gh_prompt \"$?\" \"${POSIXLY_CORRECT+y}\" \"$-\" \"$(builtin trap -p && builtin alias -p && builtin printf ok)\"';"
      + " builtin set +H +o history; builtin history -c;"
      + " builtin readonly -f __gh_prompt __gh_lost; builtin readonly PROMPT_COMMAND PS0 PS4;"
      + " " + pagerSecureExport() + "\n";


  private BashIntegration() {}

  /**
   * Whether an interactive session of {@code argv} is a bash the gateway can guard: the program is
   * bash and it is not given code to run ({@code -c}) or a script.
   */
  public static boolean guardable(List<String> argv) {
    if (argv.isEmpty()) {
      return false;
    }
    String p = argv.get(0);
    String base = p.substring(p.lastIndexOf('/') + 1);
    if (!base.equals("bash")) {
      return false;
    }
    for (String a : argv.subList(1, argv.size())) {
      if (!a.startsWith("-") || a.equals("-") || a.equals("--") || a.matches("-[a-zA-Z]*c[a-zA-Z]*")
          || a.equals("--rcfile") || a.equals("--init-file")) {
        return false; // a script, code, or an rc file name as its own word: not an interactive shell we know
      }
    }
    return true;
  }

  /** The argv bash starts with: the target's, without readline. */
  public static List<String> argv(List<String> targetArgv) {
    List<String> a = new ArrayList<>();
    a.add(targetArgv.get(0));
    a.add("--noediting");
    a.addAll(targetArgv.subList(1, targetArgv.size()));
    return a;
  }

  /**
   * The exit status of {@link #remoteCommand} when the host's login shell is not bash 5.1 or later
   * (the hook needs {@code $SRANDOM} and {@code ${var@P}}).
   */
  public static final int REMOTE_NOT_BASH = 97;

  /**
   * The command an {@code ssh} target's host runs (an exec request with a pty) instead of a plain
   * shell: the login shell reads it with {@code -c}; if it is bash 5.1 or later it replaces itself
   * with the same bash as a login shell without readline, which then reads its startup files and
   * the lines of {@link #setup} (typed as the channel opens, waiting in the host's terminal);
   * anything else exits {@link #REMOTE_NOT_BASH}. Written in the common part of POSIX shells and
   * csh-like shells' syntax errors alike end it: only bash gets as far as a prompt.
   *
   * <p>The bash it starts is an execute-only copy (mode 0111, in a private temporary directory,
   * deleted before it starts; run through the descriptor that opened it): the kernel does not let
   * other processes of the same user read the memory of a process whose program file it cannot
   * read (not dumpable), and the hook keeps the next prompt's nonce in that memory. Where the copy
   * cannot be made or run (a {@code noexec} temporary directory, no {@code mktemp}), the host's
   * bash is started as it is; for root the copy changes nothing (root reads any memory).
   */
  public static String remoteCommand() {
    return "case ${BASH_VERSION-} in 5.[1-9]*|[6-9].*|[1-9][0-9].*) shopt -s execfail;"
        + " __gh_d=$(umask 077; mktemp -d \"${TMPDIR:-/tmp}/gh-bash.XXXXXXXX\" 2>/dev/null)"
        + " && cp -- \"$BASH\" \"$__gh_d/bash\" 2>/dev/null && exec 9<\"$__gh_d/bash\" && chmod 0111 \"$__gh_d/bash\""
        + " && rm -f -- \"$__gh_d/bash\" && rmdir -- \"$__gh_d\""
        + " && " + EXECUTE_ONLY_FD + "=9 exec -a \"$BASH\" /proc/self/fd/9 --noediting -l;"
        + " exec 9<&-; [ -n \"${__gh_d-}\" ] && rm -rf -- \"$__gh_d\"; exec \"$BASH\" --noediting -l;; esac; exit "
        + REMOTE_NOT_BASH;
  }


  /**
   * PS0 of an {@code ssh} target's bash: the C marker as bash starts a command, with the next nonce
   * ({@code $__gh_m} stays unexpanded in PS0's value; bash expands it each time it prints PS0).
   */
  private static final String PS0_MARK = "$'\\e]133;C;''$__gh_m'$'\\a'";
  /**
   * PS0 of a {@code command} target's bash: the C marker (with the next nonce), then a wait (in a command substitution,
   * its tracing off) for the gateway's empty line ({@link #RELEASED}), sent once it made the
   * terminal openable again. While bash reads a judged text the gateway keeps the terminal
   * exclusive ({@link ShellTerminal#holdForShell}); without the wait the command (sudo, less, ssh)
   * could open /dev/tty before the gateway saw the marker, and get EBUSY. The marker is read's own
   * prompt: read prints it after it turned echo off, so the gateway's newline is never echoed
   * (printed before read, the newline could come while echo was still on: a blank line).
   */
  private static final String PS0_MARK_AND_WAIT = "'$({ builtin set +xv; } 2>/dev/null;"
      + " builtin read -r -s -t 10 -p \"'$'\\e]133;C;''$__gh_m'$'\\a''\" __gh_r)'";
  /** The gateway's answer to the C marker of {@link #PS0_MARK_AND_WAIT}: the terminal is released. */
  static final byte[] RELEASED = {'\n'};

  /**
   * What the gateway types into bash first (after bash read its startup files, or, on an {@code
   * ssh} target, as the channel opens: it waits in the host's terminal): it makes the builtins the
   * rest stands on bash's own again, puts the terminal's input settings right and prints {@code
   * S;<token>} ({@link #SETTLE}). {@code token}: the session's own, 32 lower-case hex digits.
   */
  public static byte[] firstPart(String token) {
    if (!token.matches("[0-9a-f]{32}")) {
      throw new IllegalArgumentException("the setup token is 32 lower-case hex digits");
    }
    return (CLEAN + SETTLE.replace("@TOKEN@", token)).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * What the gateway types into bash on the first part's {@code S} marker: the hook and its
   * installation; {@code waitsForRelease}: bash's PS0 waits for the gateway's {@link #RELEASED}
   * after the C marker (a {@code command} target's terminal).
   */
  public static byte[] secondPart(boolean waitsForRelease) {
    return HOOK.replace("@PS0@", waitsForRelease ? PS0_MARK_AND_WAIT : PS0_MARK).getBytes(StandardCharsets.UTF_8);
  }
}
