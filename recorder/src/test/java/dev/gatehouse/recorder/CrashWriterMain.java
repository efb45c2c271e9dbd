package dev.gatehouse.recorder;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Child JVM for the crash test: writes numbered lines of output as fast as a busy session would,
 * and after each output() prints "wrote N T" (N = output bytes so far, T = epoch millis) so the
 * parent knows what it was told is recorded, and when.
 */
final class CrashWriterMain {
  private CrashWriterMain() {}

  static String chunk(long i) {
    return String.format("%08d the quick brown fox jumps over the lazy dog é😀\r\n", i);
  }

  public static void main(String[] args) throws Exception {
    Path file = Path.of(args[0]);
    AsciicastWriter w =
        AsciicastWriter.create(
            file,
            new RecordingHeader(80, 24, Instant.now(), "xterm", null, "crash", "a", "t", "c"));
    long total = 0;
    for (long i = 0; ; i++) {
      byte[] b = chunk(i).getBytes(StandardCharsets.UTF_8);
      w.output(b, 0, b.length);
      total += b.length;
      System.out.println("wrote " + total + " " + System.currentTimeMillis());
      System.out.flush();
      Thread.sleep(0, 200_000);
    }
  }
}
