package dev.gatehouse.gateway.kube;

import dev.gatehouse.gateway.config.KubernetesSettings;
import dev.gatehouse.gateway.config.Secrets;
import dev.gatehouse.kube.KubeProxy;
import dev.gatehouse.kube.Upstream;
import java.io.IOException;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;

/**
 * The running API proxies, one per kubernetes target and its settings, kept across config reloads
 * (sessions hold tokens on them) and closed with the gateway. A proxy starts at its first use, when
 * the target's secrets are resolved: a missing secret fails that session, not the gateway's start.
 */
public final class KubeProxies implements AutoCloseable {
  private record Key(String target, KubernetesSettings settings) {}

  private final Map<Key, KubeProxy> running = new HashMap<>();

  /** The proxy of {@code target} with {@code settings}, started now if it is not running. */
  public synchronized KubeProxy proxy(String target, KubernetesSettings settings) throws IOException {
    Key key = new Key(target, settings);
    KubeProxy p = running.get(key);
    if (p == null) {
      Upstream upstream = Upstream.of(URI.create(settings.server()),
          optional(settings.rootCert(), "targets." + target + ".kubernetes.rootCert"),
          optional(settings.token(), "targets." + target + ".kubernetes.token"),
          optional(settings.clientCert(), "targets." + target + ".kubernetes.clientCert"),
          optional(settings.clientKey(), "targets." + target + ".kubernetes.clientKey"),
          settings.impersonate(), settings.connectTimeout());
      p = KubeProxy.start(target, upstream);
      running.put(key, p);
    }
    return p;
  }

  private static byte[] optional(String ref, String key) throws IOException {
    return ref == null ? null : Secrets.resolve(ref, key);
  }

  @Override
  public synchronized void close() {
    running.values().forEach(KubeProxy::close);
    running.clear();
  }
}
