package dev.gatehouse.gateway;

import static dev.gatehouse.gateway.GatewayFixture.field;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.gateway.postgres.PostgresServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An approval covers exactly the statement that was approved: the real OpenSSH client, psql (on
 * the bastion, and the user's own through {@code ssh -L}), a real PostgreSQL. The approver sees a
 * one-row delete whose comment mentions {@code OR id > 0}; the requester then sends the same
 * characters with a line break before {@code OR id > 0}, which deletes every row. That text is a
 * new request, never the approved one; and so is every text that differs in anything but white
 * space between tokens.
 */
class ApprovalBindingIT {
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

  /** The whole table, to see that nothing changed. */
  static String orders() throws Exception {
    return pg.superSql("app", "select count(*) || ':' || string_agg(id || '=' || note, ',' order by id) from orders");
  }

  static SshResult nowait(String sql) throws Exception {
    return gw.ssh(alice, "pg").options("-o", "SetEnv=GATEHOUSE_NOWAIT=1").run(sql);
  }

  static String pendingId(SshResult r) {
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(76);
    Matcher m = REQUEST_ID.matcher(r.err());
    assertThat(m.find()).as(r.toString()).isTrue();
    return m.group(1);
  }

  static void approve(String id) throws Exception {
    SshResult a = gw.ssh(bob, "approvals").run("approve " + id);
    assertThat(a.exitCode()).as(a.toString()).isZero();
    assertThat(a.out()).contains("request " + id + " is approved");
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

  @Test
  void anApprovedOneRowDeleteDoesNotCoverTheSameTextWithALineBreakThatDeletesEveryRow() throws Exception {
    String approved = "DELETE FROM orders WHERE id = 7 -- per ticket 42 OR id > 0";
    String before = orders();
    String id = pendingId(nowait(approved));
    // What the approver decides on: the statement whole, on one line, the OR inside the comment.
    SshResult listed = gw.ssh(bob, "approvals").run("list");
    assertThat(listed.out()).contains("  | " + approved + "\n");
    approve(id);

    // The attack: the same characters, a newline ending the comment before OR id > 0 — sent by
    // psql on the bastion (exec), and by the requester's own clients through ssh -L, where a CR
    // (which ends a -- comment too, and which the exec path refuses outright) reaches the proxy.
    for (String attack : List.of(
        "DELETE FROM orders WHERE id = 7 -- per ticket 42\nOR id > 0",
        "DELETE FROM orders WHERE id = 7 -- per ticket 42\rOR id > 0",
        "DELETE FROM orders WHERE id = 7 -- per ticket 42\r\nOR id > 0")) {
      String other;
      String list;
      if (attack.contains("\r")) {
        SshResult r = nowait(attack);
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(77);
        assertThat(r.err()).contains("control characters are not allowed");
        Held held = heldThroughTunnel(attack);
        other = held.id();
        list = held.listing();
      } else {
        other = pendingId(nowait(attack));
        list = gw.ssh(bob, "approvals").run("list").out();
      }
      assertThat(other).as("a new request, not the approved one").isNotEqualTo(id);
      assertThat(orders()).as("nothing ran: %s", attack).isEqualTo(before);
      assertThat(request(id).path("usedAt").isNull()).as("the approval is still unused").isTrue();
      // The new request shows the line break to the approver: OR id > 0 on a line of its own.
      assertThat(list).containsPattern("  \\| DELETE FROM orders WHERE id = 7 -- per ticket 42(\\\\r)?\n  \\| OR id > 0\n");
      assertThat(request(other).path("statement").asText()).isEqualTo(attack);
      if (request(other).path("state").asText().equals("pending")) {
        assertThat(gw.ssh(bob, "approvals").run("deny " + other).exitCode()).isZero();
      }
    }

    // The approved statement itself runs — also with other white space between its tokens — once.
    String ran = "DELETE  FROM orders\n  WHERE id = 7   -- per ticket 42 OR id > 0";
    SshResult r = nowait(ran);
    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("DELETE 1");
    assertThat(pg.superSql("app", "select count(*) from orders")).isEqualTo("39");
    assertThat(pg.superSql("app", "select count(*) from orders where id = 7")).isEqualTo("0");
    // The audit line and the recording carry the text that ran, exactly; the approved text beside it.
    JsonNode used = gw.awaitAudit("approval used", field("event", "approval-used").and(field("requestId", id)));
    assertThat(used.path("statement").asText()).isEqualTo(ran);
    assertThat(used.path("approvedStatement").asText()).isEqualTo(approved);
    String cast = recordingsOf(alice.identity());
    assertThat(markers(cast)).anySatisfy(m -> assertThat(m).startsWith("approved by " + bob.identity() + " (request " + id
        + "): DELETE  FROM orders\n  WHERE id = 7   -- per ticket 42 OR id > 0"));
    SshResult again = nowait(approved);
    assertThat(pendingId(again)).as("single use").isNotEqualTo(id);
  }

  /** Approved statement, and a text that differs from it in more than white space between tokens. */
  static List<List<String>> variants() {
    return List.of(
        // nested comments: where the outer comment really ends
        List.of("UPDATE orders SET note = 'v1' WHERE id = 11 /* a /* b */ OR true */",
            "UPDATE orders SET note = 'v1' WHERE id = 11 /* a /* b */ */ OR true"),
        // comment text
        List.of("UPDATE orders SET note = 'v2' WHERE id = 12 -- ticket 1", "UPDATE orders SET note = 'v2' WHERE id = 12 -- ticket 2"),
        // string contents, white space inside a string
        List.of("UPDATE orders SET note = 'v3' WHERE id = 13", "UPDATE orders SET note = 'v3x' WHERE id = 13"),
        List.of("UPDATE orders SET note = 'v4 a' WHERE id = 14", "UPDATE orders SET note = 'v4  a' WHERE id = 14"),
        // dollar quotes: body, tag
        List.of("UPDATE orders SET note = $$v5$$ WHERE id = 15", "UPDATE orders SET note = $$v5 $$ WHERE id = 15"),
        List.of("UPDATE orders SET note = $$v6$$ WHERE id = 16", "UPDATE orders SET note = $t$v6$t$ WHERE id = 16"),
        // E'' escapes: another spelling of the same value is another text
        List.of("UPDATE orders SET note = E'v7\\x41' WHERE id = 17", "UPDATE orders SET note = E'v7\\101' WHERE id = 17"),
        // (approved: the string ends at the quote after an escaped backslash; the variant's
        // backslash escapes that quote, the string runs on, and WHERE true updates every row)
        List.of("UPDATE orders SET note = E'v8\\\\' WHERE id = 18 -- ' WHERE true",
            "UPDATE orders SET note = E'v8\\' WHERE id = 18 -- ' WHERE true"),
        // U&'' strings, quoted identifiers, case
        List.of("UPDATE orders SET note = U&'v9\\0041' WHERE id = 19", "UPDATE orders SET note = U&'v9\\0042' WHERE id = 19"),
        List.of("UPDATE orders SET \"note\" = 'v10' WHERE id = 20", "UPDATE orders SET note = 'v10' WHERE id = 20"),
        List.of("update orders set note = 'v11' where id = 21", "UPDATE orders SET note = 'v11' WHERE id = 21"),
        // a continued string: the newline between 'a' and 'b' joins them; a space does not
        List.of("UPDATE orders SET note = 'v12'\n'b' WHERE id = 22", "UPDATE orders SET note = 'v12'\n\n'b' WHERE id = 22"),
        // an em space is a letter to PostgreSQL: o\u2003WHERE\u2003false is one alias, no WHERE
        List.of("UPDATE orders o SET note = 'v13' WHERE id = 23", "UPDATE orders o\u2003SET note = 'v13' WHERE id = 23"));
  }

  @ParameterizedTest
  @MethodSource("variants")
  void aTextThatDiffersInMoreThanWhiteSpaceBetweenTokensIsANewRequest(List<String> pair) throws Exception {
    String before = orders();
    String id = pendingId(nowait(pair.get(0)));
    approve(id);
    SshResult r = nowait(pair.get(1));
    if (r.exitCode() == 76) {
      assertThat(pendingId(r)).isNotEqualTo(id);
    } else {
      // Or the server refused the text: either way the approval did not run it.
      assertThat(r.exitCode()).as(r.toString()).isNotZero();
    }
    assertThat(orders()).isEqualTo(before);
    assertThat(request(id).path("usedAt").isNull()).as("the approval is still unused").isTrue();
    // and the approved text still runs under it
    SshResult ok = nowait(pair.get(0));
    assertThat(ok.exitCode()).as(ok.toString()).isZero();
    assertThat(request(id).path("usedAt").isNull()).isFalse();
  }

  /**
   * standard_conforming_strings decides where {@code 'a\'} ends. Approved while it is on (a
   * one-row update), the same characters in a session that turned it off update every row: a
   * new request, held, while the approval stays unused; with it on, the approval runs them.
   */
  @Test
  void anApprovalGivenWithStandardConformingStringsOnDoesNotCoverTheSameTextReadWithItOff() throws Exception {
    String sql = "UPDATE orders SET note = 'scs\\' WHERE id = 30 -- ' WHERE true";
    String before = orders();
    String id = pendingId(nowait(sql));
    approve(id);
    int port = PostgresTargetIT.PostgresServerPort.free();
    List<String> argv = new ArrayList<>(gw.sshArgv(alice, "pg", List.of("-N", "-L", port + ":pg:5432",
        "-o", "ExitOnForwardFailure=yes")));
    Process tunnel = new ProcessBuilder(argv).redirectErrorStream(true).start();
    try {
      ApprovalBench.awaitPort(port);
      String dsn = "host=127.0.0.1 port=" + port + " user=anyone password=x dbname=app sslmode=disable gssencmode=disable";
      Process off = new ProcessBuilder("psql", "-X", "-v", "ON_ERROR_STOP=1", dsn,
          "-c", "SET standard_conforming_strings = off", "-c", sql).redirectErrorStream(true).start();
      JsonNode held = null;
      for (int i = 0; i < 400 && held == null; i++) {
        for (JsonNode n : JSON.readTree(gw.cli("approvals", "list", "--format", "json").out())) {
          if (n.path("statement").asText().equals(sql) && n.path("state").asText().equals("pending")) {
            held = n;
          }
        }
        Thread.sleep(50);
      }
      assertThat(held).as("the text read with the setting off waits for an approval of its own").isNotNull();
      assertThat(off.isAlive()).isTrue();
      assertThat(held.path("id").asText()).isNotEqualTo(id);
      SshResult deny = gw.ssh(bob, "approvals").run("deny " + held.path("id").asText() + " not this one");
      assertThat(deny.exitCode()).as(deny.toString()).isZero();
      String out = new String(off.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(off.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(off.exitValue()).as(out).isNotZero();
      assertThat(out).contains("denied by " + bob.identity());
      assertThat(orders()).isEqualTo(before);
      assertThat(request(id).path("usedAt").isNull()).isTrue();

      Process on = new ProcessBuilder("psql", "-X", "-v", "ON_ERROR_STOP=1", dsn, "-c", sql).redirectErrorStream(true).start();
      String onOut = new String(on.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(on.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(onOut).contains("UPDATE 1");
      assertThat(pg.superSql("app", "select note from orders where id = 30")).isEqualTo("scs\\");
      assertThat(pg.superSql("app", "select count(*) from orders where note like 'scs%'")).isEqualTo("1");
      assertThat(request(id).path("usedAt").isNull()).isFalse();
    } finally {
      tunnel.destroy();
      tunnel.waitFor(5, TimeUnit.SECONDS);
    }
  }

  /**
   * Sends {@code sql} with pgJDBC (the extended protocol) through {@code ssh -L}, where a review
   * holds the statement: waits for its pending request, checks the approval was not used for it
   * (nothing ran: the client still waits), denies it; returns its id and what {@code ssh approvals@
   * list} showed while it was pending.
   */
  record Held(String id, String listing) {}

  static Held heldThroughTunnel(String sql) throws Exception {
    int port = PostgresTargetIT.PostgresServerPort.free();
    List<String> argv = new ArrayList<>(gw.sshArgv(alice, "pg", List.of("-N", "-L", port + ":pg:5432",
        "-o", "ExitOnForwardFailure=yes")));
    Process tunnel = new ProcessBuilder(argv).redirectErrorStream(true).start();
    try {
      ApprovalBench.awaitPort(port);
      java.util.Properties props = new java.util.Properties();
      props.setProperty("user", "x");
      props.setProperty("password", "x");
      try (java.sql.Connection c = java.sql.DriverManager.getConnection(
              "jdbc:postgresql://127.0.0.1:" + port + "/app?sslmode=disable", props);
          java.sql.Statement st = c.createStatement()) {
        java.util.concurrent.CompletableFuture<String> run = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
          try {
            st.execute(sql);
            return "ran";
          } catch (java.sql.SQLException e) {
            return e.getSQLState() + " " + e.getMessage();
          }
        });
        JsonNode held = null;
        for (int i = 0; i < 400 && held == null; i++) {
          for (JsonNode n : JSON.readTree(gw.cli("approvals", "list", "--format", "json").out())) {
            if (n.path("statement").asText().equals(sql)) {
              held = n;
            }
          }
          Thread.sleep(50);
        }
        assertThat(held).as("a request of its own for %s", sql).isNotNull();
        assertThat(run.isDone()).as("held, not run").isFalse();
        String id = held.path("id").asText();
        String listing = gw.ssh(bob, "approvals").run("list").out();
        SshResult deny = gw.ssh(bob, "approvals").run("deny " + id + " no");
        assertThat(deny.exitCode()).as(deny.toString()).isZero();
        assertThat(run.get(20, TimeUnit.SECONDS)).contains("denied by " + bob.identity());
        return new Held(id, listing);
      }
    } finally {
      tunnel.destroy();
      tunnel.waitFor(5, TimeUnit.SECONDS);
    }
  }

  static String recordingsOf(String identity) throws Exception {
    StringBuilder all = new StringBuilder();
    for (var s : gw.sessionsOf(identity)) {
      all.append(Files.readString(gw.dataDir().resolve(s.path()), StandardCharsets.UTF_8));
    }
    return all.toString();
  }

  /** The labels of the asciicast "m" events. */
  static List<String> markers(String cast) throws Exception {
    List<String> out = new ArrayList<>();
    for (String line : cast.split("\n")) {
      if (line.startsWith("[")) {
        JsonNode e = JSON.readTree(line);
        if (e.size() == 3 && e.get(1).asText().equals("m")) {
          out.add(e.get(2).asText());
        }
      }
    }
    return out;
  }
}
