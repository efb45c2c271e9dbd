package dev.gatehouse.keys.oidc;

import java.time.Instant;
import java.util.List;

/**
 * An ID token that passed every check.
 *
 * @param identity the {@code oidc.identityClaim} value
 * @param groups the {@code oidc.groupsClaim} values, in token order without duplicates; empty when
 *     the claim is absent
 * @param tokenId the token's {@code jti}, or the hex SHA-256 of the token when it has none; the
 *     replay guard's key
 */
public record VerifiedToken(
    String identity,
    List<String> groups,
    String subject,
    String issuer,
    String tokenId,
    Instant issuedAt,
    Instant expiresAt) {
  public VerifiedToken {
    groups = List.copyOf(groups);
  }
}
