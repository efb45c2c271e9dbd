package dev.gatehouse.recorder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AsciicastWriterTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  static RecordingHeader header(String id) {
    return new RecordingHeader(
        80, 24, Instant.parse("2026-03-04T05:06:07Z"), "xterm-256color", "prod-db", id, "alice",
        "prod-db", "192.0.2.7:50123");
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static void out(AsciicastWriter w, byte[] b) throws IOException {
    w.output(b, 0, b.length);
  }

  static List<JsonNode> lines(Path f) throws IOException {
    return Files.readAllLines(f).stream()
        .map(
            l -> {
              try {
                return JSON.readTree(l);
              } catch (IOException e) {
                throw new AssertionError("not JSON: " + l, e);
              }
            })
        .toList();
  }

  @Test
  void recordingWithOutputResizeAndMarkerPlaysInAsciinemaCat() throws Exception {
    Path f = dir.resolve("rec/s1.cast");
    AsciicastWriter w = AsciicastWriter.create(f, header("s1"));
    out(w, utf8("$ psql\r\n"));
    w.resize(120, 40);
    w.marker("SELECT 1 -> allow");
    w.input(utf8("select 1;\r"), 0, 10);
    out(w, utf8("\u001b[1mok\u001b[0m \"quoted\" back\\slash\ttab\r\n"));
    ClosedRecording r = w.close();

    assertThat(Asciinema.catString(f))
        .isEqualTo("$ psql\r\n\u001b[1mok\u001b[0m \"quoted\" back\\slash\ttab\r\n");
    assertThat(r.sha256()).isEqualTo(Recordings.sha256(f));
    assertThat(r.fileSize()).isEqualTo(Files.size(f));
    assertThat(r.outputBytes()).isEqualTo(w.bytesWritten()).isEqualTo(utf8("$ psql\r\n\u001b[1mok\u001b[0m \"quoted\" back\\slash\ttab\r\n").length);
    List<JsonNode> l = lines(f);
    JsonNode h = l.get(0);
    assertThat(h.get("version").asInt()).isEqualTo(2);
    assertThat(h.get("width").asInt()).isEqualTo(80);
    assertThat(h.get("timestamp").asLong()).isEqualTo(1772600767L);
    assertThat(h.at("/env/TERM").asText()).isEqualTo("xterm-256color");
    assertThat(h.at("/gatehouse/sessionId").asText()).isEqualTo("s1");
    assertThat(h.at("/gatehouse/identity").asText()).isEqualTo("alice");
    assertThat(h.at("/gatehouse/clientAddress").asText()).isEqualTo("192.0.2.7:50123");
    assertThat(l.subList(1, l.size()).stream().map(e -> e.get(1).asText()))
        .containsExactly("o", "r", "m", "i", "o");
    assertThat(l.get(2).get(2).asText()).isEqualTo("120x40");
    assertThat(l.get(3).get(2).asText()).isEqualTo("SELECT 1 -> allow");
  }

  /**
   * A terminal shows nothing for NUL, so output leaves it out (six bytes of file each as JSON);
   * it still cuts an open UTF-8 sequence, as it does on the terminal. Typed input keeps it.
   */
  @Test
  void outputLeavesNulOutButInputKeepsIt() throws Exception {
    Path f = dir.resolve("nul.cast");
    AsciicastWriter w = AsciicastWriter.create(f, header("nul"));
    out(w, new byte[65536]); // only NULs: no event at all
    out(w, new byte[] {'a', 0, 0, 'b', (byte) 0xC3, 0, (byte) 0xA9, 'c'});
    w.input(new byte[] {'x', 0, 'y'}, 0, 3);
    ClosedRecording closed = w.close();

    assertThat(Asciinema.catString(f)).isEqualTo("ab\uFFFD\uFFFDc");
    List<JsonNode> events = lines(f).subList(1, lines(f).size());
    assertThat(events).extracting(e -> e.get(1).asText()).containsExactly("o", "i");
    assertThat(events.get(0).get(2).asText()).isEqualTo("ab\uFFFD\uFFFDc");
    assertThat(events.get(1).get(2).asText()).isEqualTo("x\u0000y");
    // The count of output bytes is of what the session sent, NULs included.
    assertThat(closed.outputBytes()).isEqualTo(65536 + 8);
  }

  @Test
  void utf8SplitAcrossCallsComesOutWholeAndInvalidBytesBecomeReplacementCharacters()
      throws Exception {
    Path f = dir.resolve("s2.cast");
    AsciicastWriter w = AsciicastWriter.create(f, header("s2"));
    byte[] e = utf8("é"); // C3 A9
    byte[] emoji = utf8("😀"); // F0 9F 98 80
    w.output(e, 0, 1);
    w.resize(100, 30); // another event between the halves must not break the carry
    w.output(e, 1, 1);
    for (byte b : emoji) {
      w.output(new byte[] {b}, 0, 1);
    }
    out(w, new byte[] {'a', (byte) 0xFF, 'b', (byte) 0xC3, 'c', (byte) 0xED, (byte) 0xA0, 'd'});
    out(w, new byte[] {0x00, 0x07, 0x7f, '"', '\\', '\n'});
    w.output(emoji, 0, 2); // cut off at close
    w.close();

    assertThat(Asciinema.catString(f))
        .isEqualTo("é😀a\uFFFDb\uFFFDc\uFFFD\uFFFDd\u0007\u007f\"\\\n\uFFFD");
    // Control characters are escaped: the file itself holds no raw control bytes but newlines.
    byte[] raw = Files.readAllBytes(f);
    for (byte b : raw) {
      assertThat(b == '\n' || (b & 0xff) >= 0x20).as("raw byte %02x", b).isTrue();
    }
  }

  @Test
  void outputWithinAMillisecondIsCoalescedIntoOneEvent() throws Exception {
    Path f = dir.resolve("s3.cast");
    AsciicastWriter w = AsciicastWriter.create(f, header("s3"));
    for (int i = 0; i < 100; i++) {
      out(w, utf8("x"));
    }
    w.close();
    List<JsonNode> l = lines(f);
    assertThat(l.size()).isLessThan(20);
    assertThat(Asciinema.catString(f)).isEqualTo("x".repeat(100));
  }

  @Test
  void fileIsCreated0640InDirectories0750AndNeverOverwritten() throws Exception {
    Path f = dir.resolve("recordings/2026/03/04/s4.cast");
    AsciicastWriter.create(f, header("s4")).close();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
        .isEqualTo("rw-r-----");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f.getParent())))
        .isEqualTo("rwxr-x---");
    assertThatThrownBy(() -> AsciicastWriter.create(f, header("s4")))
        .isInstanceOf(FileAlreadyExistsException.class);
  }

  @Test
  void creatingInAReadOnlyDirectoryFails() throws Exception {
    // /proc is read-only even for root, who ignores permission bits; tests may run as root.
    assertThatThrownBy(
            () -> AsciicastWriter.create(Path.of("/proc/self/fdinfo/gh/s5.cast"), header("s5")))
        .isInstanceOf(IOException.class);
    Path ro = Files.createDirectory(dir.resolve("ro"));
    Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-xr-xr-x"));
    if (!"root".equals(System.getProperty("user.name"))) {
      assertThatThrownBy(() -> AsciicastWriter.create(ro.resolve("s5.cast"), header("s5")))
          .isInstanceOf(IOException.class);
    }
    // A parent that is a file fails for everyone.
    Path notDir = Files.writeString(dir.resolve("file"), "x");
    assertThatThrownBy(() -> AsciicastWriter.create(notDir.resolve("s5.cast"), header("s5")))
        .isInstanceOf(IOException.class);
  }

  @Test
  void aWriteFailureAfterCreateIsThrownFromTheNextCallAndFromClose() throws Exception {
    Path f = dir.resolve("s6.cast");
    FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    AsciicastWriter w = new AsciicastWriter(f, ch, header("s6"));
    ch.close(); // as if the disk went away under the writer
    // The first call may only buffer; within the flush interval the failure must surface.
    IOException seen = null;
    long deadline = System.nanoTime() + 2_000_000_000L;
    while (seen == null && System.nanoTime() < deadline) {
      try {
        out(w, utf8("data"));
        Thread.sleep(10);
      } catch (IOException e) {
        seen = e;
      }
    }
    assertThat(seen).isNotNull();
    assertThatThrownBy(() -> w.resize(1, 1)).isInstanceOf(IOException.class);
    assertThatThrownBy(w::close).isInstanceOf(IOException.class);
  }

  @Test
  void aFullDiskFailsTheWriter() {
    // /dev/full answers every write with ENOSPC, a real disk-full error.
    assertThatThrownBy(
            () ->
                new AsciicastWriter(
                    Path.of("/dev/full"),
                    FileChannel.open(Path.of("/dev/full"), StandardOpenOption.WRITE),
                    header("s7")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("space");
  }

  @Test
  void closeIsIdempotent() throws Exception {
    AsciicastWriter w = AsciicastWriter.create(dir.resolve("s8.cast"), header("s8"));
    out(w, utf8("hi"));
    assertThat(w.close()).isEqualTo(w.close());
  }

  @Test
  void idleOutputReachesTheFileWithin100Milliseconds() throws Exception {
    Path f = dir.resolve("s9.cast");
    AsciicastWriter w = AsciicastWriter.create(f, header("s9"));
    out(w, utf8("prompt$ "));
    Thread.sleep(100);
    assertThat(Files.readString(f)).contains("prompt$ ");
    w.close();
  }

  @Test
  void writing256MiBOfOutputCostsWellUnderASecondOfCpu() throws Exception {
    Path f = dir.resolve("big.cast");
    // Terminal-like output: text, escape sequences, some UTF-8.
    StringBuilder sb = new StringBuilder();
    while (sb.length() < 16 * 1024) {
      sb.append("\u001b[32mINFO\u001b[0m 2026-03-04 worker-7 processed batch ✓ ok \"id\"=42\r\n");
    }
    byte[] chunk = Arrays.copyOf(utf8(sb.toString()), 16 * 1024);
    long total = 256L * 1024 * 1024;
    var threads = ManagementFactory.getThreadMXBean();
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    for (int warm = 0; warm < 2; warm++) { // let the JIT compile the escape loop first
      AsciicastWriter w = AsciicastWriter.create(dir.resolve("warm" + warm + ".cast"), header("w"));
      for (int i = 0; i < 2048; i++) {
        w.output(chunk, 0, chunk.length);
      }
      w.close();
    }
    long proc0 = os.getProcessCpuTime();
    long thread0 = threads.getCurrentThreadCpuTime();
    long user0 = threads.getCurrentThreadUserTime();
    long wall0 = System.nanoTime();
    AsciicastWriter w = AsciicastWriter.create(f, header("big"));
    for (long done = 0; done < total; done += chunk.length) {
      w.output(chunk, 0, chunk.length);
    }
    long threadOutput = threads.getCurrentThreadCpuTime() - thread0;
    long userOutput = threads.getCurrentThreadUserTime() - user0;
    ClosedRecording r = w.close();
    long threadAll = threads.getCurrentThreadCpuTime() - thread0;
    long proc = os.getProcessCpuTime() - proc0;
    long wall = System.nanoTime() - wall0;
    System.out.printf(
        "PERF 256 MiB through output(): caller thread CPU %d ms in output() calls (user %d ms,"
            + " kernel write() %d ms), %d ms incl. close (fsync); process CPU %d ms; wall %d ms;"
            + " file %d MiB%n",
        threadOutput / 1_000_000,
        userOutput / 1_000_000,
        (threadOutput - userOutput) / 1_000_000,
        threadAll / 1_000_000,
        proc / 1_000_000,
        wall / 1_000_000,
        r.fileSize() >> 20);
    assertThat(r.outputBytes()).isEqualTo(total);
  }
}
