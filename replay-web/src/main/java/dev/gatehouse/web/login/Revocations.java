package dev.gatehouse.web.login;

import java.io.IOException;
import java.time.Instant;

/** The gateway's revocations ({@code gatehouse ca revoke --identity}), as the web side needs them. */
@FunctionalInterface
public interface Revocations {
  /** Whether a credential of {@code identity} that came to be at {@code since} is revoked. */
  boolean revoked(String identity, Instant since) throws IOException;
}
