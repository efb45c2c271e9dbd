package dev.gatehouse.gateway.auth;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The device logins waiting for their person, counted so that nobody can make the gateway hold
 * more than {@code maxPending} of them, more than {@code maxPerAddress} from one source address
 * ({@link AddressBucket}), or two for one key: a key that is being bound is not offered a second
 * code until the first one ended.
 */
final class PendingDeviceLogins {
  /** The outcome of {@link #admit}: a ticket to release when the login ends, or a refusal. */
  sealed interface Admission permits Admitted, Refused {}

  record Admitted(Ticket ticket) implements Admission {}

  /** {@code reason} is the audit slug, {@code message} what the client is told. */
  record Refused(String reason, String message) implements Admission {}

  /** One waiting login's place; {@link #release} is idempotent. */
  final class Ticket {
    private final String bucket;
    private final String fingerprint;
    private boolean released;

    private Ticket(String bucket, String fingerprint) {
      this.bucket = bucket;
      this.fingerprint = fingerprint;
    }

    void release() {
      synchronized (PendingDeviceLogins.this) {
        if (released) {
          return;
        }
        released = true;
        total--;
        perBucket.merge(bucket, -1, (a, b) -> a + b == 0 ? null : a + b);
        keys.remove(fingerprint);
      }
    }
  }

  private final int maxPending;
  private final int maxPerAddress;
  private int total;
  private final Map<String, Integer> perBucket = new HashMap<>();
  private final Set<String> keys = new HashSet<>();

  PendingDeviceLogins(int maxPending, int maxPerAddress) {
    this.maxPending = maxPending;
    this.maxPerAddress = maxPerAddress;
  }

  synchronized Admission admit(String bucket, String fingerprint) {
    if (total >= maxPending) {
      return new Refused("device-login-busy",
          total + " device logins are waiting at this gateway (oidc.deviceLogin.maxPending " + maxPending + ")");
    }
    if (perBucket.getOrDefault(bucket, 0) >= maxPerAddress) {
      return new Refused("device-login-busy-address", perBucket.get(bucket)
          + " device logins from this address are waiting (oidc.deviceLogin.maxPendingPerAddress " + maxPerAddress + ")");
    }
    if (keys.contains(fingerprint)) {
      return new Refused("device-login-key-pending",
          "a device login for key " + fingerprint + " is already waiting; finish or close that one first");
    }
    total++;
    perBucket.merge(bucket, 1, Integer::sum);
    keys.add(fingerprint);
    return new Admitted(new Ticket(bucket, fingerprint));
  }

  synchronized int waiting() {
    return total;
  }
}
