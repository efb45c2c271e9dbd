package dev.gatehouse.recorder;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.util.concurrent.LinkedBlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One daemon thread that forces recordings to disk while they are still being written. Linux keeps
 * a burst in the page cache until the force at close (with 24 GiB of memory, gigabytes), and the
 * session's end then waits for all of it; forced along the way, the disk works while the recorder
 * escapes the next chunk. Adds durability, never replaces the force at close.
 */
final class Syncer implements Runnable {
  static final Syncer INSTANCE = new Syncer();
  private static final Logger log = LoggerFactory.getLogger(Syncer.class);

  private final LinkedBlockingQueue<FileChannel> queue = new LinkedBlockingQueue<>();
  private Thread thread;

  private Syncer() {}

  /** Asks for a force of the channel's data; a channel already waiting is not queued twice. */
  synchronized void force(FileChannel channel) {
    if (queue.contains(channel)) {
      return;
    }
    queue.add(channel);
    if (thread == null) {
      thread = new Thread(this, "gatehouse-recording-sync");
      thread.setDaemon(true);
      thread.start();
    }
  }

  @Override
  public void run() {
    while (true) {
      FileChannel ch;
      try {
        ch = queue.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      try {
        ch.force(false);
      } catch (ClosedChannelException e) {
        // Closed meanwhile: its close forced it.
      } catch (IOException e) {
        // The writer's own force at close reports a failing disk to the session.
        log.warn("background force of a recording failed: {}", e.toString());
      }
    }
  }
}
