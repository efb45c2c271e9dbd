package dev.gatehouse.recorder;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A recording checked against its session's {@code recording-checkpoint} lines: each says what the
 * file's first {@code size} bytes hashed to while the session ran, so each must still hold, for a
 * finished recording as for a cut or live one. All of them, not the last: lines can be appended to
 * the audit log by whoever can write it, removed only by a rewrite the journal shows. The result
 * names the first checkpoint that fails, or the largest one when all hold.
 */
public record CheckpointCheck(long seq, long size, String sha256, boolean holds, int checked) {

  /** Checks {@code file} (null or absent: every checkpoint fails) against {@code checkpoints}; null when there are none. */
  public static CheckpointCheck of(List<JsonNode> checkpoints, Path file) throws IOException {
    if (checkpoints.isEmpty()) {
      return null;
    }
    List<JsonNode> bySize = new ArrayList<>(checkpoints);
    bySize.sort(Comparator.comparingLong((JsonNode n) -> n.path("size").asLong(-1))
        .thenComparingLong(n -> n.path("seq").asLong()));
    if (file == null || !Files.isRegularFile(file)) {
      return result(bySize.get(0), false, bySize.size());
    }
    MessageDigest md = Recordings.newSha256();
    byte[] b = new byte[128 * 1024];
    long pos = 0;
    try (InputStream in = Files.newInputStream(file)) {
      for (JsonNode cp : bySize) {
        long size = cp.path("size").asLong(-1);
        if (size < 0) {
          return result(cp, false, bySize.size());
        }
        while (pos < size) {
          int n = in.read(b, 0, (int) Math.min(b.length, size - pos));
          if (n < 0) {
            return result(cp, false, bySize.size()); // shorter than it was
          }
          md.update(b, 0, n);
          pos += n;
        }
        String now;
        try {
          now = Recordings.hex(((MessageDigest) md.clone()).digest());
        } catch (CloneNotSupportedException e) {
          throw new IllegalStateException("this JVM's SHA-256 cannot be cloned", e);
        }
        if (!now.equals(cp.path("sha256").asText())) {
          return result(cp, false, bySize.size());
        }
      }
    }
    return result(bySize.get(bySize.size() - 1), true, bySize.size());
  }

  private static CheckpointCheck result(JsonNode cp, boolean holds, int checked) {
    return new CheckpointCheck(cp.path("seq").asLong(-1), cp.path("size").asLong(-1), cp.path("sha256").asText(""),
        holds, checked);
  }
}
