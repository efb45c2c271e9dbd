package dev.gatehouse.keys;

import java.time.Instant;
import java.util.List;

/**
 * An ordinary SSH key bound to an identity after that identity logged in at the identity
 * provider in the same connection that proved possession of the key (the no-client-install path).
 * Like a certificate it has a serial (revocable with {@code ca revoke --serial}) and a lifetime
 * ({@code oidc.certificateTtl}).
 */
public record KeyBinding(
    long serial, String keyFingerprint, String identity, List<String> groups, Instant boundAt, Instant validBefore,
    String boundBy) {
  public KeyBinding {
    groups = List.copyOf(groups);
  }
}
