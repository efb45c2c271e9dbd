package dev.gatehouse.gateway.config;

import java.time.Duration;

/**
 * {@code oidc.deviceLogin: {maxPending: 100, maxPendingPerAddress: 10, timeout: 5m}}: limits of the
 * keyboard-interactive device login (a plain key bound after a login at the identity provider).
 *
 * <p>{@code maxPending} device logins may wait for their person at once on this gateway, {@code
 * maxPendingPerAddress} of them from one source address (all loopback addresses count as one, an
 * IPv6 address by its /64). A waiting login ends {@code timeout} after its code was shown, or when
 * the provider's code expires if sooner; polling the provider never extends it.
 */
public record DeviceLoginSettings(Integer maxPending, Integer maxPendingPerAddress, Duration timeout) {
  public static final int DEFAULT_MAX_PENDING = 100;
  public static final int DEFAULT_MAX_PENDING_PER_ADDRESS = 10;

  public DeviceLoginSettings {
    maxPending = maxPending == null ? DEFAULT_MAX_PENDING : maxPending;
    if (maxPending < 1 || maxPending > 10_000) {
      throw new IllegalArgumentException("maxPending: " + maxPending + " must be between 1 and 10000");
    }
    maxPendingPerAddress = maxPendingPerAddress == null
        ? Math.min(DEFAULT_MAX_PENDING_PER_ADDRESS, maxPending) : maxPendingPerAddress;
    if (maxPendingPerAddress < 1 || maxPendingPerAddress > maxPending) {
      throw new IllegalArgumentException(
          "maxPendingPerAddress: " + maxPendingPerAddress + " must be between 1 and maxPending (" + maxPending + ")");
    }
    timeout = timeout == null ? Duration.ofMinutes(5) : timeout;
    if (timeout.compareTo(Duration.ofSeconds(10)) < 0 || timeout.compareTo(Duration.ofMinutes(15)) > 0) {
      throw new IllegalArgumentException("timeout: " + timeout + " must be between 10s and 15m");
    }
  }

  public static DeviceLoginSettings defaults() {
    return new DeviceLoginSettings(null, null, null);
  }
}
