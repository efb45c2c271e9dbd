package dev.gatehouse.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.recorder.RunningGateway;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code dataDir/gateway.lock}: held (an exclusive file lock) by the one gateway running on the
 * data directory, for as long as it runs. A second gateway on the same directory is refused: its
 * start-up repair would end the first one's live sessions. {@code sessions verify} probes it to
 * tell a session that a gateway runs from one the index calls active while nothing runs it. The
 * file names the holder's pid and the audit seq of its start-up repair; the lock, which the kernel
 * drops when the process dies, is what counts.
 *
 * <p>Within one JVM the lock file is never opened a second time: closing any descriptor of a file
 * drops the process's locks on it, so holders are also known in memory.
 */
public final class DataDirLock implements AutoCloseable {
  static final String FILE = "gateway.lock";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<Path, RunningGateway> HELD_IN_THIS_JVM = new ConcurrentHashMap<>();
  private static final Set<Path> OPENING = ConcurrentHashMap.newKeySet();

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private DataDirLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock, waiting up to {@code wait} (a {@code sessions verify} probing it holds it for
   * a moment).
   *
   * @throws IOException naming the holder when another gateway runs on the directory
   */
  public static DataDirLock acquire(Path dataDir, Duration wait) throws IOException {
    Path file = dataDir.toAbsolutePath().normalize().resolve(FILE);
    if (HELD_IN_THIS_JVM.containsKey(file) || !OPENING.add(file)) {
      throw new IOException("another gateway is running on data directory " + dataDir + " (in this process)");
    }
    try {
      // Never through a symbolic link: the lock file is truncated and written.
      FileChannel ch = FileChannel.open(file,
          Set.of(StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE,
              java.nio.file.LinkOption.NOFOLLOW_LINKS),
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      long deadline = System.nanoTime() + wait.toNanos();
      while (true) {
        FileLock l = ch.tryLock();
        if (l != null) {
          DataDirLock held = new DataDirLock(file, ch, l);
          HELD_IN_THIS_JVM.put(file, new RunningGateway(ProcessHandle.current().pid(), -1, null));
          return held;
        }
        if (System.nanoTime() > deadline) {
          String holder = describe(read(file));
          ch.close();
          throw new IOException("another gateway is running on data directory " + dataDir + " (" + holder
              + "); one data directory serves one gateway");
        }
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          ch.close();
          throw new IOException("interrupted waiting for " + file, e);
        }
      }
    } finally {
      OPENING.remove(file);
    }
  }

  /** Writes who holds the lock: this process, and the audit seq at which its start-up repair was done. */
  public void record(long startSeq, Instant startedAt) throws IOException {
    RunningGateway me = new RunningGateway(ProcessHandle.current().pid(), startSeq, startedAt);
    byte[] body = (JSON.writeValueAsString(Map.of("pid", me.pid(), "startSeq", startSeq, "startedAt",
        startedAt.toString())) + "\n").getBytes(StandardCharsets.UTF_8);
    channel.truncate(0);
    ByteBuffer bb = ByteBuffer.wrap(body);
    long pos = 0;
    while (bb.hasRemaining()) {
      pos += channel.write(bb, pos);
    }
    channel.force(false);
    HELD_IN_THIS_JVM.put(file, me);
  }

  /**
   * The gateway running on {@code dataDir}, or empty when none holds the lock. What the lock file
   * says of it (pid, start seq) is only as good as the data directory: -1 where it cannot be read.
   */
  public static Optional<RunningGateway> probe(Path dataDir) throws IOException {
    Path file = dataDir.toAbsolutePath().normalize().resolve(FILE);
    RunningGateway here = HELD_IN_THIS_JVM.get(file);
    if (here != null) {
      return Optional.of(here);
    }
    if (OPENING.contains(file)) {
      return Optional.of(new RunningGateway(ProcessHandle.current().pid(), -1, null));
    }
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    boolean held;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      FileLock probe;
      try {
        probe = ch.tryLock(0, Long.MAX_VALUE, true);
      } catch (OverlappingFileLockException e) {
        probe = null;
      }
      held = probe == null;
      if (probe != null) {
        probe.release();
      }
    }
    return held ? Optional.of(read(file)) : Optional.empty();
  }

  private static RunningGateway read(Path file) {
    try {
      JsonNode n = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
      Instant at = n.hasNonNull("startedAt") ? Instant.parse(n.get("startedAt").asText()) : null;
      return new RunningGateway(n.path("pid").asLong(-1), n.path("startSeq").asLong(-1), at);
    } catch (IOException | RuntimeException e) {
      return new RunningGateway(-1, -1, null); // a gateway is starting (nothing written yet), or the file was changed
    }
  }

  private static String describe(RunningGateway g) {
    return g.pid() < 0 ? "its lock file names no process" : "pid " + g.pid();
  }

  @Override
  public void close() {
    HELD_IN_THIS_JVM.remove(file);
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      // The kernel drops the lock when the descriptor closes or the process ends.
    }
  }
}
