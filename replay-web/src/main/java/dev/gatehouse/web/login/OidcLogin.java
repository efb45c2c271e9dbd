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
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import dev.gatehouse.keys.oidc.IdTokenVerifier;
import dev.gatehouse.keys.oidc.BoundedHttpSender;
import dev.gatehouse.keys.oidc.ProviderMetadata;
import dev.gatehouse.keys.oidc.TokenRejected;
import dev.gatehouse.keys.oidc.VerifiedToken;
import dev.gatehouse.web.WebConfig;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.function.Supplier;
import javax.crypto.Cipher;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * The browser login: OpenID Connect authorization code with PKCE (S256), state and nonce.
 *
 * <pre>
 *  browser ──GET /auth/login?return=/x──▶ cookie gh_login = seal(state, nonce, verifier, return, time)
 *          ◀──302 authorization_endpoint?client_id&amp;redirect_uri=publicUrl/auth/callback&amp;state&amp;nonce&amp;code_challenge
 *  browser ──IdP login──▶ GET /auth/callback?code&amp;state  (gh_login must open, be fresh and hold this state)
 *  gateway ──POST token_endpoint code + code_verifier──▶ ID token: signature, iss, aud, exp, iat, once; nonce
 *          ──▶ WebSession (cookie gh_session), 302 to the return path
 * </pre>
 *
 * The login in progress lives only in the browser's gh_login cookie, sealed with AES-GCM under a key
 * that lives in this process's memory: the gateway keeps nothing per login, so logins started and
 * never finished (a flood of {@code /auth/login}) cost it nothing and lock nobody out. The cookie
 * binding stops a login CSRF (an attacker's callback URL in a victim's browser has no gh_login
 * cookie holding that state); a sealed login is good for {@link #PENDING_TTL}; the code it carries
 * is used once at the provider and the ID token once here (replay guard).
 */
public final class OidcLogin {
  static final Duration PENDING_TTL = Duration.ofMinutes(10);
  private static final String SEAL_VERSION = "gh-login-1";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(5);
  private static final int MAX_TOKEN_ANSWER = 256 * 1024;

  /** What the browser is sent to, and the sealed login to put in its gh_login cookie. */
  public record Begin(URI authorizationUrl, String cookie) {}

  private record Pending(String state, Nonce nonce, CodeVerifier verifier, String returnPath, Instant created) {}

  private final Supplier<WebConfig> config;
  private final IdTokenVerifier verifier;
  private final Clock clock;
  private final SecretKey sealKey;
  private final BoundedHttpSender idp = new BoundedHttpSender(MAX_TOKEN_ANSWER, HTTP_TIMEOUT);

  public OidcLogin(Supplier<WebConfig> config, IdTokenVerifier verifier, Clock clock) {
    this.config = config;
    this.verifier = verifier;
    this.clock = clock;
    try {
      KeyGenerator g = KeyGenerator.getInstance("AES");
      g.init(256, RANDOM);
      this.sealKey = g.generateKey();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-256 is missing from this JDK", e);
    }
  }

  public URI redirectUri() {
    return URI.create(config.get().publicUrl() + "/auth/callback");
  }

  public Begin begin(String returnPath) throws LoginRefused {
    WebConfig c = config.get();
    ProviderMetadata provider = provider();
    State state = new State();
    Nonce nonce = new Nonce();
    CodeVerifier codeVerifier = new CodeVerifier();
    String sealed = seal(new Pending(state.getValue(), nonce, codeVerifier, ReturnPath.of(returnPath), clock.instant()));
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
    return new Begin(request.toURI(), sealed);
  }

  /** A finished login: the verified identity and where to go. */
  public record Done(VerifiedToken token, String returnPath) {}

  /**
   * Completes the login from the callback's query. {@code cookie} is the gh_login cookie.
   *
   * @throws LoginRefused with slugs bad-state, idp-refused, token-exchange-failed, bad-nonce, or the
   *     ID token's own reason (expired, wrong-issuer, bad-signature, ...)
   */
  public Done complete(String state, String cookie, String code, String error) throws LoginRefused {
    Pending p = open(cookie);
    if (p == null || state == null || !MessageDigest.isEqual(p.state().getBytes(StandardCharsets.US_ASCII),
        state.getBytes(StandardCharsets.UTF_8))) {
      throw new LoginRefused("bad-state", "this login answer was not started in this browser");
    }
    Instant now = clock.instant();
    if (!now.isBefore(p.created().plus(PENDING_TTL)) || now.plus(Duration.ofMinutes(1)).isBefore(p.created())) {
      throw new LoginRefused("bad-state", "this login was started more than " + PENDING_TTL.toMinutes()
          + " minutes ago; log in again");
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
    // One deadline for the whole exchange (a provider trickling its answer cannot hold a web
    // thread), the answer capped, no redirects.
    TokenResponse response;
    try {
      response = OIDCTokenResponseParser.parse(http.send(idp));
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

  /** The login in progress, encrypted and authenticated (AES-256-GCM, random IV), base64url. */
  private String seal(Pending p) {
    String plain = String.join("\n", SEAL_VERSION, p.state(), p.nonce().getValue(), p.verifier().getValue(),
        Long.toString(p.created().toEpochMilli()), p.returnPath());
    try {
      byte[] iv = new byte[12];
      RANDOM.nextBytes(iv);
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.ENCRYPT_MODE, sealKey, new GCMParameterSpec(128, iv));
      c.updateAAD(SEAL_VERSION.getBytes(StandardCharsets.US_ASCII));
      byte[] sealed = c.doFinal(plain.getBytes(StandardCharsets.UTF_8));
      byte[] out = new byte[iv.length + sealed.length];
      System.arraycopy(iv, 0, out, 0, iv.length);
      System.arraycopy(sealed, 0, out, iv.length, sealed.length);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is missing from this JDK", e);
    }
  }

  /** The sealed login, or null when the cookie is absent, forged, altered or from another process. */
  private Pending open(String cookie) {
    if (cookie == null || cookie.length() > 8192) {
      return null;
    }
    try {
      byte[] in = Base64.getUrlDecoder().decode(cookie);
      if (in.length < 12 + 16) {
        return null;
      }
      Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
      c.init(Cipher.DECRYPT_MODE, sealKey, new GCMParameterSpec(128, in, 0, 12));
      c.updateAAD(SEAL_VERSION.getBytes(StandardCharsets.US_ASCII));
      String[] f = new String(c.doFinal(in, 12, in.length - 12), StandardCharsets.UTF_8).split("\n", -1);
      if (f.length != 6 || !f[0].equals(SEAL_VERSION)) {
        return null;
      }
      return new Pending(f[1], new Nonce(f[2]), new CodeVerifier(f[3]), f[5], Instant.ofEpochMilli(Long.parseLong(f[4])));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      // Not base64, not ours, altered: one answer for all.
      return null;
    }
  }

  private static String clean(String s) {
    String c = dev.gatehouse.recorder.VisibleText.inline(String.valueOf(s));
    return c.length() > 100 ? c.substring(0, 100) : c;
  }
}
