package dev.gatehouse.gateway;

import static dev.gatehouse.gateway.GatewayFixture.field;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.gateway.postgres.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attack on "an approval is single-use": the approver approves one execution of a statement that
 * deletes one row (the oldest order). The requester then sends that exact text through {@code ssh
 * -L} with pgJDBC as a batch of ten executions (Parse/Bind/Execute ten times, one Sync: one
 * extended-protocol batch). The proxy judges each distinct text of a batch once, so one approval
 * lets all ten run: ten rows deleted where one was approved.
 */
class ApprovalBatchAttack19bIT {
  private static final Pattern REQUEST_ID = Pattern.compile("request ([0-9A-F]{4,8})");
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dir;
  static PostgresServer pg;
  static GatewayFixture gw;
  static SshClientKey alice;
  static SshClientKey bob;

  @RegisterExtension GatewayLogOnFailure log = new GatewayLogOnFailure();

  @BeforeAll
  static void start() throws Exception {
    pg = PostgresServer.start(false);
    StringBuilder rows = new StringBuilder();
    for (int id = 1; id <= 40; id++) {
      rows.append(id == 1 ? "" : ", ").append("(").append(id).append(", 'row ").append(id).append("')");
    }
    pg.superSql("app", "SET ROLE app_rw; CREATE TABLE orders (id int PRIMARY KEY, note text); INSERT INTO orders VALUES "
        + rows + ";");
    Files.createDirectories(dir.resolve("gw"));
    gw = GatewayFixture.start(dir.resolve("gw"), "", """
        approvals: { ttl: 60s }
        targets:
          - name: pg
            type: postgres
            postgres: { host: 127.0.0.1, port: %d, database: app, user: app_rw, password: "file:%s", tls: disable }
            runAs: nobody
            allow: { groups: [dev] }
            approvers: { groups: [dba-leads], min: 1 }
            policy: orders
        policies:
          orders:
            block: [drop-table]
            unclassified: review
            rules:
              - { name: orders-writes, kinds: [update, delete, insert], tables: [orders], verdict: review }
        """.formatted(pg.port, pg.passwordFile()));
    alice = gw.sign(GatewayFixture.uniqueIdentity("alice"), List.of("dev"));
    bob = gw.sign(GatewayFixture.uniqueIdentity("bob"), List.of("dba-leads"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (gw != null) {
      gw.close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  @Test
  void anApprovalOfOneExecutionRunsOnceEvenWhenTheSameTextIsExecutedTenTimesInOneBatch() throws Exception {
    String sql = "DELETE FROM orders WHERE id = (SELECT min(id) FROM orders)";
    SshResult pending = gw.ssh(alice, "pg").options("-o", "SetEnv=GATEHOUSE_NOWAIT=1").run(sql);
    assertThat(pending.exitCode()).as(pending.toString()).isEqualTo(76);
    Matcher m = REQUEST_ID.matcher(pending.err());
    assertThat(m.find()).as(pending.toString()).isTrue();
    String id = m.group(1);
    SshResult a = gw.ssh(bob, "approvals").run("approve " + id + " one row, the oldest");
    assertThat(a.exitCode()).as(a.toString()).isZero();
    assertThat(pg.superSql("app", "select count(*) from orders")).isEqualTo("40");

    int port = PostgresTargetIT.PostgresServerPort.free();
    List<String> argv = new ArrayList<>(gw.sshArgv(alice, "pg", List.of("-N", "-L", port + ":pg:5432",
        "-o", "ExitOnForwardFailure=yes")));
    Process tunnel = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String outcome;
    try {
      ApprovalBench.awaitPort(port);
      Properties props = new Properties();
      props.setProperty("user", "x");
      props.setProperty("password", "x");
      try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/app?sslmode=disable", props);
          PreparedStatement ps = c.prepareStatement(sql)) {
        for (int k = 0; k < 10; k++) {
          ps.addBatch();
        }
        try {
          int[] counts = ps.executeBatch();
          outcome = "ran " + counts.length + " executions";
        } catch (SQLException e) {
          outcome = e.getSQLState() + " " + e.getMessage();
        }
      }
    } finally {
      tunnel.destroy();
      tunnel.waitFor(5, TimeUnit.SECONDS);
    }

    // What a single-use approval of one execution allows: one row gone (the oldest), not ten.
    String left = pg.superSql("app", "select count(*) from orders");
    assertThat(left).as("rows left after the batch (%s); 39 = the approved single execution", outcome).isEqualTo("39");
    JsonNode used = gw.awaitAudit("approval used", field("event", "approval-used").and(field("requestId", id)));
    assertThat(used.path("statement").asText()).isEqualTo(sql);
  }
}
