package dev.gatehouse.gateway;

import static dev.gatehouse.gateway.GatewayFixture.field;
import static dev.gatehouse.gateway.McpFixture.call;
import static dev.gatehouse.gateway.McpFixture.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.gateway.postgres.PostgresServer;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hostile person with a valid certificate (or an agent driven by one) against {@code ssh mcp@gw}:
 * identity, policy, masking, approvals, limits and the recording, each attempt end to end through
 * the real OpenSSH client, a real PostgreSQL and bash behind the gateway.
 */
class McpAttack18IT {
  private static final ObjectMapper JSON = McpFixture.JSON;
  private static final int MAX_OUTPUT = McpFixture.MAX_OUTPUT;

  @TempDir static Path dir;
  static McpFixture mcp;
  static PostgresServer pg;
  static GatewayFixture gw;

  @RegisterExtension GatewayLogOnFailure log = new GatewayLogOnFailure();

  @BeforeAll
  static void start() throws Exception {
    mcp = McpFixture.setup().requestTimeout(Duration.ofSeconds(120)).start(dir);
    pg = mcp.pg;
    gw = mcp.gw;
  }

  @AfterAll
  static void stop() throws Exception {
    if (mcp != null) {
      mcp.close();
    }
  }

  /** The first content's JSON; unlike {@link McpFixture#body} it does not check that there is only one. */
  private static JsonNode body(McpSchema.CallToolResult r) throws Exception {
    return JSON.readTree(text(r));
  }

  // ---------------------------------------------------------------- findings

  /**
   * A server error carries the value it could not read, whole: PostgreSQL puts the entire input
   * text in "invalid input syntax" messages. maxOutputBytes bounds rows and notices, so an error
   * must be bounded too, or one call puts megabytes into the agent's result, the recording and
   * the audit line.
   */
  @Test
  void aServerErrorMessageIsBoundedByMaxOutputBytes() throws Exception {
    SshClientKey alice = gw.sign(GatewayFixture.uniqueIdentity("alice"), List.of("dev"));
    int resultSize;
    try (McpSyncClient c = mcp.connect(alice)) {
      McpSchema.CallToolResult r = call(c, "sql_query",
          Map.of("target", "prod-db", "sql", "SELECT repeat('x', 4000000)::int"));
      assertThat(r.isError()).isTrue();
      assertThat(body(r).path("sqlState").asText()).isEqualTo("22P02");
      resultSize = text(r).length();
    }
    JsonNode audit = gw.awaitAudit("the call", field("event", "mcp-tool-call").and(field("identity", alice.identity())));
    gw.awaitSession(alice.identity(), s -> s.end() != null);
    org.assertj.core.api.SoftAssertions soft = new org.assertj.core.api.SoftAssertions();
    soft.assertThat(resultSize).as("the error result's size").isLessThanOrEqualTo(MAX_OUTPUT + 1024);
    soft.assertThat(audit.toString().length()).as("the GH3008I audit line's size").isLessThanOrEqualTo(MAX_OUTPUT + 4096);
    soft.assertThat(gw.recordingsOf(alice).length()).as("the recording's size").isLessThanOrEqualTo(4 * MAX_OUTPUT);
    soft.assertAll();
  }

  /**
   * Arguments the tool's input schema refuses (a negative maxRows, a string, a fraction) are
   * answered by the SDK's schema check before the gateway sees the call: the text is not the
   * documented {"status":"error","error":"bad-arguments"} JSON, and the call is neither recorded
   * nor audited (GH3008I) though every call is to be.
   */
  @Test
  void argumentsTheSchemaRefusesAreABadArgumentsResultAndAudited() throws Exception {
    SshClientKey alice = gw.sign(GatewayFixture.uniqueIdentity("alice"), List.of("dev"));
    List<String> wrong = new ArrayList<>();
    try (McpSyncClient c = mcp.connect(alice)) {
      for (Object bad : List.of(-1, 1.5, "5", Map.of(), List.of(1))) {
        McpSchema.CallToolResult r = call(c, "sql_query",
            Map.of("target", "prod-db", "sql", "SELECT 'schema-probe'", "maxRows", bad));
        String t = text(r);
        if (!Boolean.TRUE.equals(r.isError()) || !t.startsWith("{") || !JSON.readTree(t).path("error").asText().equals("bad-arguments")) {
          wrong.add("maxRows " + bad + " -> isError " + r.isError() + " " + t);
        }
      }
      for (Object bad : List.of(-1, 0, 1.5, "100", Long.MIN_VALUE)) {
        McpSchema.CallToolResult r = call(c, "run_command",
            Map.of("target", "web-1", "command", "echo hi", "maxBytes", bad));
        String t = text(r);
        if (!Boolean.TRUE.equals(r.isError()) || !t.startsWith("{") || !JSON.readTree(t).path("error").asText().equals("bad-arguments")) {
          wrong.add("maxBytes " + bad + " -> isError " + r.isError() + " " + t);
        }
      }
    }
    org.assertj.core.api.SoftAssertions soft = new org.assertj.core.api.SoftAssertions();
    soft.assertThat(wrong).as("results not in the documented shape").isEmpty();
    soft.assertThat(gw.auditLines()).as("GH3008I lines of the refused calls")
        .filteredOn(l -> l.path("identity").asText().equals(alice.identity())
            && l.path("event").asText().equals("mcp-tool-call"))
        .hasSize(10);
    soft.assertAll();
  }

  // ---------------------------------------------------------------- bounds, concurrency, the end of input

  /**
   * The arguments are echoed into the audit line and the recording: a statement of 4 MB (refused,
   * too long) and one of 1 MB (run) leave a GH3008I line of a few KiB with an explicit "bytes more"
   * marker, and a recording far smaller than what was sent.
   */
  @Test
  void aHugeSqlArgumentIsBoundedInTheAuditLineAndTheRecording() throws Exception {
    SshClientKey alice = gw.sign(GatewayFixture.uniqueIdentity("alice"), List.of("dev"));
    try (McpSyncClient c = mcp.connect(alice)) {
      McpSchema.CallToolResult tooLong = call(c, "sql_query",
          Map.of("target", "prod-db", "sql", "SELECT 1 -- " + "y".repeat(4_000_000)));
      assertThat(tooLong.isError()).isTrue();
      assertThat(body(tooLong).path("error").asText()).isEqualTo("bad-arguments");
      assertThat(text(tooLong).length()).isLessThan(1024);
      McpSchema.CallToolResult ran = call(c, "sql_query",
          Map.of("target", "prod-db", "sql", "SELECT 'big' AS b -- " + "y".repeat(1_000_000)));
      assertThat(body(ran).path("rows").toString()).as("%s", text(ran)).isEqualTo("[[\"big\"]]");
    }
    gw.awaitSession(alice.identity(), s -> s.end() != null);
    List<JsonNode> calls = gw.auditLines().stream()
        .filter(l -> l.path("identity").asText().equals(alice.identity())
            && l.path("event").asText().equals("mcp-tool-call"))
        .toList();
    assertThat(calls).hasSize(2);
    for (JsonNode l : calls) {
      assertThat(l.toString().length()).as("a GH3008I line").isLessThanOrEqualTo(8192);
      assertThat(l.path("arguments").asText()).startsWith("SELECT ").matches("(?s).*…\\(\\d+ bytes more\\)$");
    }
    assertThat(gw.recordingsOf(alice).length()).as("the recording's size").isLessThanOrEqualTo(4 * MAX_OUTPUT);
  }

  /** A command that floods stderr: what the result, the audit line and the recording hold stays bounded. */
  @Test
  void aHugeStderrIsBoundedInTheResultAndTheRecording() throws Exception {
    SshClientKey alice = gw.sign(GatewayFixture.uniqueIdentity("alice"), List.of("dev"));
    String flood = "while :; do printf 'eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee\\n' >&2; done";
    int resultSize;
    try (McpSyncClient c = mcp.connect(alice)) {
      McpSchema.CallToolResult r = call(c, "run_command", Map.of("target", "web-1", "command", flood));
      JsonNode b = body(r);
      assertThat(b.path("truncated").asBoolean()).as("%s", b.path("status")).isTrue();
      assertThat(b.path("stderr").asText()).startsWith("eeee");
      assertThat(b.path("stderr").asText().length() + b.path("stdout").asText().length()).isLessThanOrEqualTo(MAX_OUTPUT);
      resultSize = text(r).length();
      JsonNode small = body(call(c, "run_command", Map.of("target", "web-1", "command", flood, "maxBytes", 1000)));
      assertThat(small.path("stderr").asText().length()).isLessThanOrEqualTo(1000);
      assertThat(small.path("truncated").asBoolean()).isTrue();
    }
    gw.awaitSession(alice.identity(), s -> s.end() != null);
    // The result's JSON escapes each newline (two characters for one byte).
    assertThat(resultSize).isLessThanOrEqualTo(MAX_OUTPUT + MAX_OUTPUT / 40 + 1024);
    assertThat(gw.auditLines()).filteredOn(l -> l.path("identity").asText().equals(alice.identity()))
        .allSatisfy(l -> assertThat(l.toString().length()).isLessThanOrEqualTo(8192));
    assertThat(gw.recordingsOf(alice).length()).as("the recording's size").isLessThanOrEqualTo(4 * MAX_OUTPUT);
  }

  /**
   * Six calls at once on one connection: four run, two are answered busy at once (audited like any
   * call), and the connection serves calls again afterwards. Each call sleeps 8 s on the server so
   * that all six are sent while the first four still run; the sends take milliseconds.
   */
  @Test
  void moreThanFourCallsInFlightOnOneConnectionAreBusy() throws Exception {
    SshClientKey alice = gw.sign(GatewayFixture.uniqueIdentity("alice"), List.of("dev"));
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(6);
    try (McpSyncClient c = mcp.connect(alice)) {
      List<CompletableFuture<McpSchema.CallToolResult>> calls = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        calls.add(CompletableFuture.supplyAsync(
            () -> call(c, "sql_query", Map.of("target", "prod-db", "sql", "SELECT pg_sleep(8) AS slept")), pool));
      }
      List<JsonNode> results = new ArrayList<>();
      for (CompletableFuture<McpSchema.CallToolResult> f : calls) {
        results.add(body(f.get(120, TimeUnit.SECONDS)));
      }
      assertThat(results).as("%s", results).filteredOn(b -> b.has("columns")).hasSize(4);
      assertThat(results).as("%s", results).filteredOn(b -> b.path("error").asText().equals("busy")).hasSize(2);
      assertThat(body(call(c, "sql_query", Map.of("target", "prod-db", "sql", "SELECT 7 AS again")))
          .path("rows").toString()).isEqualTo("[[\"7\"]]");
    } finally {
      pool.shutdownNow();
    }
    assertThat(gw.auditLines()).filteredOn(l -> l.path("identity").asText().equals(alice.identity())
        && l.path("event").asText().equals("mcp-tool-call") && l.path("rule").asText().equals("busy")).hasSize(2);
  }

  /**
   * Requests the SDK never answers (a call before initialize, a call after initialize but before
   * the initialized notification) do not hold the session open: ssh exits 0 once its input ends,
   * and nothing ran. A batch, which makes the SDK stop reading, ends the session at once (65).
   */
  @Test
  void unansweredRequestsDoNotHoldTheSessionOpenAfterInputEnds() throws Exception {
    SshClientKey alice = gw.sign(GatewayFixture.uniqueIdentity("alice"), List.of("dev"));
    String marker = "held-" + Long.toHexString(System.nanoTime());
    String call = "{\"jsonrpc\":\"2.0\",\"id\":%d,\"method\":\"tools/call\",\"params\":{\"name\":\"run_command\","
        + "\"arguments\":{\"target\":\"web-1\",\"command\":\"echo " + marker + "\"}}}\n";
    String out = raw(alice, call.formatted(1).getBytes(StandardCharsets.UTF_8), 60);
    assertThat(out).as(out).startsWith("exit 0").doesNotContain(marker);
    // Kept open (no EOF): the batch alone must end the session.
    Process p = new ProcessBuilder(gw.sshArgv(alice, "mcp", List.of("-T"))).start();
    try {
      p.getOutputStream().write(("[{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":"
          + "\"list_targets\"}}]\n").getBytes(StandardCharsets.UTF_8));
      p.getOutputStream().flush();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("ssh ended after a batch").isTrue();
      assertThat(p.exitValue()).isEqualTo(65);
      assertThat(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).contains("batches are not served");
    } finally {
      p.destroyForcibly();
    }
    String initOnly = "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
        + "\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}\n" + call.formatted(3);
    String out2 = raw(alice, initOnly.getBytes(StandardCharsets.UTF_8), 60);
    assertThat(out2).as(out2).startsWith("exit 0").contains("\"id\":0").contains("serverInfo").doesNotContain(marker);
    assertThat(gw.auditLines()).filteredOn(l -> l.toString().contains(marker)).isEmpty();
  }

  /** An argument the tool does not take is refused like any bad argument: in the shape, audited. */
  @Test
  void anArgumentTheToolDoesNotTakeIsBadArguments() throws Exception {
    SshClientKey alice = gw.sign(GatewayFixture.uniqueIdentity("alice"), List.of("dev"));
    try (McpSyncClient c = mcp.connect(alice)) {
      McpSchema.CallToolResult r = call(c, "sql_query",
          Map.of("target", "prod-db", "sql", "SELECT 1", "database", "postgres"));
      assertThat(r.isError()).isTrue();
      assertThat(body(r).path("error").asText()).isEqualTo("bad-arguments");
      assertThat(body(r).path("message").asText()).contains("database");
      McpSchema.CallToolResult lt = call(c, "list_targets", Map.of("all", true));
      assertThat(body(lt).path("error").asText()).isEqualTo("bad-arguments");
    }
    assertThat(gw.auditLines()).filteredOn(l -> l.path("identity").asText().equals(alice.identity())
        && l.path("event").asText().equals("mcp-tool-call") && l.path("rule").asText().equals("bad-arguments"))
        .hasSize(2);
  }

  // ---------------------------------------------------------------- what held

  @Test
  void maskedColumnsStayMaskedWhateverShapeTheQueryGivesThem() throws Exception {
    SshClientKey alice = gw.sign(GatewayFixture.uniqueIdentity("alice"), List.of("dev"));
    List<String> leaks = new ArrayList<>();
    try (McpSyncClient c = mcp.connect(alice)) {
      for (String sql : List.of(
          "SELECT row_to_json(u) FROM users u",
          "SELECT u FROM users u",
          "SELECT to_jsonb(u.*) FROM users u",
          "SELECT array_agg(email) FROM users",
          "SELECT json_agg(email) FROM users",
          "SELECT string_agg(email, ',') FROM users",
          "SELECT lower(email) FROM users",
          "SELECT set_config('x.y', email, false) FROM users",
          "SELECT 1; SELECT email FROM users",
          "WITH x AS (SELECT email e FROM users) SELECT e FROM x",
          "TABLE users",
          "SELECT (SELECT email FROM users WHERE id = 1)",
          "SELECT format('%s', email) FROM users",
          "SELECT email::int FROM users",
          "SELECT email::json FROM users",
          "SELECT ROW(email)::text FROM users",
          "SELECT * FROM (VALUES (1)) v, LATERAL (SELECT email FROM users) e",
          "COPY (SELECT email FROM users) TO STDOUT")) {
        McpSchema.CallToolResult r = call(c, "sql_query", Map.of("target", "prod-db", "sql", sql));
        String t = text(r);
        if (t.contains("alice@") || t.contains("bob@")) {
          leaks.add(sql + " -> " + t);
        }
      }
    }
    assertThat(leaks).isEmpty();
  }

  @Test
  void badMaxRowsAndMaxBytesAreBadArguments() throws Exception {
    SshClientKey alice = gw.sign(GatewayFixture.uniqueIdentity("alice"), List.of("dev"));
    try (McpSyncClient c = mcp.connect(alice)) {
      for (Object bad : List.of(2147483648L, 1e12)) {
        McpSchema.CallToolResult r = call(c, "sql_query",
            Map.of("target", "prod-db", "sql", "SELECT 1", "maxRows", bad));
        assertThat(r.isError()).as("maxRows %s", bad).isTrue();
        assertThat(body(r).path("error").asText()).as("maxRows %s", bad).isEqualTo("bad-arguments");
      }
      for (Object bad : List.of(1e30)) {
        McpSchema.CallToolResult r = call(c, "run_command",
            Map.of("target", "web-1", "command", "echo hi", "maxBytes", bad));
        assertThat(r.isError()).as("maxBytes %s", bad).isTrue();
        assertThat(body(r).path("error").asText()).as("maxBytes %s", bad).isEqualTo("bad-arguments");
      }
      // maxRows 0: no rows, the count still told.
      JsonNode none = body(call(c, "sql_query",
          Map.of("target", "prod-db", "sql", "SELECT g FROM generate_series(1, 5) g", "maxRows", 0)));
      assertThat(none.path("rows").size()).isZero();
      assertThat(none.path("truncated").asBoolean()).isTrue();
    }
  }

  @Test
  void aTargetNameSpelledOtherwiseIsRefused() throws Exception {
    SshClientKey mallory = gw.sign(GatewayFixture.uniqueIdentity("mallory"), List.of("dev"));
    try (McpSyncClient c = mcp.connect(mallory)) {
      for (String t : List.of("billing-db", "billing-db ", " billing-db", "BILLING-DB", "billing\u2010db",
          "billing-db\u200b", "mcp", "approvals", "billing-db\n")) {
        McpSchema.CallToolResult r = call(c, "sql_query", Map.of("target", t, "sql", "SELECT 1"));
        assertThat(r.isError()).as("target [%s]", t).isTrue();
        assertThat(body(r).path("status").asText()).as("target [%s]", t).isEqualTo("refused");
      }
    }
  }

  @Test
  void approvalGamesDoNotRunAStatementUnapproved() throws Exception {
    SshClientKey alice = gw.sign(GatewayFixture.uniqueIdentity("alice"), List.of("dev", "dba-leads"));
    SshClientKey bob = gw.sign(GatewayFixture.uniqueIdentity("bob"), List.of("dev"));
    SshClientKey lead = gw.sign(GatewayFixture.uniqueIdentity("lead"), List.of("dba-leads"));
    String table = "att_" + Long.toHexString(System.nanoTime());
    String ddl = "CREATE TABLE " + table + " (id int)";
    String id;
    try (McpSyncClient c = mcp.connect(alice)) {
      id = body(call(c, "sql_query", Map.of("target", "prod-db", "sql", ddl))).path("request").asText();
    }
    assertThat(id).isNotBlank();
    // Approving one's own request (alice is in dba-leads) is refused.
    SshResult self = gw.ssh(alice, "approvals").run("approve " + id + " mine");
    assertThat(self.exitCode()).as("%s", self).isNotZero();
    // Someone else's request is not shown to a person outside its approvers.
    try (McpSyncClient c = mcp.connect(bob)) {
      JsonNode seen = body(call(c, "approval_status", Map.of("request", id)));
      assertThat(seen.path("error").asText()).isEqualTo("not-found");
      assertThat(seen.toString()).doesNotContain(table);
      JsonNode lower = body(call(c, "approval_status", Map.of("request", id.toLowerCase() + " ")));
      assertThat(lower.toString()).doesNotContain(table);
    }
    assertThat(gw.ssh(lead, "approvals").run("approve " + id + " ok").exitCode()).isZero();
    // Another person sending the same text gets a request of their own, not alice's approval.
    try (McpSyncClient c = mcp.connect(bob)) {
      JsonNode b = body(call(c, "sql_query", Map.of("target", "prod-db", "sql", ddl)));
      assertThat(b.path("status").asText()).isEqualTo("pending");
      assertThat(b.path("request").asText()).isNotEqualTo(id);
    }
    // Alice: the approved text with something else after it does not ride on the approval.
    try (McpSyncClient c = mcp.connect(alice)) {
      McpSchema.CallToolResult r = call(c, "sql_query",
          Map.of("target", "prod-db", "sql", ddl + "; CREATE TABLE " + table + "_x (id int)"));
      assertThat(text(r)).contains("pending");
    }
    assertThat(pg.superSql("app", "select count(*) from pg_tables where tablename = '" + table + "_x'"))
        .isEqualTo("0");
  }

  /** Two connections retry an approved statement at once: it runs once, the other call is a new request. */
  @Test
  void anApprovalIsUsedOnceEvenByConcurrentRetries() throws Exception {
    SshClientKey alice = gw.sign(GatewayFixture.uniqueIdentity("alice"), List.of("dev"));
    SshClientKey lead = gw.sign(GatewayFixture.uniqueIdentity("lead"), List.of("dba-leads"));
    String table = "race_" + Long.toHexString(System.nanoTime());
    String ddl = "CREATE TABLE " + table + " (id int)";
    String id;
    try (McpSyncClient c = mcp.connect(alice)) {
      id = body(call(c, "sql_query", Map.of("target", "prod-db", "sql", ddl))).path("request").asText();
    }
    assertThat(gw.ssh(lead, "approvals").run("approve " + id + " ok").exitCode()).isZero();
    try (McpSyncClient a = mcp.connect(alice); McpSyncClient b = mcp.connect(alice)) {
      CompletableFuture<String> ra = CompletableFuture.supplyAsync(
          () -> text(call(a, "sql_query", Map.of("target", "prod-db", "sql", ddl))));
      CompletableFuture<String> rb = CompletableFuture.supplyAsync(
          () -> text(call(b, "sql_query", Map.of("target", "prod-db", "sql", ddl))));
      List<String> both = List.of(ra.get(120, TimeUnit.SECONDS), rb.get(120, TimeUnit.SECONDS));
      assertThat(both).filteredOn(t -> t.contains("\"columns\"")).as("%s", both).hasSize(1);
      assertThat(both).filteredOn(t -> t.contains("\"pending\"")).as("%s", both).hasSize(1);
    }
  }

  @Test
  void controlSequencesInACallAndItsOutputDoNotReachTheRecordingRaw() throws Exception {
    SshClientKey alice = gw.sign(GatewayFixture.uniqueIdentity("alice"), List.of("dev"));
    try (McpSyncClient c = mcp.connect(alice)) {
      McpSchema.CallToolResult r = call(c, "run_command",
          Map.of("target", "web-1", "command", "printf '\\033]0;pwned\\007\\033[2J\\302\\23331mX'"));
      assertThat(r.isError()).as("%s", r).isFalse();
      call(c, "sql_query", Map.of("target", "prod-db", "sql", "SELECT E'\\x1b]0;pwned2\\x07' AS \"\u001b[31m\""));
    }
    gw.awaitSession(alice.identity(), s -> s.end() != null);
    String cast = gw.recordingsOf(alice);
    assertThat(cast).contains("pwned").contains("pwned2");
    // In the asciicast's JSON a control character the player would act on (ESC, CSI, BEL) is a
    // backslash-u escape not itself escaped; the visible six-character text a result shows is
    // escaped twice there.
    assertThat(java.util.regex.Pattern.compile("(?<!\\\\)\\\\u00(1b|9b|07)", java.util.regex.Pattern.CASE_INSENSITIVE)
        .matcher(cast).find()).as("a raw control character in %s", cast).isFalse();
    assertThat(cast).doesNotContain("\u001b").doesNotContain("\u009b");
  }

  /** Raw JSON-RPC through ssh: no initialize, batches, an endless line. */
  @Test
  void protocolAbuseEndsOrIsRefusedWithoutRunningAnything() throws Exception {
    SshClientKey alice = gw.sign(GatewayFixture.uniqueIdentity("alice"), List.of("dev"));
    // A lone UTF-16 surrogate (escaped in the JSON) cannot be judged: the guard refuses it rather
    // than let bash read the '?' it becomes as a glob (ls /??? lists /bin, /etc...).
    String init = "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
        + "\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}\n"
        + "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n";
    String lone = raw(alice, (init + "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":"
        + "\"run_command\",\"arguments\":{\"target\":\"web-1\",\"command\":\"ls -d /\\ud800\\ud800\\ud800\"}}}\n")
        .getBytes(StandardCharsets.UTF_8), 60);
    System.out.println("RAW0: " + lone);
    assertThat(lone).startsWith("exit 0").contains("\\\"status\\\":\\\"blocked\\\"").doesNotContain("/etc");
    String marker = "preinit-" + Long.toHexString(System.nanoTime());
    String out = raw(alice, ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"run_command\","
        + "\"arguments\":{\"target\":\"web-1\",\"command\":\"echo " + marker + "\"}}}\n"
        + "[{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"list_targets\"}}]\n")
        .getBytes(StandardCharsets.UTF_8), 20);
    System.out.println("RAW1: " + out);
    // A call before initialize is not served: nothing was judged or run.
    assertThat(out).doesNotContain(marker);
    assertThat(gw.auditLines()).filteredOn(l -> l.toString().contains(marker)).isEmpty();
    // An endless line: the session ends (65) and the gateway goes on.
    byte[] big = new byte[6 << 20];
    java.util.Arrays.fill(big, (byte) 'x');
    long t0 = System.nanoTime();
    String out2 = raw(alice, big, 120);
    System.out.println("RAW2: " + out2 + " in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    assertThat(out2).startsWith("exit 65");
    try (McpSyncClient c = mcp.connect(alice)) {
      assertThat(text(call(c, "list_targets", Map.of()))).contains("prod-db");
    }
  }

  private static String raw(SshClientKey key, byte[] input, int seconds) throws Exception {
    Process p = new ProcessBuilder(gw.sshArgv(key, "mcp", List.of("-T"))).start();
    CompletableFuture<byte[]> stdout = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
    CompletableFuture<byte[]> stderr = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
    try (OutputStream o = p.getOutputStream()) {
      o.write(input);
    } catch (java.io.IOException e) {
      // the gateway closed first
    }
    if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      return "timeout " + new String(stdout.getNow(new byte[0]), StandardCharsets.UTF_8);
    }
    return "exit " + p.exitValue() + "\n" + new String(stdout.get(), StandardCharsets.UTF_8) + "\n"
        + new String(stderr.get(), StandardCharsets.UTF_8);
  }

  private static byte[] readAll(InputStream in) {
    try {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      in.transferTo(b);
      return b.toByteArray();
    } catch (java.io.IOException e) {
      return new byte[0];
    }
  }
}
