package dev.gatehouse.web;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The browser UI, from the class path folder {@code web/} that the frontend build fills: pages
 * ({@code index.html}, {@code session.html}, {@code approvals.html}) with the strict CSP and
 * {@code no-store}; {@code assets/**} with their content type and, for names that carry a content
 * hash, a year of immutable caching ({@code no-cache} otherwise).
 */
final class Pages {
  private static final Pattern ASSET = Pattern.compile("(?:[A-Za-z0-9_][A-Za-z0-9._-]{0,127}/){0,4}[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");
  private static final Pattern HASHED = Pattern.compile(".*[.-][A-Za-z0-9_]{8,}\\.[a-z0-9]+");
  private static final Map<String, String> TYPES = Map.ofEntries(
      Map.entry("html", "text/html; charset=utf-8"),
      Map.entry("js", "text/javascript; charset=utf-8"),
      Map.entry("mjs", "text/javascript; charset=utf-8"),
      Map.entry("css", "text/css; charset=utf-8"),
      Map.entry("json", "application/json"),
      Map.entry("map", "application/json"),
      Map.entry("svg", "image/svg+xml"),
      Map.entry("png", "image/png"),
      Map.entry("ico", "image/x-icon"),
      Map.entry("woff", "font/woff"),
      Map.entry("woff2", "font/woff2"),
      Map.entry("ttf", "font/ttf"),
      Map.entry("txt", "text/plain; charset=utf-8"));

  private Pages() {}

  static boolean page(String name, Response response, Callback callback) throws IOException {
    URL url = Pages.class.getClassLoader().getResource("web/" + name);
    if (url == null) {
      return Replies.page(response, callback, 404, "Not built",
          "The web UI (web/" + name + ") is not in this build of Gatehouse; the JSON API under /api works.");
    }
    Replies.common(response, Replies.PAGE_CSP);
    return stream(url, "text/html; charset=utf-8", "no-store", response, callback);
  }

  /** {@code rest} is the path after /assets/. */
  static boolean asset(String rest, Response response, Callback callback) throws IOException {
    if (!ASSET.matcher(rest).matches() || rest.contains("..")) {
      return Replies.error(response, callback, 404, "not-found", "no such asset");
    }
    URL url = Pages.class.getClassLoader().getResource("web/assets/" + rest);
    if (url == null || url.getPath().endsWith("/")) {
      return Replies.error(response, callback, 404, "not-found", "no such asset");
    }
    String ext = rest.substring(rest.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
    String type = TYPES.getOrDefault(ext, "application/octet-stream");
    Replies.common(response, Replies.PAGE_CSP);
    String cache = HASHED.matcher(rest).matches() ? "public, max-age=31536000, immutable" : "no-cache";
    return stream(url, type, cache, response, callback);
  }

  private static boolean stream(URL url, String type, String cache, Response response, Callback callback)
      throws IOException {
    InputStream in = url.openStream();
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, cache);
    // The source closes the stream at its end or on failure.
    Content.copy(Content.Source.from(in), response, callback);
    return true;
  }

}
