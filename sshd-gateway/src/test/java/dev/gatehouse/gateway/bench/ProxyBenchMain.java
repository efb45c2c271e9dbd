package dev.gatehouse.gateway.bench;

import dev.gatehouse.gateway.config.ConfigLoader;
import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.gateway.config.TargetConfig;
import dev.gatehouse.gateway.postgres.CancelRegistry;
import dev.gatehouse.gateway.postgres.PgProxyServer;
import dev.gatehouse.gateway.postgres.PostgresTargets;
import dev.gatehouse.gateway.postgres.StatementLog;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.atomic.LongAdder;

/**
 * Benchmark harness, not a test (no test runner picks it up): the PostgreSQL wire proxy alone on a
 * TCP port of 127.0.0.1, with the policy gate and masker the gateway would give a session of the
 * target (same {@link PostgresTargets#open}: the policy's judge with its verdict cache, masked
 * columns resolved in the database, content detectors), but without SSH, audit log or recording.
 * Statements are only counted (printed at exit, to stderr).
 *
 * <pre>
 *   java -cp CLASSPATH dev.gatehouse.gateway.bench.ProxyBenchMain CONFIG.yaml TARGET
 * </pre>
 *
 * Prints {@code PORT n} on stdout once listening; runs until it is killed (SIGTERM: the proxy
 * closes and the statement counts are printed).
 * bench/postgres runs it; pgbench connects to it as to any PostgreSQL (user and database are
 * ignored: the target's own are used upstream).
 */
public final class ProxyBenchMain {
  private ProxyBenchMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: ProxyBenchMain CONFIG.yaml TARGET");
      System.exit(64);
    }
    GatewayConfig config = ConfigLoader.load(Path.of(args[0]));
    TargetConfig target = config.target(args[1])
        .orElseThrow(() -> new IllegalArgumentException("no target '" + args[1] + "' in " + args[0]));
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
    PostgresTargets targets = PostgresTargets.of(config);
    // One gate and masker for every connection (PgProxyServer.tcp takes one): the same objects a
    // session of the target gets from open(), whose judge and catalog cache all sessions share.
    PostgresTargets.Access access = targets.open(target); // resolves the masked columns now: fail early
    PgProxyServer server = PgProxyServer.tcp(new InetSocketAddress("127.0.0.1", 0), target.postgres(),
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

  private static void close(PgProxyServer server) {
    try {
      server.close();
    } catch (IOException | RuntimeException e) {
      System.err.println("closing the proxy: " + e);
    }
  }
}
