package dev.gatehouse.gateway.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.web.JsonErrors;
import dev.gatehouse.web.Replies;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/**
 * Around the MCP SDK's servlet: every answer it writes has the web side's headers ({@link
 * Replies#apiHeaders}, set before the SDK writes anything), and every error answer has the web
 * side's error shape, {@code {"error": slug, "message": ...}}.
 *
 * <p>The SDK answers bad input (malformed JSON, a wrong Content-Type, no Accept, no session id) by
 * serializing its own exception object, stack trace, class and module names and the Java version
 * included: that body is replaced by the error shape with the exception's one-line message. Its
 * {@code sendError} answers go to the servlet context's error handler ({@link JsonErrors}), which
 * writes the same shape with the same headers.
 */
final class McpErrorAnswers implements Filter {
  /** The SDK's error bodies are a few kilobytes (its stack trace); nothing larger is kept. */
  static final int MAX_READ = 64 * 1024;

  static final int MAX_MESSAGE = 200;

  @Override
  public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    HttpServletResponse http = (HttpServletResponse) response;
    Replies.apiHeaders(http::setHeader);
    chain.doFilter(request, new Answer(http));
  }

  /** A response whose body, once its status is an error, is the error shape. */
  static final class Answer extends HttpServletResponseWrapper {
    private int status = SC_OK;
    private PrintWriter errorWriter;

    Answer(HttpServletResponse response) {
      super(response);
    }

    @Override
    public void setStatus(int sc) {
      status = sc;
      super.setStatus(sc);
    }

    @Override
    public PrintWriter getWriter() throws IOException {
      if (status < 400) {
        return super.getWriter();
      }
      if (errorWriter == null) {
        errorWriter = new PrintWriter(new ErrorBody(this, status));
      }
      return errorWriter;
    }

    void writeError(int code, String message) throws IOException {
      HttpServletResponse r = (HttpServletResponse) getResponse();
      r.setContentType("application/json; charset=utf-8");
      Replies.apiHeaders(r::setHeader);
      byte[] body = Replies.errorBody(JsonErrors.slug(code), message);
      r.setContentLength(body.length);
      r.getOutputStream().write(body);
      r.getOutputStream().flush();
    }
  }

  /**
   * Collects what the SDK writes for an error and, when it flushes or closes (it flushes once,
   * after writing the whole body), writes the error shape in its place, once.
   */
  private static final class ErrorBody extends Writer {
    private final Answer answer;
    private final int status;
    private final StringBuilder text = new StringBuilder();
    private boolean written;

    ErrorBody(Answer answer, int status) {
      this.answer = answer;
      this.status = status;
    }

    @Override
    public void write(char[] cbuf, int off, int len) {
      int room = MAX_READ - text.length();
      if (room > 0) {
        text.append(cbuf, off, Math.min(room, len));
      }
    }

    @Override
    public void flush() throws IOException {
      if (written || text.isEmpty()) {
        return;
      }
      written = true;
      answer.writeError(status, message(text.toString(), status));
    }

    @Override
    public void close() throws IOException {
      flush();
    }
  }

  /**
   * The one line a client needs from the SDK's error: its JSON-RPC error's message (or the
   * exception's), made visible and bounded; the status's own words when there is none.
   */
  static String message(String sdkBody, int status) {
    String m = null;
    try {
      JsonNode n = McpToolSpecs.JSON.readTree(sdkBody.getBytes(StandardCharsets.UTF_8));
      if (n != null) {
        JsonNode rpc = n.path("jsonRpcError").path("message");
        m = rpc.isTextual() ? rpc.asText() : n.path("message").isTextual() ? n.path("message").asText() : null;
      }
    } catch (IOException | RuntimeException e) {
      m = null; // not JSON: the status says what went wrong
    }
    if (m == null || m.isBlank()) {
      m = org.eclipse.jetty.http.HttpStatus.getMessage(status);
    }
    int nl = m.indexOf('\n');
    return Replies.clean(nl < 0 ? m : m.substring(0, nl), MAX_MESSAGE);
  }
}
