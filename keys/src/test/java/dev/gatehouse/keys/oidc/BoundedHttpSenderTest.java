package dev.gatehouse.keys.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Against a real HTTP server on loopback that answers small, huge and endless bodies. */
class BoundedHttpSenderTest {
  static HttpServer server;
  static URI base;

  @BeforeAll
  static void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/small", ex -> {
      byte[] body = ("{\"method\":\"" + ex.getRequestMethod() + "\",\"body\":\""
          + new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8) + "\"}").getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(200, body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    });
    server.createContext("/endless", ex -> {
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(200, 0); // chunked, no declared length
      byte[] block = new byte[64 * 1024];
      try (OutputStream out = ex.getResponseBody()) {
        for (int i = 0; i < 16 * 1024; i++) { // 1 GiB unless the client stops reading
          out.write(block);
        }
      } catch (IOException clientLeft) {
        // The client stopped at its limit and closed.
      }
    });
    server.createContext("/redirect", ex -> {
      ex.getResponseHeaders().set("Location", "/small");
      ex.sendResponseHeaders(302, -1);
      ex.close();
    });
    server.start();
    base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  @AfterAll
  static void stop() {
    server.stop(0);
  }

  static final BoundedHttpSender SENDER = new BoundedHttpSender(1024, Duration.ofSeconds(5));

  @Test
  void aSmallAnswerArrivesWithItsStatusAndBody() throws Exception {
    HTTPRequest request = new HTTPRequest(HTTPRequest.Method.POST, base.resolve("/small"));
    request.setContentType("application/x-www-form-urlencoded");
    request.setBody("a=b");

    HTTPResponse response = request.send(SENDER);

    assertThat(response.getStatusCode()).isEqualTo(200);
    assertThat(response.getBodyAsJSONObject()).containsEntry("method", "POST").containsEntry("body", "a=b");
  }

  @Test
  void anEndlessAnswerIsRefusedAtTheLimit() {
    HTTPRequest request = new HTTPRequest(HTTPRequest.Method.GET, base.resolve("/endless"));

    assertThatThrownBy(() -> request.send(SENDER)).isInstanceOf(IOException.class)
        .hasMessageContaining("answered more than 1024 bytes");
  }

  @Test
  void aRedirectIsNotFollowed() throws Exception {
    HTTPResponse response = new HTTPRequest(HTTPRequest.Method.GET, base.resolve("/redirect")).send(SENDER);

    assertThat(response.getStatusCode()).isEqualTo(302);
  }
}
