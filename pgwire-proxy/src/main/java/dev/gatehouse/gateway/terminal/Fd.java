package dev.gatehouse.gateway.terminal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import java.io.IOException;

/**
 * A file descriptor owned by the gateway (pty master or pipe end). Reads and writes wait in
 * {@code poll} with a short timeout so that {@link #stop()} ends a blocked call within a quarter
 * second: a background process that keeps the terminal open must not keep a thread forever. Each
 * instance holds its own native buffers so the hot path allocates nothing.
 */
final class Fd implements AutoCloseable {
  private static final int POLL_MILLIS = 250;
  private final int fd;
  private final Memory readBuffer;
  private final Memory writeBuffer;
  private final Memory readPoll = new Memory(8);
  private final Memory writePoll = new Memory(8);
  private volatile boolean stopped;
  private boolean closed;

  Fd(int fd, int bufferSize) {
    this.fd = fd;
    this.readBuffer = new Memory(bufferSize);
    this.writeBuffer = new Memory(bufferSize);
  }

  int number() {
    return fd;
  }

  /** Makes blocked and later reads and writes give up; the descriptor stays open until close. */
  void stop() {
    stopped = true;
  }

  /**
   * Reads up to {@code len} bytes; returns -1 at end of file, after {@link #stop()}, and on EIO,
   * which is how a pty master reports that every slave descriptor is closed.
   */
  int read(byte[] b, int off, int len) throws IOException {
    int n = (int) Math.min(len, readBuffer.size());
    while (!stopped) {
      try {
        if (!ready(readPoll, Posix.POLLIN)) {
          continue;
        }
        long r = Posix.read(fd, readBuffer, n);
        if (r <= 0) {
          return -1;
        }
        // Take whatever else is already waiting (a pty hands out ~4 KiB a read): fewer, larger
        // SSH packets and recording events, and no added latency (poll with timeout 0).
        while (r < n && readyNow(readPoll)) {
          long more;
          try {
            more = Posix.read(fd, readBuffer.share(r), n - r);
          } catch (LastErrorException e) {
            break; // EIO/EAGAIN after data: report the data now, the error on the next call
          }
          if (more <= 0) {
            break;
          }
          r += more;
        }
        readBuffer.read(0, b, off, (int) r);
        return (int) r;
      } catch (LastErrorException e) {
        int code = e.getErrorCode();
        if (code == Posix.EINTR || code == Posix.EAGAIN) {
          continue;
        }
        if (code == Posix.EIO) {
          return -1;
        }
        throw new IOException("read fd " + fd + ": " + Posix.strerror(code), e);
      }
    }
    return -1;
  }

  /** Writes all bytes; waits while the child does not read (that is the backpressure). */
  synchronized void write(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      int chunk = (int) Math.min(len, writeBuffer.size());
      writeBuffer.write(0, b, off, chunk);
      int done = 0;
      while (done < chunk) {
        if (stopped) {
          throw new IOException("the child's input is closed");
        }
        try {
          if (!ready(writePoll, Posix.POLLOUT)) {
            continue;
          }
          done += (int) Posix.write(fd, writeBuffer.share(done), chunk - done);
        } catch (LastErrorException e) {
          int code = e.getErrorCode();
          if (code == Posix.EINTR || code == Posix.EAGAIN) {
            continue;
          }
          throw new IOException("write fd " + fd + ": " + Posix.strerror(code), e);
        }
      }
      off += chunk;
      len -= chunk;
    }
  }

  /**
   * Waits up to {@code millis} for something to read (or end of file, or an error, which the next
   * read reports); false when nothing came. For the output masker's idle flush.
   */
  boolean awaitReadable(int millis) {
    synchronized (readPoll) {
      readPoll.setInt(0, fd);
      readPoll.setShort(4, Posix.POLLIN);
      readPoll.setShort(6, (short) 0);
      try {
        return Posix.poll(readPoll, 1, millis) > 0;
      } catch (LastErrorException e) {
        return true; // EINTR and the like: let the read find out
      }
    }
  }

  private boolean readyNow(Memory pollfd) {
    pollfd.setInt(0, fd);
    pollfd.setShort(4, Posix.POLLIN);
    pollfd.setShort(6, (short) 0);
    return Posix.poll(pollfd, 1, 0) > 0 && (pollfd.getShort(6) & Posix.POLLIN) != 0;
  }

  /** Makes a pipe hold more than the default 64 KiB, so a fast writer needs fewer wake-ups. */
  void growPipe(int bytes) {
    try {
      Posix.fcntl(fd, Posix.F_SETPIPE_SZ, bytes);
    } catch (LastErrorException e) {
      // Over /proc/sys/fs/pipe-max-size: the default size still works.
    }
  }

  /** poll() for one event; true when the descriptor is ready (or in error, which the call reports). */
  private boolean ready(Memory pollfd, short events) {
    pollfd.setInt(0, fd);
    pollfd.setShort(4, events);
    pollfd.setShort(6, (short) 0);
    return Posix.poll(pollfd, 1, POLL_MILLIS) > 0;
  }

  /**
   * Closes the descriptor. Call it only once no thread reads any more (join the reader first):
   * a descriptor number closed under a reader could be reused by another file.
   */
  @Override
  public void close() {
    stopped = true;
    synchronized (this) {
      if (!closed) {
        closed = true;
        Posix.close(fd);
      }
    }
  }
}
