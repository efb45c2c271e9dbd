package dev.gatehouse.gateway.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The pushed client input of the wire proxy: messages handled where their bytes arrive, handed to
 * the session's thread when they may wait, in the client's order either way, and the sender's
 * window re-opened only for what was taken while something waits.
 */
class ClientInboxTest {
  /** A session that notes each message it handled and where. */
  private static final class Noting implements ClientInbox.Session {
    final List<String> handled = new ArrayList<>();
    final List<String> where = new ArrayList<>();
    final AtomicLong acknowledged = new AtomicLong();
    final Predicate<String> quick;
    final Predicate<String> handsOff;
    volatile CountDownLatch slow = new CountDownLatch(0);
    volatile Thread owner;

    Noting(Predicate<String> quick, Predicate<String> handsOff) {
      this.quick = quick;
      this.handsOff = handsOff;
    }

    @Override
    public boolean quick(Wire.Message m) {
      return quick.test(text(m));
    }

    @Override
    public boolean step(Wire.Message m) {
      String t = text(m);
      boolean onOwner = Thread.currentThread() == owner;
      if (!onOwner && handsOff.test(t)) {
        throw dev.gatehouse.policy.NoWaiting.WouldWait.INSTANCE;
      }
      if (onOwner && t.startsWith("slow")) {
        try {
          slow.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      synchronized (this) {
        handled.add(t);
        where.add(onOwner ? "session" : "receiving");
      }
      return !t.equals("bye");
    }

    @Override
    public void acknowledge(long bytes) {
      acknowledged.addAndGet(bytes);
    }

    synchronized List<String> handled() {
      return List.copyOf(handled);
    }

    synchronized List<String> where() {
      return List.copyOf(where);
    }
  }

  private static String text(Wire.Message m) {
    return new String(m.body(), StandardCharsets.UTF_8);
  }

  private static byte[] message(String text) {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write('Q');
    int len = body.length + 4;
    b.write(len >>> 24);
    b.write(len >>> 16);
    b.write(len >>> 8);
    b.write(len);
    b.writeBytes(body);
    return b.toByteArray();
  }

  /** The inbox made on a session thread of its own, which then runs it; the run's end as a future. */
  private static ClientInbox start(Noting session, byte[] ahead, CompletableFuture<Void> ended) throws Exception {
    CompletableFuture<ClientInbox> made = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      session.owner = Thread.currentThread();
      ClientInbox in = new ClientInbox(session, ahead);
      made.complete(in);
      try {
        in.run();
        ended.complete(null);
      } catch (Throwable e) {
        ended.completeExceptionally(e);
      }
    }, "session");
    t.setDaemon(true);
    t.start();
    return made.get(10, TimeUnit.SECONDS);
  }

  private static void awaitHandled(Noting s, int n) throws InterruptedException {
    for (int i = 0; i < 1000 && s.handled().size() < n; i++) {
      Thread.sleep(10);
    }
  }

  @Test
  void messagesSplitAnywhereAreHandledWholeInOrderWhereTheyArrive() throws Exception {
    Noting s = new Noting(t -> true, t -> false);
    CompletableFuture<Void> ended = new CompletableFuture<>();
    ClientInbox in = start(s, new byte[0], ended);
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      String t = "select " + i + " -- " + "x".repeat(i * 7 % 300);
      sent.add(t);
      all.writeBytes(message(t));
    }
    byte[] bytes = all.toByteArray();
    Random random = new Random(7);
    for (int off = 0; off < bytes.length; ) {
      int n = Math.min(bytes.length - off, 1 + random.nextInt(700));
      in.receive(bytes, off, n);
      off += n;
    }
    assertThat(s.handled()).isEqualTo(sent);
    assertThat(s.where()).containsOnly("receiving");
    assertThat(s.acknowledged.get()).isEqualTo(bytes.length);
    in.endOfInput();
    ended.get(10, TimeUnit.SECONDS);
  }

  @Test
  void whatMayWaitGoesToTheSessionThreadWithEverythingAfterItUntilItCatchesUp() throws Exception {
    Noting s = new Noting(t -> !t.startsWith("slow"), t -> false);
    s.slow = new CountDownLatch(1);
    CompletableFuture<Void> ended = new CompletableFuture<>();
    ClientInbox in = start(s, new byte[0], ended);
    byte[] first = message("one");
    byte[] slow = message("slow two");
    in.receive(first, 0, first.length);
    in.receive(slow, 0, slow.length);
    byte[] later = message("three");
    in.receive(later, 0, later.length); // quick, but behind the one that waits
    Thread.sleep(200);
    assertThat(s.handled()).containsExactly("one");
    // Taken while the session's thread waits: not acknowledged, so the sender's window closes.
    assertThat(s.acknowledged.get()).isEqualTo(first.length + slow.length);
    s.slow.countDown();
    awaitHandled(s, 3);
    assertThat(s.handled()).containsExactly("one", "slow two", "three");
    assertThat(s.where()).containsExactly("receiving", "session", "session");
    assertThat(s.acknowledged.get()).isEqualTo(first.length + slow.length + later.length);
    byte[] fourth = message("four"); // caught up: handled where it arrives again
    in.receive(fourth, 0, fourth.length);
    assertThat(s.handled()).endsWith("four");
    assertThat(s.where()).endsWith("receiving");
    byte[] bye = message("bye");
    in.receive(bye, 0, bye.length);
    ended.get(10, TimeUnit.SECONDS);
    byte[] after = message("after goodbye");
    in.receive(after, 0, after.length);
    assertThat(s.handled()).containsExactly("one", "slow two", "three", "four", "bye");
  }

  @Test
  void aMessageHandedOffHalfwayIsHandledOnceOnTheSessionThread() throws Exception {
    Noting s = new Noting(t -> true, t -> t.startsWith("review"));
    CompletableFuture<Void> ended = new CompletableFuture<>();
    ClientInbox in = start(s, new byte[0], ended);
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(message("a"));
    b.writeBytes(message("review b"));
    b.writeBytes(message("c"));
    byte[] bytes = b.toByteArray();
    in.receive(bytes, 0, bytes.length);
    awaitHandled(s, 3);
    assertThat(s.handled()).containsExactly("a", "review b", "c");
    assertThat(s.where()).containsExactly("receiving", "session", "session");
    in.endOfInput();
    ended.get(10, TimeUnit.SECONDS);
  }

  @Test
  void bytesReadAheadWithTheStartupAreHandledFirstOnTheSessionThread() throws Exception {
    Noting s = new Noting(t -> true, t -> false);
    CompletableFuture<Void> ended = new CompletableFuture<>();
    byte[] ahead = message("ahead");
    ClientInbox in = start(s, ahead, ended);
    awaitHandled(s, 1);
    byte[] next = message("next");
    in.receive(next, 0, next.length);
    awaitHandled(s, 2);
    assertThat(s.handled()).containsExactly("ahead", "next");
    assertThat(s.where().get(0)).isEqualTo("session");
    // The bytes read ahead were acknowledged by the stream that read them.
    assertThat(s.acknowledged.get()).isEqualTo(next.length);
    in.endOfInput();
    ended.get(10, TimeUnit.SECONDS);
  }

  @Test
  void aLyingLengthEndsTheSessionWithTheProtocolError() throws Exception {
    Noting s = new Noting(t -> true, t -> false);
    CompletableFuture<Void> ended = new CompletableFuture<>();
    ClientInbox in = start(s, new byte[0], ended);
    byte[] bad = {'Q', 0, 0, 0, 2, 'x'};
    in.receive(bad, 0, bad.length);
    assertThatThrownBy(() -> ended.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
        .cause().isInstanceOf(ProtocolViolation.class).hasMessageContaining("invalid message length 2 for message type 'Q'");
  }

  @Test
  void endOfInputInsideAMessageEndsTheSessionWithoutIt() throws Exception {
    Noting s = new Noting(t -> true, t -> false);
    CompletableFuture<Void> ended = new CompletableFuture<>();
    ClientInbox in = start(s, new byte[0], ended);
    byte[] whole = message("whole");
    byte[] half = message("half of it");
    in.receive(whole, 0, whole.length);
    in.receive(half, 0, 7);
    in.endOfInput();
    ended.get(10, TimeUnit.SECONDS);
    assertThat(s.handled()).containsExactly("whole");
  }

  @Test
  void closingFromAnotherThreadEndsTheWait() throws Exception {
    Noting s = new Noting(t -> true, t -> false);
    CompletableFuture<Void> ended = new CompletableFuture<>();
    ClientInbox in = start(s, new byte[0], ended);
    in.close();
    ended.get(10, TimeUnit.SECONDS);
    byte[] m = message("late");
    in.receive(m, 0, m.length);
    assertThat(s.handled()).isEmpty();
  }
}
