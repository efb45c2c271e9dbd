package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.postgres.PostgresServer;
import dev.gatehouse.recorder.SessionRecord;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

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
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + "/mcp"))
        .header("Content-Type", "application/json")
        .header("Accept", "application/json, text/event-stream")
        .POST(HttpRequest.BodyPublishers.ofString("""
            {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",
             "capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}"""));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A 401 with the metadata header and {@code reason} in the JSON body. */
  static void assertRefused(HttpResponse<String> r, String reason) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(401);
    assertThat(r.headers().allValues("WWW-Authenticate")).containsExactly(HEADER);
    assertThat(McpFixture.JSON.readTree(r.body()).path("reason").asText()).isEqualTo(reason);
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
