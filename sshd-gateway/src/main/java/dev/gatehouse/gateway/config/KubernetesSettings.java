package dev.gatehouse.gateway.config;

import java.net.URI;
import java.time.Duration;

/**
 * Where a {@code kubernetes} target's API server is and how the gateway's proxy logs in to it.
 * {@code rootCert}, {@code token}, {@code clientCert} and {@code clientKey} are secret references
 * ({@code file:/path} or {@code env:NAME}), resolved when the target's proxy starts, never logged.
 * Either {@code token} or {@code clientCert} + {@code clientKey}. With {@code impersonate}, requests
 * carry Impersonate-User/-Group of the person (the proxy's credentials need RBAC's {@code
 * impersonate} verb). {@code namespace} is the default namespace of the kubeconfig kubectl gets.
 */
public record KubernetesSettings(
    String server,
    String rootCert,
    String token,
    String clientCert,
    String clientKey,
    Boolean impersonate,
    String namespace,
    Duration connectTimeout) {

  public KubernetesSettings {
    if (server == null || server.isBlank()) {
      throw new IllegalArgumentException("kubernetes.server: missing (e.g. https://10.0.0.9:6443)");
    }
    URI u;
    try {
      u = new URI(server);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException("kubernetes.server: '" + server + "' is not a URL", e);
    }
    if (u.getHost() == null || !("https".equals(u.getScheme())
        || ("http".equals(u.getScheme()) && PostgresSettings.isLoopback(u.getHost())))) {
      throw new IllegalArgumentException(
          "kubernetes.server: '" + server + "' must be an https:// URL (http:// only to a loopback address)");
    }
    secretRef(rootCert, "kubernetes.rootCert");
    secretRef(token, "kubernetes.token");
    secretRef(clientCert, "kubernetes.clientCert");
    secretRef(clientKey, "kubernetes.clientKey");
    if ((clientCert == null) != (clientKey == null)) {
      throw new IllegalArgumentException("kubernetes.clientCert: clientCert and clientKey go together");
    }
    if (token == null && clientCert == null) {
      throw new IllegalArgumentException("kubernetes.token: the proxy needs a token or clientCert + clientKey");
    }
    if (token != null && clientCert != null) {
      throw new IllegalArgumentException("kubernetes.token: give a token or clientCert + clientKey, not both");
    }
    impersonate = impersonate != null && impersonate;
    namespace = namespace == null || namespace.isBlank() ? "default" : namespace;
    if (!namespace.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
      throw new IllegalArgumentException("kubernetes.namespace: '" + namespace + "' is not a namespace name");
    }
    connectTimeout = connectTimeout == null ? Duration.ofSeconds(10) : connectTimeout;
    if (connectTimeout.isNegative() || connectTimeout.isZero()) {
      throw new IllegalArgumentException("kubernetes.connectTimeout: must be positive");
    }
  }

  private static void secretRef(String ref, String key) {
    if (ref != null && !(ref.startsWith("file:") && ref.length() > 5) && !(ref.startsWith("env:") && ref.length() > 4)) {
      throw new IllegalArgumentException(key + ": use file:/path or env:NAME (a secret is never written into the config)");
    }
  }

  @Override
  public String toString() {
    return "KubernetesSettings[" + server + ", impersonate=" + impersonate + ", namespace=" + namespace + "]";
  }
}
