package dev.gatehouse.gateway.config;

import java.util.List;
import java.util.Map;

/**
 * The HTTP listener: certificate issuance ({@code /v1}), later the UI and {@code /api}. With
 * {@code tls} the gateway serves HTTPS itself; without it, it must sit behind a TLS-terminating
 * proxy and {@code publicUrl} says what users and the identity provider see.
 */
public record WebSettings(String listen, String publicUrl, Tls tls, Map<String, List<String>> roles) {
  public WebSettings {
    listen = listen == null ? "127.0.0.1:8080" : listen;
    ListenAddress.parse(listen, "web.listen");
    if (publicUrl != null && !publicUrl.startsWith("https://") && !publicUrl.startsWith("http://")) {
      throw new IllegalArgumentException("web.publicUrl: '" + publicUrl + "' must be an http(s) URL");
    }
    roles = roles == null ? Map.of() : Map.copyOf(roles);
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
