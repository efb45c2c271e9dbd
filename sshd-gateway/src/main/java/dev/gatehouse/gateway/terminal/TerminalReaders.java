package dev.gatehouse.gateway.terminal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
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
 *       foreground ({@code tcsetpgrp}), so it counts as a reader.</li>
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
 * A process whose descriptors the gateway cannot list (no ptrace access to it) is taken to hold
 * the terminal: what cannot be told counts against sending.
 */
public final class TerminalReaders {
  /** SIGTTOU's bit in /proc/PID/status's SigIgn and SigBlk masks (signal 22). */
  private static final long SIGTTOU_BIT = 1L << (22 - 1);

  private TerminalReaders() {}

  /** One line of /proc/PID/stat, the fields this needs. */
  record Proc(long pid, long parent, long group, long session, String name) {}

  /**
   * The first process of the sandbox rooted at {@code sandbox} (its own PID, the outermost
   * process the gateway started) other than {@code shell} and the shell's own ancestors (the
   * sandbox's launchers) that could read the terminal {@code terminal} (the file key of its
   * slave), described for the user ({@code PID 123 (grep): why}); null when there is none.
   * {@code foreground} is the terminal's foreground process group and {@code session} its session,
   * both as the gateway's /proc numbers them.
   */
  public static String otherReader(Path proc, long sandbox, long shell, long foreground, long session, Object terminal)
      throws IOException {
    Map<Long, Proc> all = processes(proc);
    Proc bash = all.get(shell);
    if (bash == null || shell != session) {
      return "the shell is not the terminal's session leader (session " + session + ")";
    }
    if (foreground != bash.group()) {
      Proc owner = all.get(foreground);
      return "process group " + foreground + (owner == null ? "" : " (" + owner.name() + ")")
          + " has the terminal's foreground, not the shell";
    }
    Set<Long> launchers = new HashSet<>();
    for (Proc p = bash; p != null && p.pid() != sandbox; p = all.get(p.parent())) {
      launchers.add(p.parent());
    }
    if (!launchers.contains(sandbox)) {
      return "the shell is not in the session's sandbox";
    }
    Map<Long, java.util.List<Long>> children = new HashMap<>();
    for (Proc p : all.values()) {
      children.computeIfAbsent(p.parent(), k -> new java.util.ArrayList<>()).add(p.pid());
    }
    java.util.ArrayDeque<Long> todo = new java.util.ArrayDeque<>(java.util.List.of(sandbox));
    while (!todo.isEmpty()) {
      long pid = todo.pop();
      todo.addAll(children.getOrDefault(pid, java.util.List.of()));
      if (pid == shell || launchers.contains(pid)) {
        continue;
      }
      Proc p = all.get(pid);
      String why = readerWhy(proc, p, foreground, session, terminal);
      if (why != null) {
        return "PID " + p.pid() + " (" + p.name() + "): " + why;
      }
    }
    return null;
  }

  /** Why {@code p} could read the terminal, or null. */
  private static String readerWhy(Path proc, Proc p, long foreground, long session, Object terminal) throws IOException {
    Boolean holds = holds(proc.resolve(Long.toString(p.pid())).resolve("fd"), terminal);
    if (holds == null || !holds) {
      return null; // ended, or does not hold it: it cannot open it while it is exclusive
    }
    if (p.session() != session) {
      return "holds the terminal from another session (no job control stops its reads)";
    }
    if (p.group() == foreground) {
      return "holds the terminal in the shell's own process group (the foreground: it may read)";
    }
    long[] masks = signalMasks(proc.resolve(Long.toString(p.pid())).resolve("status"));
    if (masks == null || ((masks[0] | masks[1]) & SIGTTOU_BIT) != 0) {
      return "a background job that ignores or blocks SIGTTOU (it may take the terminal's foreground)";
    }
    return null;
  }

  /**
   * Whether a descriptor in {@code fdDir} is the terminal: true when one is, or when the list cannot
   * be read (no ptrace access: cannot be told); null when the process is gone.
   */
  private static Boolean holds(Path fdDir, Object terminal) throws IOException {
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(fdDir)) {
      for (Path fd : fds) {
        try {
          // Follows the link: the key of the open file's inode (devpts instance and node).
          if (terminal.equals(Files.readAttributes(fd, BasicFileAttributes.class).fileKey())) {
            return true;
          }
        } catch (NoSuchFileException e) {
          // closed meanwhile
        } catch (AccessDeniedException e) {
          return true;
        }
      }
      return false;
    } catch (NoSuchFileException e) {
      return null;
    } catch (AccessDeniedException e) {
      return true;
    }
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
    if (f.length < 4) {
      return null;
    }
    try {
      return new Proc(Long.parseLong(stat.substring(0, open).strip()), Long.parseLong(f[1]), Long.parseLong(f[2]),
          Long.parseLong(f[3]), stat.substring(open + 1, close));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
