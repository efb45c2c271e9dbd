package dev.gatehouse.gateway.mcp;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/**
 * The MCP transport's rule against web pages (DNS rebinding included): a request that carries an
 * {@code Origin} header comes from a browser, and is served only when that origin is the
 * gateway's own ({@code web.publicUrl}'s scheme, host and port). Agents send no {@code Origin} and
 * are not affected. Origins are compared as RFC 6454 defines them, not as strings: scheme and host
 * without case, a default port written or not ({@code https://gw} is {@code https://gw:443}).
 * Anything else is refused: the opaque origin {@code null}, an origin that cannot be read, one
 * with a path or user info, and more than one {@code Origin} header.
 */
final class BrowserOrigin {
  private BrowserOrigin() {}

  /** Whether a request with these {@code Origin} header values may be served by the resource at {@code url}. */
  static boolean allowed(List<String> originHeaders, String url) {
    if (originHeaders.isEmpty()) {
      return true;
    }
    return originHeaders.size() == 1 && same(originHeaders.get(0), url);
  }

  /** Whether the serialized origin {@code origin} is the origin of {@code url}. */
  static boolean same(String origin, String url) {
    Key a = key(origin, true);
    Key b = key(url, false);
    return a != null && a.equals(b);
  }

  private record Key(String scheme, String host, int port) {}

  private static Key key(String text, boolean originOnly) {
    URI u;
    try {
      u = new URI(text.strip());
    } catch (URISyntaxException e) {
      return null;
    }
    if (u.getScheme() == null || u.getHost() == null || u.getRawUserInfo() != null) {
      return null;
    }
    if (originOnly && ((u.getRawPath() != null && !u.getRawPath().isEmpty()) || u.getRawQuery() != null
        || u.getRawFragment() != null)) {
      return null;
    }
    String scheme = u.getScheme().toLowerCase(Locale.ROOT);
    int port = u.getPort();
    if (port == -1) {
      port = switch (scheme) {
        case "http" -> 80;
        case "https" -> 443;
        default -> -1;
      };
    }
    return new Key(scheme, u.getHost().toLowerCase(Locale.ROOT), port);
  }
}
