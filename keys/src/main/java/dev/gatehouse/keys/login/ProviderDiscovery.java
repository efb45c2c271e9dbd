package dev.gatehouse.keys.login;

import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import dev.gatehouse.keys.oidc.BoundedHttpSender;
import dev.gatehouse.keys.oidc.OidcSettings;
import dev.gatehouse.keys.oidc.ProviderMetadata;
import java.io.IOException;
import java.net.URI;

/** The identity provider's endpoints from its discovery document, checked as the gateway checks them. */
final class ProviderDiscovery {
  static final int TIMEOUT_MS = 15_000;
  /** Discovery documents and token responses are a few KiB; more is refused before it fills the heap. */
  private static final BoundedHttpSender SENDER =
      new BoundedHttpSender(512 * 1024, java.time.Duration.ofMillis(TIMEOUT_MS));

  private ProviderDiscovery() {}

  static ProviderMetadata discover(URI issuer, String clientId) throws LoginFailed {
    try {
      new OidcSettings(issuer, clientId); // https unless loopback, no query: the gateway's own rule
    } catch (IllegalArgumentException e) {
      throw new LoginFailed("the gateway's identity provider is unusable: " + e.getMessage());
    }
    String base = issuer.toString();
    while (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    URI url = URI.create(base + "/.well-known/openid-configuration");
    HTTPResponse response = send(new HTTPRequest(HTTPRequest.Method.GET, url), "discovery " + url);
    if (response.getStatusCode() != 200) {
      throw new LoginFailed("discovery " + url + " answered HTTP " + response.getStatusCode());
    }
    OIDCProviderMetadata parsed;
    try {
      parsed = OIDCProviderMetadata.parse(response.getBody());
    } catch (com.nimbusds.oauth2.sdk.ParseException e) {
      throw new LoginFailed("discovery document " + url + " is not valid: " + e.getMessage());
    }
    if (!parsed.getIssuer().getValue().equals(issuer.toString())) {
      throw new LoginFailed("discovery document " + url + " names issuer " + parsed.getIssuer() + ", not " + issuer);
    }
    if (parsed.getAuthorizationEndpointURI() == null || parsed.getTokenEndpointURI() == null || parsed.getJWKSetURI() == null) {
      throw new LoginFailed("discovery document " + url + " lacks an authorization, token or jwks endpoint");
    }
    ProviderMetadata metadata = new ProviderMetadata(issuer, parsed.getAuthorizationEndpointURI(), parsed.getTokenEndpointURI(),
        parsed.getDeviceAuthorizationEndpointURI(), parsed.getJWKSetURI());
    requireSafe("token_endpoint", metadata.tokenEndpoint());
    if (metadata.deviceAuthorizationEndpoint() != null) {
      requireSafe("device_authorization_endpoint", metadata.deviceAuthorizationEndpoint());
    }
    return metadata;
  }

  /** Codes and tokens travel only over https, or plain http on loopback. */
  static void requireSafe(String name, URI url) throws LoginFailed {
    String scheme = url.getScheme() == null ? "" : url.getScheme();
    boolean ok = scheme.equalsIgnoreCase("https")
        || scheme.equalsIgnoreCase("http") && url.getHost() != null && Loopback.isLoopback(url.getHost());
    if (!ok) {
      throw new LoginFailed("the identity provider's " + name + " " + url + " is not https");
    }
  }

  static HTTPResponse send(HTTPRequest request, String what) throws LoginFailed {
    request.setConnectTimeout(TIMEOUT_MS);
    request.setReadTimeout(TIMEOUT_MS);
    request.setFollowRedirects(false);
    try {
      return request.send(SENDER);
    } catch (IOException e) {
      throw new LoginFailed("cannot reach the identity provider (" + what + "): " + GatewayClient.describe(e), e);
    }
  }
}
