package dev.gatehouse.gateway.config;

/** "host:port" or "[v6]:port"; port 0 picks a free port (tests). */
public record ListenAddress(String host, int port) {
  public static ListenAddress parse(String text, String key) {
    String t = text.trim();
    int colon = t.lastIndexOf(':');
    if (colon <= 0 || colon == t.length() - 1) {
      throw new IllegalArgumentException(key + ": '" + text + "' is not host:port");
    }
    String host = t.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(t.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + ": '" + text + "' has no numeric port");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(key + ": port " + port + " is out of range 0-65535");
    }
    return new ListenAddress(host, port);
  }
}
