package dev.gatehouse.gateway;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Attack pass 17bq, live through the gateway (real OpenSSH client, the gateway, bash in the sandbox
 * of the {@code command} targets and on the real sshd's host behind the {@code ssh} targets;
 * {@link ShellLiveTargets}). Focus: the exec path on {@code ssh} targets, the prompt markers, lines
 * whose reading depends on state an earlier line made, and denial of service by the judge. The
 * witness is a file in the session's /tmp (the host's /tmp on ssh targets), listed by the session
 * itself; every test here is expected to FAIL on the current code (the witness is made).
 *
 * <p><b>Finding (one cause): a whole-array assignment to {@code BASH_CMDS} or {@code BASH_ALIASES}
 * binds the command name {@code 0}, and the judge reads such an assignment as a plain variable.</b>
 * Both are associative arrays of bash itself: {@code BASH_CMDS} is the command hash table (an
 * element {@code [name]=path} makes {@code name} run {@code path}), {@code BASH_ALIASES} the alias
 * table. An assignment without a subscript assigns the element {@code [0]} (bash 5.2:
 * {@code BASH_CMDS=/usr/bin/echo; 0 hi} prints {@code hi}; {@code declare -p BASH_CMDS} shows
 * {@code ([0]="/usr/bin/echo")}). The judge refuses such elements only where a subscript is
 * written ({@code BASH_CMDS[ls]=…}, {@code BASH_CMDS=([ls]=…)}, {@code read 'BASH_CMDS[ls]'}: "an
 * array subscript evaluates …", a review), but every subscript-less form is allowed under the
 * deny-list ({@code default-shell}): the plain assignment, {@code for BASH_CMDS in PATH; do …},
 * {@code read BASH_CMDS <<< PATH}, {@code printf -v BASH_CMDS}, {@code export}/{@code declare}
 * (exec only; typed they are blocked as other things), {@code select}, {@code getopts}. A later
 * command {@code 0 ARGS} is an unknown program to the judge (allowed under the deny-list) and runs
 * {@code PATH ARGS}: {@code for BASH_CMDS in /usr/bin/python3; do 0 -c "open('W','w')"; done} is
 * judged {@code allow [0]} and runs python3 -c (interpreter-inline, a review when judged), at the
 * prompt of both target kinds and as an exec request on an {@code ssh} target (behind
 * BashOnlyExec's line, which changes nothing here). Across lines at the prompt it works the same
 * ({@code BASH_CMDS=/usr/bin/python3}, judged allow, then {@code 0 -c "…"}, judged allow: the
 * binding stays in the guarded bash), and with the alias table ({@code for BASH_ALIASES in
 * "python3 -c …"; do :; done}, then a line {@code 0}: alias expansion is on in the interactive
 * shell; the hook's setup line {@code unalias -a} runs once, before the user's first line). Under
 * the allow-list the name {@code 0} itself is not listed, so the later command is refused there;
 * the binding line alone is still allowed. Fix direction: an assignment of any kind (plain,
 * compound, {@code +=}, {@code for}/{@code select}/{@code read}/{@code mapfile}/{@code printf
 * -v}/{@code getopts}/{@code declare}/{@code export}/{@code local}/namerefs) to {@code BASH_CMDS}
 * or {@code BASH_ALIASES} as guard-tamper (it rebinds command names), as {@code hash -p} and
 * {@code alias} already are.
 *
 * <p><b>Tried and already refused (or not a bypass)</b> (judge run locally on the texts, timings
 * from the policy module's judge on one core):
 * <ul>
 *   <li>Subscripted forms: {@code BASH_CMDS[ls]=…}, {@code BASH_CMDS=([ls]=…)}, {@code +=},
 *       {@code declare -A BASH_CMDS=(…)}, {@code read 'BASH_ALIASES[ls]'}, {@code printf -v
 *       'BASH_CMDS[ls]'}, a nameref to {@code BASH_CMDS} then {@code x[ls]=}: a review
 *       (subscript evaluated) or blocked typed.</li>
 *   <li>{@code hash -p}, {@code alias}, {@code enable -n}, {@code complete -C}, {@code bind -x},
 *       {@code trap … DEBUG}, {@code PROMPT_COMMAND=}, {@code PS1='$(…)'}, {@code export -f},
 *       {@code read} into PATH/IFS/SHELLOPTS/BASHOPTS/BASH_ENV/LD_PRELOAD/PS1/PS4/LANG/LC_ALL:
 *       blocked typed (guard-tamper) or a review under the deny-list.</li>
 *   <li>Environment to the target: only {@code LANG}/{@code LC_*} with C/POSIX or UTF-8 values
 *       pass the channel ({@code GatewayChannel.acceptedEnvValue}); no {@code BASH_ENV}.</li>
 *   <li>Denial of service by the judge: brace bombs ({@code {1..9}} ×12, {@code {a,b}} ×25,
 *       {@code {1..10000000}}, 500 nested braces, 1000 nested {@code x{}), 200 nested
 *       {@code $(}, 300 nested {@code "${x:-}, 20000 words, a 2 MB here-document: each judged
 *       in under 1.3 s, the brace ones unclassified ("not exactly known"). Not pursued live.</li>
 *   <li>Startup files: {@code echo CODE >> ~/.bashrc} is a review; the same file written by its
 *       relative name from the home directory ({@code echo CODE >> .bashrc}, also {@code cat >>
 *       .bashrc}, {@code grep … >> .bashrc}) is judged allow under the deny-list, and the next
 *       session's login bash (the prompt path starts {@code bash -l}) or sshd's {@code bash -c}
 *       (Debian's bash reads {@code ~/.bashrc} for ssh commands) would run CODE unjudged. NOT run
 *       live: this pass may only write a witness in /tmp, and the target account's home is shared
 *       by every session on this machine. Worth a test of its own with a dedicated account.</li>
 * </ul>
 */
@ExtendWith(GatewayLogOnFailure.class)
class ShellLiveAttack17bqIT extends ShellLiveClass {
  /** Python that makes the witness (interpreter-inline under the deny-list: a review when judged). */
  static final String PY = "-c \"open('W','w')\"";

  @ParameterizedTest(name = "{0} ({1}): {2}")
  @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
      web-default | prompt | for BASH_CMDS in /usr/bin/python3; do 0 PY; done
      ssh-default | prompt | for BASH_CMDS in /usr/bin/python3; do 0 PY; done
      ssh-default | exec   | for BASH_CMDS in /usr/bin/python3; do 0 PY; done
      web-default | exec   | BASH_CMDS=/usr/bin/python3 ;; 0 PY
      ssh-default | exec   | read BASH_CMDS <<< /usr/bin/python3 ;; 0 PY
      ssh-default | exec   | printf -v BASH_CMDS %s /usr/bin/python3 ;; 0 PY
      web-default | prompt | BASH_CMDS=/usr/bin/python3 ;; 0 PY
      ssh-default | prompt | BASH_CMDS=/usr/bin/python3 ;; 0 PY
      web-default | prompt | for BASH_ALIASES in "python3 PYQ"; do :; done ;; 0
      ssh-default | prompt | for BASH_ALIASES in "python3 PYQ"; do :; done ;; 0
      """)
  void aWholeArrayAssignmentToBashsCommandTablesBindsTheName0(String target, String how, String text) throws Exception {
    List<String> lines = Arrays.stream(text.split(" ;; "))
        .map(l -> l.replace("PYQ", PY.replace("\"", "\\\"")).replace("PY", PY)).toList();
    ShellLiveTargets.attempt(gw, "17bq", target, how, "bashcmds", lines,
        "BASH_CMDS / BASH_ALIASES assigned without a subscript (element [0]: the command name 0), then `0 …` runs python3 -c");
  }
}
