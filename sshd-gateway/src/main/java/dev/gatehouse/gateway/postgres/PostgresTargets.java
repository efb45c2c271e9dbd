package dev.gatehouse.gateway.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.gateway.config.ConfigException;
import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.gateway.config.TargetConfig;
import dev.gatehouse.gateway.config.TargetType;
import dev.gatehouse.policy.PolicyConfig;
import dev.gatehouse.policy.SqlPolicy;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The gateway's {@code postgres} targets as its configuration names them: their policies (parsed
 * from {@code policies:}) and, through {@link TargetAccess}, what their sessions share (one judge
 * per policy, the masked columns per target).
 */
public final class PostgresTargets implements AutoCloseable {
  /** See {@link TargetAccess#BUILT_IN_DEFAULT}. */
  static final SqlPolicy BUILT_IN_DEFAULT = TargetAccess.BUILT_IN_DEFAULT;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, SqlPolicy> policies;
  private final TargetAccess access = new TargetAccess();

  /** What one session gets: its gate and its masker. */
  public record Access(PolicyGate gate, ResultMasker masker) {}

  private PostgresTargets(Map<String, SqlPolicy> policies) {
    this.policies = policies;
  }

  public static PostgresTargets of(GatewayConfig config) throws ConfigException {
    Map<String, SqlPolicy> p = new HashMap<>(parsePolicies(config.policies()));
    for (TargetConfig t : config.targets()) {
      if (t.type() == TargetType.POSTGRES && t.policy() != null && !p.containsKey(t.policy())) {
        throw new ConfigException("target '" + t.name() + "': policy '" + t.policy() + "' is not defined under policies");
      }
    }
    return new PostgresTargets(Map.copyOf(p));
  }

  /** {@code policies:} as the loader kept it (a raw tree), parsed by the policy module. */
  @SuppressWarnings("unchecked")
  public static Map<String, SqlPolicy> parsePolicies(JsonNode node) throws ConfigException {
    if (node == null || node.isNull()) {
      return Map.of();
    }
    if (!node.isObject()) {
      throw new ConfigException("policies: must be a mapping of policy names");
    }
    try {
      return PolicyConfig.parse(JSON.convertValue(node, Map.class));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage(), e);
    }
  }

  public SqlPolicy policyFor(TargetConfig target) {
    return target.policy() == null ? BUILT_IN_DEFAULT : policies.get(target.policy());
  }

  /**
   * The gate and masker for a new session of {@code target}: may query the database's catalog
   * (blocking: call it off MINA's I/O threads). Fails (and so refuses the session) when the masked
   * columns cannot be resolved: masking is not silently skipped.
   */
  public Access open(TargetConfig target) throws IOException {
    TargetAccess.Access a = access.open(target.name(), target.postgres(), policyFor(target));
    return new Access(a.gate(), a.masker());
  }

  @Override
  public void close() {
    access.close();
  }
}
