package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 17ah on the shell judge (after 17ag), first on {@code mode: allow-list}. Each case
 * asserts the secure outcome against real bash ({@link BashWitness#assertRunsNoUnjudgedTouch}):
 * the only command the texts run is {@code touch} of a file in a temporary directory (also HOME
 * and the working directory), and every case is allowed by the exec and the typed judgement
 * without {@code touch} among its commands. Each was run as written under bash 5.2 on Debian 12
 * (less 590, GNU sed 4.9, GNU coreutils sort, kubectl 1.32) and created the witness file.
 *
 * <p><b>One cause for all groups: a file name glued to what precedes it.</b> Where the judge asks
 * whether a text writes a file that a later command reads as code ({@code
 * ShellClass.startupFile} for home startup files such as {@code ~/.lesskey}; {@code
 * ReadAtStart.mayName}/{@code fileTheTextMayWrite} for a configuration named by an option such as
 * kubectl's {@code --kubeconfig}; the written-then-run rule for {@code sh FILE}, {@code . FILE}),
 * it takes the words {@code ShellClass.namedWords} returns and cuts each into path tokens with
 * {@code ShellClass.pathTokens}, which splits only at white space, quotes, {@code = : > ( ) , ;
 * { }}. A short option's value attached to the option ({@code less -o.lesskey}, {@code -O…},
 * bundled {@code -So.lesskey}; {@code sort -okc}, {@code -muokc}, {@code -o.lesskey}) and sed's
 * {@code w} command glued to its file name ({@code wks}, {@code 1wks}, {@code $wks}, {@code
 * 1,2w.lesskey}, {@code s/^//wks}) stay one token, {@code -o.lesskey} or {@code 1wks}, whose leaf
 * is not the file's name, so no rule sees the write. getopt and GNU sed read them as the spaced
 * forms, which are refused ({@code less -o .lesskey}, {@code sort -o kc}, {@code sed -n 'w ks'}:
 * all reviewed).
 *
 * <p><b>Allow-list, the docs' own list ({@code [ls, cat, less, grep, tail, journalctl, "systemctl
 * status"]}).</b> At the guarded prompt, {@code printf '#env\nLESSOPEN=|touch W %s\n' | less
 * -o.lesskey} makes less copy its piped input to {@code ~/.lesskey} (the session starts in the
 * home directory); the next {@code less FILE} reads that lesskey source at its start, its {@code
 * #env} section sets {@code LESSOPEN}, and less runs {@code touch W FILE} through the shell. Only
 * {@code printf} (unlisted, allowed) and the listed {@code less} run on the line.
 *
 * <p><b>Allow-list, an operator's wider list</b> ({@code ls, cat, head, tail, grep, wc, df, du,
 * free, uptime, ps, "git status", "git log", "git diff", find, sort, awk, sed, "kubectl get",
 * psql, "docker ps", less, journalctl, "systemctl status"}): {@code sort -o.lesskey} or {@code sed
 * -n w.lesskey} writes the same lesskey file (then {@code less FILE} runs it even off a terminal),
 * and {@code sort -okc} / {@code sed -n 1wkc} writes a kubeconfig (one JSON line) whose {@code
 * users[].user.exec} credential plugin is {@code touch W}; {@code kubectl get pods
 * --kubeconfig=kc} runs the plugin before it contacts the server. {@code ReadAtStart.MOVED}
 * covers {@code --kubeconfig} only for files it sees written.
 *
 * <p><b>Deny-list (the docs' example policy): a script sed writes, then run.</b> {@code printf
 * 'touch W\n' | sed -n 1wks; sh ks} (also {@code . ./ks}, {@code source ks}, {@code sh <ks}, {@code dash ks}, {@code bash -c 'sh
 * ks'}, {@code sed 's/^//wks'}, {@code sed -e '$wks'}) is allowed with no command but printf, sed
 * and the shell listed; the same with {@code 'w ks'} is reviewed.
 *
 * <p>Tried and already refused (or not a bypass): {@code git -c diff.external=…}, {@code
 * --config-env}, {@code GIT_CONFIG_GLOBAL=<(…)}, {@code git diff --no-index --ext-diff}, {@code
 * git log -p --ext-diff}, {@code git -C DIR status} (allow-list blocks: not the listed
 * subcommand/options); {@code kubectl --kubeconfig=/dev/stdin}, {@code /proc/self/fd/0}, {@code
 * /dev/fd/3}, {@code <(…)}, {@code KUBECONFIG=/dev/stdin}, {@code sort -o kc}/{@code --output=kc}/
 * {@code --outp=kc}/{@code -o ./kc}, {@code sed 'w kc'}, {@code 'w k''c'}, {@code -f <(echo 'w
 * kc')}, {@code --kubeconfig=k?}/{@code k*}/{@code $PWD/kc}/{@code /proc/self/cwd/kc}, {@code HOME=.
 * kubectl} (all reviewed); {@code docker -H ssh://x ps}, {@code --config}, {@code --context}
 * (blocked by the allow-list); {@code sort --compress-program}, {@code find -fprint}, {@code
 * awk system()}, {@code sed e}, {@code sed -f <(…)}, {@code awk -f <(…)}, {@code less
 * --lesskey-src=<(…)}, {@code LESS=--lesskey-src=…}, {@code less --log-file=.lesskey}, {@code less
 * -o .lesskey}, {@code sort -o .lesskey}, {@code sed 'w .lesskey'} (reviewed or blocked); {@code
 * sort -oks; sh ks}, {@code sort -oks; . ./ks}, {@code sort -o.gitconfig; HOME=. git s} (reviewed);
 * {@code sed 'w.lesskey'; journalctl}/{@code systemctl status} (allowed, but no journal or systemd
 * here, so no pager ran: not kept); {@code g++ -fmodule-mapper='|…'} and {@code CXX_MODULE_MAPPER} by
 * prefix, {@code env} or {@code declare -x} (the touch is listed); {@code g++ @o} with a sed-written
 * option file, {@code env MAKE=./x gcc -flto=2} (reviewed); {@code MAKE='sh x' gcc -flto=2} and
 * {@code declare -x MAKE=./x} (allowed, but lto-wrapper runs MAKE as one program name and a
 * sed-written file is not executable: no bypass).
 */
class ShellAttack17ahTest {
  static final ShellJudge DEFAULT = ShellJudgeTest.DEFAULT;
  /** The docs' example list (docs/policy.md). */
  static final ShellJudge ALLOW_LIST;
  /** A wider list an operator might write. */
  static final ShellJudge WIDE_ALLOW_LIST;

  static {
    Map<String, Object> p = new HashMap<>(ShellJudgeTest.DEFAULT_SHELL);
    p.put("mode", "allow-list");
    p.put("allowCommands", List.of("ls", "cat", "less", "grep", "tail", "journalctl", "systemctl status"));
    ALLOW_LIST = ShellJudgeTest.judge(p);
    Map<String, Object> w = new HashMap<>(p);
    w.put("allowCommands", List.of("ls", "cat", "head", "tail", "grep", "wc", "df", "du", "free", "uptime", "ps",
        "git status", "git log", "git diff", "find", "sort", "awk", "sed", "kubectl get", "psql", "docker ps", "less",
        "journalctl", "systemctl status"));
    WIDE_ALLOW_LIST = ShellJudgeTest.judge(w);
  }

  /** A kubeconfig on one line whose user's credential plugin is {@code touch WITNESS}. */
  static final String KUBECONFIG = "{\"apiVersion\":\"v1\",\"kind\":\"Config\",\"clusters\":[{\"name\":\"c\","
      + "\"cluster\":{\"server\":\"https://127.0.0.1:9\"}}],\"users\":[{\"name\":\"u\",\"user\":{\"exec\":{"
      + "\"apiVersion\":\"client.authentication.k8s.io/v1beta1\",\"command\":\"touch\",\"args\":[\"WITNESS\"],"
      + "\"interactiveMode\":\"Never\"}}}],\"contexts\":[{\"name\":\"x\",\"context\":{\"cluster\":\"c\",\"user\":\"u\"}}],"
      + "\"current-context\":\"x\"}";

  /** The docs' own allow-list: less logs its piped input to ~/.lesskey with the option's value attached; the next less runs it. */
  @ParameterizedTest(name = "allow-list [ls, cat, less, …]: less -oFILE writes ~/.lesskey: {0}")
  @ValueSource(strings = {
      "printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' | less -o.lesskey; less /etc/hostname",
      "printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' | less -O.lesskey; less /etc/hostname",
      "printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' | less -So.lesskey; less /etc/hostname"})
  void lessLogsALesskeyFileUnderAnAttachedName(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(ALLOW_LIST, template, tmp, true);
  }

  /** A wider allow-list: sort's attached -oFILE and sed's glued wFILE write ~/.lesskey; less runs its LESSOPEN. */
  @ParameterizedTest(name = "wide allow-list: sort/sed write ~/.lesskey: {0}")
  @ValueSource(strings = {
      "printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' | sort -o.lesskey; less /etc/hostname",
      "printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' | sort -muo.lesskey; less /etc/hostname",
      "printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' | sed -n w.lesskey; less /etc/hostname",
      "printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' | sed -n 1,2w.lesskey; less /etc/hostname"})
  void sortOrSedWritesALesskeyFileUnderAGluedName(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(WIDE_ALLOW_LIST, template, tmp, false);
  }

  /** A wider allow-list: a kubeconfig written by sort -oFILE or sed wFILE; "kubectl get" runs its exec credential plugin. */
  @ParameterizedTest(name = "wide allow-list: written kubeconfig: {0}")
  @ValueSource(strings = {
      "printf '%s' 'KUBECONFIG' | sort -okc; kubectl get pods --kubeconfig=kc",
      "printf '%s' 'KUBECONFIG' | sort -muokc; kubectl get pods --kubeconfig=kc",
      "printf '%s' 'KUBECONFIG' | sort -rokc; kubectl get pods --kubeconfig kc",
      "printf '%s' 'KUBECONFIG' | sort -o'kc'; kubectl --kubeconfig=kc get pods",
      "printf '%s' 'KUBECONFIG' | sed -n 1wkc; kubectl get pods --kubeconfig=kc",
      "printf '%s' 'KUBECONFIG' | sed -n wkc; kubectl get pods --kubeconfig=kc",
      "printf '%s' 'KUBECONFIG' | sed -ne1wkc; kubectl get pods --kubeconfig=kc",
      "printf '%s' 'KUBECONFIG' | sed -n 's/^/ /wkc'; kubectl get pods --kubeconfig=kc"})
  void aWrittenKubeconfigRunsItsCredentialPlugin(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(WIDE_ALLOW_LIST, template.replace("KUBECONFIG", KUBECONFIG), tmp, false);
  }

  /**
   * getopt takes any number of letters before the one whose value is glued: a run of 300 {@code
   * u} (real sort accepts it) still names {@code kc}; a run of 60,000 (the judge only looks at the
   * letters that could start a name under NAME_MAX and PATH_MAX) is judged, and refused, too.
   */
  @Test
  void aLongRunOfOptionLettersBeforeTheGluedNameIsStillRead(@TempDir Path tmp) throws Exception {
    String template = "printf '%s' 'KUBECONFIG' | sort -" + "u".repeat(300) + "okc; kubectl get pods --kubeconfig=kc";
    BashWitness.assertRunsNoUnjudgedTouch(WIDE_ALLOW_LIST, template.replace("KUBECONFIG", KUBECONFIG), tmp, false);
    String huge = "sort -" + "u".repeat(60_000) + "okc f; kubectl get pods --kubeconfig=kc";
    assertThat(WIDE_ALLOW_LIST.judge(huge).verdict().label()).isNotEqualTo("allow");
    assertThat(WIDE_ALLOW_LIST.judgeTyped(huge).verdict().label()).isNotEqualTo("allow");
  }

  /** The docs' example deny-list policy: sed's w command glued to the script's name, then a shell runs it. */
  @ParameterizedTest(name = "deny-list: sed wFILE then run: {0}")
  @ValueSource(strings = {
      "printf 'touch WITNESS\\n' | sed -n 1wks; sh ks",
      "printf 'touch WITNESS\\n' | sed -n wks; bash ks",
      "printf 'touch WITNESS\\n' | sed -n '1wks'; . ./ks",
      "printf 'touch WITNESS\\n' | sed -n '1wks'; source ks",
      "printf 'touch WITNESS\\n' | sed -n '1wks'; bash -c 'sh ks'",
      "printf 'touch WITNESS\\n' | sed 's/^//wks'; sh ks",
      "printf 'touch WITNESS\\n' | sed -e '$wks'; sh ks",
      "printf 'touch WITNESS\\n' | sed -n wks; sh <ks",
      "printf 'touch WITNESS\\n' | sed -n wks; dash ks",
      // GNU sed 4.9 ends a label at a blank: the w after it is a command.
      "printf 'touch WITNESS\\n' | sed -n ':a wks'; sh ks",
      "printf 'touch WITNESS\\n' | sed -n -e ':x' -e 'tx wks'; sh ks"})
  void sedWritesAScriptUnderAGluedNameThenAShellRunsIt(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }
}
