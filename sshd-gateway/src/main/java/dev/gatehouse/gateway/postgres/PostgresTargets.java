package dev.gatehouse.gateway.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.gateway.config.ConfigException;
import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.gateway.config.TargetConfig;
import dev.gatehouse.gateway.config.TargetType;
import dev.gatehouse.policy.ContentDetectors;
import dev.gatehouse.policy.MaskSpec;
import dev.gatehouse.policy.MaskedDerivations;
import dev.gatehouse.policy.PolicyConfig;
import dev.gatehouse.policy.SqlJudge;
import dev.gatehouse.policy.SqlPolicy;
import dev.gatehouse.policy.Unclassified;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Everything a {@code postgres} target's sessions share: the policy's judge (one per policy, its
 * verdict cache shared by all sessions) and, per target, the masked columns resolved in the
 * database (cached for a minute, so a burst of `ssh -L` connections costs one catalog query).
 */
public final class PostgresTargets implements AutoCloseable {
  /**
   * When a postgres target names no policy: the built-in default (docs/policy.md) — destructive statements
   * blocked, risky ones to review, nothing unclassified let through.
   */
  static final SqlPolicy BUILT_IN_DEFAULT = new SqlPolicy(
      "built-in-default",
      List.of("drop-database", "drop-table", "truncate", "delete-without-where", "update-without-where"),
      List.of("ddl", "grant", "role-change", "server-files", "copy-program", "dynamic-sql", "system-settings",
          "procedure-call", "admin-functions", "lock-table", "user-functions"),
      Unclassified.REVIEW, List.of(), MaskSpec.none(), 0);

  private static final Duration PARSE_LIMIT = Duration.ofMillis(500);
  private static final long CATALOG_TTL_NANOS = Duration.ofSeconds(60).toNanos();
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, SqlPolicy> policies;
  private final Map<String, SqlJudge> judges = new ConcurrentHashMap<>();
  private final Map<String, CachedColumns> catalog = new ConcurrentHashMap<>();
  private final Map<String, PgFunctionCatalog> functions = new ConcurrentHashMap<>();

  private record CachedColumns(Catalog.MaskedColumns columns, long at) {}

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

  private SqlJudge judge(SqlPolicy policy) {
    return judges.computeIfAbsent(policy.name(), n -> new SqlJudge(policy, PARSE_LIMIT, 10_000));
  }

  /**
   * The gate and masker for a new session of {@code target}: may query the database's catalog
   * (blocking: call it off MINA's I/O threads). Fails (and so refuses the session) when the masked
   * columns cannot be resolved: masking is not silently skipped.
   */
  public Access open(TargetConfig target) throws IOException {
    SqlPolicy policy = policyFor(target);
    MaskSpec mask = policy.mask();
    Catalog.MaskedColumns columns = columns(target, mask);
    MaskedDerivations derivations = new MaskedDerivations(MaskedDerivations.byTable(mask.columns()),
        columns.exposingViews());
    ContentDetectors detectors = mask.detectors().isEmpty() ? null : ContentDetectors.of(mask.detectors());
    ResultMasker masker = columns.origins().isEmpty() && detectors == null
        ? ResultMasker.NONE
        : new PolicyMasker(columns, detectors, mask.form());
    PgFunctionCatalog calls = functions.computeIfAbsent(target.name(), n -> new PgFunctionCatalog(target.postgres()));
    return new Access(new PolicyGate(judge(policy), derivations, calls), masker);
  }

  private Catalog.MaskedColumns columns(TargetConfig target, MaskSpec mask) throws IOException {
    if (mask.columns().isEmpty()) {
      return Catalog.MaskedColumns.NONE;
    }
    CachedColumns c = catalog.get(target.name());
    long now = System.nanoTime();
    if (c == null || now - c.at() > CATALOG_TTL_NANOS) {
      c = new CachedColumns(Catalog.resolve(target.postgres(), mask.columns()), now);
      catalog.put(target.name(), c);
    }
    return c.columns();
  }

  @Override
  public void close() {
    judges.values().forEach(SqlJudge::close);
  }
}
