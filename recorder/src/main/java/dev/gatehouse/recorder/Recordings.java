package dev.gatehouse.recorder;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Where recordings live, and what can be done to a recording file after the fact. */
public final class Recordings {
  private static final Logger log = LoggerFactory.getLogger(Recordings.class);
  /** Session ids become file names: nothing that could climb out of the directory. */
  private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  private Recordings() {}

  /**
   * Makes a file that a killed writer left playable again by dropping a trailing partial line (the
   * writer only ever writes whole lines, so a partial line can only be the last one). Never drops a
   * whole line.
   *
   * @throws RecordingHeaderMissingException if not even the header line is complete; the file is
   *     left as it is
   */
  public static RepairResult repair(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long size = ch.size();
      long keep = lastNewline(ch, size) + 1;
      if (keep == 0) {
        throw new RecordingHeaderMissingException(file, size);
      }
      long dropped = size - keep;
      if (dropped > 0) {
        ch.truncate(keep);
        ch.force(true);
        log.info("repaired recording {}: dropped a partial last line of {} bytes", file, dropped);
      }
      return new RepairResult(file, dropped > 0, dropped, sha256(file));
    }
  }

  /** Offset of the last '\n' before {@code size}, or -1. Reads backwards, so big files are cheap. */
  static long lastNewline(FileChannel ch, long size) throws IOException {
    ByteBuffer bb = ByteBuffer.allocate(64 * 1024);
    long end = size;
    while (end > 0) {
      long start = Math.max(0, end - bb.capacity());
      bb.clear().limit((int) (end - start));
      while (bb.hasRemaining()) {
        if (ch.read(bb, start + bb.position()) < 0) {
          throw new IOException(ch + " shrank while being read");
        }
      }
      for (int i = (int) (end - start) - 1; i >= 0; i--) {
        if (bb.get(i) == '\n') {
          return start + i;
        }
      }
      end = start;
    }
    return -1;
  }

  public static String sha256(Path file) throws IOException {
    MessageDigest md = newSha256();
    byte[] b = new byte[128 * 1024];
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(b)) > 0) {
        md.update(b, 0, n);
      }
    }
    return hex(md.digest());
  }

  /** SHA-256 of the file's first {@code size} bytes, or null when the file is shorter. */
  public static String sha256Prefix(Path file, long size) throws IOException {
    MessageDigest md = newSha256();
    byte[] b = new byte[128 * 1024];
    long left = size;
    try (InputStream in = Files.newInputStream(file)) {
      while (left > 0) {
        int n = in.read(b, 0, (int) Math.min(b.length, left));
        if (n < 0) {
          return null;
        }
        md.update(b, 0, n);
        left -= n;
      }
    }
    return hex(md.digest());
  }

  /** {@code dataDir/recordings/YYYY/MM/DD/<sessionId>.cast}, by the UTC date of start. */
  public static Path pathFor(Path dataDir, String sessionId, Instant start) {
    if (!SAFE_ID.matcher(sessionId).matches()) {
      throw new IllegalArgumentException(
          "session id must match " + SAFE_ID + " to be a file name, got '" + sessionId + "'");
    }
    ZonedDateTime d = start.atZone(ZoneOffset.UTC);
    return dataDir
        .resolve("recordings")
        .resolve(String.format("%04d", d.getYear()))
        .resolve(String.format("%02d", d.getMonthValue()))
        .resolve(String.format("%02d", d.getDayOfMonth()))
        .resolve(sessionId + ".cast");
  }

  static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from this JVM", e);
    }
  }

  static String hex(byte[] b) {
    return java.util.HexFormat.of().formatHex(b);
  }
}
