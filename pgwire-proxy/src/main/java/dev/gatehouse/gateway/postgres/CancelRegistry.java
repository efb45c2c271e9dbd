package dev.gatehouse.gateway.postgres;

import dev.gatehouse.gateway.config.PostgresSettings;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's own cancel keys, shared by all proxy sessions of a gateway. A client gets a random
 * (pid, secret) in BackendKeyData instead of the server's; a CancelRequest on a fresh connection
 * is looked up here and sent to the server with the server's real keys.
 */
public final class CancelRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(CancelRegistry.class);

  /** The keys a client sees. */
  public record Key(int pid, int secret) {}

  private record Target(PostgresSettings upstream, int pid, int secret, int proxySecret) {}

  private final SecureRandom random = new SecureRandom();
  private final ConcurrentHashMap<Integer, Target> byPid = new ConcurrentHashMap<>();
  /** Sessions holding a statement for approval: a CancelRequest cancels the request instead. */
  private final ConcurrentHashMap<Integer, Runnable> held = new ConcurrentHashMap<>();

  /** Hands out fresh proxy keys for a session logged in to {@code upstream} as (pid, secret). */
  Key register(PostgresSettings upstream, int upstreamPid, int upstreamSecret) {
    while (true) {
      int pid = 1 + random.nextInt(Integer.MAX_VALUE - 1);
      int secret = random.nextInt();
      if (byPid.putIfAbsent(pid, new Target(upstream, upstreamPid, upstreamSecret, secret)) == null) {
        return new Key(pid, secret);
      }
    }
  }

  void unregister(Key key) {
    if (key != null) {
      byPid.computeIfPresent(key.pid(), (k, t) -> t.proxySecret() == key.secret() ? null : t);
    }
  }

  /** While a statement is held, a CancelRequest with this session's keys runs {@code onCancel}. */
  AutoCloseable holding(Key key, Runnable onCancel) {
    if (key == null) {
      return () -> {};
    }
    held.put(key.pid(), onCancel);
    return () -> held.remove(key.pid(), onCancel);
  }

  /** The upstream pid a proxy pid stands for, or 0 (for NotificationResponse). */
  int upstreamPid(Key key) {
    Target t = key == null ? null : byPid.get(key.pid());
    return t == null ? 0 : t.pid();
  }

  /** Sends the server's CancelRequest when the keys match a live session; false otherwise. */
  boolean cancel(int pid, int secret) {
    Target t = byPid.get(pid);
    if (t == null || !MessageDigest.isEqual(intBytes(t.proxySecret()), intBytes(secret))) {
      LOG.info("CancelRequest with unknown keys ignored");
      return false;
    }
    Runnable hold = held.remove(pid);
    if (hold != null) {
      hold.run(); // nothing of the held statement reached the server: cancel the approval request
      return true;
    }
    try (Socket s = Upstream.open(t.upstream())) {
      OutputStream out = s.getOutputStream();
      Wire.writeInt(out, 16);
      Wire.writeInt(out, Wire.CANCEL_REQUEST);
      Wire.writeInt(out, t.pid());
      Wire.writeInt(out, t.secret());
      out.flush();
      s.getInputStream().read(); // the server closes the connection when it has taken the request
      return true;
    } catch (IOException e) {
      LOG.warn("CancelRequest to {}:{} failed: {}", t.upstream().host(), t.upstream().port(), e.getMessage());
      return false;
    }
  }

  private static byte[] intBytes(int v) {
    return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
  }
}
