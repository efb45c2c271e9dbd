package dev.gatehouse.recorder;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 * </ul>
 */
public final class StartupRepair {
  private static final Pattern SESSION_ID = Pattern.compile("\"sessionId\"\\s*:\\s*\"([^\"\\\\]*)\"");

  private StartupRepair() {}

  /** One session found active at start. */
  public sealed interface Finding permits Repaired, AlreadyEnded {
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

  public static List<Finding> run(Path dataDir, Path auditFile, SessionIndex index) throws IOException {
    List<SessionRecord> active = index.active();
    if (active.isEmpty()) {
      return List.of();
    }
    Set<String> ids = new HashSet<>();
    active.forEach(s -> ids.add(s.id()));
    Map<String, List<JsonNode>> checkpoints = new HashMap<>();
    Map<String, JsonNode> ends = firstEndLines(auditFile, ids, checkpoints);
    List<Finding> out = new ArrayList<>();
    for (SessionRecord s : active) {
      JsonNode end = ends.get(s.id());
      if (end == null) {
        SessionIndex.Interrupted what = index.markInterrupted(s, dataDir);
        out.add(new Repaired(what, CheckpointCheck.of(checkpoints.getOrDefault(s.id(), List.of()),
            s.path() == null ? null : dataDir.resolve(s.path()))));
        continue;
      }
      Path file = s.path() == null ? null : dataDir.resolve(s.path());
      String now = file != null && Files.isRegularFile(file) ? Recordings.sha256(file) : null;
      String sha = end.hasNonNull("sha256") ? end.get("sha256").asText() : null;
      String event = end.path("event").asText();
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
      out.add(new AlreadyEnded(s, index.find(s.id()).orElseThrow(), end.path("seq").asLong(-1), event, sha, now));
    }
    return out;
  }

  /**
   * The first session-end or session-interrupted line of each of {@code ids}, reading the log once;
   * fills {@code checkpoints} with each one's recording-checkpoint lines before that.
   */
  static Map<String, JsonNode> firstEndLines(Path auditFile, Set<String> ids, Map<String, List<JsonNode>> checkpoints)
      throws IOException {
    Map<String, JsonNode> out = new HashMap<>();
    if (!Files.exists(auditFile)) {
      return out;
    }
    String end = AuditCode.SESSION_END.event();
    String interrupted = AuditCode.SESSION_INTERRUPTED.event();
    String checkpoint = AuditCode.RECORDING_CHECKPOINT.event();
    try (BufferedReader r = Files.newBufferedReader(auditFile, StandardCharsets.UTF_8)) {
      String line;
      while ((line = r.readLine()) != null) {
        Matcher m = SESSION_ID.matcher(line);
        boolean candidate = false;
        while (!candidate && m.find()) {
          candidate = ids.contains(m.group(1)) && !out.containsKey(m.group(1));
        }
        if (!candidate) {
          continue;
        }
        JsonNode n;
        try {
          n = AuditLog.JSON.readTree(line);
        } catch (IOException e) {
          continue; // verify reports lines that do not parse
        }
        String event = n.path("event").asText();
        String id = n.path("sessionId").asText(null);
        if ((event.equals(end) || event.equals(interrupted)) && id != null && ids.contains(id)) {
          out.putIfAbsent(id, n);
        } else if (event.equals(checkpoint) && id != null && ids.contains(id)) {
          checkpoints.computeIfAbsent(id, k -> new ArrayList<>()).add(n);
        }
      }
    }
    return out;
  }
}
