package dev.gatehouse.recorder;

/** The last line of the audit chain: its seq and hash. An empty log has seq 0 and 64 zeros. */
public record ChainHead(long seq, String hash) {
  static final String GENESIS = "0".repeat(64);

  static ChainHead empty() {
    return new ChainHead(0, GENESIS);
  }
}
