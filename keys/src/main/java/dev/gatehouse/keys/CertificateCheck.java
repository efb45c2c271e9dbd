package dev.gatehouse.keys;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** Outcome of {@link UserCertificateChecker#check}: a value, never an exception. */
public sealed interface CertificateCheck {

  record Accepted(
      String identity,
      List<String> groups,
      long serial,
      Instant validAfter,
      Instant validBefore,
      boolean permitPty,
      boolean permitPortForwarding,
      boolean permitAgentForwarding,
      boolean permitX11Forwarding,
      String keyFingerprint)
      implements CertificateCheck {
    public Accepted {
      Objects.requireNonNull(identity, "identity");
      groups = List.copyOf(groups);
    }
  }

  /**
   * @param reason a stable slug for the audit log ({@code cert-expired}, {@code unknown-ca}, ...)
   * @param detail one line for the audit log; never key material beyond fingerprints
   */
  record Rejected(String reason, String detail) implements CertificateCheck {
    public Rejected {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
    }
  }
}
