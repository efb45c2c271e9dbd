package dev.gatehouse.gateway.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.gatehouse.gateway.config.PostgresSettings;
import dev.gatehouse.gateway.postgres.CancelRegistry;
import dev.gatehouse.gateway.postgres.PgProxyServer;
import dev.gatehouse.gateway.postgres.StatementLog;
import dev.gatehouse.gateway.postgres.TargetAccess;
import dev.gatehouse.policy.PolicyConfig;
import dev.gatehouse.policy.SqlPolicy;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Benchmark harness, not a test (no test runner picks it up): the PostgreSQL wire proxy alone on a
 * TCP port of 127.0.0.1, with the policy gate and masker a gateway session of the target gets
 * (the same {@link TargetAccess#open}: the policy's judge with its verdict cache, masked columns
 * resolved in the database, content detectors), but without SSH, audit log or recording: this
 * module has no SSH server to start. Statements are only counted (printed at exit, to stderr).
 *
 * <pre>
 *   java -cp CLASSPATH dev.gatehouse.gateway.bench.ProxyBenchMain GATEHOUSE.yaml TARGET
 * </pre>
 *
 * Reads the target's {@code postgres:} settings and its policy from the gateway's YAML (only
 * those; the rest of the file is not checked here). Prints {@code PORT n} on stdout once
 * listening; runs until it is killed (SIGTERM: the proxy closes and the statement counts are
 * printed). bench/postgres runs it; pgbench connects to it as to any PostgreSQL (user and
 * database are ignored: the target's own are used upstream).
 */
public final class ProxyBenchMain {
  private ProxyBenchMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: ProxyBenchMain GATEHOUSE.yaml TARGET");
      System.exit(64);
    }
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    JsonNode root = yaml.readTree(Path.of(args[0]).toFile());
    JsonNode target = null;
    for (JsonNode t : root.path("targets")) {
      if (args[1].equals(t.path("name").asText())) {
        target = t;
      }
    }
    if (target == null || !"postgres".equals(target.path("type").asText())) {
      throw new IllegalArgumentException("no postgres target '" + args[1] + "' in " + args[0]);
    }
    JsonNode pg = target.path("postgres");
    PostgresSettings settings = new PostgresSettings(text(pg, "host"), pg.has("port") ? pg.get("port").asInt() : null,
        text(pg, "database"), text(pg, "user"), text(pg, "password"), text(pg, "tls"), text(pg, "rootCert"), null);
    @SuppressWarnings("unchecked")
    Map<String, SqlPolicy> policies = root.hasNonNull("policies")
        ? PolicyConfig.parse(yaml.convertValue(root.get("policies"), Map.class))
        : Map.of();
    String policyName = text(target, "policy");
    SqlPolicy policy = policyName == null ? TargetAccess.BUILT_IN_DEFAULT : policies.get(policyName);
    if (policy == null) {
      throw new IllegalArgumentException("policy '" + policyName + "' is not defined under policies");
    }
    LongAdder allowed = new LongAdder();
    LongAdder refused = new LongAdder();
    StatementLog log = (sql, verdict, rule, reason, rows, duration) -> {
      if ("allow".equals(verdict)) {
        allowed.increment();
      } else {
        refused.increment();
        System.err.println("refused (" + verdict + " " + rule + "): " + sql + ": " + reason);
      }
    };
    TargetAccess targets = new TargetAccess();
    // One gate and masker for every connection (PgProxyServer.tcp takes one): the same objects a
    // session of the target gets from open(), whose judge and catalog cache all sessions share.
    TargetAccess.Access access = targets.open(args[1], settings, policy); // resolves the masked columns now
    PgProxyServer server = PgProxyServer.tcp(new InetSocketAddress("127.0.0.1", 0), settings,
        access.gate(), access.masker(), log, new CancelRegistry());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.err.println("statements allowed " + allowed.sum() + ", refused " + refused.sum());
      close(server);
      targets.close();
    }));
    System.out.println("PORT " + server.port());
    System.out.flush();
    Thread.currentThread().join(); // until killed
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static void close(PgProxyServer server) {
    try {
      server.close();
    } catch (IOException | RuntimeException e) {
      System.err.println("closing the proxy: " + e);
    }
  }
}
