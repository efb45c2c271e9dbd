package dev.gatehouse.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.recorder.AuditCode;
import dev.gatehouse.recorder.IntegrityCheck;
import dev.gatehouse.recorder.RecordingIntegrity;
import dev.gatehouse.recorder.SessionRecord;
import dev.gatehouse.recorder.SessionState;
import dev.gatehouse.recorder.search.Marker;
import dev.gatehouse.recorder.search.RecordingText;
import dev.gatehouse.recorder.search.SearchHit;
import dev.gatehouse.recorder.search.SearchPage;
import dev.gatehouse.recorder.search.SearchQuery;
import dev.gatehouse.recorder.search.SearchResult;
import dev.gatehouse.web.login.Caller;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code /api/sessions}: search and list, one session with its markers and integrity, and
 * terminate. A session the caller may not see answers 404, as one that does not exist, so ids
 * cannot be probed.
 */
final class SessionsApi {
  /** Session ids as the gateway makes them and as recordings are named; anything else is not found. */
  static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  static final int DEFAULT_LIMIT = 50;
  /** A termination reason is at most 500 characters; the JSON around it fits in 16 KiB. */
  static final int MAX_BODY = 16 * 1024;

  private final ReplayWebContext ctx;

  SessionsApi(ReplayWebContext ctx) {
    this.ctx = ctx;
  }

  boolean list(Caller caller, Request request, Response response, Callback callback) throws IOException {
    SearchQuery q;
    try {
      QueryString p = QueryString.of(request);
      q = new SearchQuery(
          p.get("q"),
          blankToNull(p.get("identity")),
          blankToNull(p.get("target")),
          state(p.get("state")),
          instant(p.get("from"), "from"),
          instant(p.get("to"), "to"),
          bool(p.get("flagged"), "flagged"),
          blankToNull(p.get("cursor")),
          limit(p.get("limit")));
    } catch (QueryString.Malformed | IllegalArgumentException e) {
      return Replies.error(response, callback, 400, "bad-request", e.getMessage());
    }
    if (!caller.auditor()) {
      if (q.identity() != null && !q.identity().equals(caller.identity())) {
        ObjectNode empty = Replies.JSON.createObjectNode();
        empty.putArray("sessions");
        empty.putNull("next");
        return Replies.json(response, callback, 200, empty);
      }
      q = q.withIdentity(caller.identity());
    }
    SearchPage page;
    try {
      page = ctx.search().search(q);
    } catch (IllegalArgumentException e) {
      return Replies.error(response, callback, 400, "bad-request", e.getMessage());
    }
    ObjectNode body = Replies.JSON.createObjectNode();
    ArrayNode sessions = body.putArray("sessions");
    for (SearchResult r : page.sessions()) {
      ObjectNode s = session(r.session(), r.flagged());
      ArrayNode hits = s.putArray("hits");
      for (SearchHit h : r.hits()) {
        ObjectNode hit = hits.addObject().put("t", h.t()).put("kind", h.kind()).put("text", h.text());
        if (h.verdict() != null) {
          hit.put("verdict", h.verdict());
        }
      }
      sessions.add(s);
    }
    body.put("next", page.next());
    return Replies.json(response, callback, 200, body);
  }

  boolean detail(Caller caller, String id, Response response, Callback callback) throws IOException {
    Optional<SessionRecord> found = visible(caller, id);
    if (found.isEmpty()) {
      return notFound(response, callback);
    }
    SessionRecord s = found.get();
    Path file = recordingFile(s);
    List<Marker> markers = file != null && Files.isRegularFile(file) ? RecordingText.markers(file) : List.of();
    ObjectNode body = session(s, markers.stream().anyMatch(Marker::flagged));
    body.putArray("hits");
    ArrayNode m = body.putArray("markers");
    for (Marker k : markers) {
      m.addObject().put("t", k.t()).put("label", k.label()).put("kind", k.kind()).put("verdict", k.verdict())
          .put("rule", k.rule()).put("approver", k.approver()).put("text", k.text());
    }
    RecordingIntegrity integrity = IntegrityCheck.session(ctx.dataDir(), ctx.auditFile(), s, ctx.chainWitness());
    body.putObject("integrity").put("status", integrity.status()).put("detail", integrity.detail());
    body.put("recordingUrl", "/api/sessions/" + s.id() + "/recording");
    // What the download (and the player) will load: the .cast file's size now.
    body.put("bytes", file != null && Files.isRegularFile(file) ? Files.size(file) : s.bytes());
    boolean live = s.state() == SessionState.ACTIVE;
    body.put("live", live);
    body.put("liveUrl", live ? "/api/sessions/" + s.id() + "/live" : null);
    return Replies.json(response, callback, 200, body);
  }

  boolean terminate(Caller caller, String id, Request request, Response response, Callback callback)
      throws IOException {
    Optional<SessionRecord> found = visible(caller, id);
    if (found.isEmpty()) {
      return notFound(response, callback);
    }
    if (!caller.auditor()) {
      return Replies.error(response, callback, 403, "forbidden", "only auditors terminate sessions");
    }
    RequestBody.read(request, response, callback, MAX_BODY, bytes -> {
      JsonNode body = Replies.jsonObject(bytes);
      if (body == null) {
        Replies.error(response, callback, 400, "bad-request", "the body must be a JSON object {\"reason\": ...}");
        return;
      }
      String reason = Replies.clean(body.path("reason").asText(""), 500);
      SessionRecord s = found.get();
      if (s.state() != SessionState.ACTIVE) {
        Replies.error(response, callback, 409, "not-active", "session " + s.id() + " is " + s.state().wireName());
        return;
      }
      ctx.index().requestKill(s.id(), caller.identity(), reason);
      ctx.audit(AuditCode.SESSION_KILLED, "sessionId", s.id(), "by", caller.identity(), "reason", reason, "via", "web",
          "requestedAt", Instant.now().toString());
      ObjectNode out = Replies.JSON.createObjectNode();
      out.put("id", s.id());
      out.put("status", "terminating");
      Replies.json(response, callback, 202, out);
    });
    return true;
  }

  /** The session if it exists, its id is well-formed and the caller may see it. */
  Optional<SessionRecord> visible(Caller caller, String id) throws IOException {
    if (id == null || !ID.matcher(id).matches()) {
      return Optional.empty();
    }
    return ctx.search().find(id).filter(caller::maySee);
  }

  /** The recording's file, from the index, only if it lies under dataDir/recordings. */
  Path recordingFile(SessionRecord s) {
    if (s.path() == null) {
      return null;
    }
    Path root = ctx.dataDir().resolve("recordings").toAbsolutePath().normalize();
    Path file = ctx.dataDir().resolve(s.path()).toAbsolutePath().normalize();
    return file.startsWith(root) ? file : null;
  }

  static boolean notFound(Response response, Callback callback) {
    return Replies.error(response, callback, 404, "not-found", "no such session");
  }

  static ObjectNode session(SessionRecord s, boolean flagged) {
    ObjectNode o = Replies.JSON.createObjectNode();
    o.put("id", s.id());
    o.put("identity", s.identity());
    o.put("target", s.target());
    o.put("start", s.start().toString());
    o.put("end", s.end() == null ? null : s.end().toString());
    o.put("state", s.state().wireName());
    o.put("exitStatus", s.exitStatus());
    o.put("exitSignal", s.exitSignal());
    o.put("clientAddress", s.clientAddress());
    o.put("flagged", flagged);
    return o;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  private static SessionState state(String s) {
    if (s == null || s.isBlank()) {
      return null;
    }
    try {
      return SessionState.fromWireName(s);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("state: '" + Replies.clean(s, 40) + "' must be active, closed or interrupted");
    }
  }

  /** An ISO-8601 instant (2026-11-29T07:00:00Z) or a date (2026-11-29, midnight UTC). */
  static Instant instant(String s, String name) {
    if (s == null || s.isBlank()) {
      return null;
    }
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      try {
        return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
      } catch (DateTimeParseException e2) {
        throw new IllegalArgumentException(name + ": '" + Replies.clean(s, 40) + "' is not an ISO-8601 time or date");
      }
    }
  }

  private static Boolean bool(String s, String name) {
    if (s == null || s.isBlank()) {
      return null;
    }
    return switch (s) {
      case "true", "1" -> true;
      case "false", "0" -> false;
      default -> throw new IllegalArgumentException(name + ": must be true or false");
    };
  }

  private static int limit(String s) {
    if (s == null || s.isBlank()) {
      return DEFAULT_LIMIT;
    }
    try {
      int n = Integer.parseInt(s);
      if (n < 1 || n > SearchQuery.MAX_LIMIT) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("limit: must be 1.." + SearchQuery.MAX_LIMIT);
    }
  }
}
