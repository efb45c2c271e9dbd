package dev.gatehouse.recorder;

/** A live recording's first {@code size} bytes and their SHA-256 (see {@link AsciicastWriter#checkpoint()}). */
public record RecordingCheckpoint(long size, String sha256) {}
