package dev.gatehouse.policy.shell;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 17an on the shell judge (after 17am), first on {@code mode: allow-list} with the
 * docs' own list ({@code [ls, cat, less, grep, tail, journalctl, "systemctl status"]}). Each case
 * asserts the secure outcome against real bash ({@link BashWitness#assertRunsNoUnjudgedTouch}):
 * the only command the texts run is {@code touch} of a file in a temporary directory (also HOME
 * and the working directory), and every case is allowed by the exec and the typed judgement
 * without {@code touch} among its commands. Each was run as written under bash 5.2 on Debian 12
 * (less 590) and created the witness file.
 *
 * <p><b>One cause for all groups: less's long options are case-insensitive, the judge's checks
 * are not.</b> less 590 matches a long option name ignoring case where the option has no
 * upper-case twin ({@code --LESSKEY-SRC}, {@code --Lesskey-Src}, abbreviated {@code --LESSKEY-S})
 * and, for {@code --log-file}/{@code --LOG-FILE} (-o/-O), takes mixed spellings such as {@code
 * --Log-File} and {@code --LOG-file} as well. The judge compares them case-sensitively:
 * {@code ShellClass} ({@code case "less", "more", "man"}) asks {@code v.startsWith("--lesskey")}
 * and {@code Wrappers.longOption(v, "lesskey-src")} / {@code "lesskey-file"} / {@code
 * "lesskey-content"}, and the written-file check (the {@code less} case near {@code -o/-O FILE
 * (--log-file, --LOG-FILE)}) asks {@code Wrappers.longOption(v, "log-file")} or {@code
 * "LOG-FILE"}; {@code Wrappers.namesOption} uses {@code equals}/{@code startsWith}. So:
 *
 * <ul>
 *   <li><b>lesskey source from the text's own pipe</b>: {@code printf '#env\nLESSOPEN=|touch W
 *       %s\n' | less --LESSKEY-SRC=/dev/stdin FILE} (also {@code --Lesskey-Src /dev/stdin},
 *       {@code --LESSKEY-S=}) sets LESSOPEN from the piped lesskey source and less runs {@code
 *       touch W FILE}: allowed under the docs' allow-list and the default deny-list, on a
 *       terminal or not. (The lowercase {@code --lesskey-src}, {@code --lesskey-sr}, {@code
 *       --lesskey-SRC} are reviewed.)
 *   <li><b>less logs its input to ~/.lesskey or a script</b>: {@code printf … | less
 *       --Log-File=.lesskey; less FILE} (also {@code --LOG-file}) at the guarded prompt; under the
 *       deny-list {@code printf 'touch W\n' | less --Log-File=ks; sh ks}. ({@code --log-file},
 *       {@code --LOG-FILE}, {@code --LOG-F} are reviewed.)
 * </ul>
 *
 * <p>Caveat: less's secure mode ({@code LESSSECURE=1}, which the gateway exports) disables {@code
 * --lesskey-src} and {@code -o}/{@code -O}; checked here: with {@code LESSSECURE=1} neither
 * group creates the witness. The judge itself treats both as code (it reviews the lowercase
 * spellings), as 17ah's {@code less -o.lesskey} finding was; the witness runs without it.
 *
 * <p>Tried and already refused (or not a bypass): {@code unset LESSSECURE} (also {@code -v},
 * {@code -n}, quoted/escaped names, {@code unset $x}), {@code export -n}/{@code -fn}, {@code
 * declare +x}, {@code typeset +x}, {@code exec -c less}, {@code env -u LESSSECURE} (blocked or
 * reviewed); {@code less '+!touch W\n'}, {@code '+|…'}, {@code -k /dev/stdin}, {@code -ks},
 * {@code --lesskey-content} (not in less 590); {@code HOME=}/{@code XDG_CONFIG_HOME=} before less
 * (reviewed); {@code LESSSECURE_ALLOW=}, {@code SYSTEMD_PAGERSECURE=0}, {@code read LESSOPEN},
 * {@code declare -n x=LESSOPEN} (blocked); {@code man -P} (not listed); {@code journalctl
 * --pager-end/-M/-H/--root/--directory/--file}, {@code systemctl status -H/-M/--root}, {@code tail
 * --pid}, {@code grep -f}, {@code ls --color}/{@code LS_COLORS}, {@code LESSHISTFILE}, {@code
 * TERMINFO}, {@code LESSBINFMT}, {@code SHELL=} (allowed, but nothing ran: no sshd, journal or
 * systemd here, and none of these runs a command); {@code git -c} with upper-case keys ({@code
 * CORE.PAGER}, {@code CORE.FSMONITOR}, {@code ALIAS.x}, {@code DIFF.EXTERNAL}, {@code
 * CORE.SSHCOMMAND}, {@code CREDENTIAL.HELPER}, {@code CORE.ASKPASS}, {@code CORE.GITPROXY}) (all
 * reviewed); {@code man --PAGER=} (allowed, but man's argp does not take it); sqlite3 {@code
 * writefile()} in any case or spacing, {@code .once}/{@code .ONCE}/{@code .Output}, {@code
 * -Ax}/{@code .ar -x}/{@code -A -x -f} of a sqlar table the text builds (all reviewed).
 */
class ShellAttack17anTest {
  static final ShellJudge DEFAULT = ShellAttack17ahTest.DEFAULT;
  static final ShellJudge ALLOW_LIST = ShellAttack17ahTest.ALLOW_LIST;

  static final String LESSKEY = "printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' | ";

  @ParameterizedTest(name = "allow-list [ls, cat, less, …]: upper-case --LESSKEY-SRC: {0}")
  @ValueSource(strings = {
      "less --LESSKEY-SRC=/dev/stdin /etc/hostname",
      "less --Lesskey-Src /dev/stdin /etc/hostname",
      "less --LESSKEY-S=/dev/stdin /etc/hostname",
      "less --LESSKEY-SRC=/proc/self/fd/0 /etc/hostname"})
  void allowListUpperCaseLesskeySrc(String rest, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(ALLOW_LIST, LESSKEY + rest, tmp, false);
  }

  @ParameterizedTest(name = "allow-list [ls, cat, less, …], at the prompt: upper-case --LESSKEY-SRC: {0}")
  @ValueSource(strings = {
      "less --LESSKEY-SRC=/dev/stdin /etc/hostname",
      "less --Lesskey-Src /dev/stdin /etc/hostname"})
  void allowListUpperCaseLesskeySrcOnATerminal(String rest, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(ALLOW_LIST, LESSKEY + rest, tmp, true);
  }

  @ParameterizedTest(name = "deny-list: upper-case --LESSKEY-SRC: {0}")
  @ValueSource(strings = {
      "less --LESSKEY-SRC=/dev/stdin /etc/hostname",
      "less --Lesskey-Src /dev/stdin /etc/hostname",
      "less --LESSKEY-S=/dev/stdin /etc/hostname"})
  void denyListUpperCaseLesskeySrc(String rest, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, LESSKEY + rest, tmp, false);
  }

  @ParameterizedTest(name = "allow-list [ls, cat, less, …], at the prompt: mixed-case --Log-File writes ~/.lesskey: {0}")
  @ValueSource(strings = {
      "less --Log-File=.lesskey; less /etc/hostname",
      "less --LOG-file=.lesskey; less /etc/hostname",
      "less --Log-File .lesskey; less /etc/hostname"})
  void allowListMixedCaseLogFile(String rest, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(ALLOW_LIST, LESSKEY + rest, tmp, true);
  }

  @ParameterizedTest(name = "deny-list, at the prompt: mixed-case --Log-File writes a script, then sh: {0}")
  @ValueSource(strings = {
      "printf 'touch WITNESS\\n' | less --Log-File=ks; sh ks",
      "printf 'touch WITNESS\\n' | less --LOG-file=ks; sh ks",
      "printf 'touch WITNESS\\n' | less --Log-File=ks; . ./ks"})
  void denyListMixedCaseLogFileThenSh(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, true);
  }
}
