package dev.gatehouse.keys;

import java.time.Instant;
import java.util.List;

/**
 * An ordinary SSH key bound to an identity after that identity logged in at the identity
 * provider in the same connection that proved possession of the key (the no-client-install path).
 * Like a certificate it has a serial (revocable with {@code ca revoke --serial}) and a lifetime
 * ({@code oidc.certificateTtl}). {@code boundFrom} is the client address of the connection that
 * proved the key ("" for bindings made before it was recorded).
 */
public record KeyBinding(
    long serial, String keyFingerprint, String identity, List<String> groups, Instant boundAt, Instant validBefore,
    String boundBy, String boundFrom) {
  public KeyBinding {
    groups = List.copyOf(groups);
    boundFrom = boundFrom == null ? "" : boundFrom;
  }

  /** A binding's state for people and scripts: active, expired or revoked (revoked wins). */
  public enum State {
    ACTIVE, EXPIRED, REVOKED;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
