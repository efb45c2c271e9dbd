package dev.gatehouse.gateway.config;

import java.time.Duration;

/**
 * Where an {@code ssh} target lives and how the gateway knows it is the right host. {@code
 * hostKey} is required (never trust on first use): either the host's public key ({@code
 * ssh-ed25519 AAAA...}) or an {@code @cert-authority} line whose CA signs the host's
 * certificate. {@code user} is the account on the host; the gateway logs in with a certificate it
 * mints per session from the target CA, key id = the person.
 */
public record SshTargetSettings(String host, Integer port, String user, String hostKey, Duration connectTimeout) {
  public SshTargetSettings {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("ssh.host: missing");
    }
    port = port == null ? 22 : port;
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("ssh.port: " + port + " is out of range 1-65535");
    }
    if (user == null || user.isBlank()) {
      throw new IllegalArgumentException("ssh.user: missing (the account on the host)");
    }
    if (hostKey == null || hostKey.isBlank()) {
      throw new IllegalArgumentException(
          "ssh.hostKey: missing; pin the host's key (ssh-keyscan -t ed25519 HOST) or an '@cert-authority * KEY' line");
    }
    connectTimeout = connectTimeout == null ? Duration.ofSeconds(10) : connectTimeout;
  }
}
