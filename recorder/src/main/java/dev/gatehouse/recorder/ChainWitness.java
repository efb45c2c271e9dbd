package dev.gatehouse.recorder;

import java.io.IOException;
import java.time.Instant;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Consumer;

/**
 * What one gateway process has seen of the audit chain: the head right after its start-up repair
 * (every session that began before it was ended then, so none of those is this process's), and
 * each head it wrote to the journal since (one after every line that ends a session, one a minute).
 *
 * <p>Anyone who can write the data directory can edit a line, or rewrite the chain consistently;
 * neither leaves a witnessed line in place and unchanged ({@link AuditLog#breach}). The last
 * witnessed line is checked again before each new witness and whenever a replay page asks; a
 * session's end line, witnessed when the session ended, is checked when its page is opened. A line
 * found changed is a {@link Breach}: reported once to the listener, kept for the life of the
 * process.
 */
public final class ChainWitness {
  /** Witnessed lines kept for the pages' checks (about 150 bytes each); older ones are dropped. */
  static final int MAX_MARKS = 100_000;

  /** A witnessed line found changed or gone; no line up to {@code seq} can be trusted. */
  public record Breach(long seq, String expectedHash, String detail, Instant foundAt) {}

  private final AuditLog log;
  private final AuditLog.Mark start;
  private final Instant startedAt;
  private final Consumer<Breach> onBreach;
  private final ConcurrentSkipListMap<Long, AuditLog.Mark> marks = new ConcurrentSkipListMap<>();
  private AuditLog.Mark latest;
  private volatile Breach breach;

  private ChainWitness(AuditLog log, AuditLog.Mark start, Instant startedAt, Consumer<Breach> onBreach) {
    this.log = log;
    this.start = start;
    this.startedAt = startedAt;
    this.onBreach = onBreach;
    this.latest = start;
    remember(start);
  }

  /**
   * Witnesses the current head as this process's start (call it after the start-up repair).
   * {@code onBreach} hears of each breach once, when it is found (to log and audit it).
   */
  public static ChainWitness start(AuditLog log, Instant startedAt, Consumer<Breach> onBreach) throws IOException {
    return new ChainWitness(log, log.mark(), startedAt, onBreach);
  }

  /** The head when this process finished its start-up repair. */
  public ChainHead startHead() {
    return start.head();
  }

  public Instant startedAt() {
    return startedAt;
  }

  /**
   * Checks the line witnessed last, then witnesses the current head and returns it (for the
   * journal). A breach found on the way is reported to the listener first.
   */
  public synchronized ChainHead witness() throws IOException {
    return witness(log.mark());
  }

  /**
   * The same for a line this process has just written (its {@link AuditEntry#mark()}): the head it
   * logs is what it wrote, with no moment in between in which the line could be replaced.
   */
  public synchronized ChainHead witness(AuditLog.Mark written) throws IOException {
    check(latest);
    if (written.head().seq() >= latest.head().seq()) {
      latest = written;
    }
    remember(written);
    return written.head();
  }

  /**
   * The breach found so far that covers the most lines, after checking the last witnessed line
   * and, if this process witnessed it, the line with {@code seq} (a session's end line) again;
   * null while every line checked holds.
   */
  public Breach breach(long seq) throws IOException {
    synchronized (this) {
      check(latest);
      AuditLog.Mark at = marks.get(seq);
      if (at != null && at != latest) {
        check(at);
      }
    }
    return breach;
  }

  private void check(AuditLog.Mark m) throws IOException {
    String detail = log.breach(m);
    if (detail == null) {
      return;
    }
    Breach b = new Breach(m.head().seq(), m.head().hash(), detail, Instant.now());
    if (breach == null || b.seq() > breach.seq()) {
      breach = b;
    }
    marks.remove(m.head().seq(), m); // reported once; breach() keeps saying so
    if (m == latest) {
      // Witness the chain as it is now, so that a later rewrite is found as a new breach.
      latest = log.mark();
      remember(latest);
    }
    onBreach.accept(b);
  }

  private void remember(AuditLog.Mark m) {
    if (m.offset() < 0) {
      return;
    }
    marks.put(m.head().seq(), m);
    while (marks.size() > MAX_MARKS && marks.pollFirstEntry() != null) {
      // dropped: pages of sessions that ended that long ago rely on the link check and verify
    }
  }
}
