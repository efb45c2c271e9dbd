package dev.gatehouse.kube;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdyPingFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyFrame;
import io.netty.handler.codec.spdy.SpdyGoAwayFrame;
import io.netty.handler.codec.spdy.SpdyPingFrame;
import io.netty.handler.codec.spdy.SpdyRstStreamFrame;
import io.netty.handler.codec.spdy.SpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * An exec or attach from a SPDY client (kubectl before 1.30, or with {@code
 * KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false}), relayed to the API server over the WebSocket channel
 * protocol {@link StreamRelay} speaks, so the recording is the same for both transports.
 *
 * <pre>
 *  kubectl ══ SPDY/3.1 ══▶ SpdyConnection ─ SpdyExecRelay ═ StreamRelay ══ v5/v4.channel.k8s.io ══▶ API server
 *    SYN_STREAM streamtype=error|stdin|stdout|stderr|resize ─▶ SYN_REPLY (each; then the API server is read)
 *    DATA stdin ─▶ channel 0        DATA resize ({"Width":W,"Height":H}\n) ─▶ channel 4 (recorded)
 *    FIN stdin ─▶ channel 255 [0] (v5: stdin closed)
 *    ◀─ DATA stdout/stderr ◀─ channel 1/2 (recorded by StreamRelay)
 *    ◀─ DATA error + FIN   ◀─ channel 3: the Status (kubectl's exit code)
 *    ◀─ FIN on every stream, GOAWAY, close ◀─ the API server ended the stream
 * </pre>
 *
 * The streams the client must open follow from the request's query as the kubelet reads it (error
 * always; stdin, stdout, stderr without a terminal, resize with one); the API server's output is read
 * only once all are open and answered, and if they are not open within 30 s the stream ends. A stream
 * of any other type, a second one of a type, data on a stream never opened or a frame the codec
 * cannot read end the whole exec with a {@code Status} naming the reason, and nothing of it reaches
 * the API server.
 */
final class SpdyExecRelay implements SpdyConnection.Peer, StreamRelay.Client {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The SPDY protocols relayed, best first, as the client names them in {@code X-Stream-Protocol-Version}. */
  static final List<String> PROTOCOLS = List.of("v5.channel.k8s.io", "v4.channel.k8s.io");
  static final int STREAM_WAIT_SECONDS = 30;
  /** The client's resize stream: JSON objects, one a line; a longer line is no terminal size. */
  static final int MAX_RESIZE_LINE = 4096;
  private static final Set<String> TYPES = Set.of("error", "stdin", "stdout", "stderr", "resize");

  private final StreamRelay relay;
  private final boolean closeSignal;
  private final Set<String> expected;
  private final Map<Integer, String> typeOf = new ConcurrentHashMap<>();
  private final Map<String, Integer> idOf = new ConcurrentHashMap<>();
  private final ByteArrayOutputStream resizeLine = new ByteArrayOutputStream();
  private volatile SpdyConnection connection;
  private int lastId;
  private boolean attached;
  private volatile boolean statusSent;
  private boolean finished;

  /**
   * @param closeSignal the API server speaks v5.channel.k8s.io, where the client's end of stdin is
   *     the message {@code 255 0}
   * @param expected the stream types the client must open
   */
  SpdyExecRelay(StreamRelay relay, boolean closeSignal, Set<String> expected) {
    this.relay = relay;
    this.closeSignal = closeSignal;
    this.expected = Set.copyOf(expected);
  }

  /**
   * The streams a client of this query opens, as the kubelet expects them: error always, stdin,
   * stdout and stderr as asked (no stderr with a terminal, whose output is one stream), resize with
   * a terminal. Empty when the query asks for none of stdin, stdout, stderr (the API server refuses that).
   */
  static Set<String> expectedStreams(String query) {
    Map<String, List<String>> q = RequestInfoParser.query(query);
    boolean tty = StreamRelay.flag(q, "tty");
    boolean stdin = StreamRelay.flag(q, "stdin");
    boolean stdout = StreamRelay.flag(q, "stdout");
    boolean stderr = StreamRelay.flag(q, "stderr") && !tty;
    if (!stdin && !stdout && !stderr) {
      return Set.of();
    }
    Set<String> s = new java.util.LinkedHashSet<>();
    s.add("error");
    if (stdin) {
      s.add("stdin");
    }
    if (stdout) {
      s.add("stdout");
    }
    if (stderr) {
      s.add("stderr");
    }
    if (tty) {
      s.add("resize");
    }
    return s;
  }

  // ---- the client's frames ----

  @Override
  public void opened(SpdyConnection c) {
    connection = c;
    synchronized (this) {
      if (finished) { // the API server's side failed while the 101 was on its way
        c.finish(true, false);
        return;
      }
    }
    CompletableFuture.delayedExecutor(STREAM_WAIT_SECONDS, TimeUnit.SECONDS).execute(() -> {
      boolean waiting;
      synchronized (this) {
        waiting = !attached && !finished;
      }
      if (waiting) {
        end(1002, "the client did not open its streams " + expected + " within " + STREAM_WAIT_SECONDS + " s");
      }
    });
  }

  @Override
  public CompletableFuture<?> frames(List<SpdyFrame> frames) throws SpdyFrames.Malformed {
    CompletableFuture<?> last = null;
    try {
      for (int i = 0; i < frames.size(); i++) {
        CompletableFuture<?> f = frame(frames.get(i));
        if (f != null) {
          last = f;
        }
      }
    } catch (SpdyFrames.Malformed e) {
      throw e;
    } catch (IOException e) {
      clientGone(); // an answer (SYN_REPLY, PING) could not be written
      return null;
    } finally {
      SpdyFrames.release(frames);
    }
    return last;
  }

  private CompletableFuture<?> frame(SpdyFrame f) throws IOException {
    if (f instanceof SpdySynStreamFrame syn) {
      open(syn);
      return null;
    }
    if (f instanceof SpdyDataFrame d) {
      return data(d);
    }
    if (f instanceof SpdyPingFrame ping) {
      if ((ping.id() & 1) == 1) { // the client's ping (odd ids): answered; the proxy sends none of its own
        send(new DefaultSpdyPingFrame(ping.id()));
      }
      return null;
    }
    if (f instanceof SpdyRstStreamFrame rst) {
      if ("stdin".equals(typeOf.get(rst.streamId()))) {
        return stdinClosed();
      }
      return null;
    }
    if (f instanceof SpdyGoAwayFrame) {
      end(1000, "the client ended the stream");
      return null;
    }
    if (f instanceof SpdySynReplyFrame) {
      throw new SpdyFrames.Malformed("a SYN_REPLY from the client, which opens every stream itself");
    }
    // SETTINGS, WINDOW_UPDATE, HEADERS and unknown control frames change nothing here.
    return null;
  }

  private void open(SpdySynStreamFrame syn) throws IOException {
    int id = syn.streamId();
    String type = syn.headers().getAsString("streamtype");
    if ((id & 1) == 0 || id <= lastId) {
      throw new SpdyFrames.Malformed("stream id " + id + " (a client's are odd and increasing)");
    }
    lastId = id;
    if (type == null || !TYPES.contains(type)) {
      throw new SpdyFrames.Malformed("a stream of unknown type '" + (type == null ? "" : printable(type)) + "'");
    }
    if (idOf.containsKey(type)) {
      throw new SpdyFrames.Malformed("a second '" + type + "' stream");
    }
    if (!expected.contains(type)) {
      throw new SpdyFrames.Malformed("a '" + type + "' stream this request did not ask for");
    }
    typeOf.put(id, type);
    idOf.put(type, id);
    DefaultSpdySynReplyFrame reply = new DefaultSpdySynReplyFrame(id);
    // One header at least: an empty block would be written as no bytes, which Go's zlib reader refuses.
    reply.headers().set("streamtype", type);
    send(reply);
    if (syn.isLast() && type.equals("stdin")) {
      stdinClosed();
    }
    boolean attach;
    synchronized (this) {
      attach = !attached && !finished && idOf.keySet().containsAll(expected);
      attached |= attach;
    }
    if (attach) {
      relay.attach(this);
    }
  }

  private CompletableFuture<?> data(SpdyDataFrame d) throws SpdyFrames.Malformed {
    String type = typeOf.get(d.streamId());
    if (type == null) {
      throw new SpdyFrames.Malformed("data on stream " + d.streamId() + ", which the client never opened");
    }
    byte[] bytes = new byte[d.content().readableBytes()];
    d.content().readBytes(bytes);
    CompletableFuture<?> sent = null;
    switch (type) {
      case "stdin" -> {
        if (bytes.length > 0) {
          sent = relay.fromClient(channel(0, bytes, 0, bytes.length));
        }
        if (d.isLast()) {
          CompletableFuture<?> closed = stdinClosed();
          sent = closed != null ? closed : sent;
        }
      }
      case "resize" -> sent = resize(bytes);
      default -> {
        if (bytes.length > 0) {
          throw new SpdyFrames.Malformed("data from the client on its '" + type + "' stream");
        }
      }
    }
    return sent;
  }

  /**
   * The client's stdin ended: in v5, the API server is told (channel 255, stream 0). The command
   * may have ended already (its shell read {@code exit}), so a failure to tell it is no failure.
   */
  private CompletableFuture<?> stdinClosed() {
    return closeSignal ? relay.fromClient(new byte[] {(byte) 255, 0}).exceptionally(t -> null) : null;
  }

  /** Each whole line of the resize stream is one size message (channel 4), which StreamRelay records. */
  private CompletableFuture<?> resize(byte[] bytes) throws SpdyFrames.Malformed {
    CompletableFuture<?> sent = null;
    for (byte b : bytes) {
      if (b == '\n') {
        byte[] line = resizeLine.toByteArray();
        resizeLine.reset();
        if (line.length > 0) {
          sent = relay.fromClient(channel(4, line, 0, line.length));
        }
      } else if (resizeLine.size() >= MAX_RESIZE_LINE) {
        throw new SpdyFrames.Malformed("a resize message over " + MAX_RESIZE_LINE + " bytes");
      } else {
        resizeLine.write(b);
      }
    }
    return sent;
  }

  private static byte[] channel(int channel, byte[] b, int off, int len) {
    byte[] m = new byte[len + 1];
    m[0] = (byte) channel;
    System.arraycopy(b, off, m, 1, len);
    return m;
  }

  @Override
  public void malformed(String why) {
    end(1002, "the client's SPDY stream is malformed: " + why);
  }

  @Override
  public void clientGone() {
    synchronized (this) {
      if (finished) {
        return;
      }
    }
    end(1000, "the client closed its connection");
  }

  /**
   * Ends both sides: the API server's stream closes with {@code code} (before the client's streams
   * were all open, StreamRelay has no client side to close, so this one is closed here too).
   */
  private void end(int code, String reason) {
    relay.clientClosed(code, reason);
    finish(code, reason);
  }

  // ---- the API server's messages (StreamRelay.Client) ----

  @Override
  public void sendBinary(byte[] message, Runnable sent, Consumer<Throwable> failed) {
    try {
      if (message.length > 0) {
        int channel = message[0] & 0xff;
        String type = switch (channel) {
          case StreamRelay.STDOUT -> "stdout";
          case StreamRelay.STDERR -> "stderr";
          case 3 -> "error";
          default -> null;
        };
        Integer id = type == null ? null : idOf.get(type);
        if (id != null) {
          if (channel == 3) {
            statusSent = true;
          }
          for (int off = 1; off < message.length; off += SpdyFrames.MAX_CHUNK) {
            int len = Math.min(SpdyFrames.MAX_CHUNK, message.length - off);
            send(new DefaultSpdyDataFrame(id, Unpooled.wrappedBuffer(message, off, len)));
          }
        }
      }
      sent.run();
    } catch (IOException e) {
      failed.accept(e);
    }
  }

  @Override
  public void sendText(String message, Runnable sent, Consumer<Throwable> failed) {
    // Only binary channel protocols are asked of the API server for a SPDY client: output the
    // relay would have to guess at is not shown, the stream ends.
    failed.accept(new IOException("the API server sent a text message on a binary channel protocol"));
    end(1002, "the API server sent a text message on a binary channel protocol");
  }

  @Override
  public void close(int code, String reason) {
    finish(code, reason);
  }

  /**
   * Ends the client's side: a stream the API server did not end normally gets a {@code Status}
   * saying why (kubectl prints its message), then every stream ends and the connection closes.
   */
  private void finish(int code, String reason) {
    synchronized (this) {
      if (finished) {
        return;
      }
      finished = true;
    }
    SpdyConnection c = connection;
    if (c == null) {
      return;
    }
    try {
      Integer error = idOf.get("error");
      if (code != 1000 && !statusSent && error != null) {
        send(new DefaultSpdyDataFrame(error, Unpooled.wrappedBuffer(failure(reason))));
      }
      for (int id : typeOf.keySet()) {
        DefaultSpdyDataFrame fin = new DefaultSpdyDataFrame(id);
        fin.setLast(true);
        send(fin);
      }
    } catch (IOException e) {
      // the client is gone: nothing more to tell it
    }
    c.finish(true, code == 1000);
  }

  private static byte[] failure(String reason) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("kind", "Status");
    s.put("apiVersion", "v1");
    s.put("metadata", Map.of());
    s.put("status", "Failure");
    s.put("message", "gatehouse: " + (reason == null || reason.isEmpty() ? "the stream ended" : reason));
    s.put("reason", "InternalError");
    s.put("code", 500);
    try {
      return JSON.writeValueAsBytes(s);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a Status map always serializes", e);
    }
  }

  private void send(SpdyFrame f) throws IOException {
    SpdyConnection c = connection;
    if (c == null) {
      ReferenceCountUtil.release(f);
      throw new IOException("the client's connection is not open");
    }
    c.send(f);
  }

  /** A header value from the client, shown in a reason: control characters escaped. */
  static String printable(String s) {
    StringBuilder b = new StringBuilder();
    for (char ch : s.substring(0, Math.min(s.length(), 64)).toCharArray()) {
      b.append(ch < 0x20 || ch == 0x7f ? String.format("\\x%02x", (int) ch) : String.valueOf(ch));
    }
    return b.toString();
  }
}
