package dev.gatehouse.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RefusalBannerTest {
  static Stream<Arguments> texts() {
    return Stream.of(
        Arguments.of("an escape sequence", "a\u001b[2Jb", "a?[2Jb"),
        Arguments.of("a line break", "a\r\nb", "a??b"),
        Arguments.of("a C1 control", "a\u009bb", "a?b"),
        Arguments.of("a right-to-left override", "a\u202eb", "a?b"),
        Arguments.of("a line separator", "a\u2028b", "a?b"),
        Arguments.of("the message's dash", "run \u2014 login", "run \u2014 login"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("texts")
  void bannerTextIsOneLineOfPrintableText(String name, String text, String shown) {
    assertThat(RefusalBanner.printable(text)).isEqualTo(shown);
  }
}
