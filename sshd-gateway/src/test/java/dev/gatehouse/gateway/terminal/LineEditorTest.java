package dev.gatehouse.gateway.terminal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The line editor a user types into at a guarded prompt or a console: keys JLine would turn into
 * work on the bastion itself do nothing there.
 */
class LineEditorTest {
  /**
   * Ctrl-X Ctrl-E (edit-and-execute) wrote the line to a {@code jline-execute-*} file in the
   * gateway's temporary directory and tried to open an editor on the gateway's host (printing a
   * stack trace to the user when none loaded); now the line stays as typed and Enter gives it.
   */
  @Test
  void editAndExecuteDoesNothingOnTheBastion() throws Exception {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    long before = executeFiles(tmp);
    PipedOutputStream keys = new PipedOutputStream();
    PipedInputStream in = new PipedInputStream(keys, 4096);
    ByteArrayOutputStream screen = new ByteArrayOutputStream();
    LineEditor e = new LineEditor(in, screen, "xterm", new WindowSize(80, 24), "gatehouse-test");
    try {
      keys.write("echo kept\u0018\u0005\r".getBytes(StandardCharsets.UTF_8));
      keys.flush();
      String line = e.reader().readLine("$ ");
      assertThat(line).isEqualTo("echo kept");
      assertThat(screen.toString(StandardCharsets.UTF_8)).doesNotContain("Exception", "at org.jline");
      assertThat(executeFiles(tmp)).as("jline-execute files in %s", tmp).isEqualTo(before);
    } finally {
      e.closeQuietly();
    }
  }

  private static long executeFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().startsWith("jline-execute")).count();
    }
  }
}
