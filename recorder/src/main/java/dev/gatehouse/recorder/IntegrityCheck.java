package dev.gatehouse.recorder;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code gatehouse sessions verify}: the audit chain and every finished recording, reporting every
 * problem found. Each problem names the audit seq (or the line number where no seq can be read) or
 * the session id.
 */
public final class IntegrityCheck {
  private IntegrityCheck() {}

  /**
   * Checks that every audit line parses, seqs run 1, 2, 3..., each prev is the hash of the line
   * before and each hash recomputes; that the chain ends at {@code expectedHeadOrNull} when given
   * (this catches lines cut off the end, which the chain alone cannot); and that every closed or
   * interrupted session's file exists and its SHA-256 equals both the index's and the sha256 of the
   * session's last "session-end" (or "session-interrupted") audit line.
   */
  public static IntegrityReport verify(
      Path dataDir, Path auditFile, SessionIndex index, ChainHead expectedHeadOrNull)
      throws IOException {
    List<String> problems = new ArrayList<>();
    Map<String, String> endHashes = new HashMap<>();
    java.util.Set<String> startedIds = new java.util.LinkedHashSet<>();
    java.util.Set<String> prunedIds = new java.util.HashSet<>();
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
        String text = new String(all, start, end - start, java.nio.charset.StandardCharsets.UTF_8);
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
              "audit seq "
                  + expectedSeq
                  + " (line "
                  + lines
                  + "): "
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
          problems.add(
              "audit seq "
                  + seq
                  + " (line "
                  + lines
                  + "): expected seq "
                  + expectedSeq
                  + "; a line is missing, duplicated or out of order");
        }
        if (!prev.equals(last.hash())) {
          problems.add(
              "audit seq "
                  + seq
                  + " (line "
                  + lines
                  + "): prev does not match the hash of the line before (seq "
                  + last.seq()
                  + ")");
        }
        if (!AuditLog.hashOf(prev, n).equals(hash)) {
          problems.add(
              "audit seq " + seq + " (line " + lines + "): hash does not match its contents (edited)");
        }
        String event = n.path("event").asText();
        if ((event.equals(AuditCode.SESSION_END.event())
                || event.equals(AuditCode.SESSION_INTERRUPTED.event()))
            && n.hasNonNull("sessionId")) {
          endHashes.put(n.get("sessionId").asText(), n.path("sha256").asText(null));
        }
        if (event.equals(AuditCode.SESSION_START.event()) && n.hasNonNull("sessionId")) {
          startedIds.add(n.get("sessionId").asText());
        }
        if (event.equals(AuditCode.RECORDING_PRUNED.event()) && n.hasNonNull("sessionId")) {
          prunedIds.add(n.get("sessionId").asText());
        }
        last = new ChainHead(seq, hash);
      }
    } else {
      problems.add("audit log " + auditFile + " does not exist");
    }
    if (expectedHeadOrNull != null && !expectedHeadOrNull.equals(last)) {
      problems.add(
          "audit chain ends at seq "
              + last.seq()
              + " hash "
              + last.hash()
              + " but the recorded head is seq "
              + expectedHeadOrNull.seq()
              + " hash "
              + expectedHeadOrNull.hash()
              + "; lines were cut off or rewritten");
    }

    int checked = 0;
    java.util.Set<String> indexed = new java.util.HashSet<>();
    for (SessionRecord s : index.list(SessionQuery.all())) {
      indexed.add(s.id());
    }
    // A session the audit log saw start must still be in the index, unless retention pruned it
    // (and said so in the chain): a row and file deleted together are found here.
    for (String started : startedIds) {
      if (!indexed.contains(started) && !prunedIds.contains(started)) {
        problems.add("session " + started + ": started in the audit log but missing from the index (deleted?)");
      }
    }
    for (SessionRecord s : index.list(SessionQuery.all())) {
      if (s.state() == SessionState.ACTIVE) {
        continue;
      }
      checked++;
      String id = "session " + s.id();
      if (s.path() == null) {
        problems.add(id + ": no recording path in the index");
        continue;
      }
      Path file = dataDir.resolve(s.path());
      String actual = null;
      if (!Files.isRegularFile(file)) {
        problems.add(id + ": recording " + file + " is missing");
      } else {
        actual = Recordings.sha256(file);
        if (s.sha256() == null) {
          problems.add(id + ": the index has no sha256 for the recording");
        } else if (!actual.equals(s.sha256())) {
          problems.add(
              id
                  + ": recording "
                  + file
                  + " has sha256 "
                  + actual
                  + " but the index recorded "
                  + s.sha256()
                  + " (changed after close)");
        }
      }
      if (!endHashes.containsKey(s.id())) {
        problems.add(id + ": no session-end line in the audit log");
      } else {
        String audited = endHashes.get(s.id());
        if (audited == null || !audited.equals(s.sha256())) {
          problems.add(
              id + ": audit log's sha256 " + audited + " differs from the index's " + s.sha256());
        }
        if (actual != null && audited != null && !audited.equals(actual)) {
          problems.add(
              id
                  + ": recording has sha256 "
                  + actual
                  + " but its session-end audit line says "
                  + audited);
        }
      }
    }
    return new IntegrityReport(lines, checked, problems);
  }

  /**
   * Checks one session, as the replay page shows it: the recording's SHA-256 against the index's,
   * and both against the sha256 of the session's last session-end (or session-interrupted) audit
   * line, whose own chain hash must recompute. Reads the recording and the audit log as streams.
   * The whole chain's continuity is {@link #verify}'s job ({@code gatehouse sessions verify}).
   */
  public static RecordingIntegrity session(Path dataDir, Path auditFile, SessionRecord s) throws IOException {
    if (s.state() == SessionState.ACTIVE) {
      return new RecordingIntegrity(RecordingIntegrity.PENDING, "the session is still running");
    }
    Path file = s.path() == null ? null : dataDir.resolve(s.path());
    if (file == null || !Files.isRegularFile(file)) {
      return new RecordingIntegrity(RecordingIntegrity.MISSING, "the recording file is missing");
    }
    String actual = Recordings.sha256(file);
    if (s.sha256() == null) {
      return new RecordingIntegrity(RecordingIntegrity.ALTERED, "the index has no SHA-256 for the recording");
    }
    if (!actual.equals(s.sha256())) {
      return new RecordingIntegrity(RecordingIntegrity.ALTERED,
          "the recording's SHA-256 " + actual + " differs from the index's " + s.sha256() + " (changed after close)");
    }
    JsonNode end = Files.exists(auditFile) ? lastSessionEnd(auditFile, s.id()) : null;
    boolean endLineIntact = end != null && AuditLog.hashOf(end.path("prev").asText(), end).equals(end.path("hash").asText());
    if (end == null) {
      return new RecordingIntegrity(RecordingIntegrity.ALTERED, "the audit log has no session-end line for this session");
    }
    if (!endLineIntact) {
      return new RecordingIntegrity(RecordingIntegrity.ALTERED,
          "the session-end audit line (seq " + end.path("seq").asLong() + ") does not match its own hash (edited)");
    }
    String audited = end.path("sha256").asText(null);
    if (!actual.equals(audited)) {
      return new RecordingIntegrity(RecordingIntegrity.ALTERED,
          "the recording's SHA-256 differs from the session-end audit line's (seq " + end.path("seq").asLong() + ")");
    }
    return new RecordingIntegrity(RecordingIntegrity.OK,
        "SHA-256 " + actual + " matches the index and audit line seq " + end.path("seq").asLong());
  }

  /**
   * The session's last session-end (or session-interrupted) line, read from the end of the log
   * backwards: the sessions people open are mostly recent, so a large log is not read whole for
   * each page view. Lines are split on '\n' bytes (safe in UTF-8).
   */
  static JsonNode lastSessionEnd(Path auditFile, String sessionId) throws IOException {
    byte[] needle = sessionId.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(auditFile, java.nio.file.StandardOpenOption.READ)) {
      long pos = ch.size();
      byte[] carry = new byte[0]; // the start of a line whose end was in the block read before
      java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(1 << 16);
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
          JsonNode hit = sessionEndLine(block, i + 1, end, needle, sessionId);
          if (hit != null) {
            return hit;
          }
          end = i;
        }
        if (pos == 0) {
          return null;
        }
        carry = java.util.Arrays.copyOfRange(block, 0, end);
      }
    }
  }

  private static JsonNode sessionEndLine(byte[] b, int from, int to, byte[] needle, String sessionId) {
    if (to - from < needle.length || !contains(b, from, to, needle)) {
      return null;
    }
    JsonNode n;
    try {
      n = AuditLog.JSON.readTree(b, from, to - from);
    } catch (IOException e) {
      return null;
    }
    String event = n.path("event").asText();
    boolean end = event.equals(AuditCode.SESSION_END.event()) || event.equals(AuditCode.SESSION_INTERRUPTED.event());
    return end && sessionId.equals(n.path("sessionId").asText(null)) ? n : null;
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
