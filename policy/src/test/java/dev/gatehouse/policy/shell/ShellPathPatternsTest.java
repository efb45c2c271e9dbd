package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.policy.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Paths written with brace expansion or a pattern are judged as every path they could stand for
 * (PathPatterns), namerefs and arithmetic assignments as the assignments they are; and ordinary
 * patterns that cannot reach what a class names stay allowed.
 */
class ShellPathPatternsTest {
  private static final ShellJudge DEFAULT = ShellJudgeTest.DEFAULT;

  /**
   * {@code .*} (and {@code .bash_h*}) in the working directory match {@code .bash_history} when it
   * is the home directory: as {@code rm .bash_history} is, that is history-tamper.
   */
  @ParameterizedTest(name = "history-tamper: {0}")
  @ValueSource(strings = {"rm -rf .*", "rm -f .bash_h*", "rm -f ~/.*_history", "shred -u ~/.?sh_history",
      "rm -f ~/.bash_history{,}", "truncate -s0 ~/.[bz]sh_history"})
  void aPatternThatCouldNameAHistoryFileIsHistoryTamper(String text) {
    Verdict v = DEFAULT.judgeTyped(text).verdict();
    assertThat(v.label()).as(text).isEqualTo("block");
    assertThat(v.rule()).as(text).isEqualTo("history-tamper");
  }

  /** bash's default dot rule: a pattern starting with a pattern character names no hidden file. */
  @ParameterizedTest(name = "allowed: {0}")
  @ValueSource(strings = {"rm -rf dist/*", "rm -f /tmp/*.tmp", "rm -rf build/{a,b}", "chmod -R g+w /srv/app/*",
      "cp *.conf /srv/backup/", "rm -f ~/*.log", "ls /etc/{hosts,hostname}", "cat /etc/pass{wd,}"})
  void patternsThatCannotReachWhatAClassNamesStayAllowed(String text) {
    assertThat(DEFAULT.judgeTyped(text).verdict()).as(text).isInstanceOf(Verdict.Allow.class);
  }

  @ParameterizedTest(name = "{1} is judged as {0}")
  @CsvSource(delimiterString = " => ", textBlock = """
      recursive-delete-root => rm -rf /[a-z]*
      recursive-delete-root => rm -rf /{bin,tmp}
      recursive-delete-root => rm -rf /E*
      recursive-delete-root => cd / && rm -rf ~-/etc
      raw-device-write => dd if=/dev/zero of=/dev/nvme0n{1..1}
      raw-device-write => cat x > /dev/sd[a-c]
      user-change => cp x /etc/shado?
      user-change => echo k >> ~/.ss?/authorized_keys
      scheduler-change => cp job /etc/cron.{d,daily}/x
      audit-tamper => rm -f /var/lo?/auth.log
      """)
  void aPathWrittenOtherwiseIsJudgedAsWhatItCouldName(String rule, String text) {
    assertThat(DEFAULT.judgeTyped(text).verdict().rule()).as(text).isEqualTo(rule);
  }

  /** dotglob and GLOBIGNORE change what a pattern matches: held for review, never allowed. */
  @ParameterizedTest(name = "unclassified: {0}")
  @ValueSource(strings = {"shopt -s dotglob", "GLOBIGNORE=x", "bash -O dotglob -c 'rm -rf dist/*'"})
  void changingWhatPatternsMatchIsUnclassified(String text) {
    assertThat(DEFAULT.judge(text).verdict().label()).as(text).isEqualTo("review");
  }

  /** bash brace-expands as PathPatterns does (bash's own output compared, with nested braces and sequences). */
  @Test
  void braceExpansionIsBashs(@TempDir Path tmp) throws Exception {
    for (String w : List.of("/e{t,}c", "/{etc,usr}/{a,b{1..3}}", "/dev/sd{a..c}{1..2..1}", "x{5..1..2}y", "{a,b}{,c}",
        "/x{y}", "/a{b,c")) {
      String out = BashWitness.runOnSystemPath(tmp, List.of("bash", "--norc", "--noprofile", "-c",
          "printf '%s\\n' " + w), "");
      assertThat(PathPatterns.braces(w)).as(w).isEqualTo(out.lines().toList());
    }
    assertThat(Files.exists(tmp)).isTrue();
  }
}
