package dev.gatehouse.keys.login;

import dev.gatehouse.keys.oidc.DeviceGrant;
import dev.gatehouse.keys.oidc.ProviderMetadata;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The device authorization grant (RFC 8628, with PKCE) for remote and headless terminals, on
 * {@link DeviceGrant}, the same client the gateway's keyboard-interactive login uses:
 *
 * <pre>
 *  login ──POST device_authorization_endpoint──▶ device_code, user_code, verification_uri(_complete)
 *  login prints the URL and code; the person opens it on any device and signs in
 *  login ──POST token_endpoint (device_code) every interval──▶ authorization_pending | slow_down (+5 s)
 *        | expired_token | access_denied | ID token
 * </pre>
 */
final class DeviceFlow {
  private DeviceFlow() {}

  static String login(ProviderMetadata provider, String clientId, List<String> scopes, PrintStream out, Clock clock)
      throws LoginFailed {
    if (provider.deviceAuthorizationEndpoint() == null) {
      throw new LoginFailed("the identity provider " + provider.issuer() + " offers no device authorization grant; "
          + "log in without --device");
    }
    DeviceGrant grant = new DeviceGrant(provider, clientId, clock);
    DeviceGrant.Pending pending;
    try {
      pending = grant.start(List.copyOf(AuthorizationCodeFlow.scope(scopes).toStringList()));
    } catch (IOException e) {
      throw new LoginFailed("the identity provider refused the device login: " + GatewayClient.describe(e), e);
    }
    if (pending.verificationUriComplete() != null) {
      out.println("Open this URL to log in: " + pending.verificationUriComplete());
      out.println("(the page shows the code " + pending.userCode() + ")");
    } else {
      out.println("Open this URL to log in: " + pending.verificationUri());
      out.println("and enter the code: " + pending.userCode());
    }
    out.flush();
    Duration interval = pending.interval();
    while (true) {
      sleep(interval);
      DeviceGrant.Poll poll;
      try {
        poll = grant.poll(pending, interval);
      } catch (IOException e) {
        throw new LoginFailed("cannot reach the identity provider's token endpoint: " + GatewayClient.describe(e), e);
      }
      if (poll instanceof DeviceGrant.Approved approved) {
        return approved.idToken();
      } else if (poll instanceof DeviceGrant.Waiting waiting) {
        interval = waiting.interval();
        if (!clock.instant().plus(interval).isBefore(pending.expiresAt())) {
          throw new LoginFailed("the login code expired before the login was completed; run login again");
        }
      } else {
        DeviceGrant.Failed failed = (DeviceGrant.Failed) poll;
        throw new LoginFailed(failed.reason().equals("expired_token")
            ? "the login code expired before the login was completed; run login again"
            : failed.message());
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
