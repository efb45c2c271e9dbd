package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.approval.ApprovalDesk;
import dev.gatehouse.gateway.postgres.PostgresServer;
import dev.gatehouse.recorder.approval.ApprovalRequest;
import dev.gatehouse.recorder.approval.ApprovalState;
import dev.gatehouse.recorder.approval.ApprovalStore;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Benchmark, not a test (runs only with {@code -Dbench=true}; bench/approvals does that): how fast
 * a held statement runs once approved, and what 200 statements held at once cost the gateway.
 *
 * <p>Real parts: PostgreSQL (max_connections raised to 260), the gateway in-process, the OpenSSH
 * client's {@code ssh -N -L} tunnel, pgJDBC through it. A review rule matches {@code approve_me}.
 * Approvals are made two ways: on the gateway's own desk (as {@code ssh approvals@gw} and the web
 * page do: the wait is released at once) and through a second connection to the store (as the
 * CLI in another process, or another gateway, does: released by the desk's 200 ms poll).
 */
class ApprovalBench {
  static final int SEQUENTIAL = Integer.getInteger("bench.approvals.runs", 40);
  static final int HELD = Integer.getInteger("bench.approvals.held", 200);

  @TempDir Path dir;

  @Test
  void approvalToResultLatencyAndManyHeldStatements() throws Exception {
    Assumptions.assumeTrue(Boolean.getBoolean("bench"), "a benchmark: run with -Dbench=true (bench/approvals)");
    List<String> out = new ArrayList<>();
    try (PostgresServer pg = PostgresServer.start(false, HELD + 60)) {
      Files.createDirectories(dir.resolve("gw"));
      try (GatewayFixture gw = GatewayFixture.start(dir.resolve("gw"), "", """
          approvals: { ttl: 10m }
          targets:
            - name: prod-db
              type: postgres
              postgres: { host: 127.0.0.1, port: %d, database: app, user: app_rw, password: "file:%s", tls: disable }
              allow: { groups: [dev] }
              approvers: { groups: [dba-leads], min: 1 }
              policy: p
          policies:
            p:
              block: [drop-table]
              review: [ddl]
              unclassified: review
              rules:
                - { name: bench-review, pattern: "approve_me", verdict: review }
          """.formatted(pg.port, pg.passwordFile()))) {
        SshClientKey alice = gw.sign(GatewayFixture.uniqueIdentity("alice"), List.of("dev"));
        int port = PostgresTargetIT.PostgresServerPort.free();
        List<String> argv = new ArrayList<>(gw.sshArgv(alice, "prod-db", List.of("-N", "-L", port + ":prod-db:5432",
            "-o", "ExitOnForwardFailure=yes")));
        Process tunnel = new ProcessBuilder(argv).redirectErrorStream(true).start();
        try (ApprovalStore other = ApprovalStore.open(gw.dataDir().resolve("gatehouse.db"))) {
          awaitPort(port);
          String url = "jdbc:postgresql://127.0.0.1:" + port + "/app?sslmode=disable&preferQueryMode=simple";
          Properties props = new Properties();
          props.setProperty("user", "x");
          props.setProperty("password", "x");
          ApprovalDesk desk = gw.gateway().approvals();
          ExecutorService clients = Executors.newCachedThreadPool();
          java.util.Random jitter = new java.util.Random(42);
          try (Connection c = DriverManager.getConnection(url, props)) {
            List<Long> plain = new ArrayList<>();
            for (int i = 0; i < SEQUENTIAL + 3; i++) {
              long t = System.nanoTime();
              try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select " + i)) {
                rs.next();
              }
              if (i >= 3) {
                plain.add(System.nanoTime() - t);
              }
            }
            out.add(stats("plain-query-through-the-tunnel", plain));
            for (String path : List.of("same-gateway", "other-process")) {
              List<Long> samples = new ArrayList<>();
              List<Long> decideCalls = new ArrayList<>();
              for (int i = 0; i < SEQUENTIAL + 3; i++) {
                String sql = "select 'approve_me', " + i + " as n";
                AtomicLong done = new AtomicLong();
                Future<Integer> run = clients.submit(() -> {
                  try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                    rs.next();
                    int n = rs.getInt(2);
                    done.set(System.nanoTime());
                    return n;
                  }
                });
                ApprovalRequest r = awaitPending(desk, 1).get(0);
                while (desk.waiting() < 1) { // the session waits on it (as when a person decides)
                  Thread.onSpinWait();
                }
                Thread.sleep(jitter.nextInt(250)); // a person's delay; also keeps the 200 ms poll out of phase
                long t0 = System.nanoTime();
                if (path.equals("same-gateway")) {
                  desk.decide(r.id(), "bob@example.com", Set.of("dba-leads"), true, null, "bench");
                } else {
                  other.decide(r.id(), "bob@example.com", Set.of("dba-leads"), true, null, "bench", Instant.now());
                }
                long decidedAt = System.nanoTime();
                assertThat(run.get(30, TimeUnit.SECONDS)).isEqualTo(i);
                if (i >= 3) {
                  samples.add(done.get() - t0);
                  decideCalls.add(decidedAt - t0);
                }
              }
              out.add(stats("approval-to-result " + path, samples));
              out.add(stats("decide-call " + path, decideCalls));
            }
          }

          // HELD connections, opened and idle first; then each holds one statement.
          List<Connection> conns = new ArrayList<>();
          for (int i = 0; i < HELD; i++) {
            conns.add(DriverManager.getConnection(url, props));
          }
          CountDownLatch go = new CountDownLatch(1);
          List<Future<Long>> results = new ArrayList<>();
          for (int i = 0; i < HELD; i++) {
            Connection c = conns.get(i);
            int n = i;
            results.add(clients.submit(() -> {
              go.await();
              try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("select 'approve_me', " + n)) {
                rs.next();
                return System.nanoTime();
              }
            }));
          }
          Thread.sleep(1000);
          int idleThreads = ManagementFactory.getThreadMXBean().getThreadCount();
          long idleHeap = usedHeap();
          go.countDown();
          List<ApprovalRequest> pending = awaitPending(desk, HELD);
          Thread.sleep(1000);
          int heldThreads = ManagementFactory.getThreadMXBean().getThreadCount();
          long heldHeap = usedHeap();
          out.add("MEASURE held-statements " + pending.size() + " count");
          out.add("MEASURE held-waits-open " + desk.waiting() + " count");
          out.add("MEASURE jvm-threads-idle-connections " + idleThreads + " threads");
          out.add("MEASURE jvm-threads-all-held " + heldThreads + " threads");
          out.add("MEASURE heap-used-idle-connections " + idleHeap / 1024 + " KiB");
          out.add("MEASURE heap-used-all-held " + heldHeap / 1024 + " KiB");
          long t0 = System.nanoTime();
          for (ApprovalRequest r : pending) {
            other.decide(r.id(), "bob@example.com", Set.of("dba-leads"), true, null, "bench", Instant.now());
          }
          long decided = System.nanoTime();
          List<Long> after = new ArrayList<>();
          for (Future<Long> f : results) {
            after.add(f.get(60, TimeUnit.SECONDS) - t0);
          }
          out.add("MEASURE approve-all-" + HELD + "-decisions " + (decided - t0) / 1_000_000 + " ms");
          out.add("MEASURE approve-all-" + HELD + "-last-result " + Collections.max(after) / 1_000_000 + " ms");
          for (Connection c : conns) {
            c.close();
          }
          clients.shutdownNow();
        } finally {
          tunnel.destroy();
          tunnel.waitFor(5, TimeUnit.SECONDS);
        }
      }
    }
    out.forEach(System.out::println);
    String file = System.getProperty("bench.out");
    if (file != null) {
      Files.write(Path.of(file), out);
    }
  }

  static List<ApprovalRequest> awaitPending(ApprovalDesk desk, int n) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      List<ApprovalRequest> p = desk.list(EnumSet.of(ApprovalState.PENDING), n + 10);
      if (p.size() >= n) {
        return p;
      }
      assertThat(System.nanoTime()).as("%d pending requests (have %d)", n, p.size()).isLessThan(deadline);
      Thread.sleep(2);
    }
  }

  static String stats(String name, List<Long> nanos) {
    List<Long> s = new ArrayList<>(nanos);
    Collections.sort(s);
    double median = s.get(s.size() / 2) / 1e6;
    double p99 = s.get(Math.min(s.size() - 1, (int) Math.ceil(s.size() * 0.99) - 1)) / 1e6;
    return String.format("MEASURE %s median %.1f ms p99 %.1f ms max %.1f ms (n=%d)", name, median, p99,
        s.get(s.size() - 1) / 1e6, s.size());
  }

  static long usedHeap() {
    System.gc();
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }

  static void awaitPort(int port) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      try (Socket ignored = new Socket("127.0.0.1", port)) {
        return;
      } catch (java.io.IOException e) {
        assertThat(System.nanoTime()).as("tunnel port " + port).isLessThan(deadline);
        Thread.sleep(50);
      }
    }
  }
}
