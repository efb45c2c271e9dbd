package dev.gatehouse.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Recording options. {@code input} records typed keys as asciicast {@code i} events (off by
 * default: passwords typed at a prompt would land in the file). {@code retention} and {@code
 * minFreeDisk} are accepted for the retention capability.
 */
public record RecordingSettings(Boolean input, JsonNode retention, String minFreeDisk) {
  public RecordingSettings {
    input = input != null && input;
  }

  public static RecordingSettings defaults() {
    return new RecordingSettings(false, null, null);
  }
}
