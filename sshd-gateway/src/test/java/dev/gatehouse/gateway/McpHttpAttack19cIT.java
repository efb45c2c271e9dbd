package dev.gatehouse.gateway;

import static dev.gatehouse.gateway.McpWebFixture.assertJsonErrorWithHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attack pass on the MCP endpoint over HTTP: what an agent holding a valid access token gets back
 * for malformed input. The web side's rule is one error shape for every answer: JSON with the
 * security headers ({@code X-Content-Type-Options: nosniff}, ...), Jetty's own answers included.
 * These answers come from the MCP SDK's servlet and its servlet context, not from the gateway's
 * {@code Replies}: they are checked here as a browser or a proxy in front of the gateway would see them.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class McpHttpAttack19cIT {
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

  @Test
  void malformedJsonFromAnAuthenticatedAgentIsAJsonErrorWithTheSecurityHeaders() throws Exception {
    HttpResponse<String> r = McpWebFixture.send(web.post(web.token(GatewayFixture.uniqueIdentity("agent")),
        "application/json", "application/json, text/event-stream", "{\"jsonrpc\":\"2.0\",\"id\":1,"));
    assertJsonErrorWithHeaders("malformed JSON", r);
  }

  @Test
  void aWrongContentTypeIsAJsonErrorWithTheSecurityHeaders() throws Exception {
    HttpResponse<String> r = McpWebFixture.send(web.post(web.token(GatewayFixture.uniqueIdentity("agent")),
        "text/plain", "application/json, text/event-stream",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"));
    assertJsonErrorWithHeaders("text/plain body", r);
  }

  @Test
  void aMissingAcceptHeaderIsAJsonErrorWithTheSecurityHeaders() throws Exception {
    HttpResponse<String> r = McpWebFixture.send(web.post(web.token(GatewayFixture.uniqueIdentity("agent")),
        "application/json", null, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}"));
    assertJsonErrorWithHeaders("no Accept", r);
  }

  @Test
  void aToolCallWithoutASessionIsAJsonErrorWithTheSecurityHeaders() throws Exception {
    HttpResponse<String> r = McpWebFixture.send(web.post(web.token(GatewayFixture.uniqueIdentity("agent")),
        "application/json", "application/json, text/event-stream",
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"list_targets\",\"arguments\":{}}}"));
    assertJsonErrorWithHeaders("tools/call without Mcp-Session-Id", r);
  }

  @Test
  void aGetWithoutASessionIsAJsonErrorWithTheSecurityHeaders() throws Exception {
    HttpResponse<String> r = McpWebFixture.send(HttpRequest.newBuilder(URI.create(web.base() + "/mcp"))
        .header("Authorization", "Bearer " + web.token(GatewayFixture.uniqueIdentity("agent")))
        .header("Accept", "text/event-stream").GET());
    assertJsonErrorWithHeaders("GET without Mcp-Session-Id", r);
  }

  @Test
  void aDeleteWithoutASessionIsAJsonErrorWithTheSecurityHeaders() throws Exception {
    HttpResponse<String> r = McpWebFixture.send(HttpRequest.newBuilder(URI.create(web.base() + "/mcp"))
        .header("Authorization", "Bearer " + web.token(GatewayFixture.uniqueIdentity("agent")))
        .DELETE());
    assertJsonErrorWithHeaders("DELETE without Mcp-Session-Id", r);
  }
}
