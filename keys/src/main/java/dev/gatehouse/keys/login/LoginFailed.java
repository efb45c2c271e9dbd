package dev.gatehouse.keys.login;

import java.io.IOException;

/**
 * {@code gatehouse login} could not finish. The message is one line for the person at the terminal
 * and never contains a token.
 */
public final class LoginFailed extends IOException {
  public LoginFailed(String message) {
    super(oneLine(message));
  }

  public LoginFailed(String message, Throwable cause) {
    super(oneLine(message), cause);
  }

  private static String oneLine(String s) {
    return s == null ? "unknown error" : s.replaceAll("\\p{Cntrl}", " ");
  }
}
