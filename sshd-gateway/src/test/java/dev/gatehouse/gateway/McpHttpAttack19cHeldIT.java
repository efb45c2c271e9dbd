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
    // A raw request declaring a body over the limit, and the answer read before the body is sent:
    // the gateway refuses a declared length unread. (A client writing the whole body first may meet
    // the gateway's close of the connection after its answer as a reset, and lose the answer.)
    int length = 1024 * 1024 + 64;
    String token = web.token(GatewayFixture.uniqueIdentity("agent"));
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", URI.create(web.base()).getPort())) {
      s.setSoTimeout(30_000);
      String head = "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
          + "\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: "
          + length + "\r\n\r\n{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"params\":{\"pad\":\"xxxx";
      s.getOutputStream().write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      java.io.DataInputStream in = new java.io.DataInputStream(s.getInputStream());
      String status = line(in);
      java.util.Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      for (String h = line(in); !h.isEmpty(); h = line(in)) {
        headers.put(h.substring(0, h.indexOf(':')).trim(), h.substring(h.indexOf(':') + 1).trim());
      }
      byte[] body = new byte[Integer.parseInt(headers.getOrDefault("Content-Length", "0"))];
      in.readFully(body);
      String shown = status + " " + headers + "\n" + new String(body, java.nio.charset.StandardCharsets.UTF_8);
      assertThat(status).as(shown).matches("HTTP/1\\.1 413 .*");
      assertThat(headers.getOrDefault("Content-Type", "")).as(shown).startsWith("application/json");
      assertThat(headers.get("X-Content-Type-Options")).as(shown).isEqualTo("nosniff");
      assertThat(McpFixture.JSON.readTree(body).isObject()).as(shown).isTrue();
    }
  }

  /** One header line of an HTTP answer, without its CRLF. */
  private static String line(java.io.DataInputStream in) throws java.io.IOException {
    StringBuilder b = new StringBuilder();
    for (int c = in.read(); c != '\n'; c = in.read()) {
      if (c < 0) {
        throw new java.io.EOFException("the answer ended inside its head: " + b);
      }
      if (c != '\r') {
        b.append((char) c);
      }
    }
    return b.toString();
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
