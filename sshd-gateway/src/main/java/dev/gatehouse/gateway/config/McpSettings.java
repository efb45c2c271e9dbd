package dev.gatehouse.gateway.config;

/**
 * {@code mcp: {maxOutputBytes: 8MiB}}: the MCP server for agents ({@code ssh mcp@gw}). {@code
 * maxOutputBytes} caps what one tool call returns (a call's own {@code maxBytes} may ask for less;
 * it defaults to 1 MiB), so that an agent cannot make the gateway hold a command's whole output.
 */
public record McpSettings(String maxOutputBytes) {
  /** What a call returns when it names no {@code maxBytes}. */
  public static final long DEFAULT_CALL_BYTES = 1L << 20;

  private static final long DEFAULT_MAX = 8L << 20;
  private static final long CEILING = 1L << 30;

  public McpSettings {
    if (maxOutputBytes != null) {
      long n;
      try {
        n = Durations.parseSize(maxOutputBytes);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("maxOutputBytes: " + e.getMessage());
      }
      if (n < 1024 || n > CEILING) {
        throw new IllegalArgumentException("maxOutputBytes: " + maxOutputBytes + " must be between 1KiB and 1GiB");
      }
    }
  }

  public static McpSettings defaults() {
    return new McpSettings(null);
  }

  /** The cap on one call's output, in bytes. */
  public long maxOutputBytesValue() {
    return maxOutputBytes == null ? DEFAULT_MAX : Durations.parseSize(maxOutputBytes);
  }

  /** The bytes a call returns: what it asked for (default 1 MiB), never more than the cap. */
  public long callBytes(Long requested) {
    long want = requested == null || requested <= 0 ? DEFAULT_CALL_BYTES : requested;
    return Math.min(want, maxOutputBytesValue());
  }
}
