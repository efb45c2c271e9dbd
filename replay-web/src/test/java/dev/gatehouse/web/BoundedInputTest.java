package dev.gatehouse.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link RequestBody}, {@link QueryString} and {@link JsonErrors} in a real Jetty on loopback, driven
 * by a real HTTP client (and a raw socket where a client library would not misbehave).
 */
class BoundedInputTest {
  static final int MAX = 1000;
  static final Duration WITHIN = Duration.ofMillis(800);
  static Server server;
  static int port;
  static final List<String> refusals = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost(InetAddress.getLoopbackAddress().getHostAddress());
    connector.setPort(0);
    server.addConnector(connector);
    server.setErrorHandler(new JsonErrors());
    server.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        switch (path) {
          case "/body" -> {
            RequestBody.read(request, response, callback, MAX, bytes -> Replies.json(response, callback, 200,
                Replies.JSON.createObjectNode().put("bytes", bytes.length)), (slug, m) -> refusals.add(slug), WITHIN);
            return true;
          }
          case "/query" -> {
            try {
              QueryString q = QueryString.of(request);
              return Replies.json(response, callback, 200, Replies.JSON.createObjectNode().put("q", q.get("q")));
            } catch (QueryString.Malformed e) {
              return Replies.error(response, callback, 400, "bad-request", e.getMessage());
            }
          }
          case "/throw" -> throw new IllegalStateException("internal detail 0xdeadbeef");
          default -> {
            return false;
          }
        }
      }
    });
    server.start();
    port = connector.getLocalPort();
  }

  @AfterAll
  static void stop() throws Exception {
    server.stop();
  }

  static HttpResponse<String> post(HttpRequest.BodyPublisher body) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/body"))
        .timeout(Duration.ofSeconds(10)).POST(body).build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> get(String pathAndQuery) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** {@code n} bytes as a chunked body, 100 bytes a chunk, with the final empty chunk. */
  static String chunked(int n) {
    StringBuilder b = new StringBuilder();
    for (int sent = 0; sent < n; sent += 100) {
      int k = Math.min(100, n - sent);
      b.append(Integer.toHexString(k)).append("\r\n").append("x".repeat(k)).append("\r\n");
    }
    return b.append("0\r\n\r\n").toString();
  }

  /** Sends these bytes as they are (no client library would send a broken escape) and reads to the end. */
  static String raw(String request) throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      return readAll(s.getInputStream());
    }
  }

  static JsonNode json(HttpResponse<String> r) throws Exception {
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    assertThat(r.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    assertThat(r.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(c -> assertThat(c).contains("default-src 'none'"));
    return Replies.JSON.readTree(r.body());
  }

  @Test
  void aBodyWithinTheLimitArrivesWhole() throws Exception {
    HttpResponse<String> declared = post(HttpRequest.BodyPublishers.ofByteArray(new byte[MAX]));
    String streamed = raw("POST /body HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        + chunked(MAX));

    assertThat(json(declared).path("bytes").asInt()).isEqualTo(MAX);
    assertThat(streamed).startsWith("HTTP/1.1 200 ").endsWith("{\"bytes\":" + MAX + "}");
  }

  @Test
  void aDeclaredLengthOverTheLimitIsRefusedUnread() throws Exception {
    HttpResponse<String> r = post(HttpRequest.BodyPublishers.ofByteArray(new byte[MAX + 1]));

    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(json(r).path("error").asText()).isEqualTo("body-too-large");
    assertThat(refusals).contains("body-too-large");
  }

  @Test
  void aStreamedBodyIsRefusedAsItPassesTheLimit() throws Exception {
    String answer = raw("POST /body HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked(MAX * 50));

    assertThat(answer).startsWith("HTTP/1.1 413 ").contains("\"error\":\"body-too-large\"")
        .containsIgnoringCase("Connection: close").contains("X-Content-Type-Options: nosniff");
  }

  @Test
  void aBodyThatStallsIsRefusedAtTheDeadline() throws Exception {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write("POST /body HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"a\":".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String answer = readAll(s.getInputStream());

      assertThat(answer).startsWith("HTTP/1.1 408 ").contains("\"error\":\"body-too-slow\"")
          .containsIgnoringCase("Connection: close");
    }
    assertThat(refusals).contains("body-too-slow");
  }

  @Test
  void aMalformedOrRepeatedQueryParameterIsA400NotAGuess() throws Exception {
    assertThat(json(get("/query?q=a%20b")).path("q").asText()).isEqualTo("a b");
    String malformed = raw("GET /query?q=%ZZ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    HttpResponse<String> repeated = get("/query?q=a&q=b");
    HttpResponse<String> otherRepeated = get("/query?q=a&x=1&x=2");

    assertThat(malformed).startsWith("HTTP/1.1 400 ").contains("\"error\":\"bad-request\"").contains("percent-encoding")
        .contains("application/json");
    assertThat(repeated.statusCode()).isEqualTo(400);
    assertThat(json(repeated).path("message").asText()).isEqualTo("q: given 2 times; give it once");
    assertThat(json(otherRepeated).path("q").asText()).as("parameters that are not read may repeat").isEqualTo("a");
  }

  @Test
  void anExceptionThatEscapesAHandlerIsAJson500WithoutItsText() throws Exception {
    HttpResponse<String> r = get("/throw");

    assertThat(r.statusCode()).isEqualTo(500);
    JsonNode body = json(r);
    assertThat(body.path("error").asText()).isEqualTo("internal-error");
    assertThat(r.body()).doesNotContain("deadbeef").doesNotContain("IllegalStateException");
  }

  @Test
  void jettysOwnRefusalsAreJsonToo() throws Exception {
    HttpResponse<String> notFound = get("/nothing");
    assertThat(notFound.statusCode()).isEqualTo(404);
    assertThat(json(notFound).path("error").asText()).isEqualTo("not-found");

    String answer = raw("GET /a%ZZb HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

    assertThat(answer).startsWith("HTTP/1.1 400 ").contains("\"error\":\"bad-request\"")
        .contains("X-Content-Type-Options: nosniff").contains("application/json");
  }

  private static String readAll(InputStream in) throws java.io.IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    in.transferTo(b);
    return b.toString(StandardCharsets.UTF_8);
  }
}
