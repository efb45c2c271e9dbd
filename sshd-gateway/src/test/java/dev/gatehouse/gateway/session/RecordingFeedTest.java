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

  /**
   * Output handed over while the session closes its recording: each call either returns (and its
   * bytes are in the file, before the writer closed) or is refused with {@link RecordingEnded},
   * so the pump shows nothing the recording lacks. Before, late events were queued behind the close
   * and their drain failed on the closed writer.
   */
  @Test
  void outputRacingTheCloseIsEitherRecordedOrRefused() throws Exception {
    for (int round = 0; round < 20; round++) {
      Path file = dir.resolve("race" + round + ".cast");
      AsciicastWriter w = writer(file);
      RecordingFeed feed = new RecordingFeed(w, "s-race");
      List<String> accepted = new java.util.concurrent.CopyOnWriteArrayList<>();
      List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
      java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
      CountDownLatch started = new CountDownLatch(1);
      Thread pump = new Thread(() -> {
        for (int i = 0; ; i++) {
          byte[] b = ("<" + i + ">").getBytes(StandardCharsets.UTF_8);
          try {
            feed.output(b, 0, b.length);
            accepted.add("<" + i + ">");
          } catch (RecordingEnded ended) {
            refused.incrementAndGet();
            return;
          } catch (Throwable e) {
            errors.add(e);
            return;
          }
          if (i == 100) {
            started.countDown();
          }
        }
      });
      pump.start();
      started.await();
      feed.finish();
      w.close();
      pump.join(30_000);
      assertThat(pump.isAlive()).as("the pump was stopped by the close").isFalse();
      assertThat(errors).isEmpty();
      assertThat(refused.get()).as("the pump's next event after the close is refused").isEqualTo(1);
      String recorded = String.join("", merged(events(file))).replaceFirst("^o:", "");
      assertThat(recorded).isEqualTo(String.join("", accepted));
    }
  }

  @Test
  void nothingIsAcceptedOnceFinished() throws Exception {
    Path file = dir.resolve("after.cast");
    AsciicastWriter w = writer(file);
    RecordingFeed feed = new RecordingFeed(w, "s-after");
    byte[] b = "last".getBytes(StandardCharsets.UTF_8);
    feed.output(b, 0, b.length);
    feed.finish();
    w.close();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> feed.output(b, 0, b.length))
        .isInstanceOf(RecordingEnded.class).hasMessageContaining("s-after");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> feed.resize(100, 30)).isInstanceOf(RecordingEnded.class);
    feed.finish(); // a second close only waits
    assertThat(merged(events(file))).containsExactly("o:last");
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
