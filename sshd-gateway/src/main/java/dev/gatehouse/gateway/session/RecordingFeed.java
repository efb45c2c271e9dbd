package dev.gatehouse.gateway.session;

import dev.gatehouse.recorder.AsciicastWriter;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Hands recording events to the writer on a thread of its own, so that encoding and writing the
 * recording runs beside the session's pumps instead of in front of them (on two cores this is
 * most of the throughput). Events keep their order; the queue is bounded (at most {@link
 * #CAPACITY} chunks, 4 MiB at 64 KiB each), so a recorder that falls behind slows the session
 * rather than buffering without limit. A write failure is thrown from the next call: the session
 * ends, nothing runs unrecorded for longer than the queue holds (milliseconds at line rate).
 */
final class RecordingFeed {
  static final int CAPACITY = 64;

  private sealed interface Event permits Output, Input, Resize, Marker, Close {}

  private record Output(byte[] b) implements Event {}

  private record Input(byte[] b) implements Event {}

  private record Resize(int cols, int rows) implements Event {}

  private record Marker(String label) implements Event {}

  private record Close() implements Event {}

  private final AsciicastWriter writer;
  private final BlockingQueue<Event> queue = new ArrayBlockingQueue<>(CAPACITY);
  private final Thread thread;
  private volatile IOException failure;

  RecordingFeed(AsciicastWriter writer, String sessionId) {
    this.writer = writer;
    this.thread = new Thread(this::drain, "gh-rec-" + sessionId);
    thread.setDaemon(true);
    thread.start();
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

  void marker(String label) throws IOException {
    put(new Marker(label));
  }

  /** Waits until every queued event is written (or the writer failed); the writer is not closed. */
  void finish() throws IOException {
    put(new Close());
    try {
      thread.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while closing the recording");
    }
    if (failure != null) {
      throw failure;
    }
  }

  private void put(Event e) throws IOException {
    if (failure != null) {
      throw failure;
    }
    try {
      while (!queue.offer(e, 1, TimeUnit.SECONDS)) {
        if (failure != null) {
          throw failure;
        }
        if (!thread.isAlive()) {
          throw new IOException("the recording thread has stopped");
        }
      }
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while recording");
    }
  }

  private void drain() {
    try {
      while (true) {
        Event e = queue.take();
        if (failure != null) {
          continue; // keep taking so producers never block on a dead feed
        }
        try {
          if (e instanceof Output o) {
            writer.output(o.b(), 0, o.b().length);
          } else if (e instanceof Input i) {
            writer.input(i.b(), 0, i.b().length);
          } else if (e instanceof Resize r) {
            writer.resize(r.cols(), r.rows());
          } else if (e instanceof Marker m) {
            writer.marker(m.label());
          } else {
            return; // Close
          }
        } catch (IOException ex) {
          failure = ex;
        }
      }
    } catch (InterruptedException ie) {
      failure = new InterruptedIOException("recording thread interrupted");
    }
  }
}
