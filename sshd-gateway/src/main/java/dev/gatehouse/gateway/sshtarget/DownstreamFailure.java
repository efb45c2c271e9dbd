package dev.gatehouse.gateway.sshtarget;

import java.io.IOException;

/**
 * The target host could not be reached or refused us. {@code reason} is a stable slug for the
 * audit line; the message is the one line the user sees.
 */
public final class DownstreamFailure extends IOException {
  private final String reason;

  DownstreamFailure(String reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
