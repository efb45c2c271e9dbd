package dev.gatehouse.bench.jmh;

import dev.gatehouse.recorder.AuditLog;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The audit log writer's cost per line on the gateway's hot path: every allowed SQL statement is
 * one {@code GH3000I statement-allowed} line, queued and written by one thread with {@link
 * AuditLog#appendAll(List, boolean)} in groups, without an fdatasync (that comes on a timer and is
 * not measured here). One invocation appends a group of 3 lines; the score is per line
 * ({@link OperationsPerInvocation}), so it includes the lock, the write(2) of the group and the
 * file lock shared by the group, divided by 3.
 *
 * <p>{@code fields}: {@code gateway} is the map as the gateway's {@code Audit.fields} builds it,
 * which leaves out null values (no rule, no reason for an allowed statement); {@code nulls} keeps
 * {@code "rule":null,"reason":null} in the line.
 *
 * <p>The file is cut to nothing every {@link #CUT_EVERY} groups (about 1 MB), from another channel
 * as another writer would: it does not grow without bound (40 MB a second at 10 µs a line), and
 * its dirty pages are dropped before the kernel writes them back, which otherwise stalls write(2)
 * for tens of milliseconds now and then on this shared disk and swamps the CPU cost measured here.
 * The cut makes the next group read the (empty) file's head again, once in 1024 groups.
 *
 * <p>The file is in {@code java.io.tmpdir}. On a disk shared with other work even the cut file
 * stalls now and then (the journal); {@code -jvmArgsAppend -Djava.io.tmpdir=/dev/shm} puts it on
 * tmpfs, which leaves the CPU cost: the serialisation, the hash and the system calls (file lock,
 * size, write) of each group.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class AuditAppendBench {
  static final int GROUP = 3;
  static final int CUT_EVERY = 1024;

  @Param({"gateway", "nulls"})
  public String fields;

  private Path dir;
  private Path file;
  private AuditLog log;
  private List<AuditLog.Pending> group;
  private FileChannel cutter;
  private int sinceCut;

  @Setup(Level.Trial)
  public void setup() throws IOException {
    dir = Files.createTempDirectory("audit-bench");
    file = dir.resolve("audit.log");
    String session = UUID.nameUUIDFromBytes("bench".getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString();
    group = new ArrayList<>();
    for (int i = 0; i < GROUP; i++) {
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("sessionId", session);
      f.put("identity", "alice@example.com");
      f.put("target", "prod-db");
      f.put("statement", "SELECT abalance FROM pgbench_accounts WHERE aid = 48213;");
      f.put("verdict", "allow");
      if (fields.equals("nulls")) {
        f.put("rule", null);
        f.put("reason", null);
      }
      f.put("rows", 1L);
      f.put("durationMs", 0L);
      f.put("via", "ssh -L");
      group.add(new AuditLog.Pending("GH3000I", "statement-allowed", f));
    }
  }

  @Setup(Level.Iteration)
  public void openFresh() throws IOException {
    Files.deleteIfExists(file);
    log = AuditLog.open(file);
    cutter = FileChannel.open(file, StandardOpenOption.WRITE);
    sinceCut = 0;
  }

  @TearDown(Level.Iteration)
  public void closeLog() throws IOException {
    cutter.truncate(0); // before the close's fdatasync, which then has nothing to write
    cutter.close();
    log.close();
  }

  @TearDown(Level.Trial)
  public void removeDir() throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  @Benchmark
  @OperationsPerInvocation(GROUP)
  public void appendGroup() throws IOException {
    log.appendAll(group, false);
    if (++sinceCut == CUT_EVERY) {
      cutter.truncate(0);
      sinceCut = 0;
    }
  }
}
