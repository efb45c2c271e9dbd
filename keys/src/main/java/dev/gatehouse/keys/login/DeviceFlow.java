package dev.gatehouse.keys.login;

import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.device.DeviceAuthorizationErrorResponse;
import com.nimbusds.oauth2.sdk.device.DeviceAuthorizationRequest;
import com.nimbusds.oauth2.sdk.device.DeviceAuthorizationResponse;
import com.nimbusds.oauth2.sdk.device.DeviceAuthorizationSuccessResponse;
import com.nimbusds.oauth2.sdk.device.DeviceCodeGrant;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import dev.gatehouse.keys.oidc.ProviderMetadata;
import java.io.InterruptedIOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/**
 * The device authorization grant (RFC 8628) for remote and headless terminals:
 *
 * <pre>
 *  login ──POST device_authorization_endpoint──▶ device_code, user_code, verification_uri(_complete)
 *  login prints the URL and code; the person opens it on any device and signs in
 *  login ──POST token_endpoint (device_code) every interval──▶ authorization_pending | slow_down
 *        | expired_token | access_denied | ID token
 * </pre>
 */
final class DeviceFlow {
  static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);
  static final Duration SLOW_DOWN_STEP = Duration.ofSeconds(5);
  static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(10);

  private DeviceFlow() {}

  static String login(ProviderMetadata provider, String clientId, List<String> scopes, PrintStream out) throws LoginFailed {
    if (provider.deviceAuthorizationEndpoint() == null) {
      throw new LoginFailed("the identity provider " + provider.issuer() + " offers no device authorization grant; "
          + "log in without --device");
    }
    ClientID client = new ClientID(clientId);
    DeviceAuthorizationResponse response;
    try {
      response = DeviceAuthorizationResponse.parse(ProviderDiscovery.send(
          new DeviceAuthorizationRequest(provider.deviceAuthorizationEndpoint(), client, AuthorizationCodeFlow.scope(scopes))
              .toHTTPRequest(),
          "device authorization endpoint"));
    } catch (ParseException e) {
      throw new LoginFailed("the identity provider's device authorization response is not valid: " + e.getMessage());
    }
    if (!response.indicatesSuccess()) {
      throw new LoginFailed("the identity provider refused the device login: "
          + AuthorizationCodeFlow.describe(((DeviceAuthorizationErrorResponse) response).getErrorObject()));
    }
    DeviceAuthorizationSuccessResponse device = response.toSuccessResponse();
    if (device.getVerificationURIComplete() != null) {
      out.println("Open this URL to log in: " + device.getVerificationURIComplete());
      out.println("(the page shows the code " + device.getUserCode().getValue() + ")");
    } else {
      out.println("Open this URL to log in: " + device.getVerificationURI());
      out.println("and enter the code: " + device.getUserCode().getValue());
    }
    out.flush();
    Duration interval = device.getInterval() > 0 ? Duration.ofSeconds(device.getInterval()) : DEFAULT_INTERVAL;
    Duration lifetime = device.getLifetime() > 0 ? Duration.ofSeconds(device.getLifetime()) : DEFAULT_LIFETIME;
    long deadline = System.nanoTime() + lifetime.toNanos();
    TokenRequest poll = new TokenRequest(provider.tokenEndpoint(), client, new DeviceCodeGrant(device.getDeviceCode()));
    while (true) {
      sleep(interval);
      TokenResponse token = AuthorizationCodeFlow.tokenResponse(poll);
      if (token.indicatesSuccess()) {
        return AuthorizationCodeFlow.idToken((OIDCTokenResponse) token.toSuccessResponse());
      }
      ErrorObject error = ((TokenErrorResponse) token).getErrorObject();
      String code = error == null || error.getCode() == null ? "" : error.getCode();
      switch (code) {
        case "authorization_pending" -> { }
        case "slow_down" -> interval = interval.plus(SLOW_DOWN_STEP);
        case "expired_token" -> throw new LoginFailed("the device code expired before the login was completed; run login again");
        case "access_denied" -> throw new LoginFailed("the login was denied at the identity provider");
        default -> throw new LoginFailed("the identity provider refused the device login: " + AuthorizationCodeFlow.describe(error));
      }
      if (System.nanoTime() + interval.toNanos() > deadline) {
        throw new LoginFailed("the device code expired before the login was completed (" + lifetime.toMinutes()
            + " min); run login again");
      }
    }
  }

  private static void sleep(Duration d) throws LoginFailed {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LoginFailed("interrupted while waiting for the device login", new InterruptedIOException());
    }
  }
}
