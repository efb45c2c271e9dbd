package dev.gatehouse.policy.shell;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 17as on the shell judge (after 293b222): environment and indirection, variables a
 * later program reads. Each case asserts the secure outcome against real bash ({@link
 * BashWitness#assertRunsNoUnjudgedTouch}): the only command the texts run is {@code touch} of a
 * file in a temporary directory (also HOME and the working directory; where a program refuses a
 * {@code /} in the command's arguments or the command sits in compiled bytes it is the relative
 * {@code touch w}, the same file), and every case is allowed by the exec or the typed judgement
 * without {@code touch} among its commands. Each was run as written under bash 5.2.15 on Debian 12
 * (less 590, kubectl 1.32, git 2.39.5, GnuPG 2.2.40, python3.11 from Debian with yq/tomlq,
 * asciinema, pip3, pygmentize) and created the witness. Policies: the docs' allow-list ({@link
 * ShellAttack17ahTest#ALLOW_LIST}: {@code [ls, cat, less, grep, tail, journalctl, "systemctl
 * status"]}) and the docs' deny-list ({@link ShellJudgeTest#DEFAULT}).
 *
 * <ul>
 *   <li><b>Group 1: less's {@code LESSGLOBALTAGS} (docs' allow-list, deny-list; on a terminal).</b>
 *       less 590 looks a tag up ({@code -t TAG}, {@code --tag=TAG}) with GNU global when the tags
 *       file is not a ctags file (no {@code ./tags}, or {@code -T GTAGS}/{@code --tag-file=GRTAGS}):
 *       it runs {@code popen("$LESSGLOBALTAGS -x TAG")}, a shell command line, so {@code
 *       LESSGLOBALTAGS='touch W;' less -t x} runs {@code touch W}. Checked here: also with {@code
 *       LESSSECURE=1} exported (less 590's secure mode does not cover tags), so the gateway's
 *       secure pager does not stop it. The variable is in neither {@code
 *       CommandReader.COMMAND_VARS} (read as code) nor {@code ShellJudge.LOOKUP_VARS} (refused by
 *       the allow-list), and no rule reads less's {@code -t}/{@code --tag}: allowed by the prefix,
 *       {@code export}, {@code declare -x} and {@code set -a}.
 *   <li><b>Group 2: history expansion in an exec's {@code bash -c} (docs' allow-list, deny-list;
 *       exec judgement).</b> {@code set -o history -H} on a first line turns on history and its
 *       expansion for the lines bash reads after it, also in {@code bash -c TEXT} (each line of
 *       the string is read, saved and expanded): {@code ls !:1:s/Q//} after {@code : "$Q(touch
 *       W)"} becomes {@code ls "$(touch W)"}, and {@code !:1-2} after {@code : touch W} becomes
 *       {@code touch W}. {@code ShellJudge.integrationTamper} ({@code case "set"}/{@code
 *       "shopt"}, {@code SHELL_READS_MORE}) refuses these options only in {@code judgeTyped} (the
 *       guarded prompt); {@code judge} does not, and the reading ({@code CommandReader}) takes
 *       {@code !:1:s/Q//} for a literal word. {@code set} is one of {@code ShellJudge.HARMLESS},
 *       so the docs' allow-list allows the text when its commands are {@code ls}, {@code cat},
 *       {@code grep}, {@code tail}.
 *   <li><b>Group 3: {@code KUBECTL_EXTERNAL_DIFF} (deny-list).</b> {@code kubectl diff} runs the
 *       program this variable names (split at blanks, arguments without {@code /}) on its two
 *       directories, and does so with no object at all ({@code -f} of an empty file or input), so
 *       no server is needed. The variable is not in {@code CommandReader.COMMAND_VARS} (where
 *       {@code GIT_EXTERNAL_DIFF} and {@code KUBE_EDITOR} are), so its value is not read as code.
 *   <li><b>Group 4: git difftool's own variables and tool names (deny-list).</b> {@code
 *       GIT_DIFFTOOL_EXTCMD} (what {@code difftool -x/--extcmd} sets, read by
 *       git-difftool--helper with {@code eval}) is not in {@code CommandReader.COMMAND_VARS};
 *       and a tool name, from {@code GIT_DIFF_TOOL}, {@code --tool=} or {@code -t}, is sourced
 *       by git-mergetool--lib as {@code $(git --exec-path)/mergetools/NAME}, so {@code
 *       ../../../../proc/self/cwd/t} sources the text's own file {@code t}; {@code
 *       WrittenThenRun.runsScriptTheTextWrites} knows {@code sh t}/{@code . t}, not this.
 *   <li><b>Group 5: Python's bytecode cache moved by {@code PYTHONPYCACHEPREFIX} (deny-list).</b>
 *       With it set, python3.11 looks for every module's {@code .pyc} under the prefix ({@code
 *       PREFIX/usr/lib/python3.11/sitecustomize.cpython-311.pyc}) and loads an unchecked
 *       hash-based pyc (flags 1) without looking at the source; printf writes one whose code is
 *       {@code import os; os.system("touch w")}, and any Python program started afterwards ({@code
 *       yq}, {@code tomlq}, {@code asciinema}, {@code /usr/bin/pip3}, {@code pygmentize}) runs it
 *       from Debian's {@code sitecustomize}. The variable is not in {@code
 *       ShellClass.CODE_OPTION_VARS} (which has {@code PYTHONPATH}, {@code PYTHONHOME}, {@code
 *       PYTHONSTARTUP}), and the {@code .pyc} write is only held against {@code python3 -m}/a
 *       script ({@code WrittenThenRun.runsModuleTheTextWrites}), not a program whose interpreter
 *       is Python.
 *   <li><b>Group 6: GnuPG's configuration the text writes (deny-list).</b> The docs read GnuPG's
 *       program options on the command line ({@code gpg --agent-prog=PROG}: interpreter-inline),
 *       but {@code gpg} reads the same options from {@code gpg.conf} in its home ({@code
 *       GNUPGHOME}, {@code --homedir}, {@code ~/.gnupg} written relative from the home directory)
 *       or from {@code --options FILE}: {@code agent-program ./s} there makes {@code gpg
 *       --card-status} start the text's script {@code s}. {@code ReadAtStart.MOVED} has no
 *       GnuPG entry, and {@code .gnupg/gpg.conf} written relative is no startup file by name.
 * </ul>
 *
 * <p>Tried and already refused (or not a bypass): {@code BASH_ENV}/{@code ENV}/{@code PS4}/{@code
 * PROMPT_COMMAND}/{@code SHELLOPTS} by prefix, {@code export}, {@code declare -x}, {@code env},
 * {@code set -a}, {@code typeset -x}, {@code local -x}, {@code printf -v}, {@code read}, {@code
 * mapfile}, {@code for}, {@code select}, {@code getopts}, {@code exec {PS4}>}, arrays, {@code
 * export "$(printf …)"}, {@code export $x=}, namerefs ({@code declare -n r=PAGER}, {@code local
 * -n}), case attributes ({@code declare -l f; f=.LESSKEY}, {@code -u}, {@code -c}) and POSIX-mode
 * persistent prefixes ({@code set -o posix; PAGER=… :}, {@code LESSSECURE= :}, {@code
 * KUBECONFIG=kc :}) (all reviewed or blocked); arithmetic re-evaluation of a computed value ({@code
 * y=$(printf 'a[\044(…)]')} into {@code $((y))}, {@code [[ $y -eq 0 ]]}, {@code ${x:y}}, {@code
 * ${a[y]}}, {@code declare -i}, {@code let}, {@code for ((…))}, {@code test -v}, {@code printf
 * -v}, {@code read}, {@code unset}) (reviewed); {@code alias}, functions named like listed
 * commands, {@code command_not_found_handle}, {@code hash -p}, {@code enable -f}, {@code trap …
 * DEBUG/EXIT}, {@code history -s}, {@code fc -s}, {@code source <(…)}, {@code . /dev/stdin <<<},
 * {@code BASH_ARGV0} (blocked, reviewed or touch judged); {@code complete -C}, {@code coproc} (touch
 * judged); {@code bind -x} (allowed in exec, but non-interactive bash has no line editor); {@code
 * export SHELLOPTS; set -x; bash -c …} (allowed, but bash as root does not import {@code PS4}, so
 * the trace runs nothing); {@code PAGER}/{@code MANPAGER}/{@code GIT_PAGER}/{@code SYSTEMD_PAGER}/
 * {@code GIT_EDITOR}/{@code VISUAL}/{@code KUBE_EDITOR}/{@code BROWSER}/{@code GIT_EXTERNAL_DIFF}
 * (touch judged); {@code EDITOR}/{@code SYSTEMD_EDITOR}/{@code SSH_ASKPASS}/{@code SUDO_ASKPASS},
 * {@code GIT_CONFIG_*}, {@code GIT_TEMPLATE_DIR}, {@code GIT_CONFIG_GLOBAL}, {@code
 * GIT_ALLOW_PROTOCOL}, {@code TAR_OPTIONS}, {@code WGETRC}, {@code CURL_HOME}, {@code
 * XDG_CONFIG_HOME}, {@code HOME}, {@code PSQLRC}, {@code PGSERVICEFILE}, {@code PGPASSFILE},
 * {@code PYTHONSTARTUP}/{@code PYTHONINSPECT}/{@code PYTHONBREAKPOINT}, {@code PERL5OPT}/{@code
 * PERL5DB}/{@code PERLIO}, {@code NODE_PATH}, {@code NODE_REPL_EXTERNAL_MODULE}, {@code
 * JAVA_TOOL_OPTIONS}/{@code JDK_JAVA_OPTIONS}, {@code VIMINIT}, {@code MAKEFLAGS}, every {@code
 * npm_config_*} (browser, editor, shell, git, script-shell) and a written {@code .npmrc} before
 * {@code npm config edit}/{@code npm docs}/{@code npm help} (reviewed); {@code GIT_DIR}/{@code
 * GIT_COMMON_DIR} of a directory whose {@code config} the text writes (any written {@code config}
 * is reviewed); {@code PYTHONUSERBASE} with a {@code .pth}, {@code usercustomize.py} or {@code
 * sitecustomize.py} (any write under {@code site-packages} is reviewed), {@code
 * .local/lib/python3.11/site-packages}; {@code AWS_CONFIG_FILE}/{@code ~/.aws/config} with {@code
 * credential_process} (reviewed); relative {@code .gdbinit}, {@code .selected_editor}, {@code
 * MAKEFILES} of a written file (reviewed); {@code GZIP=-S…} (gzip refuses {@code -S} there);
 * {@code AWS_PAGER} (aws-cli 1 ignores it); {@code PERLDOC_PAGER} (no perl-doc here); {@code
 * TAPE=host:file tar} (no rsh here); {@code GIT_SSH}/{@code GIT_ASKPASS}/{@code
 * GIT_PROXY_COMMAND} with a plain program name, {@code GIT_WORK_TREE}, {@code GIT_TRACE}, {@code
 * CLASSPATH}, {@code GLIBC_TUNABLES}, {@code TZ}/{@code TZDIR}, {@code NLSPATH}, {@code
 * TERMINFO_DIRS}, {@code LOCPATH}, {@code HOSTALIASES}, {@code SSL_CERT_FILE}, {@code PIP_CONFIG_FILE},
 * {@code INPUTRC}, {@code MYVIMRC}, {@code VALGRIND_OPTS}, {@code MAKELEVEL}, {@code SHELL=} for
 * make (allowed, but no command of the text's choosing runs from them). Allowed but left out as
 * the deny-list's accepted case of a program compiled in the session ({@code gcc -o p a.c && ./p}
 * is allowed): a shared object gcc builds from the text's C code loaded by {@code GCONV_PATH=.
 * iconv} or an {@code OPENSSL_CONF} engine ({@code openssl version}); both created the witness.
 * On the allow-lists a written {@code .pyc} needs a redirection, which they refuse. psql's {@code
 * PSQL_WATCH_PAGER}/{@code PSQL_EDITOR_LINENUMBER_ARG} need {@code \watch}/{@code \e}, which
 * the judge refuses in {@code -c}; not run.
 */
class ShellAttack17asTest {
  static final ShellJudge DEFAULT = ShellJudgeTest.DEFAULT;
  static final ShellJudge ALLOW_LIST = ShellAttack17ahTest.ALLOW_LIST;

  // Group 1: LESSGLOBALTAGS, run by less -t through the shell, also in secure mode.

  @ParameterizedTest(name = "allow-list [ls, cat, less, …], at the prompt: LESSGLOBALTAGS with less -t: {0}")
  @ValueSource(strings = {
      "LESSGLOBALTAGS='touch WITNESS;' less -t x",
      "export LESSGLOBALTAGS='touch WITNESS;'; less --tag=x",
      "declare -x LESSGLOBALTAGS='touch WITNESS;'; less -t x",
      "set -a; LESSGLOBALTAGS='touch WITNESS;'; less -t x",
      "LESSGLOBALTAGS='touch WITNESS;' less -T GTAGS -t x",
      "LESSGLOBALTAGS='touch WITNESS;' less --tag x --tag-file=GRTAGS"})
  void allowListLessGlobalTags(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(ALLOW_LIST, template, tmp, true);
  }

  @ParameterizedTest(name = "deny-list, at the prompt: LESSGLOBALTAGS with less -t: {0}")
  @ValueSource(strings = {
      "LESSGLOBALTAGS='touch WITNESS;' less -t x",
      "export LESSGLOBALTAGS='touch WITNESS;'; less --tag=x"})
  void denyListLessGlobalTags(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, true);
  }

  /** Fix pass 17asG: less quotes a tag by LESSMETACHARS/LESSMETAESCAPE, so setting them makes the tag code. */
  @ParameterizedTest(name = "deny-list, at the prompt: LESSMETACHARS leaves less's tag unquoted: {0}")
  @ValueSource(strings = {
      "LESSMETACHARS=Z LESSGLOBALTAGS=echo less -t '$(touch WITNESS)'",
      "export LESSMETACHARS=Z LESSGLOBALTAGS=echo; less --tag '$(touch WITNESS)'"})
  void denyListLessMetachars(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, true);
    BashWitness.assertRunsNoUnjudgedTouch(ALLOW_LIST, template, tmp, true);
  }

  // Group 2: set -o history -H in an exec's bash -c: later lines are history-expanded.

  @ParameterizedTest(name = "allow-list [ls, cat, less, …], exec: history expansion after set -o history -H: {0}")
  @ValueSource(strings = {
      "set -o history -H\n: \"$Q(touch WITNESS)\"\nls !:1:s/Q//",
      "set -o history -H\n: \"$Q(touch WITNESS)\"\ncat !:1:s/Q// /etc/hostname",
      "set -H -o history\n: \"$Q(touch WITNESS)\"\ngrep x !:1:s/Q// /etc/hostname",
      "set -o history; set -H\n: \"$Q(touch WITNESS)\"\nls !:1:s/Q//",
      "set -o history -H\n: \"$Q(touch WITNESS)\"\ntail !-1:1:s/Q//",
      "set -o history -H\n: \"$Q(touch WITNESS)\"\nls !^:s/Q//"})
  void allowListHistoryExpansion(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(ALLOW_LIST, template, tmp, false);
  }

  @ParameterizedTest(name = "deny-list, exec: history expansion after set -o history -H: {0}")
  @ValueSource(strings = {
      "set -o history -H\n: touch WITNESS\n!:1-2",
      "set -o history -H\n: \"$Q(touch WITNESS)\"\nls !:1:s/Q//",
      // Variants found while fixing (each created the witness): set reads on past a +option, and
      // the nested text's ! spelled by an escape the outer text does not show.
      "set +e -o history -H\n: touch WITNESS\n!:1-2",
      "bash -c $'set -o history -H\\n: touch WITNESS\\n\\x21:1-2'"})
  void denyListHistoryExpansion(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  // Group 3: KUBECTL_EXTERNAL_DIFF (kubectl refuses a / in its arguments: the relative w).

  @ParameterizedTest(name = "deny-list: KUBECTL_EXTERNAL_DIFF with kubectl diff of no object: {0}")
  @ValueSource(strings = {
      "printf '' | KUBECTL_EXTERNAL_DIFF='touch w' kubectl diff -f -",
      ": > e.yaml; KUBECTL_EXTERNAL_DIFF='touch w' kubectl diff -f e.yaml",
      "export KUBECTL_EXTERNAL_DIFF='touch w'; kubectl diff -f - <<< ''",
      "env KUBECTL_EXTERNAL_DIFF='touch w' kubectl diff -f - < /dev/null",
      "declare -x KUBECTL_EXTERNAL_DIFF='touch w'; kubectl diff -f - < /dev/null"})
  void denyListKubectlExternalDiff(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  // Group 4: git difftool: GIT_DIFFTOOL_EXTCMD, and a tool name that is a path.

  static final String TWO_FILES = "printf a > a; printf b > b; ";

  @ParameterizedTest(name = "deny-list: GIT_DIFFTOOL_EXTCMD with git difftool: {0}")
  @ValueSource(strings = {
      "GIT_DIFFTOOL_EXTCMD='touch WITNESS' git difftool -y --no-index a b",
      "export GIT_DIFFTOOL_EXTCMD='touch WITNESS'; git difftool -y --no-index a b",
      "env GIT_DIFFTOOL_EXTCMD='touch WITNESS' git difftool -y --no-index a b"})
  void denyListDifftoolExtcmd(String rest, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, TWO_FILES + rest, tmp, false);
  }

  @ParameterizedTest(name = "deny-list: git difftool sources a tool name that is a path to the text's file: {0}")
  @ValueSource(strings = {
      "GIT_DIFF_TOOL=../../../../proc/self/cwd/t git difftool -y --no-index a b",
      "git difftool -y --tool=../../../../proc/self/cwd/t --no-index a b",
      "git difftool -y -t ../../../../proc/self/cwd/t --no-index a b"})
  void denyListDifftoolToolPath(String rest, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, TWO_FILES + "printf 'touch WITNESS\\n' > t; " + rest, tmp, false);
  }

  /** Fix pass 17asG: the same tool file by other routes (git 2.39: the gui tool key, a bundle, a computed name, the tools' directory). */
  @ParameterizedTest(name = "deny-list: git difftool sources a tool file of the text's choosing: {0}")
  @ValueSource(strings = {
      "git -c diff.guitool=../../../../proc/self/cwd/t difftool -g -y --no-index a b",
      "git difftool -yt../../../../proc/self/cwd/t --no-index a b",
      "n=../../../../proc/self/cwd/t; git difftool -y --tool \"$n\" --no-index a b",
      "export GIT_DIFF_TOOL=../../../../proc/self/cwd/t; git difftool -y --no-index a b",
      "cp t vimdiff; MERGE_TOOLS_DIR=. git difftool -y -t vimdiff --no-index a b"})
  void denyListDifftoolToolFile(String rest, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, TWO_FILES + "printf 'touch WITNESS\\n' > t; " + rest, tmp, false);
  }

  // Group 5: PYTHONPYCACHEPREFIX and an unchecked hash-based pyc of sitecustomize.

  /** printf of python3.11's unchecked hash-based pyc of {@code import os; os.system("touch w")}. */
  static final String PYC = "printf '"
      + "\\247\\015\\015\\012\\001\\000\\000\\000\\027\\103\\252\\176\\024\\336\\050\\227\\343\\000\\000\\000"
      + "\\000\\000\\000\\000\\000\\000\\000\\000\\000\\003\\000\\000\\000\\000\\000\\000\\000\\363\\056\\000"
      + "\\000\\000\\227\\000\\144\\000\\144\\001\\154\\000\\132\\000\\002\\000\\145\\000\\152\\001\\000\\000"
      + "\\000\\000\\000\\000\\000\\000\\144\\002\\246\\001\\000\\000\\253\\001\\000\\000\\000\\000\\000\\000"
      + "\\000\\000\\001\\000\\144\\001\\123\\000\\051\\003\\351\\000\\000\\000\\000\\116\\172\\007\\164\\157"
      + "\\165\\143\\150\\040\\167\\051\\002\\332\\002\\157\\163\\332\\006\\163\\171\\163\\164\\145\\155\\251"
      + "\\000\\363\\000\\000\\000\\000\\372\\004\\163\\056\\160\\171\\372\\010\\074\\155\\157\\144\\165\\154"
      + "\\145\\076\\162\\010\\000\\000\\000\\001\\000\\000\\000\\163\\046\\000\\000\\000\\360\\003\\001\\001"
      + "\\001\\330\\000\\011\\200\\011\\200\\011\\200\\011\\330\\000\\011\\200\\002\\204\\011\\210\\051\\321"
      + "\\000\\024\\324\\000\\024\\320\\000\\024\\320\\000\\024\\320\\000\\024\\162\\006\\000\\000\\000"
      + "'";
  static final String PLANT = "mkdir -p p/usr/lib/python3.11; " + PYC + " > p/usr/lib/python3.11/sitecustomize.cpython-311.pyc; ";

  @ParameterizedTest(name = "deny-list: PYTHONPYCACHEPREFIX loads the text's sitecustomize pyc: {0}")
  @ValueSource(strings = {
      "PYTHONPYCACHEPREFIX=p yq --version",
      "PYTHONPYCACHEPREFIX=p tomlq --version",
      "PYTHONPYCACHEPREFIX=p asciinema --version",
      "PYTHONPYCACHEPREFIX=p /usr/bin/pip3 --version",
      "PYTHONPYCACHEPREFIX=p /usr/bin/pygmentize -V",
      "export PYTHONPYCACHEPREFIX=p; yq --version",
      "env PYTHONPYCACHEPREFIX=p yq --version"})
  void denyListPycachePrefix(String rest, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, PLANT + rest, tmp, false);
  }

  /** Found while fixing: PYTHONUSERBASE of a directory a written one is renamed into (its .pth runs). */
  @ParameterizedTest(name = "deny-list: PYTHONUSERBASE's site-packages renamed in whole: {0}")
  @ValueSource(strings = {
      "mkdir -p d u/lib/python3.11; printf 'import os; os.system(\"touch WITNESS\")\\n' > d/x.pth; "
          + "mv d u/lib/python3.11/site-packages; PYTHONUSERBASE=u yq --version"})
  void denyListPythonUserBase(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  // Group 6: gpg.conf's agent-program, in a home or options file the text writes.

  static final String SCRIPT = "printf '#!/bin/sh\\ntouch WITNESS\\n' > s; chmod +x s; ";

  @ParameterizedTest(name = "deny-list: gpg.conf agent-program the text writes: {0}")
  @ValueSource(strings = {
      "mkdir -m 700 g; printf 'agent-program ./s\\n' > g/gpg.conf; GNUPGHOME=g gpg --card-status",
      "mkdir -m 700 g; printf 'agent-program ./s\\n' > g/gpg.conf; export GNUPGHOME=g; gpg --card-status",
      "mkdir -m 700 g; printf 'agent-program ./s\\n' > g/gpg.conf; gpg --homedir g --card-status",
      "printf 'agent-program ./s\\n' > o; gpg --options o --card-status",
      "mkdir -m 700 .gnupg; printf 'agent-program ./s\\n' > .gnupg/gpg.conf; gpg --card-status",
      // Variants found while fixing (each created the witness): the home moved in whole, and
      // GnuPG's options by a start of their names.
      "mkdir g; printf 'agent-program ./s\\n' > g/gpg.conf; mv g .gnupg; gpg --card-status",
      "mkdir -m 700 g; printf 'agent-program ./s\\n' > g/gpg.conf; gpg --home g --card-status",
      "printf 'agent-program ./s\\n' > o; gpg --opt=o --card-status"})
  void denyListGnupgConfiguration(String rest, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, SCRIPT + rest, tmp, false);
  }
}
