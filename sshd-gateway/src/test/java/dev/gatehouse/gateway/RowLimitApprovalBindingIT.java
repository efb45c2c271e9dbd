package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.gateway.postgres.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An approval is used only for the decision it was asked for. A statement that an operator's rule
 * sends to review and that then changes more rows than {@code maxRowsChanged} needs two decisions:
 * the rule's, and the row count's. Each approval is bound to its rule (and a row-limit approval to
 * the count the approver was shown): a rule approval never lets an over-limit count through that
 * nobody saw, and a row-limit approval is never spent on the rule's step (which would leave a
 * caller that does not wait asking for the count again and again). Real OpenSSH, the statement run
 * through the gateway's pgwire proxy with {@code GATEHOUSE_NOWAIT=1}, a real PostgreSQL counting.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class RowLimitApprovalBindingIT {
  private static final Pattern REQUEST_ID = Pattern.compile("request ([0-9A-F]{4,8})");
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dir;
  static PostgresServer pg;
  static GatewayFixture gw;
  static SshClientKey bob;

  @RegisterExtension GatewayLogOnFailure log = new GatewayLogOnFailure();

  @BeforeAll
  static void start() throws Exception {
    pg = PostgresServer.start(false);
    pg.superSql("app", """
        SET ROLE app_rw;
        CREATE TABLE orders (id int PRIMARY KEY);
        INSERT INTO orders SELECT g FROM generate_series(1, 100) g;
        CREATE TABLE orders_grow (id int PRIMARY KEY);
        INSERT INTO orders_grow SELECT g FROM generate_series(1, 100) g;
        """);
    Files.createDirectories(dir.resolve("gw"));
    gw = GatewayFixture.start(dir.resolve("gw"), "", """
        approvals: { ttl: 2m }
        targets:
          - name: held-db
            type: postgres
            postgres: { host: 127.0.0.1, port: %1$d, database: app, user: app_rw, password: "file:%2$s", tls: disable }
            runAs: nobody
            allow: { groups: [dev] }
            approvers: { groups: [dba-leads], min: 1 }
            policy: orders
        policies:
          orders:
            maxRowsChanged: 5
            block: [drop-database, drop-table, truncate, delete-without-where, update-without-where]
            review: [ddl, grant, role-change, server-files, copy-program, dynamic-sql, system-settings]
            unclassified: review
            rules:
              - { name: orders-writes, kinds: [update, delete, insert], tables: [orders, orders_grow], verdict: review }
        """.formatted(pg.port, pg.passwordFile()));
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

  private static SshResult noWait(SshClientKey who, String sql) throws Exception {
    return gw.ssh(who, "held-db").options("-o", "SetEnv=GATEHOUSE_NOWAIT=1").run(sql);
  }

  /** The request a NOWAIT run was told is pending (exit 76, its id on stderr). */
  private static JsonNode pendingRequest(SshResult r) throws Exception {
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(76);
    Matcher m = REQUEST_ID.matcher(r.err());
    assertThat(m.find()).as(r.toString()).isTrue();
    GatewayFixture.CliResult list = gw.cli("approvals", "list", "--format", "json");
    for (JsonNode n : JSON.readTree(list.out())) {
      if (n.path("id").asText().equals(m.group(1))) {
        return n;
      }
    }
    throw new AssertionError("request " + m.group(1) + " is not pending: " + list.out());
  }

  private static void approve(JsonNode request) throws Exception {
    SshResult r = gw.ssh(bob, "approvals").run("approve " + request.path("id").asText() + " checked");
    assertThat(r.exitCode()).as(r.toString()).isZero();
  }

  private static String count(String table) throws Exception {
    return pg.superSql("app", "SELECT count(*) FROM " + table);
  }

  @Test
  void theRowCountIsAskedForItselfAndARowLimitApprovalIsNeverSpentOnTheRuleStep() throws Exception {
    SshClientKey alice = gw.sign(GatewayFixture.uniqueIdentity("alice"), List.of("dev"));
    String sql = "DELETE FROM orders WHERE id > 90";

    // 1. the operator's rule asks first; the approver sees the rule and approves it
    JsonNode rule = pendingRequest(noWait(alice, sql));
    assertThat(rule.path("rule").asText()).isEqualTo("orders-writes");
    approve(rule);

    // 2. the rule's approval lets it run once: it would change 10 rows (limit 5), undone, and the
    //    count is asked for on its own — the approver sees the count before the rows go
    JsonNode rows = pendingRequest(noWait(alice, sql));
    assertThat(rows.path("id").asText()).isNotEqualTo(rule.path("id").asText());
    assertThat(rows.path("rule").asText()).isEqualTo("max-rows-changed");
    assertThat(rows.path("reason").asText()).contains("would change 10 rows of orders (limit 5)");
    SshResult shown = gw.ssh(bob, "approvals").run("list");
    assertThat(shown.out()).as("what the approver reads").contains(rows.path("id").asText())
        .contains("why: would change 10 rows of orders (limit 5)");
    assertThat(count("orders")).isEqualTo("100");
    approve(rows);

    // 3. the row count's approval is not the rule's: the rule's step asks again (its approval was
    //    spent by the run that found the count) instead of spending the count's approval
    JsonNode ruleAgain = pendingRequest(noWait(alice, sql));
    assertThat(ruleAgain.path("rule").asText()).as("the request made after the count was approved").isEqualTo("orders-writes");
    assertThat(count("orders")).isEqualTo("100");
    approve(ruleAgain);

    // 4. each step finds its own approval: it runs, the 10 rows approved
    SshResult ran = noWait(alice, sql);
    assertThat(ran.exitCode()).as(ran.toString()).isZero();
    assertThat(ran.out()).contains("DELETE 10");
    assertThat(count("orders")).isEqualTo("90");
    JsonNode used = gw.awaitAudit("approval of the count used", GatewayFixture.field("event", "approval-used")
        .and(GatewayFixture.field("requestId", rows.path("id").asText())));
    assertThat(used.path("statement").asText()).isEqualTo(sql);
  }

  @Test
  void aRowLimitApprovalIsForTheCountTheApproverSaw() throws Exception {
    SshClientKey carol = gw.sign(GatewayFixture.uniqueIdentity("carol"), List.of("dev"));
    String sql = "DELETE FROM orders_grow WHERE id > 90";
    approve(pendingRequest(noWait(carol, sql)));
    JsonNode rows = pendingRequest(noWait(carol, sql));
    assertThat(rows.path("reason").asText()).contains("would change 10 rows of orders_grow");
    approve(rows);
    approve(pendingRequest(noWait(carol, sql))); // the rule's step again (see above)

    // The table grows before the retry: 20 rows now, not the 10 approved. The retry asks again,
    // showing the new count, rather than run on an approval given for another one.
    pg.superSql("app", "INSERT INTO orders_grow SELECT g FROM generate_series(101, 110) g");
    JsonNode more = pendingRequest(noWait(carol, sql));
    assertThat(more.path("rule").asText()).isEqualTo("max-rows-changed");
    assertThat(more.path("reason").asText()).contains("would change 20 rows of orders_grow");
    assertThat(count("orders_grow")).isEqualTo("110");
  }
}
