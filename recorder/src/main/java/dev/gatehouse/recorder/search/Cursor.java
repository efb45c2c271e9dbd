package dev.gatehouse.recorder.search;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The opaque page cursor: the (start, id) of the last session on the page, base64url. */
record Cursor(long startMs, String id) {
  private static final String PREFIX = "c1:";

  String encode() {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString((PREFIX + startMs + ":" + id).getBytes(StandardCharsets.UTF_8));
  }

  static Cursor decode(String s) {
    try {
      String plain = new String(Base64.getUrlDecoder().decode(s), StandardCharsets.UTF_8);
      if (!plain.startsWith(PREFIX)) {
        throw new IllegalArgumentException("cursor: not a cursor from this server");
      }
      int colon = plain.indexOf(':', PREFIX.length());
      return new Cursor(Long.parseLong(plain.substring(PREFIX.length(), colon)), plain.substring(colon + 1));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("cursor: not a cursor from this server", e);
    }
  }
}
