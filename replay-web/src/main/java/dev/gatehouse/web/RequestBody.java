package dev.gatehouse.web;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a request body bounded before it is read: a declared {@code Content-Length} over the limit
 * is refused before a byte is taken; a streamed (chunked) body is counted chunk by chunk and refused
 * the moment it passes the limit; the whole body must arrive within {@link #DEADLINE}. Reading is
 * asynchronous (Jetty calls back when bytes arrive), so a client that sends slowly holds a
 * connection, never a thread.
 *
 * <p>The refusals are answered here, as JSON with the security headers: 413 {@code body-too-large},
 * 408 {@code body-too-slow}, 400 {@code bad-request} (the body broke off). The connection is closed
 * after them, so the rest of a refused body is never read.
 */
public final class RequestBody {
  private static final Logger LOG = LoggerFactory.getLogger(RequestBody.class);
  /** Long enough for 64 KiB over a poor mobile link (about 6.5 KB/s), short for a slow-body attack. */
  public static final Duration DEADLINE = Duration.ofSeconds(10);

  /** What to do with the complete body; runs on a pool thread and may block. */
  @FunctionalInterface
  public interface Handler {
    void handle(byte[] body) throws Exception;
  }

  /** Told the slug and message of a refusal just before it is answered (to audit it). */
  @FunctionalInterface
  public interface Refusals {
    void refused(String slug, String message);
  }

  private final Request request;
  private final Response response;
  private final Callback callback;
  private final int max;
  private final Handler then;
  private final Refusals refusals;
  private final Duration within;
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  /** Set once by whichever comes first: the whole body, a refusal, or the deadline. */
  private final AtomicBoolean finished = new AtomicBoolean();
  private Scheduler.Task deadline;

  private RequestBody(Request request, Response response, Callback callback, int max, Handler then, Refusals refusals,
      Duration within) {
    this.request = request;
    this.response = response;
    this.callback = callback;
    this.max = max;
    this.then = then;
    this.refusals = refusals;
    this.within = within;
  }

  /**
   * Reads at most {@code max} bytes of {@code request}'s body, then calls {@code then} with them (an
   * absent body is zero bytes). The request is answered either by {@code then} or here.
   */
  public static void read(Request request, Response response, Callback callback, int max, Handler then) {
    read(request, response, callback, max, then, (slug, message) -> { });
  }

  /** The same, telling {@code refusals} of each refusal before it is answered. */
  public static void read(Request request, Response response, Callback callback, int max, Handler then,
      Refusals refusals) {
    read(request, response, callback, max, then, refusals, DEADLINE);
  }

  static void read(Request request, Response response, Callback callback, int max, Handler then, Refusals refusals,
      Duration within) {
    RequestBody body = new RequestBody(request, response, callback, max, then, refusals, within);
    if (request.getLength() > max) {
      body.tooLarge();
      return;
    }
    body.deadline = request.getComponents().getScheduler()
        .schedule(body::tooSlow, within.toMillis(), TimeUnit.MILLISECONDS);
    body.readAvailable();
  }

  /** Takes what has arrived; asks Jetty to call again when more does. */
  private void readAvailable() {
    while (!finished.get()) {
      Content.Chunk chunk = request.read();
      if (chunk == null) {
        request.demand(this::readAvailable);
        return;
      }
      if (Content.Chunk.isFailure(chunk)) {
        failed(chunk.getFailure());
        return;
      }
      ByteBuffer b = chunk.getByteBuffer();
      boolean last = chunk.isLast();
      int n = b.remaining();
      if ((long) bytes.size() + n > max) {
        chunk.release();
        if (finish()) {
          tooLarge();
        }
        return;
      }
      byte[] copy = new byte[n];
      b.get(copy);
      chunk.release();
      bytes.write(copy, 0, n);
      if (last) {
        if (finish()) {
          complete();
        }
        return;
      }
    }
  }

  private void complete() {
    try {
      then.handle(bytes.toByteArray());
    } catch (Throwable t) {
      LOG.error("{} {}: {}", request.getMethod(), Request.getPathInContext(request), t.toString());
      if (!response.isCommitted()) {
        Replies.error(response, callback, 500, "internal-error", "the server could not answer; see its log");
      } else {
        callback.failed(t);
      }
    }
  }

  private void failed(Throwable failure) {
    if (!finish()) {
      return;
    }
    if (failure instanceof HttpException h && h.getCode() == 413) {
      // The server-wide limit (a second wall behind this one) saw the body first.
      tooLarge();
    } else {
      refuse(400, "bad-request", "the request body could not be read");
    }
  }

  private void tooSlow() {
    if (finish()) {
      refuse(408, "body-too-slow", "the request body did not arrive within " + within.toMillis() + " ms");
    }
  }

  private boolean finish() {
    if (!finished.compareAndSet(false, true)) {
      return false;
    }
    if (deadline != null) {
      deadline.cancel();
    }
    return true;
  }

  private void tooLarge() {
    refuse(413, "body-too-large", "the request body is over " + max + " bytes");
  }

  /** What is left of a refused body is not read: the connection ends with the answer. */
  private void refuse(int status, String slug, String message) {
    try {
      refusals.refused(slug, message);
    } catch (RuntimeException e) {
      LOG.warn("recording a refused request body: {}", e.toString());
    }
    response.getHeaders().put(HttpHeader.CONNECTION, "close");
    Replies.error(response, callback, status, slug, message);
  }
}
