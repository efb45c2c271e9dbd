package dev.gatehouse.keys.oidc;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * HTTP to the identity provider (and, from {@code gatehouse login}, to the gateway's issuance
 * endpoints), built so that nothing the other side does can hold its caller:
 *
 * <ul>
 *   <li>one deadline for the whole exchange — connect, headers and body. The JDK client's own
 *       request timeout ends when the headers arrive, so a provider that then trickles its answer a
 *       byte at a time would hold a reader for ever; here the body is cut at the deadline;
 *   <li>answers capped: a body larger than the cap is cut off when it passes the cap, never
 *       buffered whole;
 *   <li>no redirects (a 3xx is an answer like any other, and is not JSON);
 *   <li>asynchronous: no thread waits for the provider. The client's work (and the name
 *       resolution of the provider's host) runs on its own two threads, so a provider or a resolver
 *       that hangs delays only other calls to the provider.
 * </ul>
 *
 * {@link #await} is for callers that may block (the CLI, and token verification off the SSH
 * server's threads); it waits at most the deadline.
 */
public final class ProviderHttp implements AutoCloseable {
  /** What an exchange with the provider took at most, by default. */
  public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(10);

  /** The status and the (capped) body of one answer. */
  public record Answer(int status, byte[] body) {
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private static final AtomicInteger CLIENTS = new AtomicInteger();

  private final Duration deadline;
  private final ExecutorService threads;
  private final HttpClient http;

  public ProviderHttp(Duration deadline) {
    if (deadline == null || deadline.isNegative() || deadline.isZero()) {
      throw new IllegalArgumentException("deadline must be positive, was " + deadline);
    }
    this.deadline = deadline;
    int client = CLIENTS.incrementAndGet();
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
      Thread t = new Thread(r, "gh-idp-http-" + client + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    pool.allowCoreThreadTimeOut(true); // idle clients hold no threads
    this.threads = pool;
    this.http = HttpClient.newBuilder()
        .connectTimeout(deadline)
        .followRedirects(HttpClient.Redirect.NEVER)
        .version(HttpClient.Version.HTTP_1_1)
        .executor(threads)
        .build();
  }

  public Duration deadline() {
    return deadline;
  }

  /** GET {@code url} accepting JSON; the answer, or a {@link CompletionException} with an IOException. */
  public CompletableFuture<Answer> get(URI url, int maxBody) {
    return exchange(HttpRequest.newBuilder(url).header("Accept", "application/json").GET(), url, maxBody);
  }

  /** POST a form to {@code url} accepting JSON. */
  public CompletableFuture<Answer> postForm(URI url, String form, int maxBody) {
    return exchange(HttpRequest.newBuilder(url)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(form)), url, maxBody);
  }

  /** POST {@code body} with these headers (e.g. a token request made by another library). */
  public CompletableFuture<Answer> post(URI url, java.util.Map<String, String> headers, String body, int maxBody) {
    HttpRequest.Builder b = HttpRequest.newBuilder(url).POST(HttpRequest.BodyPublishers.ofString(body == null ? "" : body));
    headers.forEach(b::header);
    if (!headers.containsKey("Accept")) {
      b.header("Accept", "application/json");
    }
    return exchange(b, url, maxBody);
  }

  private CompletableFuture<Answer> exchange(HttpRequest.Builder builder, URI url, int maxBody) {
    HttpRequest request = builder.timeout(deadline).build();
    AtomicReference<CappedBody> body = new AtomicReference<>();
    CompletableFuture<HttpResponse<byte[]>> sent;
    try {
      sent = http.sendAsync(request, info -> {
        CappedBody b = new CappedBody(url, maxBody);
        body.set(b);
        return b;
      });
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(new CompletionException(new IOException("cannot call " + url + ": " + e, e)));
    }
    CompletableFuture<Answer> answer = new CompletableFuture<>();
    sent.whenComplete((response, error) -> {
      if (error != null) {
        answer.completeExceptionally(error);
      } else {
        answer.complete(new Answer(response.statusCode(), response.body()));
      }
    });
    // The whole exchange, not just until the headers: orTimeout completes the answer from the JDK's
    // delay thread even when this client's own threads are busy, and the abort below closes the
    // connection of a provider that is still trickling.
    answer.orTimeout(deadline.toMillis(), TimeUnit.MILLISECONDS);
    answer.whenComplete((a, error) -> {
      if (error != null) {
        sent.cancel(true);
        CappedBody b = body.get();
        if (b != null) {
          b.abort(error);
        }
      }
    });
    return answer.handle((a, error) -> {
      if (error != null) {
        throw new CompletionException(failure(url, error));
      }
      return a;
    });
  }

  /** An IOException naming {@code url} for any way an exchange can fail. */
  private IOException failure(URI url, Throwable error) {
    Throwable e = unwrap(error);
    if (e instanceof TimeoutException || e instanceof HttpTimeoutException) {
      return new HttpTimeoutException(url + " gave no complete answer within " + deadline.toMillis() + " ms");
    }
    if (e instanceof IOException io && io.getMessage() != null && io.getMessage().contains(url.toString())) {
      return io;
    }
    String message = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
    return new IOException("cannot call " + url + ": " + message, e);
  }

  /** The IOException behind a failed future of this class (CompletionException and ExecutionException unwrapped). */
  public static IOException cause(Throwable error) {
    Throwable e = unwrap(error);
    return e instanceof IOException io ? io : new IOException(String.valueOf(e.getMessage()), e);
  }

  private static Throwable unwrap(Throwable error) {
    Throwable e = error;
    while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  /** Waits for {@code call} (which ends by itself within the deadline) for callers that may block. */
  public static <T> T await(CompletableFuture<T> call) throws IOException {
    try {
      return call.get();
    } catch (InterruptedException e) {
      call.cancel(true);
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for the identity provider");
    } catch (ExecutionException | java.util.concurrent.CancellationException e) {
      throw cause(e);
    }
  }

  @Override
  public void close() {
    threads.shutdownNow();
  }

  /**
   * Collects a body up to {@code max} bytes; past it, or when aborted, it cancels the subscription
   * (which closes the connection) and fails.
   */
  static final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final URI url;
    private final int max;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private volatile Flow.Subscription subscription;

    CappedBody(URI url, int max) {
      this.url = url;
      this.max = max;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      if (result.isDone()) {
        s.cancel();
      } else {
        s.request(1);
      }
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      for (ByteBuffer b : items) {
        if (bytes.size() + (long) b.remaining() > max) {
          abort(new IOException(url + " answered more than " + max + " bytes"));
          return;
        }
        byte[] chunk = new byte[b.remaining()];
        b.get(chunk);
        bytes.write(chunk, 0, chunk.length);
      }
      if (!result.isDone()) {
        subscription.request(1);
      }
    }

    @Override
    public void onError(Throwable error) {
      result.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
      result.complete(bytes.toByteArray());
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    void abort(Throwable why) {
      if (result.completeExceptionally(why)) {
        Flow.Subscription s = subscription;
        if (s != null) {
          s.cancel();
        }
      }
    }
  }
}
