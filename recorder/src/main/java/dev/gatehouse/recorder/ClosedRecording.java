package dev.gatehouse.recorder;

import java.nio.file.Path;

/**
 * A recording after {@link AsciicastWriter#close()}: the file, the SHA-256 (lowercase hex) and size
 * of the bytes written to it, and how many raw output bytes went in.
 */
public record ClosedRecording(Path file, String sha256, long fileSize, long outputBytes) {}
