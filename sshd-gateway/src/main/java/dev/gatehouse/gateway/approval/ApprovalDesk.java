package dev.gatehouse.gateway.approval;

import dev.gatehouse.gateway.Audit;
import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.gateway.session.LiveSession;
import java.time.Instant;
import dev.gatehouse.recorder.AuditCode;
import dev.gatehouse.recorder.approval.ApprovalRefused;
import dev.gatehouse.recorder.approval.ApprovalRequest;
import dev.gatehouse.recorder.approval.ApprovalState;
import dev.gatehouse.recorder.approval.ApprovalStore;
import dev.gatehouse.recorder.approval.NewApprovalRequest;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's side of approvals: makes requests (audited, announced on the webhook), takes
 * decisions from every path (ssh {@code approvals@}, the CLI, the web page) with their audit lines,
 * and releases waiting sessions.
 *
 * <p>Waiting costs no thread: a waiter is a {@link CompletableFuture}; one task polls the store
 * every {@value #POLL_MS} ms for the requests someone waits on, so a decision made by another
 * process or another gateway on the same store releases the wait within a second.
 */
public final class ApprovalDesk implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ApprovalDesk.class);
  static final long POLL_MS = 200;

  private final ApprovalStore store;
  private final Audit audit;
  private final Supplier<GatewayConfig> config;
  private final Webhook webhook;
  private final Clock clock;
  private final Map<String, CompletableFuture<ApprovalRequest>> waiting = new ConcurrentHashMap<>();
  private final ScheduledFuture<?> poller;
  /** Sessions opened under an access approval, closed when its window ends. */
  private final java.util.Set<AccessWindow> windows = ConcurrentHashMap.newKeySet();

  private static final class AccessWindow {
    final LiveSession session;
    volatile Instant until;
    volatile boolean warned;

    AccessWindow(LiveSession session, Instant until) {
      this.session = session;
      this.until = until;
    }
  }

  public ApprovalDesk(
      ApprovalStore store, Audit audit, Supplier<GatewayConfig> config, ScheduledExecutorService timers, Clock clock) {
    this.store = store;
    this.audit = audit;
    this.config = config;
    this.clock = clock;
    this.webhook = new Webhook();
    this.poller = timers.scheduleWithFixedDelay(this::poll, POLL_MS, POLL_MS, TimeUnit.MILLISECONDS);
  }

  public ApprovalStore store() {
    return store;
  }

  public Duration ttl() {
    return config.get().approvals().ttl();
  }

  /** Makes a pending request: stored, audited ({@code GH3002I}), sent to the webhook. */
  public ApprovalRequest request(NewApprovalRequest r, String fromSession) throws IOException {
    ApprovalRequest made = store.create(r, clock.instant());
    audit.tryRecord(AuditCode.REVIEW_REQUESTED, "requestId", made.id(), "kind", made.kind().wireName(),
        "identity", made.requester(), "target", made.target(), "sessionId", fromSession,
        "statement", made.statement(), "rule", made.rule(), "reason", made.reason(),
        "approverGroups", String.join(",", made.approverGroups()), "min", made.approversNeeded(),
        "expiresAt", made.expiresAt().toString());
    GatewayConfig c = config.get();
    try {
      webhook.announce(c.approvals().webhookUri(), made, link(c, made));
    } catch (IOException | RuntimeException e) {
      // Not the message: a malformed hook URL would be quoted in it, and such URLs carry tokens.
      LOG.warn("approvals.webhook: cannot announce request {}: {}", made.id(), e.getClass().getSimpleName());
    }
    return made;
  }

  /** Where a person decides: the web page when {@code web} is set, else the ssh command. */
  static String link(GatewayConfig c, ApprovalRequest r) {
    if (c.web() != null && c.web().publicUrl() != null) {
      return c.web().publicUrl().replaceAll("/+$", "") + "/approvals#" + r.id();
    }
    return null;
  }

  /** Completes when the request is no longer pending (decided, expired or cancelled). */
  public CompletableFuture<ApprovalRequest> await(String id) {
    CompletableFuture<ApprovalRequest> f = waiting.computeIfAbsent(ApprovalStore.canonicalId(id), k -> new CompletableFuture<>());
    // A decision may have come between the request and this call (an approver quick on the
    // webhook): look once now rather than leave it to the next poll.
    try {
      store.find(id).ifPresent(this::release);
    } catch (IOException e) {
      LOG.debug("approvals: reading request {} failed; the poll will look again: {}", id, e.toString());
    }
    return f;
  }

  /**
   * Records one approver's decision with its audit line; a refusal is audited too ({@code
   * GH3005W} with the slug) and thrown.
   *
   * @param groups the approver's groups; {@code null} when the bastion's operator vouches ({@code --as})
   */
  public ApprovalRequest decide(String id, String approver, Collection<String> groups, boolean approve,
      String comment, String via) throws IOException, ApprovalRefused {
    ApprovalRequest after;
    try {
      after = store.decide(id, approver, groups, approve, comment, via, clock.instant());
    } catch (ApprovalRefused e) {
      audit.tryRecord(AuditCode.APPROVAL_REFUSED, "requestId", ApprovalStore.canonicalId(id), "approver", approver,
          "decision", approve ? "approve" : "deny", "via", via, "reason", e.slug(), "detail", e.getMessage());
      throw e;
    }
    audit.tryRecord(AuditCode.APPROVAL_DECIDED, "requestId", after.id(), "approver", approver,
        "decision", approve ? "approve" : "deny", "comment", comment, "via", via, "state", after.state().wireName(),
        "identity", after.requester(), "target", after.target());
    release(after);
    return after;
  }

  /** The requester gave up (Ctrl-C, session ended): a pending request becomes cancelled. */
  public void cancel(String id, String reason) {
    try {
      if (store.cancel(id, clock.instant())) {
        audit.tryRecord(AuditCode.APPROVAL_CLOSED, "requestId", id, "state", "cancelled", "reason", reason);
      }
      store.find(id).ifPresent(this::release);
    } catch (IOException e) {
      LOG.warn("cannot cancel approval request {}: {}", id, e.getMessage());
    }
  }

  /**
   * Takes an approved, unused approval of the statement {@code sql} (whose key is {@code key}) that
   * was asked for by {@code rule}, for one use, with its audit line; empty when there is none. An
   * approval given for one rule's review is never used for another's.
   */
  public Optional<ApprovalRequest> useStatementApproval(String requester, String target, String key, String rule,
      String sql, String sessionId) throws IOException {
    Optional<ApprovalRequest> a = store.usableStatementApproval(requester, target, key, rule, clock.instant());
    if (a.isPresent() && store.use(a.get().id(), sessionId, clock.instant())) {
      used(a.get(), sessionId, sql);
      return a;
    }
    return Optional.empty();
  }

  /**
   * For a retry that does not wait ({@code GATEHOUSE_NOWAIT}, an agent's tool call): the earlier
   * request of this person for the statement or command with {@code key} on {@code target} — while
   * it is pending the retry is told that same request (approvers get one request however often the
   * caller polls); once denied, expired or cancelled, the retry is told so once. Only a request
   * {@code rule} made counts. Empty when the retry should make a new request.
   */
  public Optional<ApprovalRequest> earlierRequest(String requester, String target, String key, String rule)
      throws IOException {
    Instant now = clock.instant();
    expireDue(now);
    return store.openStatementRequest(requester, target, key, rule, now);
  }

  /**
   * Takes the approval a waiter was released with, for the statement {@code sql} it holds; false
   * if it was used or expired meanwhile.
   */
  public boolean use(ApprovalRequest approved, String sessionId, String sql) throws IOException {
    if (store.use(approved.id(), sessionId, clock.instant())) {
      used(approved, sessionId, sql);
      return true;
    }
    return false;
  }

  /**
   * A session opened under an access approval: audited, and watched — when the window ends
   * (and no later approval extends it) the user is warned, and {@code approvals.accessGrace}
   * (default one minute) later the session is closed.
   */
  public void openedUnderAccess(ApprovalRequest grant, LiveSession session) {
    used(grant, session.id(), null);
    windows.add(new AccessWindow(session, grant.usableUntil()));
  }

  private void checkWindows(Instant now) throws IOException {
    Duration grace = config.get().approvals().accessGrace();
    for (AccessWindow w : windows) {
      if (w.session.ended()) {
        windows.remove(w);
      } else if (!now.isBefore(w.until) && !w.warned) {
        Optional<ApprovalRequest> later = store.openAccess(w.session.user().identity(), w.session.target(), now);
        if (later.isPresent() && later.get().usableUntil().isAfter(w.until)) {
          w.until = later.get().usableUntil();
          continue;
        }
        w.warned = true;
        w.session.warn("gatehouse: your approved access to " + w.session.target() + " ended at " + w.until
            + "; this session closes in " + dev.gatehouse.gateway.config.Durations.format(grace));
      } else if (w.warned && !now.isBefore(w.until.plus(grace))) {
        windows.remove(w);
        w.session.terminate("access-ended", "gatehouse: approved access to " + w.session.target()
            + " ended; session closed");
      }
    }
  }

  /**
   * Queued like an allowed statement's line (group commit): the held statement need not wait for
   * the disk. {@code statement} is the text that runs, exactly; when it is not the approved text
   * character for character (white space between tokens may differ), the approved text is there too.
   */
  private void used(ApprovalRequest a, String sessionId, String statement) {
    String ran = statement == null ? a.statement() : statement;
    audit.recordLater(AuditCode.APPROVAL_USED, "requestId", a.id(), "kind", a.kind().wireName(), "sessionId", sessionId,
        "identity", a.requester(), "target", a.target(), "approvers", String.join(",", a.approvers()),
        "statement", ran, "approvedStatement", ran.equals(a.statement()) ? null : a.statement());
  }

  public List<ApprovalRequest> list(Set<ApprovalState> states, int limit) throws IOException {
    return store.list(states, limit, clock.instant());
  }

  public Optional<ApprovalRequest> find(String id) throws IOException {
    return store.find(id);
  }

  /** At start: requests whose session is gone (a restart) are cancelled and audited. */
  public void cancelOrphans(Predicate<String> liveSession) {
    try {
      for (ApprovalRequest r : store.cancelOrphans(liveSession, clock.instant())) {
        audit.tryRecord(AuditCode.APPROVAL_CLOSED, "requestId", r.id(), "state", "cancelled", "reason", "session-gone",
            "sessionId", r.sessionId());
      }
    } catch (IOException e) {
      LOG.warn("cannot cancel orphaned approval requests: {}", e.getMessage());
    }
  }

  private void poll() {
    try {
      if (!windows.isEmpty()) {
        checkWindows(clock.instant());
      }
      expireDue(clock.instant());
      if (waiting.isEmpty()) {
        return;
      }
      Map<String, ApprovalRequest> now = store.current(new ArrayList<>(waiting.keySet()));
      for (ApprovalRequest r : now.values()) {
        release(r);
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("approvals: polling the store failed: {}", e.toString());
    }
  }

  private void expireDue(Instant now) throws IOException {
    for (ApprovalRequest r : store.expireDue(now)) {
      audit.tryRecord(AuditCode.APPROVAL_CLOSED, "requestId", r.id(), "state", "expired", "reason", "ttl",
          "identity", r.requester(), "target", r.target());
    }
  }

  private void release(ApprovalRequest r) {
    if (r.state() == ApprovalState.PENDING) {
      return;
    }
    CompletableFuture<ApprovalRequest> f = waiting.remove(r.id());
    if (f != null) {
      f.complete(r);
    }
  }

  /** How many waits are open (for /metrics and the benchmark). */
  public int waiting() {
    return waiting.size();
  }

  @Override
  public void close() {
    poller.cancel(false);
    webhook.close();
    waiting.values().forEach(f -> f.cancel(false));
  }
}
