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
   * waits with it). {@code approvalKey} identifies exactly this request — method, path, query and
   * body bytes ({@link ProxyHandler#approvalKey}) — so an approval is never used for another one.
   */
  @FunctionalInterface
  public interface Reviews {
    Verdict decide(KubeRequest request, Verdict.Review review, String approvalKey) throws InterruptedException;

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

  public ProxySession(String identity, List<String> groups, KubePolicy policy, Listener listener, Reviews reviews) {
    this(identity, groups, policy, listener, reviews, Streams.NONE);
  }

  public ProxySession(String identity, List<String> groups, KubePolicy policy, Listener listener, Reviews reviews,
      Streams streams) {
    this.identity = Objects.requireNonNull(identity, "identity");
    this.groups = List.copyOf(groups);
    this.judge = new KubeJudge(policy);
    this.masker = new ResponseMasker(policy.maskSecrets(), policy.detectors());
    this.listener = listener == null ? e -> {} : listener;
    this.reviews = reviews == null ? Reviews.REFUSE : reviews;
    this.streams = streams == null ? Streams.NONE : streams;
  }

  Streams streams() {
    return streams;
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
