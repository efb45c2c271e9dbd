package dev.gatehouse.gateway;

import static dev.gatehouse.gateway.GatewayFixture.field;
import static dev.gatehouse.gateway.McpFixture.body;
import static dev.gatehouse.gateway.McpFixture.call;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.gateway.postgres.PostgresServer;
import dev.gatehouse.recorder.SessionRecord;
import dev.gatehouse.recorder.SessionState;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * What the MCP-over-HTTP ITs share, whichever identity provider signs their tokens: a real
 * PostgreSQL with the shop's {@code orders} (see {@link McpFixture#startShopDatabase}), a gateway
 * with {@code web.mcp} on, publicUrl {@value #PUBLIC_URL}, OIDC against the given issuer and two
 * targets — {@code prod-db} (group dev, with a description and the SQL policy) and {@code ops-db}
 * (group ops) — and the MCP Java SDK's own Streamable HTTP client on {@code /mcp}.
 *
 * <pre>
 *  McpHttpFixture http = McpHttpFixture.start(dir, idp.issuer(), clientId);
 *  try (McpSyncClient c = http.connect(accessToken)) { ... }
 * </pre>
 */
final class McpHttpFixture implements AutoCloseable {
  /** What the gateway's publicUrl is in these tests: the name users and the identity provider see. */
  static final String PUBLIC_URL = "https://gatehouse.test";
  /** The WWW-Authenticate header of every 401 from /mcp. */
  static final String HEADER = "Bearer resource_metadata=\"" + PUBLIC_URL + "/.well-known/oauth-protected-resource\"";
  /** A client's first request. */
  static final String INITIALIZE = """
      {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",
       "capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""";

  final PostgresServer pg;
  final GatewayFixture gw;

  private McpHttpFixture(PostgresServer pg, GatewayFixture gw) {
    this.pg = pg;
    this.gw = gw;
  }

  /** Starts the database and the gateway in {@code dir/gw}, trusting tokens of {@code issuer} for {@code clientId}. */
  static McpHttpFixture start(Path dir, String issuer, String clientId) throws Exception {
    PostgresServer pg = McpFixture.startShopDatabase();
    try {
      Files.createDirectories(dir.resolve("gw"));
      GatewayFixture gw = GatewayFixture.start(dir.resolve("gw"), "", """
          web: { listen: "127.0.0.1:0", publicUrl: "%s", mcp: true }
          oidc: { issuer: "%s", clientId: %s }
          targets:
            - name: prod-db
              type: postgres
              description: the shop's orders and users
              postgres: { host: 127.0.0.1, port: %d, database: app, user: app_rw, password: "file:%s", tls: disable }
              allow: { groups: [dev] }
              policy: default-sql
            - name: ops-db
              type: postgres
              postgres: { host: 127.0.0.1, port: %d, database: app, user: app_rw, password: "file:%s", tls: disable }
              allow: { groups: [ops] }
          policies:
            default-sql:
              block: [drop-database, drop-table, truncate, delete-without-where, update-without-where]
              review: [ddl, grant, role-change]
              unclassified: review
              mask: { columns: [users.email], form: keep-last-4 }
          """.formatted(PUBLIC_URL, issuer, clientId, pg.port, pg.passwordFile(), pg.port, pg.passwordFile()));
      return new McpHttpFixture(pg, gw);
    } catch (Exception | Error e) {
      pg.close();
      throw e;
    }
  }

  /** The gateway's web listener, as the agent reaches it on loopback. */
  String base() {
    return "http://127.0.0.1:" + gw.gateway().webPort();
  }

  /** The SDK's Streamable HTTP client on {@code /mcp}, every request with {@code token} as its bearer. */
  McpSyncClient connect(String token) {
    HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport.builder(base())
        .endpoint("/mcp")
        .jsonMapper(new JacksonMcpJsonMapper(McpFixture.JSON))
        .httpRequestCustomizer((request, method, uri, body, context) ->
            request.header("Authorization", "Bearer " + token))
        .build();
    McpSyncClient client = McpClient.sync(transport)
        .requestTimeout(Duration.ofSeconds(60))
        .initializationTimeout(Duration.ofSeconds(30))
        .build();
    client.initialize();
    return client;
  }

  /** A raw {@code initialize} POST to /mcp, with {@code authorization} as the header (none when null). */
  HttpResponse<String> rawInitialize(String authorization) throws Exception {
    return rawPost(authorization, INITIALIZE);
  }

  /**
   * A raw POST of {@code json} to /mcp as a Streamable HTTP client sends it, with {@code
   * authorization} as the header (none when null) and {@code headers} (name, value, ...) added.
   */
  HttpResponse<String> rawPost(String authorization, String json, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + "/mcp"))
        .header("Content-Type", "application/json")
        .header("Accept", "application/json, text/event-stream")
        .POST(HttpRequest.BodyPublishers.ofString(json));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A 401 with the metadata header and {@code reason} in the JSON body. */
  static void assertRefused(HttpResponse<String> r, String reason) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
    assertThat(r.headers().allValues("WWW-Authenticate")).containsExactly(HEADER);
    assertThat(McpFixture.JSON.readTree(r.body()).path("reason").asText()).isEqualTo(reason);
  }

  /** {@link #rawInitialize} with {@code authorization} is refused for {@code reason}, and audited so. */
  void assertRefusedAndAudited(String authorization, String reason) throws Exception {
    assertRefused(rawInitialize(authorization), reason);
    gw.awaitAudit("refused: " + reason, field("code", "GH1001W").and(field("reason", reason))
        .and(field("via", "mcp-http")));
  }

  /** With {@code accessToken}, the agent's list_targets shows {@code target} alone. */
  void assertOnlyTargetOf(String accessToken, String target) throws Exception {
    try (McpSyncClient c = connect(accessToken)) {
      JsonNode targets = body(call(c, "list_targets", Map.of()));
      assertThat(targets).hasSize(1);
      assertThat(targets.get(0).path("name").asText()).isEqualTo(target);
    }
  }

  /**
   * An agent's working session, whichever provider issued {@code accessToken} (alice@example.com in
   * group dev, for the MCP resource): it lists prod-db alone, its read is answered, the email masked,
   * the DROP blocked and ops-db refused, in a live session that the client's close ends (a DELETE),
   * recorded and audited over HTTP; the table is intact.
   */
  void assertAliceQueriesThroughThePolicy(String accessToken) throws Exception {
    try (McpSyncClient c = connect(accessToken)) {
      JsonNode targets = body(call(c, "list_targets", Map.of()));
      assertThat(targets).hasSize(1);
      assertThat(targets.get(0).path("name").asText()).isEqualTo("prod-db");
      assertThat(targets.get(0).path("description").asText()).isEqualTo("the shop's orders and users");

      McpSchema.CallToolResult rows = call(c, "sql_query", Map.of("target", "prod-db",
          "sql", "SELECT id, note FROM orders ORDER BY id"));
      assertThat(rows.isError()).isFalse();
      JsonNode r = body(rows);
      assertThat(r.path("columns").toString()).isEqualTo("[\"id\",\"note\"]");
      assertThat(r.path("rows").toString()).isEqualTo("[[\"1\",\"one\"],[\"2\",\"two\"]]");

      JsonNode masked = body(call(c, "sql_query", Map.of("target", "prod-db", "sql", "SELECT email FROM users WHERE id = 1")));
      assertThat(masked.path("rows").get(0).get(0).asText()).isNotEqualTo("alice@example.com").endsWith(".com");

      McpSchema.CallToolResult drop = call(c, "sql_query", Map.of("target", "prod-db", "sql", "DROP TABLE orders"));
      assertThat(drop.isError()).isTrue();
      assertThat(body(drop).path("status").asText()).isEqualTo("blocked");
      assertThat(body(drop).path("rule").asText()).isEqualTo("drop-table");

      // Alice is in dev, not ops: the target is not hers, over HTTP as over SSH.
      McpSchema.CallToolResult ops = call(c, "sql_query", Map.of("target", "ops-db", "sql", "SELECT 1"));
      assertThat(ops.isError()).isTrue();
      assertThat(body(ops).path("status").asText()).isEqualTo("refused");

      SessionRecord live = gw.awaitSession("alice@example.com", s -> s.state() == SessionState.ACTIVE
          && s.target().equals("mcp"));
      assertThat(live.target()).isEqualTo("mcp");
    }
    // The client's close is a DELETE: the session ends, recorded.
    SessionRecord ended = gw.awaitSession("alice@example.com", s -> s.state() != SessionState.ACTIVE);
    String cast = recordingOf(ended);
    assertThat(cast).contains("$ sql_query prod-db").contains("SELECT id, note FROM orders ORDER BY id")
        .contains("mcp sql_query prod-db: block drop-table");
    gw.awaitAudit("the call's line over http", field("code", "GH3008I").and(field("via", "http"))
        .and(field("tool", "sql_query")).and(field("verdict", "allow")).and(field("identity", "alice@example.com")));
    gw.awaitAudit("auth ok over http", field("code", "GH1000I").and(field("via", "mcp-http"))
        .and(field("identity", "alice@example.com")));
    // The table is intact.
    assertThat(pg.superSql("app", "SELECT count(*) FROM orders")).contains("2");
  }

  String recordingOf(SessionRecord s) throws Exception {
    return Files.readString(gw.dataDir().resolve(s.path()));
  }

  @Override
  public void close() throws Exception {
    try {
      gw.close();
    } finally {
      pg.close();
    }
  }
}
