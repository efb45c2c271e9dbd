package dev.gatehouse.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class SpdyDataCounterTest {
  /** A SPDY/3 data frame: stream id, flags, 24-bit length, payload. */
  private static byte[] data(int stream, int length) {
    byte[] f = new byte[8 + length];
    ByteBuffer.wrap(f).putInt(stream & 0x7fffffff).putInt(length);
    return f;
  }

  /** A SPDY/3 control frame (version 3, the type given) with a body of {@code length} bytes. */
  private static byte[] control(int type, int length) {
    byte[] f = new byte[8 + length];
    ByteBuffer.wrap(f).putShort((short) (0x8000 | 3)).putShort((short) type).putInt(length);
    for (int i = 8; i < f.length; i++) {
      f[i] = (byte) 0xff; // a body that would read as frame headers if it were not skipped
    }
    return f;
  }

  @Test
  void countsDataPayloadOnlyHoweverTheStreamIsCut() throws Exception {
    ByteArrayOutputStream s = new ByteArrayOutputStream();
    s.write(control(1, 30)); // SYN_STREAM
    s.write(data(1, 5));
    s.write(control(6, 4)); // PING
    s.write(data(3, 70000)); // longer than one 16-bit length
    s.write(data(1, 0)); // FIN
    byte[] all = s.toByteArray();
    for (int cut : new int[] {1, 3, 7, 8, 9, 1000, all.length}) {
      SpdyDataCounter c = new SpdyDataCounter();
      for (int i = 0; i < all.length; i += cut) {
        ByteBuffer b = ByteBuffer.wrap(all, i, Math.min(cut, all.length - i));
        int before = b.position();
        c.feed(b);
        assertThat(b.position()).as("the buffer is left as it was").isEqualTo(before);
      }
      assertThat(c.count()).as("cut every %d bytes", cut).isEqualTo(70005);
    }
  }
}
