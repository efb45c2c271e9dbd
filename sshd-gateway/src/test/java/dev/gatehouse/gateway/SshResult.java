package dev.gatehouse.gateway;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** What one run of the real ssh client left: its exit code, the bytes on stdout and stderr. */
record SshResult(int exitCode, byte[] stdout, byte[] stderr, Duration elapsed) {
  String out() {
    return new String(stdout, StandardCharsets.UTF_8);
  }

  String err() {
    return new String(stderr, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "ssh exited " + exitCode + " after " + elapsed.toMillis() + " ms\n--- stdout ---\n" + out()
        + "\n--- stderr ---\n" + err();
  }
}
