package dev.gatehouse.gateway.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.gateway.GatewayServices;
import dev.gatehouse.gateway.approval.ApprovalJson;
import dev.gatehouse.gateway.auth.AuthenticatedUser;
import dev.gatehouse.gateway.config.TargetConfig;
import dev.gatehouse.gateway.config.TargetType;
import dev.gatehouse.gateway.postgres.StatementGate.Decision;
import dev.gatehouse.recorder.AuditCode;
import dev.gatehouse.recorder.StatementMarker;
import dev.gatehouse.recorder.approval.ApprovalRequest;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tools an agent calls, without any transport: each takes the call's arguments (as JSON the
 * client sent) and the connection it came on (the person, the recording), and returns a {@link
 * ToolResult}. Names and shapes are the contract of docs/mcp.md.
 *
 * <pre>
 *  list_targets                      ─▶ the targets this person may use
 *  sql_query {target, sql, maxRows?} ─▶ SqlQuery: the target's wire proxy (judge, mask, row limit)
 *  run_command {target, command, maxBytes?} ─▶ CommandRun: shell guard, then the target's exec argv
 *  kubectl {target, args, maxBytes?} ─▶ KubectlRun: allow-list, kubectl in the sandbox ─▶ the kube proxy judges each request
 *  approval_status {request}         ─▶ the request as GET /api/approvals shows it
 *  a review ─▶ approval request (never waits) ─▶ {"status":"pending",…}; the same call again runs once approved
 * </pre>
 */
public final class GatehouseTools {
  private static final Logger LOG = LoggerFactory.getLogger(GatehouseTools.class);

  public static final String LIST_TARGETS = "list_targets";
  public static final String SQL_QUERY = "sql_query";
  public static final String RUN_COMMAND = "run_command";
  public static final String KUBECTL = "kubectl";
  public static final String APPROVAL_STATUS = "approval_status";

  /** The longest statement or command text a call may carry. */
  static final int MAX_TEXT = 1 << 20;
  static final int DEFAULT_MAX_ROWS = 1000;
  static final int MAX_ROWS = 100_000;

  private GatehouseTools() {}

  /** Runs one call; never throws: a failure is an error result (and audited as the call's verdict). */
  public static ToolResult call(McpConnection conn, String tool, JsonNode args) {
    JsonNode a = args == null || args.isNull() ? ToolResult.JSON.createObjectNode() : args;
    String target = a.path("target").isTextual() ? a.path("target").asText() : null;
    McpConnection.Call call = conn.begin(tool, target, shown(tool, a));
    if (!conn.enterCall()) {
      return call.end(ToolResult.error("busy", McpConnection.MAX_CALLS_IN_FLIGHT
          + " calls of this connection are running; call again when one has returned"));
    }
    ToolResult r;
    try {
      String unexpected = unexpectedArgument(tool, args);
      r = unexpected != null ? ToolResult.error("bad-arguments", unexpected) : switch (tool) {
        case LIST_TARGETS -> listTargets(conn);
        case SQL_QUERY -> sqlQuery(conn, call, a);
        case RUN_COMMAND -> runCommand(conn, call, a);
        case APPROVAL_STATUS -> approvalStatus(conn, a);
        case KUBECTL -> kubectl(conn, call, a);
        default -> ToolResult.error("unknown-tool", "no tool named '" + tool + "'");
      };
    } catch (IOException | RuntimeException e) {
      LOG.error("mcp session {}: {} failed", conn.id(), tool, e);
      r = ToolResult.error("failed", tool + " failed: " + e.getMessage());
    }
    try {
      return call.end(r);
    } finally {
      conn.leaveCall();
    }
  }

  /**
   * The arguments each tool takes, as its input schema in {@link McpToolSpecs} names them. The
   * SDK's own schema check is off (it would answer outside the call: unaudited, unrecorded, not in
   * the documented shape), so the tools check here: names outside these, and then each value's
   * type and range in the tool itself, are {@code bad-arguments} results.
   */
  static final Map<String, Set<String>> ARGUMENTS = Map.of(
      LIST_TARGETS, Set.of(),
      SQL_QUERY, Set.of("target", "sql", "maxRows"),
      RUN_COMMAND, Set.of("target", "command", "maxBytes"),
      KUBECTL, Set.of("target", "args", "maxBytes"),
      APPROVAL_STATUS, Set.of("request"));

  /** Why the arguments are not an object of the tool's argument names, or null. */
  private static String unexpectedArgument(String tool, JsonNode args) {
    if (args != null && !args.isNull() && !args.isObject()) {
      return tool + " takes an object of arguments";
    }
    Set<String> names = ARGUMENTS.get(tool);
    if (names == null || args == null) {
      return null;
    }
    for (var it = args.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!names.contains(name)) {
        return tool + " takes no argument '" + StatementMarker.text(TextLimit.cut(name, 256)) + "'; it takes "
            + (names.isEmpty() ? "none" : String.join(", ", new java.util.TreeSet<>(names)));
      }
    }
    return null;
  }

  /** What the recording and the audit line show of a call's arguments (statement or command text, never secrets). */
  static String shown(String tool, JsonNode a) {
    return switch (tool) {
      case SQL_QUERY -> text(a, "sql");
      case RUN_COMMAND -> text(a, "command");
      case APPROVAL_STATUS -> "request " + text(a, "request");
      case KUBECTL -> a.path("args").isArray() ? "kubectl " + shellWords(a.path("args")) : null;
      default -> null;
    };
  }

  /** The args as one line a person could paste (words quoted where a shell would split them). */
  private static String shellWords(JsonNode args) {
    StringBuilder b = new StringBuilder();
    for (JsonNode w : args) {
      String s = w.isTextual() ? w.asText() : w.toString();
      if (b.length() > 0) {
        b.append(' ');
      }
      b.append(!s.isEmpty() && s.matches("[A-Za-z0-9_./:=,@%+-]+") ? s : "'" + s.replace("'", "'\\''") + "'");
      if (b.length() > MAX_TEXT) {
        break;
      }
    }
    return b.toString();
  }

  private static String text(JsonNode a, String field) {
    JsonNode n = a.path(field);
    return n.isTextual() ? n.asText() : null;
  }

  static ToolResult listTargets(McpConnection conn) {
    AuthenticatedUser user = conn.user();
    ArrayNode list = ToolResult.JSON.createArrayNode();
    for (TargetConfig t : conn.services().config().targets()) {
      if (t.allow().permits(user.identity(), user.groups())) {
        ObjectNode n = list.addObject();
        n.put("name", t.name());
        n.put("type", t.type().label());
        n.put("description", t.description() != null ? t.description() : describe(t));
      }
    }
    return ToolResult.ok(list);
  }

  /** A target without its own description: what it is and which tool reaches it. */
  private static String describe(TargetConfig t) {
    return switch (t.type()) {
      case POSTGRES -> "PostgreSQL database " + t.postgres().database() + " (use sql_query)";
      case COMMAND -> "commands on the bastion (use run_command)";
      case SSH -> "SSH host (use run_command)";
      case KUBERNETES -> "Kubernetes cluster (use kubectl)";
    };
  }

  /**
   * The target a call names, if this person may use it with this tool; else the refusal. A target
   * that needs an access window ({@code access: review}) is used only within an approved one.
   */
  private static Object usable(McpConnection conn, String tool, JsonNode a, List<TargetType> types) throws IOException {
    JsonNode t = a.path("target");
    if (!t.isTextual() || t.asText().isEmpty()) {
      return ToolResult.error("bad-arguments", tool + " needs a target (a name from list_targets)");
    }
    GatewayServices s = conn.services();
    AuthenticatedUser user = conn.user();
    Optional<TargetConfig> target = s.config().target(t.asText());
    if (target.isEmpty() || !target.get().allow().permits(user.identity(), user.groups())) {
      if (target.isPresent()) {
        s.audit().tryRecord(AuditCode.AUTH_FAILED, "reason", "target-not-allowed", "identity", user.identity(),
            "groups", String.join(",", user.groups()), "target", target.get().name(), "client", user.clientAddress(),
            "via", "mcp");
      }
      // The same answer for a target that does not exist and one this person may not use.
      return ToolResult.refused("refused", "refused", "target-not-allowed",
          user.identity() + " may not use target '" + StatementMarker.text(t.asText()) + "' (see list_targets)");
    }
    TargetConfig tc = target.get();
    if (!types.contains(tc.type())) {
      return ToolResult.error("wrong-tool", "target '" + tc.name() + "' is of type " + tc.type().label()
          + "; " + tool + " serves " + String.join(", ", types.stream().map(TargetType::label).toList()) + " targets");
    }
    if (tc.accessNeedsApproval() && s.approvals().store().openAccess(user.identity(), tc.name(), Instant.now()).isEmpty()) {
      return ToolResult.refused("refused", "refused", "access-review", "target '" + tc.name()
          + "' needs an approved access window; request it with ssh " + tc.name() + "@gatehouse");
    }
    return tc;
  }

  private static ToolResult sqlQuery(McpConnection conn, McpConnection.Call call, JsonNode a) throws IOException {
    Object t = usable(conn, SQL_QUERY, a, List.of(TargetType.POSTGRES));
    if (t instanceof ToolResult refusal) {
      return refusal;
    }
    String sql = text(a, "sql");
    String bad = badText("sql", sql);
    if (bad != null) {
      return ToolResult.error("bad-arguments", bad);
    }
    int maxRows = DEFAULT_MAX_ROWS;
    JsonNode mr = a.path("maxRows");
    if (!mr.isMissingNode() && !mr.isNull()) {
      if (!mr.canConvertToInt() || !mr.isIntegralNumber() || mr.asInt() < 0) {
        return ToolResult.error("bad-arguments", "maxRows must be a whole number from 0");
      }
      maxRows = Math.min(mr.asInt(), MAX_ROWS);
    }
    long maxBytes = conn.services().config().mcp().maxOutputBytesValue();
    return SqlQuery.run(conn, call, (TargetConfig) t, sql, maxRows, maxBytes);
  }

  private static ToolResult runCommand(McpConnection conn, McpConnection.Call call, JsonNode a) throws IOException {
    Object t = usable(conn, RUN_COMMAND, a, List.of(TargetType.COMMAND, TargetType.SSH));
    if (t instanceof ToolResult refusal) {
      return refusal;
    }
    String command = text(a, "command");
    String bad = badText("command", command);
    if (bad != null) {
      return ToolResult.error("bad-arguments", bad);
    }
    Object maxBytes = callBytes(conn, a);
    if (maxBytes instanceof ToolResult refusal) {
      return refusal;
    }
    return CommandRun.run(conn, call, (TargetConfig) t, command, (Long) maxBytes);
  }

  /**
   * How many bytes of output the call may return: its {@code maxBytes} within mcp's limits (the
   * default when absent), a {@code Long}; or the result refusing a value that is not a whole number
   * from 1.
   */
  private static Object callBytes(McpConnection conn, JsonNode a) {
    Long want = null;
    JsonNode mb = a.path("maxBytes");
    if (!mb.isMissingNode() && !mb.isNull()) {
      if (!mb.isIntegralNumber() || !mb.canConvertToLong() || mb.asLong() < 1) {
        return ToolResult.error("bad-arguments", "maxBytes must be a whole number from 1");
      }
      want = mb.asLong();
    }
    return conn.services().config().mcp().callBytes(want);
  }

  private static ToolResult kubectl(McpConnection conn, McpConnection.Call call, JsonNode a) throws IOException {
    Object t = usable(conn, KUBECTL, a, List.of(TargetType.KUBERNETES));
    if (t instanceof ToolResult refusal) {
      return refusal;
    }
    JsonNode args = a.path("args");
    if (!args.isArray() || args.isEmpty()) {
      return ToolResult.error("bad-arguments", "args must be a non-empty array of strings, e.g. [\"get\", \"pods\"]");
    }
    List<String> words = new ArrayList<>();
    long length = 0;
    for (JsonNode w : args) {
      if (!w.isTextual()) {
        return ToolResult.error("bad-arguments", "args must hold strings only");
      }
      length += w.asText().length() + 1;
      if (w.asText().indexOf('\0') >= 0) {
        return ToolResult.error("bad-arguments", "args contain a NUL character");
      }
      words.add(w.asText());
    }
    if (length > MAX_TEXT) {
      return ToolResult.error("bad-arguments", "args are longer than " + MAX_TEXT + " characters");
    }
    Object maxBytes = callBytes(conn, a);
    if (maxBytes instanceof ToolResult refusal) {
      return refusal;
    }
    return KubectlRun.run(conn, call, (TargetConfig) t, words, (Long) maxBytes);
  }

  /** The request as GET /api/approvals shows it, to its requester and to those who may decide it. */
  private static ToolResult approvalStatus(McpConnection conn, JsonNode a) throws IOException {
    String id = text(a, "request");
    if (id == null || id.isBlank() || id.length() > 64) {
      return ToolResult.error("bad-arguments", "approval_status needs a request id");
    }
    AuthenticatedUser user = conn.user();
    Optional<ApprovalRequest> r = conn.services().approvals().find(id.strip());
    if (r.isEmpty() || !(r.get().requester().equals(user.identity())
        || r.get().approverGroups().stream().anyMatch(user.groups()::contains))) {
      return ToolResult.error("not-found", "no approval request " + StatementMarker.text(id) + " that you may see");
    }
    return ToolResult.ok(ApprovalJson.of(r.get()));
  }

  /** Why a statement or command text is refused before anything judges it, or null. */
  private static String badText(String field, String text) {
    if (text == null || text.isBlank()) {
      return field + " must be a non-empty string";
    }
    if (text.length() > MAX_TEXT) {
      return field + " is longer than " + MAX_TEXT + " characters";
    }
    if (text.indexOf('\0') >= 0) {
      return field + " contains a NUL character";
    }
    return null;
  }

  /**
   * A refused decision of the policy or of approvals as a tool result: pending (the request made,
   * its approver groups), or blocked, denied, expired, cancelled with the rule and reason. A review
   * that nobody can approve is blocked.
   */
  static ToolResult refusal(Decision d, McpConnection.Call call) {
    return switch (d.verdict()) {
      case Decision.PENDING -> {
        ApprovalRequest r = call.requested();
        yield r == null
            ? ToolResult.refused("blocked", "review", d.rule(), d.reason())
            : ToolResult.pending(r.id(), r.approverGroups(), d.rule(), d.reason());
      }
      case Decision.DENIED -> ToolResult.refused("denied", "denied", d.rule(), d.reason());
      case Decision.EXPIRED -> ToolResult.refused("expired", "expired", d.rule(), d.reason());
      case Decision.CANCELLED -> ToolResult.refused("cancelled", "cancelled", d.rule(), d.reason());
      case Decision.REVIEW -> ToolResult.refused("blocked", "review", d.rule(), d.reason());
      default -> ToolResult.blocked(d.rule(), d.reason());
    };
  }

}
