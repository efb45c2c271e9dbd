package dev.gatehouse.gateway.config;

import java.time.Duration;
import java.util.List;

/**
 * The SSH listener. Limits before login keep an unauthenticated client from holding the gateway:
 * {@code authTimeout} for the whole login, {@code maxAuthAttempts} per connection and {@code
 * maxConnectionsPerAddress} unauthenticated connections from one source address at a time.
 */
public record SshSettings(
    String listen,
    List<String> hostNames,
    List<String> ciphers,
    Duration authTimeout,
    Integer maxAuthAttempts,
    Integer maxConnectionsPerAddress) {

  /**
   * AES-GCM only by default. MINA reaches ~0.6x of OpenSSH with chacha20-poly1305 but beats it
   * with GCM; and the client's order wins the negotiation, so with aes128-ctr on the list stock
   * OpenSSH clients pick CTR (+ HMAC) over GCM. Every OpenSSH since 6.2 and PuTTY since 0.76
   * speak GCM; add "aes128-ctr" to ssh.ciphers for older clients.
   */
  public static final List<String> DEFAULT_CIPHERS = List.of("aes128-gcm@openssh.com", "aes256-gcm@openssh.com");

  public SshSettings {
    listen = listen == null ? "127.0.0.1:2222" : listen;
    ListenAddress.parse(listen, "ssh.listen");
    hostNames = hostNames == null || hostNames.isEmpty() ? defaultHostNames() : List.copyOf(hostNames);
    for (String h : hostNames) {
      if (h.isBlank() || h.contains(",") || h.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException("ssh.hostNames: '" + h + "' is not a host name");
      }
    }
    ciphers = ciphers == null || ciphers.isEmpty() ? DEFAULT_CIPHERS : List.copyOf(ciphers);
    authTimeout = authTimeout == null ? Duration.ofSeconds(30) : authTimeout;
    if (authTimeout.isNegative() || authTimeout.isZero() || authTimeout.toMinutes() > 10) {
      throw new IllegalArgumentException("ssh.authTimeout: must be between 1s and 10m");
    }
    maxAuthAttempts = maxAuthAttempts == null ? 6 : maxAuthAttempts;
    if (maxAuthAttempts < 1 || maxAuthAttempts > 100) {
      throw new IllegalArgumentException("ssh.maxAuthAttempts: must be between 1 and 100");
    }
    maxConnectionsPerAddress = maxConnectionsPerAddress == null ? 20 : maxConnectionsPerAddress;
    if (maxConnectionsPerAddress < 1) {
      throw new IllegalArgumentException("ssh.maxConnectionsPerAddress: must be at least 1");
    }
  }

  public static SshSettings defaults() {
    return new SshSettings(null, null, null, null, null, null);
  }

  public ListenAddress listenAddress() {
    return ListenAddress.parse(listen, "ssh.listen");
  }

  static List<String> defaultHostNames() {
    String host = "localhost";
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      // No resolvable host name: localhost and 127.0.0.1 still serve.
    }
    return List.copyOf(new java.util.LinkedHashSet<>(List.of(host, "localhost", "127.0.0.1")));
  }
}
