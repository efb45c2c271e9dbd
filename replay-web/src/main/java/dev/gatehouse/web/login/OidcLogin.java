package dev.gatehouse.web.login;

import com.nimbusds.jwt.JWTParser;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.common.contenttype.ContentType;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import dev.gatehouse.keys.oidc.IdTokenVerifier;
import dev.gatehouse.keys.oidc.ProviderHttp;
import dev.gatehouse.keys.oidc.ProviderMetadata;
import dev.gatehouse.keys.oidc.TokenRejected;
import dev.gatehouse.keys.oidc.VerifiedToken;
import dev.gatehouse.web.WebConfig;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The browser login: OpenID Connect authorization code with PKCE (S256), state and nonce.
 *
 * <pre>
 *  browser ──GET /auth/login?return=/x──▶ pending {state, nonce, verifier, return}; cookie gh_login=state
 *          ◀──302 authorization_endpoint?client_id&amp;redirect_uri=publicUrl/auth/callback&amp;state&amp;nonce&amp;code_challenge
 *  browser ──IdP login──▶ GET /auth/callback?code&amp;state  (state must be pending AND equal the gh_login cookie)
 *  gateway ──POST token_endpoint code + code_verifier──▶ ID token: signature, iss, aud, exp, iat, once; nonce
 *          ──▶ WebSession (cookie gh_session), 302 to the return path
 * </pre>
 *
 * The cookie binding of state stops a login CSRF (an attacker's callback URL in a victim's browser
 * has no matching gh_login cookie). A pending login lives {@link #PENDING_TTL} and is used once.
 */
public final class OidcLogin {
  static final Duration PENDING_TTL = Duration.ofMinutes(10);
  static final int MAX_PENDING = 10_000;
  private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(5);
  private static final int MAX_TOKEN_ANSWER = 256 * 1024;

  /** What the browser is sent to, and the state to bind in its cookie. */
  public record Begin(URI authorizationUrl, String state) {}

  private record Pending(Nonce nonce, CodeVerifier verifier, String returnPath, Instant created) {}

  private final Supplier<WebConfig> config;
  private final IdTokenVerifier verifier;
  private final Clock clock;
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final ProviderHttp idp = new ProviderHttp(HTTP_TIMEOUT);

  public OidcLogin(Supplier<WebConfig> config, IdTokenVerifier verifier, Clock clock) {
    this.config = config;
    this.verifier = verifier;
    this.clock = clock;
  }

  public URI redirectUri() {
    return URI.create(config.get().publicUrl() + "/auth/callback");
  }

  public Begin begin(String returnPath) throws LoginRefused {
    WebConfig c = config.get();
    ProviderMetadata provider = provider();
    Instant now = clock.instant();
    if (pending.size() >= MAX_PENDING) {
      pending.values().removeIf(p -> !now.isBefore(p.created().plus(PENDING_TTL)));
      if (pending.size() >= MAX_PENDING) {
        throw new LoginRefused("too-many-logins", "too many logins in progress; try again in a few minutes");
      }
    }
    State state = new State();
    Nonce nonce = new Nonce();
    CodeVerifier codeVerifier = new CodeVerifier();
    pending.put(state.getValue(), new Pending(nonce, codeVerifier, ReturnPath.of(returnPath), now));
    Scope scope = new Scope();
    c.scopes().forEach(scope::add);
    if (!scope.contains("openid")) {
      scope.add("openid");
    }
    AuthenticationRequest request =
        new AuthenticationRequest.Builder(ResponseType.CODE, scope, new ClientID(c.clientId()), redirectUri())
            .endpointURI(provider.authorizationEndpoint())
            .state(state)
            .nonce(nonce)
            .codeChallenge(codeVerifier, CodeChallengeMethod.S256)
            .build();
    return new Begin(request.toURI(), state.getValue());
  }

  /** A finished login: the verified identity and where to go. */
  public record Done(VerifiedToken token, String returnPath) {}

  /**
   * Completes the login from the callback's query. {@code cookieState} is the gh_login cookie.
   *
   * @throws LoginRefused with slugs bad-state, idp-refused, token-exchange-failed, bad-nonce, or the
   *     ID token's own reason (expired, wrong-issuer, bad-signature, ...)
   */
  public Done complete(String state, String cookieState, String code, String error) throws LoginRefused {
    Pending p = state == null ? null : pending.remove(state);
    if (p == null || !clock.instant().isBefore(p.created().plus(PENDING_TTL))) {
      throw new LoginRefused("bad-state", "this login answer belongs to no login in progress (expired or already used)");
    }
    if (cookieState == null || !cookieState.equals(state)) {
      throw new LoginRefused("bad-state", "this login answer was not started in this browser");
    }
    if (error != null) {
      throw new LoginRefused("idp-refused", "the identity provider refused the login: " + clean(error));
    }
    if (code == null || code.isBlank()) {
      throw new LoginRefused("idp-refused", "the identity provider's answer carried no code");
    }
    String idToken = exchange(code, p.verifier());
    VerifiedToken token;
    try {
      token = verifier.verify(idToken);
    } catch (TokenRejected e) {
      throw new LoginRefused(e.reason(), e.getMessage());
    }
    Object nonce;
    try {
      nonce = JWTParser.parse(idToken).getJWTClaimsSet().getClaim("nonce");
    } catch (java.text.ParseException e) {
      throw new LoginRefused("malformed", "the ID token cannot be read");
    }
    if (!p.nonce().getValue().equals(nonce)) {
      throw new LoginRefused("bad-nonce", "the ID token does not carry this login's nonce");
    }
    return new Done(token, p.returnPath());
  }

  private String exchange(String code, CodeVerifier codeVerifier) throws LoginRefused {
    WebConfig c = config.get();
    ProviderMetadata provider = provider();
    AuthorizationCodeGrant grant = new AuthorizationCodeGrant(new AuthorizationCode(code), redirectUri(), codeVerifier);
    TokenRequest request = c.clientSecret() == null
        ? new TokenRequest.Builder(provider.tokenEndpoint(), new ClientID(c.clientId()), grant).build()
        : new TokenRequest.Builder(provider.tokenEndpoint(),
            new ClientSecretBasic(new ClientID(c.clientId()), new Secret(c.clientSecret())), grant).build();
    HTTPRequest http = request.toHTTPRequest();
    // Sent through ProviderHttp: one deadline for the whole exchange (a provider trickling its
    // answer cannot hold a web thread), the answer capped, no redirects.
    Map<String, String> headers = new java.util.LinkedHashMap<>();
    http.getHeaderMap().forEach((name, values) -> {
      if (!values.isEmpty()) {
        headers.put(name, values.get(0));
      }
    });
    TokenResponse response;
    try {
      ProviderHttp.Answer answer = ProviderHttp.await(idp.post(http.getURI(), headers, http.getBody(), MAX_TOKEN_ANSWER));
      HTTPResponse got = new HTTPResponse(answer.status());
      got.setEntityContentType(ContentType.APPLICATION_JSON);
      got.setBody(answer.text());
      response = OIDCTokenResponseParser.parse(got);
    } catch (IOException e) {
      throw new LoginRefused("provider-unavailable", "the token endpoint cannot be reached: " + e.getMessage());
    } catch (ParseException e) {
      throw new LoginRefused("token-exchange-failed", "the token endpoint's answer is not valid");
    }
    if (!response.indicatesSuccess()) {
      var err = ((TokenErrorResponse) response).getErrorObject();
      throw new LoginRefused("token-exchange-failed",
          "the token endpoint refused the code: " + (err == null ? "unknown error" : clean(err.getCode())));
    }
    var id = ((OIDCTokenResponse) response.toSuccessResponse()).getOIDCTokens().getIDToken();
    if (id == null) {
      throw new LoginRefused("token-exchange-failed", "the token endpoint answered without an ID token");
    }
    return id.serialize();
  }

  private ProviderMetadata provider() throws LoginRefused {
    try {
      return verifier.metadata();
    } catch (IOException e) {
      throw new LoginRefused("provider-unavailable", e.getMessage());
    }
  }

  private static String clean(String s) {
    String c = String.valueOf(s).replaceAll("\\p{Cntrl}", " ");
    return c.length() > 100 ? c.substring(0, 100) : c;
  }
}
