package dev.gatehouse.recorder;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Scripts and SIEM rules match on the code and the event name: each must name one kind of event. */
class AuditCodeTest {
  @Test
  void everyCodeAndEveryEventNameIsUsedOnce() {
    assertThat(Arrays.stream(AuditCode.values()).map(AuditCode::code)).doesNotHaveDuplicates();
    assertThat(Arrays.stream(AuditCode.values()).map(AuditCode::event)).doesNotHaveDuplicates();
  }

  @Test
  void everyCodeIsGhFourDigitsAndASeverity() {
    assertThat(AuditCode.values()).allSatisfy(c -> assertThat(c.code()).matches("GH[0-9]{4}[IWE]"));
  }
}
