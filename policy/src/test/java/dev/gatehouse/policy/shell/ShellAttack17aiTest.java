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
 * Attack pass 17ai on the shell judge (after 17ah's fixes d373fd0, d09e66c, 4eeaac3). Each case
 * asserts the secure outcome against real bash ({@link BashWitness#assertRunsNoUnjudgedTouch}):
 * the only command the texts run is {@code touch} of a file in a temporary directory (also HOME
 * and the working directory), and every case is allowed by the exec and the typed judgement
 * without {@code touch} among its commands. Each was run as written under bash 5.2 on Debian 12
 * (GNU tar 1.34, mawk, curl 7.88.1, less 590, kubectl, OpenJDK java, psql 15) and created the
 * witness file. The wide list is the one an operator might write: {@code [ls, cat, head, tail,
 * grep, wc, df, du, free, uptime, ps, "git status", "git log", "git diff", "git show", find, sort,
 * awk, sed, uniq, cut, tr, "kubectl get", "kubectl describe", "kubectl logs", psql, "docker ps",
 * "docker logs", journalctl, "systemctl status", less, tar, gzip, jq, curl]}.
 *
 * <p><b>One cause for all groups: a written file whose name is not among the text's words.</b>
 * The rules that ask whether a text writes a file a later command reads as code ({@code
 * ShellClass.startupFile} for {@code ~/.lesskey}, {@code ~/.psqlrc}, {@code ~/.kube/config};
 * the written-then-run rule of {@code WrittenThenRun} for {@code sh ks}, {@code java a.java})
 * compare names from {@code ShellClass.namedWords}, cut by {@code ShellClass.pathTokens}. A name
 * the program computes, decodes or reads from its input is never one of those tokens:
 *
 * <ul>
 *   <li><b>tar {@code --transform}/{@code --tr}</b> renames the member while creating or
 *       extracting ({@code tar -c lesskey --tr 's/^/./' | tar -x} writes {@code .lesskey}; {@code
 *       s/$/s/} turns {@code k} into {@code ks}). namedWords' {@code tar} case keeps the
 *       expression {@code s/^/./} as a word, but no rule applies it; {@code
 *       WrittenThenRun.derivesNamesFromTextData} does not catch the pipe of two tars either.
 *   <li><b>awk output to a computed name</b>: {@code print > sprintf("%c%s", 46, "lesskey")},
 *       {@code print > "\056lesskey"} (an octal escape in the string), {@code print > $0} (the
 *       name read from the input), {@code ("k" "s")}, {@code substr("xks", 2)}, {@code -v f=k -v
 *       g=s … > (f g)}. The awk program is kept as one word and its tokens ({@code 46}, {@code
 *       lesskey}, {@code \056lesskey}, {@code k}) are not the file; {@code
 *       WrittenThenRun.writesUnderDerivedName} names this very case ({@code print > ("d" 1)}) but
 *       the text is allowed all the same.
 *   <li><b>curl over {@code file://}</b>: {@code curl -sT - file:///proc/self/cwd/%2elesskey}
 *       uploads its input to a file whose name is percent-encoded ({@code %2e}, {@code %6b}, all
 *       letters encoded, {@code file://localhost/}); the upload check in {@code ShellClass}
 *       ({@code case "curl"}) sees {@code -T} only at the start of a word, not in the bundle
 *       {@code -sT}, and {@code pathTokens} does not decode. {@code curl -K-} (or {@code -K
 *       /dev/stdin}, or a {@code ~/.curlrc} that sort writes) reads {@code output=.lesskey},
 *       {@code output=ks}, {@code create-dirs} from a config the text pipes in, so the name is in
 *       printf's data only, octal-escaped ({@code \056lesskey}) or not.
 * </ul>
 *
 * <p>What then runs the file: {@code less FILE} reads {@code ~/.lesskey} ({@code #env
 * LESSOPEN=|touch W %s}); {@code kubectl get pods} reads {@code ~/.kube/config} (an exec
 * credential plugin {@code touch W}); {@code sh ks}; {@code java a.java} (the source launcher);
 * {@code psql} reads {@code ~/.psqlrc} ({@code \! touch W}) once connected. The psql cases are
 * judge-only: they were run against a private PostgreSQL 15 (initdb --auth=trust, a socket
 * directory of our own, PGHOST/PGPORT/PGUSER set) and created the witness.
 *
 * <p>Tried and already refused (or not a bypass): tar {@code --to-command}, {@code --to-c}, {@code
 * --checkpoint-action=exec=}/{@code --che=}, {@code -I}/{@code xIf}/{@code --use=}, {@code -F}/{@code
 * xFf}/{@code --info-script}/{@code --new-volume-script}, {@code --rsh-command}, {@code
 * TAR_OPTIONS=}, {@code --index-file=.lesskey}, {@code --transform=s/x/.lesskey/} (literal name:
 * reviewed); sed {@code --exp=}, {@code --e=}, {@code -l 5}, {@code --line-length 5}, {@code -z},
 * {@code -E}, {@code -s}, {@code --}, multi-line {@code a\}/{@code i\}, {@code 1{a x\n}},
 * {@code #n}, comments after {@code s///}, {@code -e 'a\' -e …} pieces, {@code \,x,}
 * addresses, {@code 0,/x/}, {@code /x/,+3}, {@code v 4.2}, {@code y} with escapes (all reviewed,
 * or allowed where GNU sed 4.9 writes no such file: {@code w\.lesskey}, {@code -e 'i\' -e
 * w.lesskey}); awk {@code > ".lesskey"}, {@code (".less" "key")}, {@code -v f=.lesskey}, {@code
 * f=.lesskey} operand, {@code >>}, {@code o="ks"; print > o}, {@code "ks" ""}, {@code "./ks"},
 * {@code | "cat >ks"}, {@code -f}/{@code -fp.awk}/{@code --file=} of a written program, sed
 * {@code -f}/{@code --file=}/{@code -fp.sed} of a written script (reviewed); {@code curl -o
 * .lesskey}, {@code -o.lesskey}, {@code --output}, {@code --upload-file -}, {@code -T -} to a
 * plain {@code .lesskey}, {@code -K cfg} of a written file, a {@code -o .lesskey} line in {@code
 * -K-}'s input, {@code -T -} to {@code %6bc} for {@code --kubeconfig=kc} (reviewed); {@code
 * find -exec}/{@code -ok}/{@code -fprintf}/{@code -fprint0}/{@code -fls} (reviewed); asciinema's
 * config ({@code ~/.config/asciinema/config}, {@code ASCIINEMA_CONFIG_HOME}, {@code
 * XDG_CONFIG_HOME}: every {@code asciinema rec} reviewed); {@code java "$f"} (reviewed); psql
 * {@code \o |…}, {@code \copy … to program}, {@code \!}, {@code -f} of a written file, a
 * piped script (reviewed), {@code select … \g |sh} in {@code -c} (allowed, but psql sends it to
 * the server and runs nothing). Not tried to the end: git {@code --textconv}/{@code --ext-diff}
 * through a written {@code ~/.gitconfig} (needs a repository; the only one here is the project
 * itself, whose index git would rewrite); nasm/yasm, mysql/mariadb, redis-cli are not installed.
 */
class ShellAttack17aiTest {
  static final ShellJudge DEFAULT = ShellJudgeTest.DEFAULT;
  /** The wide list of this pass's brief. */
  static final ShellJudge WIDE_ALLOW_LIST;

  static {
    Map<String, Object> p = new HashMap<>(ShellJudgeTest.DEFAULT_SHELL);
    p.put("mode", "allow-list");
    p.put("allowCommands", List.of("ls", "cat", "head", "tail", "grep", "wc", "df", "du", "free", "uptime", "ps",
        "git status", "git log", "git diff", "git show", "find", "sort", "awk", "sed", "uniq", "cut", "tr", "kubectl get",
        "kubectl describe", "kubectl logs", "psql", "docker ps", "docker logs", "journalctl", "systemctl status", "less",
        "tar", "gzip", "jq", "curl"));
    WIDE_ALLOW_LIST = ShellJudgeTest.judge(p);
  }

  /** A kubeconfig on one line whose user's credential plugin is {@code touch WITNESS}. */
  static final String KUBECONFIG = ShellAttack17ahTest.KUBECONFIG;

  /** Wide allow-list: tar renames a sorted file to ~/.lesskey with --transform; less runs its LESSOPEN. */
  @ParameterizedTest(name = "wide allow-list: tar --transform writes ~/.lesskey: {0}")
  @ValueSource(strings = {
      "printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' | sort -o lesskey; tar -c lesskey --tr 's/^/./' | tar -x; less /etc/hostname",
      "printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' | sort -o lesskey; tar -c lesskey | tar -x --tr 's/^/./'; less /etc/hostname",
      "printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' | sort -o .lesskeyx; tar -c .lesskeyx --tr 's/x$//' | tar -x; less /etc/hostname"})
  void tarTransformWritesALesskeyFile(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(WIDE_ALLOW_LIST, template, tmp, false);
  }

  /** The docs' deny-list policy: tar renames k to ks with --transform; a shell runs it. */
  @ParameterizedTest(name = "deny-list: tar --transform writes a script, then run: {0}")
  @ValueSource(strings = {
      "printf 'touch WITNESS\\n' | sort -o k; tar -c k | tar -x --tr 's/$/s/'; sh ks",
      "printf 'touch WITNESS\\n' | sort -o k; tar -c k --tr 's/$/s/' | tar -x; sh ks"})
  void tarTransformWritesAScriptThenAShellRunsIt(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** Wide allow-list: awk prints to a computed, escaped or input-read name, ~/.lesskey. */
  @ParameterizedTest(name = "wide allow-list: awk writes ~/.lesskey under a computed name: {0}")
  @ValueSource(strings = {
      "printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' | awk '{print > sprintf(\"%c%s\", 46, \"lesskey\")}'; less /etc/hostname",
      "printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' | awk '{print>\"\\056lesskey\"}'; less /etc/hostname",
      "printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n.lesskey\\n' | awk 'NR<3{a[NR]=$0} NR==3{print a[1] > $0; print a[2] > $0}'; less /etc/hostname"})
  void awkWritesALesskeyFileUnderAComputedName(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(WIDE_ALLOW_LIST, template, tmp, false);
  }

  /** The docs' deny-list policy: awk prints a script to a computed name; sh or java runs it. */
  @ParameterizedTest(name = "deny-list: awk writes a script under a computed name, then run: {0}")
  @ValueSource(strings = {
      "printf 'touch WITNESS\\n' | awk '{print > (\"k\" \"s\")}'; sh ks",
      "printf 'touch WITNESS\\n' | awk '{print > \"\\153s\"}'; sh ks",
      "printf 'touch WITNESS\\n' | awk '{print > sprintf(\"k%s\", \"s\")}'; sh ks",
      "printf 'touch WITNESS\\n' | awk '{print > substr(\"xks\", 2)}'; sh ks",
      "printf 'touch WITNESS\\nks\\n' | awk 'NR==1{a=$0} NR==2{print a > $0}'; sh ks",
      "printf 'touch WITNESS\\n' | awk -v f=k -v g=s '{print > (f g)}'; sh ks",
      "printf 'touch WITNESS\\n' | awk '{printf(\"%s\\n\", $0) > (\"k\" \"s\")}'; sh ks",
      "printf 'class A{public static void main(String[] a)throws Exception{new ProcessBuilder(\"touch\",\"WITNESS\").start().waitFor();}}' | awk '{print > (\"a.\" \"java\")}'; java a.java"})
  void awkWritesAScriptUnderAComputedNameThenItRuns(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** Wide allow-list: curl writes ~/.lesskey or ~/.kube/config over file:// under an encoded or config-given name. */
  @ParameterizedTest(name = "wide allow-list: curl file:// writes a startup file: {0}")
  @ValueSource(strings = {
      "printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' | curl -sT - file:///proc/self/cwd/%2elesskey; less /etc/hostname",
      "printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' | curl -sT- file:///proc/self/cwd/%2elesskey; less /etc/hostname",
      "printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' | curl -sT - file://localhost/proc/self/cwd/%2elesskey; less /etc/hostname",
      "printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' | curl -sT - file:///proc/self/cwd/.%6cesskey; less /etc/hostname",
      "printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' | curl -sT - file:///proc/self/cwd/%2E%6C%65%73%73%6B%65%79; less /etc/hostname",
      "printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' | sort -o x; printf 'output=\\056lesskey\\n' | curl -sK- file:///proc/self/cwd/x; less /etc/hostname",
      "printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' | sort -o x; printf 'url=file:///proc/self/cwd/x\\noutput=.lesskey\\n' | curl -sK-; less /etc/hostname",
      "printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' | sort -o x; printf 'output=\\056lesskey\\n' | sort -o .curlrc; curl -s file:///proc/self/cwd/x; less /etc/hostname",
      "printf '%s' 'KUBECONFIG' | sort -o x; printf 'create-dirs\\noutput=\\056kube/config\\n' | curl -sK- file:///proc/self/cwd/x; kubectl get pods",
      // Found while fixing: a plain relative .kube/config was no startup file.
      "printf '%s' 'KUBECONFIG' | sort -o x; curl -s --create-dirs -o .kube/config file:///proc/self/cwd/x; kubectl get pods"})
  void curlWritesAStartupFileOverFileUrls(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(WIDE_ALLOW_LIST, template.replace("KUBECONFIG", KUBECONFIG), tmp, false);
  }

  /** The docs' deny-list policy: curl writes a script over file:// under an encoded or config-given name; sh or java runs it. */
  @ParameterizedTest(name = "deny-list: curl file:// writes a script, then run: {0}")
  @ValueSource(strings = {
      "printf 'touch WITNESS\\n' | curl -sT - file:///proc/self/cwd/%6bs; sh ks",
      "printf 'touch WITNESS\\n' | curl -sT - file:///proc/self/cwd/k%73; sh ks",
      "printf 'touch WITNESS\\n' | sort -o x; printf 'output=ks\\n' | curl -sK- file:///proc/self/cwd/x; sh ks",
      "printf 'touch WITNESS\\n' | sort -o x; printf 'output=\\153s\\n' | curl -sK- file:///proc/self/cwd/x; sh ks",
      "printf 'touch WITNESS\\n' | sort -o x; printf 'url=file:///proc/self/cwd/x\\noutput=\\153s\\n' | curl -sK-; sh ks",
      "printf 'class A{public static void main(String[] a)throws Exception{new ProcessBuilder(\"touch\",\"WITNESS\").start().waitFor();}}' | curl -sT - file:///proc/self/cwd/a%2ejava; java a.java",
      "printf 'class A{public static void main(String[] a)throws Exception{new ProcessBuilder(\"touch\",\"WITNESS\").start().waitFor();}}' | sort -o x; printf 'output=a.java\\n' | curl -sK- file:///proc/self/cwd/x; java a.java"})
  void curlWritesAScriptOverFileUrlsThenItRuns(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /**
   * curl writes ~/.psqlrc; psql runs its {@code \!} once connected. Judge-only (no server in the
   * test): each was run against a private PostgreSQL 15 and created the witness.
   */
  @ParameterizedTest(name = "curl writes ~/.psqlrc, psql runs it: {0}")
  @ValueSource(strings = {
      "printf '\\\\! touch WITNESS\\n' | curl -sT - file:///proc/self/cwd/%2epsqlrc; psql -c 'select 1'",
      "printf '\\\\! touch WITNESS\\n' | sort -o x; printf 'output=\\056psqlrc\\n' | curl -sK- file:///proc/self/cwd/x; psql -c 'select 1'",
      // Found while fixing: a plain name was not among the startup files either.
      "printf '\\\\! touch WITNESS\\n' > .psqlrc; psql -c 'select 1'",
      "printf '\\\\! touch WITNESS\\n' | sort -o .psqlrc; psql -c 'select 1'"})
  void curlWritesAPsqlrcThatPsqlRuns(String text) {
    for (ShellJudge judge : new ShellJudge[] {DEFAULT, WIDE_ALLOW_LIST}) {
      for (ShellJudgement j : new ShellJudgement[] {judge.judge(text), judge.judgeTyped(text)}) {
        assertThat(BashWitness.allowedWithoutTouch(j)).as("%s: %s %s", text, j.verdict().label(), j.commands()).isFalse();
      }
    }
  }

  /**
   * tar's count options are no names: {@code --strip-components=1} was read as a file {@code 1},
   * which in {@code /dev/fd} is a descriptor, and every such extraction was reviewed. The same
   * word as an operand, or a non-number after the option, still counts.
   */
  @ParameterizedTest(name = "allowed: {0}")
  @ValueSource(strings = {
      "tar --strip-components=1 -xf a.tar",
      "tar --strip-components 1 -xzf node.tgz -C /opt/node",
      "tar --strip=2 -xf a.tar"})
  void tarCountOptionsAreNoNames(String text) {
    assertThat(DEFAULT.judge(text).verdict().label()).as(text).isEqualTo("allow");
    assertThat(DEFAULT.judgeTyped(text).verdict().label()).as(text).isEqualTo("allow");
  }

  @ParameterizedTest(name = "refused: {0}")
  @ValueSource(strings = {
      "tar --strip-components=1 -cf x.tar /dev/stdin",
      "tar --strip-components /dev/stdin -cf x.tar",
      "tar --level=0 -cf a.tar 1"})
  void aDescriptorBesideACountOptionStillCounts(String text) {
    assertThat(DEFAULT.judge(text).verdict().label()).as(text).isNotEqualTo("allow");
  }

  /**
   * A name whose last part is only known when it runs may be {@code .lesskey} in a session that
   * starts in the home directory: {@code > "$f"}, {@code tee}, {@code cp}'s target, {@code sort
   * -o} and {@code curl -o} of a computed name wrote it, and the next less ran its LESSOPEN.
   * Found by the lead after the 17ai fixes (the fixer's note on a wholly unknown name); each ran
   * {@code touch} under bash 5.2 and less 590 before the fix.
   */
  @ParameterizedTest(name = "deny-list: a computed name written, then less: {0}")
  @ValueSource(strings = {
      "f=$(printf '\\056lesskey'); printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' > \"$f\"; less /etc/hostname",
      "n=$(printf '\\056lesskey'); printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' | tee \"$n\" > /dev/null; less /etc/hostname",
      "n=$(printf '\\056lesskey'); printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' > x; cp x \"$n\"; less /etc/hostname",
      "n=$(printf '\\056lesskey'); printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' | sort -o \"$n\"; less /etc/hostname",
      "n=$(printf '\\056lesskey'); printf '#env\\nLESSOPEN=|touch WITNESS %%s\\n' > x; curl -s -o \"$n\" file://$PWD/x; less /etc/hostname"})
  void aComputedNameWrittenMayBeAStartupFile(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** Names that are no startup file however they run: a data file's end, mktemp's output, variables set to plain literals. */
  @ParameterizedTest(name = "allowed: {0}")
  @ValueSource(strings = {
      "out=log.txt; git log > \"$out\"",
      "out=notes; echo hi > \"$out\"",
      "t=$(mktemp); curl -o \"$t\" https://example.com/y",
      "echo hi >> \"$LOGDIR/app.log\"",
      "ls > /tmp/$USER.txt",
      "echo $x > /dev/null",
      "cp a.txt \"$dest/\"",
      "curl -fsSL https://example.com/y -o out.tgz"})
  void namesThatAreNoStartupFileStayAllowed(String text) {
    assertThat(DEFAULT.judge(text).verdict().label()).as(text).isEqualTo("allow");
  }
}
