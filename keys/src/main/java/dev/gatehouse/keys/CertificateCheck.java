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
   * @param ourCertificate the key is a user certificate whose CA is trusted here and whose CA
   *     signature verified: the gateway knows it issued it, so it may tell the client why it is
   *     refused (a certificate of another CA learns nothing)
   */
  record Rejected(String reason, String detail, boolean ourCertificate) implements CertificateCheck {
    public Rejected {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
    }

    /** A refusal of a key the gateway does not know as one of its certificates. */
    public Rejected(String reason, String detail) {
      this(reason, detail, false);
    }
  }
}
