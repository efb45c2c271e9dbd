package dev.gatehouse.recorder;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The recording has no complete header line (the writer died before the first line reached the
 * disk), so no repair can make it play. The file is left exactly as found, for forensics.
 */
public final class RecordingHeaderMissingException extends IOException {
  private final transient Path file;
  private final long size;

  RecordingHeaderMissingException(Path file, long size) {
    super(
        "recording "
            + file
            + " has no complete header line ("
            + size
            + " bytes, no newline); left unchanged, it cannot be made playable");
    this.file = file;
    this.size = size;
  }

  public Path file() {
    return file;
  }

  public long size() {
    return size;
  }
}
