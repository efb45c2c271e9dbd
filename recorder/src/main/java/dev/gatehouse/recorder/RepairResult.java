package dev.gatehouse.recorder;

import java.nio.file.Path;

/**
 * What {@link Recordings#repair(Path)} did: whether the file changed, how many trailing bytes (one
 * partial line) were dropped, and the SHA-256 of the file as it is now.
 */
public record RepairResult(Path file, boolean changed, long bytesDropped, String sha256) {}
