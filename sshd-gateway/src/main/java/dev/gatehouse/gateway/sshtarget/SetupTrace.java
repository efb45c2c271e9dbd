package dev.gatehouse.gateway.sshtarget;

import java.util.concurrent.TimeUnit;

/**
 * When each step of an {@code ssh}-target session happened, in milliseconds since the session
 * started on the gateway, for one debug line when it ends:
 * {@code session … timeline: connect-task 0.2, tcp 1.1, kex 9.8, cert 10.3, auth 14.0, …}.
 * Steps are marked from several threads (pump, NIO workers); each is kept the first time only.
 */
final class SetupTrace {
  private final long start = System.nanoTime();
  private final StringBuilder steps = new StringBuilder();

  /** Marks {@code step} now, unless it was marked before. */
  void mark(String step) {
    mark(step, System.nanoTime());
  }

  /** Marks {@code step} at {@code nanoTime} (a {@link System#nanoTime} value), unless it was marked before. */
  synchronized void mark(String step, long nanoTime) {
    if (steps.indexOf(step + " ") == 0 || steps.indexOf(", " + step + " ") >= 0) {
      return;
    }
    if (steps.length() > 0) {
      steps.append(", ");
    }
    long micros = TimeUnit.NANOSECONDS.toMicros(nanoTime - start);
    steps.append(step).append(' ').append(micros / 1000).append('.').append(micros / 100 % 10);
  }

  @Override
  public synchronized String toString() {
    return steps.toString();
  }
}
