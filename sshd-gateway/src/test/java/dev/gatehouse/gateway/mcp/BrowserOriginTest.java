package dev.gatehouse.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BrowserOriginTest {
  private static final String RESOURCE = "https://bastion.example.com/mcp";

  @ParameterizedTest(name = "{0}")
  @CsvSource({
      "https://bastion.example.com",
      "https://bastion.example.com:443",
      "HTTPS://Bastion.Example.COM",
  })
  void thePublicUrlsOwnOriginIsServedHoweverItIsWritten(String origin) {
    assertThat(BrowserOrigin.allowed(List.of(origin), RESOURCE)).isTrue();
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource({
      "http://evil.example.com",
      "http://bastion.example.com",
      "https://bastion.example.com:8443",
      "https://bastion.example.com.evil.example.com",
      "https://evil.example.com#https://bastion.example.com",
      "https://bastion.example.com@evil.example.com",
      "https://user@bastion.example.com",
      "https://bastion.example.com/mcp",
      "null",
      "''",
      "https://",
      "not a url",
  })
  void anyOtherOriginIsRefused(String origin) {
    assertThat(BrowserOrigin.allowed(List.of(origin), RESOURCE)).isFalse();
  }

  @Test
  void noOriginIsAnAgentAndIsServed() {
    assertThat(BrowserOrigin.allowed(List.of(), RESOURCE)).isTrue();
  }

  @Test
  void twoOriginHeadersAreRefusedEvenWhenOneIsOurs() {
    assertThat(BrowserOrigin.allowed(List.of("https://bastion.example.com", "https://bastion.example.com"), RESOURCE))
        .isFalse();
  }

  @Test
  void withoutPublicUrlTheListenersOwnOriginIsServed() {
    // baseUrl without publicUrl: http://127.0.0.1:8080, or localhost for a wildcard listener.
    assertThat(BrowserOrigin.same("http://127.0.0.1:8080", "http://127.0.0.1:8080/mcp")).isTrue();
    assertThat(BrowserOrigin.same("http://localhost:8080", "http://127.0.0.1:8080/mcp")).isFalse();
    assertThat(BrowserOrigin.same("http://[::1]:8080", "http://[::1]:8080/mcp")).isTrue();
  }
}
