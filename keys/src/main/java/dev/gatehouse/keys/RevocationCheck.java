package dev.gatehouse.keys;

import java.io.IOException;
import java.time.Instant;

/** Whether a certificate has been revoked; {@link CertificateLedger#isRevoked} is the usual one. */
@FunctionalInterface
public interface RevocationCheck {
  boolean isRevoked(long serial, String identity, Instant validAfter) throws IOException;
}
