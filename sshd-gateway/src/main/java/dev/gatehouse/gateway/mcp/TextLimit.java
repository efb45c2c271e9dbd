package dev.gatehouse.gateway.mcp;

import java.nio.charset.StandardCharsets;

/**
 * The bound on a text that leaves a call (a result's strings, an audit field, what the recording
 * shows of the arguments): at most {@code maxBytes} of UTF-8, cut on a character boundary and
 * ended with an explicit {@code …(N bytes more)}, so that nobody mistakes a cut text for the whole.
 */
final class TextLimit {
  /** What an audit field of a call holds at most (arguments, reason, a server's error text). */
  static final int AUDIT_FIELD_BYTES = 4096;
  /** What the recording shows at most of a call's arguments (the statement or command). */
  static final int RECORDED_ARGUMENT_BYTES = 16 * 1024;
  /** Room kept for the marker: "…(" + up to 19 digits + " bytes more)". */
  private static final int MARKER_ROOM = 40;

  private TextLimit() {}

  /** {@code text} whole when it fits in {@code maxBytes} of UTF-8, else its start and the marker. */
  static String cut(String text, int maxBytes) {
    return cut(text, 0, maxBytes);
  }

  /** Whether {@code text} (null included) is within {@code maxBytes} of UTF-8, so not cut. */
  static boolean fits(String text, int maxBytes) {
    return text == null || (long) text.length() * 3 <= maxBytes
        || text.getBytes(StandardCharsets.UTF_8).length <= maxBytes;
  }

  /**
   * As {@link #cut(String, int)}, for a text of which {@code droppedBytes} more were already read
   * and dropped (a reader that kept only the start): the marker counts them too.
   */
  static String cut(String text, long droppedBytes, int maxBytes) {
    if (text == null) {
      return null;
    }
    if (droppedBytes == 0 && (long) text.length() * 3 <= maxBytes) {
      return text; // fits whatever its characters are (three bytes at most per UTF-16 unit)
    }
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    if (droppedBytes == 0 && b.length <= maxBytes) {
      return text;
    }
    int keep = Math.min(b.length, Math.max(0, maxBytes - MARKER_ROOM));
    while (keep > 0 && keep < b.length && (b[keep] & 0xC0) == 0x80) {
      keep--; // not inside a character
    }
    return new String(b, 0, keep, StandardCharsets.UTF_8) + "…(" + (b.length - keep + droppedBytes) + " bytes more)";
  }
}
