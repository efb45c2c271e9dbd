package dev.gatehouse.gateway.terminal;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A console's output to the user: everything the user sees goes to the recording first, then to
 * the SSH channel. The line editor and the programs the console runs write through the same
 * stream, so their bytes never interleave within a write.
 */
public final class RecordedOutput extends OutputStream {
  /** Where the bytes are recorded before the user sees them (the session's recording). */
  @FunctionalInterface
  public interface Recorder {
    void output(byte[] b, int off, int len) throws IOException;
  }

  private final OutputStream channel;
  private final Recorder recorder;

  public RecordedOutput(OutputStream channel, Recorder recorder) {
    this.channel = channel;
    this.recorder = recorder;
  }

  @Override
  public synchronized void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) throws IOException {
    recorder.output(b, off, len);
    channel.write(b, off, len);
  }

  /** Writes and flushes at once (the bytes of a program, or a line of the gateway's own); nothing when empty. */
  public synchronized void writeRecorded(byte[] b, int off, int len) throws IOException {
    if (len > 0) {
      write(b, off, len);
      flush();
    }
  }

  @Override
  public synchronized void flush() throws IOException {
    channel.flush();
  }
}
