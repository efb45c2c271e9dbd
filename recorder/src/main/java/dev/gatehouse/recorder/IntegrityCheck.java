package dev.gatehouse.recorder;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code gatehouse sessions verify} and the replay page's integrity status.
 *
 * <p>What vouches for a recording: the SHA-256 in its session's <em>first</em> session-end (or
 * session-interrupted) audit line, a line of the hash chain. A session ends once, so a second end
 * line was added by someone else, and the index (which anyone who can write the data directory can
 * change) never overrides the chain: a row that says {@code active} for a session the chain has
 * ended is a problem, not a reason to skip it. The chain itself can be rewritten consistently by
 * whoever can write the file; the heads the gateway wrote to the system journal catch that.
 *
 * <p>Both read the log through {@link AuditReader} and check the chain with {@link ChainScan}: a
 * line spelled otherwise than the gateway writes it (the hash covers values, not bytes) is a
 * problem, so no reader can be shown another line than the one the chain vouches for.
 */
public final class IntegrityCheck {
  private IntegrityCheck() {}

  private static final String INTERRUPTED = ChainScan.INTERRUPTED;
  /** The field of a session-interrupted line whose session the start-up repair would not vouch for. */
  public static final String NOT_REPAIRED = "notRepairedBecause";

  /** As {@link #verify(Path, Path, SessionIndex, List, RunningGateway)} with at most one head and no gateway running. */
  public static IntegrityReport verify(
      Path dataDir, Path auditFile, SessionIndex index, ChainHead expectedHeadOrNull) throws IOException {
    return verify(dataDir, auditFile, index, expectedHeadOrNull == null ? List.of() : List.of(expectedHeadOrNull), null);
  }

  /**
   * Checks that every audit line parses and is written as the gateway writes it, seqs run 1, 2, 3..., each prev is the hash of the line
   * before and each hash recomputes; that the chain holds every head in {@code journalHeads} (the
   * line with that seq has that hash: a rewrite of that line or any before it, or a cut, is caught);
   * that no line records a rewrite or an altered index found by a gateway; and for every session in
   * the index: that it started and ended at most once in the chain; that a finished session's file exists and
   * its SHA-256 equals both the index's and its first end line's; that an {@code active} one has no
   * end line and is run by {@code running} (null: no gateway runs on this data directory).
   */
  public static IntegrityReport verify(
      Path dataDir, Path auditFile, SessionIndex index, List<ChainHead> journalHeads, RunningGateway running)
      throws IOException {
    List<String> problems = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    Map<String, SessionLines> sessions = new HashMap<>();
    ChainScan scan = new ChainScan(journalHeads, (id, l) -> {
      if (ChainScan.SESSION_EVENTS.contains(l.event())) {
        sessions.computeIfAbsent(id, k -> new SessionLines()).add(l);
      }
    });
    if (Files.exists(auditFile)) {
      AuditReader.forEach(auditFile, scan);
    } else {
      problems.add("audit log " + auditFile + " does not exist");
    }
    problems.addAll(scan.problems);
    problems.addAll(scan.unmatchedHeads());
    scan.rewritten.forEach(w -> problems.add(w.text()));
    for (ChainScan.Unwitnessed u : scan.unwitnessed) {
      problems.add("audit seq " + u.seq() + ": session " + u.sessionId() + ": " + notWitnessedText(u.event(), u.seq())
          + ": the journal has no head for seq " + u.seq());
    }
    if (scan.beforeJournal > 0) {
      boolean one = scan.beforeJournal == 1;
      notes.add("NOTE " + scan.beforeJournal + (one ? " line ending a session lies" : " lines ending a session lie")
          + " before the journal's first head (seq " + scan.wanted().firstKey() + "): the journal given does not"
          + " reach back to " + (one ? "it" : "them") + ", only the chain vouches for " + (one ? "it" : "them"));
    }
    long lines = scan.lines;

    List<SessionRecord> rows = index.list(SessionQuery.all());
    Set<String> indexed = new HashSet<>();
    for (SessionRecord s : rows) {
      indexed.add(s.id());
    }
    // A session the audit log saw start must still be in the index, unless retention pruned it
    // (and said so in the chain): a row and file deleted together are found here.
    for (Map.Entry<String, SessionLines> e : sessions.entrySet()) {
      if (!e.getValue().starts.isEmpty() && !indexed.contains(e.getKey()) && !e.getValue().pruned) {
        problems.add("session " + e.getKey() + ": started in the audit log but missing from the index (deleted?)");
      }
      for (JsonNode n : e.getValue().indexAltered) {
        problems.add("audit seq " + n.path("seq").asLong() + ": session " + e.getKey() + ": " + indexAlteredText(n));
      }
      for (JsonNode n : e.getValue().unwitnessed) {
        long endSeq = n.path("endSeq").asLong(-1);
        if (scan.wanted().containsKey(endSeq)) {
          // The start-up could not tell; the journal given can: it holds the head logged for the line.
          notes.add("WITNESSED session " + e.getKey() + ": a gateway start (audit seq " + n.path("seq").asLong()
              + ") found its end line (seq " + endSeq + ") after the last head it had recorded; the journal"
              + " given holds the head logged for it");
        } else {
          problems.add("audit seq " + n.path("seq").asLong() + ": session " + e.getKey() + ": " + unwitnessedText(n));
        }
      }
    }
    int checked = 0;
    for (SessionRecord s : rows) {
      String id = "session " + s.id();
      SessionLines found = sessions.getOrDefault(s.id(), new SessionLines());
      List<SessionLines.EndLine> sessionEnds = found.ends;
      if (sessionEnds.size() > 1) {
        problems.add(id + ": the audit log ends it " + sessionEnds.size() + " times (seq "
            + String.join(", ", sessionEnds.stream().map(e -> String.valueOf(e.seq())).toList())
            + "); a session ends once, so the lines after the first were added");
      }
      if (found.starts.size() > 1) {
        problems.add(id + ": the audit log starts it " + found.starts.size() + " times (seq "
            + SessionLines.seqs(found.starts) + "); a session starts once, so the lines after the first were added");
      }
      SessionLines.EndLine first = found.firstEnd();
      Path file = s.path() == null ? null : dataDir.resolve(s.path());
      if (s.state() == SessionState.ACTIVE) {
        checked++;
        Long startSeq = found.starts.isEmpty() ? null : found.startSeq();
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
        CheckpointCheck c = first == null ? CheckpointCheck.of(found.checkpointsBeforeEnd(), file) : null;
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
      CheckpointCheck c = CheckpointCheck.of(found.checkpointsBeforeEnd(), file);
      if (c != null && !c.holds()) {
        problems.add(id + ": " + checkpointBroken(c, first.event().equals(INTERRUPTED)
            ? "the recording was changed before the start-up repair" : "the recording is not the one that was written"));
      }
      if (first.event().equals(INTERRUPTED) && first.line().hasNonNull(NOT_REPAIRED)) {
        problems.add(id + ": " + repairText(first.line(), first.seq(), c));
      } else if (first.event().equals(INTERRUPTED)) {
        notes.add("REPAIRED " + id + ": " + repairText(first.line(), first.seq(), c));
      }
    }
    return new IntegrityReport(lines, checked, problems, notes, scan.matched.size());
  }

  private static String indexAlteredText(JsonNode n) {
    return "at a gateway start the index called it " + n.path("foundState").asText("active")
        + " although the audit log had ended it at seq " + n.path("endSeq").asText("?")
        + " (the index was altered); the recording then had sha256 " + n.path("recordingSha256").asText("?")
        + ", the end line says " + n.path("endSha256").asText("?");
  }

  /** Why an end line that no journal head witnesses is not vouched for. */
  private static String notWitnessedText(String event, long seq) {
    return "its " + event + " line (seq " + seq + ") is not witnessed: the gateway logs the chain head to the journal"
        + " right after every such line, so it was written after the last head the gateway logged (a gateway"
        + " stopped between writing it and logging its head, or it was added while no gateway ran)";
  }

  private static String unwitnessedText(JsonNode n) {
    return notWitnessedText(n.path("endEvent").asText("session-end"), n.path("endSeq").asLong(-1))
        + "; a gateway start (the last head it had recorded: seq " + n.path("journaledSeq").asText("?")
        + ") found it so; the end line says sha256 " + n.path("endSha256").asText("none")
        + ", the recording then had " + n.path("recordingSha256").asText("none")
        + " (`gatehouse sessions verify --journal` with the journal tells whether the gateway logged its head)";
  }

  private static String checkpointBroken(CheckpointCheck c, String meaning) {
    return "its recording's first " + c.size() + " bytes no longer hash to " + c.sha256() + " as its checkpoint"
        + " (audit seq " + c.seq() + ") says: " + meaning;
  }

  private static String repairText(JsonNode n, long seq, CheckpointCheck c) {
    if (n.hasNonNull(NOT_REPAIRED)) {
      return "the gateway stopped without ending it; at the next start (audit seq " + seq + ") it was neither"
          + " repaired nor hashed, for the audit log could not vouch that it had not ended: "
          + n.get(NOT_REPAIRED).asText() + "; nothing vouches for its recording (sha256 then "
          + n.path("recordingSha256").asText("none") + ")";
    }
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

  /**
   * Checks one session, as the replay page shows it, from the same reading of the log as {@link
   * #verify} ({@link AuditIndex}: every line, every byte): no problem in the chain (a line that
   * does not parse, is not written as the gateway writes it, is out of order or does not link,
   * anywhere: a broken chain vouches for no session); no line in which a gateway found the chain
   * rewritten; the recording's SHA-256 against the index's and against its first end line; one
   * start and one end line at most; no altered index found at a start; no repair (nothing vouches
   * for a recording before its repair); the lines {@code witness} (the gateway serving the page)
   * wrote to the journal still in place, the end line among them when it ended in this run. An
   * {@code active} row is {@code pending} only while no end line exists and it started after
   * {@code witness}'s start-up repair; without a witness, the files alone decide. The journal's
   * heads are {@link #verify}'s job.
   */
  public static RecordingIntegrity session(Path dataDir, Path auditFile, SessionRecord s, ChainWitness witness)
      throws IOException {
    List<String> altered = new ArrayList<>();
    SessionLines found;
    if (Files.exists(auditFile)) {
      AuditIndex.View v = AuditIndex.of(auditFile).look(s.id());
      found = v.session();
      if (!v.chainProblems().isEmpty()) {
        altered.add("the audit log has " + v.chainProblems().size() + " problem" + (v.chainProblems().size() == 1
            ? "" : "s") + " (`gatehouse sessions verify` lists them; the first: " + v.chainProblems().get(0)
            + "): a broken chain vouches for no session");
      }
      // A rewrite a gateway found covers the lines up to the one it found changed: this session's
      // when any of its lines is among them (all of them when it has none to tell).
      long firstSeq = found.firstSeq();
      for (ChainScan.Rewritten w : v.rewritten()) {
        if (firstSeq < 0 || firstSeq <= w.upToSeq()) {
          altered.add(w.text());
        }
      }
    } else {
      found = new SessionLines();
      altered.add("the audit log " + auditFile + " does not exist");
    }
    SessionLines.EndLine first = found.firstEnd();
    if (found.ends.size() > 1) {
      altered.add("the audit log ends this session " + found.ends.size() + " times (seq "
          + String.join(", ", found.ends.stream().map(e -> String.valueOf(e.seq())).toList())
          + "): a session ends once, so the lines after the first were added");
    }
    if (found.starts.size() > 1) {
      altered.add("the audit log starts this session " + found.starts.size() + " times (seq "
          + SessionLines.seqs(found.starts) + "): a session starts once, so the lines after the first were added");
    }
    for (JsonNode n : found.indexAltered) {
      altered.add("audit seq " + n.path("seq").asLong() + ": " + indexAlteredText(n));
    }
    for (JsonNode n : found.unwitnessed) {
      altered.add("audit seq " + n.path("seq").asLong() + ": " + unwitnessedText(n));
    }
    long startSeq = found.startSeq();
    if (s.state() == SessionState.ACTIVE) {
      if (first != null) {
        altered.add(0, "the index says active, but the audit log ended this session at seq " + first.seq());
      } else if (witness != null && (startSeq >= 0 ? startSeq <= witness.startHead().seq()
          : s.start().isBefore(witness.startedAt()))) {
        altered.add(0, "the index says active, but no gateway runs this session: it started "
            + (startSeq >= 0 ? "at audit seq " + startSeq : "(no session-start line)")
            + ", before this gateway's start-up repair (seq " + witness.startHead().seq()
            + "), which ends every session left active");
      }
      if (witness != null) {
        // Lines cut off the end (this session's end line among them?) show as a breach of the last head.
        ChainWitness.Breach b = witness.breach(-1);
        if (b != null && startSeq <= b.seq()) {
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
    String linkBreak = nextLineLinkBreak(auditFile, first.offset(), first.length(), end.path("hash").asText());
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

  /**
   * Reads the audit log into the replay page's index ahead of the first page view (which would
   * otherwise read every line while someone waits); later checks read only what was appended.
   */
  public static void prepare(Path auditFile) throws IOException {
    if (Files.exists(auditFile)) {
      AuditIndex.of(auditFile).look("");
    }
  }

  /** Null when the line after the end line (if any) carries the end line's hash as its prev. */
  private static String nextLineLinkBreak(Path auditFile, long offset, int length, String hash) throws IOException {
    try (AuditReader r = AuditReader.open(auditFile)) {
      AuditReader.Line next = r.lineAt(offset + length + 1, -1);
      if (next == null) {
        return null; // the end line is the last line: only the journal vouches for it
      }
      JsonNode n = next.entry();
      if (n == null || !hash.equals(n.path("prev").asText())
          || !AuditLog.hashOf(n.path("prev").asText(), n).equals(n.path("hash").asText())) {
        return "the audit line after the session-end line does not link to it: the chain was rewritten there";
      }
      return null;
    }
  }
}
