package dev.gatehouse.bench.jmh;

import dev.gatehouse.recorder.AsciicastWriter;
import dev.gatehouse.recorder.RecordingHeader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Random;

/**
 * The session recorder alone (no SSH, no child): N MiB of one kind of output written to an
 * asciicast file in 32 KiB calls, as a session's output pump hands them over, then closed. Prints,
 * per run, the input rate of the writes and the time of the close (the final force to disk, which
 * a session's end waits for), and the file's size. Not JMH: the close of a large file is one
 * event per run, and the point is what a session of that size waits for.
 *
 * <p>{@code RecorderAlone KIND MIB RUNS [DIR]}, KIND one of {@code nul}, {@code text}, {@code random}.
 */
public final class RecorderAlone {
  private RecorderAlone() {}

  public static void main(String[] args) throws Exception {
    String kind = args[0];
    long bytes = Long.parseLong(args[1]) << 20;
    int runs = Integer.parseInt(args[2]);
    Path dir = args.length > 3 ? Path.of(args[3]) : Files.createTempDirectory("gatehouse-recorder-alone");
    byte[] chunk = new byte[32 * 1024];
    switch (kind) {
      case "nul" -> { }
      case "random" -> new Random(1).nextBytes(chunk);
      case "text" -> {
        byte[] line = "The quick brown fox jumps over the lazy dog; 0123456789 ~!@#%^&*()\n"
            .getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < chunk.length; i++) {
          chunk[i] = line[i % line.length];
        }
      }
      default -> throw new IllegalArgumentException("KIND is nul, text or random, not " + kind);
    }
    for (int r = 1; r <= runs; r++) {
      Path f = dir.resolve("run-" + r + ".cast");
      RecordingHeader h = new RecordingHeader(80, 24, Instant.now(), "xterm", null, "bench-" + r, "bench", "t", "127.0.0.1");
      long t0 = System.nanoTime();
      AsciicastWriter w = AsciicastWriter.create(f, h);
      for (long done = 0; done < bytes; done += chunk.length) {
        w.output(chunk, 0, chunk.length);
      }
      long t1 = System.nanoTime();
      w.close();
      long t2 = System.nanoTime();
      System.out.printf("%s run %d: %d MiB written at %.0f MB/s of input (%.2f s), close %.3f s, file %,d bytes%n",
          kind, r, bytes >> 20, bytes / 1e6 / ((t1 - t0) / 1e9), (t1 - t0) / 1e9, (t2 - t1) / 1e9, Files.size(f));
      Files.delete(f);
    }
  }
}
