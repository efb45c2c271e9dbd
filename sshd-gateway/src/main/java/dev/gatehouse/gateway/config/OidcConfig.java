package dev.gatehouse.gateway.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * The company's identity provider. A verified ID token buys an SSH certificate valid for {@code
 * certificateTtl} (default 8h, never more than {@code maxCertificateTtl}), not the token's few
 * minutes. {@code maxTokenAge}: how fresh a token must be (its iat) to be exchanged. {@code
 * deviceLogin}: the limits of the device login for people without the CLI.
 */
public record OidcConfig(
    URI issuer,
    String clientId,
    String identityClaim,
    String groupsClaim,
    List<String> scopes,
    Duration certificateTtl,
    Duration maxCertificateTtl,
    Duration maxTokenAge,
    DeviceLoginSettings deviceLogin) {
  public OidcConfig {
    if (issuer == null) {
      throw new IllegalArgumentException("oidc.issuer: missing");
    }
    if (clientId == null || clientId.isBlank()) {
      throw new IllegalArgumentException("oidc.clientId: missing");
    }
    identityClaim = identityClaim == null ? "email" : identityClaim;
    groupsClaim = groupsClaim == null ? "groups" : groupsClaim;
    scopes = scopes == null || scopes.isEmpty() ? List.of("openid", "email", "profile") : List.copyOf(scopes);
    certificateTtl = certificateTtl == null ? Duration.ofHours(8) : certificateTtl;
    maxCertificateTtl = maxCertificateTtl == null ? Duration.ofHours(24) : maxCertificateTtl;
    maxTokenAge = maxTokenAge == null ? Duration.ofMinutes(5) : maxTokenAge;
    deviceLogin = deviceLogin == null ? DeviceLoginSettings.defaults() : deviceLogin;
    if (certificateTtl.isNegative() || certificateTtl.isZero()) {
      throw new IllegalArgumentException("oidc.certificateTtl: must be positive");
    }
    if (certificateTtl.compareTo(maxCertificateTtl) > 0) {
      // Capped, not refused: the operator's maximum wins.
      certificateTtl = maxCertificateTtl;
    }
  }
}
