package dev.gatehouse.gateway.config;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Locale;

/**
 * Where a {@code postgres} target lives and how the gateway's wire proxy logs in to it. Only the
 * gateway holds these credentials; clients of the proxy never see or send them.
 *
 * <p>{@code password} is a secret reference ({@code env:NAME} or {@code file:/path}), resolved at
 * connect time and never logged. {@code tls}: {@code disable}, {@code require} (encrypted, the
 * server's certificate is not checked) or {@code verify-full} (the certificate must chain to
 * {@code rootCert}, or to the JDK's trust store when {@code rootCert} is unset, and name {@code
 * host}). The default is {@code verify-full}, except for a loopback {@code host} (127.0.0.0/8,
 * ::1, localhost), where traffic never leaves the bastion and the default is {@code disable}.
 */
public record PostgresSettings(
    String host,
    Integer port,
    String database,
    String user,
    String password,
    String tls,
    String rootCert,
    Duration connectTimeout) {

  public static final String TLS_DISABLE = "disable";
  public static final String TLS_REQUIRE = "require";
  public static final String TLS_VERIFY_FULL = "verify-full";

  public PostgresSettings {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("postgres.host: missing");
    }
    port = port == null ? 5432 : port;
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("postgres.port: " + port + " is out of range 1-65535");
    }
    if (database == null || database.isBlank()) {
      throw new IllegalArgumentException("postgres.database: missing (the database the proxy opens)");
    }
    if (user == null || user.isBlank()) {
      throw new IllegalArgumentException("postgres.user: missing (the role the proxy logs in as)");
    }
    if (password != null && !password.startsWith("env:") && !password.startsWith("file:")) {
      throw new IllegalArgumentException(
          "postgres.password: use env:NAME or file:/path (a secret is never written into the config)");
    }
    tls = tls == null ? (isLoopback(host) ? TLS_DISABLE : TLS_VERIFY_FULL) : tls.toLowerCase(Locale.ROOT);
    if (!tls.equals(TLS_DISABLE) && !tls.equals(TLS_REQUIRE) && !tls.equals(TLS_VERIFY_FULL)) {
      throw new IllegalArgumentException(
          "postgres.tls: '" + tls + "' must be disable, require or verify-full");
    }
    if (rootCert != null) {
      if (!rootCert.startsWith("file:") || rootCert.length() == 5) {
        throw new IllegalArgumentException("postgres.rootCert: use file:/path to a PEM file of CA certificates");
      }
      if (!tls.equals(TLS_VERIFY_FULL)) {
        throw new IllegalArgumentException("postgres.rootCert: only used with tls: verify-full (tls is " + tls + ")");
      }
    }
    connectTimeout = connectTimeout == null ? Duration.ofSeconds(10) : connectTimeout;
    if (connectTimeout.isNegative() || connectTimeout.isZero()) {
      throw new IllegalArgumentException("postgres.connectTimeout: must be positive");
    }
  }

  /** A loopback host name or literal, decided without a DNS lookup. */
  static boolean isLoopback(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.equals("localhost") || h.endsWith(".localhost")) {
      return true;
    }
    if (h.matches("[0-9.]+") || h.contains(":")) {
      try {
        return InetAddress.getByName(h).isLoopbackAddress(); // a literal: no lookup
      } catch (java.net.UnknownHostException e) {
        return false;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    // The password is a reference, not the secret, but keep it out of logs anyway.
    return "PostgresSettings[" + user + "@" + host + ":" + port + "/" + database + ", tls=" + tls + "]";
  }
}
