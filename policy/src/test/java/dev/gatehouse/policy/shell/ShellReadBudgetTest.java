package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A hostile text must not hold a thread of the gateway: the reading of one text has a time budget
 * ({@link CommandReader#READ_BUDGET}) past which the text is unclassified, and walking a node's
 * children is linear in their number (by index it was quadratic: 60,000 backquotes, a 60 KB exec
 * request, ran for more than ten minutes).
 */
class ShellReadBudgetTest {
  @Test
  void aReadingPastItsBudgetIsUnclassified() {
    ShellReading r = new CommandReader(Duration.ZERO).read("ls -l /etc");
    assertThat(r.unclassified()).anyMatch(u -> u.startsWith("the text took longer than"));
  }

  @Test
  void anOrdinaryTextIsReadWithinTheBudget() {
    ShellReading r = new CommandReader().read("ls -l /etc | grep conf");
    assertThat(r.unclassified()).isEmpty();
  }

  /** The timeout only guards against a hang (minutes before the fix); the verdict is what is asserted. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"`", "$((", "$(", "${"})
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aTextOfThousandsOfOpenSubstitutionsIsNotAllowedAndEnds(String piece) {
    String text = "echo " + piece.repeat((60_000 - 5) / piece.length());
    var verdict = ShellJudgeTest.DEFAULT.judge(text).verdict();
    assertThat(verdict.label()).as(piece).isNotEqualTo("allow");
  }
}
