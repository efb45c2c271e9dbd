package dev.gatehouse.keys.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Against navikt's mock-oauth2-server on loopback: realms "corp" (ours) and "other". */
class IdTokenVerifierTest {
  static final String CLIENT = "gatehouse";
  /** A claim value that removes the claim from the token. */
  static final Object ABSENT = new Object();
  static MockOAuth2Server idp;

  @TempDir Path data;
  SqliteReplayGuard replays;
  IdTokenVerifier verifier;

  @BeforeAll
  static void startProvider() {
    idp = new MockOAuth2Server();
    idp.start(InetAddress.getLoopbackAddress(), 0);
  }

  @AfterAll
  static void stopProvider() {
    idp.shutdown();
  }

  @BeforeEach
  void openVerifier() throws IOException {
    replays = SqliteReplayGuard.open(data.resolve("gatehouse.db"));
    verifier = new IdTokenVerifier(new OidcSettings(corp(), CLIENT), replays, Clock.systemUTC());
  }

  @AfterEach
  void closeReplays() {
    replays.close();
  }

  static URI corp() {
    return idp.issuerUrl("corp").uri();
  }

  /** A token from realm {@code issuerId}, audience {@code audience}, with these claims on top. */
  static String token(String issuerId, List<String> audience, Map<String, Object> claims) {
    return token(issuerId, CLIENT, audience, claims);
  }

  /** As above, requested by client {@code azp} (the provider writes it into the azp claim). */
  static String token(String issuerId, String azp, List<String> audience, Map<String, Object> claims) {
    Map<String, Object> all = new HashMap<>(Map.of("email", "alice@example.com", "groups", List.of("dba", "sre")));
    all.putAll(claims);
    all.values().removeIf(v -> v == ABSENT);
    return idp.issueToken(issuerId, azp, new DefaultOAuth2TokenCallback(issuerId, "alice-sub", "JWT", audience, all, 3600))
        .serialize();
  }

  static String token(Map<String, Object> claims) {
    return token("corp", List.of(CLIENT), claims);
  }

  static String token() {
    return token(Map.of());
  }

  static Date ago(int seconds) {
    return Date.from(Instant.now().minusSeconds(seconds));
  }

  static Date ahead(int seconds) {
    return Date.from(Instant.now().plusSeconds(seconds));
  }

  @Test
  void validTokenYieldsIdentityGroupsAndItsClaims() throws Exception {
    String jwt = token();

    VerifiedToken verified = verifier.verify(jwt);

    JWTClaimsSet claims = SignedJWT.parse(jwt).getJWTClaimsSet();
    assertThat(verified.identity()).isEqualTo("alice@example.com");
    assertThat(verified.groups()).containsExactly("dba", "sre");
    assertThat(verified.subject()).isEqualTo("alice-sub");
    assertThat(verified.issuer()).isEqualTo(corp().toString());
    assertThat(verified.tokenId()).isEqualTo(claims.getJWTID());
    assertThat(verified.issuedAt()).isEqualTo(claims.getIssueTime().toInstant());
    assertThat(verified.expiresAt()).isEqualTo(claims.getExpirationTime().toInstant());
  }

  @Test
  void idTokenFromTheProvidersTokenEndpointIsAccepted() throws Exception {
    idp.enqueueCallback(
        new DefaultOAuth2TokenCallback(
            "corp", "bob-sub", "JWT", List.of(CLIENT), Map.of("email", "bob@example.com", "groups", List.of("dev")), 300));
    String form = "grant_type=authorization_code&code=123&redirect_uri=http%3A%2F%2Flocalhost&client_id=" + CLIENT
        + "&client_secret=unused";
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(idp.tokenEndpointUrl("corp").uri())
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    String idToken = (String) com.nimbusds.jose.util.JSONObjectUtils.parse(response.body()).get("id_token");

    VerifiedToken verified = verifier.verify(idToken);

    assertThat(verified.identity()).isEqualTo("bob@example.com");
    assertThat(verified.groups()).containsExactly("dev");
    assertThat(verified.subject()).isEqualTo("bob-sub");
  }

  @Test
  void groupsComeFromANestedClaimPath() throws Exception {
    IdTokenVerifier keycloakStyle =
        new IdTokenVerifier(
            new OidcSettings(corp(), CLIENT, "preferred_username", "realm_access.roles", null, null),
            replays,
            Clock.systemUTC());
    String jwt =
        token(Map.of("preferred_username", "alice", "realm_access", Map.of("roles", List.of("offline_access", "dba"))));

    VerifiedToken verified = keycloakStyle.verify(jwt);

    assertThat(verified.identity()).isEqualTo("alice");
    assertThat(verified.groups()).containsExactly("offline_access", "dba");
  }

  @Test
  void aSingleStringGroupsClaimIsOneGroup() throws Exception {
    assertThat(verifier.verify(token(Map.of("groups", "dba"))).groups()).containsExactly("dba");
  }

  @Test
  void aTokenWithoutGroupsHasNone() throws Exception {
    IdTokenVerifier other =
        new IdTokenVerifier(new OidcSettings(corp(), CLIENT, null, "roles", null, null), replays, Clock.systemUTC());
    assertThat(other.verify(token()).groups()).isEmpty();
  }

  @Test
  void aTokenForSeveralAudiencesAuthorizedForUsIsAccepted() throws Exception {
    String jwt = token("corp", CLIENT, List.of("account", CLIENT), Map.of());

    assertThat(verifier.verify(jwt).identity()).isEqualTo("alice@example.com");
  }

  @Test
  void aTokenIsAcceptedOnlyOnce() throws Exception {
    String jwt = token();
    verifier.verify(jwt);

    assertThatThrownBy(() -> verifier.verify(jwt))
        .isInstanceOfSatisfying(TokenRejected.class, e -> assertThat(e.reason()).isEqualTo("replayed"));
  }

  @Test
  void aReplayIsCaughtByAnotherVerifierOnTheSameDatabase() throws Exception {
    String jwt = token();
    verifier.verify(jwt);
    try (SqliteReplayGuard otherProcess = SqliteReplayGuard.open(data.resolve("gatehouse.db"))) {
      IdTokenVerifier other = new IdTokenVerifier(new OidcSettings(corp(), CLIENT), otherProcess, Clock.systemUTC());

      assertThatThrownBy(() -> other.verify(jwt))
          .isInstanceOfSatisfying(TokenRejected.class, e -> assertThat(e.reason()).isEqualTo("replayed"));
    }
  }

  @Test
  void aRefusedTokenDoesNotUseUpItsOneExchange() throws Exception {
    String jwt = token();
    IdTokenVerifier wrongClient = new IdTokenVerifier(new OidcSettings(corp(), "another-client"), replays, Clock.systemUTC());
    assertThatThrownBy(() -> wrongClient.verify(jwt)).isInstanceOf(TokenRejected.class);

    assertThat(verifier.verify(jwt).identity()).isEqualTo("alice@example.com");
  }

  @Test
  void metadataComesFromDiscovery() throws Exception {
    ProviderMetadata metadata = verifier.metadata();

    assertThat(metadata.issuer()).isEqualTo(corp());
    assertThat(metadata.authorizationEndpoint()).isEqualTo(idp.authorizationEndpointUrl("corp").uri());
    assertThat(metadata.tokenEndpoint()).isEqualTo(idp.tokenEndpointUrl("corp").uri());
    assertThat(metadata.jwksUri()).isEqualTo(idp.jwksUrl("corp").uri());
  }

  static Stream<Arguments> usableIdentities() {
    return Stream.of(
        Arguments.of("email", "alice@example.com", true),
        Arguments.of("email", "jürgen+ops@exämple.com", true),
        Arguments.of("email", "o'brien=x@example.com", true),
        Arguments.of("email", "a".repeat(244) + "@example.com", true),
        Arguments.of("preferred_username", "CORP\\alice", false));
  }

  @ParameterizedTest(name = "{1} in {0} is an identity")
  @MethodSource("usableIdentities")
  void identitiesACertificateCanCarryAreAcceptedByBothVerifiers(String claim, String identity, boolean verified)
      throws Exception {
    OidcSettings settings = new OidcSettings(corp(), CLIENT, claim, null, null, null);
    Map<String, Object> claims = new HashMap<>(Map.of(claim, identity));
    if (verified) {
      claims.put("email_verified", true);
    }

    assertThat(new IdTokenVerifier(settings, replays, Clock.systemUTC()).verify(token(claims)).identity())
        .isEqualTo(identity);
    // An access token's shape: for the API ("default", as the provider issues them), requested by this client.
    assertThat(new AccessTokenVerifier(settings, Clock.systemUTC())
        .verify(token("corp", CLIENT, List.of("default"), claims)).identity())
        .isEqualTo(identity);
  }

  @Test
  void emailVerifiedIsOnlyCheckedWhenTheIdentityIsTheEmail() throws Exception {
    IdTokenVerifier byUsername =
        new IdTokenVerifier(new OidcSettings(corp(), CLIENT, "preferred_username", null, null, null), replays,
            Clock.systemUTC());

    assertThat(byUsername.verify(token(Map.of("preferred_username", "alice", "email_verified", "false"))).identity())
        .isEqualTo("alice");
  }

  @ParameterizedTest(name = "{0}: access token refused as {1} too")
  @MethodSource("identityAttacks")
  void accessTokensObeyTheSameIdentityRules(String name, String reason, Supplier<String> token) {
    AccessTokenVerifier access = new AccessTokenVerifier(new OidcSettings(corp(), CLIENT), Clock.systemUTC());

    assertThatThrownBy(() -> access.verify(token.get()))
        .isInstanceOfSatisfying(TokenRejected.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }

  static Stream<Arguments> identityAttacks() {
    return attacks().filter(a -> {
      String reason = (String) a.get()[1];
      return reason.equals("email-unverified") || reason.equals("identity-unusable") || reason.equals("missing-identity");
    });
  }

  // ---- the attack table ----

  static Stream<Arguments> attacks() {
    return Stream.of(
        attack("an expired token", "expired", () -> token(Map.of("exp", ago(120), "iat", ago(240), "nbf", ago(240)))),
        attack("a token issued 10 minutes ago", "stale", () -> token(Map.of("iat", ago(600), "nbf", ago(600)))),
        attack("a token issued in the future", "stale", () -> token(Map.of("iat", ahead(600)))),
        attack("a token not valid yet", "not-yet-valid", () -> token(Map.of("nbf", ahead(600)))),
        attack("a token for another client", "wrong-audience", () -> token("corp", List.of("someone-else"), Map.of())),
        attack(
            "a token for several audiences authorized for another party",
            "wrong-audience",
            () -> token("corp", "someone-else", List.of(CLIENT, "someone-else"), Map.of())),
        attack(
            "a token signed by our key naming another issuer",
            "wrong-issuer",
            () -> token(Map.of("iss", "https://evil.example.com/realms/corp"))),
        attack(
            "a token naming our issuer with a trailing slash",
            "wrong-issuer",
            () -> token(Map.of("iss", corp() + "/"))),
        attack("a token from another realm of the same provider", "wrong-issuer", () -> token("other", List.of(CLIENT), Map.of())),
        attack(
            "another realm's token claiming our issuer",
            "unknown-key",
            () -> token("other", List.of(CLIENT), Map.of("iss", corp().toString()))),
        attack("an unsigned token (alg none)", "unsupported-algorithm", IdTokenVerifierTest::unsigned),
        attack("a token with alg None", "unsupported-algorithm", () -> withHeader(token(), "{\"alg\":\"None\",\"kid\":\"corp\"}")),
        attack(
            "HS256 keyed with the provider's public key (DER)",
            "unsupported-algorithm",
            () -> hmacWithPublicKey(false)),
        attack(
            "HS256 keyed with the provider's public key (PEM)",
            "unsupported-algorithm",
            () -> hmacWithPublicKey(true)),
        attack(
            "a token signed by an unknown key",
            "unknown-key",
            () -> SigningKey.rsa("attacker").sign(claims())),
        attack(
            "a token signed by another key under the provider's key id",
            "bad-signature",
            () -> SigningKey.rsa("attacker").sign("corp", claims())),
        attack(
            "a token whose payload was changed after signing",
            "bad-signature",
            () -> withClaims(token(), Map.of("email", "mallory@example.com"))),
        attack("a token without the identity claim", "missing-identity", () -> token(Map.of("email", ABSENT))),
        attack("a token with a blank identity", "missing-identity", () -> token(Map.of("email", " "))),
        attack("a token whose identity is no string", "missing-identity", () -> token(Map.of("email", List.of("a@b")))),
        attack("a token whose email is not verified", "email-unverified", () -> token(Map.of("email_verified", false))),
        attack("a token whose email_verified is the string \"false\"", "email-unverified",
            () -> token(Map.of("email_verified", "false"))),
        attack("a token whose email_verified is the string \"true\"", "email-unverified",
            () -> token(Map.of("email_verified", "true"))),
        attack("a token whose email_verified is the number 1", "email-unverified",
            () -> token(Map.of("email_verified", 1))),
        attack("a token whose email_verified is an object", "email-unverified",
            () -> token(Map.of("email_verified", Map.of("value", true)))),
        attack("an identity with a comma", "identity-unusable", () -> token(Map.of("email", "alice,root@example.com"))),
        attack("an identity with a space", "identity-unusable", () -> token(Map.of("email", "alice @example.com"))),
        attack("an identity with a no-break space", "identity-unusable", () -> token(Map.of("email", "\u00a0alice@example.com"))),
        attack("an identity with an escape sequence", "identity-unusable",
            () -> token(Map.of("email", "alice\u001b[8m@example.com"))),
        attack("an identity with a right-to-left override", "identity-unusable",
            () -> token(Map.of("email", "alice\u202emoc.elpmaxe@"))),
        attack("an identity with a zero-width space", "identity-unusable",
            () -> token(Map.of("email", "ali\u200bce@example.com"))),
        attack("an identity of 257 characters", "identity-unusable",
            () -> token(Map.of("email", "a".repeat(245) + "@example.com"))),
        attack("text that is no JWT", "malformed", () -> "not-a-token"),
        attack("three parts of garbage", "malformed", () -> "abc.def.ghi"));
  }

  private static Arguments attack(String name, String reason, Supplier<String> token) {
    return Arguments.of(name, reason, token);
  }

  @ParameterizedTest(name = "{0} is refused as {1}")
  @MethodSource("attacks")
  void attackIsRefusedWithItsReasonAndWithoutEchoingTheToken(String name, String reason, Supplier<String> token) {
    String jwt = token.get();

    assertThatThrownBy(() -> verifier.verify(jwt))
        .isInstanceOfSatisfying(
            TokenRejected.class,
            e -> {
              assertThat(e.reason()).isEqualTo(reason);
              assertThat(e.getMessage()).startsWith(reason + ": ").doesNotContain("\n");
              for (String part : jwt.split("\\.")) {
                if (part.length() > 8) {
                  assertThat(e.getMessage()).doesNotContain(part);
                }
              }
            });
  }

  // ---- hand-made tokens ----

  /** Claims as the provider would issue them, for tokens the test signs itself. */
  static JWTClaimsSet claims() {
    return new JWTClaimsSet.Builder()
        .issuer(corp().toString())
        .audience(CLIENT)
        .subject("alice-sub")
        .claim("email", "alice@example.com")
        .issueTime(new Date())
        .expirationTime(ahead(300))
        .jwtID(java.util.UUID.randomUUID().toString())
        .build();
  }

  static String unsigned() {
    return b64("{\"alg\":\"none\"}") + "." + b64(claims().toString()) + ".";
  }

  /** The same payload and signature under another header. */
  static String withHeader(String jwt, String headerJson) {
    String[] parts = jwt.split("\\.");
    return b64(headerJson) + "." + parts[1] + "." + parts[2];
  }

  /** The same header and signature over a changed payload. */
  static String withClaims(String jwt, Map<String, Object> changes) {
    try {
      String[] parts = jwt.split("\\.");
      JWTClaimsSet original = JWTClaimsSet.parse(new String(Base64URL.from(parts[1]).decode(), StandardCharsets.UTF_8));
      JWTClaimsSet.Builder changed = new JWTClaimsSet.Builder(original);
      changes.forEach(changed::claim);
      return parts[0] + "." + b64(changed.build().toString()) + "." + parts[2];
    } catch (java.text.ParseException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The key-confusion attack: an HMAC whose secret is the provider's public RSA key. */
  static String hmacWithPublicKey(boolean pem) {
    try {
      JWKSet jwks = JWKSet.load(idp.jwksUrl("corp").url());
      RSAKey published = (RSAKey) jwks.getKeyByKeyId("corp");
      byte[] der = published.toRSAPublicKey().getEncoded();
      byte[] secret =
          pem
              ? ("-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                      + "\n-----END PUBLIC KEY-----\n")
                  .getBytes(StandardCharsets.US_ASCII)
              : der;
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("corp").build(), claims());
      jwt.sign(new MACSigner(secret));
      return jwt.serialize();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String b64(String json) {
    return Base64URL.encode(json.getBytes(StandardCharsets.UTF_8)).toString();
  }
}
