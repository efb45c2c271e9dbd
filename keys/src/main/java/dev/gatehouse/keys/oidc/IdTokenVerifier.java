package dev.gatehouse.keys.oidc;

import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.gatehouse.keys.IdentityName;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks an OpenID Connect ID token from {@code oidc.issuer} and turns it into a {@link
 * VerifiedToken}, or refuses it with a {@link TokenRejected} reason.
 *
 * <p>In order: it must parse as a signed JWT with an allowed asymmetric algorithm; claim the
 * configured issuer (checked before any key is fetched, so foreign tokens cost no request to the
 * provider); carry a signature from a key in the provider's JWKS; name the client id among its
 * audiences; be within exp/nbf (with the skew); have been issued within {@code maxTokenAge}; carry
 * an identity. Only then is it recorded with the {@link ReplayGuard}, so a refused token never uses
 * up its one exchange.
 *
 * <p>Discovery and the JWKS are fetched lazily and cached; an unknown key id triggers a
 * rate-limited JWKS re-fetch (key rotation). When neither can be fetched every token is refused
 * ({@code provider-unavailable}). Thread-safe.
 *
 * <p>Messages name claims and keys, never the token text.
 */
public final class IdTokenVerifier {
  static final Duration HTTP_TIMEOUT = Duration.ofSeconds(5);
  /** Longer than any ID token a real provider issues; keeps parsing bounded. */
  static final int MAX_TOKEN_LENGTH = 64 * 1024;

  private static final Logger log = LoggerFactory.getLogger(IdTokenVerifier.class);

  private final OidcSettings settings;
  private final ReplayGuard replays;
  private final Clock clock;
  private final OidcProvider provider;

  public IdTokenVerifier(OidcSettings settings, ReplayGuard replays, Clock clock) {
    this(settings, replays, clock, HTTP_TIMEOUT);
  }

  IdTokenVerifier(OidcSettings settings, ReplayGuard replays, Clock clock, Duration httpTimeout) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.replays = Objects.requireNonNull(replays, "replays");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.provider = new OidcProvider(settings, clock, httpTimeout);
  }

  /** Endpoints from the provider's discovery document (cached), for the login client. */
  public ProviderMetadata metadata() throws IOException {
    return provider.metadata();
  }

  public VerifiedToken verify(String idToken) throws TokenRejected {
    try {
      VerifiedToken token = check(idToken);
      log.debug("ID token accepted: identity {} subject {}", token.identity(), token.subject());
      return token;
    } catch (TokenRejected e) {
      log.debug("ID token refused: {}", e.getMessage());
      throw e;
    }
  }

  private VerifiedToken check(String idToken) throws TokenRejected {
    if (idToken == null || idToken.isBlank()) {
      throw new TokenRejected(TokenRejected.MALFORMED, "no token");
    }
    if (idToken.length() > MAX_TOKEN_LENGTH) {
      throw new TokenRejected(TokenRejected.MALFORMED, "token longer than " + MAX_TOKEN_LENGTH + " characters");
    }
    JWT parsed;
    try {
      parsed = JWTParser.parse(idToken);
    } catch (ParseException e) {
      // The parser's message may quote parts of the token: keep it out.
      throw new TokenRejected(TokenRejected.MALFORMED, "not a compact JWT");
    }
    if (parsed instanceof PlainJWT) {
      throw new TokenRejected(TokenRejected.UNSUPPORTED_ALGORITHM, "unsigned token (alg none)");
    }
    if (!(parsed instanceof SignedJWT signed)) {
      throw new TokenRejected(TokenRejected.UNSUPPORTED_ALGORITHM, "encrypted token; expected a signed ID token");
    }
    JWSHeader header = signed.getHeader();
    if (!SignatureCheck.allowed(header.getAlgorithm())) {
      throw new TokenRejected(
          TokenRejected.UNSUPPORTED_ALGORITHM,
          "algorithm " + quote(header.getAlgorithm().getName()) + " is not an accepted asymmetric algorithm");
    }
    JWTClaimsSet claims;
    try {
      claims = signed.getJWTClaimsSet();
    } catch (ParseException e) {
      throw new TokenRejected(TokenRejected.MALFORMED, "payload is not a valid JWT claims set");
    }

    String issuer = claims.getIssuer();
    if (!settings.issuer().toString().equals(issuer)) {
      throw new TokenRejected(
          TokenRejected.WRONG_ISSUER,
          "token issuer " + quote(issuer) + " is not the configured " + settings.issuer());
    }
    SignatureCheck.check(signed, provider);
    checkAudience(claims);
    Instant now = clock.instant();
    Instant expiresAt = checkTimes(claims, now);

    String subject = claims.getSubject();
    if (subject == null || subject.isBlank()) {
      throw new TokenRejected(TokenRejected.MALFORMED, "no sub claim");
    }
    String identity = identity(claims);
    List<String> groups = groups(claims);
    String tokenId = claims.getJWTID() == null || claims.getJWTID().isBlank() ? sha256(idToken) : claims.getJWTID();

    try {
      // Remembered for as long as the token could pass the exp check.
      if (!replays.firstUse(tokenId, expiresAt.plus(settings.clockSkew()))) {
        throw new TokenRejected(TokenRejected.REPLAYED, "token " + quote(tokenId) + " was already used");
      }
    } catch (IOException e) {
      throw new TokenRejected(TokenRejected.REPLAY_CHECK_FAILED, e.getMessage(), e);
    }
    return new VerifiedToken(
        identity, groups, subject, issuer, tokenId, claims.getIssueTime().toInstant(), expiresAt);
  }

  private void checkAudience(JWTClaimsSet claims) throws TokenRejected {
    List<String> audiences = claims.getAudience();
    if (!audiences.contains(settings.clientId())) {
      throw new TokenRejected(
          TokenRejected.WRONG_AUDIENCE,
          "token audience " + quote(String.join(",", audiences)) + " lacks client id " + settings.clientId());
    }
    Object azp = claims.getClaim("azp");
    if (azp != null && audiences.size() > 1 && !settings.clientId().equals(azp)) {
      throw new TokenRejected(
          TokenRejected.WRONG_AUDIENCE,
          "token has several audiences and authorized party " + quote(String.valueOf(azp)) + ", not "
              + settings.clientId());
    }
  }

  /** Checks exp, nbf and iat against now; returns exp. */
  private Instant checkTimes(JWTClaimsSet claims, Instant now) throws TokenRejected {
    Duration skew = settings.clockSkew();
    Date exp = claims.getExpirationTime();
    if (exp == null) {
      throw new TokenRejected(TokenRejected.MALFORMED, "no exp claim");
    }
    Instant expiresAt = exp.toInstant();
    if (!now.isBefore(expiresAt.plus(skew))) {
      throw new TokenRejected(TokenRejected.EXPIRED, "expired at " + expiresAt + " (now " + now + ", skew " + skew + ")");
    }
    Date nbf = claims.getNotBeforeTime();
    if (nbf != null && now.plus(skew).isBefore(nbf.toInstant())) {
      throw new TokenRejected(
          TokenRejected.NOT_YET_VALID, "not valid before " + nbf.toInstant() + " (now " + now + ", skew " + skew + ")");
    }
    Date iat = claims.getIssueTime();
    if (iat == null) {
      throw new TokenRejected(TokenRejected.STALE, "no iat claim, so its freshness is unknown");
    }
    Instant issuedAt = iat.toInstant();
    if (now.plus(skew).isBefore(issuedAt)) {
      throw new TokenRejected(
          TokenRejected.STALE, "issued in the future at " + issuedAt + " (now " + now + ", skew " + skew + ")");
    }
    Duration age = Duration.between(issuedAt, now);
    if (age.compareTo(settings.maxTokenAge().plus(skew)) > 0) {
      throw new TokenRejected(
          TokenRejected.STALE,
          "issued " + age.toSeconds() + " s ago, more than oidc.maxTokenAge " + settings.maxTokenAge()
              + " (sign in again for a fresh token)");
    }
    return expiresAt;
  }

  private String identity(JWTClaimsSet claims) throws TokenRejected {
    return identity(claims, settings.identityClaim());
  }

  /**
   * The identity claim's value, checked: a non-blank string ({@code missing-identity}) that a
   * certificate can carry ({@code identity-unusable}, see {@link IdentityName}); for the {@code
   * email} claim, {@code email_verified} absent or exactly the JSON boolean {@code true}
   * ({@code email-unverified}: the string "false", as some providers send it, and equally "true",
   * 0, null or anything else is refused). Shared by ID and access tokens.
   */
  static String identity(JWTClaimsSet claims, String name) throws TokenRejected {
    Object value = claim(claims, name);
    if (!(value instanceof String identity) || identity.isBlank()) {
      throw new TokenRejected(
          TokenRejected.MISSING_IDENTITY,
          value == null ? "no " + name + " claim" : "claim " + name + " is not a non-blank string");
    }
    String problem = IdentityName.problem(identity);
    if (problem != null) {
      throw new TokenRejected(TokenRejected.IDENTITY_UNUSABLE,
          "claim " + name + " cannot be an identity: it " + problem);
    }
    if (name.equals("email") && claims.getClaims().containsKey("email_verified")
        && !Boolean.TRUE.equals(claims.getClaims().get("email_verified"))) {
      Object verified = claims.getClaims().get("email_verified");
      throw new TokenRejected(TokenRejected.EMAIL_UNVERIFIED, "email " + quote(identity)
          + " is not verified by the provider (email_verified is " + describe(verified) + ", not true)");
    }
    return identity;
  }

  /** A claim value's JSON shape for a message: a string is quoted, so "false" and false differ. */
  private static String describe(Object value) {
    if (value instanceof String s) {
      return "the string " + quote(s);
    }
    return value == null ? "null" : quote(String.valueOf(value));
  }

  private List<String> groups(JWTClaimsSet claims) {
    Object value = claim(claims, settings.groupsClaim());
    Set<String> groups = new LinkedHashSet<>();
    if (value instanceof String single) {
      addGroup(groups, single);
    } else if (value instanceof List<?> list) {
      for (Object element : list) {
        if (element instanceof String group) {
          addGroup(groups, group);
        }
      }
    }
    return List.copyOf(new ArrayList<>(groups));
  }

  private static void addGroup(Set<String> groups, String group) {
    if (!group.isBlank() && group.chars().noneMatch(Character::isISOControl)) {
      groups.add(group);
    }
  }

  /** A top-level claim by that exact name, else the dotted path through nested objects. */
  static Object claim(JWTClaimsSet claims, String path) {
    Object direct = claims.getClaim(path);
    if (direct != null || !path.contains(".")) {
      return direct;
    }
    Object current = claims.getClaims();
    for (String part : path.split("\\.")) {
      if (!(current instanceof Map<?, ?> map)) {
        return null;
      }
      current = map.get(part);
    }
    return current;
  }

  private static String sha256(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  /** A claim value for a message: quoted, control characters replaced, at most 100 characters. */
  /** A value from a token for a message: control characters replaced, at most 100 characters, in quotes. */
  static String quote(String value) {
    if (value == null) {
      return "(none)";
    }
    String clean = value.replaceAll("\\p{Cntrl}", "?");
    return "\"" + (clean.length() > 100 ? clean.substring(0, 100) + "..." : clean) + "\"";
  }
}
