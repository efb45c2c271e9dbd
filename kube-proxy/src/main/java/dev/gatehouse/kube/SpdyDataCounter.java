package dev.gatehouse.kube;

import java.nio.ByteBuffer;

/**
 * Counts the payload bytes of SPDY/3 data frames in one direction of a byte stream, however the
 * stream is cut into messages: the bytes of the connections a port-forward carries, not its
 * framing. Every frame starts with 8 bytes; a control frame has the high bit of the first set, and
 * the last three hold the length of what follows (a data frame's payload, or a control frame's
 * body, which is skipped unread). Only counts: nothing here changes or judges what is relayed.
 */
final class SpdyDataCounter {
  private final byte[] header = new byte[8];
  private int headerFill;
  /** Bytes of the current frame's body still to come. */
  private long remaining;
  private boolean data;
  private long count;

  /** Reads {@code b} (its position is left unchanged). */
  void feed(ByteBuffer b) {
    ByteBuffer in = b.duplicate();
    while (in.hasRemaining()) {
      if (remaining > 0) {
        int n = (int) Math.min(remaining, in.remaining());
        if (data) {
          count += n;
        }
        remaining -= n;
        in.position(in.position() + n);
        continue;
      }
      header[headerFill++] = in.get();
      if (headerFill == header.length) {
        headerFill = 0;
        data = (header[0] & 0x80) == 0;
        remaining = ((header[5] & 0xffL) << 16) | ((header[6] & 0xffL) << 8) | (header[7] & 0xffL);
      }
    }
  }

  long count() {
    return count;
  }
}
