package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 17bu on the allow-list boundary ({@code mode: allow-list}). Judges: {@link #DOCS_LIVE},
 * the {@code docs-allow-list} policy of {@code ShellLiveTargets} (allowCommands {@code [ls, cat, less,
 * grep, tail, journalctl, "systemctl status"]}, {@code block: [recursive-delete-root]}, nothing else),
 * which the live targets {@code web-strict} and {@code ssh-strict} use; {@code ShellAttack17ahTest}'s
 * {@code ALLOW_LIST} (the same list with the default policy's classes) and the default deny-list.
 * Every witness case was run as written under bash 5.2.15 (Debian 12, less 590, GNU coreutils 9.1)
 * through {@link BashWitness#run} (the test's temporary directory as the working directory and HOME),
 * and did what the test asserts it must not. The live counterparts are in {@code ShellLiveAttack17buIT}.
 *
 * <p><b>W1, a redirection to {@code /dev/fd/N}, {@code /dev/stdout} or {@code /dev/stderr} opens the
 * file behind the descriptor again, for writing</b> (all three judges; exec and typed). {@code
 * ShellJudge.allowList} lets a text write by redirection only to {@code SAFE_WRITES} ({@code /dev/null},
 * {@code /dev/stdout}, {@code /dev/stderr}, {@code /dev/tty}) and {@code /dev/fd/[0-9]+}, taking those
 * for the descriptors the command already has. On Linux bash has {@code HAVE_DEV_FD}/{@code
 * HAVE_DEV_STDIN}, so it does not emulate these names ({@code redir_special_open} only does so where
 * the system lacks them): it calls {@code open(2)} on them, and the kernel follows {@code
 * /proc/self/fd/N}'s magic link to the file the descriptor was opened on and opens that file afresh
 * with the redirection's flags ({@code O_WRONLY|O_CREAT|O_TRUNC}, or {@code O_APPEND}). A descriptor
 * opened read-only by a read redirection (not a write, so not judged as one) thus becomes a write:
 * {@code echo TEXT 3<FILE >/dev/fd/3} replaces FILE's content with TEXT, {@code >>/dev/fd/3} appends,
 * {@code : 3<FILE >/dev/fd/3} truncates, {@code ls 1<FILE >/dev/stdout}, {@code ls NOFILE 2<FILE
 * 2>/dev/stderr}, {@code exec 3<FILE; echo TEXT >/dev/fd/3}. {@code ShellClass.normalize} also
 * resolves {@code ..} by the letters, where the kernel resolves it in the directory the descriptor
 * is: {@code echo TEXT 3<DIR >/dev/fd/3/../7} is judged as a write to {@code /dev/fd/7} and creates
 * {@code DIR/../7}. With {@code echo}, a builtin every list runs, the content is any text: {@code echo
 * 'touch W' 3<~/.bashrc >/dev/fd/3} (or {@code >>}) puts a command in the account's startup file, which
 * the next session's bash runs (shown: {@code bash -ic true} then runs {@code touch}). The same
 * write hides from the default deny-list's classes, which look at the redirection's target only:
 * {@code : 3<~/.bash_history >/dev/fd/3} is not {@code history-tamper}, {@code echo KEY
 * 3<~/.ssh/authorized_keys >>/dev/fd/3} not {@code user-change}, {@code : 3</var/log/auth.log
 * >/dev/fd/3} not {@code audit-tamper}, {@code echo CMD 3<~/.bashrc >>/dev/fd/3} not {@code
 * interpreter-inline} (the direct forms are refused: checked below). Fix: a write to {@code
 * /dev/fd/N}, {@code /proc/self/fd/N}, {@code /dev/stdout} or {@code /dev/stderr} counts as a write
 * to whatever the text (or an earlier line: unknown) opened on that descriptor; at least, in
 * allow-list mode, such a write is refused when the text opens the descriptor from a file ({@code N<},
 * {@code exec N<}), or unless the name is exactly the descriptor the command inherited, and any
 * path with a component after the descriptor ({@code /dev/fd/3/..}) is refused.
 *
 * <p><b>L1, the pager's secure mode dropped without an assignment, in an allow-list policy that does
 * not list {@code interpreter-inline}</b> ({@link #DOCS_LIVE}; exec and typed). docs/policy.md:
 * "Listing less, journalctl or systemctl does not hand out a shell through the pager's {@code !}: on
 * every target with a shell policy the program runs with LESSSECURE=1", and the allow-list refuses
 * "setting a variable that changes what a listed command runs (… LESSSECURE …) by any route". {@code
 * ShellJudge.allowList} refuses assignments (the reader records {@code unset}, {@code export V=},
 * {@code read V} … as such), but the routes that take the variable out of the environment without
 * assigning it are only known to {@code CommandPrompts.pagerSecureDropped}, which is part of the
 * {@code interpreter-inline} class ({@code ShellClass.interpreterInline}): a policy that does not list
 * that class (the live {@code docs-allow-list}, {@code block: [recursive-delete-root]}) allows {@code
 * export -n LESSSECURE; less F}, {@code declare +x LESSSECURE}, {@code typeset +x LESSSECURE}, {@code
 * declare -a LESSSECURE} and {@code exec -c less F} (typed at the prompt {@code HookTamper} refuses {@code
 * export -n} and {@code exec}, not {@code declare +x}/{@code typeset +x}). less then runs without {@code LESSSECURE}, and
 * its {@code !touch W} (typed into the pager) runs. {@code export -n}/{@code declare +x} work on the
 * read-only variable the ssh integration exports too (bash refuses to unset it, not to unexport it:
 * shown by the typed cases, whose bash has {@code declare -rx LESSSECURE=1}). Fix: {@code allowList}
 * refuses what {@code pagerSecureDropped} finds (and {@code pagerSecureOff}), whatever the classes,
 * as it refuses the assignment; the integration cannot stop {@code export -n} itself.
 *
 * <p><b>L2, {@code LESSHISTFILE} names the file less writes, in the same allow-list</b> ({@link
 * #DOCS_LIVE}; exec and typed). less 590 writes its command history at exit to {@code
 * $LESSHISTFILE}, in secure mode too (secure mode stops {@code !}, {@code |}, log and lesskey files,
 * not the history file), through a temporary file renamed over the name: any file the account can
 * make or replace, holding {@code .less-history-file:}, {@code .search} and {@code "} followed by the
 * search typed (or given as a start command, {@code +/…}). {@code LESSHISTFILE} is not in {@code
 * ShellJudge.LOOKUP_VARS}; only {@code interpreter-inline}'s assignment rule ({@code
 * ShellClass.lessHistoryKept}) knows it. {@code LESSHISTFILE=~/.bashrc less '+/";touch W;#' F}
 * writes {@code "";touch W;#} as the file's last line: the next interactive bash prints two
 * "command not found" and runs {@code touch W} (shown with {@code bash -ic true}). Fix: add {@code
 * LESSHISTFILE} (and {@code LESSHISTSIZE} for good measure) to {@code LOOKUP_VARS}, or have {@code
 * allowList} apply {@code interpreter-inline}'s assignment and command rules whatever the policy
 * lists (L1 and L2 have that one cause).
 *
 * <p><b>R1, another person's terminal</b> ({@link #DOCS_LIVE}; judge side here, proven live in {@code
 * ShellLiveAttack17buIT#anotherPersonsSessionIsReadThroughItsTerminal}): on an {@code ssh} target
 * every person is the same host account, which owns every session's {@code /dev/pts/N}; {@code cat
 * /dev/pts/N} (a listed reader, an operand the judge takes for a file) reads the other session's
 * input, racing its bash. The judge refuses a shell given a terminal by name ({@code nested-shell})
 * and a process's memory, not a reader of another terminal. Fix: a listed reader's operand (or a
 * read redirection) naming a terminal device ({@code /dev/pts/*}, {@code /dev/tty[0-9S]*}, {@code
 * /proc/PID/fd/N}, a pattern that may match one) is refused in allow-list mode (and at the
 * prompt); the lasting fix is one host account per person.
 *
 * <p>Live ({@code ShellLiveAttack17buIT}, all 13 cases failing at 606e527): W1 on {@code ssh-strict}
 * (exec and typed; the file's content became {@code written-by-17bu}, or {@code ls}'s output), L1 on
 * both targets (typed {@code declare +x}/{@code typeset +x}; exec {@code export -n}, {@code exec -c}),
 * L2 on {@code ssh-strict} (the named file made, ending in {@code "";touch …;#}), R1 (three of six
 * lines typed into the other session's program, and its next wall nonce, read by {@code cat}), and
 * L3, gateway-side: an exec request with a terminal on an {@code ssh} target runs with no {@code
 * LESSSECURE} at all, so a plain {@code less /etc/hostname} runs {@code !touch} (see the IT).
 *
 * <p>Not findings (by the docs' terms): {@code journalctl --directory=DIR --vacuum-files=1} deletes
 * files named like archived journals in any directory the account can write (seen: any content, the
 * name alone), allowed because the live list does not list {@code audit-tamper}; an allow-list entry
 * allows every option that runs no program. {@code journalctl --cursor-file=FILE} writes FILE after
 * printing entries (not proven: no journal on this machine).
 *
 * <p>Tried and refused (passing regression cases below, or not a bypass): {@code unset LESSSECURE},
 * {@code LESSSECURE= less F}, {@code env -u LESSSECURE less F} (env not listed), {@code
 * LESSSECURE=1 less F} (allow-list refuses any assignment of it), {@code <>FILE}, {@code >|FILE},
 * {@code &>FILE}, {@code >/proc/self/fd/3} (writes), {@code read -e} (unclassified),
 * {@code hash -p}, functions, {@code PATH=…}, {@code ./ls}, {@code /tmp/ls} (refused). With the
 * default classes ({@code ALLOW_LIST}) L1 is a review ({@code interpreter-inline}).
 */
class ShellAttack17buTest {
  /** The live targets' {@code docs-allow-list} (ShellLiveTargets.POLICIES), exactly. */
  static final ShellJudge DOCS_LIVE = ShellJudgeTest.judge(Map.of(
      "type", "shell",
      "mode", "allow-list",
      "allowCommands", List.of("ls", "cat", "less", "grep", "tail", "journalctl", "systemctl status"),
      "block", List.of("recursive-delete-root")));
  static final ShellJudge ALLOW_LIST = ShellAttack17ahTest.ALLOW_LIST;
  static final ShellJudge DEFAULT = ShellAttack17ahTest.DEFAULT;

  private static final String ORIGINAL = "original content\n";

  private static boolean allowed(ShellJudgement j) {
    return j.verdict() instanceof dev.gatehouse.policy.Verdict.Allow;
  }

  /**
   * The text ({@code VICTIM} replaced by an existing file, {@code DIR} by an existing directory
   * holding a subdirectory {@code sub}) refused by the exec and the typed judgement of {@code judge};
   * else bash, given it, must leave the file as it was and make no file {@code 7} beside {@code sub}.
   */
  static void assertWritesNothing(ShellJudge judge, String template, Path tmp) throws Exception {
    Path victim = tmp.resolve("victim");
    Files.writeString(victim, ORIGINAL);
    Files.createDirectories(tmp.resolve("d/sub"));
    String text = template.replace("VICTIM", victim.toString()).replace("DIR", tmp.resolve("d/sub").toString());
    ShellJudgement exec = judge.judge(text);
    ShellJudgement typed = judge.judgeTyped(text);
    if (!allowed(exec) && !allowed(typed)) {
      return;
    }
    String out = BashWitness.run(tmp, List.of("bash", "--norc", "--noprofile", "-c", text), "");
    assertThat(Files.readString(victim, StandardCharsets.UTF_8) + (Files.exists(tmp.resolve("d/7")) ? "[made d/7]" : ""))
        .as("the guard allowed %s (exec: %s %s, typed: %s %s), which writes no file; bash wrote the file opened for reading: %s",
            text, exec.verdict().label(), exec.verdict().rule(), typed.verdict().label(), typed.verdict().rule(), out)
        .isEqualTo(ORIGINAL);
  }

  // ---------------------------------------------------------------- W1: /dev/fd/N opens the file again, for writing

  @ParameterizedTest(name = "docs-allow-list (live): {0}")
  @ValueSource(strings = {
      "echo written-by-17bu 3<VICTIM >/dev/fd/3",
      "echo written-by-17bu 3<VICTIM >>/dev/fd/3",
      ": 3<VICTIM >/dev/fd/3",
      "ls / 3<VICTIM >/dev/fd/3",
      "cat /etc/hostname 4<VICTIM >/dev/fd/4",
      "ls / 1<VICTIM >/dev/stdout",
      "ls /no-such-17bu 2<VICTIM 2>/dev/stderr",
      "exec 3<VICTIM; echo written-by-17bu >/dev/fd/3",
      "echo written-by-17bu 3<DIR >/dev/fd/3/../7"})
  void docsAllowListWritesThroughADescriptorsName(String template, @TempDir Path tmp) throws Exception {
    assertWritesNothing(DOCS_LIVE, template, tmp);
  }

  @ParameterizedTest(name = "allow-list with the default classes: {0}")
  @ValueSource(strings = {
      "echo written-by-17bu 3<VICTIM >/dev/fd/3",
      "echo written-by-17bu 3<VICTIM >>/dev/fd/3",
      "ls / 1<VICTIM >/dev/stdout",
      "echo written-by-17bu 3<DIR >/dev/fd/3/../7"})
  void allowListWritesThroughADescriptorsName(String template, @TempDir Path tmp) throws Exception {
    assertWritesNothing(ALLOW_LIST, template, tmp);
  }

  @ParameterizedTest(name = "deny-list: {0}")
  @ValueSource(strings = {
      "echo written-by-17bu 3<VICTIM >/dev/fd/3",
      "echo written-by-17bu 3<VICTIM >>/dev/fd/3"})
  void denyListWritesThroughADescriptorsName(String template, @TempDir Path tmp) throws Exception {
    assertWritesNothing(DEFAULT, template, tmp);
  }

  /**
   * The account's startup file, which exists (Debian's skeleton), written with a command through
   * the descriptor's name; the next interactive bash of the account (a later session) runs it.
   */
  @Test
  void docsAllowListPutsACommandInTheStartupFileTheNextSessionRuns(@TempDir Path tmp) throws Exception {
    Files.writeString(tmp.resolve(".bashrc"), "# ~/.bashrc\n");
    Path w = tmp.resolve("w");
    String text = "echo 'touch " + w + "' 3<~/.bashrc >>/dev/fd/3";
    ShellJudgement exec = DOCS_LIVE.judge(text);
    ShellJudgement typed = DOCS_LIVE.judgeTyped(text);
    if (!allowed(exec) && !allowed(typed)) {
      return;
    }
    BashWitness.run(tmp, List.of("bash", "--norc", "--noprofile", "-c", text), "");
    String out = BashWitness.run(tmp, List.of("bash", "-ic", "true"), "");
    assertThat(Files.exists(w)).as("the guard allowed %s (exec: %s, typed: %s) under the allow-list [%s]; the next"
        + " interactive bash ran the touch it wrote into ~/.bashrc: %s", text, exec.verdict().label(),
        typed.verdict().label(), Files.readString(tmp.resolve(".bashrc")), out).isFalse();
  }

  /**
   * The default deny-list's classes that guard files by path: the direct write is refused (so the
   * class is there), the write through the descriptor's name must be as well.
   */
  @ParameterizedTest(name = "deny-list, direct form refused, through /dev/fd/3 too: {0}")
  @ValueSource(strings = {
      ": >~/.bash_history|: 3<~/.bash_history >/dev/fd/3",
      "echo 'ssh-ed25519 AAAA x' >>~/.ssh/authorized_keys|echo 'ssh-ed25519 AAAA x' 3<~/.ssh/authorized_keys >>/dev/fd/3",
      ": >/var/log/auth.log|: 3</var/log/auth.log >/dev/fd/3",
      "echo 'touch /tmp/x' >>~/.bashrc|echo 'touch /tmp/x' 3<~/.bashrc >>/dev/fd/3",
      ": >/etc/passwd|: 3</etc/passwd >/dev/fd/3"})
  void denyListClassesMissTheWriteThroughADescriptorsName(String pair) {
    String direct = pair.substring(0, pair.indexOf('|'));
    String hidden = pair.substring(pair.indexOf('|') + 1);
    assertThat(DEFAULT.judge(direct).verdict().label()).as("the direct form %s", direct).isNotEqualTo("allow");
    ShellJudgement j = DEFAULT.judge(hidden);
    assertThat(j.verdict().label()).as("%s writes the same file as %s (bash opens /dev/fd/3 again, for writing)",
        hidden, direct).isNotEqualTo("allow");
  }

  @ParameterizedTest(name = "still refused: {0}")
  @ValueSource(strings = {
      "echo x <>VICTIM",
      "echo x >|VICTIM",
      "echo x &>VICTIM",
      "echo x 3<VICTIM >/proc/self/fd/3",
      "echo x >VICTIM"})
  void otherWritesStayRefused(String template, @TempDir Path tmp) throws Exception {
    assertWritesNothing(DOCS_LIVE, template, tmp);
  }

  // ---------------------------------------------------------------- L1: the pager's secure mode dropped without an assignment

  /** A bash started with {@code LESSSECURE=1}, as a command target's exec request is; the text on a terminal, then keys for less. */
  static void assertPagerRunsNothing(ShellJudge judge, String text, Path tmp, boolean typed) throws Exception {
    Path w = tmp.resolve("w");
    ShellJudgement j = typed ? judge.judgeTyped(text) : judge.judge(text);
    if (!allowed(j)) {
      return;
    }
    String keys = "\n!touch " + w + "\n\nq\n";
    String out;
    if (typed) {
      // The guarded prompt of an ssh target: bash -i without readline, LESSSECURE exported read-only.
      Files.writeString(tmp.resolve("rc"), "declare -rx LESSSECURE=1 SYSTEMD_PAGERSECURE=1\nPS1='$ '\n");
      out = BashWitness.run(tmp, List.of("script", "-qec", "bash --noprofile --noediting --rcfile rc -i", "/dev/null"),
          text + keys + "exit\n");
    } else {
      // An exec request with a terminal (ssh -t web-strict@gw TEXT): bash -c TEXT with LESSSECURE=1 in its environment.
      Files.writeString(tmp.resolve("t.sh"), text);
      out = BashWitness.run(tmp, List.of("script", "-qec",
          "env LESSSECURE=1 SYSTEMD_PAGERSECURE=1 bash --norc --noprofile -c \"$(cat t.sh)\"", "/dev/null"), keys);
    }
    assertThat(Files.exists(w)).as("the guard allowed %s (%s: %s %s); less ran `!touch` without its secure mode: %s",
        text, typed ? "typed" : "exec", j.verdict().label(), j.commands(), out).isFalse();
  }

  @ParameterizedTest(name = "docs-allow-list (live), exec: {0}")
  @ValueSource(strings = {
      "export -n LESSSECURE; less /etc/hostname",
      "declare +x LESSSECURE; less /etc/hostname",
      "typeset +x LESSSECURE; less /etc/hostname",
      "declare -a LESSSECURE; less /etc/hostname",
      "exec -c less /etc/hostname"})
  void docsAllowListExecDropsThePagersSecureMode(String text, @TempDir Path tmp) throws Exception {
    assertPagerRunsNothing(DOCS_LIVE, text, tmp, false);
  }

  /** Typed, {@code export -n} is guard-tamper ({@code HookTamper}); {@code declare +x} and {@code typeset +x} are not. */
  @ParameterizedTest(name = "docs-allow-list (live), typed: {0}")
  @ValueSource(strings = {
      "export -n LESSSECURE; less /etc/hostname",
      "declare +x LESSSECURE; less /etc/hostname",
      "typeset +x LESSSECURE; less /etc/hostname"})
  void docsAllowListTypedDropsThePagersSecureMode(String text, @TempDir Path tmp) throws Exception {
    assertPagerRunsNothing(DOCS_LIVE, text, tmp, true);
  }

  /** The control: with the mode kept, less refuses {@code !}; the assignment routes stay refused. */
  @ParameterizedTest(name = "refused or harmless: {0}")
  @ValueSource(strings = {
      "less /etc/hostname",
      "unset LESSSECURE; less /etc/hostname",
      "LESSSECURE= less /etc/hostname",
      "export LESSSECURE=; less /etc/hostname"})
  void pagerSecureModeKept(String text, @TempDir Path tmp) throws Exception {
    assertPagerRunsNothing(DOCS_LIVE, text, tmp, false);
  }

  // ---------------------------------------------------------------- L2: LESSHISTFILE names the file less writes

  /**
   * less 590 writes its history (also in secure mode) to {@code LESSHISTFILE}, by a temporary file
   * renamed over it: any file, made or replaced, whose last line is {@code "} and the search. As a
   * startup file, {@code "";touch W;#} runs touch in the next interactive bash.
   */
  @ParameterizedTest(name = "docs-allow-list (live), {1}: {0}")
  @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
      LESSHISTFILE=.bashrc less '+/";touch WITNESS;#' /etc/hostname | exec
      LESSHISTFILE=.bashrc less '+/";touch WITNESS;#' /etc/hostname | typed
      LESSHISTFILE=.bashrc less /etc/hostname                       | search
      export LESSHISTFILE=.bashrc; less /etc/hostname               | search
      """)
  void docsAllowListLessWritesItsHistoryIntoAStartupFile(String template, String how, @TempDir Path tmp) throws Exception {
    Path w = tmp.resolve("w");
    String text = template.replace("WITNESS", w.toString());
    boolean typed = how.equals("typed");
    ShellJudgement j = typed ? DOCS_LIVE.judgeTyped(text) : DOCS_LIVE.judge(text);
    if (!allowed(j)) {
      return;
    }
    String keys = how.equals("search") ? "/\";touch " + w + ";#\nq\nq\n" : "q\nq\n";
    String out;
    if (typed) {
      Files.writeString(tmp.resolve("rc"), "declare -rx LESSSECURE=1 SYSTEMD_PAGERSECURE=1\nPS1='$ '\n");
      out = BashWitness.run(tmp, List.of("script", "-qec", "bash --noprofile --noediting --rcfile rc -i", "/dev/null"),
          text + "\n" + keys + "exit\n");
    } else {
      Files.writeString(tmp.resolve("t.sh"), text);
      out = BashWitness.run(tmp, List.of("script", "-qec",
          "env LESSSECURE=1 SYSTEMD_PAGERSECURE=1 bash --norc --noprofile -c \"$(cat t.sh)\"", "/dev/null"), keys);
    }
    assertThat(Files.exists(w)).as("less itself ran nothing").isFalse();
    out += BashWitness.run(tmp, List.of("bash", "-ic", "true"), "");
    assertThat(Files.exists(w)).as("the guard allowed %s (%s: %s %s); less wrote its history into ~/.bashrc [%s] and the"
        + " next interactive bash ran it: %s", text, how, j.verdict().label(), j.commands(),
        Files.exists(tmp.resolve(".bashrc")) ? Files.readString(tmp.resolve(".bashrc")) : "", out).isFalse();
  }

  @ParameterizedTest(name = "the default classes review it: {0}")
  @ValueSource(strings = {
      "export -n LESSSECURE; less /etc/hostname",
      "declare +x LESSSECURE; less /etc/hostname",
      "exec -c less /etc/hostname",
      "LESSHISTFILE=.bashrc less /etc/hostname"})
  void withInterpreterInlineListedItIsHeld(String text) {
    assertThat(ALLOW_LIST.judge(text).verdict().label()).as(text).isNotEqualTo("allow");
  }

  // ---------------------------------------------------------------- R1: another session's terminal (proven live: ShellLiveAttack17buIT)

  /**
   * Every person of an {@code ssh} target is the same account on the host, owner of every session's
   * terminal: reading another session's {@code /dev/pts/N} takes that person's input (the lines the
   * gateway types, the hook's nonces, passwords typed into programs) away from their shell.
   */
  @ParameterizedTest(name = "docs-allow-list (live), typed: {0}")
  @ValueSource(strings = {"cat /dev/pts/7", "tail -f /dev/pts/7", "grep -a . /dev/pts/7", "less /dev/pts/7"})
  void anotherSessionsTerminalIsNotRead(String text) {
    assertThat(DOCS_LIVE.judgeTyped(text).verdict().label()).as(text).isNotEqualTo("allow");
    assertThat(DOCS_LIVE.judge(text).verdict().label()).as(text).isNotEqualTo("allow");
  }
}
