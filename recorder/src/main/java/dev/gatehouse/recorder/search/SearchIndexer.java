package dev.gatehouse.recorder.search;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the {@link SearchIndex} filled, on one daemon thread: a session handed to {@link
 * #sessionEnded} is indexed at once (searchable within a second of its end), and every {@code
 * catchUpPeriod} (and at start) finished sessions nobody indexed yet (another process ended them,
 * or they predate the search index) are indexed, and pruned sessions dropped.
 */
public final class SearchIndexer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SearchIndexer.class);
  private static final int CATCH_UP_BATCH = 500;

  private final SearchIndex search;
  private final ScheduledExecutorService thread;

  private SearchIndexer(SearchIndex search) {
    this.search = search;
    this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "gh-search-index");
      t.setDaemon(true);
      return t;
    });
  }

  public static SearchIndexer start(SearchIndex search, Duration catchUpPeriod) {
    SearchIndexer indexer = new SearchIndexer(search);
    indexer.thread.scheduleWithFixedDelay(indexer::catchUp, 0, catchUpPeriod.toMillis(), TimeUnit.MILLISECONDS);
    return indexer;
  }

  /** Queues a finished session for indexing; returns at once. */
  public void sessionEnded(String sessionId) {
    try {
      thread.execute(() -> {
        try {
          search.index(sessionId);
        } catch (IOException | RuntimeException e) {
          log.error("search index: session {}: {}", sessionId, e.toString());
        }
      });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // Shutting down: the next start's catch-up indexes it.
    }
  }

  private void catchUp() {
    try {
      int n = 0;
      while (true) {
        var ids = search.unindexed(CATCH_UP_BATCH);
        for (String id : ids) {
          search.index(id);
          n++;
        }
        if (ids.size() < CATCH_UP_BATCH || Thread.currentThread().isInterrupted()) {
          break;
        }
      }
      int pruned = search.forgetPruned();
      if (n > 0 || pruned > 0) {
        log.info("search index: indexed {} sessions, dropped {} pruned ones", n, pruned);
      }
    } catch (IOException | RuntimeException e) {
      log.error("search index catch-up: {}", e.toString());
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
    try {
      thread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
