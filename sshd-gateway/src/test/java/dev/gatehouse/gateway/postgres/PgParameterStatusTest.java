package dev.gatehouse.gateway.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.policy.StandardConformingStrings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PgParameterStatusTest {
  private static byte[] status(String name, String value) {
    return new Wire.Body().cstring(name, StandardCharsets.UTF_8).cstring(value, StandardCharsets.UTF_8).build();
  }

  @Test
  void standardConformingStringsIsTheValueTheServerLastReported() throws Exception {
    PgProxySession s = new PgProxySession(new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream(),
        null, sql -> StatementGate.Decision.allow(), null, null, new CancelRegistry());
    assertThat(s.standardConformingStrings()).isEqualTo(StandardConformingStrings.UNKNOWN);
    s.noteParameter(status("standard_conforming_strings", "on"));
    assertThat(s.standardConformingStrings()).isEqualTo(StandardConformingStrings.ON);
    s.noteParameter(status("standard_conforming_strings", "off"));
    assertThat(s.standardConformingStrings()).isEqualTo(StandardConformingStrings.OFF);
    s.noteParameter(status("TimeZone", "UTC"));
    assertThat(s.standardConformingStrings()).isEqualTo(StandardConformingStrings.OFF);
  }
}
