package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 17az on the shell judge (after 17ay's memory rule and 17aw/17ax's wrappers and
 * {@code set -k}). Every case is allowed by the judgement named in the test; each was run as
 * written under bash 5.2.15 (Debian 12, GNU make 4.3, root in a container without Yama) and did
 * what the test asserts it must not.
 *
 * <p><b>Memory of the guarded shell (typed judgement).</b> These tests use their own helper,
 * {@link #assertTypedReadsNoShellMemory}: if the typed judgement allows the line without {@code
 * touch}, the line is given to an interactive {@code bash --norc --noprofile -i} on its standard
 * input (so {@code $$} is that shell, as at the guarded prompt, and a simple command forks) under
 * {@code strace -f -e trace=openat,open,ptrace}, with a random secret {@code ghsecret…} in a
 * variable of that shell ({@code GH_SECRET}, imported from the environment into the shell's heap,
 * where the hook keeps its nonce); the test fails if bash printed the secret or {@code strace}
 * shows a successful open of a {@code mem} file (or a {@code ptrace} attach). The "prints" lines
 * find the heap in {@code maps}, turn its start into a {@code tail -c +N} offset with the builtin
 * {@code printf} and print the secret from {@code /proc/$$/mem} with only {@code grep} and {@code
 * tail} (the docs' allow-list); they all printed it. The "opens" lines opened the file (strace).
 *
 * <ul>
 *   <li><b>M1, a path the kernel reads with empty or {@code .} components</b> ({@code
 *       /proc//$$/mem}, {@code //proc/$$/./mem}, {@code /proc//$$/task//$$/mem}, and {@code cd
 *       /proc//$$ && tail … mem}): {@code HookTamper.PROCESS_FILE} ({@code
 *       proc/([^/\s]+)/(?:task/[^/\s]+/)?LEAF}) needs exactly one slash after {@code proc} and the
 *       leaf right after the pid, and {@code HookTamper.namesAProcessDirectory} takes the word
 *       after {@code proc/} up to the next slash as the pid ({@code ""} for {@code //}) and strips
 *       only one leading slash ({@code //proc/…} is not {@code proc/…}), so the bare-{@code mem}
 *       check in {@code HookTamper.namesProcessMemory} never starts. Allowed under the default
 *       deny-list, the docs' allow-list and the wide list; readers {@code tail}, {@code grep
 *       -a}, {@code less}, {@code cat} and, under the deny-list, {@code dd}, {@code xxd}, {@code od}, {@code
 *       head}, {@code sort}, {@code find … -name '[m]em' -exec tail} (the pattern {@code [m]em} is
 *       longer than the four characters {@code namesProcessMemory} looks at).
 *   <li><b>M2, the word {@code proc} itself made by bash</b>: a brace expansion ({@code
 *       /{proc,}/$$/mem}), a pattern ({@code /pro[c]/$$/mem}, {@code /pr?c/$$/mem}) or a
 *       variable ({@code p=roc; /p$p/$$/mem}): {@code PROCESS_FILE} and {@code
 *       namesAProcessDirectory} look for the literal text {@code proc/}; {@code couldBeMemory}
 *       treats a pattern or an unknown part as a possible match only in the pid and the leaf.
 * </ul>
 *
 * <p><b>Judge-only (the programs are not installed here):</b> the typed judgement (default
 * deny-list) allows {@code eu-stack -p $$}, {@code pstack $$}, {@code gdbserver --attach :0 $$},
 * {@code bpftrace -p $$ -e …}, {@code criu dump -t $$ --leave-running}, {@code sysdig
 * proc.pid=$$}: all attach to (ptrace) or dump a process; {@code HookTamper.readsAProcess} knows
 * only {@code gcore}, {@code strace} and {@code ltrace}. Not asserted by a test here.
 *
 * <p><b>M3, make expands the name of a command-line variable</b> (witness, default deny-list):
 * {@code make '$(shell touch W)=1'}, {@code make 'X$(shell touch W):=1'}: GNU make expands the
 * variable's name when it reads the argument, {@code $(shell …)} included; {@code
 * ShellClass.makeGivenCode} looks for code only in the value ({@code [$;|&`()<>]}) and in the
 * name only as {@code SHELL}/{@code MAKEFILES}/… after stripping. And a name with a slash is
 * skipped outright ({@code !v.substring(0, eq).contains("/")}): {@code make 'a/b:=$(shell touch
 * W)'}, {@code make 'a/b!=touch W'}, {@code make './x::=$(shell touch W)'} — make takes {@code
 * a/b} as a variable name and runs the {@code !=} command or expands the {@code :=} value at once.
 * No makefile is needed (the temporary directory is empty; make then stops with "No targets").
 *
 * <p><b>M4, bash's own invocation options {@code -k} / {@code -o keyword}</b> (witness, default
 * deny-list): {@code bash -k -c "bash -c : BASH_ENV='$(touch W)'"} (also {@code -kc}, {@code
 * -ek}, {@code -o keyword}, {@code -k <<< …}, behind {@code env}/{@code timeout}):
 * {@code Wrappers.shell} steps over bash's options ({@code -k} skipped, {@code -o NAME} skipped
 * with its argument) and reads the {@code -c} code as ordinary bash, while {@code
 * ShellClass.changesWordReading} (which makes {@code set -k} unclassified) sees only the builtin
 * {@code set}/{@code shopt}. With keyword on, the inner {@code BASH_ENV=…} word goes into the inner
 * {@code bash -c :}'s environment and that bash expands it (command substitution included) or
 * sources it ({@code BASH_ENV=/dev/stdin <<< 'touch W'}).
 *
 * <p>Tried and already refused (or not a bypass): memory — {@code /proc/$$/mem}, {@code
 * /proc/$PPID/mem}, {@code /proc/self/../$PPID/mem}, {@code /proc/$$/task/$$/./mem}, {@code
 * /proc/$$/m*}, {@code cd /proc; tail ./$$/mem}, {@code /proc/$$/m{e,}m} with {@code maps} named
 * plainly, any {@code mem} path when another word names {@code /proc/PID} plainly, {@code exec
 * 3</proc//$$/mem} (blocked at the prompt), {@code gcore} ({@code
 * g\core}, {@code /usr/bin/gcore}), {@code strace -p}/{@code --att=}/{@code timeout 5 strace -p},
 * {@code ltrace -p}, {@code gdb -p}/{@code --pid}, {@code gdbtui -p}, {@code lldb -p}, {@code
 * perf record/trace -p} (review or block); {@code $((…))} of a value from {@code maps} (review:
 * arithmetic of a non-number); {@code grep -r --include=mem x /proc//$$/} (allowed, but grep did
 * not open mem). Allow-list: {@code dd}, {@code od}, {@code xxd}, {@code head}, {@code sort},
 * {@code find} are not listed (blocked). {@code set -k} spellings: {@code eval 'set -o keyword'},
 * {@code eval "set -k"}, {@code shopt -s -o keyword}, {@code shopt -so keyword}, {@code f=k; set
 * -$f}, {@code set -- -k; set "$@"}, {@code set -kv}, {@code builtin/command/\set -k}, {@code
 * s\et -k}, {@code env SHELLOPTS=keyword bash -c …}, {@code SHELLOPTS=keyword bash -c},
 * {@code env BASHOPTS=… bash -c} (all review/block); {@code bash +O interactive_comments -ic},
 * {@code bash -i +O …}, {@code bash +o interactive-comments -i -c} (review); {@code sh -k -c}
 * (allowed, but dash has no keyword option: nothing ran); {@code bash -O extglob -c true} (allowed,
 * no difference found in the time). Wrappers: {@code git grep -O}/{@code --open-files-in-pager}
 * (and abbreviated), {@code git ls-remote/fetch/clone --upload-pack/-u}, {@code git archive
 * --exec}, {@code git difftool -x/--extcmd}, {@code git bisect run}, {@code git submodule
 * foreach}, {@code git rebase -x} (all list {@code touch}); {@code --config-env}, {@code
 * GIT_CONFIG_COUNT/KEY/VALUE}, {@code GIT_CONFIG_PARAMETERS}, {@code -c protocol.ext.allow}, {@code
 * git instaweb --httpd}, {@code GIT_DIR}/{@code --git-dir}/{@code git init [--bare|--separate-git-dir]}
 * with a config written in the line (review); tar {@code --checkpoint-action}, {@code
 * --use-compress-program}, {@code -I}, {@code --to-command}, {@code --rsh-command}, {@code
 * --rmt-command}, {@code --info-script}, {@code --new-volume-script}, {@code -F}, all abbreviated
 * too; zip {@code -TT}/{@code --unzip-command} (abbreviated too); sort {@code --compress-program}
 * (abbreviated); find {@code -fprintf}/{@code -fprint}; man {@code -P}/{@code --pager}/{@code
 * --pa}/{@code -H}/{@code --html}/{@code --ht}/{@code -C}/{@code --config-file}/{@code --con},
 * {@code MANOPT}, {@code BROWSER}; dpkg {@code --pre-invoke} (abbreviated); apt {@code -o
 * APT::Update::Pre-Invoke}, {@code Dir::Bin::dpkg}; make {@code SHELL=}, {@code .SHELLFLAGS=},
 * {@code MAKESHELL=}, {@code 'SHELL :='}, {@code SHELL::=}, {@code SHELL+=}, {@code ' SHELL='},
 * {@code X!=}, {@code X:=$(shell …)}, {@code --eval}/{@code -E}, {@code MAKEFLAGS=} (review);
 * {@code MANPAGER}, {@code PAGER}/{@code SYSTEMD_PAGER} before journalctl/systemctl, {@code
 * DPKG_PAGER}, {@code EDITOR}/{@code VISUAL} before sensible-editor/editor (list {@code touch});
 * vim {@code -c}/{@code --cmd}, {@code ex -c}, {@code ed} (review); about 85 program variables tried in
 * front of {@code less/journalctl/git log/man/ls/grep/tail/cat/systemctl status}: those allowed
 * without {@code touch} ({@code TERMINFO}, {@code GIT_TRACE*}, {@code MANROFFSEQ}, {@code MANPL},
 * {@code GREP_COLORS}, {@code GCONV_PATH}, {@code PATH}, …) run no command given a string
 * (GCONV_PATH needs a shared object; not tried). {@code make 'override SHELL=…'}/{@code 'export
 * SHELL=…'} (allowed, but make takes them as targets); {@code make '$(file >W)=1'} (allowed and
 * writes W, but runs no program: not counted); {@code make 'SHE$()LL=touch W'} (allowed; make
 * runs the recipe with that shell, but with no makefile in the directory nothing ran).
 */
class ShellAttack17azTest {
  static final ShellJudge DEFAULT = ShellAttack17ahTest.DEFAULT;
  static final ShellJudge ALLOW_LIST = ShellAttack17ahTest.ALLOW_LIST;
  static final ShellJudge WIDE_ALLOW_LIST = ShellAttack17ahTest.WIDE_ALLOW_LIST;

  /** Finds the shell's heap in maps (path MAPS) and sets n to the tail -c offset of its start. */
  static String heap(String maps) {
    return "h=$(grep -hsm1 heap " + maps + "); s=${h%%-*}; n=$(printf %d 0x${s%0}1); ";
  }

  /** Prints the secret from the memory file MEM, from the heap's start on. */
  static String print(String mem) {
    return "tail -qc +$n " + mem + " 2>/dev/null | grep -m1 -ao 'ghsecret[0-9a-f]*'";
  }

  // ---------------------------------------------------------------- M1: // and /./ in the path

  @ParameterizedTest(name = "allow-list [ls, cat, less, grep, tail, …], typed: prints the shell's memory: {0}")
  @ValueSource(strings = {
      "/proc//$$/maps => /proc//$$/mem",
      "//proc/$$/./maps => //proc/$$/./mem",
      "/proc//$$/task//$$/maps => /proc//$$/task//$$/mem",
      "/proc//$$/./maps => /proc//$$/./mem"})
  void allowListPrintsTheShellsMemoryThroughAnUnnormalisedPath(String paths, @TempDir Path tmp) throws Exception {
    String[] p = paths.split(" => ");
    assertTypedReadsNoShellMemory(ALLOW_LIST, heap(p[0]) + print(p[1]), tmp);
  }

  @ParameterizedTest(name = "allow-list [ls, cat, less, grep, tail, …], typed: cd into the process, then mem: {0}")
  @ValueSource(strings = {
      "cd /proc//$$ && tail -c +$n mem | grep -m1 -ao 'ghsecret[0-9a-f]*'",
      "cd //proc/$$/. && tail -c +$n mem | grep -m1 -ao 'ghsecret[0-9a-f]*'"})
  void allowListCdIntoTheProcessThenMem(String rest, @TempDir Path tmp) throws Exception {
    assertTypedReadsNoShellMemory(ALLOW_LIST, heap("/proc//$$/maps") + rest, tmp);
  }

  @ParameterizedTest(name = "allow-list [ls, cat, less, grep, tail, …], typed: opens the shell's memory: {0}")
  @ValueSource(strings = {
      "less /proc//$$/mem",
      "grep -a ghsecret /proc//$$/mem",
      "cat //proc/$$/./mem"})
  void allowListOpensTheShellsMemory(String text, @TempDir Path tmp) throws Exception {
    assertTypedReadsNoShellMemory(ALLOW_LIST, text, tmp);
  }

  @ParameterizedTest(name = "deny-list, typed: other readers open the shell's memory: {0}")
  @ValueSource(strings = {
      "dd if=/proc//$$/mem of=/dev/null count=1",
      "xxd -l 16 /proc//$$/mem",
      "od -N 16 /proc//$$/mem",
      "head -c 16 /proc//$$/mem",
      "sort /proc//$$/mem",
      "find /proc//$$ -maxdepth 1 -name '[m]em' -exec tail -c +1 {} +"})
  void denyListOtherReadersOpenTheShellsMemory(String text, @TempDir Path tmp) throws Exception {
    assertTypedReadsNoShellMemory(DEFAULT, text, tmp);
  }

  @ParameterizedTest(name = "wide allow-list, typed: {0}")
  @ValueSource(strings = {
      "head -c 16 /proc//$$/mem",
      "sort /proc//$$/mem",
      "find /proc//$$ -maxdepth 1 -name '[m]em' -exec tail -c +1 {} +"})
  void wideAllowListReadersOpenTheShellsMemory(String text, @TempDir Path tmp) throws Exception {
    assertTypedReadsNoShellMemory(WIDE_ALLOW_LIST, text, tmp);
  }

  // ---------------------------------------------------------------- M2: "proc" made by bash

  @ParameterizedTest(name = "allow-list [ls, cat, less, grep, tail, …], typed: 'proc' from a brace, a pattern or a variable: {0}")
  @ValueSource(strings = {
      "/{proc,}/$$/maps => /{proc,}/$$/mem",
      "/pro[c]/$$/maps => /pro[c]/$$/mem",
      "/pr?c/$$/maps => /pr?c/$$/mem",
      "/[p]roc/$$/maps => /[p]roc/$$/mem",
      "/p$p/$$/maps => /p$p/$$/mem"})
  void allowListProcWordMadeByBash(String paths, @TempDir Path tmp) throws Exception {
    String[] p = paths.split(" => ");
    assertTypedReadsNoShellMemory(ALLOW_LIST, "p=roc; " + heap(p[0]) + print(p[1]), tmp);
  }

  @ParameterizedTest(name = "deny-list, typed: 'proc' from a brace, a pattern or a variable: {0}")
  @ValueSource(strings = {
      "/pro[c]/$$/maps => /pro[c]/$$/mem",
      "/{proc,}/$$/maps => /{proc,}/$$/mem"})
  void denyListProcWordMadeByBash(String paths, @TempDir Path tmp) throws Exception {
    String[] p = paths.split(" => ");
    assertTypedReadsNoShellMemory(DEFAULT, heap(p[0]) + print(p[1]), tmp);
  }

  /** Added by fix 17azA: more spellings the kernel resolves ({@code ..} after a real directory, /proc/net = self/net). */
  @ParameterizedTest(name = "deny-list, typed (fix 17azA variants): {0}")
  @ValueSource(strings = {
      "tail -c +1 /proc/sys/../$$/mem",
      "tail -c +1 /proc/net/../../$$/mem",
      "cd /proc/net && tail -c +1 ../mem",
      "cd /proc/$$ && tail -c +1 ./m?m",
      "tail -c +1 /proc/$$/{mem,x}",
      "tail -c +1 /*/$$/m[e]m",
      "find /proc//$$ -maxdepth 1 -name 'me[m]' -exec tail -c +1 {} +",
      // Live pass 17ba: /dev/fd is a link to /proc/self/fd, so /dev/fd/../.. is /proc.
      "tail -c +1 /proc/./$$/mem",
      "tail -c +1 /dev/fd/../../$$/mem",
      "cd /dev/fd/../.. && tail -c +1 $$/mem"})
  void denyListKernelResolvedSpellings(String text, @TempDir Path tmp) throws Exception {
    assertTypedReadsNoShellMemory(DEFAULT, text, tmp);
  }

  /**
   * Judge-only (fix 17azA; the programs are not installed here): tracers that attach to a process
   * by pid, or read every process's memory, are guard-tamper at the prompt.
   */
  @ParameterizedTest(name = "judge-only, typed: a tracer attaches to the shell: {0}")
  @ValueSource(strings = {
      "eu-stack -p $$", "eu-stack --pid=$$", "pstack $$", "gstack $PPID", "gdbserver --attach :0 $$",
      "gdbserver --multi :1234", "bpftrace -p $$ -e 'uprobe:/bin/bash:readline { printf(\"x\") }'",
      "bpftrace -e 'uretprobe:/bin/bash:readline { printf(\"%s\", str(retval)) }'",
      "criu dump -t $$ --leave-running", "criu pre-dump -t $$", "sysdig proc.pid=$$", "sysdig -A -c echo_fds",
      "perf record -p $$", "perf trace -p $$", "perf record --call-graph dwarf -t $PPID", "gdb -p $$",
      "gdb --pid=$$", "gdb -batch -ex 'attach 123' -ex bt", "lldb -p $$", "lldb --attach-name bash",
      "reptyr $$", "scanmem -p $$"})
  void judgeOnlyTracersAttachToTheShell(String text) {
    for (ShellJudge judge : List.of(DEFAULT, ALLOW_LIST, WIDE_ALLOW_LIST)) {
      ShellJudgement typed = judge.judgeTyped(text);
      assertThat(typed.verdict().label()).as(text + ": " + typed.verdict()).isEqualTo("block");
    }
    assertThat(DEFAULT.judgeTyped(text).verdict().rule()).as(text).isEqualTo("guard-tamper");
  }

  /** Fix 17azA: everyday lines near the memory rule stay allowed at the prompt (default policy). */
  @ParameterizedTest(name = "everyday, typed: {0}")
  @ValueSource(strings = {
      "cat /proc//meminfo", "cat /etc/nginx/../hosts", "cd /proc/sys/net/ipv4 && cat ip_forward", "cat /proc/net/dev",
      "cd /proc/$$ && cat status", "cd /proc/1 && ls -l fd/*", "ls $HOME/$proj/*", "cd \"$HOME/$a/$b\" && make",
      "ls /srv/*/releases/*", "find /proc -maxdepth 1 -name '[0-9]*'", "find /proc/1 -name '[a-l]em'",
      "grep -l nginx /proc/*/cmdline", "cat /proc/$pid/limits", "tail -n 20 $LOG_DIR/*.log", "bpftrace -l",
      "sysdig -r capture.scap", "criu check", "strace -c ls", "pmap $$", "perf report -i perf.data"})
  void everydayNearTheMemoryRuleStaysAllowed(String text) {
    assertThat(DEFAULT.judgeTyped(text).verdict().label()).as(text).isEqualTo("allow");
  }

  // ---------------------------------------------------------------- M3: make expands a variable's name

  @ParameterizedTest(name = "deny-list: make expands the command-line variable's name: {0}")
  @ValueSource(strings = {
      "make '$(shell touch WITNESS)=1'",
      "make 'X$(shell touch WITNESS)=1'",
      "make -f /dev/null 'X$(shell touch WITNESS):=1'",
      "make -n 'Y$(shell touch WITNESS)?=1'",
      "make '$(shell touch WITNESS) = 1'"})
  void denyListMakeExpandsTheVariablesName(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  @ParameterizedTest(name = "deny-list: make, a variable name with a slash is not looked at: {0}")
  @ValueSource(strings = {
      "make 'a/b:=$(shell touch WITNESS)'",
      "make 'a/b!=touch WITNESS'",
      "make './x::=$(shell touch WITNESS)'",
      "make -f /dev/null 'a/SHELL!=touch WITNESS'"})
  void denyListMakeVariableNameWithASlash(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  // ---------------------------------------------------------------- M4: bash -k / -o keyword

  @ParameterizedTest(name = "deny-list: bash's own -k / -o keyword: {0}")
  @ValueSource(strings = {
      "bash -k -c \"bash -c : BASH_ENV='\\$(touch WITNESS)'\"",
      "bash -kc \"bash -c : BASH_ENV='\\$(touch WITNESS)'\"",
      "bash -ek -c \"bash -c : BASH_ENV='\\$(touch WITNESS)'\"",
      "bash -o keyword -c \"bash -c : BASH_ENV='\\$(touch WITNESS)'\"",
      "bash -k <<< \"bash -c : BASH_ENV='\\$(touch WITNESS)'\"",
      "env bash -k -c \"bash -c : BASH_ENV=/dev/stdin <<< 'touch WITNESS'\"",
      "timeout 5 bash -o keyword -c 'bash -c : BASH_ENV=\\`touch\\ WITNESS\\`'"})
  void denyListBashKeywordOption(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /**
   * Found while fixing M3/M4 (judge only): a make variable name or a := value with a part only
   * known when it runs, and the other spellings of a shell started reading words otherwise (sh may
   * be bash, ksh has -k; an option name only known when it runs).
   */
  @ParameterizedTest(name = "refused, found while fixing M3/M4: {0}")
  @ValueSource(strings = {
      "make \"$n=1\"", "make X:=\"$v\"", "make 'X::=$(shell touch W)'",
      "sh -k -c \"bash -c : BASH_ENV='\\$(touch W)'\"", "ksh -k -c 'ls'", "bash -xk -c 'ls'",
      "bash --norc -o keyword -c 'ls'", "bash -o \"$o\" -c 'ls'", "bash +O interactive_comments -c 'ls'",
      "bash +o interactive-comments -c 'ls'", "bash -O extglob -o keyword -c 'ls'"})
  void refusedVariantsFoundWhileFixing(String text) {
    for (ShellJudgement j : new ShellJudgement[] {DEFAULT.judge(text), DEFAULT.judgeTyped(text)}) {
      assertThat(j.verdict().label()).as("%s: %s", text, j.commands()).isNotEqualTo("allow");
    }
  }

  @ParameterizedTest(name = "still allowed: {0}")
  @ValueSource(strings = {
      "make", "make -j4", "make install PREFIX=/usr/local", "make CC=gcc CFLAGS=-O2", "make -C dir target",
      "make CFLAGS+=-g", "make JOBS:=4", "make -C \"$dir\" all", "make X=\"$v\"", "bash -c 'ls'", "bash -ec 'ls'",
      "bash -x script.sh", "bash -lc 'echo hi'", "bash -O extglob -c 'ls'", "bash -o pipefail -c 'ls | wc -l'",
      "bash -euo pipefail -c 'ls'", "sh -e script.sh", "dash -k -c 'ls'"})
  void everydayMakeAndShellLinesStayAllowed(String text) {
    for (ShellJudgement j : new ShellJudgement[] {DEFAULT.judge(text), DEFAULT.judgeTyped(text)}) {
      assertThat(j.verdict().label()).as("%s: %s", text, j.commands()).isEqualTo("allow");
    }
  }

  // ---------------------------------------------------------------- the helper for M1/M2

  private static final Pattern MEM_OPENED = Pattern.compile(
      "(?m)^\\d+ +open(at)?\\(.*\"([^\"]*/)?(mem|map_files/[^\"]*)\",[^)]*\\) = \\d+");
  private static final Pattern ATTACHED = Pattern.compile("(?m)^\\d+ +ptrace\\(PTRACE_(ATTACH|SEIZE)[^)]*\\) = 0");

  /**
   * The typed judgement allows {@code line} without {@code touch}: then bash, given the line at an
   * interactive prompt ({@code bash --norc --noprofile -i}, the line on its standard input, a
   * secret in its variable {@code GH_SECRET}), must neither print the secret nor (under strace, if
   * installed) open a {@code mem}/{@code map_files} file or attach to a process. Fails when it did:
   * the guard let a line read the memory where the guarded shell keeps its nonce.
   */
  static void assertTypedReadsNoShellMemory(ShellJudge judge, String line, Path tmp) throws Exception {
    ShellJudgement typed = judge.judgeTyped(line);
    if (!BashWitness.allowedWithoutTouch(typed)) {
      return;
    }
    byte[] r = new byte[12];
    new SecureRandom().nextBytes(r);
    String secret = "ghsecret" + HexFormat.of().formatHex(r);
    Path log = tmp.resolve("strace.log");
    List<String> argv = new ArrayList<>();
    boolean strace = Files.isExecutable(Path.of("/usr/bin/strace"));
    if (strace) {
      argv.addAll(List.of("/usr/bin/strace", "-f", "-qq", "-e", "trace=openat,open,ptrace", "-o", log.toString()));
    }
    argv.addAll(List.of("bash", "--norc", "--noprofile", "-i"));
    ProcessBuilder pb = new ProcessBuilder(argv).directory(tmp.toFile()).redirectErrorStream(true)
        .redirectOutput(tmp.resolve("out.txt").toFile());
    pb.environment().put("HOME", tmp.toString());
    pb.environment().put("GH_SECRET", secret);
    List.of("PAGER", "LESS", "LESSOPEN", "BASH_ENV", "ENV", "PROMPT_COMMAND").forEach(pb.environment()::remove);
    Process p = pb.start();
    p.getOutputStream().write((line + "\nexit\n").getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    String out = Files.readString(tmp.resolve("out.txt"), StandardCharsets.ISO_8859_1);
    String trace = strace && Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
    java.util.regex.Matcher opened = MEM_OPENED.matcher(trace);
    java.util.regex.Matcher attached = ATTACHED.matcher(trace);
    String seen = out.contains(secret) ? "printed the shell's secret " + secret
        : opened.find() ? "opened memory: " + opened.group()
        : attached.find() ? "attached: " + attached.group() : null;
    assertThat(seen).as("the typed judgement allowed %s (%s %s); bash -i %s; output: %s", line,
        typed.verdict().label(), typed.commands(), seen, out.length() > 2000 ? out.substring(0, 2000) : out).isNull();
  }
}
