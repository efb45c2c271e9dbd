package dev.gatehouse.gateway.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The whole configuration: an immutable tree parsed once at start (a reload builds a new tree).
 * {@code policies} is kept as a raw tree and parsed by the policy module.
 */
public record GatewayConfig(
    Path dataDir,
    SshSettings ssh,
    WebSettings web,
    OidcConfig oidc,
    RecordingSettings recording,
    ApprovalSettings approvals,
    List<TargetConfig> targets,
    JsonNode policies,
    McpSettings mcp,
    AuditSettings audit) {

  public GatewayConfig {
    if (dataDir == null) {
      dataDir = Path.of("var/gatehouse");
    }
    ssh = ssh == null ? SshSettings.defaults() : ssh;
    recording = recording == null ? RecordingSettings.defaults() : recording;
    approvals = approvals == null ? ApprovalSettings.defaults() : approvals;
    mcp = mcp == null ? McpSettings.defaults() : mcp;
    audit = audit == null ? AuditSettings.defaults() : audit;
    targets = targets == null ? List.of() : List.copyOf(targets);
    if (web != null && web.mcp() && oidc == null) {
      // Fail closed: the MCP endpoint admits nobody but holders of the issuer's access tokens.
      throw new IllegalArgumentException("web.mcp: the MCP endpoint needs oidc (its callers send access tokens of"
          + " oidc.issuer); add an oidc section or set web.mcp: false");
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < targets.size(); i++) {
      TargetConfig t = targets.get(i);
      if (!names.add(t.name())) {
        throw new IllegalArgumentException(
            "targets[" + i + "].name: '" + t.name() + "' is used by another target");
      }
    }
  }

  public Optional<TargetConfig> target(String name) {
    return targets.stream().filter(t -> t.name().equals(name)).findFirst();
  }

  /** Where the shared store (index, audit tables, issued certificates, revocations) lives. */
  public Path databaseFile() {
    return dataDir.resolve("gatehouse.db");
  }

  public Path caDirectory() {
    return dataDir.resolve("ca");
  }

  public Path auditFile() {
    return dataDir.resolve("audit").resolve("audit.jsonl");
  }
}
