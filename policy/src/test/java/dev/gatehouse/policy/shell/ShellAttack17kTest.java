package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass on the guarded prompt after the nonce wall: ways of reaching {@code exec} in the
 * guarded shell other than typing it bare, and programs that start a shell or run a command
 * without being read as doing so. Each text was allowed (or only reviewed as something milder)
 * before; the secure reading is asserted. The prompt-side effects (the hook noticing moved
 * descriptors, the nonce typed with edits) are exercised against real bash in the gateway's
 * {@code ShellPromptAttack17kIT}.
 */
class ShellAttack17kTest {
  static final ShellJudge DEFAULT = ShellJudgeTest.DEFAULT;

  /**
   * {@code exec} reached through a builtin that runs it in the same shell: with only redirections
   * it moves the guarded shell's own output (the hook's markers go to a file a background job can
   * read, nonce included) or its error output (the command-start marker is lost); with a program
   * it replaces the shell. {@code guard-tamper}, blocked, like a bare {@code exec}.
   */
  @ParameterizedTest(name = "exec in the guarded shell: {0}")
  @ValueSource(strings = {
      "command exec >/tmp/o 2>&1",
      "command exec 2>/dev/null",
      "builtin exec >/tmp/o",
      "command -- exec 1>/tmp/o",
      "eval 'exec >/tmp/o 2>&1'",
      "eval \"exec 2>/dev/null\"",
      "eval exec bash",
      "command exec bash",
      "builtin exec sh -i",
      "eval 'command exec </tmp/script'",
      "time exec bash",
      "f() { command exec >/tmp/o; }; f",
      "exec {fd}>/tmp/o 1>&$fd"})
  void execInTheGuardedShellIsGuardTamper(String text) {
    ShellJudgement j = DEFAULT.judgeTyped(text);
    assertThat(j.verdict().label()).as(text + ": " + j.verdict()).isEqualTo("block");
    assertThat(j.verdict().rule()).as(text + ": " + j.verdict()).isEqualTo("guard-tamper");
  }

  /** exec in a new process (bash -c, a subshell of sudo) does not touch the guarded shell: not guard-tamper. */
  @ParameterizedTest(name = "exec in another process: {0}")
  @ValueSource(strings = {"bash -c 'exec ls'", "sudo -u app sh -c 'exec 2>/dev/null; ls'", "find . -exec ls {} +"})
  void execInAnotherProcessIsNotGuardTamper(String text) {
    ShellJudgement j = DEFAULT.judgeTyped(text);
    assertThat(j.verdict().rule()).as(text + ": " + j.verdict()).isNotEqualTo("guard-tamper");
  }

  /**
   * Programs that start an interactive shell or interpreter, which then reads the terminal
   * unjudged: read as {@code nested-shell} (review at the prompt), or as unclassified where the
   * program is only known when it runs ({@code /proc/self/exe} is the shell itself).
   */
  @ParameterizedTest(name = "starts a shell: {0}")
  @ValueSource(strings = {
      "/lib64/ld-linux-x86-64.so.2 /bin/bash",
      "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 --library-path /lib bash",
      "capsh --",
      "capsh --caps= --",
      "capsh --shell=/bin/sh --",
      "setarch x86_64 bash",
      "setarch x86_64",
      "setarch x86_64 -R",
      "linux64",
      "linux32 bash -i",
      "ssh-agent bash",
      "fakeroot",
      "fakeroot bash",
      "fakeroot -- sh",
      "python3 -i /dev/null",
      "python3 -i",
      "python3 -m code",
      "python3 -m asyncio",
      "python3 -mcode",
      "python3 -m pdb script.py",
      "ipython",
      "ipython3",
      "sqlite3 -cmd '.shell bash'",
      "sqlite3 :memory: '.system sh'",
      "valgrind bash",
      "valgrind --tool=none bash",
      "gdb --args bash",
      "gdb",
      "rlwrap bash",
      "dbus-launch bash",
      "faketime '2020-01-01 00:00:00' bash",
      "dumb-init bash",
      "tini -- bash",
      "numactl -N 0 bash",
      "numactl --cpunodebind=0 bash"})
  void programsThatStartAShellAreNestedShells(String text) {
    ShellJudgement j = DEFAULT.judgeTyped(text);
    // A debugger over a script is also interpreter-inline (named first): review either way.
    assertThat(j.verdict().rule()).as(text + ": " + j.verdict()).isIn("nested-shell", "interpreter-inline");
    assertThat(j.verdict().label()).isEqualTo("review");
  }

  @ParameterizedTest(name = "runs a program only known when it runs: {0}")
  @ValueSource(strings = {"/proc/self/exe", "/proc/thread-self/exe -i", "/proc/$$/exe", "/proc/1234/exe -c 'rm -rf /'",
      "/dev/fd/3", "cd /proc/self && ./exe", "perf stat bash", "perf record -g -- sh -c ls", "gdb -ex 'shell bash'",
      "gdb -batch -x cmds ./prog", "rlwrap -z filter bash"})
  void programsKnownOnlyWhenTheyRunAreUnclassified(String text) {
    ShellJudgement j = DEFAULT.judgeTyped(text);
    assertThat(j.verdict().label()).as(text + ": " + j.verdict()).isNotEqualTo("allow");
    assertThat(j.exact()).as(text + ": " + j.verdict()).isFalse();
  }

  /** The same wrappers around a destructive command: the command inside is judged (exec and typed). */
  @ParameterizedTest(name = "judged inside: {0}")
  @ValueSource(strings = {
      "valgrind rm -rf /",
      "/lib64/ld-linux-x86-64.so.2 /bin/rm -rf /",
      "capsh -- -c 'rm -rf /'",
      "faketime '2020-01-01' rm -rf /",
      "dumb-init rm -rf /",
      "tini -- rm -rf /",
      "numactl -N 0 rm -rf /",
      "setarch x86_64 -R rm -rf /",
      "linux64 rm -rf /",
      "fakeroot rm -rf /",
      "ssh-agent rm -rf /",
      "dbus-launch rm -rf /",
      "rlwrap rm -rf /",
      "gdb --args rm -rf /"})
  void theCommandInsideIsJudged(String text) {
    assertThat(DEFAULT.judge(text).verdict().rule()).as(text).isEqualTo("recursive-delete-root");
    assertThat(DEFAULT.judgeTyped(text).verdict().rule()).as(text).isEqualTo("recursive-delete-root");
  }

  /**
   * Everyday uses of the same programs stay allowed. ({@code python3 -m http.server 8000} was one;
   * serving the working directory to whoever connects is remote-copy now: ShellRunnersTest.)
   */
  @ParameterizedTest(name = "everyday: {0}")
  @ValueSource(strings = {"python3 -m http.server --help", "python3 -m json.tool data.json", "ssh-agent -s",
      "sqlite3 app.db 'select count(*) from users'", "valgrind --leak-check=full ./prog", "perf top", "setarch --list",
      "numactl --hardware", "linux64 uname -m"})
  void everydayUsesStayAllowed(String text) {
    ShellJudgement j = DEFAULT.judgeTyped(text);
    assertThat(j.verdict().label()).as(text + ": " + j.verdict()).isEqualTo("allow");
  }
}
