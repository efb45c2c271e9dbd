package dev.gatehouse.gateway.shell;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Finds and removes the shell integration's OSC 133 markers ({@code ESC ] 133 ; K [; payload]}
 * ended by {@code ESC \} or BEL) in a terminal's output stream, across read boundaries. Everything
 * else passes through unchanged, other escape sequences included. A sequence that starts like a
 * marker but is broken (an ESC inside that does not end it) or grows past {@link #MAX_MARKER}
 * bytes is reported ({@link Sink#broken}) and dropped through its next terminator (at most that
 * many bytes), never passed on: its body may be the hook's marker with a key's echo written into
 * it, nonces and all.
 */
final class PromptMarkers {
  /**
   * Room for the hook's prompt marker: {@code A;<nonce>;<next nonce>;<$BASHOPTS>;<$->;<1>;<y>}, 128 hex
   * digits each and bash's option names (under 1 KiB with every {@code shopt} option on).
   */
  static final int MAX_MARKER = 2048;
  private static final byte ESC = 0x1b;
  private static final byte BEL = 0x07;
  private static final byte[] PREFIX = {ESC, ']', '1', '3', '3', ';'};

  /** What the stream holds, in order. */
  interface Sink {
    void text(byte[] b, int off, int len) throws IOException;

    /** {@code kind}: A, P, B, C or D; {@code payload}: what followed {@code K;} (empty when none). */
    void marker(char kind, String payload) throws IOException;

    /**
     * A sequence began as a marker ({@code ESC ] 133 ;}) and did not end as one: its bytes are
     * dropped through the next terminator, or {@link #MAX_MARKER} bytes of it.
     */
    default void broken() throws IOException {}
  }

  private final ByteArrayOutputStream held = new ByteArrayOutputStream();

  /**
   * The bytes held for the next read (the stream ended inside what may be a marker), given up: for
   * whoever reads the stream on from here (the screen mode taking over the terminal).
   */
  byte[] drainHeld() {
    byte[] h = held.toByteArray();
    held.reset();
    return h;
  }

  /** Feeds the next bytes of the stream. */
  void feed(byte[] b, int off, int len, Sink sink) throws IOException {
    byte[] data;
    int from;
    int end;
    if (held.size() > 0) {
      held.write(b, off, len);
      data = held.toByteArray();
      held.reset();
      from = 0;
      end = data.length;
    } else {
      data = b;
      from = off;
      end = off + len;
    }
    int textStart = from;
    int i = from;
    while (i < end) {
      if (data[i] != ESC) {
        i++;
        continue;
      }
      int matched = prefixMatch(data, i, end);
      if (matched < 0) {
        i++;
        continue;
      }
      if (matched < PREFIX.length) {
        // The stream ends inside what may be a marker's prefix: keep it for the next read.
        sink.text(data, textStart, i - textStart);
        held.write(data, i, end - i);
        return;
      }
      int stop = terminator(data, i + PREFIX.length, end);
      if (stop == -1 && end - i <= MAX_MARKER) {
        sink.text(data, textStart, i - textStart);
        held.write(data, i, end - i);
        return;
      }
      if (stop == -1 || stop == -2 || stop - i > MAX_MARKER) {
        // Began as a marker, did not end as one: dropped through the next terminator past the ESC
        // that broke it (the rest of the body, nonces and all), at most MAX_MARKER bytes, and reported.
        sink.text(data, textStart, i - textStart);
        int resume = stop >= 0 ? (data[stop] == BEL ? stop + 1 : stop + 2)
            : pastTerminator(data, i + PREFIX.length, Math.min(end, i + MAX_MARKER));
        sink.broken();
        i = resume;
        textStart = resume;
        continue;
      }
      sink.text(data, textStart, i - textStart);
      String body = new String(data, i + PREFIX.length, stop - i - PREFIX.length, StandardCharsets.UTF_8);
      int after = data[stop] == BEL ? stop + 1 : stop + 2;
      if (!body.isEmpty()) {
        int semi = body.indexOf(';');
        sink.marker(body.charAt(0), semi < 0 ? "" : body.substring(semi + 1));
      }
      i = after;
      textStart = after;
    }
    sink.text(data, textStart, end - textStart);
  }

  /** Bytes of the prefix matched at {@code at}: all of it, part (the data ends), or -1 (no marker). */
  private static int prefixMatch(byte[] d, int at, int end) {
    int k = 0;
    while (k < PREFIX.length && at + k < end) {
      if (d[at + k] != PREFIX[k]) {
        return -1;
      }
      k++;
    }
    return k;
  }

  /** Just past the first BEL or {@code ESC \\} from {@code from}, ignoring a lone ESC; {@code limit} if none. */
  private static int pastTerminator(byte[] d, int from, int limit) {
    for (int i = from; i < limit; i++) {
      if (d[i] == BEL) {
        return i + 1;
      }
      if (d[i] == ESC && i + 1 < limit && d[i + 1] == '\\') {
        return i + 2;
      }
    }
    return limit;
  }

  /** Index of the BEL or of the ESC of {@code ESC \}; -1 when not yet there; -2 for a broken sequence. */
  private static int terminator(byte[] d, int from, int end) {
    for (int i = from; i < end; i++) {
      if (d[i] == BEL) {
        return i;
      }
      if (d[i] == ESC) {
        if (i + 1 >= end) {
          return -1;
        }
        return d[i + 1] == '\\' ? i : -2;
      }
    }
    return -1;
  }
}
