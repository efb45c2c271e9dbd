package dev.gatehouse.keys.oidc;

import java.io.IOException;
import java.time.Instant;

/** Remembers which ID tokens were already exchanged, so each is accepted once. */
public interface ReplayGuard {
  /**
   * Records {@code tokenId}. True if this is its first use; remembers it until {@code expiresAt},
   * after which the token is refused as expired anyway.
   */
  boolean firstUse(String tokenId, Instant expiresAt) throws IOException;
}
