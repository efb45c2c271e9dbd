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

      @Override
      public void broken() {
        events.add(new String(text.toByteArray(), StandardCharsets.UTF_8) + "|broken");
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

  /**
   * A sequence that began as a marker and grew past the limit with no end is reported and its first
   * {@link PromptMarkers#MAX_MARKER} bytes dropped (they may be the hook's marker, nonces and all,
   * with echoed keys written into it); the guard ends the session on the report.
   */
  @Test
  void anUnendedMarkerLongerThanTheLimitIsReportedAndDropped() throws Exception {
    String s = "before\u001b]133;A;" + "x".repeat(PromptMarkers.MAX_MARKER + 10) + "tail";
    for (int[] cuts : new int[][] {{3, 100}, {}, {10, 2000, 2060}}) {
      List<String> out = run(s.getBytes(StandardCharsets.UTF_8), cuts);
      assertThat(out.get(0)).isEqualTo("before|broken");
      assertThat(String.join("", out)).doesNotContain("133;A").doesNotContain("x".repeat(PromptMarkers.MAX_MARKER - 8));
    }
  }

  /**
   * A marker broken by an ESC inside (a key's echo written into the hook's output one character at
   * a time, under {@code olcuc}): reported, its body (the nonces) never passed on as text; the ESC
   * that broke it may begin the next marker, which is still found.
   */
  @Test
  void aMarkerBrokenByAnEscInsideIsReportedAndItsBodyDropped() throws Exception {
    StringBuilder n = new StringBuilder();
    Random r = new Random(7);
    while (n.length() < 128) {
      n.append(Character.forDigit(r.nextInt(16), 16));
    }
    String nonce = n.toString();
    String s = "out\u001b]133;A;" + nonce.substring(0, 50) + "\u001b" + nonce.substring(50) + ";x\u0007"
        + "\u001b]133;D;0;" + "cd".repeat(64) + "\u0007end";
    for (int c = 0; c <= s.length(); c++) {
      List<String> out = run(s.getBytes(StandardCharsets.UTF_8), c == 0 ? new int[] {} : new int[] {c});
      assertThat(String.join("", out)).as("cut at %d", c).doesNotContain(nonce.substring(0, 50)).startsWith("out|broken")
          .contains("|D:0;" + "cd".repeat(64)).endsWith("end");
    }
  }
}
