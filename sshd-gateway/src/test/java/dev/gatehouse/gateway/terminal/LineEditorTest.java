package dev.gatehouse.gateway.terminal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.junit.jupiter.api.Test;

/**
 * The line editor over a pipe, as a console uses it over the SSH channel: keys arrive in one
 * write, Ctrl-C among them, and must be read in the order they were typed.
 */
class LineEditorTest {

  /** What the editor wrote to the "screen", readable while it runs. */
  private static final class Screen extends OutputStream {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    @Override
    public synchronized void write(int b) {
      bytes.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      bytes.write(b, off, len);
    }

    synchronized String text() {
      return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Waits until {@code needle} appears at or after {@code from}; returns where it ended. */
    int await(String needle, int from) throws InterruptedException {
      Instant end = Instant.now().plus(Duration.ofSeconds(10));
      while (Instant.now().isBefore(end)) {
        int at = text().indexOf(needle, from);
        if (at >= 0) {
          return at + needle.length();
        }
        Thread.sleep(5);
      }
      throw new AssertionError("no '" + needle + "' on the screen after " + from + ": " + text());
    }
  }

  /** Outcome of one readLine: the line, or "^C" for an interrupt. */
  private static CompletableFuture<String> read(LineEditor e, String prompt) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return e.readLine(prompt);
      } catch (UserInterruptException x) {
        return "^C";
      }
    });
  }

  @Test
  void ctrlCTypedAfterKeysClearsThoseKeysNotTheNextLine() throws Exception {
    // Fifty rounds: the old signal path lost the race in most of them, not in all.
    List<String> wrong = new ArrayList<>();
    for (int round = 0; round < 50; round++) {
      PipedOutputStream keys = new PipedOutputStream();
      PipedInputStream in = new PipedInputStream(keys, 4096);
      Screen screen = new Screen();
      LineEditor e = new LineEditor(in, screen, "xterm", new WindowSize(80, 24), "gatehouse-test");
      try {
        int seen = 0;
        CompletableFuture<String> first = read(e, "p1> ");
        seen = screen.await("p1> ", seen);
        keys.write("get no\u0003".getBytes(StandardCharsets.US_ASCII));
        keys.flush();
        String a = first.get(10, TimeUnit.SECONDS);
        CompletableFuture<String> second = read(e, "p2> ");
        screen.await("p2> ", seen);
        keys.write("exit\r".getBytes(StandardCharsets.US_ASCII));
        keys.flush();
        String b = second.get(10, TimeUnit.SECONDS);
        if (!a.equals("^C") || !b.equals("exit")) {
          wrong.add("round " + round + ": first=" + a + " second=" + b);
        }
      } finally {
        e.closeQuietly();
        keys.close();
      }
    }
    assertThat(wrong).as("Ctrl-C must clear 'get no', and the next line be 'exit'").isEmpty();
  }

  @Test
  void outsideThePromptCtrlCIsStillTheInterruptSignal() throws Exception {
    // A command running or an approval held: nobody reads keys, the console's INT handler cancels.
    PipedOutputStream keys = new PipedOutputStream();
    PipedInputStream in = new PipedInputStream(keys, 4096);
    Screen screen = new Screen();
    LineEditor e = new LineEditor(in, screen, "xterm", new WindowSize(80, 24), "gatehouse-test");
    try {
      CompletableFuture<Void> signalled = new CompletableFuture<>();
      e.terminal().handle(Terminal.Signal.INT, s -> signalled.complete(null));
      CompletableFuture<String> line = read(e, "p> ");
      screen.await("p> ", 0);
      keys.write("select 1\r".getBytes(StandardCharsets.US_ASCII));
      keys.flush();
      assertThat(line.get(10, TimeUnit.SECONDS)).isEqualTo("select 1");
      e.terminal().handle(Terminal.Signal.INT, s -> signalled.complete(null));
      keys.write(3);
      keys.flush();
      signalled.get(10, TimeUnit.SECONDS);
    } finally {
      e.closeQuietly();
      keys.close();
    }
  }
}
