package dev.gatehouse.gateway.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * What a tool call returns, whatever carries it: the JSON body (the contract in docs/mcp.md) and
 * whether it is an error result. Policy verdicts are results, never protocol errors: an agent reads
 * {@code {"status":"blocked","rule","reason"}} as it reads rows.
 *
 * @param verdict what the audit line and the recording's marker say: allow, block, review (nobody
 *     can approve), pending, denied, expired, cancelled, refused (not allowed on the target), or
 *     error (bad arguments, the target failed)
 */
public record ToolResult(boolean isError, JsonNode body, String verdict, String rule, String reason) {
  static final ObjectMapper JSON = new ObjectMapper();

  /** How long an agent should wait before retrying a pending call, in seconds. */
  static final int RETRY_AFTER_SECONDS = 30;

  static ToolResult ok(JsonNode body) {
    return new ToolResult(false, body, "allow", null, null);
  }

  /** A refusal with its status (blocked, denied, expired, cancelled): an error result. */
  static ToolResult refused(String status, String verdict, String rule, String reason) {
    ObjectNode n = JSON.createObjectNode();
    n.put("status", status);
    n.put("rule", rule);
    n.put("reason", reason);
    return new ToolResult(true, n, verdict, rule, reason);
  }

  static ToolResult blocked(String rule, String reason) {
    return refused("blocked", "block", rule, reason);
  }

  /** A review waits for approvers: not an error; the same call again runs once it is approved. */
  static ToolResult pending(String request, List<String> approvers, String rule, String reason) {
    ObjectNode n = JSON.createObjectNode();
    n.put("status", "pending");
    n.put("request", request);
    ArrayNode a = n.putArray("approvers");
    approvers.forEach(a::add);
    n.put("retryAfter", RETRY_AFTER_SECONDS);
    return new ToolResult(false, n, "pending", rule, reason);
  }

  /** Bad arguments, an unknown target, a target that failed: {@code {"status":"error","error":slug,"message"}}. */
  static ToolResult error(String slug, String message) {
    ObjectNode n = JSON.createObjectNode();
    n.put("status", "error");
    n.put("error", slug);
    n.put("message", message);
    return new ToolResult(true, n, "error", slug, message);
  }

  /** The body as the text content of the MCP result (compact JSON). */
  public String text() {
    return body.toString();
  }
}
