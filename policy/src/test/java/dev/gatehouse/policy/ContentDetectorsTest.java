package dev.gatehouse.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ContentDetectorsTest {
  private static final ContentDetectors ALL = ContentDetectors.of(ContentDetectors.NAMES);

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "email       | mail alice@example.com now            | mail ******** now",
        "email       | a.b+tag@sub.example.co.uk             | ********",
        "credit-card | card 4111 1111 1111 1111 ok           | card ******** ok",
        "credit-card | 4111-1111-1111-1111                   | ********",
        "credit-card | 5500005555555559                      | ********",
        "iban        | IBAN DE89 3704 0044 0532 0130 00 AND  | IBAN ******** AND",
        "iban        | GB82WEST12345698765432                | ********",
        "api-key     | key AKIAIOSFODNN7EXAMPLE              | key ********",
        "api-key     | ghp_abcdefghijklmnopqrstuvwxyz0123456789 | ********",
        "api-key     | xoxb-123456789012-abcdefghij          | ********",
        "api-key     | sk_live_abcdefghijklmnop1234          | ********",
        "api-key     | api_key=Zx8fQ2pLm9RtV4wK7sB1          | api_key=********",
        "api-key     | \"token\": \"aB3dE5gH7jK9mN1pQ3sT\"   | \"token\": \"********\"",
        "jwt         | Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U | Bearer ********",
      })
  void detectorMasksWhatItFinds(String detector, String text, String masked) {
    ContentDetectors d = ContentDetectors.of(List.of(detector));
    assertThat(d.matches(text)).isTrue();
    assertThat(d.mask(text, MaskForm.FULL)).isEqualTo(masked);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "credit-card | 4111 1111 1111 1112",
        "credit-card | order 1234567890123",
        "iban        | DE89 3704 0044 0532 0130 01",
        "iban        | XX00 0000 0000 0000",
        "email       | not an email @ all",
        "api-key     | password=aaaaaaaaaaaaaaaaaaaa",
        "api-key     | AKIA-not-a-key",
        "jwt         | eyJub3QiOiJqd3QifQ.eyJhIjoiYiJ9.sig",
        "private-key | -----BEGIN PUBLIC KEY-----",
      })
  void detectorLeavesLookAlikesAlone(String detector, String text) {
    ContentDetectors d = ContentDetectors.of(List.of(detector));
    assertThat(d.matches(text)).isFalse();
    assertThat(d.mask(text, MaskForm.FULL)).isEqualTo(text);
  }

  @Test
  void luhnAndMod97AreChecked() {
    assertThat(ContentDetectors.luhn("4111111111111111")).isTrue();
    assertThat(ContentDetectors.luhn("4111111111111112")).isFalse();
    assertThat(ContentDetectors.mod97("DE89370400440532013000")).isTrue();
    assertThat(ContentDetectors.mod97("DE88370400440532013000")).isFalse();
  }

  @Test
  void privateKeyBlockIsMaskedWholeEvenWithoutItsEnd() {
    String pem = "key:\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\nAAAA\n-----END OPENSSH PRIVATE KEY-----\ndone";
    assertThat(ALL.mask(pem, MaskForm.FULL)).isEqualTo("key:\n********\ndone");
    assertThat(ALL.mask("x -----BEGIN RSA PRIVATE KEY-----\nMIIEow", MaskForm.FULL)).isEqualTo("x ********");
  }

  @Test
  void overlappingFindingsAreMaskedOnce() {
    assertThat(ALL.mask("to alice@example.com and 4111111111111111.", MaskForm.KEEP_LAST_4))
        .isEqualTo("to ****.com and ****1111.");
  }

  @Test
  void unknownDetectorIsRefused() {
    assertThatThrownBy(() -> ContentDetectors.of(List.of("ssn"))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'ssn'");
  }
}
