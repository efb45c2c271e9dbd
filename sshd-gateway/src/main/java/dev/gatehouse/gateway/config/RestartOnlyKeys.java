package dev.gatehouse.gateway.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The configuration keys a reload cannot apply, because what they configure was built once at
 * start: the SSH listener and its authentication limits, the web listener and what it serves, the
 * OIDC verifiers and the device login, the recording checkpoint timer, the audit log's writer. The one place that compares
 * a running configuration with a new one key by key for them; a key added here is named by every
 * reload that changes it. ({@code dataDir} is not here: a reload that changes it is refused.)
 */
public final class RestartOnlyKeys {
  private record Key(String name, Function<GatewayConfig, Object> value) {}

  private static final List<Key> KEYS = List.of(
      new Key("ssh.listen", c -> c.ssh().listen()),
      new Key("ssh.hostNames", c -> c.ssh().hostNames()),
      new Key("ssh.ciphers", c -> c.ssh().ciphers()),
      new Key("ssh.authTimeout", c -> c.ssh().authTimeout()),
      new Key("ssh.maxAuthAttempts", c -> c.ssh().maxAuthAttempts()),
      new Key("ssh.maxConnectionsPerAddress", c -> c.ssh().maxConnectionsPerAddress()),
      new Key("web.listen", c -> c.web() == null ? null : c.web().listen()),
      new Key("web.tls", c -> c.web() == null ? null : c.web().tls()),
      // Whether the replay web is served at all is decided at start (by oidc or localLogin).
      new Key("web.localLogin", c -> c.web() != null && c.web().localLogin()),
      new Key("oidc.issuer", c -> c.oidc() == null ? null : c.oidc().issuer()),
      new Key("oidc.clientId", c -> c.oidc() == null ? null : c.oidc().clientId()),
      new Key("oidc.identityClaim", c -> c.oidc() == null ? null : c.oidc().identityClaim()),
      new Key("oidc.groupsClaim", c -> c.oidc() == null ? null : c.oidc().groupsClaim()),
      new Key("oidc.maxTokenAge", c -> c.oidc() == null ? null : c.oidc().maxTokenAge()),
      // The device login keeps the oidc section it started with (its certificates' lifetime too).
      new Key("oidc.certificateTtl", c -> c.oidc() == null ? null : c.oidc().certificateTtl()),
      new Key("oidc.deviceLogin", c -> c.oidc() == null ? null : c.oidc().deviceLogin()),
      new Key("recording.checkpoint", c -> c.recording().checkpoint()),
      new Key("audit.syncInterval", c -> c.audit().syncInterval()));

  private RestartOnlyKeys() {}

  /** The restart-only keys whose value differs between {@code running} and {@code next}, in a fixed order. */
  public static List<String> changed(GatewayConfig running, GatewayConfig next) {
    List<String> out = new ArrayList<>();
    for (Key k : KEYS) {
      if (!Objects.equals(k.value().apply(running), k.value().apply(next))) {
        out.add(k.name());
      }
    }
    return List.copyOf(out);
  }
}
