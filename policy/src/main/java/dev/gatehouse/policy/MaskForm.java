package dev.gatehouse.policy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * How a sensitive value is shown ({@code mask.form}). The masked form never reveals the length of
 * the value.
 */
public enum MaskForm {
  /** {@code ********}. */
  FULL("full"),
  /**
   * {@code ****1234}: the last four characters of a value longer than eight; shorter values are
   * masked fully, since four characters would be half of them or more.
   */
  KEEP_LAST_4("keep-last-4"),
  /**
   * {@code hash:} and 16 hex digits of SHA-256: equal values mask equally, so joins and counts
   * still line up. Unkeyed: a value from a small set (a card number, a phone number) can be found
   * again by hashing candidates, so prefer {@code full} or {@code keep-last-4} for those.
   */
  HASH("hash");

  static final String STARS = "********";
  private final String label;

  MaskForm(String label) {
    this.label = label;
  }

  /** The form's name in configuration: {@code full}, {@code keep-last-4}, {@code hash}. */
  public String label() {
    return label;
  }

  public static MaskForm byLabel(String label) {
    for (MaskForm f : values()) {
      if (f.label.equals(label)) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "'" + label + "' is no mask form (full, keep-last-4, hash)");
  }

  /** The masked form of {@code value}; {@code null} stays {@code null} (SQL NULL is not a secret). */
  public String apply(String value) {
    if (value == null) {
      return null;
    }
    switch (this) {
      case KEEP_LAST_4:
        int n = value.codePointCount(0, value.length());
        if (n <= 8) {
          return STARS;
        }
        return "****" + value.substring(value.offsetByCodePoints(0, n - 4));
      case HASH:
        try {
          byte[] d = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
          return "hash:" + HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
          throw new IllegalStateException("SHA-256 missing from this JVM", e);
        }
      case FULL:
      default:
        return STARS;
    }
  }
}
