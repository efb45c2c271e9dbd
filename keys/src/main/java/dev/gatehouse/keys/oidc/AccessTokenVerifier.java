package dev.gatehouse.keys.oidc;

import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Checks a JWT access token sent as {@code Authorization: Bearer} to the gateway's JSON API.
 *
 * <p>Unlike an ID token exchanged once for a certificate, an access token is presented on every
 * call until it expires, so there is no replay guard and no maximum age beyond {@code exp}. It
 * must be a signed JWT with an accepted asymmetric algorithm, claim exactly {@code oidc.issuer},
 * carry a signature from a key in the issuer's JWKS (the same cached discovery and JWKS as ID
 * tokens), be within exp/nbf (with the skew), have been issued to this client ({@code azp} equals
 * {@code oidc.clientId}, or, without {@code azp}, {@code aud} contains it) and carry the identity
 * claim under the same rules as an ID token (a usable identity; {@code email_verified} absent or
 * {@code true}). It must be an access token, not an ID token or another JWT of the issuer ({@link
 * AccessTokenType}). Opaque (non-JWT) access tokens are refused: introspection is not supported. Thread-safe.
 *
 * <p>A resource server of its own (the MCP endpoint) verifies with {@link #verify(String, String)}:
 * there the token is for us when its {@code aud} names that resource (RFC 8707: the token was
 * asked for this resource, by whichever client) or its {@code azp} is {@code oidc.clientId}.
 */
public final class AccessTokenVerifier {
  private final OidcSettings settings;
  private final Clock clock;
  private final OidcProvider provider;

  public AccessTokenVerifier(OidcSettings settings, Clock clock) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.provider = new OidcProvider(settings, clock, IdTokenVerifier.HTTP_TIMEOUT);
  }

  /** A token for the JSON API: issued to {@code oidc.clientId} ({@code azp}, or {@code aud} without one). */
  public VerifiedToken verify(String token) throws TokenRejected {
    return verify(token, null);
  }

  /**
   * A token for {@code resource} (an RFC 8707 resource indicator such as {@code
   * https://bastion.example.com/mcp}): its {@code aud} contains {@code resource}, or its {@code azp}
   * is {@code oidc.clientId}; anything else is {@link TokenRejected#WRONG_AUDIENCE}. Every other
   * check is {@link #verify(String)}'s. {@code null} means the JSON API's rule.
   */
  public VerifiedToken verify(String token, String resource) throws TokenRejected {
    if (token == null || token.isBlank()) {
      throw new TokenRejected(TokenRejected.MALFORMED, "no token");
    }
    if (token.length() > IdTokenVerifier.MAX_TOKEN_LENGTH) {
      throw new TokenRejected(TokenRejected.MALFORMED, "token too long");
    }
    JWT parsed;
    try {
      parsed = JWTParser.parse(token);
    } catch (ParseException e) {
      throw new TokenRejected(TokenRejected.MALFORMED, "not a JWT access token");
    }
    if (!(parsed instanceof SignedJWT signed)) {
      throw new TokenRejected(TokenRejected.UNSUPPORTED_ALGORITHM, "not a signed JWT");
    }
    JWSHeader header = signed.getHeader();
    if (!SignatureCheck.allowed(header.getAlgorithm())) {
      throw new TokenRejected(TokenRejected.UNSUPPORTED_ALGORITHM, "algorithm not accepted");
    }
    JWTClaimsSet claims;
    try {
      claims = signed.getJWTClaimsSet();
    } catch (ParseException e) {
      throw new TokenRejected(TokenRejected.MALFORMED, "payload is not a JWT claims set");
    }
    if (!settings.issuer().toString().equals(claims.getIssuer())) {
      throw new TokenRejected(TokenRejected.WRONG_ISSUER, "token issuer is not the configured " + settings.issuer());
    }
    SignatureCheck.check(signed, provider);
    Object azp = claims.getClaim("azp");
    if (resource == null) {
      boolean forUs = azp != null ? settings.clientId().equals(azp) : claims.getAudience().contains(settings.clientId());
      if (!forUs) {
        throw new TokenRejected(TokenRejected.WRONG_AUDIENCE, "token was not issued to client " + settings.clientId());
      }
    } else if (!claims.getAudience().contains(resource) && !settings.clientId().equals(azp)) {
      throw new TokenRejected(TokenRejected.WRONG_AUDIENCE, "token is neither for resource " + resource
          + " (aud) nor issued to client " + settings.clientId() + " (azp)");
    }
    Instant now = clock.instant();
    Duration skew = settings.clockSkew();
    Date exp = claims.getExpirationTime();
    if (exp == null) {
      throw new TokenRejected(TokenRejected.MALFORMED, "no exp claim");
    }
    if (!now.isBefore(exp.toInstant().plus(skew))) {
      throw new TokenRejected(TokenRejected.EXPIRED, "expired at " + exp.toInstant());
    }
    Date nbf = claims.getNotBeforeTime();
    if (nbf != null && now.plus(skew).isBefore(nbf.toInstant())) {
      throw new TokenRejected(TokenRejected.NOT_YET_VALID, "not valid before " + nbf.toInstant());
    }
    String id = IdTokenVerifier.identity(claims, settings.identityClaim());
    // An ID token for this client passes every check above; it is a one-time login proof, not a key to the API.
    AccessTokenType.require(header, claims, settings.clientId());
    String subject = claims.getSubject() == null ? id : claims.getSubject();
    // Without iat the token's age is unknown: it counts as issued at the epoch, so that any
    // revocation of the identity covers it (fail closed; providers set iat).
    Instant issuedAt = claims.getIssueTime() == null ? Instant.EPOCH : claims.getIssueTime().toInstant();
    return new VerifiedToken(id, groups(claims), subject, claims.getIssuer(),
        claims.getJWTID() == null ? "" : claims.getJWTID(), issuedAt, exp.toInstant());
  }

  private List<String> groups(JWTClaimsSet claims) {
    Object value = IdTokenVerifier.claim(claims, settings.groupsClaim());
    Set<String> groups = new LinkedHashSet<>();
    if (value instanceof String single) {
      groups.add(single);
    } else if (value instanceof List<?> list) {
      for (Object element : list) {
        if (element instanceof String group) {
          groups.add(group);
        }
      }
    }
    groups.removeIf(g -> g.isBlank() || g.chars().anyMatch(Character::isISOControl));
    return List.copyOf(new ArrayList<>(groups));
  }
}
