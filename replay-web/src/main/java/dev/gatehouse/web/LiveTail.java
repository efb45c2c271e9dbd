package dev.gatehouse.web;

import dev.gatehouse.recorder.SessionRecord;
import dev.gatehouse.recorder.SessionState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.BooleanSupplier;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code WS /api/sessions/{id}/live}: follows a running session's growing .cast file (the gateway
 * writes it out at least every 100 ms) and sends it as asciicast v2, one text frame per line: the
 * header first, then each event ({@code [t, "o", "..."]}, markers and resizes too) as written.
 * When the session has ended and the file is read to its end, the socket is closed (1000). When
 * the viewer's own access ends (logout, the browser session's limits, the bearer token's expiry, a
 * revocation of the identity) the socket is closed with 1008 within {@link #STATE_CHECK_TICKS} ticks.
 *
 * <p>Polls every {@link #POLL_MS} on a shared scheduler; reads at most {@link #READ_CHUNK} per
 * tick and sends the next lines only when the client has taken the last ones, so a slow viewer
 * holds a bounded amount of memory and never slows the session (it reads the file, not the pumps).
 *
 * <p>Public only because Jetty calls the listener methods reflectively.
 */
public final class LiveTail implements Session.Listener.AutoDemanding {
  private static final Logger LOG = LoggerFactory.getLogger(LiveTail.class);
  static final long POLL_MS = 50;
  private static final int READ_CHUNK = 256 * 1024;
  private static final int STATE_CHECK_TICKS = 10;
  /** A ping every 30 s keeps a quiet session's viewer inside the socket's idle timeout. */
  private static final int PING_TICKS = (int) (30_000 / POLL_MS);

  interface State {
    SessionRecord current() throws IOException;
  }

  private final Path file;
  private final State state;
  private final BooleanSupplier access;
  private final ScheduledExecutorService scheduler;
  private final Deque<String> lines = new ArrayDeque<>();
  private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
  private FileChannel channel;
  private long offset;
  private int ticks;
  private boolean ended;
  private boolean sending;
  private Session session;
  private ScheduledFuture<?> task;

  LiveTail(Path file, State state, BooleanSupplier access, ScheduledExecutorService scheduler) {
    this.file = file;
    this.state = state;
    this.access = access;
    this.scheduler = scheduler;
  }

  @Override
  public synchronized void onWebSocketOpen(Session session) {
    this.session = session;
    try {
      channel = FileChannel.open(file, StandardOpenOption.READ);
    } catch (IOException e) {
      session.close(StatusCode.SERVER_ERROR, "recording unavailable", Callback.NOOP);
      return;
    }
    task = scheduler.scheduleWithFixedDelay(this::tick, 0, POLL_MS, TimeUnit.MILLISECONDS);
  }

  private synchronized void tick() {
    if (session == null || !session.isOpen()) {
      stop();
      return;
    }
    if (sending) {
      return;
    }
    try {
      if (ticks % STATE_CHECK_TICKS == 0 && !access.getAsBoolean()) {
        session.close(StatusCode.POLICY_VIOLATION, "access ended", Callback.NOOP);
        stop();
        return;
      }
      if (ticks++ % STATE_CHECK_TICKS == 0 && !ended) {
        SessionRecord s = state.current();
        // Ended: read what is on disk now, then close once it is all sent.
        ended = s == null || s.state() != SessionState.ACTIVE;
      }
      if (ticks % PING_TICKS == 0) {
        session.sendPing(ByteBuffer.allocate(0), Callback.NOOP);
      }
      boolean more = read();
      if (!lines.isEmpty()) {
        sendNext();
      } else if (ended && !more) {
        session.close(StatusCode.NORMAL, "session ended", Callback.NOOP);
        stop();
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("live view of {}: {}", file.getFileName(), e.toString());
      session.close(StatusCode.SERVER_ERROR, "recording unreadable", Callback.NOOP);
      stop();
    }
  }

  /** Reads up to READ_CHUNK new bytes into whole lines; true when more remains in the file. */
  private boolean read() throws IOException {
    long size = channel.size();
    if (offset >= size) {
      return false;
    }
    ByteBuffer buf = ByteBuffer.allocate((int) Math.min(READ_CHUNK, size - offset));
    while (buf.hasRemaining()) {
      int n = channel.read(buf, offset + buf.position());
      if (n < 0) {
        break;
      }
    }
    offset += buf.position();
    byte[] b = buf.array();
    int start = 0;
    for (int i = 0; i < buf.position(); i++) {
      if (b[i] == '\n') {
        partial.write(b, start, i - start);
        String line = partial.toString(StandardCharsets.UTF_8);
        partial.reset();
        if (!line.isEmpty()) {
          lines.add(line);
        }
        start = i + 1;
      }
    }
    partial.write(b, start, buf.position() - start);
    return offset < channel.size();
  }

  private synchronized void sendNext() {
    String line = lines.poll();
    if (line == null || session == null || !session.isOpen()) {
      sending = false;
      return;
    }
    sending = true;
    session.sendText(line, Callback.from(() -> scheduler.execute(this::sendNext), this::failed));
  }

  private synchronized void failed(Throwable t) {
    sending = false;
    lines.clear();
    stop();
  }

  /** A viewer sends nothing: a message (at most {@link ReplayWeb#MAX_INCOMING}) ends the view. */
  @Override
  public void onWebSocketText(String message) {
    refuseMessage();
  }

  @Override
  public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
    callback.succeed();
    refuseMessage();
  }

  private synchronized void refuseMessage() {
    if (session != null) {
      session.close(StatusCode.POLICY_VIOLATION, "the live view takes no messages", Callback.NOOP);
    }
    stop();
  }

  @Override
  public synchronized void onWebSocketClose(int statusCode, String reason) {
    stop();
  }

  @Override
  public void onWebSocketError(Throwable cause) {
    LOG.debug("live view of {}: {}", file.getFileName(), cause.toString());
  }

  private void stop() {
    if (task != null) {
      task.cancel(false);
    }
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }
}
