package dev.gatehouse.keys;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One row of the ledger: a user certificate the CA issued.
 *
 * @param keyFingerprint of the certified (subject) key, {@code SHA256:...} as ssh-keygen prints it
 * @param issuedBy which path issued it, e.g. {@code "ca sign"}
 */
public record IssuedCertificate(
    long serial,
    String identity,
    List<String> groups,
    String keyFingerprint,
    Instant validAfter,
    Instant validBefore,
    String issuedBy) {
  public IssuedCertificate {
    Objects.requireNonNull(identity, "identity");
    groups = List.copyOf(groups);
    Objects.requireNonNull(keyFingerprint, "keyFingerprint");
    Objects.requireNonNull(validAfter, "validAfter");
    Objects.requireNonNull(validBefore, "validBefore");
    Objects.requireNonNull(issuedBy, "issuedBy");
  }
}
