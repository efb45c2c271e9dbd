package dev.gatehouse.gateway.sshtarget;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.io.IoInputStream;
import org.apache.sshd.common.io.IoOutputStream;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.password.AcceptAllPasswordAuthenticator;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.AsyncCommand;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Ctrl-C at the guarded prompt of an ssh target must not end the session. The line editor interrupts its own
 * thread on Ctrl-C; when that thread is in {@link UserTerminalOutput#flush} waiting for a write the user's client
 * has not taken yet, the write must not be left in flight, or the next one (the editor's "^C" and new prompt) fails
 * with MINA's WritePendingException and the session ends. Real MINA server and client on loopback: the client opens
 * its channel with a tiny window and reads nothing until the test says so, which keeps the first write in flight.
 */
class UserTerminalOutputTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final long CLIENT_WINDOW = 1024;

  private SshServer server;
  private SshClient client;
  /** The server side of the user's channel, as {@code SshTargetSession} gets it: its async output stream. */
  private final CompletableFuture<ChannelSession> userChannel = new CompletableFuture<>();
  private final CompletableFuture<IoOutputStream> userOut = new CompletableFuture<>();

  @BeforeEach
  void startServerAndClient() throws Exception {
    server = SshServer.setUpDefaultServer();
    server.setHost("127.0.0.1");
    server.setPort(0);
    server.setKeyPairProvider(new SimpleGeneratorHostKeyProvider());
    server.setPasswordAuthenticator(AcceptAllPasswordAuthenticator.INSTANCE);
    server.setCommandFactory((channel, command) -> new UserChannelCommand());
    server.start();

    client = SshClient.setUpDefaultClient();
    client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
    CoreModuleProperties.WINDOW_SIZE.set(client, CLIENT_WINDOW);
    client.start();
  }

  @AfterEach
  void stop() throws Exception {
    if (client != null) {
      client.stop();
    }
    if (server != null) {
      server.stop(true);
    }
  }

  @Test
  void anInterruptedFlushWaitsForItsWriteSoTheNextWriteGoesThrough() throws Exception {
    try (ClientSession session = client.connect("user", new InetSocketAddress("127.0.0.1", server.getPort()))
        .verify(WAIT).getSession()) {
      session.addPasswordIdentity("any");
      session.auth().verify(WAIT);
      ChannelExec channel = session.createExecChannel("prompt");
      channel.open().verify(WAIT);
      InputStream fromGateway = channel.getInvertedOut();
      ChannelSession serverChannel = userChannel.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      UserTerminalOutput toUser = new UserTerminalOutput(userOut.get(WAIT.toSeconds(), TimeUnit.SECONDS));

      byte[] first = new byte[16 * 1024]; // many times the client's window, below UserTerminalOutput's FLUSH_AT
      for (int i = 0; i < first.length; i++) {
        first[i] = (byte) ('a' + i % 26);
      }
      byte[] next = "^C\r\nguarded> ".getBytes(US_ASCII);

      // The line editor's thread: a redraw, interrupted by Ctrl-C while it waits, then the editor's next output.
      AtomicReference<Throwable> firstFlush = new AtomicReference<>();
      AtomicReference<Boolean> interruptKept = new AtomicReference<>();
      AtomicReference<Throwable> nextFlush = new AtomicReference<>();
      CompletableFuture<Void> firstFlushReturned = new CompletableFuture<>();
      Thread editor = new Thread(() -> {
        try {
          toUser.write(first);
          toUser.flush();
          firstFlush.set(new AssertionError("the first flush returned normally: the interrupt (Ctrl-C) was lost"));
        } catch (Throwable e) {
          firstFlush.set(e);
        }
        interruptKept.set(Thread.interrupted());
        firstFlushReturned.complete(null);
        try {
          toUser.write(next);
          toUser.flush();
        } catch (Throwable e) {
          nextFlush.set(e);
        }
      }, "line-editor");
      editor.setDaemon(true);
      editor.start();

      // The client has taken nothing: the server's window is spent and the editor waits on the write in flight.
      awaitTrue("the editor waits on a write the client's window holds back",
          () -> isWaiting(editor) && serverChannel.getRemoteWindow().getSize() == 0);

      editor.interrupt();
      // The interrupt is taken once the flag is cleared again (the wait caught it); a thread that ends has returned.
      awaitTrue("the editor has taken the interrupt",
          () -> firstFlushReturned.isDone() || (!editor.isInterrupted() && isWaiting(editor)));
      if (firstFlushReturned.isDone()) {
        editor.join(WAIT.toMillis());
        fail("flush returned on the interrupt (%s) with its write still in flight; the next flush then failed with %s",
            firstFlush.get(), nextFlush.get());
      }
      assertThat(serverChannel.getRemoteWindow().getSize()).as("the client has still taken nothing").isZero();

      // The client reads: the window opens, the first write ends, then the editor's next output comes.
      CompletableFuture<byte[]> received = CompletableFuture.supplyAsync(() -> {
        try {
          return fromGateway.readNBytes(first.length + next.length);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      byte[] got = received.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      editor.join(WAIT.toMillis());
      assertThat(editor.isAlive()).as("the editor's thread ended").isFalse();

      assertThat(firstFlush.get()).as("how the interrupted flush ended").isInstanceOf(InterruptedIOException.class);
      assertThat(interruptKept.get()).as("the interrupt is kept for the line editor").isTrue();
      assertThat(nextFlush.get()).as("the next write and flush").isNull();
      assertThat(got).as("the client gets both writes, whole and in order")
          .isEqualTo(concat(first, next));
      assertThat(channel.isOpen()).as("the user's channel is still open").isTrue();
    }
  }

  private static boolean isWaiting(Thread t) {
    Thread.State s = t.getState();
    return s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING;
  }

  /** Polls {@code condition}; the timeout only keeps a broken build from hanging. */
  private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("not seen within " + WAIT + ": " + what);
      }
      Thread.sleep(5);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  /** The user's exec channel on the server: hands the test its channel and async output stream, writes nothing. */
  private final class UserChannelCommand implements AsyncCommand {
    @Override
    public void setIoOutputStream(IoOutputStream out) {
      userOut.complete(out);
    }

    @Override
    public void setIoErrorStream(IoOutputStream err) {}

    @Override
    public void setIoInputStream(IoInputStream in) {}

    @Override
    public void setInputStream(InputStream in) {}

    @Override
    public void setOutputStream(OutputStream out) {}

    @Override
    public void setErrorStream(OutputStream err) {}

    @Override
    public void setExitCallback(ExitCallback callback) {}

    @Override
    public void start(ChannelSession channel, Environment env) {
      userChannel.complete(channel);
    }

    @Override
    public void destroy(ChannelSession channel) {}
  }
}
