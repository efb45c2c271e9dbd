package dev.gatehouse.recorder;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code gatehouse sessions verify} and the replay page's integrity status.
 *
 * <p>What vouches for a recording: the SHA-256 in its session's <em>first</em> session-end (or
 * session-interrupted) audit line, a line of the hash chain. A session ends once, so a second end
 * line was added by someone else, and the index (which anyone who can write the data directory can
 * change) never overrides the chain: a row that says {@code active} for a session the chain has
 * ended is a problem, not a reason to skip it. The chain itself can be rewritten consistently by
 * whoever can write the file; the heads the gateway wrote to the system journal catch that.
 */
public final class IntegrityCheck {
  private IntegrityCheck() {}

  private static final String END = AuditCode.SESSION_END.event();
  private static final String INTERRUPTED = AuditCode.SESSION_INTERRUPTED.event();
  private static final String START = AuditCode.SESSION_START.event();
  private static final String INDEX_ALTERED = AuditCode.SESSION_INDEX_ALTERED.event();
  private static final String REWRITTEN = AuditCode.AUDIT_CHAIN_REWRITTEN.event();
  private static final String PRUNED = AuditCode.RECORDING_PRUNED.event();
  private static final String CHECKPOINT = AuditCode.RECORDING_CHECKPOINT.event();

  /** One session-end or session-interrupted line, as far as the checks need it. */
  record EndLine(long seq, String event, String sha256, JsonNode line) {}

  /** As {@link #verify(Path, Path, SessionIndex, List, RunningGateway)} with at most one head and no gateway running. */
  public static IntegrityReport verify(
      Path dataDir, Path auditFile, SessionIndex index, ChainHead expectedHeadOrNull) throws IOException {
    return verify(dataDir, auditFile, index, expectedHeadOrNull == null ? List.of() : List.of(expectedHeadOrNull), null);
  }

  /**
   * Checks that every audit line parses, seqs run 1, 2, 3..., each prev is the hash of the line
   * before and each hash recomputes; that the chain holds every head in {@code journalHeads} (the
   * line with that seq has that hash: a rewrite of that line or any before it, or a cut, is caught);
   * that no line records a rewrite or an altered index found by a gateway; and for every session in
   * the index: that it ended at most once in the chain; that a finished session's file exists and
   * its SHA-256 equals both the index's and its first end line's; that an {@code active} one has no
   * end line and is run by {@code running} (null: no gateway runs on this data directory).
   */
  public static IntegrityReport verify(
      Path dataDir, Path auditFile, SessionIndex index, List<ChainHead> journalHeads, RunningGateway running)
      throws IOException {
    List<String> problems = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    Map<String, List<EndLine>> ends = new HashMap<>();
    Map<String, Long> starts = new LinkedHashMap<>();
    Set<String> prunedIds = new HashSet<>();
    Map<String, List<JsonNode>> checkpoints = new HashMap<>(); // each session's, before its end

    // The journal's heads by seq; two hashes for one seq mean the chain changed under the gateway.
    TreeMap<Long, Set<String>> wanted = new TreeMap<>();
    for (ChainHead h : journalHeads) {
      if (h.seq() > 0) {
        wanted.computeIfAbsent(h.seq(), k -> new LinkedHashSet<>()).add(h.hash());
      }
    }
    for (Map.Entry<Long, Set<String>> w : wanted.entrySet()) {
      if (w.getValue().size() > 1) {
        problems.add("the journal recorded " + w.getValue().size() + " different hashes for audit seq " + w.getKey()
            + " (" + String.join(", ", w.getValue()) + "): the chain was rewritten while the gateway ran");
      }
    }
    Set<Long> matched = new HashSet<>();

    long lines = 0;
    ChainHead last = ChainHead.empty();
    if (Files.exists(auditFile)) {
      byte[] all = Files.readAllBytes(auditFile);
      int start = 0;
      while (start < all.length) {
        int nl = indexOf(all, start);
        boolean partial = nl < 0;
        int end = partial ? all.length : nl;
        lines++;
        String text = new String(all, start, end - start, StandardCharsets.UTF_8);
        start = end + 1;
        long expectedSeq = last.seq() + 1;
        JsonNode n;
        try {
          n = AuditLog.JSON.readTree(text);
        } catch (IOException e) {
          n = null;
        }
        if (n == null || !n.isObject() || !n.path("seq").canConvertToLong() || !n.has("hash")) {
          problems.add(
              "audit seq " + expectedSeq + " (line " + lines + "): "
                  + (partial ? "partial last line, cut off" : "line does not parse as an entry"));
          continue;
        }
        if (partial) {
          problems.add("audit seq " + n.get("seq").asLong() + " (line " + lines + "): no newline");
        }
        long seq = n.get("seq").asLong();
        String hash = n.get("hash").asText();
        String prev = n.path("prev").asText();
        if (seq != expectedSeq) {
          problems.add("audit seq " + seq + " (line " + lines + "): expected seq " + expectedSeq
              + "; a line is missing, duplicated or out of order");
        }
        if (!prev.equals(last.hash())) {
          problems.add("audit seq " + seq + " (line " + lines
              + "): prev does not match the hash of the line before (seq " + last.seq() + ")");
        }
        if (!AuditLog.hashOf(prev, n).equals(hash)) {
          problems.add("audit seq " + seq + " (line " + lines + "): hash does not match its contents (edited)");
        }
        Set<String> journal = wanted.get(seq);
        if (journal != null && matched.add(seq)) {
          for (String h : journal) {
            if (!h.equals(hash)) {
              problems.add("audit seq " + seq + " (line " + lines + ") has hash " + hash + " but the journal recorded "
                  + h + ": the chain was rewritten at or before this line");
            }
          }
        }
        String event = n.path("event").asText();
        String sessionId = n.hasNonNull("sessionId") ? n.get("sessionId").asText() : null;
        if (sessionId != null && (event.equals(END) || event.equals(INTERRUPTED))) {
          ends.computeIfAbsent(sessionId, k -> new ArrayList<>())
              .add(new EndLine(seq, event, n.path("sha256").asText(null), n));
        } else if (sessionId != null && event.equals(START)) {
          starts.putIfAbsent(sessionId, seq);
        } else if (sessionId != null && event.equals(PRUNED)) {
          prunedIds.add(sessionId);
        } else if (sessionId != null && event.equals(CHECKPOINT) && !ends.containsKey(sessionId)) {
          checkpoints.computeIfAbsent(sessionId, k -> new ArrayList<>()).add(n);
        } else if (event.equals(INDEX_ALTERED)) {
          problems.add("audit seq " + seq + ": session " + sessionId + ": " + indexAlteredText(n));
        } else if (event.equals(REWRITTEN)) {
          problems.add("audit seq " + seq + ": a gateway found the audit chain rewritten: " + n.path("detail").asText());
        }
        last = new ChainHead(seq, hash);
      }
    } else {
      problems.add("audit log " + auditFile + " does not exist");
    }
    for (Map.Entry<Long, Set<String>> w : wanted.entrySet()) {
      if (!matched.contains(w.getKey())) {
        problems.add(
            (w.getKey() > last.seq()
                    ? "audit chain ends at seq " + last.seq() + " hash " + last.hash() + " but the journal recorded seq "
                    : "the chain has no line seq " + w.getKey() + " although the journal recorded seq ")
                + w.getKey() + " hash " + String.join(", ", w.getValue()) + "; lines were cut off or rewritten");
      }
    }

    List<SessionRecord> rows = index.list(SessionQuery.all());
    Set<String> indexed = new HashSet<>();
    for (SessionRecord s : rows) {
      indexed.add(s.id());
    }
    // A session the audit log saw start must still be in the index, unless retention pruned it
    // (and said so in the chain): a row and file deleted together are found here.
    for (String started : starts.keySet()) {
      if (!indexed.contains(started) && !prunedIds.contains(started)) {
        problems.add("session " + started + ": started in the audit log but missing from the index (deleted?)");
      }
    }
    int checked = 0;
    for (SessionRecord s : rows) {
      String id = "session " + s.id();
      List<EndLine> sessionEnds = ends.getOrDefault(s.id(), List.of());
      if (sessionEnds.size() > 1) {
        problems.add(id + ": the audit log ends it " + sessionEnds.size() + " times (seq "
            + String.join(", ", sessionEnds.stream().map(e -> String.valueOf(e.seq())).toList())
            + "); a session ends once, so the lines after the first were added");
      }
      EndLine first = sessionEnds.isEmpty() ? null : sessionEnds.get(0);
      Path file = s.path() == null ? null : dataDir.resolve(s.path());
      if (s.state() == SessionState.ACTIVE) {
        checked++;
        Long startSeq = starts.get(s.id());
        if (first != null) {
          problems.add(id + ": the index says active, but the audit log ended it at seq " + first.seq()
              + " (" + first.event() + ")");
          if (file != null && Files.isRegularFile(file) && first.sha256() != null) {
            String actual = Recordings.sha256(file);
            if (!actual.equals(first.sha256())) {
              problems.add(id + ": recording has sha256 " + actual + " but its " + first.event()
                  + " audit line (seq " + first.seq() + ") says " + first.sha256());
            }
          }
        } else if (running == null) {
          problems.add(id + ": the index says active, but no gateway is running on this data directory"
              + " (cut by a crash and not repaired yet, or the index was altered)");
        } else if (startSeq == null ? running.startedAt() != null && s.start().isBefore(running.startedAt())
            : running.startSeq() >= 0 && startSeq <= running.startSeq()) {
          problems.add(id + ": the index says active, but it started "
              + (startSeq == null ? "(no session-start line)" : "at audit seq " + startSeq)
              + " before the running gateway (pid " + running.pid() + ") did its start-up repair at seq "
              + running.startSeq() + ", which ends every session left active: no gateway runs it");
        } else {
          notes.add("LIVE " + id + ": running on the gateway (pid " + running.pid() + ")");
        }
        CheckpointCheck c = first == null ? CheckpointCheck.of(checkpoints.getOrDefault(s.id(), List.of()), file) : null;
        if (c != null && !c.holds()) {
          problems.add(id + ": " + checkpointBroken(c, "it was changed while it ran"));
        }
        continue;
      }
      checked++;
      if (s.path() == null) {
        problems.add(id + ": no recording path in the index");
        continue;
      }
      String actual = null;
      if (!Files.isRegularFile(file)) {
        problems.add(id + ": recording " + file + " is missing");
      } else {
        actual = Recordings.sha256(file);
        if (s.sha256() == null) {
          problems.add(id + ": the index has no sha256 for the recording");
        } else if (!actual.equals(s.sha256())) {
          problems.add(id + ": recording " + file + " has sha256 " + actual + " but the index recorded " + s.sha256()
              + " (changed after close)");
        }
      }
      if (first == null) {
        problems.add(id + ": no session-end line in the audit log");
        continue;
      }
      String audited = first.sha256();
      if (audited == null || !audited.equals(s.sha256())) {
        problems.add(id + ": audit log's sha256 " + audited + " (seq " + first.seq() + ") differs from the index's "
            + s.sha256());
      }
      if (actual != null && audited != null && !audited.equals(actual)) {
        problems.add(id + ": recording has sha256 " + actual + " but its session-end audit line (seq " + first.seq()
            + ") says " + audited);
      }
      CheckpointCheck c = CheckpointCheck.of(checkpoints.getOrDefault(s.id(), List.of()), file);
      if (c != null && !c.holds()) {
        problems.add(id + ": " + checkpointBroken(c, first.event().equals(INTERRUPTED)
            ? "the recording was changed before the start-up repair" : "the recording is not the one that was written"));
      }
      if (first.event().equals(INTERRUPTED)) {
        notes.add("REPAIRED " + id + ": " + repairText(first.line(), first.seq(), c));
      }
    }
    return new IntegrityReport(lines, checked, problems, notes, matched.size());
  }

  private static String indexAlteredText(JsonNode n) {
    return "at a gateway start the index called it " + n.path("foundState").asText("active")
        + " although the audit log had ended it at seq " + n.path("endSeq").asText("?")
        + " (the index was altered); the recording then had sha256 " + n.path("recordingSha256").asText("?")
        + ", the end line says " + n.path("endSha256").asText("?");
  }

  private static String checkpointBroken(CheckpointCheck c, String meaning) {
    return "its recording's first " + c.size() + " bytes no longer hash to " + c.sha256() + " as its checkpoint"
        + " (audit seq " + c.seq() + ") says: " + meaning;
  }

  private static String repairText(JsonNode n, long seq, CheckpointCheck c) {
    StringBuilder b = new StringBuilder("the gateway stopped without ending it; at the next start (audit seq ")
        .append(seq).append(") its recording was repaired: ");
    if (n.hasNonNull("foundSha256")) {
      b.append("found sha256 ").append(n.get("foundSha256").asText()).append(" (")
          .append(n.path("foundSize").asLong()).append(" bytes), stored ");
    } else {
      b.append("stored ");
    }
    b.append("sha256 ").append(n.path("sha256").asText("none"));
    if (n.has("size")) {
      b.append(" (").append(n.path("size").asLong()).append(" bytes)");
    }
    if (c == null) {
      b.append("; no recording checkpoint precedes it (a session younger than a minute has none): nothing"
          + " vouches for the recording from before that repair");
    } else if (c.holds()) {
      b.append("; its first ").append(c.size()).append(" bytes match its last checkpoint (audit seq ")
          .append(c.seq()).append("); nothing vouches for the bytes after them, written before that repair");
    } else {
      b.append("; ").append(checkpointBroken(c, "the recording was changed before the start-up repair"));
    }
    return b.toString();
  }

  // ---- one session, for the replay page -----------------------------------------------------

  /** What the audit log says about one session, found reading it backwards. */
  static final class SessionLines {
    long startSeq = -1;
    /** In file order. */
    final List<EndLine> ends = new ArrayList<>();
    final List<Long> endOffsets = new ArrayList<>();
    final List<Integer> endLengths = new ArrayList<>();
    final List<JsonNode> indexAltered = new ArrayList<>();
    /** In file order. */
    final List<JsonNode> checkpoints = new ArrayList<>();

    /** The checkpoint lines before the first end line (all of them while there is none). */
    List<JsonNode> checkpointsBeforeEnd() {
      long before = ends.isEmpty() ? Long.MAX_VALUE : ends.get(0).seq();
      return checkpoints.stream().filter(c -> c.path("seq").asLong() < before).toList();
    }
  }

  /**
   * Checks one session, as the replay page shows it: the recording's SHA-256 against the index's
   * and against its first end line, whose own hash must recompute and which the next line (itself
   * intact) must link to; no second end line; no altered index found at a start; no repair (nothing
   * vouches for a recording before its repair); the lines {@code witness} (the gateway serving the
   * page) wrote to the journal still in place, the end line among them when it ended in this run. An {@code active} row is {@code pending} only while no end line exists and
   * it started after {@code witness}'s start-up repair; without a witness, the files alone decide.
   * Reads the recording and the audit log from its end back to the session's start line. The whole
   * chain's continuity, and the journal, are {@link #verify}'s job.
   */
  public static RecordingIntegrity session(Path dataDir, Path auditFile, SessionRecord s, ChainWitness witness)
      throws IOException {
    SessionLines found = Files.exists(auditFile) ? sessionLines(auditFile, s.id()) : new SessionLines();
    List<String> altered = new ArrayList<>();
    EndLine first = found.ends.isEmpty() ? null : found.ends.get(0);
    if (found.ends.size() > 1) {
      altered.add("the audit log ends this session " + found.ends.size() + " times (seq "
          + String.join(", ", found.ends.stream().map(e -> String.valueOf(e.seq())).toList())
          + "): a session ends once, so the lines after the first were added");
    }
    for (JsonNode n : found.indexAltered) {
      altered.add("audit seq " + n.path("seq").asLong() + ": " + indexAlteredText(n));
    }
    if (s.state() == SessionState.ACTIVE) {
      if (first != null) {
        altered.add(0, "the index says active, but the audit log ended this session at seq " + first.seq());
      } else if (witness != null && (found.startSeq >= 0 ? found.startSeq <= witness.startHead().seq()
          : s.start().isBefore(witness.startedAt()))) {
        altered.add(0, "the index says active, but no gateway runs this session: it started "
            + (found.startSeq >= 0 ? "at audit seq " + found.startSeq : "(no session-start line)")
            + ", before this gateway's start-up repair (seq " + witness.startHead().seq()
            + "), which ends every session left active");
      }
      if (witness != null) {
        // Lines cut off the end (this session's end line among them?) show as a breach of the last head.
        ChainWitness.Breach b = witness.breach(-1);
        if (b != null && found.startSeq <= b.seq()) {
          altered.add("the audit log was rewritten after this gateway logged its head at seq " + b.seq()
              + " to the journal (" + b.detail() + "); this session's lines are in that part");
        }
      }
      CheckpointCheck c = first == null
          ? CheckpointCheck.of(found.checkpointsBeforeEnd(), s.path() == null ? null : dataDir.resolve(s.path()))
          : null;
      if (c != null && !c.holds()) {
        altered.add(checkpointBroken(c, "it was changed while it ran"));
      }
      if (altered.isEmpty()) {
        return new RecordingIntegrity(RecordingIntegrity.PENDING, "the session is still running");
      }
      return new RecordingIntegrity(RecordingIntegrity.ALTERED, String.join("; ", altered));
    }
    Path file = s.path() == null ? null : dataDir.resolve(s.path());
    if (file == null || !Files.isRegularFile(file)) {
      return new RecordingIntegrity(RecordingIntegrity.MISSING, "the recording file is missing");
    }
    String actual = Recordings.sha256(file);
    if (s.sha256() == null) {
      altered.add("the index has no SHA-256 for the recording");
    } else if (!actual.equals(s.sha256())) {
      altered.add("the recording's SHA-256 " + actual + " differs from the index's " + s.sha256()
          + " (changed after close)");
    }
    if (first == null) {
      altered.add("the audit log has no session-end line for this session");
      return new RecordingIntegrity(RecordingIntegrity.ALTERED, String.join("; ", altered));
    }
    JsonNode end = first.line();
    long seq = first.seq();
    if (!AuditLog.hashOf(end.path("prev").asText(), end).equals(end.path("hash").asText())) {
      altered.add("the session-end audit line (seq " + seq + ") does not match its own hash (edited)");
    }
    String linkBreak = nextLineLinkBreak(auditFile, found.endOffsets.get(0), found.endLengths.get(0),
        end.path("hash").asText());
    if (linkBreak != null) {
      altered.add(linkBreak);
    }
    if (!actual.equals(first.sha256())) {
      altered.add("the recording's SHA-256 differs from the session-end audit line's (seq " + seq + ")");
    }
    if (witness != null) {
      ChainWitness.Breach b = witness.breach(seq);
      if (b != null && seq <= b.seq()) {
        altered.add("the audit log was rewritten after this gateway logged its head at seq " + b.seq()
            + " to the journal (" + b.detail() + "); this session's end line (seq " + seq + ") is in that part");
      }
    }
    CheckpointCheck c = CheckpointCheck.of(found.checkpointsBeforeEnd(), file);
    if (first.event().equals(INTERRUPTED)) {
      altered.add(repairText(end, seq, c));
    } else if (c != null && !c.holds()) {
      altered.add(checkpointBroken(c, "the recording is not the one that was written"));
    }
    if (!altered.isEmpty()) {
      return new RecordingIntegrity(RecordingIntegrity.ALTERED, String.join("; ", altered));
    }
    return new RecordingIntegrity(RecordingIntegrity.OK,
        "SHA-256 " + actual + " matches the index and audit line seq " + seq);
  }

  /** Null when the line after the end line (if any) carries the end line's hash as its prev. */
  private static String nextLineLinkBreak(Path auditFile, long offset, int length, String hash) throws IOException {
    try (FileChannel ch = FileChannel.open(auditFile, StandardOpenOption.READ)) {
      byte[] next = AuditLog.lineAt(ch, offset + length + 1);
      if (next == null) {
        return null; // the end line is the last line: only the journal vouches for it
      }
      JsonNode n;
      try {
        n = AuditLog.JSON.readTree(next);
      } catch (IOException e) {
        n = null;
      }
      if (n == null || !hash.equals(n.path("prev").asText())
          || !AuditLog.hashOf(n.path("prev").asText(), n).equals(n.path("hash").asText())) {
        return "the audit line after the session-end line does not link to it: the chain was rewritten there";
      }
      return null;
    }
  }

  /**
   * The session's start, end and index-altered lines, read from the end of the log backwards until
   * its session-start line: the sessions people open are mostly recent, so a large log is not read
   * whole for each page view. Lines are split on '\n' bytes (safe in UTF-8).
   */
  static SessionLines sessionLines(Path auditFile, String sessionId) throws IOException {
    SessionLines out = new SessionLines();
    byte[] needle = sessionId.getBytes(StandardCharsets.UTF_8);
    try (FileChannel ch = FileChannel.open(auditFile, StandardOpenOption.READ)) {
      long pos = ch.size();
      byte[] carry = new byte[0]; // the start of a line whose end was in the block read before
      ByteBuffer buf = ByteBuffer.allocate(1 << 16);
      while (true) {
        int n = (int) Math.min(buf.capacity(), pos);
        pos -= n;
        buf.clear().limit(n);
        while (buf.hasRemaining()) {
          if (ch.read(buf, pos + buf.position()) < 0) {
            throw new IOException("the audit log " + auditFile + " shrank while it was read");
          }
        }
        byte[] block = new byte[n + carry.length];
        System.arraycopy(buf.array(), 0, block, 0, n);
        System.arraycopy(carry, 0, block, n, carry.length);
        int end = block.length;
        for (int i = block.length - 1; i >= -1; i--) {
          if (i >= 0 && block[i] != '\n') {
            continue;
          }
          if (i < 0 && pos > 0) {
            break; // the first line of this block may start in the one before
          }
          if (collect(out, block, i + 1, end, pos + i + 1, needle, sessionId)) {
            return out;
          }
          end = i;
        }
        if (pos == 0) {
          return out;
        }
        carry = Arrays.copyOfRange(block, 0, end);
      }
    }
  }

  /** Adds the line if it is about the session; true once its session-start line is reached. */
  private static boolean collect(SessionLines out, byte[] b, int from, int to, long offset, byte[] needle,
      String sessionId) {
    if (to - from < needle.length || !contains(b, from, to, needle)) {
      return false;
    }
    JsonNode n;
    try {
      n = AuditLog.JSON.readTree(b, from, to - from);
    } catch (IOException e) {
      return false;
    }
    if (n == null || !sessionId.equals(n.path("sessionId").asText(null))) {
      return false;
    }
    String event = n.path("event").asText();
    long seq = n.path("seq").asLong(-1);
    if (event.equals(END) || event.equals(INTERRUPTED)) {
      out.ends.add(0, new EndLine(seq, event, n.path("sha256").asText(null), n));
      out.endOffsets.add(0, offset);
      out.endLengths.add(0, to - from);
    } else if (event.equals(INDEX_ALTERED)) {
      out.indexAltered.add(0, n);
    } else if (event.equals(CHECKPOINT)) {
      out.checkpoints.add(0, n);
    } else if (event.equals(START)) {
      out.startSeq = seq;
      return true;
    }
    return false;
  }

  private static boolean contains(byte[] b, int from, int to, byte[] needle) {
    outer:
    for (int i = from; i <= to - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (b[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  private static int indexOf(byte[] b, int from) {
    for (int i = from; i < b.length; i++) {
      if (b[i] == '\n') {
        return i;
      }
    }
    return -1;
  }
}
