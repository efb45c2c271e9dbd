package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass 17ay (live, ShellLiveAttack17ayIT): the guarded shell keeps the nonce of its next
 * prompt's wall in its memory, and a process may read its own user's processes' memory: {@code
 * tail -c +HEAP /proc/PID/mem | grep -ao '[0-9a-f]\{128\}'} (listed programs only) printed it, and
 * with the nonce a printed string forged the hook's prompt marker and raw type-ahead ran unjudged.
 * At the prompt a line that names a process's memory, or attaches to a process, is now
 * guard-tamper (always blocked there).
 */
class ShellAttack17ayTest {
  static final ShellJudge DEFAULT = ShellAttack17ahTest.DEFAULT;
  static final ShellJudge ALLOW_LIST = ShellAttack17ahTest.ALLOW_LIST;

  @ParameterizedTest(name = "typed: {0}")
  @ValueSource(strings = {
      "tail -c +94000000 /proc/4321/mem | grep -ao '[0-9a-f]\\{128\\}'",
      "tail -c +1 /proc/$PPID/mem | grep -ao x",
      "p=/proc/4321; tail -c +1 $p/mem",
      "grep -ao x /proc/self/task/12/mem",
      "cat /proc/4321/m*",
      "grep -r x /proc/4321/*",
      "cat /proc/4321/map_files/55d0-55e0",
      "cd /proc/4321 && tail -c +1 mem",
      "cd /proc/$PPID; grep -a x m?m",
      "less /proc/4321/mem",
      "gcore 4321",
      "strace -p 4321 -e write -s 300",
      "ltrace -p 4321"})
  void aProcessesMemoryIsNotReadAtThePrompt(String text) {
    assertThat(DEFAULT.judgeTyped(text).verdict().label()).as(text).isEqualTo("block");
    assertThat(ALLOW_LIST.judgeTyped(text).verdict().label()).as(text).isEqualTo("block");
  }

  /** The system's files under /proc and a process's status stay readable. */
  @ParameterizedTest(name = "allowed: {0}")
  @ValueSource(strings = {"cat /proc/meminfo", "grep MemFree /proc/meminfo", "cat /proc/loadavg",
      "cat /proc/1/status", "ls /proc", "cat /proc/self/cgroup", "free -m", "ps -eo pid,%mem,cmd",
      "grep -i mem /proc/meminfo", "tail /proc/1/stat", "cat /proc/sys/vm/swappiness"})
  void everydayStaysAllowed(String text) {
    assertThat(DEFAULT.judgeTyped(text).verdict().label()).as(text).isEqualTo("allow");
  }
}
