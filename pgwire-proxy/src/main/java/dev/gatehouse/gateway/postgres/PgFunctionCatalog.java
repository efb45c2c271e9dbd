package dev.gatehouse.gateway.postgres;

import dev.gatehouse.gateway.config.PostgresSettings;
import dev.gatehouse.policy.FunctionCall;
import dev.gatehouse.policy.FunctionCatalog;
import dev.gatehouse.policy.NoWaiting;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which functions of one target's database are volatile and live outside {@code pg_catalog}
 * (built-in rule {@code user-functions}), asked of {@code pg_proc} on a connection of its own, as
 * the masked columns are, and remembered for a minute. A name found in no schema is taken as
 * volatile (it may be created later; the statement fails anyway if it is not); so is a name in
 * any schema besides pg_catalog with a volatile overload, whatever the search path would pick.
 */
final class PgFunctionCatalog implements FunctionCatalog {
  private static final Logger LOG = LoggerFactory.getLogger(PgFunctionCatalog.class);
  private static final long TTL_NANOS = Duration.ofSeconds(60).toNanos();
  static final int MAX_CACHED = 10_000;
  /** Names sent to the database as literals: anything else is taken as volatile without asking. */
  private static final Pattern PLAIN_NAME = Pattern.compile("[\\p{L}_][\\p{L}\\p{N}_$]{0,62}");

  /** What the database says about one call; {@code reason} null when it is not a volatile user function. */
  private record Known(String reason, long at) {}

  private final PostgresSettings settings;
  private final Map<FunctionCall, Known> cache = new ConcurrentHashMap<>();

  PgFunctionCatalog(PostgresSettings settings) {
    this.settings = settings;
  }

  @Override
  public Optional<String> volatileUserFunction(Collection<FunctionCall> calls) {
    long now = System.nanoTime();
    List<FunctionCall> ask = new ArrayList<>();
    for (FunctionCall c : calls) {
      if (!PLAIN_NAME.matcher(c.name()).matches() || (c.schema() != null && !PLAIN_NAME.matcher(c.schema()).matches())) {
        return Optional.of(c + "() has a name the gateway does not look up; taken as volatile");
      }
      Known k = cache.get(c);
      if (k == null || now - k.at() > TTL_NANOS) {
        ask.add(c);
      }
    }
    if (!ask.isEmpty()) {
      NoWaiting.check(); // a query on a connection of its own: not on a thread that may not wait
      try {
        lookUp(ask, now);
      } catch (IOException e) {
        LOG.warn("cannot look up functions {} in {}: {}", ask, settings, e.getMessage());
        return Optional.of("the functions " + ask + " could not be looked up in the database ("
            + e.getMessage() + "); taken as volatile");
      }
    }
    for (FunctionCall c : calls) {
      Known k = cache.get(c);
      if (k == null) {
        return Optional.of(c + "() could not be looked up; taken as volatile");
      }
      if (k.reason() != null) {
        return Optional.of(k.reason());
      }
    }
    return Optional.empty();
  }

  private void lookUp(List<FunctionCall> ask, long now) throws IOException {
    StringBuilder names = new StringBuilder();
    for (FunctionCall c : ask) {
      names.append(names.length() == 0 ? "" : ", ").append(Catalog.literal(c.name()));
    }
    String sql = "SELECT p.proname, n.nspname, p.provolatile FROM pg_catalog.pg_proc p"
        + " JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace WHERE p.proname IN (" + names + ")";
    Map<String, List<List<String>>> byName = new HashMap<>();
    for (List<String> row : Catalog.query(settings, sql)) {
      byName.computeIfAbsent(row.get(0), x -> new ArrayList<>()).add(row);
    }
    if (cache.size() + ask.size() > MAX_CACHED) {
      cache.clear();
    }
    for (FunctionCall c : ask) {
      boolean found = false;
      String volatileIn = null;
      for (List<String> row : byName.getOrDefault(c.name(), List.of())) {
        if (c.schema() == null || c.schema().equals(row.get(1))) {
          found = true;
          if (!row.get(1).equals("pg_catalog") && "v".equals(row.get(2))) {
            volatileIn = row.get(1);
          }
        }
      }
      String reason = !found
          ? c + "() is in no schema of the database; taken as volatile"
          : volatileIn == null ? null
          : volatileIn + "." + c.name() + "() is a volatile function: it may write, whatever the statement looks like";
      cache.put(c, new Known(reason, now));
    }
  }
}
