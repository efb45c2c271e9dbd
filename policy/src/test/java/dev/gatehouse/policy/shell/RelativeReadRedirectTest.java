package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A read redirection's relative name, read from the directory the text changes to. Attack pass
 * 17co made opening a watchdog device power ({@code cat < /dev/watchdog} arms it, and the machine
 * reboots when nothing feeds it), but relative names were followed through {@code cd} for writes
 * and arguments only: {@code cd /dev && cat < watchdog} was allowed where {@code cd /dev; cat
 * watchdog} was blocked. Not run: opening the device is the harm. {@link RelativePaths} now reads
 * read redirections from the text's directories as it reads writes, and the classes that judge a
 * read (power only, today) see them.
 */
class RelativeReadRedirectTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiterString = " => ", textBlock = """
      cd /dev && cat < watchdog => block => power
      cd /dev; cat < ./watchdog0 => block => power
      cd / && cat < dev/watchdog => block => power
      pushd /dev >/dev/null; head -c1 < watchdog1 => block => power
      cd /tmp; cd ../dev && cat < watchdog => block => power
      """)
  void aWatchdogOpenedByItsRelativeNameIsPower(String text, String verdict, String rule) {
    for (ShellJudgement j : List.of(ShellJudgeTest.DEFAULT.judge(text), ShellJudgeTest.DEFAULT.judgeTyped(text))) {
      assertThat(j.verdict().label()).as(text).isEqualTo(verdict);
      assertThat(j.verdict().rule()).as(text).isEqualTo(rule);
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiterString = " => ", textBlock = """
      cd /etc && cat < hosts
      cd /var/log && grep -c error < syslog
      cd /dev && ls -l < null
      cd /srv/app && wc -l < watchdog.log
      """)
  void otherReadsAfterCdStayAllowed(String text) {
    for (ShellJudgement j : List.of(ShellJudgeTest.DEFAULT.judge(text), ShellJudgeTest.DEFAULT.judgeTyped(text))) {
      assertThat(j.verdict().label()).as(text).isEqualTo("allow");
    }
  }
}
