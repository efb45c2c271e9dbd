package dev.gatehouse.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MaskFormTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "full        | alice@example.com   | ********",
        "full        | x                   | ********",
        "keep-last-4 | 4111111111111111    | ****1111",
        "keep-last-4 | alice@example.com   | ****.com",
        "keep-last-4 | 12345678            | ********",
        "keep-last-4 | abc                 | ********",
        "keep-last-4 | 日本語のメールアドレス | ****アドレス",
      })
  void formShowsOnlyWhatItPromises(String form, String value, String masked) {
    assertThat(MaskForm.byLabel(form).apply(value)).isEqualTo(masked);
  }

  @Test
  void hashIsStableAndDistinguishesValues() {
    String a = MaskForm.HASH.apply("alice@example.com");
    assertThat(a).matches("hash:[0-9a-f]{16}").isEqualTo(MaskForm.HASH.apply("alice@example.com"));
    assertThat(MaskForm.HASH.apply("bob@example.com")).isNotEqualTo(a);
  }

  @Test
  void nullStaysNull() {
    assertThat(MaskForm.FULL.apply(null)).isNull();
  }
}
