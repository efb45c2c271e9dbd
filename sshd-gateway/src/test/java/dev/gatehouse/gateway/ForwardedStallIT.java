package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.postgres.PostgresServer;
import dev.gatehouse.gateway.postgres.RawPgClient;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A forwarded client's statements are judged and sent on to PostgreSQL by the SSH connection's own
 * I/O thread. A hostile client that asks for a huge result, never reads it and keeps sending
 * statements must hold only its own connection: not the I/O threads (then every channel of its SSH
 * connection, and with a few such clients every session of the gateway, would stop), not the
 * gateway's memory.
 */
class ForwardedStallIT {
  @TempDir static Path dir;
  static PostgresServer pg;
  static GatewayFixture gw;
  static SshClientKey alice;
  static LocalForward tunnel;

  @RegisterExtension GatewayLogOnFailure log = new GatewayLogOnFailure();

  @BeforeAll
  static void start() throws Exception {
    pg = PostgresServer.start(false);
    Files.createDirectories(dir.resolve("gw"));
    gw = GatewayFixture.start(dir.resolve("gw"), "", """
        targets:
          - name: prod-db
            type: postgres
            postgres: { host: 127.0.0.1, port: %d, database: app, user: app_rw, password: "file:%s", tls: disable }
            runAs: nobody
            allow: { groups: [dev] }
            policy: plain
        policies:
          plain:
            block: [drop-database, drop-table, truncate, delete-without-where, update-without-where]
            unclassified: review
        """.formatted(pg.port, pg.passwordFile()));
    alice = gw.sign(GatewayFixture.uniqueIdentity("alice"), List.of("dev"));
    tunnel = LocalForward.open(gw, alice, "prod-db");
  }

  @AfterAll
  static void stop() throws Exception {
    if (tunnel != null) {
      tunnel.close();
    }
    if (gw != null) {
      gw.close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  /** A simple Query message. */
  private static byte[] query(String sql) {
    byte[] text = (sql + "\0").getBytes(StandardCharsets.UTF_8);
    byte[] m = new byte[5 + text.length];
    m[0] = 'Q';
    int len = 4 + text.length;
    m[1] = (byte) (len >>> 24);
    m[2] = (byte) (len >>> 16);
    m[3] = (byte) (len >>> 8);
    m[4] = (byte) len;
    System.arraycopy(text, 0, m, 5, text.length);
    return m;
  }

  @Test
  void clientsThatNeverReadHoldOnlyTheirOwnConnections() throws Exception {
    ExecutorService writers = Executors.newCachedThreadPool();
    List<RawPgClient> hostile = new ArrayList<>();
    try {
      // More of them than the gateway has I/O threads (its CPUs + 1), each on the same SSH
      // connection as the well-behaved client below.
      int n = Runtime.getRuntime().availableProcessors() + 2;
      java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
      b.writeBytes(query("SELECT repeat('x', 10000) FROM generate_series(1, 50000)")); // 500 MB, never read
      byte[] small = query("SELECT 1");
      while (b.size() < (24 << 20)) { // far more than the sockets' buffers between the gateway and PostgreSQL
        b.writeBytes(small);
      }
      byte[] flood = b.toByteArray();
      for (int i = 0; i < n; i++) {
        RawPgClient c = tunnel.raw();
        hostile.add(c);
        Socket s = c.socket();
        byte[] bytes = flood;
        CompletableFuture.runAsync(() -> {
          try {
            OutputStream out = s.getOutputStream();
            out.write(bytes); // blocks for good once the channel's window is shut: that is the point
          } catch (java.io.IOException e) {
            // closed at the end of the test
          }
        }, writers);
      }
      Thread.sleep(3000); // let them fill whatever they can fill

      // A well-behaved client on the same SSH connection still gets its answers.
      try (RawPgClient good = tunnel.raw()) {
        List<String> answer = good.query("SELECT 6 * 7 AS answer").send();
        assertThat(answer).anyMatch(m -> m.startsWith("D ") && m.contains("42"));
        assertThat(answer.get(answer.size() - 1)).startsWith("Z");
      }
      // And so does a new SSH login.
      SshResult exec = gw.ssh(alice, "prod-db").timeout(Duration.ofSeconds(60)).run("select 40 + 2 as answer");
      assertThat(exec.exitCode()).as(exec.err()).isZero();
      assertThat(exec.out()).contains("42");
    } finally {
      for (RawPgClient c : hostile) {
        c.close();
      }
      writers.shutdownNow();
    }
  }
}
