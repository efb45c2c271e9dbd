package dev.gatehouse.gateway.postgres;

import dev.gatehouse.gateway.config.PostgresSettings;
import dev.gatehouse.policy.ContentDetectors;
import dev.gatehouse.policy.MaskSpec;
import dev.gatehouse.policy.MaskedDerivations;
import dev.gatehouse.policy.SqlJudge;
import dev.gatehouse.policy.SqlPolicy;
import dev.gatehouse.policy.Unclassified;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the sessions of PostgreSQL targets share, whatever carries them (an SSH channel, a Unix
 * socket, a bare TCP port): one judge per policy (its verdict cache shared by all sessions) and,
 * per target, the masked columns resolved in the database (cached for a minute, so a burst of
 * connections costs one catalog query) and the function catalog.
 */
public final class TargetAccess implements AutoCloseable {
  /**
   * When a postgres target names no policy: the built-in default (docs/policy.md) — destructive statements
   * blocked, risky ones to review, nothing unclassified let through.
   */
  public static final SqlPolicy BUILT_IN_DEFAULT = new SqlPolicy(
      "built-in-default",
      List.of("drop-database", "drop-table", "truncate", "delete-without-where", "update-without-where"),
      List.of("ddl", "grant", "role-change", "server-files", "copy-program", "dynamic-sql", "system-settings",
          "procedure-call", "admin-functions", "lock-table", "user-functions"),
      Unclassified.REVIEW, List.of(), MaskSpec.none(), 0);

  private static final Duration PARSE_LIMIT = Duration.ofMillis(500);
  private static final long CATALOG_TTL_NANOS = Duration.ofSeconds(60).toNanos();

  private final Map<String, SqlJudge> judges = new ConcurrentHashMap<>();
  private final Map<String, CachedColumns> catalog = new ConcurrentHashMap<>();
  private final Map<String, PgFunctionCatalog> functions = new ConcurrentHashMap<>();

  private record CachedColumns(Catalog.MaskedColumns columns, long at) {}

  /** What one session gets: its gate and its masker. */
  public record Access(PolicyGate gate, ResultMasker masker) {}

  private SqlJudge judge(SqlPolicy policy) {
    return judges.computeIfAbsent(policy.name(), n -> new SqlJudge(policy, PARSE_LIMIT, 10_000));
  }

  /**
   * The gate and masker for a new session of {@code target} (its name keys the caches): may query
   * the database's catalog (blocking: call it off I/O threads). Fails (and so refuses the session)
   * when the masked columns cannot be resolved: masking is not silently skipped.
   */
  public Access open(String target, PostgresSettings settings, SqlPolicy policy) throws IOException {
    MaskSpec mask = policy.mask();
    Catalog.MaskedColumns columns = columns(target, settings, mask);
    MaskedDerivations derivations = new MaskedDerivations(MaskedDerivations.byTable(mask.columns()),
        columns.exposingViews());
    ContentDetectors detectors = mask.detectors().isEmpty() ? null : ContentDetectors.of(mask.detectors());
    ResultMasker masker = columns.origins().isEmpty() && detectors == null
        ? ResultMasker.NONE
        : new PolicyMasker(columns, detectors, mask.form());
    PgFunctionCatalog calls = functions.computeIfAbsent(target, n -> new PgFunctionCatalog(settings));
    return new Access(new PolicyGate(judge(policy), derivations, calls), masker);
  }

  private Catalog.MaskedColumns columns(String target, PostgresSettings settings, MaskSpec mask) throws IOException {
    if (mask.columns().isEmpty()) {
      return Catalog.MaskedColumns.NONE;
    }
    CachedColumns c = catalog.get(target);
    long now = System.nanoTime();
    if (c == null || now - c.at() > CATALOG_TTL_NANOS) {
      c = new CachedColumns(Catalog.resolve(settings, mask.columns()), now);
      catalog.put(target, c);
    }
    return c.columns();
  }

  @Override
  public void close() {
    judges.values().forEach(SqlJudge::close);
  }
}
