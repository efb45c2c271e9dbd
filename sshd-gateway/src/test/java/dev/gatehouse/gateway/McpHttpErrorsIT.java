package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every answer the MCP SDK's servlet writes by itself on {@code /mcp} has the web side's headers
 * and, for an error, the web side's error shape {@code {"error": slug, "message": ...}}: no
 * serialized exception (its stack trace names classes, modules and the Java version).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class McpHttpErrorsIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  static McpWebFixture web;

  @RegisterExtension GatewayLogOnFailure log = new GatewayLogOnFailure();

  @BeforeAll
  static void start() throws Exception {
    web = McpWebFixture.start(dir);
  }

  @AfterAll
  static void stop() throws Exception {
    if (web != null) {
      web.close();
    }
  }

  private static final List<String> HEADERS = List.of("X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy",
      "Content-Security-Policy", "Cache-Control");

  private static void assertErrorShape(String what, HttpResponse<String> r, int status, String slug, String message)
      throws Exception {
    String shown = what + ": " + r.statusCode() + " " + r.headers().map() + "\n" + r.body();
    assertThat(r.statusCode()).as(shown).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).as(shown).startsWith("application/json");
    assertThat(r.headers().firstValue("X-Content-Type-Options")).as(shown).hasValue("nosniff");
    assertThat(r.headers().firstValue("X-Frame-Options")).as(shown).hasValue("DENY");
    assertThat(r.headers().firstValue("Referrer-Policy")).as(shown).hasValue("no-referrer");
    assertThat(r.headers().firstValue("Cache-Control")).as(shown).hasValue("no-store");
    assertThat(r.headers().firstValue("Content-Security-Policy").orElse("")).as(shown).contains("default-src 'none'");
    for (String h : HEADERS) {
      assertThat(r.headers().allValues(h)).as(shown + " one " + h).hasSize(1);
    }
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.path("error").asText()).as(shown).isEqualTo(slug);
    assertThat(body.path("message").asText()).as(shown).contains(message);
    assertThat(r.body()).as(shown).doesNotContain("stackTrace").doesNotContain("io.modelcontextprotocol");
  }

  @Test
  void theSdksOwnErrorAnswersHaveTheErrorShapeAndTheHeaders() throws Exception {
    String t = web.token(GatewayFixture.uniqueIdentity("agent"));
    String ping = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";
    assertErrorShape("malformed JSON", McpWebFixture.send(web.post(t, "application/json", "application/json, text/event-stream",
        "{\"jsonrpc\":\"2.0\",\"id\":1,")), 400, "bad-request", "Invalid message format");
    assertErrorShape("text/plain", McpWebFixture.send(web.post(t, "text/plain", "application/json, text/event-stream", ping)), 415,
        "unsupported-media-type", "Content-Type must be application/json");
    assertErrorShape("no Accept", McpWebFixture.send(web.post(t, "application/json", null, ping)), 400, "bad-request",
        "required in Accept header");
    assertErrorShape("no session", McpWebFixture.send(web.post(t, "application/json", "application/json, text/event-stream", ping)), 400,
        "bad-request", "Session ID required");
    assertErrorShape("GET, no session", McpWebFixture.send(HttpRequest.newBuilder(URI.create(web.base() + "/mcp"))
        .header("Authorization", "Bearer " + t).header("Accept", "text/event-stream").GET()), 400, "bad-request",
        "Session ID required");
    assertErrorShape("DELETE, no session", McpWebFixture.send(HttpRequest.newBuilder(URI.create(web.base() + "/mcp"))
        .header("Authorization", "Bearer " + t).DELETE()), 400, "bad-request", "Session ID required");
  }

  @Test
  void anInitializeStillOpensASessionWithTheHeaders() throws Exception {
    HttpResponse<String> r = McpWebFixture.send(web.post(web.token(GatewayFixture.uniqueIdentity("agent")), "application/json",
        "application/json, text/event-stream", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":"
            + "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}"));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Mcp-Session-Id")).isPresent();
    assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(r.body()).contains("\"protocolVersion\"");
  }
}
