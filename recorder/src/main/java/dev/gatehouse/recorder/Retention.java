package dev.gatehouse.recorder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Applies a {@link RetentionPolicy}: deletes finished sessions' recordings (and their index rows)
 * that are too old, then the oldest while the total is over the size limit. Active sessions are
 * never touched. Each removal is an audit line (the caller's {@link Pruned} hook), so `sessions
 * verify` and an auditor can tell a pruned recording from a deleted one.
 */
public final class Retention {
  /** One removed session and the file's size and hash as they were. */
  public record PrunedSession(SessionRecord session, long fileBytes, String why) {}

  @FunctionalInterface
  public interface Pruned {
    void removed(PrunedSession p) throws IOException;
  }

  private Retention() {}

  /**
   * @param dryRun list what would go, change nothing
   */
  public static List<PrunedSession> apply(
      Path dataDir, SessionIndex index, RetentionPolicy policy, Instant now, boolean dryRun, Pruned hook)
      throws IOException {
    List<PrunedSession> out = new ArrayList<>();
    if (!policy.limitsAnything()) {
      return out;
    }
    List<SessionRecord> finished = index.finishedOldestFirst();
    long total = 0;
    long[] sizes = new long[finished.size()];
    for (int i = 0; i < finished.size(); i++) {
      sizes[i] = size(dataDir.resolve(finished.get(i).path()));
      total += sizes[i];
    }
    Instant cutoff = policy.maxAge() == null ? null : now.minus(policy.maxAge());
    for (int i = 0; i < finished.size(); i++) {
      SessionRecord s = finished.get(i);
      String why = null;
      if (cutoff != null && s.start().isBefore(cutoff)) {
        why = "max-age";
      } else if (policy.maxBytes() != null && total > policy.maxBytes()) {
        why = "max-bytes";
      }
      if (why == null) {
        continue;
      }
      PrunedSession p = new PrunedSession(s, sizes[i], why);
      if (!dryRun) {
        // Audit first: if the line cannot be written, nothing is deleted.
        hook.removed(p);
        Files.deleteIfExists(dataDir.resolve(s.path()));
        index.delete(s.id());
      }
      total -= sizes[i];
      out.add(p);
    }
    return out;
  }

  private static long size(Path file) throws IOException {
    try {
      return Files.size(file);
    } catch (NoSuchFileException e) {
      return 0;
    }
  }
}
