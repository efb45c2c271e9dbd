package dev.gatehouse.gateway.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.web.JsonErrors;
import io.modelcontextprotocol.spec.McpError;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.EnumSet;
import org.eclipse.jetty.ee11.servlet.FilterHolder;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The two ways the MCP SDK's servlet answers by itself, on a real Jetty servlet context wired as
 * {@link McpHttpEndpoint} wires it: {@code sendError} (to the context's error handler) and its own
 * error body (its exception serialized, as the SDK's {@code responseError} writes it). Both reach the
 * client as the web side's error shape with its headers; a good answer passes untouched. The SDK's
 * servlet itself is exercised end to end by McpHttpErrorsIT; {@code sendError} cannot be provoked
 * there (the endpoint answers those cases before the SDK), hence this stand-in servlet.
 */
class McpErrorAnswersTest {
  static Server server;
  static int port;

  /** Does what the SDK's servlet does in each case. */
  static final class LikeTheSdk extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      switch (req.getParameter("case")) {
        case "send-error" -> resp.sendError(404);
        case "response-error" -> {
          resp.setContentType("application/json");
          resp.setCharacterEncoding("UTF-8");
          resp.setStatus(400);
          String sdkBody = McpToolSpecs.JSON.writeValueAsString(
              McpError.builder(-32600).message("Session ID required in mcp-session-id header").build());
          PrintWriter w = resp.getWriter();
          w.write(sdkBody);
          w.flush();
        }
        default -> {
          resp.setContentType("text/event-stream");
          resp.setStatus(200);
          resp.getWriter().write("event: message\ndata: {}\n\n");
        }
      }
    }
  }

  @BeforeAll
  static void start() throws Exception {
    server = new Server();
    ServerConnector c = new ServerConnector(server);
    c.setHost("127.0.0.1");
    c.setPort(0);
    server.addConnector(c);
    ServletContextHandler servlets = new ServletContextHandler();
    servlets.setContextPath("/");
    servlets.addServlet(new ServletHolder(new LikeTheSdk()), "/mcp");
    servlets.addFilter(new FilterHolder(new McpErrorAnswers()), "/mcp", EnumSet.of(DispatcherType.REQUEST));
    servlets.setErrorHandler(new JsonErrors());
    server.setHandler(servlets);
    server.start();
    port = c.getLocalPort();
  }

  @AfterAll
  static void stop() throws Exception {
    server.stop();
  }

  private static HttpResponse<String> get(String kase) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/mcp?case=" + kase))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void assertHeaders(HttpResponse<String> r) {
    assertThat(r.headers().allValues("X-Content-Type-Options")).as("%s", r.headers()).containsExactly("nosniff");
    assertThat(r.headers().allValues("X-Frame-Options")).containsExactly("DENY");
    assertThat(r.headers().allValues("Referrer-Policy")).containsExactly("no-referrer");
    assertThat(r.headers().allValues("Cache-Control")).containsExactly("no-store");
    assertThat(r.headers().firstValue("Content-Security-Policy").orElse("")).startsWith("default-src 'none'");
  }

  @Test
  void aSendErrorIsTheErrorShapeWithTheHeaders() throws Exception {
    HttpResponse<String> r = get("send-error");
    assertThat(r.statusCode()).isEqualTo(404);
    assertHeaders(r);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
    JsonNode b = McpToolSpecs.JSON.readTree(r.body());
    assertThat(b.path("error").asText()).as(r.body()).isEqualTo("not-found");
  }

  @Test
  void theSdksSerializedExceptionBecomesTheErrorShapeWithItsMessageOnly() throws Exception {
    HttpResponse<String> r = get("response-error");
    assertThat(r.statusCode()).isEqualTo(400);
    assertHeaders(r);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
    JsonNode b = McpToolSpecs.JSON.readTree(r.body());
    assertThat(b.path("error").asText()).isEqualTo("bad-request");
    assertThat(b.path("message").asText()).isEqualTo("Session ID required in mcp-session-id header");
    assertThat(r.body()).doesNotContain("stackTrace").doesNotContain("McpError").doesNotContain("java.base");
  }

  @Test
  void aGoodAnswerPassesUntouchedWithTheHeaders() throws Exception {
    HttpResponse<String> r = get("ok");
    assertThat(r.statusCode()).isEqualTo(200);
    assertHeaders(r);
    assertThat(r.body()).isEqualTo("event: message\ndata: {}\n\n");
  }
}
