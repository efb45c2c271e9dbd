package dev.gatehouse.keys.login;

import com.nimbusds.jwt.JWT;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.AuthenticationErrorResponse;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.AuthenticationResponse;
import com.nimbusds.openid.connect.sdk.AuthenticationResponseParser;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.gatehouse.keys.oidc.ProviderMetadata;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Authorization code with PKCE (S256) and a loopback redirect (RFC 8252):
 *
 * <pre>
 *  login ──listen 127.0.0.1:0/callback──▶ print (and open) authorize?...&state&nonce&code_challenge
 *  browser ──IdP login──▶ 302 http://127.0.0.1:port/callback?code&state ──▶ login (state checked)
 *  login ──POST token_endpoint code + code_verifier──▶ ID token (nonce checked)
 * </pre>
 */
final class AuthorizationCodeFlow {
  static final Duration WAIT = Duration.ofMinutes(5);

  private AuthorizationCodeFlow() {}

  /**
   * Runs the flow and returns the ID token. {@code showUrl} prints the URL (and may open a browser).
   */
  static String login(ProviderMetadata provider, String clientId, List<String> scopes, Consumer<URI> showUrl, Duration wait)
      throws LoginFailed {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new LoginFailed("cannot listen on a loopback port for the login redirect: " + e.getMessage(), e);
    }
    State state = new State();
    Nonce nonce = new Nonce();
    CodeVerifier verifier = new CodeVerifier();
    URI redirect = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/callback");
    CompletableFuture<AuthenticationResponse> result = new CompletableFuture<>();
    server.createContext("/callback", exchange -> callback(exchange, redirect, state, result));
    server.start();
    try {
      AuthenticationRequest request =
          new AuthenticationRequest.Builder(ResponseType.CODE, scope(scopes), new ClientID(clientId), redirect)
              .endpointURI(provider.authorizationEndpoint())
              .state(state)
              .nonce(nonce)
              .codeChallenge(verifier, CodeChallengeMethod.S256)
              .build();
      showUrl.accept(request.toURI());
      AuthenticationResponse response;
      try {
        response = result.get(wait.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        throw new LoginFailed("no answer from the browser within " + wait.toMinutes() + " minutes");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new LoginFailed("interrupted while waiting for the browser", new InterruptedIOException());
      } catch (ExecutionException e) {
        throw new LoginFailed(e.getCause().getMessage(), e.getCause());
      }
      if (response instanceof AuthenticationErrorResponse error) {
        throw new LoginFailed("the identity provider refused the login: " + describe(error.getErrorObject()));
      }
      AuthorizationCode code = response.toSuccessResponse().getAuthorizationCode();
      if (code == null) {
        throw new LoginFailed("the identity provider's redirect carried no authorization code");
      }
      TokenRequest tokenRequest = new TokenRequest.Builder(provider.tokenEndpoint(), new ClientID(clientId),
          new AuthorizationCodeGrant(code, redirect, verifier)).build();
      String idToken = idToken(tokenRequest);
      checkNonce(idToken, nonce);
      return idToken;
    } finally {
      server.stop(0);
    }
  }

  static Scope scope(List<String> scopes) {
    Scope scope = new Scope();
    for (String s : scopes) {
      scope.add(s);
    }
    if (!scope.contains("openid")) {
      scope.add("openid");
    }
    return scope;
  }

  private static void callback(HttpExchange exchange, URI redirect, State state, CompletableFuture<AuthenticationResponse> result)
      throws IOException {
    try {
      String query = exchange.getRequestURI().getRawQuery();
      AuthenticationResponse response;
      try {
        response = AuthenticationResponseParser.parse(URI.create(redirect + (query == null ? "" : "?" + query)));
      } catch (ParseException e) {
        reply(exchange, 400, "Gatehouse: this is not a login answer.");
        return;
      }
      if (!state.equals(response.getState())) {
        // Not the answer to our request (a stale tab, or someone else's): ignore it and keep waiting.
        reply(exchange, 400, "Gatehouse: this login answer does not belong to the waiting login (state mismatch).");
        return;
      }
      boolean ok = response.indicatesSuccess();
      reply(exchange, ok ? 200 : 400, ok
          ? "Gatehouse: logged in. You can close this window and return to the terminal."
          : "Gatehouse: the login was refused. See the terminal.");
      result.complete(response);
    } finally {
      exchange.close();
    }
  }

  private static void reply(HttpExchange exchange, int status, String text) throws IOException {
    byte[] body = ("<!doctype html><meta charset=utf-8><title>Gatehouse</title><p>" + text + "</p>\n")
        .getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** Sends a token request; the ID token, or a LoginFailed naming the provider's error. */
  static String idToken(TokenRequest request) throws LoginFailed {
    TokenResponse response = tokenResponse(request);
    if (!response.indicatesSuccess()) {
      throw new LoginFailed("the identity provider refused the token request: "
          + describe(((TokenErrorResponse) response).getErrorObject()));
    }
    return idToken((OIDCTokenResponse) response.toSuccessResponse());
  }

  static TokenResponse tokenResponse(TokenRequest request) throws LoginFailed {
    try {
      return OIDCTokenResponseParser.parse(ProviderDiscovery.send(request.toHTTPRequest(), "token endpoint"));
    } catch (ParseException e) {
      throw new LoginFailed("the identity provider's token response is not valid: " + e.getMessage());
    }
  }

  static String idToken(OIDCTokenResponse response) throws LoginFailed {
    JWT idToken = response.getOIDCTokens().getIDToken();
    if (idToken == null) {
      throw new LoginFailed("the identity provider answered without an ID token (is the openid scope allowed?)");
    }
    return idToken.serialize();
  }

  /** The ID token must answer our request (nonce): a token injected into the redirect is refused. */
  static void checkNonce(String idToken, Nonce nonce) throws LoginFailed {
    Object claim;
    try {
      claim = com.nimbusds.jwt.JWTParser.parse(idToken).getJWTClaimsSet().getClaim("nonce");
    } catch (java.text.ParseException e) {
      throw new LoginFailed("the identity provider's ID token cannot be read");
    }
    if (!nonce.getValue().equals(claim)) {
      throw new LoginFailed("the ID token does not carry this login's nonce");
    }
  }

  static String describe(com.nimbusds.oauth2.sdk.ErrorObject error) {
    if (error == null) {
      return "unknown error";
    }
    String code = error.getCode() == null ? "error" : error.getCode();
    return error.getDescription() == null ? code : code + ": " + error.getDescription();
  }
}
