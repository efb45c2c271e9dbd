package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The NIO2 pool runs a task on the calling thread only while that thread writes through {@link
 * WriteCompletions#onWritingThread} (a socket write's completion); everything else goes to the pool's
 * own threads, as in MINA's pool. The stream passes the bytes through unchanged.
 */
class WriteCompletionsTest {
  private final WriteCompletions.Pool pool = new WriteCompletions.Pool("test-nio2", 2);

  @AfterEach
  void stop() throws Exception {
    pool.shutdownNow();
    pool.awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void aTaskSubmittedWhileWritingRunsOnTheWritingThread() throws Exception {
    AtomicReference<Thread> ranOn = new AtomicReference<>();
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    OutputStream channel = new OutputStream() {
      @Override
      public void write(int b) {
        sink.write(b);
      }

      @Override
      public void flush() {
        pool.execute(() -> ranOn.set(Thread.currentThread())); // as the JDK hands a completed write on
      }
    };
    OutputStream out = WriteCompletions.onWritingThread(channel);
    out.write(new byte[] {'Z', 0, 0, 0, 5, 'I'});
    out.flush();

    assertThat(ranOn.get()).isSameAs(Thread.currentThread());
    assertThat(sink.toByteArray()).containsExactly('Z', 0, 0, 0, 5, 'I');
  }

  @Test
  void aTaskSubmittedOutsideAWriteRunsOnThePool() throws Exception {
    CompletableFuture<Thread> ranOn = new CompletableFuture<>();
    pool.execute(() -> ranOn.complete(Thread.currentThread()));

    Thread t = ranOn.get(10, TimeUnit.SECONDS);
    assertThat(t).isNotSameAs(Thread.currentThread());
    assertThat(t.getName()).startsWith("sshd-test-nio2-thread-"); // MINA's names, as before
  }

  @Test
  void afterTheWriteReturnsTasksGoToThePoolAgain() throws Exception {
    OutputStream out = WriteCompletions.onWritingThread(OutputStream.nullOutputStream());
    out.write(1);
    out.flush();
    CompletableFuture<Thread> ranOn = new CompletableFuture<>();
    pool.execute(() -> ranOn.complete(Thread.currentThread()));

    assertThat(ranOn.get(10, TimeUnit.SECONDS)).isNotSameAs(Thread.currentThread());
  }

  @Test
  void theWritersInterruptSurvivesACompletionThatClearsIt() throws Exception {
    OutputStream channel = new OutputStream() {
      @Override
      public void write(int b) {
        pool.execute(Thread::interrupted); // the JDK's handler wrapper clears the flag
      }
    };
    Thread.currentThread().interrupt();
    try {
      WriteCompletions.onWritingThread(channel).write(1);
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }

  @Test
  void aFailingCompletionDoesNotFailTheWrite() throws IOException {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    OutputStream channel = new OutputStream() {
      @Override
      public void write(int b) {
        sink.write(b);
        pool.execute(() -> {
          throw new IllegalStateException("handler failed");
        });
      }
    };
    WriteCompletions.onWritingThread(channel).write('x');
    assertThat(sink.toString()).isEqualTo("x");
  }
}
