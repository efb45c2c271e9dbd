package dev.gatehouse.kube;

import dev.gatehouse.policy.KubeRequest;
import dev.gatehouse.policy.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * A stream request upgraded to SPDY/3.1, once it was judged (and approved): the handshake as the
 * API server and the kubelet answer it (k8s.io/apimachinery's {@code httpstream.Handshake} and its
 * SPDY response upgrader), in the WebSocket relay's order — the API server's side first, then the
 * client's {@code 101 Switching Protocols} with {@code Upgrade: SPDY/3.1} and the chosen {@code
 * X-Stream-Protocol-Version}, then the connection is a {@link SpdyConnection}.
 *
 * <ul>
 *   <li>exec and attach: {@link SpdyExecRelay} in front of {@link StreamRelay} (v5 or v4 channel protocol upstream);
 *   <li>port-forward: {@link SpdyPortForward} in front of {@link PortForwardRelay} (SPDY tunneled in a WebSocket).
 * </ul>
 *
 * A protocol version no side shares is a 403, as the API server's; an {@code Upgrade} other than
 * SPDY/3.1 is a 400; neither opens anything upstream.
 */
final class SpdyUpgrade {
  static final String SPDY_3_1 = "SPDY/3.1";
  private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(30);

  private SpdyUpgrade() {
  }

  /** An exec or attach over SPDY; true when the callback was handed on (the connection upgraded). */
  static boolean exec(Upstream upstream, ProxySession session, Request request, Response response, Callback callback,
      String rawPath, KubeRequest r, Verdict verdict, long start, String streamKey) {
    String protocol = handshake(session, request, response, r, verdict, start, SpdyExecRelay.PROTOCOLS);
    if (protocol == null) {
      return false;
    }
    String query = request.getHttpURI().getQuery();
    Set<String> expected = SpdyExecRelay.expectedStreams(query);
    if (expected.isEmpty()) {
      refuse(session, response, r, verdict, start, 400, "BadRequest",
          r.describe() + ": you must specify at least 1 of stdin, stdout, stderr");
      return false;
    }
    StreamRelay.Target t = StreamRelay.target(r, query);
    ProxySession.Stream stream = session.streams().opened(r, t.pod(), t.container(), t.command(), t.tty());
    StreamRelay.Opened opened = StreamRelay.open(upstream, session, rawPath, query, SpdyExecRelay.PROTOCOLS, stream,
        OPEN_TIMEOUT);
    if (opened.relay() == null) {
      if (stream != null) {
        stream.closed();
      }
      failed(session, response, r, verdict, start, streamKey, opened.error());
      return false;
    }
    SpdyExecRelay peer = new SpdyExecRelay(opened.relay(), "v5.channel.k8s.io".equals(opened.subprotocol()), expected);
    session.listener().completed(new ProxySession.Exchange(r, verdict, 101, ProxyHandler.millis(start), true, null));
    switchProtocols(request, response, callback, protocol, peer, r.describe());
    return true;
  }

  /** A port-forward over SPDY; true when the callback was handed on (the connection upgraded). */
  static boolean portForward(Upstream upstream, ProxySession session, Request request, Response response,
      Callback callback, String rawPath, KubeRequest r, Verdict verdict, long start, String streamKey) {
    String protocol = handshake(session, request, response, r, verdict, start, List.of(SpdyPortForward.PROTOCOL));
    if (protocol == null) {
      return false;
    }
    PortForwardRelay.Opened opened = PortForwardRelay.open(upstream, session, rawPath, request.getHttpURI().getQuery(),
        List.copyOf(PortForwardRelay.PROTOCOLS), OPEN_TIMEOUT);
    if (opened.relay() == null) {
      failed(session, response, r, verdict, start, streamKey, opened.error());
      return false;
    }
    session.listener().completed(new ProxySession.Exchange(r, verdict, 101, ProxyHandler.millis(start), true, null));
    SpdyPortForward peer = new SpdyPortForward(opened.relay(), session.forwards().opened(r, PortForwardRelay.pod(r)));
    switchProtocols(request, response, callback, protocol, peer, r.describe());
    return true;
  }

  /**
   * The protocol version agreed (the client's first that {@code supported} has), or null when the
   * request was answered with a refusal: an {@code Upgrade} other than SPDY/3.1, no version, or none shared.
   */
  private static String handshake(ProxySession session, Request request, Response response, KubeRequest r,
      Verdict verdict, long start, List<String> supported) {
    String upgrade = request.getHeaders().get("Upgrade");
    if (upgrade == null || !upgrade.strip().equalsIgnoreCase(SPDY_3_1)) {
      refuse(session, response, r, verdict, start, 400, "BadRequest",
          r.describe() + ": unable to upgrade: only " + SPDY_3_1 + " is relayed, not " + upgrade);
      return null;
    }
    List<String> offered = new ArrayList<>();
    for (String h : request.getHeaders().getValuesList("X-Stream-Protocol-Version")) {
      for (String p : h.split(",")) {
        if (!p.isBlank()) {
          offered.add(p.strip());
        }
      }
    }
    for (String p : offered) {
      if (supported.contains(p)) {
        return p;
      }
    }
    response.getHeaders().put("X-Accepted-Stream-Protocol-Versions", String.join(",", supported));
    refuse(session, response, r, verdict, start, 403, "Forbidden", r.describe()
        + ": unable to upgrade: unable to negotiate protocol: client supports " + offered + ", server supports " + supported);
    return null;
  }

  private static void refuse(ProxySession session, Response response, KubeRequest r, Verdict verdict, long start,
      int code, String reason, String why) {
    ProxyHandler.status(response, code, reason, "gatehouse: " + why);
    session.listener().completed(new ProxySession.Exchange(r, verdict, code, ProxyHandler.millis(start), false, why));
  }

  private static void failed(ProxySession session, Response response, KubeRequest r, Verdict verdict, long start,
      String streamKey, String why) {
    session.streamFailed(streamKey, why);
    ProxyHandler.status(response, 502, "ServiceUnavailable", "gatehouse: " + why);
    session.listener().completed(new ProxySession.Exchange(r, verdict, 502, ProxyHandler.millis(start), true, why));
  }

  /**
   * {@code 101 Switching Protocols}; once Jetty has written it, the connection's socket belongs to a
   * {@link SpdyConnection} with {@code peer} (Jetty swaps the connection when the callback succeeds).
   */
  private static void switchProtocols(Request request, Response response, Callback callback, String protocol,
      SpdyConnection.Peer peer, String what) {
    EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
    SpdyConnection connection = new SpdyConnection(endPoint,
        request.getConnectionMetaData().getConnector().getExecutor(), peer, what);
    response.setStatus(101);
    response.getHeaders().put("Connection", "Upgrade");
    response.getHeaders().put("Upgrade", SPDY_3_1);
    response.getHeaders().put("X-Stream-Protocol-Version", protocol);
    request.setAttribute(HttpStream.UPGRADE_CONNECTION_ATTRIBUTE, connection);
    callback.succeeded();
  }
}
