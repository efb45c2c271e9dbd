package dev.gatehouse.gateway.sshtarget;

import dev.gatehouse.gateway.shell.ShellTerminal;
import dev.gatehouse.gateway.terminal.WindowSize;
import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.client.channel.ClientChannel;
import org.apache.sshd.client.channel.PtyCapableChannelSession;
import org.apache.sshd.common.io.IoReadFuture;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/**
 * The pty of a channel on an {@code ssh} target's host, as the guarded prompt's terminal: MINA's
 * asynchronous channel streams seen as blocking reads and writes by the guard's own threads.
 *
 * <p>One chunk is read ahead at most: the next asynchronous read (which is what widens the host's
 * SSH window) starts only when the guard has taken the chunk before, so a user who does not read
 * slows the host down instead of filling the gateway's memory. Writes go one at a time, each
 * waited for (MINA allows one write in flight on a stream).
 */
final class RemoteTerminal implements ShellTerminal {
  private static final int CHUNK = 32 * 1024;
  /** Stands for the end of the host's output in the queue (compared by identity). */
  private static final byte[] END = new byte[0];
  private static final byte[] NOTHING = new byte[0];

  private final ClientChannel channel;
  private final BlockingQueue<byte[]> ready = new ArrayBlockingQueue<>(2);
  private byte[] current;
  private int pos;
  private boolean ended;

  RemoteTerminal(ClientChannel channel) {
    this.channel = channel;
  }

  /** Starts reading the host's output; call once, after the channel opened. */
  void start() {
    readNext();
  }

  private void readNext() {
    ByteArrayBuffer buf = new ByteArrayBuffer(CHUNK);
    IoReadFuture read;
    try {
      read = channel.getAsyncOut().read(buf);
    } catch (RuntimeException e) {
      ready.offer(END);
      return;
    }
    read.addListener(f -> {
      int n = f.getException() == null ? f.getRead() : -1;
      if (n < 0) {
        ready.offer(END); // EOFException, or the channel closed: the end either way
      } else {
        ready.offer(n == 0 ? NOTHING : Arrays.copyOfRange(buf.array(), buf.rpos(), buf.rpos() + n));
      }
    });
  }

  @Override
  public int readOutput(byte[] b, int off, int len) throws IOException {
    while (current == null) {
      if (ended) {
        return -1;
      }
      try {
        take(ready.take());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return -1;
      }
    }
    int n = Math.min(len, current.length - pos);
    System.arraycopy(current, pos, b, off, n);
    pos += n;
    if (pos == current.length) {
      current = null;
      readNext();
    }
    return n;
  }

  @Override
  public boolean awaitOutput(int millis) {
    if (current != null || ended) {
      return true;
    }
    try {
      byte[] next = ready.poll(millis, TimeUnit.MILLISECONDS);
      if (next == null) {
        return false;
      }
      take(next);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }

  private void take(byte[] next) {
    if (next == END) {
      ended = true;
    } else if (next.length == 0) {
      readNext();
    } else {
      current = next;
      pos = 0;
    }
  }

  @Override
  public void stopReading() {
    ready.offer(END);
  }

  @Override
  public synchronized void writeInput(byte[] b, int off, int len) throws IOException {
    UserTerminalOutput.awaitWritten(channel.getAsyncIn().writeBuffer(new ByteArrayBuffer(Arrays.copyOfRange(b, off, off + len))),
        "cannot type into the host's terminal");
  }

  @Override
  public void closeInput() throws IOException {
    writeInput(new byte[] {4}, 0, 1);
  }

  @Override
  public void resize(WindowSize size) {
    if (channel instanceof PtyCapableChannelSession p) {
      try {
        p.sendWindowChange(size.columns(), size.rows());
      } catch (IOException e) {
        // The channel is closing: the session is ending anyway.
      }
    }
  }
}
