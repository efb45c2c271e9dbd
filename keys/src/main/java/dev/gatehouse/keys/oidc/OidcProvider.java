package dev.gatehouse.keys.oidc;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The identity provider as seen through its discovery document and JWKS, fetched on first use and
 * cached.
 *
 * <ul>
 *   <li>Both are re-fetched when older than {@link #MAX_AGE}; a failed re-fetch fails closed.
 *   <li>A token naming a key id the cached JWKS lacks triggers one re-fetch (key rotation), at
 *       most once per {@link #REFETCH_INTERVAL}, so tokens with made-up key ids cannot make the
 *       gateway hammer the provider.
 *   <li>After a failed fetch, calls within {@link #FAILURE_BACKOFF} fail at once instead of each
 *       waiting out the timeout again.
 * </ul>
 *
 * Plain HTTP GETs through {@link ProviderHttp}: one deadline for the whole exchange (a provider
 * that trickles its answer is cut off), no redirects, bodies capped at {@link #MAX_BODY}. Every URL
 * obeys the issuer's rule: https, unless on loopback.
 */
final class OidcProvider {
  static final Duration REFETCH_INTERVAL = Duration.ofSeconds(30);
  static final Duration MAX_AGE = Duration.ofHours(1);
  static final Duration FAILURE_BACKOFF = Duration.ofSeconds(5);
  static final int MAX_BODY = 512 * 1024;

  private static final Logger log = LoggerFactory.getLogger(OidcProvider.class);

  private final OidcSettings settings;
  private final Clock clock;
  private final ProviderHttp http;

  private ProviderMetadata metadata;
  private Instant metadataFetchedAt;
  private JWKSet keys;
  private Instant keysFetchedAt;
  private IOException lastFailure;
  private Instant lastFailureAt;

  OidcProvider(OidcSettings settings, Clock clock, Duration timeout) {
    this.settings = settings;
    this.clock = clock;
    this.http = new ProviderHttp(timeout);
  }

  synchronized ProviderMetadata metadata() throws IOException {
    Instant now = clock.instant();
    if (metadata == null || !now.isBefore(metadataFetchedAt.plus(MAX_AGE))) {
      metadata = guarded(this::discover);
      metadataFetchedAt = now;
    }
    return metadata;
  }

  /** The cached JWKS, fetched when missing or too old. */
  synchronized JWKSet keys() throws IOException {
    Instant now = clock.instant();
    if (keys == null || !now.isBefore(keysFetchedAt.plus(MAX_AGE))) {
      return refetchKeys(now);
    }
    return keys;
  }

  /**
   * The JWKS once more from the provider, because a token names a key it lacks; the cached set
   * when it was fetched less than {@link #REFETCH_INTERVAL} ago.
   */
  synchronized JWKSet keysAfterUnknownKeyId() throws IOException {
    Instant now = clock.instant();
    if (keys != null && now.isBefore(keysFetchedAt.plus(REFETCH_INTERVAL))) {
      return keys;
    }
    return refetchKeys(now);
  }

  private JWKSet refetchKeys(Instant now) throws IOException {
    URI jwksUri = metadata().jwksUri();
    keys = guarded(() -> fetchKeys(jwksUri));
    keysFetchedAt = now;
    return keys;
  }

  private interface Fetch<T> {
    T get() throws IOException;
  }

  private <T> T guarded(Fetch<T> fetch) throws IOException {
    Instant now = clock.instant();
    if (lastFailure != null && now.isBefore(lastFailureAt.plus(FAILURE_BACKOFF))) {
      throw new IOException(lastFailure.getMessage() + " (failed " + Duration.between(lastFailureAt, now).toMillis()
          + " ms ago; next attempt after " + FAILURE_BACKOFF.toSeconds() + " s)", lastFailure);
    }
    try {
      T result = fetch.get();
      lastFailure = null;
      return result;
    } catch (IOException e) {
      lastFailure = e;
      lastFailureAt = now;
      log.warn("OIDC provider {}: {}", settings.issuer(), e.getMessage());
      throw e;
    }
  }

  private ProviderMetadata discover() throws IOException {
    URI url = settings.discoveryUrl();
    String body = get(url);
    OIDCProviderMetadata parsed;
    try {
      parsed = OIDCProviderMetadata.parse(body);
    } catch (com.nimbusds.oauth2.sdk.ParseException e) {
      throw new IOException("discovery document " + url + " is not valid: " + e.getMessage(), e);
    }
    String issuer = parsed.getIssuer().getValue();
    if (!issuer.equals(settings.issuer().toString())) {
      // OpenID Connect Discovery 1.0, section 4.3: the document must name the issuer it was fetched for.
      throw new IOException(
          "discovery document " + url + " names issuer " + issuer + ", not the configured " + settings.issuer());
    }
    String missing =
        parsed.getAuthorizationEndpointURI() == null ? "authorization_endpoint"
            : parsed.getTokenEndpointURI() == null ? "token_endpoint"
            : parsed.getJWKSetURI() == null ? "jwks_uri"
            : null;
    if (missing != null) {
      throw new IOException("discovery document " + url + " lacks " + missing);
    }
    ProviderMetadata result =
        new ProviderMetadata(
            settings.issuer(),
            parsed.getAuthorizationEndpointURI(),
            parsed.getTokenEndpointURI(),
            parsed.getDeviceAuthorizationEndpointURI(),
            parsed.getJWKSetURI());
    try {
      OidcSettings.requireIssuerUrl("authorization_endpoint", result.authorizationEndpoint());
      OidcSettings.requireIssuerUrl("token_endpoint", result.tokenEndpoint());
      OidcSettings.requireIssuerUrl("jwks_uri", result.jwksUri());
      if (result.deviceAuthorizationEndpoint() != null) {
        OidcSettings.requireIssuerUrl("device_authorization_endpoint", result.deviceAuthorizationEndpoint());
      }
    } catch (IllegalArgumentException e) {
      throw new IOException("discovery document " + url + ": " + e.getMessage(), e);
    }
    return result;
  }

  private JWKSet fetchKeys(URI url) throws IOException {
    String body = get(url);
    try {
      return JWKSet.parse(body).toPublicJWKSet();
    } catch (java.text.ParseException e) {
      throw new IOException("JWKS " + url + " is not a valid JWK set: " + e.getMessage(), e);
    }
  }

  private String get(URI url) throws IOException {
    ProviderHttp.Answer answer = ProviderHttp.await(http.get(url, MAX_BODY));
    if (answer.status() != 200) {
      throw new IOException("fetching " + url + " answered HTTP " + answer.status());
    }
    return answer.text();
  }

}
