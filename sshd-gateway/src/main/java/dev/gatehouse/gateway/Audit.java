package dev.gatehouse.gateway;

import dev.gatehouse.recorder.AuditCode;
import dev.gatehouse.recorder.AuditEntry;
import dev.gatehouse.recorder.AuditLog;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's side of the audit log: one call per event, fields as alternating key/value
 * pairs. {@link #record} throws so callers that must fail closed can (a login that cannot be
 * audited is refused); {@link #tryRecord} is for events on paths that are ending anyway.
 */
public final class Audit {
  private static final Logger LOG = LoggerFactory.getLogger(Audit.class);
  private final AuditLog log;
  private final java.util.concurrent.LinkedBlockingQueue<AuditLog.Pending> later =
      new java.util.concurrent.LinkedBlockingQueue<>(100_000);
  private final Thread writer;
  private final long syncIntervalNanos;
  private final java.util.concurrent.atomic.AtomicLong queued = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong written = new java.util.concurrent.atomic.AtomicLong();

  /** Sees every line as it is recorded or queued (the web's /metrics counts from it). */
  private volatile java.util.function.BiConsumer<AuditCode, Map<String, Object>> observer = (c, f) -> { };

  /**
   * How long the writer waits, after the first line of a group, for more lines to join it (unless
   * {@link #GATHER_LINES} are queued already). At thousands of statements a second the lines of a
   * millisecond share one wake-up, one file lock and one write instead of one each; a crash of the
   * gateway can take at most this much more of the queue (docs/operations.md, lines still queued).
   */
  static final long GATHER_NANOS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(1);

  static final int GATHER_LINES = 256;

  public void observe(java.util.function.BiConsumer<AuditCode, Map<String, Object>> observer) {
    this.observer = observer;
  }

  /** Lines that settle what a recording's integrity rests on: the chain head goes to the journal after each. */
  private static final java.util.Set<AuditCode> SEALS = java.util.EnumSet.of(AuditCode.SESSION_END,
      AuditCode.SESSION_END_UNWITNESSED,
      AuditCode.SESSION_INTERRUPTED, AuditCode.SESSION_INDEX_ALTERED, AuditCode.RECORDING_PRUNED,
      AuditCode.AUDIT_CHAIN_REWRITTEN, AuditCode.GATEWAY_STOP);

  private volatile java.util.function.Consumer<AuditLog.Mark> sealed = m -> { };

  /**
   * Calls {@code afterSeal} with each line of {@link #SEALS} right after it is on disk (the gateway
   * writes that line's hash to the journal then, so no later rewrite of it goes unseen).
   */
  public void onSealed(java.util.function.Consumer<AuditLog.Mark> afterSeal) {
    this.sealed = afterSeal;
  }

  /** Each group of queued lines forced to disk as it is written (the CLI's commands, tests). */
  public Audit(AuditLog log) {
    this(log, Duration.ZERO);
  }

  /**
   * {@code syncInterval} ({@code audit.syncInterval}): how long a queued line may stay written but
   * not forced to disk. Each group of {@link #recordLater} lines is written at once; one fdatasync
   * then covers every group written within the interval. Zero forces each group as it is written.
   * {@link #record} is not affected: its line, and every line before it, is on disk before it returns.
   */
  public Audit(AuditLog log, Duration syncInterval) {
    if (syncInterval.isNegative()) {
      throw new IllegalArgumentException("audit sync interval must not be negative: " + syncInterval);
    }
    this.log = log;
    this.syncIntervalNanos = syncInterval.toNanos();
    this.writer = new Thread(this::writeLater, "gh-audit");
    writer.setDaemon(true);
    writer.start();
  }

  /**
   * For high-rate events that record what already happened (each allowed SQL statement): queued
   * and written by one thread in groups, so the client's answer does not wait for the disk. A group
   * is in the file as soon as it is written (a crash of the gateway loses none of it); the
   * fdatasync that puts it on disk comes at most the sync interval later, shared by every group
   * written in between. Lines keep their order; {@link #flush} waits for them and forces them (a
   * checkpoint, the stop). A full queue falls back to a direct write rather than dropping a line.
   */
  public void recordLater(AuditCode code, Object... keyValues) {
    Map<String, Object> f = fields(keyValues);
    AuditLog.Pending p = new AuditLog.Pending(code.code(), code.event(), f);
    queued.incrementAndGet();
    if (later.offer(p)) {
      observer.accept(code, f);
    } else {
      written.incrementAndGet();
      tryRecord(code, keyValues);
    }
  }

  /** Waits (bounded) until the lines queued so far are written, then forces them to disk. */
  public void flush() {
    long target = queued.get();
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
    while (written.get() < target && System.nanoTime() < deadline) {
      try {
        Thread.sleep(2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    try {
      log.sync();
    } catch (IOException | RuntimeException e) {
      LOG.error("audit log sync failed: {}", e.toString());
    }
  }

  /**
   * The queue's writer: each group is written as soon as it is taken; the fdatasync is due the
   * sync interval after the first group written since the last one, and waiting for the next line
   * ends then.
   */
  private void writeLater() {
    java.util.List<AuditLog.Pending> batch = new java.util.ArrayList<>();
    boolean syncEach = syncIntervalNanos == 0;
    long syncDue = 0;
    boolean unsynced = false;
    while (true) {
      try {
        AuditLog.Pending first;
        if (!unsynced) {
          first = later.take();
        } else {
          long wait = syncDue - System.nanoTime();
          first = wait > 0 ? later.poll(wait, java.util.concurrent.TimeUnit.NANOSECONDS) : later.poll();
        }
        if (first != null) {
          batch.add(first);
        }
      } catch (InterruptedException e) {
        syncQuietly();
        return;
      }
      if (!batch.isEmpty()) {
        if (later.size() < GATHER_LINES) {
          // Let the lines of the next moment join this group: one wake-up, one lock and one write
          // (and, without an interval, one fdatasync) for all of them. Producers do not wake this
          // thread while it waits here (the queue wakes a taker only when it was empty and someone
          // waits in take), and no answer waits for it: the lines record what already happened.
          java.util.concurrent.locks.LockSupport.parkNanos(GATHER_NANOS);
        }
        later.drainTo(batch, 1000);
        try {
          log.appendAll(batch, syncEach);
          if (!syncEach && !unsynced) {
            unsynced = true;
            syncDue = System.nanoTime() + syncIntervalNanos;
          }
        } catch (IOException | RuntimeException e) {
          LOG.error("audit log write failed for {} queued lines: {}", batch.size(), e.toString());
        }
        written.addAndGet(batch.size());
        batch.clear();
      }
      if (unsynced && System.nanoTime() - syncDue >= 0) {
        syncQuietly();
        unsynced = false;
      }
    }
  }

  private void syncQuietly() {
    try {
      log.sync();
    } catch (IOException | RuntimeException e) {
      LOG.error("audit log sync failed: {}", e.toString());
    }
  }

  public void record(AuditCode code, Object... keyValues) throws IOException {
    Map<String, Object> f = fields(keyValues);
    AuditEntry written = log.append(code.code(), code.event(), f);
    observer.accept(code, f);
    if (SEALS.contains(code)) {
      sealed.accept(written.mark());
    }
  }

  public void tryRecord(AuditCode code, Object... keyValues) {
    try {
      record(code, keyValues);
    } catch (IOException | RuntimeException e) {
      LOG.error("audit log write failed for {}: {}", code.event(), e.toString());
    }
  }

  public AuditLog log() {
    return log;
  }

  private static Map<String, Object> fields(Object... kv) {
    if (kv.length % 2 != 0) {
      throw new IllegalArgumentException("audit fields come in key/value pairs");
    }
    for (int i = 0; i < kv.length; i += 2) {
      if (!(kv[i] instanceof String)) {
        throw new IllegalArgumentException("audit field names are strings: " + kv[i]);
      }
      for (int j = 0; j < i; j += 2) {
        if (kv[i].equals(kv[j])) { // a key given twice: the last value wins, in the first one's place
          Map<String, Object> m = new LinkedHashMap<>();
          for (int k = 0; k < kv.length; k += 2) {
            if (kv[k + 1] != null) {
              m.put((String) kv[k], kv[k + 1]);
            }
          }
          return m;
        }
      }
    }
    return new Pairs(kv);
  }

  /**
   * The fields as given, key after value, those with a null value left out: read-only, in order.
   * Every allowed statement makes one, and copying ten pairs into a hash map cost more than
   * reading them from the array the caller made anyway.
   */
  private static final class Pairs extends java.util.AbstractMap<String, Object> {
    private final Object[] kv;

    /** {@code kv}: names (distinct strings) and values; the caller's array, not changed after. */
    Pairs(Object[] kv) {
      this.kv = kv;
    }

    @Override
    public java.util.Set<Map.Entry<String, Object>> entrySet() {
      return new java.util.AbstractSet<>() {
        @Override
        public java.util.Iterator<Map.Entry<String, Object>> iterator() {
          return new java.util.Iterator<>() {
            private int i = skipNulls(0);

            private int skipNulls(int from) {
              while (from < kv.length && kv[from + 1] == null) {
                from += 2;
              }
              return from;
            }

            @Override
            public boolean hasNext() {
              return i < kv.length;
            }

            @Override
            public Map.Entry<String, Object> next() {
              if (i >= kv.length) {
                throw new java.util.NoSuchElementException();
              }
              Map.Entry<String, Object> e = new java.util.AbstractMap.SimpleImmutableEntry<>((String) kv[i], kv[i + 1]);
              i = skipNulls(i + 2);
              return e;
            }
          };
        }

        @Override
        public int size() {
          int n = 0;
          for (int i = 1; i < kv.length; i += 2) {
            n += kv[i] == null ? 0 : 1;
          }
          return n;
        }
      };
    }
  }
}
