package dev.gatehouse.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;
import dev.gatehouse.recorder.VisibleText;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** How every answer of the web side is written: JSON bodies, error slugs, security headers. */
public final class Replies {
  static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Pages: scripts and styles only from this origin, never framed, no plugins, no base tag.
   * {@code 'wasm-unsafe-eval'} lets asciinema-player compile its WebAssembly terminal; it allows no
   * JavaScript eval. Styles need no {@code 'unsafe-inline'}: the player sets them through the CSSOM.
   */
  static final String PAGE_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:;"
      + " font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'none';"
      + " form-action 'self'";
  /** API answers are data: nothing in them may run or load anything. */
  static final String API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

  private static final HttpField NOSNIFF = new HttpField("X-Content-Type-Options", "nosniff");
  private static final HttpField NO_REFERRER = new HttpField("Referrer-Policy", "no-referrer");
  private static final HttpField NO_FRAMES = new HttpField("X-Frame-Options", "DENY");

  private Replies() {}

  static void common(Response response, String csp) {
    response.getHeaders().put(NOSNIFF);
    response.getHeaders().put(NO_REFERRER);
    response.getHeaders().put(NO_FRAMES);
    response.getHeaders().put("Content-Security-Policy", csp);
  }

  /**
   * The headers of every JSON answer, handed to {@code put} as name and value: {@link #json} sets
   * them, and so does whatever writes answers through another API (the MCP SDK's servlet), before
   * it writes, so that its answers, errors included, carry them too.
   */
  public static void apiHeaders(BiConsumer<String, String> put) {
    put.accept(NOSNIFF.getName(), NOSNIFF.getValue());
    put.accept(NO_REFERRER.getName(), NO_REFERRER.getValue());
    put.accept(NO_FRAMES.getName(), NO_FRAMES.getValue());
    put.accept("Content-Security-Policy", API_CSP);
    put.accept(HttpHeader.CACHE_CONTROL.asString(), "no-store");
  }

  public static boolean json(Response response, Callback callback, int status, JsonNode body) {
    apiHeaders(response.getHeaders()::put);
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
    byte[] bytes;
    try {
      bytes = jsonBytes(body);
    } catch (IOException e) {
      callback.failed(e);
      return true;
    }
    response.write(true, ByteBuffer.wrap(bytes), callback);
    return true;
  }

  /** Exact values; characters that would hide text from a person reading the raw answer as escapes. */
  private static byte[] jsonBytes(JsonNode body) throws IOException {
    return VisibleText.json(JSON.writeValueAsString(body)).getBytes(StandardCharsets.UTF_8);
  }

  /** The body of every error answer: {@code {"error": slug, "message": ...}}, as {@link #error} writes it. */
  public static byte[] errorBody(String slug, String message) {
    ObjectNode b = JSON.createObjectNode();
    b.put("error", slug);
    b.put("message", message);
    try {
      return jsonBytes(b);
    } catch (IOException e) {
      throw new IllegalStateException("an error object always serializes", e);
    }
  }

  public static boolean error(Response response, Callback callback, int status, String slug, String message) {
    ObjectNode b = JSON.createObjectNode();
    b.put("error", slug);
    b.put("message", message);
    return json(response, callback, status, b);
  }

  /** As {@link #error}, with the refusal's own slug in {@code reason} (e.g. why a bearer token is invalid). */
  public static boolean error(Response response, Callback callback, int status, String slug, String reason,
      String message) {
    ObjectNode b = JSON.createObjectNode();
    b.put("error", slug);
    b.put("reason", reason);
    b.put("message", message);
    return json(response, callback, status, b);
  }

  static boolean text(Response response, Callback callback, int status, String contentType, String body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
    return true;
  }

  /** A plain page for the login path's dead ends (no scripts, so no bundle needed). */
  static boolean page(Response response, Callback callback, int status, String title, String message) {
    common(response, PAGE_CSP);
    String html = "<!doctype html><meta charset=utf-8><title>Gatehouse: " + escape(title) + "</title>"
        + "<h1>" + escape(title) + "</h1><p>" + escape(VisibleText.inline(message)) + "</p><p><a href=\"/\">Gatehouse</a></p>\n";
    return text(response, callback, status, "text/html; charset=utf-8", html);
  }

  static boolean redirect(Response response, Callback callback, String location) {
    common(response, API_CSP);
    response.setStatus(302);
    response.getHeaders().put(HttpHeader.LOCATION, location);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0L);
    response.write(true, null, callback);
    return true;
  }

  /** A request body as a JSON object (an empty body is an empty object); null when it is not one. */
  static JsonNode jsonObject(byte[] body) {
    if (body.length == 0) {
      return JSON.createObjectNode();
    }
    try {
      JsonNode n = JSON.readTree(body);
      return n != null && n.isObject() ? n : null;
    } catch (IOException e) {
      return null;
    }
  }

  static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  /** User text for a log or audit line: control and invisible characters made visible, at most {@code max} characters. */
  public static String clean(String s, int max) {
    if (s == null) {
      return null;
    }
    String c = VisibleText.inline(s.strip());
    return c.length() > max ? c.substring(0, max) : c;
  }
}
