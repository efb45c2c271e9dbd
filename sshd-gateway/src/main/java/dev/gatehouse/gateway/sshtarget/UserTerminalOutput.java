package dev.gatehouse.gateway.sshtarget;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import org.apache.sshd.common.io.IoOutputStream;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/**
 * The user's channel as a blocking stream, for the guarded prompt (its line editor, the host's
 * output and the gateway's own lines): bytes collect until {@link #flush}, which sends them and
 * waits until they are written. The one writer of the channel while the guard runs, so MINA's
 * single write in flight is never exceeded.
 */
final class UserTerminalOutput extends OutputStream {
  private static final int FLUSH_AT = 32 * 1024;
  private final IoOutputStream to;
  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

  UserTerminalOutput(IoOutputStream to) {
    this.to = to;
  }

  @Override
  public synchronized void write(int b) throws IOException {
    pending.write(b);
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) throws IOException {
    pending.write(b, off, len);
    if (pending.size() >= FLUSH_AT) {
      flush();
    }
  }

  @Override
  public synchronized void flush() throws IOException {
    if (pending.size() == 0) {
      return;
    }
    byte[] data = pending.toByteArray();
    pending.reset();
    awaitWritten(to.writeBuffer(new ByteArrayBuffer(data)), "cannot write to the user's channel");
  }

  /**
   * Waits until MINA has written {@code w}: one write in flight at a time. A write that failed is
   * an IOException with {@code failure} as its message and MINA's cause. An interrupt (the line
   * editor interrupts its own thread on Ctrl-C) does not end the wait early: a write left in
   * flight would make the next one fail with MINA's WritePendingException and end the session. So
   * the wait goes on to the write's end (a closing channel ends it too), and the interrupt is then
   * kept and reported as an InterruptedIOException.
   */
  static void awaitWritten(IoWriteFuture w, String failure) throws IOException {
    // Not MINA's awaitUninterruptibly: it swallows the interrupt, and the Ctrl-C would be lost.
    boolean interrupted = false;
    while (true) {
      try {
        w.await();
        break;
      } catch (InterruptedIOException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while writing");
    }
    if (!w.isWritten()) {
      throw new IOException(failure, w.getException());
    }
  }
}
