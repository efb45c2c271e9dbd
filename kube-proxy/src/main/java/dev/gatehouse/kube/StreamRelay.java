package dev.gatehouse.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.policy.KubeRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An exec or attach stream over WebSocket ({@code v5.channel.k8s.io} and the earlier channel
 * protocols), relayed message by message once the request was judged: the proxy first opens the
 * same stream to the API server with its own credentials, offering the client's subprotocols, and
 * only then accepts the client's upgrade with the subprotocol the API server chose.
 *
 * <pre>
 *  kubectl ══ WebSocket ══▶ StreamRelay (client endpoint) ══ WebSocket (proxy's credentials) ══▶ API server
 *          ◀═ 1 stdout, 2 stderr, 3 error ═══════════════════════════════════════════════════
 *          ═ 0 stdin, 4 resize, 255 close ═══════════════════════════════════════════════════▶
 *                   │ stdout/stderr bytes and resizes ─▶ ProxySession.Stream (the recording)
 * </pre>
 *
 * Every channel message has its channel number as its first byte (binary subprotocols); the
 * relay changes nothing, it only reads the stdout and stderr channels for the recording and the
 * resize channel's {@code {"Width":W,"Height":H}}. The {@code base64.channel.k8s.io} variants
 * send text messages instead: the channel as an ASCII digit, then the bytes in base64; those are
 * decoded for the recording the same way, and a text message that does not decode ends the stream
 * (output the recording cannot read is never shown). A SPDY client's exec is the same relay with
 * {@link SpdyExecRelay} as its {@link Client} side, so both transports are recorded by this code.
 * (Public only because Jetty calls the endpoint's methods.)
 */
public final class StreamRelay implements Session.Listener.AutoDemanding, WebSocket.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(StreamRelay.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final java.util.Set<String> RELAYED = java.util.Set.of("exec", "attach");
  static final int STDOUT = 1;
  static final int STDERR = 2;
  static final int RESIZE = 4;
  /** A message larger than this (the API server sends small ones) ends the stream. */
  static final int MAX_MESSAGE = 4 * 1024 * 1024;

  private final ProxySession.Stream stream;
  private volatile WebSocket upstream;
  private volatile Client client;
  private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
  private final StringBuilder partialText = new StringBuilder();
  /** Sends to the API server one after another (the JDK client allows one outstanding send). */
  private CompletableFuture<?> upstreamSends = CompletableFuture.completedFuture(null);
  private volatile boolean closed;

  private StreamRelay(ProxySession.Stream stream) {
    this.stream = stream;
  }

  /**
   * The client's side of the stream: its WebSocket session, or the streams of its SPDY connection
   * ({@link SpdyExecRelay}). Channel messages go to it as the API server sent them.
   */
  interface Client {
    void sendBinary(byte[] message, Runnable sent, java.util.function.Consumer<Throwable> failed);

    void sendText(String message, Runnable sent, java.util.function.Consumer<Throwable> failed);

    /** Ends the client's side ({@code code} 1000: the API server ended the stream normally). */
    void close(int code, String reason);
  }

  private static Client webSocket(Session s) {
    return new Client() {
      @Override
      public void sendBinary(byte[] message, Runnable sent, java.util.function.Consumer<Throwable> failed) {
        s.sendBinary(ByteBuffer.wrap(message), Callback.from(sent, failed));
      }

      @Override
      public void sendText(String message, Runnable sent, java.util.function.Consumer<Throwable> failed) {
        s.sendText(message, Callback.from(sent, failed));
      }

      @Override
      public void close(int code, String reason) {
        s.close(code, reason, Callback.NOOP);
      }
    };
  }

  /** What opening the upstream side gave: the relay and the chosen subprotocol, or why it failed. */
  record Opened(StreamRelay relay, String subprotocol, String error) {}

  /**
   * Opens the stream to the API server. {@code stream} may be null (nothing is recorded).
   */
  static Opened open(Upstream upstream, ProxySession session, String rawPath, String query, List<String> protocols,
      ProxySession.Stream stream, Duration timeout) {
    StreamRelay relay = new StreamRelay(stream == null ? NO_STREAM : stream);
    URI base = upstream.server();
    String scheme = base.getScheme().equals("https") ? "wss" : "ws";
    String basePath = base.getRawPath() == null ? "" : base.getRawPath().replaceAll("/+$", "");
    URI uri = URI.create(scheme + "://" + base.getRawAuthority() + basePath + rawPath + (query == null ? "" : "?" + query));
    WebSocket.Builder b = upstream.client().newWebSocketBuilder().connectTimeout(timeout);
    if (!protocols.isEmpty()) {
      b.subprotocols(protocols.get(0), protocols.subList(1, protocols.size()).toArray(String[]::new));
    }
    upstream.identify(session, b::header);
    try {
      WebSocket ws = b.buildAsync(uri, relay).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      relay.upstream = ws;
      return new Opened(relay, ws.getSubprotocol(), null);
    } catch (ExecutionException e) {
      Throwable c = e.getCause() == null ? e : e.getCause();
      String why = c instanceof java.net.http.WebSocketHandshakeException h
          ? "the API server refused the stream (HTTP " + h.getResponse().statusCode() + ")"
          : "the API server did not open the stream: " + c.getMessage();
      return new Opened(null, null, why);
    } catch (TimeoutException e) {
      return new Opened(null, null, "the API server did not open the stream in " + timeout.toSeconds() + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Opened(null, null, "interrupted");
    }
  }

  /**
   * Pod, container and command of an exec or attach request, read from its query as the API
   * server reads it (Go's url.ParseQuery: pairs with a ';' or a bad escape dropped; one-valued
   * options take their first value), so the recording names what the approver saw and what runs.
   */
  static Target target(KubeRequest r, String query) {
    Map<String, List<String>> q = RequestInfoParser.query(query);
    List<String> containers = q.getOrDefault("container", List.of());
    return new Target(r.name(), containers.isEmpty() ? "" : containers.get(0),
        List.copyOf(q.getOrDefault("command", List.of())), flag(q, "tty"));
  }

  /** A query flag as the API server's parameter codec reads a bool (Go's strconv.ParseBool, first value). */
  static boolean flag(Map<String, List<String>> q, String key) {
    List<String> v = q.getOrDefault(key, List.of());
    return !v.isEmpty() && Set.of("1", "t", "T", "true", "TRUE", "True").contains(v.get(0));
  }

  record Target(String pod, String container, List<String> command, boolean tty) {}

  // ---- the client's side (Jetty) ----

  @Override
  public void onWebSocketOpen(Session session) {
    attach(webSocket(session));
  }

  /** The client's side is open: the API server's messages are read from now on, one at a time. */
  void attach(Client c) {
    client = c;
    upstream.request(1);
  }

  /**
   * A binary channel message from the client (its channel first): a resize is recorded, and the
   * message goes to the API server as it is. Completes once the API server's side took it.
   */
  CompletableFuture<?> fromClient(byte[] b) {
    if (b.length > 1 && b[0] == RESIZE) {
      resize(b);
    }
    return sendUpstream(ws -> ws.sendBinary(ByteBuffer.wrap(b), true));
  }

  /** The client's side ended (or broke its protocol): both sides close with {@code code} and {@code reason}. */
  void clientClosed(int code, String reason) {
    closeBoth(code, reason);
  }

  /** The client's side failed: the API server's side is dropped. */
  void clientFailed(Throwable cause) {
    onWebSocketError(cause);
  }

  @Override
  public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
    byte[] b = new byte[payload.remaining()];
    payload.get(b);
    fromClient(b).whenComplete((w, t) -> {
      if (t == null) {
        callback.succeed();
      } else {
        callback.fail(t);
      }
    });
  }

  @Override
  public void onWebSocketText(String message) {
    if (message.length() > 1 && message.charAt(0) == '0' + RESIZE) {
      byte[] size = decodeText(message);
      if (size != null) {
        byte[] b = new byte[size.length + 1];
        b[0] = RESIZE;
        System.arraycopy(size, 0, b, 1, size.length);
        resize(b);
      }
    }
    sendUpstream(ws -> ws.sendText(message, true));
  }

  /** The bytes of a base64 channel message (digit, then base64), or null when it is not one. */
  static byte[] decodeText(String message) {
    if (message.isEmpty() || message.charAt(0) < '0' || message.charAt(0) > '9') {
      return null;
    }
    try {
      return java.util.Base64.getDecoder().decode(message.substring(1));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  @Override
  public void onWebSocketClose(int statusCode, String reason, Callback callback) {
    closeBoth(statusCode, reason);
    callback.succeed();
  }

  @Override
  public void onWebSocketError(Throwable cause) {
    LOG.debug("exec stream: client side failed: {}", cause.toString());
    WebSocket ws = upstream;
    if (ws != null) {
      ws.abort();
    }
    ended();
  }

  private synchronized CompletableFuture<?> sendUpstream(java.util.function.Function<WebSocket, CompletableFuture<WebSocket>> send) {
    upstreamSends = upstreamSends.handle((x, t) -> null).thenCompose(x -> send.apply(upstream));
    return upstreamSends;
  }

  private void resize(byte[] b) {
    try {
      JsonNode size = JSON.readTree(new String(b, 1, b.length - 1, StandardCharsets.UTF_8));
      int w = size.path("Width").asInt(0);
      int h = size.path("Height").asInt(0);
      if (w > 0 && h > 0) {
        stream.resize(w, h);
      }
    } catch (IOException e) {
      // not a size: relayed as it is, the API server answers it
    }
  }

  // ---- the API server's side (JDK client) ----

  @Override
  public void onOpen(WebSocket webSocket) {
    // Nothing is read until the client's side is open (onWebSocketOpen asks for the first message).
  }

  @Override
  public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
    byte[] chunk = new byte[data.remaining()];
    data.get(chunk);
    partial.write(chunk, 0, chunk.length);
    if (partial.size() > MAX_MESSAGE) {
      closeBoth(1009, "message too big");
      return null;
    }
    if (!last) {
      webSocket.request(1);
      return null;
    }
    byte[] msg = partial.toByteArray();
    partial.reset();
    if (msg.length > 1 && (msg[0] == STDOUT || msg[0] == STDERR)) {
      stream.output(msg, 1, msg.length - 1);
    }
    client.sendBinary(msg, () -> webSocket.request(1), t -> webSocket.abort());
    return null;
  }

  @Override
  public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
    partialText.append(data);
    if (partialText.length() > MAX_MESSAGE) {
      closeBoth(1009, "message too big");
      return null;
    }
    if (!last) {
      webSocket.request(1);
      return null;
    }
    String msg = partialText.toString();
    partialText.setLength(0);
    if (!msg.isEmpty() && (msg.charAt(0) == '0' + STDOUT || msg.charAt(0) == '0' + STDERR)) {
      byte[] out = decodeText(msg);
      if (out == null) {
        closeBoth(1007, "an output message that is not base64");
        return null;
      }
      stream.output(out, 0, out.length);
    } else if (!msg.isEmpty() && (msg.charAt(0) < '0' || msg.charAt(0) > '9')) {
      // Not a channel message: nothing a client would show, and nothing the recording could read.
      closeBoth(1007, "a text message that is no channel message");
      return null;
    }
    client.sendText(msg, () -> webSocket.request(1), t -> webSocket.abort());
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
    closeBoth(statusCode, reason);
    return null;
  }

  @Override
  public void onError(WebSocket webSocket, Throwable error) {
    LOG.debug("exec stream: API server side failed: {}", error.toString());
    Client c = client;
    if (c != null) {
      c.close(1011, "the API server's stream failed");
    }
    ended();
  }

  private void closeBoth(int statusCode, String reason) {
    int code = sendable(statusCode) ? statusCode : 1000;
    String why = reason == null ? "" : reason;
    Client c = client;
    if (c != null) {
      c.close(code, why);
    }
    WebSocket ws = upstream;
    if (ws != null && !ws.isOutputClosed()) {
      sendUpstream(w -> w.sendClose(code, why)).whenComplete((w, t) -> {
        if (t != null) {
          ws.abort();
        }
      });
    }
    ended();
  }

  private void ended() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    stream.closed();
  }

  /** Close codes an endpoint may send (not 1005, 1006, 1015, nor reserved ones). */
  static boolean sendable(int code) {
    return code == 1000 || code == 1001 || code == 1002 || code == 1003 || (code >= 1007 && code <= 1011)
        || (code >= 3000 && code <= 4999);
  }

  private static final ProxySession.Stream NO_STREAM = new ProxySession.Stream() {
    @Override
    public void output(byte[] b, int off, int len) {}

    @Override
    public void resize(int columns, int rows) {}

    @Override
    public void closed() {}
  };
}
