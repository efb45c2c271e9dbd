package dev.gatehouse.kube;

import dev.gatehouse.policy.KubeJudge;
import dev.gatehouse.policy.KubePolicy;
import dev.gatehouse.policy.KubeRequest;
import dev.gatehouse.policy.Verdict;
import java.util.List;
import java.util.Objects;

/**
 * One person's use of the proxy (an SSH session's kubectl, or one {@code ssh -L} forward): who they
 * are, the policy that judges their requests, and where each finished request is reported (audit
 * line, recording marker). Registered with {@link KubeProxy#open}, which hands back the token that
 * identifies it.
 */
public final class ProxySession {
  /** Told of every request once it is answered (or refused). */
  @FunctionalInterface
  public interface Listener {
    void completed(Exchange exchange);
  }

  /**
   * Decides a request the policy sends to review: allow (approved) or a block; may wait (the client
   * waits with it). {@code reviewed} holds the key that identifies exactly this request — method,
   * path, query, Content-Type and body bytes — so an approval is never used for another one, and the
   * text that shows the approver each of those parts ({@link ReviewedRequest}).
   */
  @FunctionalInterface
  public interface Reviews {
    Verdict decide(KubeRequest request, Verdict.Review review, ReviewedRequest reviewed) throws InterruptedException;

    /** No way to ask anyone: a review is refused (fail closed). */
    Reviews REFUSE = (r, v, k) -> new Verdict.Block(v.rule(), v.reason() + " (needs approval)");
  }

  /** The terminal stream of one exec or attach, as the session records it. */
  public interface Stream {
    /** Bytes of the container's stdout or stderr, as the client gets them. */
    void output(byte[] b, int off, int len);

    /** The client's terminal size changed. */
    void resize(int columns, int rows);

    /** The stream ended (either side). */
    void closed();
  }

  /** Told when an exec or attach stream opens, after its verdict and once the API server accepted it. */
  @FunctionalInterface
  public interface Streams {
    /** Returns where the stream's bytes go (null: nowhere). */
    Stream opened(KubeRequest request, String pod, String container, List<String> command, boolean tty);

    Streams NONE = (r, pod, container, command, tty) -> null;
  }

  /** One port-forward through the proxy, told how many bytes it carried once it ends. */
  @FunctionalInterface
  public interface Forward {
    /**
     * The forward ended (either side). {@code toPod} and {@code fromPod} count the payload of the
     * SPDY data frames each way: the bytes of the forwarded connections, not the framing.
     */
    void ended(long toPod, long fromPod, long millis);
  }

  /**
   * Told when a port-forward opens, after its verdict and once the API server accepted it. A
   * session without forwards (kubectl on the bastion, whose port-forward would listen on the
   * bastion) never opens one: the proxy refuses the stream.
   */
  @FunctionalInterface
  public interface Forwards {
    /** Returns what hears of its end (never null). */
    Forward opened(KubeRequest request, String pod);
  }

  /**
   * One request as the session saw it: the request, the verdict, the HTTP status the client got,
   * how long it took, and the verdict's effect ({@code forwarded} false when the proxy answered
   * itself).
   */
  public record Exchange(KubeRequest request, Verdict verdict, int status, long millis, boolean forwarded, String error) {}

  private final String identity;
  private final List<String> groups;
  private final KubeJudge judge;
  private final ResponseMasker masker;
  private final Listener listener;
  private final Reviews reviews;
  private final Streams streams;
  private final Forwards forwards;
  /**
   * Why the last WebSocket stream of a request failed, by its approval key: kubectl then falls
   * back to SPDY, which is refused, and that refusal names the WebSocket failure it hides.
   */
  private final java.util.Map<String, String> streamFailures = new java.util.concurrent.ConcurrentHashMap<>();

  public ProxySession(String identity, List<String> groups, KubePolicy policy, Listener listener, Reviews reviews) {
    this(identity, groups, policy, listener, reviews, Streams.NONE);
  }

  public ProxySession(String identity, List<String> groups, KubePolicy policy, Listener listener, Reviews reviews,
      Streams streams) {
    this(identity, groups, policy, listener, reviews, streams, null);
  }

  /** {@code forwards} null: port-forward is refused on this session. */
  public ProxySession(String identity, List<String> groups, KubePolicy policy, Listener listener, Reviews reviews,
      Streams streams, Forwards forwards) {
    this.identity = Objects.requireNonNull(identity, "identity");
    this.groups = List.copyOf(groups);
    this.judge = new KubeJudge(policy);
    this.masker = new ResponseMasker(policy.maskSecrets(), policy.detectors());
    this.listener = listener == null ? e -> {} : listener;
    this.reviews = reviews == null ? Reviews.REFUSE : reviews;
    this.streams = streams == null ? Streams.NONE : streams;
    this.forwards = forwards;
  }

  Streams streams() {
    return streams;
  }

  /** Null when this session may not port-forward. */
  Forwards forwards() {
    return forwards;
  }

  void streamFailed(String approvalKey, String why) {
    streamFailures.put(approvalKey, why);
  }

  /** Why the WebSocket stream of this request failed last (and forgets it), or null. */
  String takeStreamFailure(String approvalKey) {
    return streamFailures.remove(approvalKey);
  }

  public String identity() {
    return identity;
  }

  public List<String> groups() {
    return groups;
  }

  KubeJudge judge() {
    return judge;
  }

  ResponseMasker masker() {
    return masker;
  }

  Listener listener() {
    return listener;
  }

  Reviews reviews() {
    return reviews;
  }
}
