package dev.gatehouse.gateway.config;

import dev.gatehouse.recorder.RetentionPolicy;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Recording options. {@code input} records typed keys as asciicast {@code i} events (off by
 * default: passwords typed at a prompt would land in the file). {@code retention} bounds how long
 * and how much is kept; below {@code minFreeDisk} ("5%" or a size such as "20GiB") on the data
 * disk, new sessions are refused before the disk fills (a full disk would end live ones).
 */
public record RecordingSettings(Boolean input, Retention retention, String minFreeDisk, Duration checkpoint) {
  public static final String DEFAULT_MIN_FREE = "5%";
  /**
   * How often each live recording's size and SHA-256 so far go to the audit log (and the chain head
   * after them to the journal): what a gateway crash can leave unvouched for is at most this much of
   * each live recording.
   */
  public static final Duration DEFAULT_CHECKPOINT = Duration.ofMinutes(1);

  public RecordingSettings {
    input = input != null && input;
    retention = retention == null ? new Retention(null, null) : retention;
    minFreeDisk = minFreeDisk == null ? DEFAULT_MIN_FREE : minFreeDisk.trim();
    freeSpaceRule(minFreeDisk);
    checkpoint = checkpoint == null ? DEFAULT_CHECKPOINT : checkpoint;
    if (checkpoint.compareTo(Duration.ofSeconds(1)) < 0 || checkpoint.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException("recording.checkpoint: " + Durations.format(checkpoint)
          + " must be between 1s and 1h");
    }
  }

  public static RecordingSettings defaults() {
    return new RecordingSettings(false, null, null, null);
  }

  /** {@code recording.retention}: {maxAge: 365d, maxBytes: 500GiB}; both optional. */
  public record Retention(Duration maxAge, String maxBytes) {
    public Retention {
      policy(maxAge, maxBytes);
    }

    public RetentionPolicy policy() {
      return policy(maxAge, maxBytes);
    }

    private static RetentionPolicy policy(Duration maxAge, String maxBytes) {
      Long bytes;
      try {
        bytes = maxBytes == null ? null : Durations.parseSize(maxBytes);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("recording.retention.maxBytes: " + e.getMessage());
      }
      return new RetentionPolicy(maxAge, bytes);
    }
  }

  /** True when the data disk has less free space than {@code minFreeDisk} allows. */
  public boolean diskTooFull(Path dataDir) throws IOException {
    FileStore store = Files.getFileStore(dataDir);
    long usable = store.getUsableSpace();
    long total = store.getTotalSpace();
    long[] rule = freeSpaceRule(minFreeDisk);
    long needed = rule[0] >= 0 ? (long) Math.ceil(total * (rule[0] / 100.0)) : rule[1];
    return usable < needed;
  }

  /** {percent, -1} or {-1, bytes}. */
  private static long[] freeSpaceRule(String text) {
    if (text.endsWith("%")) {
      try {
        long pct = Long.parseLong(text.substring(0, text.length() - 1).trim());
        if (pct < 0 || pct > 99) {
          throw new IllegalArgumentException("recording.minFreeDisk: " + text + " must be 0% to 99%");
        }
        return new long[] {pct, -1};
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("recording.minFreeDisk: '" + text + "' is not a percentage");
      }
    }
    try {
      return new long[] {-1, Durations.parseSize(text)};
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("recording.minFreeDisk: " + e.getMessage() + " (or a percentage like 5%)");
    }
  }
}
