package dev.gatehouse.recorder;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * At gateway start, before it listens: every session the index still calls {@code active} was left
 * behind (only one gateway runs on a data directory). Two cases, told apart by the audit log, never
 * by the index (which whoever can write the data directory can change):
 *
 * <ul>
 *   <li>no session-end or session-interrupted line: the gateway stopped without ending it. The
 *       recording is repaired (a partial last line cut) and hashed; the finding carries the hash and
 *       size before and after, for the session-interrupted line.
 *   <li>an end line exists: the session had ended, so its row was changed afterwards. Nothing is
 *       repaired or hashed into the record: the recording is left as found, the row is restored
 *       from the first end line (the chain's word), and the finding says what was found.
 *   <li>no end line, but the log cannot vouch for that: a line about the session is spelled
 *       otherwise than the gateway writes it, or a line does not parse at all. Nothing is repaired
 *       or hashed either; the row is marked interrupted without a hash ({@link Unvouched}).
 * </ul>
 *
 * <p>And every session the index calls ended whose end line lies after the last chain head the
 * gateway logged to the journal ({@link JournaledHead}): the gateway logs a head right after each
 * end line it writes, so such a line was written after the crash point — by a gateway that
 * stopped before logging its head, or by someone while no gateway ran. Nothing is changed; the
 * finding ({@link NotWitnessed}) says the chain cannot vouch for it.
 *
 * <p>The log is read with {@link AuditReader}, as {@code sessions verify} reads it.
 */
public final class StartupRepair {
  private StartupRepair() {}

  /** One session found active at start. */
  public sealed interface Finding permits Repaired, AlreadyEnded, Unvouched, NotWitnessed {
    SessionRecord session();
  }

  /**
   * Cut by a stopped gateway: repaired; {@code what} has the hashes before and after; {@code
   * checkpoint} says whether the repaired file still matches the session's checkpoint lines (null:
   * none was written, the session was younger than recording.checkpoint).
   */
  public record Repaired(SessionIndex.Interrupted what, CheckpointCheck checkpoint) implements Finding {
    @Override
    public SessionRecord session() {
      return what.session();
    }
  }

  /**
   * Ended in the audit log at {@code endSeq} although the index said active: {@code found} is the
   * row as found, {@code session} as restored from the end line; {@code recordingSha256} is the
   * file's hash now (null when missing), for the record only.
   */
  public record AlreadyEnded(
      SessionRecord found, SessionRecord session, long endSeq, String endEvent, String endSha256,
      String recordingSha256) implements Finding {}

  /**
   * No end line, but the audit log cannot vouch that none exists: a line about the session is not
   * written as the gateway writes it, or a line does not parse at all (it could be anyone's). Nothing
   * is repaired or hashed: the row is marked interrupted with no hash, and {@code reason} says why;
   * {@code recordingSha256} is the file's hash now (null when missing), for the record only.
   */
  public record Unvouched(SessionRecord found, SessionRecord session, String reason, String recordingSha256)
      implements Finding {}

  /**
   * An ended session whose first end line ({@code endSeq}) lies after {@code journaled}, the last
   * head the gateway logged to the journal before this start: written after the crash point, so
   * not vouched for. {@code recordingSha256} is the file's hash now (null when missing).
   */
  public record NotWitnessed(
      SessionRecord session, long endSeq, String endEvent, String endSha256, ChainHead journaled,
      String recordingSha256) implements Finding {}

  /** As {@link #run(Path, Path, SessionIndex, ChainHead)} without the check against the journal. */
  public static List<Finding> run(Path dataDir, Path auditFile, SessionIndex index) throws IOException {
    return run(dataDir, auditFile, index, null);
  }

  /**
   * @param journaled the last chain head the gateway logged to the journal before this start;
   *     null: not checked
   */
  public static List<Finding> run(Path dataDir, Path auditFile, SessionIndex index, ChainHead journaled)
      throws IOException {
    List<SessionRecord> active = index.active();
    if (active.isEmpty() && journaled == null) {
      return List.of();
    }
    Set<String> ids = new HashSet<>();
    active.forEach(s -> ids.add(s.id()));
    Map<String, SessionLines> lines = new HashMap<>();
    Map<String, String> respelled = new HashMap<>();
    List<String> unreadable = new ArrayList<>();
    // The first end line of each session after the journaled head, and the ones a start already flagged.
    Map<String, AuditReader.Line> afterJournaled = new LinkedHashMap<>();
    Set<String> flagged = new HashSet<>();
    if (Files.exists(auditFile)) {
      // The reader every check uses: lines split at '\n' only, each parsed, its form checked.
      AuditReader.forEach(auditFile, l -> {
        if (l.entry() == null) {
          unreadable.add("audit line " + l.number() + " (byte " + l.offset() + "): " + l.problem());
          return;
        }
        String id = l.sessionId();
        if (id != null && journaled != null) {
          String event = l.event();
          if (event.equals(ChainScan.UNWITNESSED)) {
            flagged.add(id + "@" + l.entry().path("endSeq").asLong());
          } else if (l.seq() > journaled.seq() && (event.equals(ChainScan.END) || event.equals(ChainScan.INTERRUPTED))) {
            afterJournaled.putIfAbsent(id, l);
          }
        }
        if (id == null || !ids.contains(id)) {
          return;
        }
        lines.computeIfAbsent(id, k -> new SessionLines()).add(l);
        if (l.problem() != null) {
          respelled.putIfAbsent(id, "audit line " + l.number() + " (seq " + l.seq() + ") about it: " + l.problem());
        }
      });
    }
    List<Finding> out = new ArrayList<>();
    for (SessionRecord s : active) {
      SessionLines found = lines.getOrDefault(s.id(), new SessionLines());
      SessionLines.EndLine first = found.firstEnd();
      Path file = s.path() == null ? null : dataDir.resolve(s.path());
      if (first == null && (respelled.containsKey(s.id()) || !unreadable.isEmpty())) {
        String reason = respelled.containsKey(s.id()) ? respelled.get(s.id())
            : unreadable.get(0) + (unreadable.size() > 1 ? " (and " + (unreadable.size() - 1) + " more)" : "")
                + ": it could have been this session's end line";
        String now = file != null && Files.isRegularFile(file) ? Recordings.sha256(file) : null;
        index.ended(s.id(), s.start(), null, 0, null, SessionState.INTERRUPTED);
        out.add(new Unvouched(s, index.find(s.id()).orElseThrow(), reason, now));
        continue;
      }
      if (first == null) {
        SessionIndex.Interrupted what = index.markInterrupted(s, dataDir);
        out.add(new Repaired(what, CheckpointCheck.of(found.checkpointsBeforeEnd(), file)));
        continue;
      }
      JsonNode end = first.line();
      String now = file != null && Files.isRegularFile(file) ? Recordings.sha256(file) : null;
      String sha = first.sha256();
      String event = first.event();
      SessionState state = event.equals(AuditCode.SESSION_END.event()) && sha != null
          ? SessionState.CLOSED : SessionState.INTERRUPTED;
      Instant at;
      try {
        at = Instant.parse(end.path("time").asText());
      } catch (DateTimeParseException e) {
        at = s.start();
      }
      Integer exit = end.path("exitStatus").canConvertToInt() && end.hasNonNull("exitStatus")
          ? end.get("exitStatus").asInt() : null;
      String signal = end.hasNonNull("signal") ? end.get("signal").asText() : null;
      index.ended(s.id(), at, exit, signal, end.path("bytes").asLong(0), sha, state);
      out.add(new AlreadyEnded(s, index.find(s.id()).orElseThrow(), first.seq(), event, sha, now));
    }
    for (Map.Entry<String, AuditReader.Line> e : afterJournaled.entrySet()) {
      AuditReader.Line end = e.getValue();
      if (ids.contains(e.getKey()) || flagged.contains(e.getKey() + "@" + end.seq())) {
        continue; // found active: the finding above says more; or flagged at an earlier start
      }
      SessionRecord s = index.find(e.getKey()).orElse(null);
      if (s == null) {
        continue; // not in the index: sessions verify reports a session started but missing
      }
      Path file = s.path() == null ? null : dataDir.resolve(s.path());
      String now = file != null && Files.isRegularFile(file) ? Recordings.sha256(file) : null;
      out.add(new NotWitnessed(s, end.seq(), end.event(), end.entry().path("sha256").asText(null), journaled, now));
    }
    return out;
  }
}
