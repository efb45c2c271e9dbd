package dev.gatehouse.policy;

/**
 * A thread that must not wait: an I/O thread judging a statement on its way (the wire proxy's
 * pushed client input). Work that could wait there — a parse on the parser pool, a parse of a
 * statement not seen before, a lookup in the database — throws {@link WouldWait} instead, and the
 * caller hands the statement to a thread that may wait, which judges it from the start. Nothing of
 * the judgement has taken effect when it is thrown: what a judgement learns (a PREPARE) is kept only
 * when it finishes ({@link PreparedStatements#draft()}).
 */
public final class NoWaiting {
  /** Thrown where the calling thread may not wait. */
  public static final class WouldWait extends RuntimeException {
    public static final WouldWait INSTANCE = new WouldWait();

    private WouldWait() {
      super("this thread may not wait: handled on one that may", null, false, false);
    }
  }

  private static final ThreadLocal<Boolean> HERE = ThreadLocal.withInitial(() -> Boolean.FALSE);

  private NoWaiting() {}

  /** Marks (or unmarks) the calling thread. */
  public static void set(boolean noWaiting) {
    HERE.set(noWaiting);
  }

  /** Whether the calling thread may not wait. */
  public static boolean here() {
    return HERE.get();
  }

  /** Throws {@link WouldWait} on a thread that may not wait. */
  public static void check() {
    if (HERE.get()) {
      throw WouldWait.INSTANCE;
    }
  }
}
