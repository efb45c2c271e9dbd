package dev.gatehouse.gateway.terminal;

/** Terminal size in character cells; out-of-range values from a client are clamped. */
public record WindowSize(int columns, int rows) {
  public WindowSize {
    columns = clamp(columns, 80);
    rows = clamp(rows, 24);
  }

  private static int clamp(int v, int fallback) {
    if (v <= 0) {
      return fallback;
    }
    return Math.min(v, 4096);
  }
}
