package dev.gatehouse.keys.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OidcSettingsTest {
  @ParameterizedTest(name = "{0} is accepted")
  @ValueSource(
      strings = {
        "https://idp.example.com/realms/corp",
        "https://idp.example.com:8443",
        "http://127.0.0.1:8080/realms/corp",
        "http://127.5.6.7",
        "http://localhost:9000/default",
        "http://[::1]:9000",
      })
  void httpsOrLoopbackIssuersAreAccepted(String issuer) {
    assertThat(new OidcSettings(URI.create(issuer), "gatehouse").issuer()).isEqualTo(URI.create(issuer));
  }

  @ParameterizedTest(name = "{0} is refused")
  @ValueSource(
      strings = {
        "http://example.com",
        "http://idp.example.com/realms/corp",
        "http://localhost.example.com",
        "http://10.0.0.5",
        "http://[::2]",
        "http://999.0.0.1",
        "http://128.0.0.1",
        "ftp://127.0.0.1",
        "idp.example.com",
        "https://idp.example.com/realms/corp?x=1",
      })
  void otherIssuersAreRefusedNamingTheKey(String issuer) {
    assertThatThrownBy(() -> new OidcSettings(URI.create(issuer), "gatehouse"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("oidc.issuer");
  }

  @Test
  void unsetKeysTakeTheirDefaults() {
    OidcSettings settings = new OidcSettings(URI.create("https://idp.example.com"), "gatehouse");

    assertThat(settings.identityClaim()).isEqualTo("email");
    assertThat(settings.groupsClaim()).isEqualTo("groups");
    assertThat(settings.maxTokenAge()).isEqualTo(Duration.ofMinutes(5));
    assertThat(settings.clockSkew()).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void aClientIdIsRequired() {
    assertThatThrownBy(() -> new OidcSettings(URI.create("https://idp.example.com"), " "))
        .hasMessageContaining("oidc.clientId");
  }

  @Test
  void durationsOutsideTheirLimitsAreRefusedNamingTheKey() {
    URI issuer = URI.create("https://idp.example.com");
    assertThatThrownBy(() -> new OidcSettings(issuer, "c", null, null, Duration.ZERO, null))
        .hasMessageContaining("oidc.maxTokenAge");
    assertThatThrownBy(() -> new OidcSettings(issuer, "c", null, null, null, Duration.ofMinutes(10)))
        .hasMessageContaining("oidc.clockSkew");
  }

  @Test
  void aMalformedClaimPathIsRefusedNamingTheKey() {
    assertThatThrownBy(() -> new OidcSettings(URI.create("https://idp.example.com"), "c", null, "realm_access..roles", null, null))
        .hasMessageContaining("oidc.groupsClaim");
  }
}
