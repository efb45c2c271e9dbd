package dev.gatehouse.kube;

import dev.gatehouse.policy.KubeRequest;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.eclipse.jetty.websocket.api.exceptions.UpgradeException;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A port-forward over WebSocket, relayed once judged (and approved). kubectl 1.30 and later tunnel
 * SPDY/3.1 through a WebSocket ({@code SPDY/3.1+portforward.k8s.io}): each connection made to
 * kubectl's local port becomes a pair of SPDY streams (data and error) inside it, named by port
 * and request id in compressed headers. The proxy opens the same WebSocket to the API server
 * first, with its own credentials and the person impersonated, then accepts the client's upgrade
 * with the subprotocol the API server chose, and relays binary messages one for one, each side
 * reading the next only when the other took the last (so a slow side slows the other down instead
 * of filling memory).
 *
 * <pre>
 *  kubectl ══ WebSocket (SPDY frames) ══▶ PortForwardRelay ══ WebSocket (proxy's credentials) ══▶ API server ─▶ pod:port
 *          ◀══════════════════════════════════════════════════════════════════════════════════
 *                     │ SPDY data-frame payload counted each way ─▶ ProxySession.Forward (audit)
 * </pre>
 *
 * Nothing of the forwarded bytes is recorded: they are a connection's bytes (a database's wire
 * protocol, TLS, HTTP), not a terminal; the session's recording has the request's marker and the
 * audit has the counts. A text message (no SPDY frame) ends the forward. A SPDY client's
 * port-forward goes through this relay too, with {@link SpdyPortForward} as its {@link ClientSink}.
 * (Public only because Jetty calls the endpoints' methods.)
 */
public final class PortForwardRelay {
  private static final Logger LOG = LoggerFactory.getLogger(PortForwardRelay.class);
  /** What kubectl 1.30+ offers; the API server answers with it when its PortForwardWebsockets gate is on. */
  static final Set<String> PROTOCOLS = Set.of("SPDY/3.1+portforward.k8s.io");

  /** Set once the client's side is about to open: a forward that never opened is not reported as one. */
  private volatile ProxySession.Forward forward;
  /** Where the API server's bytes go once the client's side is open. */
  private volatile ClientSink sink;
  private final long start = System.nanoTime();
  private final SpdyDataCounter toPod = new SpdyDataCounter();
  private final SpdyDataCounter fromPod = new SpdyDataCounter();
  private final Side client = new Side(true);
  private final Side upstream = new Side(false);
  private boolean ended;

  private PortForwardRelay() {
  }

  /**
   * The client's side: its WebSocket session (each message a chunk of SPDY bytes), or its own SPDY
   * connection ({@link SpdyPortForward}). Bytes from the API server go to it as they came.
   */
  interface ClientSink {
    void send(ByteBuffer bytes, Runnable sent, java.util.function.Consumer<Throwable> failed);

    void close(int code, String reason);
  }

  private static ClientSink webSocket(Session s) {
    return new ClientSink() {
      @Override
      public void send(ByteBuffer bytes, Runnable sent, java.util.function.Consumer<Throwable> failed) {
        s.sendBinary(bytes, Callback.from(sent, failed));
      }

      @Override
      public void close(int code, String reason) {
        if (s.isOpen()) {
          s.close(code, reason, Callback.NOOP);
        }
      }
    };
  }

  /**
   * A client's side that is no WebSocket (a SPDY connection) is open: {@code forward} hears of the
   * end, and the API server's bytes are read from now on.
   */
  void attach(ProxySession.Forward forward, ClientSink sink) {
    this.forward = forward;
    this.sink = sink;
    boolean over;
    synchronized (this) {
      over = ended;
    }
    if (over) { // the API server's side ended while the 101 was on its way
      sink.close(StatusCode.NORMAL, "the API server's side ended");
      forward.ended(0, 0, (System.nanoTime() - start) / 1_000_000);
      return;
    }
    upstream.session.demand();
  }

  /** SPDY bytes from a client that is no WebSocket: counted, then sent to the API server as one message. */
  void fromClient(ByteBuffer bytes, Runnable sent, java.util.function.Consumer<Throwable> failed) {
    toPod.feed(bytes);
    Session to = upstream.session;
    if (to == null || !to.isOpen()) {
      failed.accept(new IOException("the API server's side is closed"));
      return;
    }
    to.sendBinary(bytes, Callback.from(sent, t -> {
      failed.accept(t);
      closeBoth(StatusCode.SERVER_ERROR, "the API server's side of the forward failed");
    }));
  }

  /** The client's side (no WebSocket) ended or broke its protocol: both sides close. */
  void clientClosed(int code, String reason) {
    closeBoth(code, reason);
  }

  /** What opening the API server's side gave: the relay and the chosen subprotocol, or why not. */
  record Opened(PortForwardRelay relay, String subprotocol, String error) {}

  /** The endpoint of the client's side, for its upgrade; {@code forward} hears of the end. */
  Object clientEndpoint(ProxySession.Forward forward) {
    this.forward = forward;
    return client;
  }

  /** The client's upgrade did not happen: the API server's side is closed, nothing was relayed. */
  void abandon() {
    closeBoth(StatusCode.NORMAL, "the client's upgrade failed");
  }

  /** Opens the forward to the API server; the client's upgrade is accepted with {@link Opened#endpoint()} after. */
  static Opened open(Upstream up, ProxySession session, String rawPath, String query, List<String> protocols,
      Duration timeout) {
    PortForwardRelay relay = new PortForwardRelay();
    URI base = up.server();
    String scheme = base.getScheme().equals("https") ? "wss" : "ws";
    String basePath = base.getRawPath() == null ? "" : base.getRawPath().replaceAll("/+$", "");
    URI uri = URI.create(scheme + "://" + base.getRawAuthority() + basePath + rawPath + (query == null ? "" : "?" + query));
    ClientUpgradeRequest request = new ClientUpgradeRequest(uri);
    request.setSubProtocols(protocols);
    request.setTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    up.identify(session, (name, value) -> {
      List<String> values = new java.util.ArrayList<>(request.getHeaders(name) == null ? List.of() : request.getHeaders(name));
      values.add(value);
      request.setHeader(name, values);
    });
    try {
      Session s = up.tunnels().connect(relay.upstream, request).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      String chosen = s.getUpgradeResponse().getAcceptedSubProtocol();
      if (chosen == null || !protocols.contains(chosen)) {
        s.close(StatusCode.PROTOCOL, "no subprotocol was agreed", Callback.NOOP);
        return new Opened(null, null, "the API server opened the port-forward without a subprotocol kubectl offered");
      }
      return new Opened(relay, chosen, null);
    } catch (ExecutionException e) {
      Throwable c = e.getCause() == null ? e : e.getCause();
      String why = c instanceof UpgradeException u && u.getResponseStatusCode() > 0
          ? "the API server refused the stream (HTTP " + u.getResponseStatusCode() + ")"
          : "the API server did not open the stream: " + c.getMessage();
      return new Opened(null, null, why);
    } catch (TimeoutException e) {
      return new Opened(null, null, "the API server did not open the stream in " + timeout.toSeconds() + " s");
    } catch (IOException e) {
      return new Opened(null, null, e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Opened(null, null, "interrupted");
    }
  }

  /** The pod of a port-forward request. */
  static String pod(KubeRequest r) {
    return r.name();
  }

  /** One side's endpoint: what it receives goes to the other side. */
  public final class Side implements Session.Listener {
    private final boolean isClient;
    private volatile Session session;

    Side(boolean isClient) {
      this.isClient = isClient;
    }

    private Side other() {
      return isClient ? upstream : client;
    }

    @Override
    public void onWebSocketOpen(Session s) {
      session = s;
      // The client's side opens last (the API server's was opened first): now both read.
      if (isClient) {
        sink = webSocket(s);
        s.demand();
        upstream.session.demand();
      }
    }

    @Override
    public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
      (isClient ? toPod : fromPod).feed(payload);
      Runnable sent = () -> {
        callback.succeed();
        session.demand();
      };
      java.util.function.Consumer<Throwable> failed = t -> {
        callback.fail(t);
        closeBoth(StatusCode.SERVER_ERROR, "the other side of the forward failed");
      };
      if (!isClient) {
        ClientSink to = sink;
        if (to == null) {
          callback.fail(new IOException("the client's side is not open"));
          return;
        }
        to.send(payload, sent, failed);
        return;
      }
      Session to = other().session;
      if (to == null) {
        callback.fail(new IOException("the other side is not open"));
        return;
      }
      to.sendBinary(payload, Callback.from(sent, failed));
    }

    @Override
    public void onWebSocketText(String message) {
      closeBoth(StatusCode.BAD_DATA, "a port-forward carries binary SPDY frames only");
    }

    @Override
    public void onWebSocketPing(ByteBuffer payload) {
      session.demand(); // Jetty answers the ping itself
    }

    @Override
    public void onWebSocketPong(ByteBuffer payload) {
      session.demand();
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason, Callback callback) {
      callback.succeed();
      closeBoth(statusCode, reason);
    }

    @Override
    public void onWebSocketError(Throwable cause) {
      LOG.debug("port-forward: {} side failed: {}", isClient ? "client" : "API server", cause.toString());
      closeBoth(StatusCode.SERVER_ERROR, isClient ? "the client's side failed" : "the API server's side failed");
    }
  }

  private void closeBoth(int statusCode, String reason) {
    int code = StreamRelay.sendable(statusCode) ? statusCode : StatusCode.NORMAL;
    String why = reason == null ? "" : reason;
    ClientSink c = sink;
    if (c != null) {
      c.close(code, why);
    } else if (client.session != null && client.session.isOpen()) {
      client.session.close(code, why, Callback.NOOP);
    }
    Session x = upstream.session;
    if (x != null && x.isOpen()) {
      x.close(code, why, Callback.NOOP);
    }
    synchronized (this) {
      if (ended) {
        return;
      }
      ended = true;
    }
    ProxySession.Forward f = forward;
    if (f != null) {
      f.ended(toPod.count(), fromPod.count(), (System.nanoTime() - start) / 1_000_000);
    }
  }
}
