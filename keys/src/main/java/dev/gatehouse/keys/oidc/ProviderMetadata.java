package dev.gatehouse.keys.oidc;

import java.net.URI;
import java.util.Objects;

/**
 * What the login client and the device flow need from the provider's discovery document.
 *
 * @param deviceAuthorizationEndpoint null when the provider does not offer the device grant
 */
public record ProviderMetadata(
    URI issuer, URI authorizationEndpoint, URI tokenEndpoint, URI deviceAuthorizationEndpoint, URI jwksUri) {
  public ProviderMetadata {
    Objects.requireNonNull(issuer, "issuer");
    Objects.requireNonNull(authorizationEndpoint, "authorization_endpoint");
    Objects.requireNonNull(tokenEndpoint, "token_endpoint");
    Objects.requireNonNull(jwksUri, "jwks_uri");
  }
}
