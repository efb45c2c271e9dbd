package dev.gatehouse.kube;

import io.netty.handler.codec.spdy.DefaultSpdyGoAwayFrame;
import io.netty.handler.codec.spdy.SpdyFrame;
import io.netty.handler.codec.spdy.SpdySessionStatus;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.FutureCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's connection once the proxy answered {@code 101 Switching Protocols} with {@code
 * Upgrade: SPDY/3.1}: Jetty hands the connection's socket over (the request's {@code
 * HttpStream.UPGRADE_CONNECTION_ATTRIBUTE}), and from then on its bytes are SPDY frames, read with
 * {@link SpdyFrames} and given to a {@link Peer} — the exec or the port-forward on the other side.
 * The next bytes are read only once the peer's last send to the API server completed, so a slow API
 * server slows the client down instead of filling memory. Writes are one at a time, in order.
 */
final class SpdyConnection extends AbstractConnection implements Connection.UpgradeTo {
  private static final Logger LOG = LoggerFactory.getLogger(SpdyConnection.class);

  /** What the frames of one SPDY connection are for. */
  interface Peer {
    /** The connection took over the socket (the 101 has been sent). */
    void opened(SpdyConnection connection);

    /**
     * Whole frames from the client, in order; the peer releases them. Returns what the next read
     * waits for (null: nothing). Throws when a frame is not one the relay allows.
     */
    CompletableFuture<?> frames(List<SpdyFrame> frames) throws SpdyFrames.Malformed;

    /** The client's bytes broke the protocol ({@code why} says how): nothing more of them is relayed. */
    void malformed(String why);

    /** The client's side closed or failed. */
    void clientGone();
  }

  /** How long the API server's own end may take after it failed to take a message. */
  static final int UPSTREAM_END_GRACE_SECONDS = 10;

  private final SpdyFrames codec = new SpdyFrames();
  private final Peer peer;
  private final String what;
  private final ByteBuffer buffer = BufferUtil.allocate(32 * 1024);
  private final Object writing = new Object();
  private ByteBuffer upgradeBytes;
  private volatile boolean closing;

  /** {@code what} names the request in log lines ({@code POST pods/web-1/exec in namespace app}). */
  SpdyConnection(EndPoint endPoint, Executor executor, Peer peer, String what) {
    super(endPoint, executor);
    this.peer = peer;
    this.what = what;
  }

  /** Bytes the HTTP connection had read past the request (a client that did not wait for the 101). */
  @Override
  public void onUpgradeTo(ByteBuffer buffer) {
    if (BufferUtil.hasContent(buffer)) {
      upgradeBytes = BufferUtil.copy(buffer);
    }
  }

  @Override
  public void onOpen() {
    super.onOpen();
    peer.opened(this);
    ByteBuffer early = upgradeBytes;
    upgradeBytes = null;
    if (early != null) {
      CompletableFuture<?> pending = process(early);
      if (closing) {
        return;
      }
      if (pending != null && !pending.isDone()) {
        pending.whenComplete((x, t) -> readOnAfter(t));
        return;
      }
    }
    fillInterested();
  }

  @Override
  public void onFillable() {
    try {
      while (!closing) {
        BufferUtil.clear(buffer);
        int n = getEndPoint().fill(buffer);
        if (n < 0) {
          peer.clientGone();
          close();
          return;
        }
        if (n == 0) {
          fillInterested();
          return;
        }
        CompletableFuture<?> pending = process(buffer);
        if (pending != null && !pending.isDone() && !closing) {
          pending.whenComplete((x, t) -> readOnAfter(t));
          return;
        }
      }
    } catch (IOException e) {
      LOG.debug("kubernetes proxy: SPDY stream of {}: the client's side failed: {}", what, e.toString());
      peer.clientGone();
      close();
    }
  }

  private void readOnAfter(Throwable sendFailure) {
    if (sendFailure != null) {
      // The API server's side did not take the client's last message: it is closing or broken, and
      // its own end (with an exec's exit status) is relayed when it comes. Nothing more is read from
      // the client; should that end not come, the stream ends here after a grace period.
      LOG.debug("kubernetes proxy: SPDY stream of {}: the API server's side failed: {}", what, sendFailure.toString());
      CompletableFuture.delayedExecutor(UPSTREAM_END_GRACE_SECONDS, TimeUnit.SECONDS).execute(() -> {
        if (getEndPoint().isOpen()) {
          peer.clientGone();
          close();
        }
      });
    } else if (!closing) {
      fillInterested();
    }
  }

  /** Reads frames from {@code bytes} and hands them on; null once the connection broke the protocol. */
  private CompletableFuture<?> process(ByteBuffer bytes) {
    try {
      return peer.frames(codec.read(bytes));
    } catch (SpdyFrames.Malformed e) {
      LOG.info("kubernetes proxy: SPDY stream of {} closed: {}", what, e.getMessage());
      closing = true;
      peer.malformed(e.getMessage());
      return null;
    }
  }

  @Override
  public void onClose(Throwable cause) {
    super.onClose(cause);
    peer.clientGone();
    codec.close();
  }

  /** Encodes and writes frames, in order with every other write; blocks until written. */
  void send(SpdyFrame... frames) throws IOException {
    synchronized (writing) {
      write(ByteBuffer.wrap(codec.write(frames)));
    }
  }

  /** Writes bytes that already are SPDY frames (the API server's, through a port-forward); blocks until written. */
  void write(ByteBuffer bytes) throws IOException {
    synchronized (writing) {
      if (!getEndPoint().isOpen()) {
        throw new IOException("the client's connection is closed");
      }
      FutureCallback done = new FutureCallback();
      getEndPoint().write(done, bytes);
      try {
        done.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while writing to the client", e);
      } catch (ExecutionException e) {
        throw new IOException("writing to the client failed: " + e.getCause(), e.getCause());
      }
    }
  }

  /**
   * Ends the connection after what was written: a GOAWAY ({@code ok} false: a protocol error) when
   * frames of this connection's own may still be written, then the socket's close.
   */
  void finish(boolean goAway, boolean ok) {
    closing = true;
    synchronized (writing) {
      if (goAway && getEndPoint().isOpen()) {
        try {
          send(new DefaultSpdyGoAwayFrame(0, ok ? SpdySessionStatus.OK : SpdySessionStatus.PROTOCOL_ERROR));
        } catch (IOException e) {
          LOG.debug("kubernetes proxy: SPDY stream of {}: GOAWAY not sent: {}", what, e.toString());
        }
      }
      getEndPoint().shutdownOutput();
      getEndPoint().close();
    }
  }
}
