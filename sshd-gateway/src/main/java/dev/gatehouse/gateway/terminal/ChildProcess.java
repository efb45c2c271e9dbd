package dev.gatehouse.gateway.terminal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.StringArray;
import com.sun.jna.ptr.IntByReference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import dev.gatehouse.gateway.sandbox.Sandbox;

/**
 * A program the gateway runs for a session: either under a fresh pseudo-terminal (interactive, or
 * exec with a PTY) or on three pipes (exec without a PTY, so stdout is clean: no CR, no echo).
 *
 * <p>The child is started with {@code posix_spawn}: in a new session ({@code setsid}), with the
 * terminal as its controlling tty, every descriptor above 2 closed (the gateway's keys, database
 * and recordings stay out of reach), default signal dispositions, an empty signal mask, working
 * directory {@code /}, and exactly the environment given. The command line comes from the
 * {@link dev.gatehouse.gateway.sandbox.Sandbox} (user switch and bubblewrap in front of the target
 * program).
 *
 * <p>Every child is spawned from one long-lived thread: bubblewrap ties its sandbox to its parent
 * with {@code PR_SET_PDEATHSIG}, which Linux fires when the parent THREAD ends, and a pool thread
 * that ends after idling would otherwise kill the sandboxes it started.
 */
public final class ChildProcess {
  private static final int BUFFER = 256 * 1024;
  private static final int PIPE_SIZE = 1024 * 1024;
  private static final ExecutorService SPAWNER = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "gh-spawn");
    t.setDaemon(true);
    return t;
  });

  private final int pid;
  private final Fd output;
  private final Fd error; // null under a pty: stderr shares the terminal
  private final Fd input; // the same descriptor as output under a pty
  private final int ptySlave; // held open by us until the child ends, so no output is lost to EIO
  private volatile ExitStatus exit;

  private ChildProcess(int pid, Fd output, Fd error, Fd input, int ptySlave) {
    this.pid = pid;
    this.output = output;
    this.error = error;
    this.input = input;
    this.ptySlave = ptySlave;
  }

  /** Starts argv under a new pseudo-terminal of the given size (set before the child runs). */
  public static ChildProcess startWithPty(
      Sandbox.Launch launch, Map<String, String> env, WindowSize size) throws IOException {
    int master = -1;
    int slave = -1;
    try {
      master = Posix.posix_openpt(Posix.O_RDWR | Posix.O_NOCTTY | Posix.O_CLOEXEC);
      Posix.grantpt(master);
      Posix.unlockpt(master);
      byte[] name = new byte[128];
      int rc = Posix.ptsname_r(master, name, name.length);
      if (rc != 0) {
        throw new IOException("ptsname: " + Posix.strerror(rc));
      }
      String slavePath = cString(name);
      Posix.ioctl(master, Posix.TIOCSWINSZ, winsize(size));
      slave = Posix.open(slavePath, Posix.O_RDWR | Posix.O_NOCTTY | Posix.O_CLOEXEC);
      String path = slavePath;
      int pid =
          spawn(
              launch,
              env,
              fa -> {
                // Opened without becoming the spawned process's controlling tty: the program in the
                // sandbox takes it as its own (setsid --ctty), see Sandbox.
                check(Posix.posix_spawn_file_actions_addopen(fa, 0, path, Posix.O_RDWR | Posix.O_NOCTTY, 0),
                    "addopen");
                check(Posix.posix_spawn_file_actions_adddup2(fa, 0, 1), "adddup2");
                check(Posix.posix_spawn_file_actions_adddup2(fa, 0, 2), "adddup2");
              });
      Fd m = new Fd(master, BUFFER);
      return new ChildProcess(pid, m, null, m, slave);
    } catch (LastErrorException e) {
      closeQuietly(master);
      closeQuietly(slave);
      throw new IOException("cannot open a pseudo-terminal: " + Posix.strerror(e.getErrorCode()), e);
    } catch (IOException | RuntimeException e) {
      closeQuietly(master);
      closeQuietly(slave);
      throw e;
    }
  }

  /** Starts argv on pipes: stdin, stdout and stderr stay apart. */
  public static ChildProcess startWithPipes(Sandbox.Launch launch, Map<String, String> env) throws IOException {
    int[] in = {-1, -1};
    int[] out = {-1, -1};
    int[] err = {-1, -1};
    try {
      Posix.pipe2(in, Posix.O_CLOEXEC);
      Posix.pipe2(out, Posix.O_CLOEXEC);
      Posix.pipe2(err, Posix.O_CLOEXEC);
      int pid =
          spawn(
              launch,
              env,
              fa -> {
                check(Posix.posix_spawn_file_actions_adddup2(fa, in[0], 0), "adddup2");
                check(Posix.posix_spawn_file_actions_adddup2(fa, out[1], 1), "adddup2");
                check(Posix.posix_spawn_file_actions_adddup2(fa, err[1], 2), "adddup2");
              });
      Posix.close(in[0]);
      Posix.close(out[1]);
      Posix.close(err[1]);
      Fd stdout = new Fd(out[0], BUFFER);
      stdout.growPipe(PIPE_SIZE);
      return new ChildProcess(pid, stdout, new Fd(err[0], BUFFER), new Fd(in[1], BUFFER), -1);
    } catch (LastErrorException e) {
      for (int fd : new int[] {in[0], in[1], out[0], out[1], err[0], err[1]}) {
        closeQuietly(fd);
      }
      throw new IOException("cannot make pipes: " + Posix.strerror(e.getErrorCode()), e);
    } catch (IOException | RuntimeException e) {
      for (int fd : new int[] {in[0], in[1], out[0], out[1], err[0], err[1]}) {
        closeQuietly(fd);
      }
      throw e;
    }
  }

  public int pid() {
    return pid;
  }

  public boolean hasPty() {
    return error == null;
  }

  /** Reads the child's stdout (or the terminal); -1 when it is closed or the process was stopped. */
  public int readOutput(byte[] b, int off, int len) throws IOException {
    return output.read(b, off, len);
  }

  /**
   * Waits up to {@code millis} for the child's stdout (or, with {@code stdout} false, its stderr)
   * to have something to read; false when it stayed quiet.
   */
  public boolean awaitOutput(boolean stdout, int millis) {
    return (stdout ? output : error).awaitReadable(millis);
  }

  /** Reads the child's stderr; only without a pty. */
  public int readError(byte[] b, int off, int len) throws IOException {
    if (error == null) {
      throw new IllegalStateException("under a pty stderr is the terminal");
    }
    return error.read(b, off, len);
  }

  public void writeInput(byte[] b, int off, int len) throws IOException {
    input.write(b, off, len);
  }

  /**
   * The client sent EOF. On pipes the child's stdin is closed; on a terminal the EOF character
   * (Ctrl-D) is typed, which is what a terminal user would do.
   */
  public void closeInput() throws IOException {
    if (hasPty()) {
      input.write(new byte[] {4}, 0, 1);
    } else {
      input.close();
    }
  }

  /**
   * Sets the terminal up for a program whose input line editing the gateway does itself (psql
   * behind the gateway's line editor): the kernel must hand over each line exactly as the gateway
   * judged it. So no canonical mode (its erase and kill characters would edit the line after the
   * guard read it, and its 4095-byte line buffer would cut a longer one), no extended input
   * processing (Ctrl-V), no echo (typed lines would show twice), no flow control, and of the
   * signal characters only Ctrl-C. NOFLSH: a Ctrl-C must not throw away the lines already queued
   * behind the running statement (the console's sync marker among them).
   */
  public void forLineEditor() throws IOException {
    if (!hasPty()) {
      return;
    }
    Memory termios = new Memory(64);
    try {
      Posix.tcgetattr(output.number(), termios);
      termios.setInt(0, termios.getInt(0) & ~Posix.IXON);
      termios.setInt(12, (termios.getInt(12) & ~(Posix.ECHO | Posix.ICANON | Posix.IEXTEN)) | Posix.NOFLSH);
      termios.setByte(CC + Posix.VQUIT, (byte) 0); // 0 is _POSIX_VDISABLE on Linux
      termios.setByte(CC + Posix.VSUSP, (byte) 0);
      termios.setByte(CC + Posix.VMIN, (byte) 1);
      termios.setByte(CC + Posix.VTIME, (byte) 0);
      Posix.tcsetattr(output.number(), Posix.TCSANOW, termios);
    } catch (LastErrorException e) {
      throw new IOException("cannot set terminal modes: " + Posix.strerror(e.getErrorCode()), e);
    }
  }

  /**
   * Keeps the terminal to the program the gateway started as the terminal's session leader (the
   * guarded bash) while it reads what the gateway is about to write: makes the slave exclusive
   * ({@code TIOCEXCL} on the gateway's own slave descriptor; from then on no process of the sandbox
   * can open it, {@code /dev/tty} included), then looks through the sandbox's processes for one
   * that already holds it and could read it ({@link TerminalReaders}). Returns null when only the
   * shell can read it (it stays exclusive until {@link #releaseTerminal}); else the other reader
   * (why not), the exclusive mode turned off again.
   */
  public synchronized TerminalReaders.Reader holdTerminalForShell() {
    if (!hasPty() || slaveClosed) {
      return new TerminalReaders.Reader("the session has no terminal", false);
    }
    try {
      Posix.ioctl(ptySlave, Posix.TIOCEXCL, new IntByReference());
    } catch (LastErrorException e) {
      return new TerminalReaders.Reader("the terminal cannot be made exclusive (" + Posix.strerror(e.getErrorCode()) + ")",
          false);
    }
    TerminalReaders.Reader why;
    try {
      IntByReference group = new IntByReference();
      IntByReference session = new IntByReference();
      Posix.ioctl(output.number(), Posix.TIOCGPGRP, group);
      Posix.ioctl(output.number(), Posix.TIOCGSID, session);
      // The slave's character device: a descriptor opened by any node of it (/dev/pts/N, bwrap's
      // /dev/console, /proc/PID/fd/N) has it; /dev/tty (5, 0) is looked at apart.
      Object rdev = java.nio.file.Files.getAttribute(java.nio.file.Path.of("/proc/self/fd/" + ptySlave), "unix:rdev");
      why = !(rdev instanceof Number n) || n.longValue() == 0
          ? new TerminalReaders.Reader("the terminal cannot be told apart from other files", false)
          : TerminalReaders.otherReader(java.nio.file.Path.of("/proc"), pid, session.getValue(), group.getValue(),
              session.getValue(), n.longValue());
    } catch (LastErrorException e) {
      why = new TerminalReaders.Reader(
          "the terminal's process groups cannot be read (" + Posix.strerror(e.getErrorCode()) + ")", false);
    } catch (IOException | RuntimeException e) {
      why = new TerminalReaders.Reader("the session's processes cannot be read (" + e.getMessage() + ")", false);
    }
    if (why != null) {
      releaseTerminal();
    }
    return why;
  }

  /** Ends {@link #holdTerminalForShell}: the terminal can be opened again ({@code less}, {@code sudo}, {@code ssh} open /dev/tty). */
  public synchronized void releaseTerminal() {
    if (hasPty() && !slaveClosed) {
      try {
        Posix.ioctl(ptySlave, Posix.TIOCNXCL, new IntByReference());
      } catch (LastErrorException e) {
        // the terminal is gone: the session is ending
      }
    }
  }

  /** Offset of c_cc in Linux's struct termios (after four flag words and c_line). */
  private static final int CC = 17;

  public void resize(WindowSize size) {
    if (hasPty()) {
      try {
        Posix.ioctl(output.number(), Posix.TIOCSWINSZ, winsize(size));
      } catch (LastErrorException e) {
        // The terminal is already gone: the session is ending anyway.
      }
    }
  }

  /** Sends a signal to the child's whole process group (it is a session leader). */
  public void signal(int sig) {
    try {
      Posix.kill(-pid, sig);
    } catch (LastErrorException e) {
      // ESRCH: already gone.
    }
  }

  /**
   * SIGHUP and SIGTERM to the group, then SIGCONT: a process of the sandbox may have stopped the
   * whole group (its outer bubblewrap included, {@code kill -STOP 0}), and a stopped process
   * acts on neither until it is continued.
   */
  public void hangUp() {
    signal(Posix.SIGHUP);
    signal(Posix.SIGTERM);
    signal(Posix.SIGCONT);
  }

  public void kill() {
    signal(Posix.SIGKILL);
  }

  /** Blocks until the child ends; then closes our copy of the terminal so readers see EOF. */
  public ExitStatus waitFor() throws InterruptedException {
    if (exit != null) {
      return exit;
    }
    IntByReference status = new IntByReference();
    while (true) {
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
      try {
        Posix.waitpid(pid, status, 0);
        break;
      } catch (LastErrorException e) {
        if (e.getErrorCode() == Posix.EINTR) {
          continue;
        }
        // ECHILD: reaped elsewhere; report it as a plain failure rather than hang.
        exit = new ExitStatus(255, null, false);
        closeSlave();
        return exit;
      }
    }
    exit = ExitStatus.fromSandbox(ExitStatus.fromWaitStatus(status.getValue()));
    closeSlave();
    return exit;
  }

  /** After the output readers are done: stop readers that are still waiting and free descriptors. */
  public void stopReading() {
    output.stop();
    if (error != null) {
      error.stop();
    }
  }

  public void closeDescriptors() {
    output.close();
    if (error != null) {
      error.close();
      input.close();
    }
    closeSlave();
  }

  private boolean slaveClosed;

  /**
   * Once only: {@link #waitFor} and {@link #closeDescriptors} both close it, and a second close
   * would hit whatever file the gateway opened under the same number meanwhile.
   */
  private synchronized void closeSlave() {
    if (!slaveClosed) {
      slaveClosed = true;
      closeQuietly(ptySlave);
    }
  }

  private interface FileActions {
    void add(com.sun.jna.Pointer fa) throws IOException;
  }

  private static int spawn(Sandbox.Launch launch, Map<String, String> env, FileActions stdio) throws IOException {
    List<String> argv = launch.argv();
    try {
      return SPAWNER.submit(() -> spawnHere(argv, launch.fd3(), env, stdio)).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while starting " + argv.get(0), e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IOException("cannot start " + argv.get(0), e.getCause());
    }
  }

  /**
   * {@code fd3}: bytes the child reads on descriptor 3 (through a pipe filled and closed before it
   * starts; the sandbox's seccomp filter), or null.
   */
  private static int spawnHere(List<String> argv, byte[] fd3, Map<String, String> env, FileActions stdio)
      throws IOException {
    int[] pipe = {-1, -1};
    Memory fa = new Memory(512);
    Memory attr = new Memory(512);
    Memory emptySet = new Memory(128);
    Memory fullSet = new Memory(128);
    fa.clear();
    attr.clear();
    check(Posix.posix_spawn_file_actions_init(fa), "file_actions_init");
    check(Posix.posix_spawnattr_init(attr), "spawnattr_init");
    try {
      stdio.add(fa);
      if (fd3 != null) {
        Posix.pipe2(pipe, Posix.O_CLOEXEC);
        Memory m = new Memory(fd3.length);
        m.write(0, fd3, 0, fd3.length);
        if (Posix.write(pipe[1], m, fd3.length) != fd3.length) { // well under a pipe's buffer: one write
          throw new IOException("cannot hand the child its descriptor 3");
        }
        Posix.close(pipe[1]);
        pipe[1] = -1;
        check(Posix.posix_spawn_file_actions_adddup2(fa, pipe[0], 3), "adddup2");
      }
      check(Posix.posix_spawn_file_actions_addclosefrom_np(fa, fd3 != null ? 4 : 3), "addclosefrom_np");
      check(Posix.posix_spawn_file_actions_addchdir_np(fa, "/"), "addchdir_np");
      Posix.sigemptyset(emptySet);
      Posix.sigfillset(fullSet);
      check(Posix.posix_spawnattr_setsigmask(attr, emptySet), "setsigmask");
      check(Posix.posix_spawnattr_setsigdefault(attr, fullSet), "setsigdefault");
      check(
          Posix.posix_spawnattr_setflags(
              attr,
              (short) (Posix.POSIX_SPAWN_SETSID | Posix.POSIX_SPAWN_SETSIGMASK | Posix.POSIX_SPAWN_SETSIGDEF)),
          "setflags");
      String[] envp = env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toArray(String[]::new);
      IntByReference pid = new IntByReference();
      int rc =
          Posix.posix_spawn(
              pid,
              argv.get(0),
              fa,
              attr,
              new StringArray(argv.toArray(String[]::new), StandardCharsets.UTF_8.name()),
              new StringArray(envp, StandardCharsets.UTF_8.name()));
      if (rc != 0) {
        throw new IOException("cannot start " + argv.get(0) + ": " + Posix.strerror(rc));
      }
      return pid.getValue();
    } finally {
      Posix.posix_spawn_file_actions_destroy(fa);
      Posix.posix_spawnattr_destroy(attr);
      for (int fd : pipe) {
        if (fd >= 0) {
          Posix.close(fd);
        }
      }
    }
  }

  private static void check(int rc, String what) throws IOException {
    if (rc != 0) {
      throw new IOException("posix_spawn " + what + ": " + Posix.strerror(rc));
    }
  }

  private static short[] winsize(WindowSize size) {
    return new short[] {(short) size.rows(), (short) size.columns(), 0, 0};
  }

  private static String cString(byte[] b) {
    int n = 0;
    while (n < b.length && b[n] != 0) {
      n++;
    }
    return new String(b, 0, n, StandardCharsets.UTF_8);
  }

  private static void closeQuietly(int fd) {
    if (fd >= 0) {
      Posix.close(fd);
    }
  }
}
