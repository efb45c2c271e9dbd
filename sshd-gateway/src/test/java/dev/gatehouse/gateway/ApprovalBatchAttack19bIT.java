package dev.gatehouse.gateway;

import static dev.gatehouse.gateway.GatewayFixture.field;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.gateway.postgres.PostgresServer;
import dev.gatehouse.gateway.postgres.RawPgClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
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
 * extended-protocol batch). The proxy judged each distinct text of a batch once, so one approval
 * let all ten run: ten rows deleted where one was approved. One approval covers one execution:
 * the batch is refused whole, nothing of it runs and the approval stays unused; the same text run
 * once uses it. Also: a portal continued after PortalSuspended is another execution, and a named
 * statement executed again in a later batch needs an approval of its own.
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
        + rows + "; CREATE TABLE invoices (LIKE orders); INSERT INTO invoices SELECT * FROM orders;"
        + " CREATE TABLE payments (LIKE orders); INSERT INTO payments SELECT * FROM orders;");
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
              - { name: orders-writes, kinds: [update, delete, insert], tables: [orders, invoices, payments], verdict: review }
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
  void aBatchExecutingTheApprovedTextTenTimesIsRefusedWholeAndTheApprovalStaysForOneExecution() throws Exception {
    String sql = "DELETE FROM orders WHERE id = (SELECT min(id) FROM orders)";
    String id = approveOnce(sql, "one row, the oldest");
    assertThat(pg.superSql("app", "select count(*) from orders")).isEqualTo("40");

    String outcome;
    try (LocalForward t = tunnel(); Connection c = t.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
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

    // One approval covers one execution, and a batch runs whole or not at all: the batch is
    // refused before any of it runs, and the approval is not used by it.
    assertThat(outcome).contains("42501").contains("one approval covers one execution")
        .contains("executes the statement 10 times");
    assertThat(pg.superSql("app", "select count(*) from orders")).as("rows left after the batch").isEqualTo("40");
    JsonNode unused = request(id);
    assertThat(unused.path("state").asText()).isEqualTo("approved");
    assertThat(unused(unused)).as(unused.toString()).isTrue();

    // The same text executed once (its own batch) uses the approval: one row, the oldest.
    try (LocalForward t = tunnel(); Connection c = t.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
      assertThat(ps.executeUpdate()).isEqualTo(1);
    }
    assertThat(pg.superSql("app", "select count(*) || ' from ' || min(id) from orders")).isEqualTo("39 from 2");
    JsonNode used = gw.awaitAudit("approval used", field("event", "approval-used").and(field("requestId", id)));
    assertThat(used.path("statement").asText()).isEqualTo(sql);
  }

  @Test
  void aPortalContinuedAfterPortalSuspendedIsASecondExecutionAndTheBatchIsRefused() throws Exception {
    String sql = "DELETE FROM invoices WHERE id IN (1, 2, 3) RETURNING id";
    String id = approveOnce(sql);
    try (LocalForward t = tunnel(); RawPgClient raw = t.raw()) {
      // Parse, Bind, Execute with at most one row (PortalSuspended), Execute again, Sync.
      List<String> answer = raw.parse("", sql).bind("", "").execute("", 1).execute("", 1).sync();
      assertThat(answer).as(answer.toString()).anySatisfy(m -> assertThat(m).startsWith("E")
          .contains("42501").contains("executes the statement 2 times"));
      assertThat(answer).noneSatisfy(m -> assertThat(m).startsWith("D"));
    }
    assertThat(pg.superSql("app", "select count(*) from invoices")).isEqualTo("40");
    assertThat(unused(request(id))).isTrue();
  }

  @Test
  void aNamedStatementExecutedAgainInALaterBatchNeedsAnApprovalOfItsOwn() throws Exception {
    String sql = "DELETE FROM payments WHERE id = (SELECT min(id) FROM payments)";
    String first = approveOnce(sql);
    try (LocalForward t = tunnel(); RawPgClient raw = t.raw()) {
      List<String> ran = raw.parse("del", sql).bind("", "del").execute("", 0).sync();
      assertThat(ran).as(ran.toString()).contains("C DELETE 1|");
      assertThat(pg.superSql("app", "select count(*) from payments")).isEqualTo("39");
      gw.awaitAudit("approval used", field("event", "approval-used").and(field("requestId", first)));

      // The statement the server still holds, executed again: a new request, held for a decision.
      raw.bind("", "del").execute("", 0).sendSync();
      String notice = raw.read();
      assertThat(notice).startsWith("N").contains("waiting for approval (request ");
      Matcher m = REQUEST_ID.matcher(notice);
      assertThat(m.find()).isTrue();
      String second = m.group(1);
      assertThat(second).isNotEqualTo(first);
      SshResult d = gw.ssh(bob, "approvals").run("deny " + second + " once was enough");
      assertThat(d.exitCode()).as(d.toString()).isZero();
      List<String> refused = raw.readUntilReady();
      assertThat(refused).as(refused.toString()).anySatisfy(e -> assertThat(e).startsWith("E").contains("42501")
          .contains("denied by"));
    }
    assertThat(pg.superSql("app", "select count(*) || ' from ' || min(id) from payments")).isEqualTo("39 from 2");
  }

  /** Asks with GATEHOUSE_NOWAIT (exit 76), then bob approves: one approved, unused request. */
  static String approveOnce(String sql) throws Exception {
    return approveOnce(sql, "");
  }

  /** The same, bob's approval with {@code comment} (none when empty). */
  static String approveOnce(String sql, String comment) throws Exception {
    SshResult pending = gw.ssh(alice, "pg").options("-o", "SetEnv=GATEHOUSE_NOWAIT=1").run(sql);
    assertThat(pending.exitCode()).as(pending.toString()).isEqualTo(76);
    Matcher m = REQUEST_ID.matcher(pending.err());
    assertThat(m.find()).as(pending.toString()).isTrue();
    SshResult a = gw.ssh(bob, "approvals").run("approve " + m.group(1) + (comment.isEmpty() ? "" : " " + comment));
    assertThat(a.exitCode()).as(a.toString()).isZero();
    return m.group(1);
  }

  /** The request has not been used: no {@code usedAt}. */
  static boolean unused(JsonNode request) {
    return request.path("usedAt").isNull() || request.path("usedAt").isMissingNode();
  }

  static JsonNode request(String id) throws Exception {
    GatewayFixture.CliResult r = gw.cli("approvals", "list", "--all", "--format", "json");
    for (JsonNode n : JSON.readTree(r.out())) {
      if (n.path("id").asText().equals(id)) {
        return n;
      }
    }
    throw new AssertionError("no request " + id + " in " + r.out());
  }

  static LocalForward tunnel() throws Exception {
    return LocalForward.open(gw, alice, "pg");
  }
}
