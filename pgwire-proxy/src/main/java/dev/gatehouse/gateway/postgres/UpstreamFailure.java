package dev.gatehouse.gateway.postgres;

import java.io.IOException;

/**
 * The target database could not be opened (connect, TLS or authentication). The message is what
 * the client sees in one FATAL line; it never holds the password.
 */
final class UpstreamFailure extends IOException {
  private final String sqlState;

  UpstreamFailure(String sqlState, String message, Throwable cause) {
    super(message, cause);
    this.sqlState = sqlState;
  }

  String sqlState() {
    return sqlState;
  }
}
