package dev.gatehouse.keys.oidc;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import java.util.Locale;
import java.util.Set;

/**
 * Tells an access token from an ID token (or another JWT of the same issuer), so that a bearer
 * token is what it claims to be: an ID token is a one-time proof of a login for the client that
 * asked for it, and must not open an API that checks no replay. Used on a token whose signature,
 * issuer and audience have already been checked; anything this rule cannot call an access token
 * is refused.
 *
 * <p>The rule, in order (docs/web.md):
 *
 * <ol>
 *   <li>JOSE header {@code typ}: {@code at+jwt} (RFC 9068, also as {@code application/at+jwt}) is
 *       an access token by declaration; {@code JWT} or none leaves it to the claims; any other
 *       type (a logout token, a DPoP proof, ...) is refused ({@code not-an-access-token}).
 *   <li>The claim {@code typ} (Keycloak): {@code Bearer} is an access token, {@code ID} an ID token;
 *       any other value (Refresh, Logout, ...) is refused.
 *   <li>{@code at_hash} or {@code c_hash}: claims OpenID Connect defines for ID tokens only.
 *   <li>{@code aud} containing the client id: an ID token always names the client that asked for
 *       it there (OpenID Connect Core 2), an access token names the API it is for. Such a token
 *       counts as an access token only with a positive mark: header {@code at+jwt}, claim {@code
 *       typ: Bearer}, or a {@code scope}, {@code scp} or {@code client_id} claim (RFC 9068,
 *       Okta, Entra ID), which ID tokens do not carry.
 * </ol>
 *
 * {@code nonce} is no mark: some providers copy it into access tokens (mock-oauth2-server does,
 * Keycloak did), and {@code azp} is in both kinds.
 */
public final class AccessTokenType {
  private static final Set<String> ID_TOKEN_HASHES = Set.of("at_hash", "c_hash");
  private static final Set<String> ACCESS_TOKEN_CLAIMS = Set.of("scope", "scp", "client_id");

  private AccessTokenType() {}

  /**
   * Refuses {@code claims} unless they are an access token's.
   *
   * @throws TokenRejected {@link TokenRejected#ID_TOKEN_AS_BEARER} for an ID token, {@link
   *     TokenRejected#NOT_AN_ACCESS_TOKEN} for another kind of JWT
   */
  public static void require(JWSHeader header, JWTClaimsSet claims, String clientId) throws TokenRejected {
    boolean declared = false;
    JOSEObjectType type = header.getType();
    if (type != null) {
      String t = type.getType().toLowerCase(Locale.ROOT);
      t = t.startsWith("application/") ? t.substring("application/".length()) : t;
      if (t.equals("at+jwt")) {
        declared = true;
      } else if (!t.equals("jwt")) {
        throw new TokenRejected(TokenRejected.NOT_AN_ACCESS_TOKEN, "JOSE header typ " + quote(type.getType())
            + " is not an access token's (at+jwt or JWT)");
      }
    }
    Object typ = claims.getClaim("typ");
    if (typ != null) {
      if ("ID".equals(typ)) {
        throw new TokenRejected(TokenRejected.ID_TOKEN_AS_BEARER, "claim typ is \"ID\": an ID token, not an access token");
      }
      if (!"Bearer".equals(typ)) {
        throw new TokenRejected(TokenRejected.NOT_AN_ACCESS_TOKEN, "claim typ " + quote(String.valueOf(typ))
            + " is not an access token's (Bearer)");
      }
      declared = true;
    }
    for (String hash : ID_TOKEN_HASHES) {
      if (claims.getClaim(hash) != null) {
        throw new TokenRejected(TokenRejected.ID_TOKEN_AS_BEARER, "claim " + hash + " is an ID token's");
      }
    }
    boolean accessClaims = ACCESS_TOKEN_CLAIMS.stream().anyMatch(c -> claims.getClaim(c) != null);
    if (!declared && !accessClaims && claims.getAudience().contains(clientId)) {
      throw new TokenRejected(TokenRejected.ID_TOKEN_AS_BEARER, "audience names the client " + clientId
          + " and nothing marks it as an access token (typ at+jwt or Bearer, scope, scp, client_id): an ID token");
    }
  }

  private static String quote(String value) {
    String clean = value.replaceAll("\\p{Cntrl}", "?");
    return "\"" + (clean.length() > 40 ? clean.substring(0, 40) + "..." : clean) + "\"";
  }
}
