package dev.gatehouse.gateway.terminal;

/**
 * The array an output pump reads one of a child's streams (or a guarded shell's terminal) into:
 * small while the stream is quiet, large while it streams. A thousand idle sessions each holding a pump's large array for a prompt
 * that never comes would be a quarter of the heap; a transfer read in small pieces would pay a
 * system call and a recording event per few KiB.
 *
 * <p>It starts at {@link #SMALL}. A read that fills the small array means more is waiting: the
 * next read gets the large one. Before each read with the large array, the stream is given
 * {@link #QUIET_MILLIS} to have something to read; when it stays quiet the large array is let go
 * and the pump waits with the small one. That wait ends the moment output arrives, so no byte is
 * held back, and while output flows it costs one {@code poll} that returns at once.
 */
public final class OutputBuffer {
  /** Enough for a prompt, an echo or a screenful of a command's output in one read. */
  public static final int SMALL = 8 * 1024;
  /** How long a stream must stay quiet before the pump gives its large array back. */
  static final int QUIET_MILLIS = 100;

  /** The stream read: whether it has output to read within {@code millis}. */
  @FunctionalInterface
  public interface Stream {
    boolean awaitOutput(int millis);
  }

  private final Stream stream;
  private final int large;
  private byte[] buf = new byte[SMALL];

  /** @param large the size while output streams (at least {@link #SMALL}) */
  public OutputBuffer(Stream stream, int large) {
    if (large < SMALL) {
      throw new IllegalArgumentException("large buffer " + large + " below " + SMALL);
    }
    this.stream = stream;
    this.large = large;
  }

  /** For a child's stdout (or its terminal), or with {@code stdout} false its stderr. */
  public static OutputBuffer of(ChildProcess child, boolean stdout, int large) {
    return new OutputBuffer(millis -> child.awaitOutput(stdout, millis), large);
  }

  /**
   * The array for the next read, given how many bytes the last one returned (0 before the first).
   * May wait up to {@link #QUIET_MILLIS}, never longer than output takes to arrive.
   */
  public byte[] next(int lastRead) {
    if (lastRead == buf.length && buf.length < large) {
      buf = new byte[large];
      return buf;
    }
    if (buf.length > SMALL && !stream.awaitOutput(QUIET_MILLIS)) {
      buf = new byte[SMALL];
    }
    return buf;
  }
}
