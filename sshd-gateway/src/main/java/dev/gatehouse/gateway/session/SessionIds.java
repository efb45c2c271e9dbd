package dev.gatehouse.gateway.session;

import java.security.SecureRandom;

/** Session ids: 16 lower-case base32 characters (80 random bits), safe in file names and URLs. */
public final class SessionIds {
  private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private SessionIds() {}

  public static String next() {
    byte[] b = new byte[10];
    RANDOM.nextBytes(b);
    StringBuilder sb = new StringBuilder(16);
    long bits = 0;
    int n = 0;
    for (byte x : b) {
      bits = (bits << 8) | (x & 0xff);
      n += 8;
      while (n >= 5) {
        sb.append(ALPHABET[(int) ((bits >> (n - 5)) & 31)]);
        n -= 5;
      }
    }
    return sb.toString();
  }
}
