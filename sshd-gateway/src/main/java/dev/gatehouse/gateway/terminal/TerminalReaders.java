package dev.gatehouse.gateway.terminal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Which processes of a sandbox, besides the guarded shell, could read its terminal: read from
 * /proc when the gateway is about to hand the shell a judged text. The kernel's rules it leans on
 * (Linux, n_tty):
 *
 * <ul>
 *   <li>A process whose controlling terminal is this one and that is in a background process group
 *       of the terminal's session cannot read it: {@code read} sends its group SIGTTIN, or fails with
 *       EIO when it ignores or blocks SIGTTIN or its group is orphaned. A background job at the
 *       prompt is such a process. But one that ignores or blocks SIGTTOU may make its own group the
 *       foreground ({@code tcsetpgrp}), so it counts as a reader; an ordinary one ({@code timeout 100
 *       cmd &}: GNU timeout ignores SIGTTOU), so it only holds the line back ({@link Reader#job}).</li>
 *   <li>A process in the terminal's foreground process group reads it freely. At bash's prompt that
 *       group is bash's own, and a process left in it (the background child of a command
 *       substitution, which is no job) is a second reader.</li>
 *   <li>A process of another session (after {@code setsid}) that holds the terminal open has no job
 *       control on it at all: a reader.</li>
 *   <li>A process that does not hold the terminal cannot get it while it is exclusive ({@code
 *       TIOCEXCL}): every open, {@code /dev/tty} and {@code /proc/PID/fd/N} included, fails with EBUSY
 *       without CAP_SYS_ADMIN, which nothing in the sandbox has.</li>
 * </ul>
 *
 * A process holds the terminal when a descriptor of any of its threads is the slave's character
 * device ({@code st_rdev}, whichever node it was opened by) or {@code /dev/tty} (5, 0: which
 * terminal that is cannot be read from /proc, so it always counts). A process whose descriptors
 * the gateway cannot list (no ptrace access to it) is taken to hold the terminal: what cannot be
 * told counts against sending.
 */
public final class TerminalReaders {
  /** SIGTTOU's bit in /proc/PID/status's SigIgn and SigBlk masks (signal 22). */
  private static final long SIGTTOU_BIT = 1L << (22 - 1);
  /** At most this many threads of one process are looked at; a process with more counts as holding the terminal. */
  static final int MAX_TASKS = 512;
  /** /dev/tty's device (5, 0): a descriptor opened by it is the terminal of its opener's session, whichever that was. */
  private static final long[] DEV_TTY = {5, 0};

  private TerminalReaders() {}

  /** One line of /proc/PID/stat, the fields this needs ({@code tty} is tty_nr, the controlling terminal's device). */
  record Proc(long pid, long parent, long group, long session, long tty, String name) {}

  /**
   * A process other than the shell that could read the terminal: {@code why} for the user ({@code
   * PID 123 (grep): why}); {@code job} when it is a background job of the shell's (its own process
   * group, in the terminal's session) that could only read after making itself the foreground (it
   * ignores or blocks SIGTTOU): the line waits until it ends, the session goes on. Every other
   * reader (in the foreground group, of another session, or one that cannot be told) is deliberate.
   */
  public record Reader(String why, boolean job) {}

  /**
   * The reader of the terminal {@code terminal} (the character device, {@code st_rdev}, of its
   * slave) among the processes of the sandbox rooted at {@code sandbox} (its own PID, the outermost
   * process the gateway started) other than {@code shell} and the shell's own ancestors (the
   * sandbox's launchers); null when there is none. A reader that is no {@link Reader#job} is
   * preferred over a job. {@code foreground} is the terminal's foreground process group and
   * {@code session} its session, both as the gateway's /proc numbers them.
   */
  public static Reader otherReader(Path proc, long sandbox, long shell, long foreground, long session, long terminal)
      throws IOException {
    Map<Long, Proc> all = processes(proc);
    Proc bash = all.get(shell);
    if (bash == null || shell != session) {
      return new Reader("the shell is not the terminal's session leader (session " + session + ")", false);
    }
    if (foreground != bash.group()) {
      Proc owner = all.get(foreground);
      return new Reader("process group " + foreground + (owner == null ? "" : " (" + owner.name() + ")")
          + " has the terminal's foreground, not the shell", false);
    }
    Set<Long> launchers = new HashSet<>();
    for (Proc p = bash; p != null && p.pid() != sandbox; p = all.get(p.parent())) {
      launchers.add(p.parent());
    }
    if (!launchers.contains(sandbox)) {
      return new Reader("the shell is not in the session's sandbox", false);
    }
    Map<Long, java.util.List<Long>> children = new HashMap<>();
    for (Proc p : all.values()) {
      children.computeIfAbsent(p.parent(), k -> new java.util.ArrayList<>()).add(p.pid());
    }
    Reader job = null;
    java.util.ArrayDeque<Long> todo = new java.util.ArrayDeque<>(java.util.List.of(sandbox));
    while (!todo.isEmpty()) {
      long pid = todo.pop();
      todo.addAll(children.getOrDefault(pid, java.util.List.of()));
      if (pid == shell || launchers.contains(pid)) {
        continue;
      }
      Proc p = all.get(pid);
      Reader r = readerWhy(proc, p, foreground, session, terminal);
      if (r != null && !r.job()) {
        return r;
      }
      if (r != null && job == null) {
        job = r;
      }
    }
    return job;
  }

  /** Whether {@code p} could read the terminal, and why; null when it cannot. */
  private static Reader readerWhy(Path proc, Proc p, long foreground, long session, long terminal) throws IOException {
    Path dir = proc.resolve(Long.toString(p.pid()));
    boolean job = false;
    String why;
    if (p.session() != session) {
      why = " from another session (no job control stops its reads)";
    } else if (p.group() == foreground) {
      why = " in the shell's own process group (the foreground: it may read)";
    } else {
      long[] masks = signalMasks(dir.resolve("status"));
      if (masks != null && ((masks[0] | masks[1]) & SIGTTOU_BIT) == 0) {
        return null; // a background job: its read stops it (SIGTTIN) or fails
      }
      why = ": a background job that ignores or blocks SIGTTOU (it may take the terminal's foreground)";
      job = masks != null;
    }
    String holds = holds(dir, p, terminal);
    if (holds == null) {
      return null; // ended, or does not hold it: it cannot open it while it is exclusive
    }
    return new Reader("PID " + p.pid() + " (" + p.name() + "): " + holds + why, job);
  }

  /**
   * How the process {@code p} (its /proc directory {@code dir}) holds the terminal ({@code "holds
   * the terminal"}, {@code "holds /dev/tty …"}, {@code "… cannot be listed"}), or null when it does
   * not, or has ended. Every thread's descriptor table is looked at ({@code task/TID/fd}: once the
   * thread-group leader has exited, {@code fd} is empty while the other threads keep theirs); a list
   * that cannot be read (no ptrace access), or more than {@link #MAX_TASKS} threads, cannot be told
   * and counts as holding.
   */
  private static String holds(Path dir, Proc p, long terminal) throws IOException {
    java.util.List<Path> tasks = new java.util.ArrayList<>();
    try (DirectoryStream<Path> ts = Files.newDirectoryStream(dir.resolve("task"))) {
      for (Path t : ts) {
        if (tasks.size() == MAX_TASKS) {
          return "holds the terminal, or cannot be told (more than " + MAX_TASKS + " threads)";
        }
        tasks.add(t);
      }
    } catch (NoSuchFileException e) {
      return null;
    } catch (AccessDeniedException e) {
      return "holds the terminal, or cannot be told (its threads cannot be listed)";
    }
    boolean devTty = false;
    for (Path t : tasks) {
      try (DirectoryStream<Path> fds = Files.newDirectoryStream(t.resolve("fd"))) {
        for (Path fd : fds) {
          try {
            // Follows the link: the open file's device. A pty slave is its own device; /dev/tty
            // (5, 0) is whichever terminal was the opener's controlling terminal then.
            long rdev = ((Number) Files.getAttribute(fd, "unix:rdev")).longValue();
            if (rdev == terminal) {
              return "holds the terminal";
            }
            devTty |= same(rdev, DEV_TTY);
          } catch (NoSuchFileException e) {
            // closed meanwhile
          } catch (AccessDeniedException e) {
            return "holds the terminal, or cannot be told (its descriptors cannot be read)";
          }
        }
      } catch (NoSuchFileException e) {
        // the thread ended
      } catch (AccessDeniedException e) {
        return "holds the terminal, or cannot be told (its descriptors cannot be listed)";
      }
    }
    if (!devTty) {
      return null;
    }
    // Which terminal a /dev/tty descriptor is cannot be read from /proc: the process's controlling
    // terminal now is the best guess, and any other is not proof (it may have changed since).
    return p.tty() != 0 && same(p.tty(), major(terminal), minor(terminal)) ? "holds the terminal as /dev/tty"
        : "holds /dev/tty, which cannot be told from the terminal";
  }

  private static boolean same(long dev, long[] majorMinor) {
    return major(dev) == majorMinor[0] && minor(dev) == majorMinor[1];
  }

  /** Whether /proc's tty_nr {@code ttyNr} is the device {@code major}:{@code minor}. */
  private static boolean same(long ttyNr, long major, long minor) {
    return ((ttyNr >> 8) & 0xfff) == major && ((ttyNr & 0xff) | ((ttyNr >> 12) & 0xfff00)) == minor;
  }

  /** glibc's {@code major} of a {@code dev_t}. */
  static long major(long dev) {
    return ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL);
  }

  /** glibc's {@code minor} of a {@code dev_t}. */
  static long minor(long dev) {
    return (dev & 0xff) | ((dev >>> 12) & ~0xffL & 0xffffffffL);
  }

  /** SigIgn and SigBlk of a /proc/PID/status, or null when they cannot be read. */
  private static long[] signalMasks(Path status) {
    long[] m = {-1, -1};
    try {
      for (String line : Files.readAllLines(status, StandardCharsets.ISO_8859_1)) {
        if (line.startsWith("SigIgn:")) {
          m[0] = Long.parseUnsignedLong(line.substring(7).strip(), 16);
        } else if (line.startsWith("SigBlk:")) {
          m[1] = Long.parseUnsignedLong(line.substring(7).strip(), 16);
        }
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
    return m[0] == -1 || m[1] == -1 ? null : m;
  }

  /** Every process /proc shows, by PID. */
  static Map<Long, Proc> processes(Path proc) throws IOException {
    Map<Long, Proc> all = new HashMap<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(proc, e -> e.getFileName().toString().matches("[0-9]+"))) {
      for (Path d : dirs) {
        try {
          Proc p = parseStat(Files.readString(d.resolve("stat"), StandardCharsets.ISO_8859_1));
          if (p != null) {
            all.put(p.pid(), p);
          }
        } catch (IOException e) {
          // ended meanwhile
        }
      }
    }
    return all;
  }

  /** {@code pid (name) state ppid pgrp session …}; the name may hold spaces and parentheses. */
  static Proc parseStat(String stat) {
    int open = stat.indexOf('(');
    int close = stat.lastIndexOf(')');
    if (open < 0 || close < open) {
      return null;
    }
    String[] f = stat.substring(close + 2).split(" ");
    if (f.length < 5) {
      return null;
    }
    try {
      return new Proc(Long.parseLong(stat.substring(0, open).strip()), Long.parseLong(f[1]), Long.parseLong(f[2]),
          Long.parseLong(f[3]), Long.parseLong(f[4]), stat.substring(open + 1, close));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
