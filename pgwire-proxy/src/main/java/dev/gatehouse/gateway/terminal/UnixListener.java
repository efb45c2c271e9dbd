package dev.gatehouse.gateway.terminal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.ptr.IntByReference;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A listening Unix-domain socket that tells who is on the other end of each connection: the
 * kernel's {@code SO_PEERCRED} (pid, uid, gid of the process that connected). Java's own Unix
 * channels give uid and gid only, and a uid is not enough to tell two sessions apart when both
 * run as the same {@code runAs} user: the pid is, because each session's processes live in
 * their own sandbox under one known ancestor.
 */
public final class UnixListener implements AutoCloseable {
  private static final int BUFFER = 64 * 1024;
  private static final int SUN_PATH_MAX = 107; // sockaddr_un.sun_path is 108 bytes with its NUL

  /** The process that connected, as the kernel recorded it at connect time. */
  public record Peer(long pid, int uid, int gid) {}

  private final int fd;
  private final Path path;
  private volatile boolean closed;

  private UnixListener(int fd, Path path) {
    this.fd = fd;
    this.path = path;
  }

  /** Binds and listens at {@code path}; the file must not exist. */
  public static UnixListener bind(Path path, int backlog) throws IOException {
    byte[] name = path.toString().getBytes(StandardCharsets.UTF_8);
    if (name.length > SUN_PATH_MAX) {
      throw new IOException("socket path too long (" + name.length + " bytes): " + path);
    }
    int fd;
    try {
      fd = Posix.socket(Posix.AF_UNIX, Posix.SOCK_STREAM | Posix.SOCK_CLOEXEC, 0);
    } catch (LastErrorException e) {
      throw new IOException("socket: " + Posix.strerror(e.getErrorCode()), e);
    }
    try {
      Memory addr = new Memory(110);
      addr.clear();
      addr.setShort(0, (short) Posix.AF_UNIX);
      addr.write(2, name, 0, name.length);
      Posix.bind(fd, addr, 2 + name.length + 1);
      Posix.listen(fd, backlog);
      return new UnixListener(fd, path);
    } catch (LastErrorException e) {
      Posix.close(fd);
      throw new IOException("cannot listen on " + path + ": " + Posix.strerror(e.getErrorCode()), e);
    }
  }

  public Path path() {
    return path;
  }

  /** Waits for the next connection; null once {@link #close()} was called. */
  public Connection accept() throws IOException {
    while (true) {
      if (closed) {
        release();
        return null;
      }
      int c;
      try {
        c = Posix.accept4(fd, null, null, Posix.SOCK_CLOEXEC);
      } catch (LastErrorException e) {
        int code = e.getErrorCode();
        if (closed) {
          release();
          return null;
        }
        if (code == Posix.EINTR || code == Posix.ECONNABORTED) {
          continue;
        }
        throw new IOException("accept on " + path + ": " + Posix.strerror(code), e);
      }
      try {
        return new Connection(c, peerOf(c));
      } catch (IOException e) {
        Posix.close(c);
        throw e;
      }
    }
  }

  private static Peer peerOf(int fd) throws IOException {
    Memory cred = new Memory(12); // struct ucred { pid_t pid; uid_t uid; gid_t gid; }
    IntByReference len = new IntByReference(12);
    try {
      Posix.getsockopt(fd, Posix.SOL_SOCKET, Posix.SO_PEERCRED, cred, len);
    } catch (LastErrorException e) {
      throw new IOException("SO_PEERCRED: " + Posix.strerror(e.getErrorCode()), e);
    }
    return new Peer(cred.getInt(0), cred.getInt(4), cred.getInt(8));
  }

  /** Stops listening: a thread blocked in {@link #accept()} returns null. */
  @Override
  public void close() {
    closed = true;
    // shutdown() wakes a thread blocked in accept() (EINVAL); that thread then closes the
    // descriptor, so its number is never reused under a running accept.
    Posix.shutdown(fd, Posix.SHUT_RDWR);
  }

  private synchronized void release() {
    if (!released) {
      released = true;
      Posix.close(fd);
    }
  }

  private boolean released;

  /** One accepted connection: blocking streams over the descriptor, and the peer's credentials. */
  public static final class Connection implements AutoCloseable {
    private final Fd fd;
    private final Peer peer;
    private final InputStream in;
    private final OutputStream out;

    private Connection(int fd, Peer peer) {
      this.fd = new Fd(fd, BUFFER);
      this.peer = peer;
      this.in = new InputStream() {
        @Override
        public int read() throws IOException {
          byte[] one = new byte[1];
          return read(one, 0, 1) <= 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          return len == 0 ? 0 : Connection.this.fd.read(b, off, len);
        }

        @Override
        public void close() {
          shutdown();
        }
      };
      this.out = new OutputStream() {
        @Override
        public void write(int b) throws IOException {
          write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          Connection.this.fd.write(b, off, len);
        }

        @Override
        public void close() {
          shutdown();
        }
      };
    }

    public Peer peer() {
      return peer;
    }

    public InputStream input() {
      return in;
    }

    public OutputStream output() {
      return out;
    }

    /** Ends the connection for both sides now; blocked reads and writes return. */
    public void shutdown() {
      Posix.shutdown(fd.number(), Posix.SHUT_RDWR);
      fd.stop();
    }

    /** Frees the descriptor; call once no thread uses the streams. */
    @Override
    public void close() {
      fd.close();
    }
  }
}
