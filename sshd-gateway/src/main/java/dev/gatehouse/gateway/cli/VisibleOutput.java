package dev.gatehouse.gateway.cli;

import dev.gatehouse.recorder.VisibleText;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The CLI's standard output and error, as the second wall behind the commands' own formatting:
 * every character {@link VisibleText#hidden} but newline and tab is written as its escape, and so
 * is every combining mark past {@link VisibleText#MAX_STACKED} in a row (VisibleText's own rule, so
 * a tower of them cannot be drawn over the lines around it), so no text a command prints — a
 * statement, an identity, an IdP's error message, an exception's — can reach the operator's
 * terminal as a control sequence or hide a line. Reads UTF-8 as it comes (a character may be
 * split across writes); a byte that is not part of valid UTF-8 is written as {@code \xHH}.
 */
final class VisibleOutput extends FilterOutputStream {
  private final java.nio.charset.CharsetDecoder strict = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
      .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT);
  private final byte[] pending = new byte[4];
  private final VisibleText.Run run = new VisibleText.Run();
  private int have;
  private int need;

  VisibleOutput(OutputStream out) {
    super(out);
  }

  /** A print stream over the process's file descriptor, through this filter. */
  static PrintStream over(FileDescriptor fd) {
    return new PrintStream(new VisibleOutput(new java.io.BufferedOutputStream(new FileOutputStream(fd), 8192)), true,
        StandardCharsets.UTF_8);
  }

  @Override
  public void write(int b) throws IOException {
    b &= 0xff;
    if (need > 0) {
      if ((b & 0xC0) == 0x80) {
        pending[have++] = (byte) b;
        if (have == need) {
          emitPending();
        }
        return;
      }
      invalidPending(); // the sequence broke off; this byte starts afresh
    }
    if (b < 0x80) {
      boolean escapes = run.escapes(b);
      if (b == '\n' || b == '\t' || !escapes) {
        out.write(b);
      } else {
        out.write(VisibleText.escape(b).getBytes(StandardCharsets.US_ASCII));
      }
    } else if (b >= 0xC2 && b <= 0xF4) {
      pending[0] = (byte) b;
      have = 1;
      need = b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    } else {
      run.reset();
      hex(b); // a continuation byte alone, or a byte UTF-8 never uses
    }
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    for (int k = off; k < off + len; k++) {
      write(b[k]);
    }
  }

  @Override
  public void flush() throws IOException {
    out.flush(); // a character split across writes stays pending until its last byte
  }

  @Override
  public void close() throws IOException {
    if (need > 0) {
      invalidPending();
    }
    super.close();
  }

  private void emitPending() throws IOException {
    String s;
    try {
      s = strict.reset().decode(java.nio.ByteBuffer.wrap(pending, 0, have)).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      invalidPending(); // overlong, a surrogate, beyond U+10FFFF
      return;
    }
    int cp = s.codePointAt(0);
    if (run.escapes(cp)) {
      out.write(VisibleText.escape(cp).getBytes(StandardCharsets.US_ASCII));
    } else {
      out.write(pending, 0, have);
    }
    have = 0;
    need = 0;
  }

  private void invalidPending() throws IOException {
    run.reset(); // a byte that is not text carries no mark
    for (int k = 0; k < have; k++) {
      hex(pending[k] & 0xff);
    }
    have = 0;
    need = 0;
  }

  private void hex(int b) throws IOException {
    out.write(String.format("\\x%02x", b).getBytes(StandardCharsets.US_ASCII));
  }
}
