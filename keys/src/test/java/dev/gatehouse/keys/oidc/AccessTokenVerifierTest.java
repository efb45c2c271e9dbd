package dev.gatehouse.keys.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.SignedJWT;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bearer tokens must be access tokens: against navikt's mock-oauth2-server, with the tokens its
 * token endpoint really issues after an authorization-code login (both kinds from one response),
 * and a table of the rule's marks (docs/web.md).
 */
class AccessTokenVerifierTest {
  static final String CLIENT = "gatehouse";
  static final String REDIRECT = "http://127.0.0.1/callback";
  static final ObjectMapper JSON = new ObjectMapper();
  static MockOAuth2Server idp;

  @BeforeAll
  static void startProvider() {
    idp = new MockOAuth2Server();
    idp.start(InetAddress.getLoopbackAddress(), 0);
  }

  @AfterAll
  static void stopProvider() {
    idp.shutdown();
  }

  static AccessTokenVerifier verifier() {
    return new AccessTokenVerifier(new OidcSettings(idp.issuerUrl("corp").uri(), CLIENT), Clock.systemUTC());
  }

  /** The provider's token response to an authorization-code login of client gatehouse, with a nonce. */
  static JsonNode codeFlowTokens(String email) throws Exception {
    idp.enqueueCallback(new DefaultOAuth2TokenCallback("corp", "sub-" + email, "JWT", null,
        Map.of("email", email, "groups", List.of("dev")), 300));
    HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    URI authorize = URI.create(idp.authorizationEndpointUrl("corp") + "?client_id=" + CLIENT
        + "&response_type=code&scope=openid%20email&state=s1&nonce=n-" + email.hashCode()
        + "&redirect_uri=" + URLEncoder.encode(REDIRECT, StandardCharsets.UTF_8));
    HttpResponse<String> login = http.send(HttpRequest.newBuilder(authorize).build(), HttpResponse.BodyHandlers.ofString());
    String location = login.headers().firstValue("Location").orElseThrow(() -> new AssertionError(login.body()));
    String code = location.replaceAll(".*[?&]code=([^&]+).*", "$1");
    String form = "grant_type=authorization_code&client_id=" + CLIENT + "&code=" + code
        + "&redirect_uri=" + URLEncoder.encode(REDIRECT, StandardCharsets.UTF_8);
    HttpResponse<String> tokens = http.send(HttpRequest.newBuilder(idp.tokenEndpointUrl("corp").uri())
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
    return JSON.readTree(tokens.body());
  }

  @Test
  void theProvidersRealAccessTokenIsAcceptedAndItsIdTokenIsRefused() throws Exception {
    JsonNode tokens = codeFlowTokens("alice@example.com");

    VerifiedToken access = verifier().verify(tokens.path("access_token").asText());

    assertThat(access.identity()).isEqualTo("alice@example.com");
    assertThat(access.groups()).containsExactly("dev");
    String idToken = tokens.path("id_token").asText();
    // The ID token passes issuer, signature and audience: only its kind gives it away.
    assertThat(SignedJWT.parse(idToken).getJWTClaimsSet().getAudience()).containsExactly(CLIENT);
    assertThatThrownBy(() -> verifier().verify(idToken))
        .isInstanceOfSatisfying(TokenRejected.class, e -> assertThat(e.reason()).isEqualTo("id-token-as-bearer"));
  }

  /** A token signed by the provider: header typ {@code typ}, audience {@code aud}, these claims on top. */
  static String token(String typ, List<String> aud, Map<String, Object> claims) {
    Map<String, Object> all = new HashMap<>(Map.of("email", "bob@example.com"));
    all.putAll(claims);
    return idp.issueToken("corp", CLIENT, new DefaultOAuth2TokenCallback("corp", "bob-sub", typ, aud, all, 300))
        .serialize();
  }

  static Stream<Arguments> kinds() {
    List<String> client = List.of(CLIENT);
    List<String> api = List.of("gatehouse-api");
    return Stream.of(
        Arguments.of("an ID token's shape: aud the client id, nothing else", token("JWT", client, Map.of()), "id-token-as-bearer"),
        Arguments.of("Keycloak's typ ID", token("JWT", api, Map.of("typ", "ID")), "id-token-as-bearer"),
        Arguments.of("at_hash", token("JWT", api, Map.of("at_hash", "x")), "id-token-as-bearer"),
        Arguments.of("c_hash", token("JWT", api, Map.of("c_hash", "x")), "id-token-as-bearer"),
        Arguments.of("at+jwt yet typ ID", token("at+jwt", client, Map.of("typ", "ID")), "id-token-as-bearer"),
        Arguments.of("Keycloak's typ Refresh", token("JWT", api, Map.of("typ", "Refresh")), "not-an-access-token"),
        Arguments.of("a logout token's header", token("logout+jwt", api, Map.of()), "not-an-access-token"),
        Arguments.of("an API audience (the provider's own access tokens)", token("JWT", api, Map.of()), null),
        Arguments.of("RFC 9068 at+jwt for the client", token("at+jwt", client, Map.of()), null),
        Arguments.of("application/at+jwt", token("application/at+jwt", client, Map.of()), null),
        Arguments.of("Keycloak's typ Bearer for the client", token("JWT", client, Map.of("typ", "Bearer")), null),
        Arguments.of("scope for the client", token("JWT", client, Map.of("scope", "openid email")), null),
        Arguments.of("client_id for the client", token("JWT", client, Map.of("client_id", CLIENT)), null),
        Arguments.of("a nonce alone is no mark", token("JWT", api, Map.of("nonce", "n1")), null));
  }

  @ParameterizedTest(name = "{0}: {2}")
  @MethodSource("kinds")
  void onlyAccessTokensAreBearerTokens(String name, String token, String refusal) throws Exception {
    if (refusal == null) {
      assertThat(verifier().verify(token).identity()).isEqualTo("bob@example.com");
    } else {
      assertThatThrownBy(() -> verifier().verify(token))
          .isInstanceOfSatisfying(TokenRejected.class, e -> assertThat(e.reason()).isEqualTo(refusal));
    }
  }
  static final String MCP = "https://bastion.example.com/mcp";

  /** A token of the provider requested by client {@code azp}, audience {@code aud}, typ Bearer. */
  static String tokenOf(String azp, List<String> aud, Map<String, Object> claims) {
    Map<String, Object> all = new HashMap<>(Map.of("email", "carol@example.com", "typ", "Bearer"));
    all.putAll(claims);
    return idp.issueToken("corp", azp, new DefaultOAuth2TokenCallback("corp", "carol-sub", "JWT", aud, all, 300))
        .serialize();
  }

  static Stream<Arguments> resourceAudiences() {
    return Stream.of(
        Arguments.of("aud names the resource, another client asked (RFC 8707)", tokenOf("agent-app", List.of(MCP), Map.of()), null),
        Arguments.of("aud names the resource among others", tokenOf("agent-app", List.of("account", MCP), Map.of()), null),
        Arguments.of("azp is oidc.clientId, aud elsewhere", tokenOf(CLIENT, List.of("account"), Map.of()), null),
        Arguments.of("another client, another audience", tokenOf("agent-app", List.of("account"), Map.of()), "wrong-audience"),
        Arguments.of("another client, aud the client id only", tokenOf("agent-app", List.of(CLIENT), Map.of()), "wrong-audience"),
        Arguments.of("a resource that only starts like ours", tokenOf("agent-app", List.of(MCP + "x"), Map.of()), "wrong-audience"),
        Arguments.of("the resource's audience on an ID token", tokenOf("agent-app", List.of(MCP), Map.of("typ", "ID")), "id-token-as-bearer"));
  }

  @ParameterizedTest(name = "{0}: {2}")
  @MethodSource("resourceAudiences")
  void aResourceTakesTokensForItsAudienceOrIssuedToTheClient(String name, String token, String refusal) throws Exception {
    if (refusal == null) {
      VerifiedToken t = verifier().verify(token, MCP);
      assertThat(t.identity()).isEqualTo("carol@example.com");
    } else {
      assertThatThrownBy(() -> verifier().verify(token, MCP))
          .isInstanceOfSatisfying(TokenRejected.class, e -> assertThat(e.reason()).isEqualTo(refusal));
    }
  }

  @Test
  void theApiRuleIsUnchangedByTheResourceRule() {
    // A token for the MCP resource requested by another client does not open the JSON API.
    String forMcp = tokenOf("agent-app", List.of(MCP), Map.of());
    assertThatThrownBy(() -> verifier().verify(forMcp))
        .isInstanceOfSatisfying(TokenRejected.class, e -> assertThat(e.reason()).isEqualTo("wrong-audience"));
  }
}
