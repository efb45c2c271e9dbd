package dev.gatehouse.gateway.sshtarget;

import dev.gatehouse.policy.OutputMasker;
import java.io.IOException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
 * <p>With an {@link OutputMasker} the bytes read go through it first, and the tap and the writer
 * get what it passes on. It may hold back the end of a chunk where a value could go on: when the
 * next read does not complete at once, one timer ({@link OutputMasker#idleFlushAfter} the last
 * read) is armed for that read, and if the read is still waiting when it fires, what is held is passed on. Writes
 * stay one at a time (a flush's write and a read's write queue behind each other), in order.
 *
 * <p>Without a masker the recording and the writer get the read buffer itself, not a copy: the
 * recording copies what it keeps, and the buffer is not read into again before the write completed.
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
  private final OutputMasker masker; // null: bytes pass as they are
  /** Where the masker's sink writes during {@link #pass} (the masker is only called there). */
  private Tap collected;
  private final ScheduledExecutorService timers;
  private final ByteArrayBuffer buffer = new ByteArrayBuffer(CHUNK);
  private volatile boolean stopped;

  // Guarded by this: the masker, the one write in flight, and what waits behind it.
  private boolean writing;
  private byte[] queued;
  private Runnable afterQueued;
  private long reads; // counts reads, so an idle timer knows whether its read is still waiting
  private boolean readWaiting;
  private int lastRead; // bytes of the last read: bulk output waits longer before an idle flush

  AsyncPump(IoInputStream from, IoOutputStream to, Tap tap, End end) {
    this(from, to, tap, end, null, null);
  }

  /**
   * {@code masking} makes the masker for this pump given the sink it writes to (it may return
   * null: no masking).
   */
  AsyncPump(IoInputStream from, IoOutputStream to, Tap tap, End end,
      java.util.function.Function<OutputMasker.Sink, OutputMasker> masking, ScheduledExecutorService timers) {
    this.from = from;
    this.to = to;
    this.tap = tap;
    this.end = end;
    this.masker = masking == null ? null : masking.apply((b, off, len) -> collected.accept(b, off, len));
    this.timers = timers;
  }

  /** The masker failed: the session ends (fail closed); what it could not judge was not passed on. */
  static final class MaskingFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MaskingFailed(RuntimeException cause) {
      super(cause);
    }
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
        armIdleFlush();
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
    synchronized (this) {
      readWaiting = false;
      reads++;
    }
    Throwable error = f.getException();
    if (error != null) {
      if (error instanceof java.io.EOFException) {
        endOfStream();
      } else {
        finish(error);
      }
      return false;
    }
    int n = f.getRead();
    if (n <= 0) {
      return !stopped;
    }
    lastRead = n;
    if (masker == null) {
      // Unmasked: the tap (the recording copies what it keeps) and the writer see the read buffer
      // itself. It is not read into again before this write completes.
      try {
        tap.accept(buffer.array(), buffer.rpos(), n);
        synchronized (this) {
          writing = true;
        }
        return write(new ByteArrayBuffer(buffer.array(), buffer.rpos(), n), this::run);
      } catch (IOException | RuntimeException e) {
        finish(e);
        return false;
      }
    }
    byte[] data = new byte[n];
    System.arraycopy(buffer.array(), buffer.rpos(), data, 0, n);
    try {
      byte[] out;
      synchronized (this) {
        out = pass(data, false);
        if (writing) {
          // The idle flush's write is in flight: this one goes after it, then reading goes on.
          queued = out;
          afterQueued = this::run;
          return false;
        }
        if (out.length == 0) {
          return true; // all held back: read on
        }
        writing = true;
      }
      return write(new ByteArrayBuffer(out), this::run);
    } catch (IOException | RuntimeException e) {
      finish(e);
      return false;
    }
  }

  /**
   * The bytes to write for {@code data} (masked, recorded); with {@code data} null, what the
   * masker holds ({@code last}: all of it, at the end of the stream). Under the lock.
   */
  private byte[] pass(byte[] data, boolean last) throws IOException {
    byte[] out;
    if (masker == null) {
      out = data == null ? new byte[0] : data;
    } else {
      java.io.ByteArrayOutputStream passed = new java.io.ByteArrayOutputStream();
      Tap collect = passed::write;
      collected = collect;
      try {
        if (data != null) {
          masker.write(data, 0, data.length);
        } else if (last) {
          masker.close();
        } else {
          masker.flush();
        }
      } catch (RuntimeException e) {
        throw new MaskingFailed(e);
      } finally {
        collected = null;
      }
      out = passed.toByteArray();
    }
    if (out.length > 0) {
      tap.accept(out, 0, out.length);
    }
    return out;
  }

  /** Writes {@code out} (writing is set); true when it completed at once and the caller goes on. */
  private boolean write(ByteArrayBuffer out, Runnable then) {
    IoWriteFuture write;
    try {
      write = to.writeBuffer(out);
    } catch (IOException | RuntimeException e) {
      finish(e);
      return false;
    }
    if (write.isDone()) {
      return written(write.getException(), null);
    }
    write.addListener(w -> written(w.getException(), then));
    return false;
  }

  /**
   * A write completed: the next queued write starts, or {@code then} runs (null: the caller goes
   * on itself, when this returns true).
   */
  private boolean written(Throwable error, Runnable then) {
    if (error != null) {
      finish(error);
      return false;
    }
    byte[] next;
    Runnable nextThen;
    synchronized (this) {
      next = queued;
      nextThen = afterQueued;
      queued = null;
      afterQueued = null;
      if (next == null) {
        writing = false;
      }
    }
    if (next != null) {
      if (next.length == 0) {
        synchronized (this) {
          writing = false;
        }
        nextThen.run();
        return false;
      }
      if (write(new ByteArrayBuffer(next), nextThen)) {
        nextThen.run();
      }
      return false;
    }
    if (then != null) {
      then.run();
      return false;
    }
    return true;
  }

  private void armIdleFlush() {
    if (masker == null) {
      return;
    }
    long read;
    synchronized (this) {
      if (!masker.holding()) {
        return;
      }
      readWaiting = true;
      read = reads;
    }
    timers.schedule(() -> idleFlush(read), OutputMasker.idleFlushAfter(lastRead).toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The read armed for is still waiting: pass on what the masker holds. */
  private void idleFlush(long read) {
    byte[] out;
    synchronized (this) {
      if (stopped || !readWaiting || reads != read || writing) {
        return; // data came, or a write is in flight (the next read arms again)
      }
      try {
        out = pass(null, false);
      } catch (IOException | RuntimeException e) {
        stopped = true;
        out = null;
        error = e;
      }
      if (out != null && out.length > 0) {
        writing = true;
      }
    }
    if (out == null) {
      finish(error);
      return;
    }
    if (out.length > 0) {
      write(new ByteArrayBuffer(out), () -> {}); // nothing waits behind an idle flush but what it queued itself
    }
  }

  private Throwable error;

  /** End of the source: what the masker still holds goes out, then the pump ends. */
  private void endOfStream() {
    if (masker == null) {
      finish(null);
      return;
    }
    byte[] out;
    synchronized (this) {
      try {
        out = pass(null, true);
      } catch (IOException | RuntimeException e) {
        out = null;
        error = e;
      }
      if (out != null && writing) {
        queued = out;
        afterQueued = () -> finish(null);
        return;
      }
      if (out != null && out.length > 0) {
        writing = true;
      }
    }
    if (out == null) {
      finish(error);
    } else if (out.length == 0 || write(new ByteArrayBuffer(out), () -> finish(null))) {
      finish(null);
    }
  }

  private void finish(Throwable error) {
    stopped = true;
    end.ended(error);
  }
}
