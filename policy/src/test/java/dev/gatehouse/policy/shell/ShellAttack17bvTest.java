package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.policy.Verdict;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 17bv on the shell judge's newest readings (main at 7124e01: env -S split as env
 * splits it, the loader's options, callbacks with their arguments, compgen -W with {@code #},
 * fakeroot -s/-i patterns, editor and pager variables read with a file appended, {@link
 * DescriptorNames}, {@link TerminalDevices}). Judges: {@link #DEFAULT} (the default deny-list),
 * {@link #ALLOW_LIST} (the docs' allow-list with the default classes) and {@link #DOCS_LIVE} (the
 * live targets' {@code docs-allow-list}). Every finding below was run as written under bash 5.2.15
 * (Debian 12: {@code /bin/sh} dash 0.5.12, git 2.39.5, sensible-utils, fakeroot 1.31, coreutils
 * 9.1, util-linux 2.38 script), in a bubblewrap sandbox ({@code --ro-bind / / --dev /dev --proc
 * /proc --unshare-all}, a fresh devpts) and again through these tests, and did what the test
 * asserts it must not. Each case fails on the current code: that failure is the proof.
 *
 * <p><b>F1, {@code /proc/self/root} is the root, {@code /proc/self/cwd} the working directory, and a
 * descriptor's name followed by more components is the directory the descriptor was opened on; the
 * path classes read such a path by its letters</b> (deny-list; exec and typed). {@code
 * ShellClass.normalize} folds only {@code //}, {@code .} and {@code ..}, so {@code rootishWord}, the
 * audit, device, power and history rules and {@link DescriptorNames#of} see {@code
 * /proc/self/root/opt} as a path four levels deep, not {@code /opt}; the kernel follows the magic link
 * to the process's root. Allowed, and run in the sandbox ({@code --tmpfs /opt}, {@code --tmpfs
 * /var/log}): {@code rm -rf /proc/self/root/opt} (also {@code /proc/thread-self/root}, {@code find
 * … -delete}, {@code rm -rf /dev/fd/3/opt 3</}, {@code rm -rf /dev/stdin/opt </}, {@code cd / && rm -rf
 * /proc/self/cwd/opt}) emptied {@code /opt}, where {@code rm -rf /opt} is {@code recursive-delete-root},
 * a block ({@code rm -rf /proc/self/root/*} is every top-level directory; {@code cd /proc/self/root &&
 * rm -rf etc} is only reviewed, {@code cd / && rm -rf etc} blocked); {@code : >
 * /proc/self/root/var/log/auth.log}, {@code truncate -s0 …} and {@code : 3</var/log/auth.log
 * >/proc/self/root/dev/fd/3} emptied the log ({@code audit-tamper} is a block); {@code : 3<~/.bash_history
 * >/proc/self/root/dev/fd/3} emptied the history (allowed; the {@code /dev/fd/3} form is {@code
 * history-tamper}, a block). Judged only, same cause: {@code dd of=/proc/self/root/dev/sda}, {@code echo
 * b > /proc/self/root/proc/sysrq-trigger}, {@code chmod -R 000 /proc/self/root/etc}, {@code echo x >>
 * /proc/self/root/etc/passwd} (all allowed). {@code Interpreters.opened} already resolves {@code
 * /proc/PID/root}, {@code task/T} and {@code /dev/fd} for a shell's script: the classes do not use it.
 * Fix: before any path class (and {@link DescriptorNames}, {@link TerminalDevices}), resolve a literal
 * absolute path as {@code Interpreters.opened} does: {@code /proc/PID/root} (self, thread-self, a
 * number, {@code task/T}) restarts at {@code /}; {@code /proc/PID/cwd/…}, and a descriptor's name
 * followed by components ({@code /dev/fd/3/opt}, {@code /dev/stdin/opt}), is a path in an unknown
 * directory, which for a recursive delete is as the relative-delete rule reads it (after {@code 3</} or a
 * {@code cd /}: the root).
 *
 * <p><b>F1b, a write to a descriptor's name only known when it runs is reviewed, not judged as the
 * file the text opened on it</b> (deny-list). {@code : 3<~/.bash_history >/proc/$$/fd/3} (also {@code
 * $BASHPID}; {@code exec {x}<~/.bash_history; : >/dev/fd/$x}) emptied the history: {@code
 * CommandReader.writesThroughDescriptorNames} skips a target that is not literal, so only the "device
 * only known when it runs" rule applies (unclassified: a review) where the class is a block. Fix: such a
 * target ({@code /proc/*}{@code /fd/N}, {@code /dev/fd/$x}) writes every file the text opened on a
 * descriptor ({@code descriptorFiles}), judged by the classes.
 *
 * <p><b>F2, another session's terminal through a descriptor opened on a directory, or through the
 * working directory</b> ({@link #DOCS_LIVE}; exec and typed). {@code TerminalDevices.namesTerminal}
 * takes any name {@link DescriptorNames#of} calls the process's own descriptor as the session's own,
 * also one with components after it ({@code beyond}), and the read redirection {@code 3</dev} names no
 * terminal; {@code otherTerminalRead} follows only a {@code cd}/{@code pushd} to a literal path. Allowed,
 * and each read the line typed into session A's {@code /dev/pts/N} (a {@code script} on its own
 * terminal): {@code cat /dev/fd/3/pts/N 3</dev}, {@code cat /dev/stdin/pts/N < /dev}, {@code cat
 * /proc/self/fd/3/pts/N 3</dev}, {@code cd /dev && cd / && cd - && cat pts/N} ({@code cd -} returns to
 * {@code /dev}), {@code cd /dev; cat /proc/self/cwd/pts/N}, {@code cd /dev; cat ~+/pts/N}. Fix: a
 * descriptor's name with components after it names a file in an unknown directory (refused where it
 * may be a terminal: its last part a number, {@code pts/…}, {@code tty…}), or resolve the descriptor to
 * the directory the text opened on it ({@code 3</dev}); a {@code cd} the reading does not follow
 * ({@code cd -}, {@code cd} with no operand, {@code popd}) makes the directory unknown, and a relative
 * name (or {@code /proc/self/cwd/…}, {@code ~+/…}) in an unknown directory after any {@code cd} of the
 * text is read as it would be in {@code /dev}.
 *
 * <p><b>F3, {@code .} as a command a program runs with arguments appended</b> (deny-list; exec and
 * typed; 17bt's T7 fixed only the editor and pager variables). The code is read alone, and {@code .}
 * with no file runs nothing to the judge ({@code Wrappers}: {@code source}/{@code .} without a file is
 * empty); the program appends a file whose content the text chose, and {@code .} sources it. Ran:
 * {@code printf 'touch W\n' > f; BROWSER=. sensible-browser ./f} (sensible-browser runs {@code
 * "$BROWSER" "$@"}); {@code git ls-remote --upload-pack=. ./f} and {@code git clone -q -u . ./f x} (a
 * local path: git runs {@code sh -c ". './f'"}); {@code git grep -O' .' touch} (the matching files);
 * {@code git difftool -y -x .} and {@code GIT_DIFFTOOL_EXTCMD=. git difftool -y} (the helper's {@code
 * eval $GIT_DIFFTOOL_EXTCMD "$LOCAL" "$REMOTE"}: the staged content); {@code GIT_EXTERNAL_DIFF=' .' git
 * diff} (the changed file {@code d/a}). With {@code reboot} in the file these stay allowed. Fix: read
 * every command value a program runs with arguments ({@code BROWSER}, {@code GIT_EXTERNAL_DIFF}, {@code
 * GIT_DIFFTOOL_EXTCMD}, {@code GIT_SSH_COMMAND}/{@code GIT_SSH}, {@code GIT_PROXY_COMMAND}, the askpass
 * variables, git's {@code --upload-pack}, {@code --receive-pack}, {@code --exec}, {@code -O}, {@code
 * difftool -x}, {@code send-email --*-cmd}) with a placeholder file appended ({@code
 * FILE_APPENDED_VARS}' {@code "./$1.txt"}), or refuse {@code .}/{@code source}/{@code eval} there.
 *
 * <p><b>F4, compgen's options read without their values</b> (deny-list; exec and typed). {@code
 * Wrappers} reads every word of {@code compgen}/{@code complete} that looks like {@code -C}/{@code -W}
 * and stops at {@code --}, ignoring that {@code -P}, {@code -S}, {@code -X}, {@code -G}, {@code -A},
 * {@code -o}, {@code -F} take the next word as their value: {@code compgen -P -W -C 'touch W' x} (the
 * judge reads {@code -W}'s list as {@code -C}), {@code compgen -P -- -C 'touch W' x} ({@code --} is the
 * prefix, not the end of the options), {@code compgen -S -- -C …}, {@code compgen -X -W -C …} ran
 * {@code touch W}, and {@code compgen -P -- -W '$(touch W)' x} the substitution; {@code compgen -P --
 * -C reboot x} is allowed. Fix: read compgen's options with its own table ({@code
 * abcdefgjksuvo:A:G:W:F:C:X:P:S:} plus {@code -D -E -I}), a value taking the next word whatever it is.
 *
 * <p><b>F5, fakeroot's {@code -f}/{@code --faked} value is expanded unquoted before its eval</b>
 * (deny-list; exec and typed). 17bt's T4 fix refuses a pattern in {@code -s}/{@code -i} only; fakeroot
 * 1.31 runs {@code eval $FAKED $FAKEDOPTS $PIPEIN} with {@code FAKED="$1"} of {@code -f} as well, so
 * {@code : > ';touch w;'; fakeroot -f 'true *' true} (also {@code --faked}, {@code --fa=}) evals the
 * working directory's names and runs {@code touch w}; the judge reads {@code true *}. Fix: the same
 * pattern rule for {@code -f}.
 *
 * <p>Tried and refused (passing regressions below): a shell or interpreter as the editor or pager
 * ({@code GIT_EDITOR=sh git commit -e -m CODE}, {@code PAGER=sh sensible-pager}, {@code GIT_PAGER=sh git
 * -p …}, {@code MANPAGER=sh}, python3: unclassified or nested-shell, reviewed); {@code BROWSER=sh},
 * {@code GIT_EXTERNAL_DIFF=sh}, {@code --upload-pack=sh} (nested-shell); fakeroot without a command
 * (nested-shell) and {@code -f '/usr/bin/faked *'} (interpreter-inline); env -S: its splitter matched
 * coreutils 9.1 {@code build_argv} on every escape, quote, {@code #} and {@code \c} case read, {@code
 * ${VAR}} is unclassified, nested {@code -S}, bundles ({@code -iS}, {@code -vS}), {@code --split-string=},
 * options after the string and the pager-secure reading of {@code -S} words (its own split fails closed
 * on any other character) held; the loader: every glibc 2.36 option with a value is in {@code
 * LOADER_WITH_ARG} (ld.so takes no {@code =} form and no abbreviation, so over-reading only); a
 * single-dash word ({@code ld.so --library-path . -x -c CODE}) is ld.so's program, not an option, but
 * runs only a file named {@code -x} brought in (a documented limit, not pursued); mapfile {@code -C}
 * with its arguments; {@code /proc/self/root/dev/pts/N} and other spellings the terminal rule reaches by
 * a {@code /dev/} inside the word ({@code tail -f}, {@code less}, {@code <}, {@code read -u 3 3<}, {@code
 * $(<…)}, {@code cd /proc/self/root/dev/pts && cat N}, {@code /dev/../dev/pts/N}, {@code CDPATH}); {@code
 * : > /proc/self/root/…/.bash_history} (history-tamper by its last part); writes in the allow-list (any
 * target but the exact safe names is refused). Live gateway runs were not made this pass (no time).
 */
class ShellAttack17bvTest {
  static final ShellJudge DEFAULT = ShellAttack17ahTest.DEFAULT;
  static final ShellJudge ALLOW_LIST = ShellAttack17ahTest.ALLOW_LIST;
  static final ShellJudge DOCS_LIVE = ShellAttack17buTest.DOCS_LIVE;


  // ---------------------------------------------------------------- F1: /proc/self/root is the root, for the path classes

  /** The judge must block it (recursive-delete-root); else, in the sandbox, /opt (a tmpfs there) must keep its files. */
  @ParameterizedTest(name = "deny-list: a recursive delete of /opt through the root's /proc name: {0}")
  @ValueSource(strings = {
      "rm -rf /proc/self/root/opt",
      "rm -rf /proc/thread-self/root/opt",
      "rm -rf /proc/self/root/opt/",
      "find /proc/self/root/opt -delete",
      "rm -rf /dev/fd/3/opt 3</",
      "rm -rf /dev/stdin/opt </",
      "cd / && rm -rf /proc/self/cwd/opt"})
  void recursiveDeleteThroughTheRootsProcName(String text) throws Exception {
    ShellJudgement j = DEFAULT.judge(text);
    if (j.verdict() instanceof Verdict.Block) {
      return;
    }
    String out = sandboxed(List.of("/opt", "/tmp"), "mkdir -p /opt/app/bin && echo x > /opt/app/bin/tool", text, "ls -A /opt");
    assertThat(after(out)).as("the guard judged %s %s %s (rm -rf /opt is recursive-delete-root, a block); bash deleted the"
        + " system directory's content: %s", text, j.verdict().label(), j.commands(), out).contains("app");
  }

  /** The same cause, judged only: the direct forms are blocked, these must be too. */
  @ParameterizedTest(name = "deny-list: {0}")
  @ValueSource(strings = {
      "rm -rf /proc/self/root/etc",
      "rm -rf /proc/self/root/*",
      "rm -rf /proc/self/root/usr",
      "chmod -R 000 /proc/self/root/etc",
      "dd if=/dev/zero of=/proc/self/root/dev/sda",
      "echo x > /proc/self/root/dev/sda",
      "echo b > /proc/self/root/proc/sysrq-trigger",
      ": > /proc/self/root/var/log/auth.log",
      "rm /proc/self/root/var/log/syslog",
      "rm -rf /proc/self/cwd/*",
      "cd / && rm -rf /proc/self/cwd/etc",
      "cd /proc/self/root && rm -rf etc",
      ": 3</var/log/auth.log >/proc/self/root/dev/fd/3"})
  void blockClassesThroughTheRootsProcName(String text) {
    assertThat(DEFAULT.judge(text).verdict().label()).as(text).isEqualTo("block");
    assertThat(DEFAULT.judgeTyped(text).verdict().label()).as("typed: " + text).isEqualTo("block");
  }

  /** audit-tamper (a block): a log under /var/log (a tmpfs in the sandbox) truncated through /proc/self/root. */
  @ParameterizedTest(name = "deny-list: a log truncated through the root's /proc name: {0}")
  @ValueSource(strings = {": > /proc/self/root/var/log/auth.log", "truncate -s0 /proc/self/root/var/log/auth.log",
      ": 3</var/log/auth.log >/proc/self/root/dev/fd/3"})
  void logTruncatedThroughTheRootsProcName(String text) throws Exception {
    ShellJudgement j = DEFAULT.judge(text);
    if (j.verdict() instanceof Verdict.Block) {
      return;
    }
    String out = sandboxed(List.of("/var/log", "/tmp"), "echo 'Dec  6 sshd[1]: Accepted publickey' > /var/log/auth.log", text,
        "wc -c < /var/log/auth.log");
    assertThat(after(out)).as("the guard judged %s %s %s (: > /var/log/auth.log is audit-tamper, a block); bash emptied"
        + " the log: %s", text, j.verdict().label(), j.commands(), out).isNotEqualTo("0");
  }

  /** history-tamper (a block): the history emptied through a descriptor's name the judge does not take for one. */
  @ParameterizedTest(name = "deny-list: the history emptied: {0}")
  @ValueSource(strings = {": 3<~/.bash_history >/proc/self/root/dev/fd/3", ": 3<~/.bash_history >/proc/$$/fd/3",
      ": 3<~/.bash_history >/proc/$BASHPID/fd/3", "exec {x}<~/.bash_history; : >/dev/fd/$x"})
  void historyEmptiedThroughADescriptorsOtherName(String text, @TempDir Path tmp) throws Exception {
    ShellJudgement j = DEFAULT.judge(text);
    if (j.verdict() instanceof Verdict.Block) {
      return;
    }
    Files.writeString(tmp.resolve(".bash_history"), "ls\nsudo systemctl restart nginx\n");
    String out = BashWitness.run(tmp, List.of("bash", "--norc", "--noprofile", "-c", text), "");
    assertThat(Files.size(tmp.resolve(".bash_history"))).as("the guard judged %s %s %s (: 3<~/.bash_history >/dev/fd/3 and"
        + " : >~/.bash_history are history-tamper, a block); bash emptied the history: %s", text, j.verdict().label(),
        j.commands(), out).isNotZero();
  }

  // ---------------------------------------------------------------- F1 (allow-list): another session's terminal through /proc/self/root

  /**
   * Session A: {@code script} on a terminal of its own running a program that does not read it; a
   * line is typed into that terminal. Session B runs the text (PTS replaced by A's terminal number),
   * which the allow-list must refuse, or which must not get the line.
   */
  @ParameterizedTest(name = "docs-allow-list (live): {0}")
  @ValueSource(strings = {
      "cat /dev/fd/3/pts/PTS 3</dev",
      "cat /dev/stdin/pts/PTS < /dev",
      "cat /proc/self/fd/3/pts/PTS 3</dev",
      "cd /dev && cd / && cd - >/dev/null && cat pts/PTS",
      "cd /dev; cat /proc/self/cwd/pts/PTS",
      "cd /dev; cat ~+/pts/PTS"})
  void anotherSessionsTerminalReadByAnotherName(String template, @TempDir Path tmp) throws Exception {
    Process victim = new ProcessBuilder("script", "-qfec", "sleep 20", "/dev/null").redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      String pts = null;
      for (int k = 0; k < 50 && pts == null; k++) {
        Thread.sleep(100);
        for (ProcessHandle h : victim.descendants().toList()) {
          try {
            String link = Files.readSymbolicLink(Path.of("/proc/" + h.pid() + "/fd/0")).toString();
            if (link.startsWith("/dev/pts/")) {
              pts = link.substring("/dev/pts/".length());
            }
          } catch (IOException e) {
            // not yet, or gone
          }
        }
      }
      assertThat(pts).as("session A's terminal").isNotNull();
      String text = template.replace("PTS", pts);
      ShellJudgement exec = DOCS_LIVE.judge(text);
      ShellJudgement typed = DOCS_LIVE.judgeTyped(text);
      assertThat(DOCS_LIVE.judge("cat /dev/pts/" + pts).verdict().label()).as("the direct form").isEqualTo("block");
      if (!allowed(exec) && !allowed(typed)) {
        return;
      }
      Path stolen = tmp.resolve("stolen");
      Process reader = new ProcessBuilder("timeout", "5", "bash", "--norc", "--noprofile", "-c", text).directory(tmp.toFile())
          .redirectErrorStream(true).redirectOutput(stolen.toFile()).start();
      Thread.sleep(1500);
      victim.getOutputStream().write("secret-typed-by-A\n".getBytes(StandardCharsets.UTF_8));
      victim.getOutputStream().flush();
      assertThat(reader.waitFor(15, TimeUnit.SECONDS)).isTrue();
      assertThat(Files.readString(stolen, StandardCharsets.ISO_8859_1)).as("the allow-list allowed %s (exec: %s, typed: %s);"
          + " it read the line typed into session A's terminal /dev/pts/%s", text, exec.verdict().label(),
          typed.verdict().label(), pts).doesNotContain("secret-typed-by-A");
    } finally {
      victim.descendants().forEach(ProcessHandle::destroyForcibly);
      victim.destroyForcibly();
    }
  }

  // ---------------------------------------------------------------- F3: '.' as a command the program gives arguments

  @ParameterizedTest(name = "deny-list: '.' given the file the program appends: {0}")
  @ValueSource(strings = {
      "printf 'touch WITNESS\\n' > f; BROWSER=. sensible-browser ./f",
      "printf 'touch WITNESS\\n' > f; git ls-remote --upload-pack=. ./f",
      "printf 'touch WITNESS\\n' > f; git clone -q -u . ./f x",
      "git init -q r && cd r && mkdir d && echo 'touch WITNESS' > d/a && git add d/a && git grep -O' .' touch",
      "git init -q r && cd r && echo 'touch WITNESS' > a && git add a && echo y > a && git difftool -y -x .",
      "git init -q r && cd r && echo 'touch WITNESS' > a && git add a && echo y > a && GIT_DIFFTOOL_EXTCMD=. git difftool -y",
      "git init -q r && cd r && mkdir d && echo x > d/a && git add d/a && echo 'touch WITNESS' > d/a"
          + " && GIT_EXTERNAL_DIFF=' .' git diff"})
  void dotGivenTheAppendedFile(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  @ParameterizedTest(name = "deny-list: {0}")
  @ValueSource(strings = {"printf 'reboot\\n' > f; git ls-remote --upload-pack=. ./f",
      "printf 'reboot\\n' > f; BROWSER=. sensible-browser ./f"})
  void dotGivenTheAppendedFileBlockIsNotAllowed(String text) {
    assertThat(DEFAULT.judge(text).verdict().label()).as(text).isNotEqualTo("allow");
  }

  // ---------------------------------------------------------------- F4: compgen's options read without their values

  @ParameterizedTest(name = "deny-list: compgen -C after an option that took -W or -- as its value: {0}")
  @ValueSource(strings = {
      "compgen -P -W -C 'touch WITNESS' x",
      "compgen -P -- -C 'touch WITNESS' x",
      "compgen -X -W -C 'touch WITNESS' x",
      "compgen -S -- -C 'touch WITNESS' x",
      "compgen -P -- -W '$(touch WITNESS)' x"})
  void compgenOptionValues(String template, @TempDir Path tmp) throws Exception {
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  @ParameterizedTest(name = "deny-list: {0}")
  @ValueSource(strings = {"compgen -P -- -C reboot x", "compgen -P -W -C 'rm -rf --no-preserve-root /' x"})
  void compgenOptionValuesBlockIsNotAllowed(String text) {
    assertThat(DEFAULT.judge(text).verdict().label()).as(text).isEqualTo("block");
  }

  // ---------------------------------------------------------------- F5: fakeroot -f's value expanded before its eval

  @ParameterizedTest(name = "deny-list: fakeroot -f's pattern becomes the names of files it evals: {0}")
  @ValueSource(strings = {": > ';touch w;'; fakeroot -f 'true *' true", ": > ';touch w;'; fakeroot --faked 'true *' true",
      ": > ';touch w;'; fakeroot --fa='true *' true"})
  void fakerootFakedPattern(String template, @TempDir Path tmp) throws Exception {
    if (!Files.isExecutable(Path.of("/usr/bin/fakeroot"))) {
      return;
    }
    BashWitness.assertRunsNoUnjudgedTouch(DEFAULT, template, tmp, false);
  }

  // ---------------------------------------------------------------- tried and refused (regressions)

  @ParameterizedTest(name = "refused: {0}")
  @ValueSource(strings = {
      "GIT_EDITOR=sh git commit -q --allow-empty -e -m 'touch W'",
      "GIT_EDITOR=python3 git commit -q --allow-empty -e -m 'import os; os.system(\"touch W\")'",
      "printf 'touch W\\n' > f; VISUAL=sh sensible-editor ./f",
      "echo 'touch W' | PAGER=sh sensible-pager",
      "echo 'import os;os.system(\"touch W\")' | PAGER=python3 sensible-pager",
      "GIT_PAGER=sh git -p stripspace <<< 'touch W'",
      "MANPAGER=sh man ls",
      "BROWSER=sh sensible-browser ./f",
      "GIT_EXTERNAL_DIFF=sh git diff",
      "git ls-remote --upload-pack=sh ./f",
      "fakeroot", "fakeroot -u", "echo 'touch W' | fakeroot",
      ": > ';touch w;'; fakeroot -f '/usr/bin/faked *' true",
      "env -vS'-S\"-u X touch W\"'", "env -iS 'touch W'",
      ": > /proc/self/root/root/.bash_history",
      "rm -rf /proc/self/cwd/../.."})
  void triedAndRefusedDenyList(String text) {
    assertThat(DEFAULT.judge(text).verdict().label()).as(text).isNotEqualTo("allow");
  }

  @ParameterizedTest(name = "refused by the live allow-list: {0}")
  @ValueSource(strings = {
      "cat /proc/self/root/dev/pts/0", "tail -f /proc/thread-self/root/dev/pts/0", "less /proc/self/root/dev/pts/0",
      "cat < /proc/self/root/dev/pts/0", "cd /proc/self/root/dev/pts && cat 0", "cat /dev/fd/3/0 3</dev/pts",
      "cat /proc/self/root/proc/1234/fd/0", "cat /dev/../dev/pts/0", "cat /sys/../dev/pts/0", "CDPATH=/dev cd pts && cat 0",
      "cd /; cd dev; cat pts/0", "cd /dev; cat ../dev/pts/0", "cat /proc/self/task/1/root/dev/pts/0",
      "cat /dev/stdin/../dev/pts/0", "read -u 3 x 3</proc/self/root/dev/pts/0", "echo \"$(</proc/self/root/dev/pts/0)\"",
      ": 3<~/.bash_history >/proc/self/root/dev/fd/3", "echo x >/proc/self/root/dev/stdout"})
  void triedAndRefusedAllowList(String text) {
    assertThat(DOCS_LIVE.judge(text).verdict().label()).as(text).isNotEqualTo("allow");
    assertThat(DOCS_LIVE.judgeTyped(text).verdict().label()).as("typed: " + text).isNotEqualTo("allow");
  }

  private static boolean allowed(ShellJudgement j) {
    return j.verdict() instanceof Verdict.Allow;
  }

  private static final String GIT_IDENTITY = "GIT_AUTHOR_NAME=a GIT_AUTHOR_EMAIL=a@b GIT_COMMITTER_NAME=a GIT_COMMITTER_EMAIL=a@b ";

  /**
   * Runs {@code setup} then {@code text} with bash in a bubblewrap sandbox whose root is the host's,
   * read-only, with {@code tmpfs} on each of {@code writable} (so a recursive delete of a system
   * directory deletes only the sandbox's copy), and prints {@code after}'s output after a marker.
   */
  static String sandboxed(List<String> writable, String setup, String text, String after) throws Exception {
    List<String> argv = new ArrayList<>(List.of("bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"));
    for (String w : writable) {
      argv.addAll(List.of("--tmpfs", w));
    }
    argv.addAll(List.of("--unshare-all", "--die-with-parent", "--chdir", "/tmp", "bash", "--norc", "--noprofile", "-c",
        setup + "\nbash --norc --noprofile -c \"$0\"\necho '<<after>>'\n" + after, text));
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("the sandbox ended").isTrue();
    return out;
  }

  private static String after(String out) {
    int at = out.indexOf("<<after>>");
    return at < 0 ? "" : out.substring(at + "<<after>>".length()).strip();
  }
}
