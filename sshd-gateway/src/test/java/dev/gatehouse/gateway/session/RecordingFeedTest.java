package dev.gatehouse.gateway.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.recorder.AsciicastWriter;
import dev.gatehouse.recorder.RecordingHeader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Markers are written by the caller when nothing is queued before them, everything else through
 * the pool: the recording must still hold every event once, in the order each thread gave them.
 */
class RecordingFeedTest {
  @TempDir Path dir;

  private static final ObjectMapper JSON = new ObjectMapper();

  private AsciicastWriter writer(Path file) throws Exception {
    return AsciicastWriter.create(file, new RecordingHeader(80, 24, Instant.parse("2026-12-03T09:00:00Z"), "dumb",
        "prod-db", "s-1", "alice", "prod-db", "192.0.2.7:50123"));
  }

  /** The events of the recording as "o:text" / "m:label", in file order. */
  private static List<String> events(Path file) throws Exception {
    List<String> out = new ArrayList<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (String l : lines.subList(1, lines.size())) {
      JsonNode e = JSON.readTree(l);
      if (e.isArray()) {
        out.add(e.get(1).asText() + ":" + e.get(2).asText());
      }
    }
    return out;
  }

  @Test
  void markersAndOutputKeepTheirOrderAndNoneIsLost() throws Exception {
    Path file = dir.resolve("r.cast");
    AsciicastWriter w = writer(file);
    RecordingFeed feed = new RecordingFeed(w, "s-1");
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      if (i % 3 == 0) {
        byte[] b = ("out" + i + "\n").getBytes(StandardCharsets.UTF_8);
        feed.output(b, 0, b.length);
        expected.add("o:out" + i + "\n");
      } else {
        feed.marker("allow: select " + i);
        expected.add("m:allow: select " + i);
      }
    }
    feed.finish();
    w.close();
    // Output chunks next to each other may be written as one event: compare the joined stream.
    List<String> got = events(file);
    assertThat(String.join("|", merged(got))).isEqualTo(String.join("|", merged(expected)));
  }

  @Test
  void markersFromTwoThreadsAreEachWrittenOnceInTheirThreadsOrder() throws Exception {
    Path file = dir.resolve("r2.cast");
    AsciicastWriter w = writer(file);
    RecordingFeed feed = new RecordingFeed(w, "s-2");
    CountDownLatch go = new CountDownLatch(1);
    List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
    Thread[] ts = new Thread[2];
    for (int t = 0; t < 2; t++) {
      String name = "t" + t;
      ts[t] = new Thread(() -> {
        try {
          go.await();
          for (int i = 0; i < 3000; i++) {
            if (i % 50 == 0) {
              byte[] b = (name + "-out" + i).getBytes(StandardCharsets.UTF_8);
              feed.output(b, 0, b.length);
            }
            feed.marker(name + " " + i);
          }
        } catch (Throwable e) {
          errors.add(e);
        }
      });
      ts[t].start();
    }
    go.countDown();
    for (Thread t : ts) {
      t.join();
    }
    feed.finish();
    w.close();
    assertThat(errors).isEmpty();
    List<String> got = events(file);
    for (String name : new String[] {"t0", "t1"}) {
      List<String> mine = got.stream().filter(e -> e.startsWith("m:" + name + " ")).toList();
      assertThat(mine).hasSize(3000);
      for (int i = 0; i < 3000; i++) {
        assertThat(mine.get(i)).isEqualTo("m:" + name + " " + i);
      }
    }
  }

  /** Adjacent output events joined, as the player shows them. */
  private static List<String> merged(List<String> events) {
    List<String> out = new ArrayList<>();
    for (String e : events) {
      if (e.startsWith("o:") && !out.isEmpty() && out.get(out.size() - 1).startsWith("o:")) {
        out.set(out.size() - 1, out.get(out.size() - 1) + e.substring(2));
      } else {
        out.add(e);
      }
    }
    return out;
  }
}
