package dev.gatehouse.kube;

import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyFrame;
import io.netty.handler.codec.spdy.SpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyUnknownFrame;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A port-forward from a SPDY client (kubectl before 1.30, or with {@code
 * KUBECTL_PORT_FORWARD_WEBSOCKETS=false}), relayed into the WebSocket {@code
 * SPDY/3.1+portforward.k8s.io} {@link PortForwardRelay} opens to the API server: that WebSocket
 * carries a SPDY/3.1 byte stream (each binary message a chunk of it), the same one the client speaks
 * here, so the client's SPDY session runs through to the API server unchanged in meaning.
 *
 * <pre>
 *  kubectl ══ SPDY/3.1 ══▶ SpdyConnection ─ SpdyPortForward ═ PortForwardRelay ══ WebSocket (SPDY frames) ══▶ API server
 *    client's bytes ─▶ frames read, checked, written again ─▶ one binary message per read (data bytes counted)
 *    ◀─ the API server's bytes as they came (its own SYN_REPLYs, data, pings; data bytes counted)
 * </pre>
 *
 * Nothing the proxy did not read goes to the API server: the client's frames are decoded and each
 * is encoded again before it is sent (a header block in the proxy's own compression context, which
 * the API server reads as the one stream it is). A stream whose {@code streamtype} is not data or
 * error, without a numeric {@code port} or a {@code requestid}, data on a stream never opened, or
 * bytes that are no SPDY/3.1 end the forward, and the bytes of that read are not sent. The API
 * server's bytes go to the client unchanged (the WebSocket relay does the same), counted by {@link
 * SpdyDataCounter}.
 */
final class SpdyPortForward implements SpdyConnection.Peer, PortForwardRelay.ClientSink {
  /** What the client names in {@code X-Stream-Protocol-Version}. */
  static final String PROTOCOL = "portforward.k8s.io";

  private final PortForwardRelay relay;
  private final ProxySession.Forward forward;
  private final SpdyFrames encoder = new SpdyFrames();
  private final Set<Integer> opened = new HashSet<>();
  private int lastId;
  private volatile SpdyConnection connection;

  SpdyPortForward(PortForwardRelay relay, ProxySession.Forward forward) {
    this.relay = relay;
    this.forward = forward;
  }

  @Override
  public void opened(SpdyConnection c) {
    connection = c;
    relay.attach(forward, this);
  }

  @Override
  public CompletableFuture<?> frames(List<SpdyFrame> frames) throws SpdyFrames.Malformed {
    List<SpdyFrame> pass = new ArrayList<>();
    try {
      for (SpdyFrame f : frames) {
        check(f);
        if (!(f instanceof SpdyUnknownFrame)) {
          pass.add(f);
        }
      }
    } catch (SpdyFrames.Malformed e) {
      SpdyFrames.release(frames);
      throw e;
    }
    for (SpdyFrame f : frames) {
      if (f instanceof SpdyUnknownFrame) {
        io.netty.util.ReferenceCountUtil.release(f);
      }
    }
    if (pass.isEmpty()) {
      return null;
    }
    byte[] bytes = encoder.write(pass.toArray(SpdyFrame[]::new)); // releases the frames
    CompletableFuture<Void> sent = new CompletableFuture<>();
    relay.fromClient(ByteBuffer.wrap(bytes), () -> sent.complete(null), sent::completeExceptionally);
    return sent;
  }

  private void check(SpdyFrame f) throws SpdyFrames.Malformed {
    if (f instanceof SpdySynStreamFrame syn) {
      int id = syn.streamId();
      if ((id & 1) == 0 || id <= lastId) {
        throw new SpdyFrames.Malformed("stream id " + id + " (a client's are odd and increasing)");
      }
      lastId = id;
      String type = syn.headers().getAsString("streamtype");
      if (!"data".equals(type) && !"error".equals(type)) {
        throw new SpdyFrames.Malformed("a port-forward stream of unknown type '"
            + (type == null ? "" : SpdyExecRelay.printable(type)) + "'");
      }
      String port = syn.headers().getAsString("port");
      if (port == null || !port.matches("[0-9]{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
        throw new SpdyFrames.Malformed("a port-forward stream without a port (1-65535)");
      }
      String request = syn.headers().getAsString("requestid");
      if (request == null || request.isEmpty()) {
        throw new SpdyFrames.Malformed("a port-forward stream without a requestID");
      }
      opened.add(id);
    } else if (f instanceof SpdyDataFrame d && !opened.contains(d.streamId())) {
      throw new SpdyFrames.Malformed("data on stream " + d.streamId() + ", which the client never opened");
    } else if (f instanceof SpdySynReplyFrame) {
      throw new SpdyFrames.Malformed("a SYN_REPLY from the client, which opens every stream itself");
    }
  }

  @Override
  public void malformed(String why) {
    relay.clientClosed(1002, "the client's SPDY stream is malformed: " + why);
    close(1002, why);
  }

  @Override
  public void clientGone() {
    relay.clientClosed(1000, "the client closed its connection");
  }

  // ---- the API server's bytes (PortForwardRelay.ClientSink) ----

  @Override
  public void send(ByteBuffer bytes, Runnable sent, Consumer<Throwable> failed) {
    try {
      connection.write(bytes);
      sent.run();
    } catch (IOException e) {
      failed.accept(e);
    }
  }

  @Override
  public void close(int code, String reason) {
    SpdyConnection c = connection;
    encoder.close();
    if (c != null) {
      // No frame of the proxy's own: the API server's byte stream may have ended mid-frame.
      c.finish(false, code == 1000);
    }
  }
}
