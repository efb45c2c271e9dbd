package dev.gatehouse.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TextLimitTest {

  @ParameterizedTest
  @CsvSource({"x, 100000", "é, 100000", "€, 3000", "😀, 5000"})
  void aLongTextIsCutWithinTheBoundOnACharacterAndSaysHowMuchIsMissing(String unit, int count) {
    String text = unit.repeat(count);
    int total = text.getBytes(StandardCharsets.UTF_8).length;
    String cut = TextLimit.cut(text, 4096);
    assertThat(cut.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(4096);
    assertThat(cut).doesNotContain("\uFFFD").matches("(?s)(" + unit + ")+…\\(\\d+ bytes more\\)");
    String kept = cut.substring(0, cut.indexOf('…'));
    long more = Long.parseLong(cut.replaceAll("(?s).*…\\((\\d+) bytes more\\)", "$1"));
    assertThat(kept.getBytes(StandardCharsets.UTF_8).length + more).isEqualTo(total);
    assertThat(TextLimit.fits(text, 4096)).isFalse();
  }

  @Test
  void aTextWithinTheBoundIsTheSameText() {
    String text = "€".repeat(1365); // 4095 bytes
    assertThat(TextLimit.cut(text, 4096)).isSameAs(text);
    assertThat(TextLimit.fits(text, 4096)).isTrue();
    assertThat(TextLimit.cut(null, 10)).isNull();
  }

  @Test
  void bytesAReaderDroppedAreCountedInTheMarker() {
    assertThat(TextLimit.cut("abc", 1000, 4096)).isEqualTo("abc…(1000 bytes more)");
  }
}
