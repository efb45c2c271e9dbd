package dev.gatehouse.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.policy.Approvers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One registered target. The SSH user name selects it ({@code ssh shell@gatehouse}).
 *
 * <p>For {@code command} targets, {@code command} is the interactive argv and {@code exec} the
 * argv to which a client's exec request is appended as one argument (default {@code command +
 * "-c"}). The child gets only {@code env} plus TERM and LANG/LC_*, and runs as {@code runAs}.
 *
 * <p>{@code description} is what agents read about the target ({@code list_targets} of the MCP
 * server); optional, one line.
 *
 * <p>{@code kubernetes} targets are reached through the gateway's API proxy ({@code ssh -L
 * PORT:TARGET:443 TARGET@gw}); {@code policy} must name a {@code type: kubernetes} policy.
 */
public record TargetConfig(
    String name,
    TargetType type,
    List<String> command,
    List<String> exec,
    Map<String, String> env,
    String runAs,
    Allow allow,
    Duration idleTimeout,
    Duration maxSessionLength,
    PostgresSettings postgres,
    SshTargetSettings ssh,
    KubernetesSettings kubernetes,
    JsonNode approvers,
    String access,
    String policy,
    String description) {

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern USER = Pattern.compile("[a-z_][a-z0-9_-]*\\$?|[0-9]+");
  public static final String RESERVED_APPROVALS = "approvals";
  /** The SSH user name of the MCP server for agents ({@code ssh mcp@gw}). */
  public static final String RESERVED_MCP = "mcp";
  private static final int MAX_DESCRIPTION = 1000;

  public TargetConfig {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "name: '" + name + "' must be lower-case letters, digits, '.', '_' or '-' (max 63)");
    }
    if (RESERVED_APPROVALS.equals(name)) {
      throw new IllegalArgumentException("name: 'approvals' is reserved for the approvals user");
    }
    if (RESERVED_MCP.equals(name)) {
      throw new IllegalArgumentException("name: 'mcp' is reserved for the MCP server for agents (ssh mcp@gw)");
    }
    if (description != null && (description.length() > MAX_DESCRIPTION || description.chars().anyMatch(Character::isISOControl))) {
      throw new IllegalArgumentException("description: at most " + MAX_DESCRIPTION + " characters, one line");
    }
    if (type == null) {
      throw new IllegalArgumentException("type: missing (command, ssh, postgres)");
    }
    env = env == null ? Map.of() : Map.copyOf(env);
    for (String k : env.keySet()) {
      if (!ENV_NAME.matcher(k).matches()) {
        throw new IllegalArgumentException("env: '" + k + "' is not a variable name");
      }
    }
    if (type == TargetType.COMMAND) {
      if (command == null || command.isEmpty() || command.get(0).isBlank()) {
        throw new IllegalArgumentException("command: a command target needs an argv, e.g. [\"/bin/bash\", \"-l\"]");
      }
      if (!command.get(0).startsWith("/")) {
        throw new IllegalArgumentException(
            "command: '" + command.get(0) + "' must be an absolute path (the child gets no PATH of ours)");
      }
      command = List.copyOf(command);
      if (exec == null || exec.isEmpty()) {
        exec = new java.util.ArrayList<>(command);
        exec.add("-c");
      }
      exec = List.copyOf(exec);
    } else {
      if (type == TargetType.POSTGRES && postgres == null) {
        throw new IllegalArgumentException(
            "postgres: a postgres target needs {host, port, database, user, password, tls}");
      }
      if (type == TargetType.SSH && ssh == null) {
        throw new IllegalArgumentException("ssh: an ssh target needs {host, port, user, hostKey}");
      }
      if (type == TargetType.KUBERNETES && kubernetes == null) {
        throw new IllegalArgumentException("kubernetes: a kubernetes target needs {server, token | clientCert + clientKey}");
      }
      command = command == null ? List.of() : List.copyOf(command);
      exec = exec == null ? List.of() : List.copyOf(exec);
    }
    if (runAs != null && !USER.matcher(runAs).matches()) {
      throw new IllegalArgumentException("runAs: '" + runAs + "' is not a user name");
    }
    allow = allow == null ? new Allow(null, null) : allow;
    idleTimeout = idleTimeout == null ? Duration.ofMinutes(15) : idleTimeout;
    maxSessionLength = maxSessionLength == null ? Duration.ofHours(8) : maxSessionLength;
    if (idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new IllegalArgumentException("idleTimeout: must be positive");
    }
    if (maxSessionLength.isNegative() || maxSessionLength.isZero()) {
      throw new IllegalArgumentException("maxSessionLength: must be positive");
    }
    access = access == null ? "open" : access;
    if (!access.equals("open") && !access.equals("review")) {
      throw new IllegalArgumentException("access: '" + access + "' must be open or review");
    }
    if (approvers != null && approvers.isNull()) {
      approvers = null;
    }
    Approvers parsed = parseApprovers(approvers);
    if (access.equals("review") && parsed == null) {
      throw new IllegalArgumentException("access: review needs approvers: {groups: [...], min: N} on the target");
    }
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

  private static Approvers parseApprovers(JsonNode node) {
    return node == null ? null : Approvers.parse(JSON.convertValue(node, Object.class), "approvers");
  }

  /** Who approves this target's reviews (and its access when {@code access: review}); empty when nobody. */
  public java.util.Optional<Approvers> approverRule() {
    return java.util.Optional.ofNullable(parseApprovers(approvers));
  }

  public boolean accessNeedsApproval() {
    return access.equals("review");
  }
}
