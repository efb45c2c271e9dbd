package dev.gatehouse.gateway.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The HTTP listener: certificate issuance ({@code /v1}), the replay UI and {@code /api}. With
 * {@code tls} the gateway serves HTTPS itself; without it, it must sit behind a TLS-terminating
 * proxy and {@code publicUrl} says what users and the identity provider see (the login redirect is
 * {@code publicUrl + /auth/callback}; default: the listen address).
 *
 * @param roles web role ({@code auditor}, {@code approver}) to the groups that hold it
 * @param clientSecret {@code env:NAME} or {@code file:/path}: the OIDC client secret for the
 *     browser login, for providers that treat the gateway as a confidential client; absent: a
 *     public client with PKCE
 * @param sessionIdle a browser session ends after this long without a request (default 30m)
 * @param sessionMax and after this long in any case (default 12h)
 * @param localLogin one-time operator links ({@code /auth/local?token=…}, printed by {@code serve}
 *     and {@code gatehouse web login-link}) log in as {@code operator@local} with every web role;
 *     default false. A link is a password in a URL: only on a loopback {@code listen} or under
 *     {@code tls}, so that it never crosses a network in clear
 * @param mcp the MCP server for agents over HTTP ({@code POST}/{@code GET}/{@code DELETE /mcp},
 *     Streamable HTTP, bearer access tokens of {@code oidc}); default false. Needs {@code oidc}
 *     (checked by {@link GatewayConfig})
 */
public record WebSettings(
    String listen, String publicUrl, Tls tls, Map<String, List<String>> roles, String clientSecret,
    Duration sessionIdle, Duration sessionMax, Boolean localLogin, Boolean mcp) {
  public static final Set<String> ROLES = Set.of("auditor", "approver");

  public WebSettings {
    listen = listen == null ? "127.0.0.1:8080" : listen;
    ListenAddress.parse(listen, "web.listen");
    if (publicUrl != null && !publicUrl.startsWith("https://") && !publicUrl.startsWith("http://")) {
      throw new IllegalArgumentException("web.publicUrl: '" + publicUrl + "' must be an http(s) URL");
    }
    roles = roles == null ? Map.of() : Map.copyOf(roles);
    localLogin = localLogin != null && localLogin;
    mcp = mcp != null && mcp;
    for (Map.Entry<String, List<String>> e : roles.entrySet()) {
      if (!ROLES.contains(e.getKey())) {
        throw new IllegalArgumentException("web.roles: unknown role '" + e.getKey() + "' (roles are auditor, approver)");
      }
      if (e.getValue() == null) {
        throw new IllegalArgumentException("web.roles." + e.getKey() + ": needs a list of groups");
      }
    }
    sessionIdle = sessionIdle == null ? Duration.ofMinutes(30) : sessionIdle;
    sessionMax = sessionMax == null ? Duration.ofHours(12) : sessionMax;
    if (sessionIdle.isNegative() || sessionIdle.isZero() || sessionMax.isNegative() || sessionMax.isZero()) {
      throw new IllegalArgumentException("web.sessionIdle and web.sessionMax: must be positive");
    }
    if (localLogin && tls == null && !isLoopback(ListenAddress.parse(listen, "web.listen").host())) {
      throw new IllegalArgumentException("web.localLogin: a one-time login link would cross the network in clear on"
          + " web.listen " + listen + "; listen on a loopback address (127.0.0.1, ::1, localhost) or set web.tls");
    }
  }

  /**
   * Whether {@code host} (as written in {@code web.listen}) is a loopback address. Only {@code
   * localhost} and IP literals count: a name is not looked up, so it is not loopback.
   */
  static boolean isLoopback(String host) {
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    if (!host.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}") && !host.matches("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
      return false;
    }
    try {
      return InetAddress.getByName(host).isLoopbackAddress(); // a literal: no lookup
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /**
   * The URL browsers use for this listener: {@code publicUrl} (without a trailing slash), else
   * {@code http(s)://<listen host>:<port>} with {@code localhost} for a wildcard host.
   *
   * @param port the port actually bound (the listen port may be 0)
   */
  public String baseUrl(int port) {
    if (publicUrl != null) {
      return publicUrl.replaceAll("/+$", "");
    }
    String host = listenAddress().host();
    if (host.isEmpty() || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
      host = "localhost";
    }
    return (tls == null ? "http" : "https") + "://"
        + (host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host) + ":" + port;
  }

  /**
   * The MCP resource's identifier (RFC 8707, RFC 9728): {@link #baseUrl} + {@code /mcp}. Access
   * tokens whose audience names it are for this endpoint.
   */
  public String mcpResource(int port) {
    return baseUrl(port) + "/mcp";
  }

  public ListenAddress listenAddress() {
    return ListenAddress.parse(listen, "web.listen");
  }

  /** PEM certificate chain and private key, as {@code file:/path} (or {@code env:NAME}). */
  public record Tls(String certificate, String key) {
    public Tls {
      if (certificate == null || key == null) {
        throw new IllegalArgumentException("web.tls: needs both certificate and key (file:/path)");
      }
    }
  }
}
