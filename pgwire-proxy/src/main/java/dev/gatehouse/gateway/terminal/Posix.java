package dev.gatehouse.gateway.terminal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;

/**
 * The few libc calls the gateway needs to run a child under a pseudo-terminal or on pipes, with
 * its own session and no inherited descriptors. Direct-mapped (JNA {@code Native.register}) so a
 * read or write costs one native call on the hot path.
 *
 * <p>Why not {@code ProcessBuilder}: it cannot give the child a controlling terminal, and its exit
 * value folds "killed by signal N" into 128+N, which the SSH {@code exit-signal} reply needs apart.
 * Why not pty4j: its window size is applied after the child starts and it needs two threads and a
 * helper binary per session.
 */
final class Posix {
  static {
    Native.register(NativeLibrary.getInstance("c"));
  }

  static final int O_RDWR = 0x2;
  static final int O_NOCTTY = 0x100;
  static final int O_CLOEXEC = 0x80000;
  static final int TIOCSWINSZ = 0x5414;
  /** Later opens of the tty fail with EBUSY for a process without CAP_SYS_ADMIN (set on a slave fd: the slave). */
  static final int TIOCEXCL = 0x540C;
  static final int TIOCNXCL = 0x540D;
  /** On a master fd: the slave's foreground process group / session (in the caller's PID namespace). */
  static final int TIOCGPGRP = 0x540F;
  static final int TIOCGSID = 0x5429;
  static final int ECHO = 0x8;
  /** c_lflag: do not flush queued input on SIGINT (Linux value). */
  static final int NOFLSH = 0x80;
  static final int ICANON = 0x2;
  static final int IEXTEN = 0x8000;
  static final int IXON = 0x400;
  static final int VQUIT = 1;
  static final int VTIME = 5;
  static final int VMIN = 6;
  static final int VSUSP = 10;
  static final int TCSANOW = 0;
  static final int F_SETPIPE_SZ = 1031;
  static final int POSIX_SPAWN_SETSIGDEF = 0x04;
  static final int POSIX_SPAWN_SETSIGMASK = 0x08;
  static final int POSIX_SPAWN_SETSID = 0x80;
  static final int EINTR = 4;
  static final int EAGAIN = 11;
  static final int EIO = 5;
  static final int ECHILD = 10;
  static final int ESRCH = 3;
  static final short POLLIN = 0x1;
  static final short POLLOUT = 0x4;
  static final int SIGHUP = 1;
  static final int SIGKILL = 9;
  static final int SIGTERM = 15;
  static final int SIGCONT = 18;

  private Posix() {}

  static native int posix_openpt(int flags) throws LastErrorException;

  static native int grantpt(int fd) throws LastErrorException;

  static native int unlockpt(int fd) throws LastErrorException;

  static native int ptsname_r(int fd, byte[] buf, long len);

  static native int ioctl(int fd, long request, short[] winsize) throws LastErrorException;

  /** An ioctl with an int argument or result ({@code TIOCGPGRP}, {@code TIOCGSID}; ignored by {@code TIOCEXCL}). */
  static native int ioctl(int fd, long request, IntByReference value) throws LastErrorException;

  static native long read(int fd, Pointer buf, long count) throws LastErrorException;

  static native long write(int fd, Pointer buf, long count) throws LastErrorException;

  static native int close(int fd);

  /** struct termios is 60 bytes on Linux/glibc; c_lflag at offset 12. */
  static native int tcgetattr(int fd, Pointer termios) throws LastErrorException;

  static native int tcsetattr(int fd, int when, Pointer termios) throws LastErrorException;

  static native int fcntl(int fd, int cmd, int arg) throws LastErrorException;

  /** {@code struct pollfd} is 8 bytes: int fd, short events, short revents. */
  static native int poll(Pointer fds, long nfds, int timeoutMillis) throws LastErrorException;

  static native int open(String path, int flags) throws LastErrorException;

  static native int pipe2(int[] fds, int flags) throws LastErrorException;

  static native int kill(int pid, int sig) throws LastErrorException;

  static native int waitpid(int pid, IntByReference status, int options) throws LastErrorException;

  static native int geteuid();

  static native int posix_spawn(
      IntByReference pid, String path, Pointer fileActions, Pointer attr, Pointer argv, Pointer envp);

  static native int posix_spawn_file_actions_init(Pointer fa);

  static native int posix_spawn_file_actions_destroy(Pointer fa);

  static native int posix_spawn_file_actions_addopen(Pointer fa, int fd, String path, int oflag, int mode);

  static native int posix_spawn_file_actions_adddup2(Pointer fa, int fd, int newfd);

  static native int posix_spawn_file_actions_addclose(Pointer fa, int fd);

  /** glibc 2.34+: closes every descriptor from {@code from} up in the child. */
  static native int posix_spawn_file_actions_addclosefrom_np(Pointer fa, int from);

  /** glibc 2.29+. */
  static native int posix_spawn_file_actions_addchdir_np(Pointer fa, String path);

  static native int posix_spawnattr_init(Pointer attr);

  static native int posix_spawnattr_destroy(Pointer attr);

  static native int posix_spawnattr_setflags(Pointer attr, short flags);

  static native int posix_spawnattr_setsigmask(Pointer attr, Pointer sigset);

  static native int posix_spawnattr_setsigdefault(Pointer attr, Pointer sigset);

  static native int sigemptyset(Pointer set);

  static native int sigfillset(Pointer set);

  static native String strerror(int errnum);

  // ---- Unix-domain sockets (the psql proxy's listener, which must learn its peer's pid) ----
  static final int AF_UNIX = 1;
  static final int SOCK_STREAM = 1;
  static final int SOCK_CLOEXEC = 0x80000;
  static final int SOL_SOCKET = 1;
  static final int SO_PEERCRED = 17;
  static final int SHUT_RDWR = 2;
  static final int EINVAL = 22;
  static final int ECONNABORTED = 103;

  static native int socket(int domain, int type, int protocol) throws LastErrorException;

  static native int bind(int fd, Pointer addr, int len) throws LastErrorException;

  static native int listen(int fd, int backlog) throws LastErrorException;

  static native int accept4(int fd, Pointer addr, Pointer len, int flags) throws LastErrorException;

  static native int getsockopt(int fd, int level, int name, Pointer value, IntByReference len)
      throws LastErrorException;

  static native int shutdown(int fd, int how);

  static boolean isRoot() {
    return geteuid() == 0;
  }
}
