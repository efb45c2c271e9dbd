package dev.gatehouse.gateway;

import static dev.gatehouse.gateway.McpWebFixture.assertJsonErrorWithHeaders;
import static org.assertj.core.api.Assertions.assertThat;

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
 * Attack pass on the MCP endpoint over HTTP, what held: a body over the limit; requests on a
 * session without a token or with another person's token. The web side's rule is one error shape for every answer: JSON with the
 * security headers ({@code X-Content-Type-Options: nosniff}, ...), Jetty's own answers included.
 * These answers come from the MCP SDK's servlet and its servlet context, not from the gateway's
 * {@code Replies}: they are checked here as a browser or a proxy in front of the gateway would see them.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class McpHttpAttack19cHeldIT {
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
  void aBodyOverTheMessageLimitIsAJsonErrorWithTheSecurityHeaders() throws Exception {
    String big = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"pad\":\"" + "x".repeat(1024 * 1024) + "\"}}";
    HttpResponse<String> r = McpWebFixture.send(web.post(web.token(GatewayFixture.uniqueIdentity("agent")),
        "application/json", "application/json, text/event-stream", big));
    assertJsonErrorWithHeaders("body over 1 MiB", r);
  }

  @Test
  void anUnauthenticatedDeleteOrGetOfASessionIs401AndTheSessionLivesOn() throws Exception {
    String token = web.token(GatewayFixture.uniqueIdentity("agent"));
    HttpResponse<String> init = McpWebFixture.send(web.post(token, "application/json", "application/json, text/event-stream", """
        {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",
         "capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}"""));
    assertThat(init.statusCode()).as(init.body()).isEqualTo(200);
    String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
    for (String method : List.of("DELETE", "GET")) {
      HttpResponse<String> r = McpWebFixture.send(HttpRequest.newBuilder(URI.create(web.base() + "/mcp"))
          .header("Mcp-Session-Id", session).header("Accept", "text/event-stream")
          .method(method, HttpRequest.BodyPublishers.noBody()));
      assertJsonErrorWithHeaders("unauthenticated " + method, r);
      assertThat(r.statusCode()).isEqualTo(401);
      HttpResponse<String> forged = McpWebFixture.send(HttpRequest.newBuilder(URI.create(web.base() + "/mcp"))
          .header("Authorization", "Bearer " + web.token(GatewayFixture.uniqueIdentity("mallory")))
          .header("Mcp-Session-Id", session).header("Accept", "text/event-stream")
          .method(method, HttpRequest.BodyPublishers.noBody()));
      assertJsonErrorWithHeaders("another person's " + method, forged);
      assertThat(forged.statusCode()).isEqualTo(404);
    }
    HttpResponse<String> ping = McpWebFixture.send(web.post(token, "application/json", "application/json, text/event-stream",
        "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}").header("Mcp-Session-Id", session)
        .header("MCP-Protocol-Version", "2025-06-18"));
    assertThat(ping.statusCode()).as("the owner's session lives on: %s", ping.body()).isEqualTo(200);
  }
}
