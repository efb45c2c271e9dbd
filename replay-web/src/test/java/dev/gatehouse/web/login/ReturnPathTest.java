package dev.gatehouse.web.login;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReturnPathTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', nullValues = "NULL", value = {
      "/sessions/abc?t=3 | /sessions/abc?t=3",
      "/ | /",
      "/approvals#x | /",
      "//evil.example | /",
      "/\\evil.example | /",
      "https://evil.example/ | /",
      "javascript:alert(1) | /",
      "sessions/x | /",
      "NULL | /",
      "/a%0d%0aSet-Cookie:x | /a%0d%0aSet-Cookie:x",
      "'/a\nb' | /"})
  void onlyPathsOnThisSiteAreKept(String requested, String kept) {
    assertThat(ReturnPath.of(requested)).isEqualTo(kept);
  }
}
