package dev.gatehouse.gateway.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.gatehouse.gateway.GatewayServices;
import dev.gatehouse.gateway.approval.ApprovalGate;
import dev.gatehouse.gateway.auth.AuthenticatedUser;
import dev.gatehouse.gateway.postgres.StatementLog;
import dev.gatehouse.gateway.session.LiveSession;
import dev.gatehouse.gateway.session.SessionIds;
import dev.gatehouse.gateway.session.SessionRecording;
import dev.gatehouse.recorder.AuditCode;
import dev.gatehouse.recorder.StatementMarker;
import dev.gatehouse.recorder.VisibleText;
import dev.gatehouse.recorder.approval.ApprovalRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One MCP connection as one recorded session (target {@value #TARGET}), whatever transport carries
 * it: each tool call is written into the asciicast as text (the call, then its result), with a
 * marker naming its verdict, and audited ({@code GH3008I mcp-tool-call}); statements and commands
 * inside a call get their own audit lines ({@code GH3000I}…) naming the real target. The session is
 * in the registry, so {@code sessions kill}, revocation and expiry end it like a terminal session.
 */
public final class McpConnection implements LiveSession {
  private static final Logger LOG = LoggerFactory.getLogger(McpConnection.class);

  /** The target name of MCP sessions in the index, the recording's header and the audit log. */
  public static final String TARGET = "mcp";

  /** The asciicast's width: results are wrapped by the player, not by us. */
  private static final int COLUMNS = 120;
  private static final int ROWS = 40;

  /**
   * Calls one connection may have running at once; one more is answered {@code busy} at once
   * (audited and recorded like every call), so that a connection holds at most this many threads
   * and this many times {@code mcp.maxOutputBytes} of results.
   */
  static final int MAX_CALLS_IN_FLIGHT = 4;

  private final GatewayServices services;
  private final AuthenticatedUser user;
  private final String via;
  private final Runnable hangUp;
  private final String id = SessionIds.next();
  private final AtomicBoolean finished = new AtomicBoolean();
  /** What a running call can be stopped by (a proxy session, a child): ended with the session. */
  private final Set<AutoCloseable> running = ConcurrentHashMap.newKeySet();
  private final Semaphore inFlight = new Semaphore(MAX_CALLS_IN_FLIGHT);
  private volatile SessionRecording recording;
  private volatile String endReason = "client-closed";

  /**
   * @param via the transport, for the audit lines ({@code ssh}; the HTTP transport its own)
   * @param hangUp ends the transport's connection (the session was killed, or its certificate
   *     revoked or expired)
   */
  public McpConnection(GatewayServices services, AuthenticatedUser user, String via, Runnable hangUp) {
    this.services = services;
    this.user = user;
    this.via = via;
    this.hangUp = hangUp;
  }

  GatewayServices services() {
    return services;
  }

  /** Opens the recording and registers the session; false (and logged) when it cannot be recorded. */
  public boolean open() {
    try {
      if (services.config().recording().diskTooFull(services.config().dataDir())) {
        services.audit().tryRecord(AuditCode.SESSION_REFUSED, "identity", user.identity(), "target", TARGET,
            "reason", "low-disk", "minFreeDisk", services.config().recording().minFreeDisk());
        return false;
      }
      recording = SessionRecording.open(services.config().dataDir(), services.index(), services.audit(), id, user,
          TARGET, COLUMNS, ROWS, "dumb", "mcp: tool calls by an agent (" + via + ")",
          services.config().recording().input(), null);
    } catch (IOException | RuntimeException e) {
      LOG.error("mcp session refused: recording unavailable: {}", e.toString());
      services.audit().tryRecord(AuditCode.RECORDING_FAILED, "sessionId", id, "identity", user.identity(),
          "target", TARGET, "error", String.valueOf(e.getMessage()));
      return false;
    }
    services.registry().add(this);
    return true;
  }

  /** Closes the recording and the index row once; {@code reason} is the session's end reason. */
  public void close(String reason) {
    if (!finished.compareAndSet(false, true)) {
      return;
    }
    if (reason != null) {
      endReason = reason;
    }
    stopRunning();
    try {
      if (recording != null) {
        recording.close(0, null, endReason);
      }
    } finally {
      services.registry().remove(this);
    }
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public AuthenticatedUser user() {
    return user;
  }

  @Override
  public String target() {
    return TARGET;
  }

  @Override
  public void terminate(String reason, String message) {
    if (finished.get()) {
      return;
    }
    endReason = reason;
    writeText(message + "\n");
    mark("gatehouse: " + VisibleText.inline(reason));
    services.audit().tryRecord(AuditCode.SESSION_KILLED, "sessionId", id, "identity", user.identity(),
        "target", TARGET, "reason", reason);
    close(reason);
    hangUp.run();
  }

  @Override
  public void warn(String message) {
    writeText(message + "\n");
    mark(message);
  }

  @Override
  public boolean ended() {
    return finished.get();
  }

  @Override
  public void checkpoint() {
    SessionRecording r = recording;
    if (r != null) {
      r.checkpoint();
    }
  }

  /**
   * Starts a call: its text in the recording. {@code shown} is the call as the recording shows it;
   * it and the target name (both the agent's text) are bounded there and in the audit line.
   */
  Call begin(String tool, String target, String shown) {
    String t = TextLimit.cut(target, TextLimit.AUDIT_FIELD_BYTES);
    String recorded = TextLimit.cut(shown, TextLimit.RECORDED_ARGUMENT_BYTES);
    writeText("\n$ " + tool + (t == null ? "" : " " + t) + (recorded == null ? "" : "\n" + recorded) + "\n");
    return new Call(tool, t, TextLimit.cut(shown, TextLimit.AUDIT_FIELD_BYTES));
  }

  /** Takes a place among the calls in flight; false when {@value #MAX_CALLS_IN_FLIGHT} run already. */
  boolean enterCall() {
    return inFlight.tryAcquire();
  }

  void leaveCall() {
    inFlight.release();
  }

  /** Whether a call is running (its answer is still to be written). */
  boolean callsRunning() {
    return inFlight.availablePermits() < MAX_CALLS_IN_FLIGHT;
  }

  /** Something a running call can be stopped with when the session ends (closed when the call ends). */
  AutoCloseable running(AutoCloseable stop) {
    running.add(stop);
    return () -> running.remove(stop);
  }

  private void stopRunning() {
    for (AutoCloseable c : List.copyOf(running)) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.debug("mcp session {}: stopping a call: {}", id, e.toString());
      }
    }
  }

  /** One tool call: what its statements and approvals need, and its end. */
  final class Call {
    private final String tool;
    private final String target;
    private final String shown;
    private final AtomicReference<ApprovalRequest> requested = new AtomicReference<>();

    private Call(String tool, String target, String shown) {
      this.tool = tool;
      this.target = target;
      this.shown = shown;
    }

    String sessionId() {
      return id;
    }

    AuthenticatedUser user() {
      return user;
    }

    /** The approval request this call made (a review, for the pending result), if any. */
    ApprovalRequest requested() {
      return requested.get();
    }

    /** The approval gate's view of this session: markers here, and the request it made. */
    ApprovalGate.Session approvalSession() {
      return new ApprovalGate.Session() {
        @Override
        public String sessionId() {
          return id;
        }

        @Override
        public String identity() {
          return user.identity();
        }

        @Override
        public void marker(String text) {
          mark(text);
        }

        @Override
        public void requested(ApprovalRequest request) {
          requested.set(request);
        }
      };
    }

    /** The proxy's statement lines: audited with the real target, and marked here. */
    StatementLog statementLog() {
      return new StatementLog() {
        @Override
        public void statement(String sql, String verdict, String rule, String reason, long rows, Duration duration) {
          judged(AuditCode.STATEMENT_ALLOWED, sql, verdict, rule, reason, "rows", rows,
              "durationMs", duration == null ? null : duration.toMillis());
        }

        @Override
        public void errorHidden(String sql, String sqlState, String text) {
          services.audit().tryRecord(AuditCode.STATEMENT_ERROR_HIDDEN, "sessionId", id, "identity", user.identity(),
              "target", target, "statement", sql, "sqlState", sqlState,
              "error", TextLimit.cut(text, TextLimit.AUDIT_FIELD_BYTES), "via", "mcp");
          mark("error hidden (SQLSTATE " + sqlState + "): the statement reads a masked column");
        }
      };
    }

    /** Where a kubectl call's API requests are told: audit lines naming the real target, and markers. */
    dev.gatehouse.gateway.kube.KubectlCall.Log kubeLog() {
      return new dev.gatehouse.gateway.kube.KubectlCall.Log() {
        @Override
        public void request(String request, String verdict, String rule, String reason, int status, long millis,
            boolean marker) {
          Object[] fields = {"sessionId", id, "identity", user.identity(), "target", target, "request", request,
              "verdict", verdict, "rule", rule, "reason", reason, "status", status, "durationMs", millis, "via", "mcp"};
          audit(verdict, fields);
          if (marker) {
            mark(verdict + (rule == null ? "" : " " + rule) + ": " + StatementMarker.text(request) + " -> " + status
                + " (" + millis + " ms)");
          }
        }

        @Override
        public void marker(String text) {
          mark(text);
        }
      };
    }

    /** A command line refused before anything ran (kubectl's allow-list): its audit line and marker. */
    void lineRefused(String text, String rule, String reason) {
      judged(AuditCode.STATEMENT_ALLOWED, text, "block", rule, reason);
    }

    /** A shell command was judged on the target: its audit line and marker. */
    void commandJudged(String text, String verdict, String rule, String reason, List<String> commands) {
      judged(AuditCode.STATEMENT_ALLOWED, text, verdict, rule, reason, "commands", commands, "source", "exact");
    }

    private void judged(AuditCode allowed, String text, String verdict, String rule, String reason, Object... extra) {
      Object[] base = {"sessionId", id, "identity", user.identity(), "target", target, "statement", text,
          "verdict", verdict, "rule", rule, "reason", reason, "via", "mcp"};
      Object[] fields = new Object[base.length + extra.length];
      System.arraycopy(base, 0, fields, 0, base.length);
      System.arraycopy(extra, 0, fields, base.length, extra.length);
      audit(verdict, fields);
      mark(verdict + (rule == null ? "" : " " + rule) + ": " + StatementMarker.text(text));
    }

    /** A judged statement, command or request: allowed ones are queued (group commit), the rest written now. */
    private void audit(String verdict, Object[] fields) {
      AuditCode code = switch (verdict) {
        case "allow" -> AuditCode.STATEMENT_ALLOWED;
        case "review" -> AuditCode.REVIEW_REQUESTED;
        default -> AuditCode.STATEMENT_BLOCKED;
      };
      if (code == AuditCode.STATEMENT_ALLOWED) {
        services.audit().recordLater(code, fields);
      } else {
        services.audit().tryRecord(code, fields);
      }
    }

    /**
     * Ends the call: the result as text, the call's marker and its audit line. Every string of the
     * result is bounded by {@code mcp.maxOutputBytes} (a second wall behind each tool's own
     * budget: a server's error text, a failure's message), the reason in the audit line by {@link
     * TextLimit#AUDIT_FIELD_BYTES}.
     */
    ToolResult end(ToolResult result) {
      int cap = (int) Math.min(services.config().mcp().maxOutputBytesValue(), Integer.MAX_VALUE - 64);
      ToolResult r = new ToolResult(result.isError(), bounded(result.body(), cap), result.verdict(),
          TextLimit.cut(result.rule(), TextLimit.AUDIT_FIELD_BYTES),
          TextLimit.cut(result.reason(), TextLimit.AUDIT_FIELD_BYTES));
      writeText(r.text() + "\n");
      mark("mcp " + tool + (target == null ? "" : " " + target) + ": " + r.verdict()
          + (r.rule() == null ? "" : " " + r.rule()));
      services.audit().tryRecord(AuditCode.MCP_TOOL_CALL, "sessionId", id, "identity", user.identity(),
          "target", target, "tool", tool, "arguments", shown, "verdict", r.verdict(), "rule", r.rule(),
          "reason", r.reason(), "via", via);
      return r;
    }
  }

  /** {@code body} with each string cut to {@code maxBytes} (the same node when none is longer). */
  private static JsonNode bounded(JsonNode body, int maxBytes) {
    if (body == null) {
      return null;
    }
    if (body.isTextual()) {
      return TextLimit.fits(body.textValue(), maxBytes) ? body
          : TextNode.valueOf(TextLimit.cut(body.textValue(), maxBytes));
    }
    if (body.isContainerNode() && tooLong(body, maxBytes)) {
      JsonNode copy = body.deepCopy();
      boundInPlace(copy, maxBytes);
      return copy;
    }
    return body;
  }

  private static boolean tooLong(JsonNode node, int maxBytes) {
    if (node.isTextual()) {
      return !TextLimit.fits(node.textValue(), maxBytes);
    }
    for (JsonNode child : node) {
      if (tooLong(child, maxBytes)) {
        return true;
      }
    }
    return false;
  }

  private static void boundInPlace(JsonNode node, int maxBytes) {
    if (node instanceof ObjectNode o) {
      for (var it = o.fields(); it.hasNext(); ) {
        var e = it.next();
        if (e.getValue().isTextual()) {
          e.setValue(TextNode.valueOf(TextLimit.cut(e.getValue().textValue(), maxBytes)));
        } else {
          boundInPlace(e.getValue(), maxBytes);
        }
      }
    } else if (node instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        if (a.get(i).isTextual()) {
          a.set(i, TextNode.valueOf(TextLimit.cut(a.get(i).textValue(), maxBytes)));
        } else {
          boundInPlace(a.get(i), maxBytes);
        }
      }
    }
  }

  /** Text into the recording as output (what a replay shows), made visible and with CR LF. */
  private void writeText(String text) {
    SessionRecording r = recording;
    if (r == null) {
      return;
    }
    byte[] b = VisibleText.lines(text).replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
    try {
      r.output(b, 0, b.length);
    } catch (IOException e) {
      recordingFailed(e);
    }
  }

  private void mark(String text) {
    SessionRecording r = recording;
    if (r == null) {
      return;
    }
    try {
      r.marker(text);
    } catch (IOException e) {
      recordingFailed(e);
    }
  }

  /** Nothing runs unrecorded: the connection ends. */
  private void recordingFailed(IOException e) {
    if (e instanceof dev.gatehouse.gateway.session.RecordingEnded) {
      LOG.debug("mcp session {}: {}", id, e.getMessage()); // raced the session's own close
      return;
    }
    LOG.error("mcp session {}: recording failed, ending the session: {}", id, e.toString());
    services.audit().tryRecord(AuditCode.RECORDING_FAILED, "sessionId", id, "error", String.valueOf(e.getMessage()));
    if (!finished.get()) {
      close("recording-failed");
      hangUp.run();
    }
  }
}
