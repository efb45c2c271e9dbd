package dev.gatehouse.gateway.postgres;

import java.io.IOException;

/** A message that breaks protocol v3 (from either side); the session ends with a FATAL. */
final class ProtocolViolation extends IOException {
  private final String sqlState;

  ProtocolViolation(String message) {
    this("08P01", message);
  }

  ProtocolViolation(String sqlState, String message) {
    super(message);
    this.sqlState = sqlState;
  }

  String sqlState() {
    return sqlState;
  }
}
