package dev.gatehouse.recorder;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One daemon thread for all writers: an idle session's last output would otherwise sit in its
 * buffer until the next call, beyond the 100 ms a crash may lose.
 */
final class Flusher implements Runnable {
  static final Flusher INSTANCE = new Flusher();
  private static final Logger log = LoggerFactory.getLogger(Flusher.class);
  static final long TICK_MILLIS = 20;

  private final Set<AsciicastWriter> writers = ConcurrentHashMap.newKeySet();
  private Thread thread;

  private Flusher() {}

  synchronized void register(AsciicastWriter w) {
    writers.add(w);
    if (thread == null) {
      thread = new Thread(this, "gatehouse-recording-flusher");
      thread.setDaemon(true);
      thread.start();
    }
  }

  void unregister(AsciicastWriter w) {
    writers.remove(w);
  }

  @Override
  public void run() {
    while (true) {
      try {
        TimeUnit.MILLISECONDS.sleep(TICK_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      for (AsciicastWriter w : writers) {
        try {
          w.flushFromBackground();
        } catch (RuntimeException e) {
          // One broken writer must not stop the flushing of every other session.
          log.error("recording flush failed", e);
        }
      }
    }
  }
}
