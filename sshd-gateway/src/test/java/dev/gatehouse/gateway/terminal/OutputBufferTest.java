package dev.gatehouse.gateway.terminal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.sandbox.Sandbox;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A real child on pipes and on a terminal (no sandbox: the buffer only reads its output). */
class OutputBufferTest {
  private static final int LARGE = 256 * 1024;
  private ChildProcess child;

  @AfterEach
  void stopChild() throws InterruptedException {
    if (child != null) {
      child.kill();
      child.waitFor();
      child.stopReading();
      child.closeDescriptors();
    }
  }

  private static Sandbox.Launch sh(String script) {
    return new Sandbox.Launch(List.of("/bin/sh", "-c", script));
  }

  @Test
  void aChildWaitingAtAPromptIsReadIntoTheSmallArray() throws IOException {
    child = ChildProcess.startWithPty(sh("printf 'ready> '; read line"), Map.of("TERM", "dumb"),
        new WindowSize(80, 24));
    OutputBuffer buffer = OutputBuffer.of(child, true, LARGE);
    byte[] buf = buffer.next(0);
    int n = child.readOutput(buf, 0, buf.length);

    assertThat(new String(buf, 0, n, StandardCharsets.UTF_8)).isEqualTo("ready> ");
    assertThat(buf).hasSize(OutputBuffer.SMALL);
    assertThat(buffer.next(n)).hasSize(OutputBuffer.SMALL);
  }

  @Test
  void streamingOutputGetsTheLargeArrayAndAQuietChildGivesItBack() throws IOException {
    // 4 MiB in one write, then the child goes quiet (it waits for input that never comes).
    child = ChildProcess.startWithPipes(sh("dd if=/dev/zero bs=4194304 count=1 2>/dev/null; read line"), Map.of());
    OutputBuffer buffer = OutputBuffer.of(child, true, LARGE);
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    int largest = 0;
    int n = 0;
    while (got.size() < 4 * 1024 * 1024) {
      byte[] buf = buffer.next(n);
      largest = Math.max(largest, buf.length);
      n = child.readOutput(buf, 0, buf.length);
      assertThat(n).as("output ended early after %d bytes", got.size()).isPositive();
      got.write(buf, 0, n);
    }

    assertThat(got.size()).isEqualTo(4 * 1024 * 1024);
    assertThat(got.toByteArray()).containsOnly((byte) 0);
    assertThat(largest).isEqualTo(LARGE);
    assertThat(buffer.next(n)).as("after the stream went quiet").hasSize(OutputBuffer.SMALL);
  }

  @Test
  void outputAfterAPauseWithTheLargeArrayHeldIsReadWhole() throws IOException {
    child = ChildProcess.startWithPipes(sh("dd if=/dev/zero bs=1048576 count=1 2>/dev/null; read line; echo after"), Map.of());
    OutputBuffer buffer = OutputBuffer.of(child, true, LARGE);
    int total = 0;
    int n = 0;
    while (total < 1024 * 1024) {
      byte[] buf = buffer.next(n);
      n = child.readOutput(buf, 0, buf.length);
      assertThat(n).isPositive();
      total += n;
    }
    child.writeInput("go\n".getBytes(StandardCharsets.UTF_8), 0, 3);
    byte[] buf = buffer.next(n);
    n = child.readOutput(buf, 0, buf.length);

    assertThat(new String(buf, 0, n, StandardCharsets.UTF_8)).isEqualTo("after\n");
  }
}
