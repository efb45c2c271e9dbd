package dev.gatehouse.gateway.session;

import dev.gatehouse.recorder.AsciicastWriter;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Hands recording events to the writer off the session's own threads, so encoding and writing
 * the recording runs beside the pumps instead of in front of them (on two cores this is most of
 * the throughput). Events keep their order; the queue is bounded ({@link #CAPACITY} chunks), so a
 * recorder that falls behind slows the session rather than buffering without limit. A write
 * failure is thrown from the next call: the session ends.
 *
 * <p>No thread per session: each feed drains as a task on a small shared pool, one task at a time
 * per feed (that keeps the order), giving the pool back after a batch so busy sessions cannot
 * starve the others. An idle session holds only its (empty) queue.
 *
 * <p>Once {@link #finish} has begun, every further event is refused with {@link RecordingEnded}
 * (the writer is about to close): the caller, which records before it shows, shows nothing more.
 */
final class RecordingFeed {
  static final int CAPACITY = 64;
  private static final int BATCH = 32;
  private static final ExecutorService POOL = Executors.newFixedThreadPool(
      Math.max(2, Runtime.getRuntime().availableProcessors()), r -> {
        Thread t = new Thread(r, "gh-rec");
        t.setDaemon(true);
        return t;
      });

  private sealed interface Event permits Output, Input, Resize, Marker, Close {}

  private record Output(byte[] b) implements Event {}

  private record Input(byte[] b) implements Event {}

  private record Resize(int cols, int rows) implements Event {}

  private record Marker(String label) implements Event {}

  private record Close() implements Event {}

  private final AsciicastWriter writer;
  private final ConcurrentLinkedQueue<Event> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicBoolean draining = new AtomicBoolean();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notFull = lock.newCondition();
  private final CountDownLatch closed = new CountDownLatch(1);
  private volatile IOException failure;
  /**
   * Set by {@link #finish} under {@link #admission}: from then on events are refused, so nothing
   * can be queued behind the close (a pump racing the session's end gets {@link RecordingEnded}).
   */
  private volatile boolean finishing;
  /** Makes "not finishing, so queue it" one step against {@link #finish}'s "finishing, queue the close". */
  private final Object admission = new Object();
  private final String sessionId;

  RecordingFeed(AsciicastWriter writer, String sessionId) {
    this.writer = writer;
    this.sessionId = sessionId;
  }

  void output(byte[] b, int off, int len) throws IOException {
    byte[] copy = new byte[len];
    System.arraycopy(b, off, copy, 0, len);
    put(new Output(copy));
  }

  void input(byte[] b, int off, int len) throws IOException {
    byte[] copy = new byte[len];
    System.arraycopy(b, off, copy, 0, len);
    put(new Input(copy));
  }

  void resize(int cols, int rows) throws IOException {
    put(new Resize(cols, rows));
  }

  /**
   * A marker is a few dozen bytes appended to the writer's buffer: when nothing is queued or being
   * written before it, it is written here, in order, instead of waking a pool thread for it (a
   * forwarded database connection marks every statement, thousands a second). Otherwise it queues
   * behind what is there. A write failure is thrown at once.
   */
  void marker(String label) throws IOException {
    if (failure == null && !finishing && queued.get() == 0 && draining.compareAndSet(false, true)) {
      try {
        writer.marker(label);
      } catch (IOException ex) {
        failed(ex);
        throw ex;
      } finally {
        draining.set(false);
        // Another thread's event may have been queued meanwhile: its drain could not start.
        if (!queue.isEmpty()) {
          schedule();
        }
      }
      return;
    }
    put(new Marker(label));
  }

  /** Waits until every queued event is written (or the writer failed); the writer is not closed. */
  void finish() throws IOException {
    synchronized (admission) {
      if (!finishing) { // a second call only waits for the first one's close
        finishing = true;
        queued.incrementAndGet();
        queue.add(new Close());
      }
    }
    schedule();
    try {
      if (!closed.await(30, TimeUnit.SECONDS)) {
        throw new IOException("the recording did not drain in 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while closing the recording");
    }
    if (failure != null) {
      throw failure;
    }
  }

  private void failed(IOException ex) {
    failure = ex;
    lock.lock();
    try {
      notFull.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void put(Event e) throws IOException {
    if (failure != null) {
      throw failure;
    }
    if (finishing) {
      throw new RecordingEnded(sessionId);
    }
    if (queued.get() >= CAPACITY) {
      lock.lock();
      try {
        while (queued.get() >= CAPACITY && failure == null) {
          notFull.await(1, TimeUnit.SECONDS);
        }
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while recording");
      } finally {
        lock.unlock();
      }
      if (failure != null) {
        throw failure;
      }
    }
    synchronized (admission) {
      if (finishing) {
        throw new RecordingEnded(sessionId);
      }
      queued.incrementAndGet();
      queue.add(e);
    }
    schedule();
  }

  private void schedule() {
    if (draining.compareAndSet(false, true)) {
      POOL.execute(this::drain);
    }
  }

  private void drain() {
    int n = 0;
    while (true) {
      Event e = queue.poll();
      if (e == null) {
        draining.set(false);
        // An event added after the poll but before the flag cleared must still be drained.
        if (!queue.isEmpty()) {
          schedule();
        }
        return;
      }
      if (queued.decrementAndGet() == CAPACITY - 1) {
        lock.lock();
        try {
          notFull.signalAll();
        } finally {
          lock.unlock();
        }
      }
      if (e instanceof Close) {
        closed.countDown();
        continue;
      }
      if (failure == null) {
        try {
          if (e instanceof Output o) {
            writer.output(o.b(), 0, o.b().length);
          } else if (e instanceof Input i) {
            writer.input(i.b(), 0, i.b().length);
          } else if (e instanceof Resize r) {
            writer.resize(r.cols(), r.rows());
          } else if (e instanceof Marker m) {
            writer.marker(m.label());
          }
        } catch (IOException ex) {
          failed(ex);
        } catch (RuntimeException ex) {
          // Never leave the drain flag set with events queued: the close would wait 30 s for nothing.
          failed(new IOException("the recording writer failed: " + ex, ex));
        }
      }
      if (++n >= BATCH) {
        // Give the pool back to other sessions; this feed continues in a fresh task.
        draining.set(false);
        schedule();
        return;
      }
    }
  }
}
