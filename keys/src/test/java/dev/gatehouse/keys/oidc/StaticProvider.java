package dev.gatehouse.keys.oidc;

import com.nimbusds.jose.jwk.JWKSet;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A minimal OIDC provider on loopback whose JWKS the test swaps (key rotation, EdDSA and EC keys
 * that mock-oauth2-server does not issue). Serves discovery and the JWKS; counts JWKS fetches.
 */
final class StaticProvider implements AutoCloseable {
  private final HttpServer server;
  private final AtomicReference<JWKSet> keys = new AtomicReference<>(new JWKSet());
  private final AtomicReference<String> announcedIssuer = new AtomicReference<>();
  final AtomicInteger jwksFetches = new AtomicInteger();

  private StaticProvider(HttpServer server) {
    this.server = server;
  }

  static StaticProvider start() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    StaticProvider provider = new StaticProvider(server);
    server.createContext("/.well-known/openid-configuration", provider::discovery);
    server.createContext("/jwks", provider::jwks);
    server.start();
    return provider;
  }

  URI issuer() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Replaces the JWKS with these keys' public halves. */
  void publish(SigningKey... signingKeys) {
    keys.set(new JWKSet(Arrays.stream(signingKeys).map(SigningKey::publicJwk).toList()));
  }

  /** Makes the discovery document name another issuer. */
  void announceIssuer(String issuer) {
    announcedIssuer.set(issuer);
  }

  private void discovery(HttpExchange exchange) throws IOException {
    String issuer = announcedIssuer.get() != null ? announcedIssuer.get() : issuer().toString();
    String base = issuer().toString();
    respond(exchange, """
        {"issuer": "%s", "authorization_endpoint": "%s/authorize", "token_endpoint": "%s/token",
         "device_authorization_endpoint": "%s/device", "jwks_uri": "%s/jwks",
         "response_types_supported": ["code"], "subject_types_supported": ["public"],
         "id_token_signing_alg_values_supported": ["RS256", "ES256", "EdDSA"]}
        """.formatted(issuer, base, base, base, base));
  }

  private void jwks(HttpExchange exchange) throws IOException {
    jwksFetches.incrementAndGet();
    respond(exchange, keys.get().toString());
  }

  private static void respond(HttpExchange exchange, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
