package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.policy.Verdict;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 17ad on the shell judge (after 17ac). Each case asserts the secure outcome against
 * real bash ({@link BashWitness#assertRunsNoUnjudgedTouch}): the only command the texts run is
 * {@code touch} of a file in a temporary directory (also HOME and the working directory), and
 * every case is allowed by the exec and the typed judgement without {@code touch} among its
 * commands. Each was run as written under bash 5.2 on Debian 12 and created the witness file.
 *
 * <p><b>Programs that run the command they are given, not read as wrappers.</b> The judge lists
 * only the program; the command it runs (its arguments, or one {@code sh -c} string) is never
 * judged. {@code hyperfine -r 1 'CMD'} (hyperfine 1.15.0; runs CMD with {@code sh -c}, also
 * without a shell with {@code -N}); {@code heaptrack CMD ARGS} (heaptrack 1.4.0; writes its
 * profile {@code heaptrack.touch.PID.zst} into the working directory); {@code sotruss CMD ARGS}
 * and {@code memusage CMD ARGS} (glibc 2.36's libc-devtools); {@code asciinema rec -c 'CMD' F}
 * (asciinema 2.2.0, with {@code sh -c}); {@code choom -n 0 -- CMD ARGS} (util-linux 2.38.1);
 * {@code logsave FILE CMD ARGS} (e2fsprogs 1.47.0); {@code fstab-decode CMD ARGS} (sysvinit-utils
 * 3.06); {@code dpkg-architecture -c CMD ARGS} / {@code --command} (dpkg-dev 1.21.22; runs CMD with
 * the build's architecture variables set); gettext 0.21's {@code msgexec -i F.po CMD ARGS} (CMD
 * once per message) and {@code msgfilter -i F.po -o G.po CMD ARGS} (CMD as the filter of each
 * translation), on a two-line .po file the text writes with {@code printf}; {@code fakeroot-sysv
 * CMD} and {@code fakeroot-tcp CMD} (fakeroot 1.31: the two builds {@code fakeroot} is an
 * alternative for; {@code fakeroot CMD} itself is refused); {@code valgrind.bin CMD} (valgrind
 * 3.19: the program the {@code valgrind} wrapper script runs; {@code valgrind CMD} is refused).
 * Not running here: {@code uclampset} (no uclamp in this kernel), {@code systemd-cat} and {@code
 * systemd-inhibit} (no journal, no bus), {@code luit} (no terminal), {@code debconf-apt-progress
 * --} (nothing run), {@code make-first-existing-target -c} (runs CMD with an extra target argument
 * only), {@code vgdb}, {@code jrunscript} (no script engine in JDK 17), {@code gio launch} of a
 * written desktop file, {@code ssh-argv0} (refuses to run under its own name).
 *
 * <p><b>Another name of a program the judge reads.</b> Debian installs several programs under a
 * second name the judge does not know, and reads none of their options: {@code
 * perl5.36-x86_64-linux-gnu -e 'CODE'} (libperl5.36: the same perl 5.36.0 binary; {@code perl
 * -e}, {@code perl5.36.0 -e} are refused as interpreter-inline); {@code slogin -o
 * ProxyCommand='CMD' HOST} (openssh-client 9.2p1: {@code slogin} is a symlink to {@code ssh},
 * which the policy blocks outright with its {@code no-ssh-hop} rule and whose {@code -o
 * ProxyCommand} is refused; ssh runs CMD with the user's shell when it connects, before anything
 * is sent); {@code gdbtui -batch -ex '!CMD'} (gdb 13.1's {@code gdb -tui} script; {@code gdb -ex
 * '!CMD'} is refused; it needs a terminal, so the case runs under {@code script} as at the guarded
 * prompt); {@code pdb3 -c continue F.py} and {@code pdb3.11} of a Python file the text writes
 * (python3 3.11.2: {@code pdb3} is {@code /usr/lib/python3.11/pdb.py}; {@code python3 -m pdb} of
 * the same file is refused).
 *
 * <p><b>A Tcl script the text writes.</b> {@code tclsh F.tcl} (also {@code tclsh8.6}; Tcl 8.6.13)
 * of a file the text just wrote with {@code exec CMD} in it runs CMD: written-then-run does not
 * count {@code tclsh} among the interpreters whose script operand it reads, though {@code tclsh
 * <<< 'exec CMD'} and {@code echo … | tclsh} are refused.
 *
 * <p><b>scalar's {@code -c}.</b> Git 2.39's {@code scalar -c NAME=VALUE clone SRC DST} hands the
 * setting to every git it runs, as {@code git -c} does: {@code remote.origin.uploadpack='CMD'} has
 * the fetch from a local path run CMD with the shell in place of {@code git-upload-pack}, and
 * {@code core.fsmonitor='CMD'} has the checkout's index refresh run the hook; {@code git -c} of
 * either is refused, {@code scalar -c} is not read. The source is an empty repository the text
 * makes, so the clone fails right after (before scalar would register the repository for
 * background maintenance).
 *
 * <p><b>lli runs LLVM IR given on its input.</b> {@code lli} (LLVM 14.0.6, {@code llvm-14}) is
 * an interpreter/JIT for LLVM IR and reads its module from standard input when given no file: a
 * here-string or a pipe of IR declaring libc's {@code system} and calling it from {@code main}
 * runs the command with {@code sh -c} (here {@code touch w}, a relative name in the working
 * directory, since the string's length is part of its type). Inline code on the command line,
 * as {@code perl -e} or {@code tclsh <<<}, but the judge does not count {@code lli} as an
 * interpreter and lists only it.
 *
 * <p>Tried and already refused or not a bypass: the psql catalog check against a private
 * PostgreSQL 15 ({@code CREATE TABLE … (LIKE pg_proc)}, {@code ALTER TABLE … OWNER}, {@code SET
 * search_path} then unqualified names: none gives the server a program to run without a function
 * body, and every write naming a {@code pg_*} relation, quoted or qualified, is refused; the
 * {@code x$a$} name/dollar-quote split is read as the server reads it); psql's pagers and editors
 * by {@code PAGER}/{@code PSQL_PAGER}/{@code PSQL_EDITOR} (listed as judged commands), a written
 * {@code .psqlrc} with {@code HOME=}; apt's {@code -o} names spelled {@code APT/Update/…}, with a
 * space, lower case, {@code Binary::…::}, {@code ::Foo} children (all refused by the name
 * pattern, or not read by apt as the hook); {@code APT::Install::Pre-Invoke} ({@code install} is
 * a package change); {@code apt changelog} with {@code Dir::Bin::Pager} (refused) or {@code PAGER}
 * (judged); {@code cmake -C}, {@code cpack --config}, {@code pydoc3 ./F.py}, {@code pygmentize -x
 * -l F.py:L} of written files; {@code gmake -f}/{@code --eval}; {@code nawk}/{@code mawk}
 * {@code system()}; {@code vimdiff}/{@code view}/{@code rview -es '+!CMD'}; triplet names of
 * {@code gcc -wrapper}; {@code perf stat}; {@code bwrap}; {@code parallel}; {@code at -f};
 * {@code x86_64}/{@code i386}/{@code linux32}/{@code setarch}, {@code chroot /}, {@code nsenter},
 * {@code systemd-inhibit}, {@code busybox sh -c}, {@code rbash -c}, {@code git rebase -x}, {@code
 * bisect run}, {@code submodule foreach}, {@code env -S}, {@code npx -c}, {@code npm exec -c},
 * {@code EDITOR=… sensible-editor} (all list their command).
 */
class ShellAttack17adTest {
  static final ShellJudge DEFAULT = ShellJudgeTest.DEFAULT;

  /** A two-message .po file for gettext's msgexec and msgfilter. */
  private static final String PO = "printf 'msgid \"a\"\\nmsgstr \"b\"\\n' > x.po && ";

  @ParameterizedTest(name = "command runner not read: {0}")
  @ValueSource(strings = {
      "hyperfine -r 1 'touch WITNESS'",
      "hyperfine --runs 1 -N 'touch WITNESS'",
      "heaptrack touch WITNESS",
      "sotruss touch WITNESS",
      "memusage touch WITNESS",
      "asciinema rec -c 'touch WITNESS' x.cast",
      "choom -n 0 -- touch WITNESS",
      "logsave /dev/null touch WITNESS",
      "fstab-decode touch WITNESS",
      "dpkg-architecture -c touch WITNESS",
      "dpkg-architecture --command touch WITNESS",
      PO + "msgexec -i x.po touch WITNESS",
      PO + "msgfilter -i x.po -o y.po touch WITNESS",
      "fakeroot-sysv touch WITNESS",
      "fakeroot-tcp touch WITNESS",
      "valgrind.bin touch WITNESS"})
  void commandRunnerIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** The same runners through their other options (found while fixing; each ran touch under bash here). */
  @ParameterizedTest(name = "command runner option: {0}")
  @ValueSource(strings = {
      "hyperfine -r 1 -p 'touch WITNESS' true",
      "hyperfine -r 1 -S bash 'touch WITNESS'",
      "hyperfine -r 1 -N --prepare='touch WITNESS' true",
      "memusage --data='x;touch WITNESS' true",
      "dpkg-architecture -c 'touch WITNESS'",
      "dpkg-architecture --command=touch WITNESS",
      "choom -n 0 touch WITNESS",
      "asciinema rec -c='touch WITNESS' x.cast",
      "logsave -a /dev/null touch WITNESS",
      "sotruss -f touch WITNESS",
      "heaptrack -r touch WITNESS",
      "fstab-decode 'tou''ch' WITNESS"})
  void commandRunnerOptionIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** A Python file that runs {@code touch WITNESS} and exits (pdb would restart it and wait). */
  private static final String PY = "printf 'import os\\nos.system(\"touch WITNESS\")\\nos._exit(0)\\n' > x.py && ";

  @ParameterizedTest(name = "another name of a read program: {0}")
  @ValueSource(strings = {
      "perl5.36-x86_64-linux-gnu -e 'system(\"touch WITNESS\")'",
      "perl5.36-x86_64-linux-gnu -e 'exec qw(touch WITNESS)'",
      "slogin -o ProxyCommand='touch WITNESS' -o BatchMode=yes x",
      PY + "pdb3 -c continue x.py",
      PY + "pdb3.11 -c continue x.py"})
  void otherNameIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  @ParameterizedTest(name = "gdbtui at a terminal: {0}")
  @ValueSource(strings = {
      "gdbtui -nx -batch -ex '!touch WITNESS'",
      "gdbtui -nx -batch -ex 'shell touch WITNESS'"})
  void gdbtuiIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, true);
  }

  @ParameterizedTest(name = "written Tcl script: {0}")
  @ValueSource(strings = {
      "printf 'exec touch WITNESS\\n' > x.tcl && tclsh x.tcl",
      "printf 'exec touch WITNESS\\n' > x.tcl && tclsh8.6 x.tcl",
      "echo 'exec touch WITNESS' > x.tcl; tclsh ./x.tcl"})
  void writtenTclScriptIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /**
   * The general form of the Tcl case: a shell, an interpreter, {@code source}/{@code .} or a path
   * run as a command, given a file the same text writes directly (each ran {@code touch} under
   * bash 5.2 before the rule). Not by a {@code file://} download: that is no network here.
   */
  @ParameterizedTest(name = "written script run: {0}")
  @ValueSource(strings = {
      "printf 'touch WITNESS\\n' > s && sh s",
      "printf 'touch WITNESS\\n' > s; bash s",
      "cat > x <<'EOF'\ntouch WITNESS\nEOF\nchmod +x x; ./x",
      "printf 'system(\"touch WITNESS\")' > p.pl && perl p.pl",
      "printf 'import os\\nos.system(\"touch WITNESS\")\\n' > p.py && python3 p.py",
      "echo 'touch WITNESS' > x && . ./x",
      "echo 'touch WITNESS' > x && source x",
      "echo 'touch WITNESS' > a && mkdir -p d && cp a d/ && sh d/a",
      "echo 'touch WITNESS' > a && cp a b && chmod +x b && ./b",
      "echo WITNESS > x && sed -i 's/^/touch /' x && sh x",
      "tee x <<< 'touch WITNESS' > /dev/null; bash x",
      "dd of=x <<< 'touch WITNESS' 2>/dev/null; sh x",
      "echo 'touch WITNESS' > a && install -m 755 a b && ./b",
      "echo 'touch WITNESS' > a && ln -s a l && bash -- l",
      "echo 'touch WITNESS' > a && mv a b && sh -e ./b",
      "printf 'touch WITNESS\\n' > s && /bin/sh s",
      "printf 'touch WITNESS\\n' > s && env bash s",
      "printf 'touch WITNESS\\n' > s && sh < s",
      "printf 'import os\\nos.system(\"touch WITNESS\")\\n' > p.py && python3 -u p.py"})
  void writtenScriptIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** A script the text does not write, or one brought by git, tar or make, is judged as before. */
  @ParameterizedTest(name = "everyday: {0}")
  @ValueSource(strings = {
      "sh deploy.sh",
      "./deploy.sh",
      "bash deploy.sh > deploy.log 2>&1",
      "./deploy.sh | tee deploy.log",
      "git pull && ./deploy.sh",
      "tar xzf app.tgz && cd app && ./install.sh",
      "./configure && make",
      "python3 report.py > report.txt",
      "grep ERROR app.log > errors.txt && python3 analyze.py errors.txt",
      "cp config.example config.yml && ./start.sh",
      "bash < setup.sh",
      "gcc -o hello hello.c && ./hello",
      "make hello && ./hello",
      "go build -o app . && ./app",
      "python3 -m venv .venv && . .venv/bin/activate",
      "git clone https://example.com/r.git && cd r && ./bootstrap.sh"})
  void everydayScriptStaysAllowed(String text) {
    assertThat(DEFAULT.judge(text).verdict()).as(text).isInstanceOf(Verdict.Allow.class);
    assertThat(DEFAULT.judgeTyped(text).verdict()).as(text).isInstanceOf(Verdict.Allow.class);
  }

  @ParameterizedTest(name = "scalar -c: {0}")
  @ValueSource(strings = {
      "git init -q src && scalar -c remote.origin.uploadpack='touch WITNESS' clone \"$PWD/src\" dst",
      "git init -q src && scalar -c core.fsmonitor='touch WITNESS' clone \"$PWD/src\" dst"})
  void scalarSettingIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  /** LLVM IR whose {@code main} calls {@code system("touch w")}. */
  private static final String IR = "declare i32 @system(i8*) @s = constant [8 x i8] c\"touch w\\00\""
      + " define i32 @main() { %r = call i32 @system(i8* getelementptr ([8 x i8], [8 x i8]* @s, i32 0, i32 0)) ret i32 0 }";

  @ParameterizedTest(name = "lli of inline IR: {0}")
  @ValueSource(strings = {"lli <<< '" + IR + "'", "echo '" + IR + "' | lli", "printf '%s\\n' '" + IR + "' | lli -"})
  void lliInlineIsJudged(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }
}
