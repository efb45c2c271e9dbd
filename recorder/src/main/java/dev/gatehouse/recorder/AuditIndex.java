package dev.gatehouse.recorder;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The replay page's view of the audit log: the whole chain checked by the same {@link ChainScan}
 * as {@code sessions verify}, and where each session's lines are. A page view does not read the log
 * whole again: the scan is kept, and each look re-hashes the part already scanned (SHA-256 over the
 * bytes, far cheaper than parsing and re-hashing every line) and scans only what was appended. A
 * change anywhere in the part already scanned (an edit, a re-spelling, a cut, a new file) starts
 * the scan over, so a look always answers for every byte of the log as it is now.
 *
 * <p>Kept per audit file in this process, in memory: a few offsets a session.
 */
final class AuditIndex {
  private static final int MAX_FILES = 8;
  private static final Map<Path, AuditIndex> OPEN = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Path, AuditIndex> eldest) {
      return size() > MAX_FILES;
    }
  };

  /** What a look found, for one session. */
  record View(SessionLines session, List<String> chainProblems, List<ChainScan.Rewritten> rewritten) {}

  private final Path file;
  private Object fileKey;
  private long scannedTo;
  private MessageDigest prefix;
  private byte[] prefixHash;
  private ChainScan scan;
  private Map<String, long[]> offsets;

  private AuditIndex(Path file) {
    this.file = file;
    reset(null);
  }

  static AuditIndex of(Path auditFile) throws IOException {
    Path key = auditFile.toAbsolutePath().normalize().toRealPath();
    synchronized (OPEN) {
      return OPEN.computeIfAbsent(key, AuditIndex::new);
    }
  }

  private void reset(Object key) {
    fileKey = key;
    scannedTo = 0;
    prefix = Recordings.newSha256();
    prefixHash = prefix(prefix);
    offsets = new HashMap<>();
    scan = new ChainScan(List.of(), (id, l) -> {
      if (ChainScan.SESSION_EVENTS.contains(l.event())) {
        long[] a = offsets.get(id); // a[0] is the count, the offsets follow
        if (a == null) {
          a = new long[4];
          offsets.put(id, a);
        } else if (a[0] + 1 >= a.length) {
          a = Arrays.copyOf(a, a.length * 2);
          offsets.put(id, a);
        }
        a[(int) ++a[0]] = l.offset();
      }
    });
  }

  /** Brings the scan up to the log as it is now and returns what it says about {@code sessionId}. */
  synchronized View look(String sessionId) throws IOException {
    try (AuditReader r = AuditReader.open(file)) {
      long size = r.completeSize();
      Object key = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
      if (!Objects.equals(key, fileKey) || size < scannedTo || !Arrays.equals(hashOf(r, 0, scannedTo), prefixHash)) {
        reset(key);
      }
      List<String> tail = new ArrayList<>();
      long[] end = {scannedTo};
      r.forEach(scannedTo, size, scan.lines + 1, l -> {
        if (l.offset() + l.length() >= size) {
          tail.add("audit line " + l.number() + " (byte " + l.offset() + "): " + l.problem()); // no newline
        } else {
          scan.line(l);
          end[0] = l.offset() + l.length() + 1;
        }
      });
      feed(r, scannedTo, end[0]);
      scannedTo = end[0];
      prefixHash = prefix(prefix);

      SessionLines lines = new SessionLines();
      long[] at = offsets.get(sessionId);
      for (int k = 1; at != null && k <= at[0]; k++) {
        AuditReader.Line l = r.lineAt(at[k], -1);
        if (l != null && sessionId.equals(l.sessionId())) {
          lines.add(l);
        }
      }
      List<String> problems = new ArrayList<>(scan.problems);
      problems.addAll(tail);
      return new View(lines, problems, List.copyOf(scan.rewritten));
    }
  }

  private void feed(AuditReader r, long from, long to) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(1 << 16);
    for (long pos = from; pos < to; ) {
      buf.clear().limit((int) Math.min(buf.capacity(), to - pos));
      int n = r.channel().read(buf, pos);
      if (n <= 0) {
        throw new IOException("the audit log " + file + " shrank while it was read");
      }
      prefix.update(buf.array(), 0, n);
      pos += n;
    }
  }

  private byte[] hashOf(AuditReader r, long from, long to) throws IOException {
    MessageDigest saved = prefix;
    prefix = Recordings.newSha256();
    try {
      feed(r, from, to);
      return prefix.digest();
    } finally {
      prefix = saved;
    }
  }

  private static byte[] prefix(MessageDigest md) {
    try {
      return ((MessageDigest) md.clone()).digest();
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("this JVM's SHA-256 cannot be cloned", e);
    }
  }
}
