package dev.gatehouse.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A client process driven like a person at a keyboard: input from a pipe, stdout and stderr read
 * together into one transcript that tests wait on.
 */
final class InteractiveProcess implements AutoCloseable {
  private final Process process;
  private final OutputStream stdin;
  private final ByteArrayOutputStream transcript = new ByteArrayOutputStream();
  private final Thread reader;
  private final List<String> argv;

  private InteractiveProcess(Process process, List<String> argv) {
    this.process = process;
    this.argv = argv;
    this.stdin = process.getOutputStream();
    this.reader = new Thread(this::read, "it-reader-" + process.pid());
    reader.setDaemon(true);
    reader.start();
  }

  static InteractiveProcess start(List<String> argv, Map<String, String> env) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
    pb.environment().remove("SSH_AUTH_SOCK");
    pb.environment().putAll(env);
    return new InteractiveProcess(pb.start(), argv);
  }

  private void read() {
    byte[] buf = new byte[8192];
    try (InputStream in = process.getInputStream()) {
      int n;
      while ((n = in.read(buf)) > 0) {
        synchronized (transcript) {
          transcript.write(buf, 0, n);
          transcript.notifyAll();
        }
      }
    } catch (IOException e) {
      // Process gone.
    } finally {
      synchronized (transcript) {
        transcript.notifyAll();
      }
    }
  }

  long pid() {
    return process.pid();
  }

  void send(String text) throws IOException {
    stdin.write(text.getBytes(StandardCharsets.UTF_8));
    stdin.flush();
  }

  void closeInput() throws IOException {
    stdin.close();
  }

  String transcript() {
    synchronized (transcript) {
      return transcript.toString(StandardCharsets.UTF_8);
    }
  }

  /** Waits until the transcript, from offset {@code from}, contains {@code text}; returns the whole transcript. */
  String await(String text, Duration timeout) throws InterruptedException {
    return await(text, 0, timeout);
  }

  String await(String text, int from, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (transcript) {
      while (true) {
        String s = transcript.toString(StandardCharsets.UTF_8);
        if (s.indexOf(text, Math.min(from, s.length())) >= 0) {
          return s;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("waited " + timeout.toMillis() + " ms for '" + text + "' from "
              + String.join(" ", argv) + "; transcript so far:\n" + s
              + (process.isAlive() ? "" : "\n(process exited " + process.exitValue() + ")"));
        }
        transcript.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      }
    }
  }

  int length() {
    synchronized (transcript) {
      return transcript.size();
    }
  }

  /** The exit code, failing if the process is still running after {@code timeout}. */
  int waitFor(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("still running after " + timeout.toMillis() + " ms: " + String.join(" ", argv)
          + "; transcript:\n" + transcript());
    }
    reader.join(2000);
    return process.exitValue();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
