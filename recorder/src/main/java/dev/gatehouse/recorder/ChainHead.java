package dev.gatehouse.recorder;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A line of the audit chain named by its seq and hash: the last line (the head), or a head the
 * gateway wrote to the system journal. An empty log has seq 0 and 64 zeros.
 */
public record ChainHead(long seq, String hash) {
  static final String GENESIS = "0".repeat(64);

  /** The text the gateway logs (to stderr, the journal under systemd) for each head it records. */
  public static final String JOURNAL_PREFIX = "audit chain head ";

  /**
   * The gateway's own line: the whole message (a line of its own, or after the logger's
   * {@code [INFO] Gateway - }), so that a user-supplied text the gateway logs elsewhere (a user
   * name, say) cannot add a head.
   */
  private static final Pattern IN_JOURNAL = Pattern.compile("(?m)(?:^|\\[INFO\\] Gateway - )"
      + Pattern.quote(JOURNAL_PREFIX) + "seq=([0-9]{1,18}) hash=([0-9a-f]{64})[ \\t]*\\r?$");
  private static final Pattern SEQ_HASH = Pattern.compile("([0-9]{1,18}):([0-9a-f]{64})");

  static ChainHead empty() {
    return new ChainHead(0, GENESIS);
  }

  /** What the gateway writes to the journal: {@code audit chain head seq=N hash=H}. */
  public String journalLine() {
    return JOURNAL_PREFIX + "seq=" + seq + " hash=" + hash;
  }

  /** {@code SEQ:HASH} (as {@code sessions verify --expect-head} takes it). */
  public static ChainHead parse(String seqColonHash) {
    Matcher m = SEQ_HASH.matcher(seqColonHash.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "a chain head is SEQ:HASH (a number, a colon, 64 lowercase hex digits), got '" + seqColonHash + "'");
    }
    return new ChainHead(Long.parseLong(m.group(1)), m.group(2));
  }

  /**
   * Every {@code audit chain head seq=N hash=H} line of the gateway in a text, in order: its log as
   * the journal keeps it ({@code journalctl -u gatehouse}, with or without {@code -o cat}), or those
   * messages alone, one a line.
   */
  public static List<ChainHead> fromJournal(CharSequence text) {
    List<ChainHead> out = new ArrayList<>();
    Matcher m = IN_JOURNAL.matcher(text);
    while (m.find()) {
      out.add(new ChainHead(Long.parseLong(m.group(1)), m.group(2)));
    }
    return out;
  }
}
