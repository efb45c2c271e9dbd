package dev.gatehouse.gateway.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PromptMarkersTest {
  private static final String STREAM = "hello\u001b[1mbold\u001b[0m\r\n\u001b]133;D;0\u001b\\\u001b]133;A;123456;7890ab\u001b\\"
      + "\u001b]133;P;7890ab\u001b\\user@h:~$ \u001b]133;B;7890ab\u001b\\ls\r\n\u001b]133;C;7890ab\u0007out\u001b]0;title\u0007 \u001b]1330;x\u001b\\";

  private static List<String> run(byte[] all, int[] cuts) throws Exception {
    PromptMarkers m = new PromptMarkers();
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    List<String> events = new ArrayList<>();
    PromptMarkers.Sink sink = new PromptMarkers.Sink() {
      @Override
      public void text(byte[] b, int off, int len) {
        text.write(b, off, len);
      }

      @Override
      public void marker(char kind, String payload) {
        events.add(new String(text.toByteArray(), StandardCharsets.UTF_8) + "|" + kind + ":" + payload);
        text.reset();
      }
    };
    int from = 0;
    for (int c : cuts) {
      m.feed(all, from, c - from, sink);
      from = c;
    }
    m.feed(all, from, all.length - from, sink);
    events.add(new String(text.toByteArray(), StandardCharsets.UTF_8));
    return events;
  }

  @Test
  void markersAreRemovedAndReportedInOrderWhateverTheReadBoundaries() throws Exception {
    byte[] all = STREAM.getBytes(StandardCharsets.UTF_8);
    List<String> whole = run(all, new int[0]);
    assertThat(whole).containsExactly("hello\u001b[1mbold\u001b[0m\r\n|D:0", "|A:123456;7890ab", "|P:7890ab", "user@h:~$ |B:7890ab",
        "ls\r\n|C:7890ab", "out\u001b]0;title\u0007 \u001b]1330;x\u001b\\");
    long seed = new Random().nextLong();
    Random r = new Random(seed);
    for (int n = 0; n < 2000; n++) {
      int k = r.nextInt(6);
      int[] cuts = r.ints(k, 1, all.length).sorted().distinct().toArray();
      assertThat(run(all, cuts)).as("seed %d cuts %s", seed, java.util.Arrays.toString(cuts)).isEqualTo(whole);
    }
    for (int c = 1; c < all.length; c++) {
      assertThat(run(all, new int[] {c})).as("cut at %d", c).isEqualTo(whole);
    }
  }

  @Test
  void anUnendedMarkerLongerThanTheLimitIsPassedOn() throws Exception {
    String s = "\u001b]133;A;" + "x".repeat(PromptMarkers.MAX_MARKER + 10) + "tail";
    List<String> out = run(s.getBytes(StandardCharsets.UTF_8), new int[] {3, 100});
    assertThat(String.join("", out)).isEqualTo(s);
  }
}
