package dev.gatehouse.kube;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ProxyConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The Kubernetes API proxy of one target: a loopback HTTP/1.1 server with two doors, each
 * request tied to a {@link ProxySession} by a random per-session token.
 *
 * <ul>
 *   <li>the <b>bearer</b> door: the token as the first path segments, {@code /session/<token>/api/...}
 *       — the kubeconfig the gateway writes for kubectl on the bastion has {@link #sessionUrl} as its
 *       server (kubectl sends no bearer token to an {@code http://} server) — or as {@code
 *       Authorization: Bearer <token>} from other clients;
 *   <li>the <b>tunnel</b> door: a PROXY protocol v2 header whose TLV {@link #TOKEN_TLV} carries the
 *       token — the gateway writes it before relaying an {@code ssh -L} channel's bytes, so the
 *       user's own kubectl needs no credentials (the SSH channel's identity counts).
 * </ul>
 *
 * Both listen on 127.0.0.1 only; a token is 256 random bits and lives as long as its session.
 */
public final class KubeProxy implements AutoCloseable {
  /** PROXY v2 TLV type (custom range 0xE0-0xEF) carrying the session token on the tunnel door. */
  public static final int TOKEN_TLV = 0xE7;
  static final String BEARER = "bearer";
  static final String TUNNEL = "tunnel";

  private static final SecureRandom RANDOM = new SecureRandom();
  private final Server server;
  private final ServerConnector bearer;
  private final ServerConnector tunnel;
  private final Map<String, ProxySession> sessions = new ConcurrentHashMap<>();
  private final String target;
  private final Upstream upstream;

  private KubeProxy(String target, Upstream upstream, Server server, ServerConnector bearer, ServerConnector tunnel) {
    this.target = target;
    this.upstream = upstream;
    this.server = server;
    this.bearer = bearer;
    this.tunnel = tunnel;
  }

  /** Starts the proxy of {@code target} in front of {@code upstream}, on ephemeral loopback ports. */
  public static KubeProxy start(String target, Upstream upstream) throws IOException {
    QueuedThreadPool threads = new QueuedThreadPool(200, 4);
    threads.setName("kube-proxy-" + target);
    Server server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendDateHeader(false);
    http.setRequestHeaderSize(64 * 1024);
    ServerConnector bearer = new ServerConnector(server, new HttpConnectionFactory(http));
    bearer.setName(BEARER);
    ServerConnector tunnel = new ServerConnector(server,
        new ProxyConnectionFactory(org.eclipse.jetty.http.HttpVersion.HTTP_1_1.asString()),
        new HttpConnectionFactory(http));
    tunnel.setName(TUNNEL);
    for (ServerConnector c : new ServerConnector[] {bearer, tunnel}) {
      c.setHost(InetAddress.getLoopbackAddress().getHostAddress());
      c.setPort(0);
      c.setIdleTimeout(0); // watches and logs -f stay open as long as the client wants
      server.addConnector(c);
    }
    KubeProxy proxy = new KubeProxy(target, upstream, server, bearer, tunnel);
    // exec, attach (StreamRelay) and port-forward (PortForwardRelay) are WebSocket upgrades; a shell may be
    // quiet for long: the session's own idle limit ends it, not the socket's.
    org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler ws =
        org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler.from(server, c -> {
          c.setIdleTimeout(java.time.Duration.ofDays(1));
          c.setMaxBinaryMessageSize(StreamRelay.MAX_MESSAGE);
          c.setMaxTextMessageSize(StreamRelay.MAX_MESSAGE);
        });
    ws.setHandler(new ProxyHandler(target, upstream, proxy::session));
    server.setHandler(ws);
    try {
      server.start();
    } catch (Exception e) {
      try {
        server.stop();
      } catch (Exception ignored) {
        // already failing
      }
      throw new IOException("kubernetes proxy for '" + target + "' did not start: " + e.getMessage(), e);
    }
    return proxy;
  }

  /** Registers a session; its token identifies it on either door until {@link #close(String)}. */
  public String open(ProxySession session) {
    byte[] raw = new byte[32];
    RANDOM.nextBytes(raw);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    sessions.put(token, session);
    return token;
  }

  /** Ends a session: its token is refused from now on. */
  public void close(String token) {
    if (token != null) {
      sessions.remove(token);
    }
  }

  ProxySession session(String door, String token) {
    return token == null ? null : sessions.get(token);
  }

  public String target() {
    return target;
  }

  /** The door for {@code Authorization: Bearer} (kubectl on the bastion). */
  public InetSocketAddress bearerAddress() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), bearer.getLocalPort());
  }

  /** The server URL of a session's kubeconfig on the bastion: the bearer door with the token in the path. */
  public String sessionUrl(String token) {
    return "http://127.0.0.1:" + bearer.getLocalPort() + ProxyHandler.SESSION_PREFIX + token;
  }

  /** The message of the API {@code Status} the client gets for a refused request. */
  public static String refusalMessage(dev.gatehouse.policy.Verdict v) {
    return ProxyHandler.refusal(v);
  }

  /** The door for relayed tunnels (PROXY v2 header with the token first). */
  public InetSocketAddress tunnelAddress() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), tunnel.getLocalPort());
  }

  /**
   * The PROXY protocol v2 header that opens a relayed tunnel: TCP over IPv4 from 127.0.0.1:0 to
   * 127.0.0.1:0 (addresses carry nothing here) and the token TLV.
   */
  public static byte[] tunnelHeader(String token) {
    byte[] tok = token.getBytes(StandardCharsets.US_ASCII);
    int addrLen = 12;
    int tlvLen = 3 + tok.length;
    ByteBuffer b = ByteBuffer.allocate(16 + addrLen + tlvLen);
    b.put(new byte[] {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A});
    b.put((byte) 0x21); // version 2, PROXY
    b.put((byte) 0x11); // TCP over IPv4
    b.putShort((short) (addrLen + tlvLen));
    b.put(new byte[] {127, 0, 0, 1, 127, 0, 0, 1});
    b.putShort((short) 0).putShort((short) 0);
    b.put((byte) TOKEN_TLV).putShort((short) tok.length).put(tok);
    return b.array();
  }

  @Override
  public void close() {
    sessions.clear();
    try {
      server.stop();
    } catch (Exception e) {
      // stopping anyway
    }
    upstream.close();
  }
}
