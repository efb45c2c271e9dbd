package dev.gatehouse.gateway.sshtarget;

import java.io.IOException;
import org.apache.sshd.common.io.IoInputStream;
import org.apache.sshd.common.io.IoOutputStream;
import org.apache.sshd.common.io.IoReadFuture;
import org.apache.sshd.common.io.IoWriteFuture;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/**
 * Moves bytes from one SSH channel stream to another without a thread: read, show the bytes to
 * the tap (the recording), write, and only when the write has completed read again. The next
 * read is what widens the source's SSH window, so a slow reader slows the writer end to end and
 * nothing buffers more than one chunk.
 *
 * <p>Futures that are already done are handled in a loop, not in nested listeners (MINA warns that
 * chained listeners can overflow the stack).
 */
final class AsyncPump {
  interface Tap {
    /** Sees each chunk before it is forwarded; an exception stops the pump (fail closed). */
    void accept(byte[] b, int off, int len) throws IOException;
  }

  interface End {
    void ended(Throwable error);
  }

  private static final int CHUNK = 32 * 1024;
  private final IoInputStream from;
  private final IoOutputStream to;
  private final Tap tap;
  private final End end;
  private final ByteArrayBuffer buffer = new ByteArrayBuffer(CHUNK);
  private volatile boolean stopped;

  AsyncPump(IoInputStream from, IoOutputStream to, Tap tap, End end) {
    this.from = from;
    this.to = to;
    this.tap = tap;
    this.end = end;
  }

  void start() {
    run();
  }

  void stop() {
    stopped = true;
  }

  private void run() {
    while (!stopped) {
      buffer.clear();
      IoReadFuture read;
      try {
        read = from.read(buffer);
      } catch (RuntimeException e) {
        finish(e);
        return;
      }
      if (!read.isDone()) {
        read.addListener(f -> {
          if (afterRead(f)) {
            run();
          }
        });
        return;
      }
      if (!afterRead(read)) {
        return;
      }
    }
  }

  /** True when the caller should go on reading at once; false when done or waiting on a write. */
  private boolean afterRead(IoReadFuture f) {
    Throwable error = f.getException();
    if (error != null) {
      finish(error instanceof java.io.EOFException ? null : error);
      return false;
    }
    int n = f.getRead();
    if (n <= 0) {
      return !stopped;
    }
    byte[] data = new byte[n];
    System.arraycopy(buffer.array(), buffer.rpos(), data, 0, n);
    try {
      tap.accept(data, 0, n);
      IoWriteFuture write = to.writeBuffer(new ByteArrayBuffer(data));
      if (write.isDone()) {
        if (write.getException() != null) {
          finish(write.getException());
          return false;
        }
        return true;
      }
      write.addListener(w -> {
        if (w.getException() != null) {
          finish(w.getException());
        } else {
          run();
        }
      });
      return false;
    } catch (IOException | RuntimeException e) {
      finish(e);
      return false;
    }
  }

  private void finish(Throwable error) {
    stopped = true;
    end.ended(error);
  }
}
