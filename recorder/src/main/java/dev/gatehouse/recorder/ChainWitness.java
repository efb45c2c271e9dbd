package dev.gatehouse.recorder;

import java.io.IOException;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * What one gateway process has seen of the audit chain: the head right after its start-up repair
 * (every session that began before it was ended then, so none of those is this process's), and the
 * last head it wrote to the journal. Each new witness first checks that the line witnessed before
 * is still in place and unchanged ({@link AuditLog#breach}); a replay page asks the same. Anyone
 * who can write the data directory can rewrite the chain consistently, but not without changing
 * that line: such a rewrite is a {@link Breach}, kept for the life of the process.
 */
public final class ChainWitness {
  /** A witnessed line found changed or gone; lines up to {@code seq} cannot be trusted. */
  public record Breach(long seq, String expectedHash, String detail, Instant foundAt) {}

  private final AuditLog log;
  private final AuditLog.Mark start;
  private final Instant startedAt;
  private final Consumer<Breach> onBreach;
  private AuditLog.Mark latest;
  private volatile Breach breach;

  private ChainWitness(AuditLog log, AuditLog.Mark start, Instant startedAt, Consumer<Breach> onBreach) {
    this.log = log;
    this.start = start;
    this.startedAt = startedAt;
    this.latest = start;
    this.onBreach = onBreach;
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
    check();
    latest = log.mark();
    return latest.head();
  }

  /**
   * The breach found so far (the one covering the most lines), checking the last witnessed line
   * again first; null while every witnessed line holds.
   */
  public Breach breach() throws IOException {
    synchronized (this) {
      check();
    }
    return breach;
  }

  private void check() throws IOException {
    String detail = log.breach(latest);
    if (detail == null) {
      return;
    }
    Breach b = new Breach(latest.head().seq(), latest.head().hash(), detail, Instant.now());
    if (breach == null || b.seq() > breach.seq()) {
      breach = b;
    }
    // Witness the rewritten chain from here on, so that a later rewrite is found as a new breach
    // (this one stays in breach()).
    latest = log.mark();
    onBreach.accept(b);
  }
}
