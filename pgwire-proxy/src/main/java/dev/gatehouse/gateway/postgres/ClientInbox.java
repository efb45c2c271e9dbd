package dev.gatehouse.gateway.postgres;

import dev.gatehouse.policy.NoWaiting;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * The client's bytes pushed by the thread that received them (an SSH channel's I/O thread)
 * instead of read by the session's own thread: each complete message is handled at once on the
 * receiving thread, so an ordinary statement costs no wake-up of another thread on its way to the
 * server. Only what cannot wait there is handled there. A message that might wait or write to
 * the disk at once (a statement to review or refuse, COPY data, a function call, a client far
 * ahead of the server, a large message) is handed to the session's own thread, which handles it
 * and every message after it, in order, until it has caught up; then the receiving thread takes
 * over again.
 *
 * <p>Flow control: bytes are acknowledged to the sender ({@link Session#acknowledge}, the SSH
 * window) as they are buffered while nothing is handed over, and only as the session's thread
 * takes them while something is, so a client held by a review fills at most its window here.
 */
public final class ClientInbox {
  /** What the inbox needs of the session. */
  interface Session {
    /** Whether {@code m} may be handled on the receiving thread now (it cannot wait for long). */
    boolean quick(Wire.Message m);

    /**
     * Handles {@code m}; false when the client said goodbye. On the receiving thread it throws
     * {@link NoWaiting.WouldWait} before anything of the message took effect when the message must go to the
     * session's thread after all.
     */
    boolean step(Wire.Message m) throws IOException;

    /** Bytes consumed: the sender may send as many more. */
    void acknowledge(long bytes);
  }

  private final Object lock = new Object();
  private final Session session;
  private final Thread owner;
  private static final int INITIAL_BUFFER = 8192;
  private static final int KEPT_BUFFER = 64 << 10;
  private byte[] buf = new byte[INITIAL_BUFFER];
  private int start;
  private int end;
  /** The session's thread handles the messages (guarded by lock). */
  private boolean handedOver;
  /** Bytes buffered while handed over and not acknowledged yet (guarded by lock). */
  private long held;
  private boolean endOfInput;
  private boolean over;
  private Throwable failure;
  /** The receiving thread while it handles a message (read by the session to know where it runs). */
  private volatile Thread receiving;

  /**
   * {@code leftovers}: bytes the session had read ahead of its startup (already acknowledged),
   * handled first by the calling thread, which must be the session's own.
   */
  ClientInbox(Session session, byte[] leftovers) {
    this.session = session;
    this.owner = Thread.currentThread();
    append(leftovers, 0, leftovers.length);
    handedOver = leftovers.length > 0; // the session's thread handles them, then lets go
  }

  /** Whether the calling thread is this inbox's receiving thread inside a message. */
  boolean onReceivingThread() {
    return receiving == Thread.currentThread();
  }

  /** On the receiving thread: the client's next bytes. */
  public void receive(byte[] b, int off, int len) {
    long acknowledge = 0;
    boolean wake;
    synchronized (lock) {
      if (over || failure != null) {
        return; // the session is ending; nothing more is read
      }
      append(b, off, len);
      if (handedOver) {
        held += len;
        return;
      }
      acknowledge = len;
      handleHere();
      wake = handedOver || over || failure != null;
    }
    session.acknowledge(acknowledge);
    if (wake) {
      LockSupport.unpark(owner);
    }
  }

  /** The client sent EOF: the session ends after what it has sent. */
  public void endOfInput() {
    synchronized (lock) {
      endOfInput = true;
    }
    LockSupport.unpark(owner);
  }

  /** The session ends (from any thread): the session's thread stops waiting. */
  void close() {
    synchronized (lock) {
      over = true;
    }
    LockSupport.unpark(owner);
  }

  /** Under lock, on the receiving thread: every complete message that may be handled here. */
  private void handleHere() {
    receiving = Thread.currentThread();
    NoWaiting.set(true); // a parse or a lookup would wait: it throws WouldWait, the message is handed over
    try {
      while (!over && failure == null) {
        Wire.Message m = peek();
        if (m == null) {
          return;
        }
        if (!session.quick(m)) {
          handedOver = true;
          return;
        }
        boolean goOn;
        try {
          goOn = session.step(m);
        } catch (NoWaiting.WouldWait h) {
          handedOver = true;
          return;
        }
        take(m);
        if (!goOn) {
          over = true;
        }
      }
    } catch (IOException | RuntimeException | Error e) {
      failure = e;
    } finally {
      receiving = null;
      NoWaiting.set(false);
    }
  }

  /**
   * On the session's thread, until the session ends: handles what is handed over, waits while the
   * receiving thread handles the rest. Returns at the client's goodbye or end of input; throws what
   * ended the session otherwise.
   */
  void run() throws IOException {
    while (true) {
      Wire.Message m;
      long acknowledge = 0;
      synchronized (lock) {
        rethrow();
        if (over) {
          return;
        }
        if (!handedOver) {
          if (endOfInput) {
            return; // what is left is part of a message the client never finished
          }
          m = null;
        } else {
          m = peek();
          if (m == null) {
            handedOver = false; // caught up: the receiving thread takes over
            acknowledge = held;
            held = 0;
          } else {
            take(m);
          }
        }
      }
      if (acknowledge > 0) {
        session.acknowledge(acknowledge);
      }
      if (m != null) {
        if (!session.step(m)) {
          close();
          return;
        }
        continue;
      }
      awaitWork();
    }
  }

  private void awaitWork() throws InterruptedIOException {
    while (true) {
      synchronized (lock) {
        if (handedOver || endOfInput || over || failure != null) {
          return;
        }
      }
      LockSupport.park(this);
      if (Thread.interrupted()) {
        throw new InterruptedIOException("interrupted while waiting for the client");
      }
    }
  }

  private void rethrow() throws IOException {
    Throwable t = failure;
    if (t instanceof IOException e) {
      throw e;
    }
    if (t instanceof RuntimeException e) {
      throw e;
    }
    if (t instanceof Error e) {
      throw e;
    }
  }

  /** The next complete message, not taken; null when none is complete yet. */
  private Wire.Message peek() throws ProtocolViolation {
    if (end - start < 5) {
      return null;
    }
    int type = buf[start] & 0xff;
    int len = ((buf[start + 1] & 0xff) << 24) | ((buf[start + 2] & 0xff) << 16)
        | ((buf[start + 3] & 0xff) << 8) | (buf[start + 4] & 0xff);
    if (len < 4 || len > Wire.MAX_MESSAGE) {
      throw new ProtocolViolation(
          "invalid message length " + len + " for message type '" + Wire.printable(type) + "' from the client");
    }
    if (end - start - 1 < len) {
      return null;
    }
    return new Wire.Message((byte) type, Arrays.copyOfRange(buf, start + 5, start + 1 + len));
  }

  private void take(Wire.Message m) {
    start += 5 + m.body().length;
    if (start == end) {
      start = 0;
      end = 0;
      if (buf.length > KEPT_BUFFER) {
        buf = new byte[INITIAL_BUFFER]; // a large message's room is not kept for the session's life
      }
    }
  }

  private void append(byte[] b, int off, int len) {
    if (end + len > buf.length) {
      int live = end - start;
      if (live + len <= buf.length && start > 0) {
        System.arraycopy(buf, start, buf, 0, live);
      } else {
        // Grows only with what the client sent (bounded by its window and the message limit).
        byte[] bigger = new byte[Math.max(buf.length * 2, live + len)];
        System.arraycopy(buf, start, bigger, 0, live);
        buf = bigger;
      }
      start = 0;
      end = live;
    }
    System.arraycopy(b, off, buf, end, len);
    end += len;
  }
}
