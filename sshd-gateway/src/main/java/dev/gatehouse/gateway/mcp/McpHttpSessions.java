package dev.gatehouse.gateway.mcp;

import dev.gatehouse.gateway.GatewayServices;
import dev.gatehouse.gateway.auth.AuthenticatedUser;
import dev.gatehouse.gateway.config.WebSettings;
import io.modelcontextprotocol.spec.McpStreamableServerSession;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MCP sessions of the HTTP transport, by {@code Mcp-Session-Id}: each is one person's (the
 * identity of the access token that opened it) and one recorded session ({@link McpConnection}).
 * A session ends on {@code DELETE}, after {@code web.sessionIdle} without a request, after {@code
 * web.sessionMax} in any case, when its person's access is revoked ({@code ca revoke --identity}),
 * and when it is killed ({@code sessions kill}); a sweep every {@link #SWEEP} finds the first three.
 */
final class McpHttpSessions implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(McpHttpSessions.class);
  static final Duration SWEEP = Duration.ofSeconds(1);

  /** One MCP session over HTTP. {@code since}: the {@code iat} of the token that opened it. */
  static final class Session {
    final String mcpSessionId;
    final AuthenticatedUser user;
    final Instant since;
    final Instant started;
    final McpConnection connection;
    volatile McpStreamableServerSession sdk;
    volatile Instant lastUsed;

    Session(String mcpSessionId, AuthenticatedUser user, Instant since, Instant started, McpConnection connection) {
      this.mcpSessionId = mcpSessionId;
      this.user = user;
      this.since = since;
      this.started = started;
      this.connection = connection;
      this.lastUsed = started;
    }
  }

  private final Supplier<GatewayServices> services;
  private final Clock clock;
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final ScheduledFuture<?> sweeper;
  private long revocationVersion = -1;

  McpHttpSessions(Supplier<GatewayServices> services, Clock clock) {
    this.services = services;
    this.clock = clock;
    this.sweeper = services.get().timers().scheduleWithFixedDelay(this::sweep, SWEEP.toMillis(), SWEEP.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  void add(Session s) {
    sessions.put(s.mcpSessionId, s);
  }

  Session find(String mcpSessionId) {
    return mcpSessionId == null ? null : sessions.get(mcpSessionId);
  }

  /** The recorded session of an SDK session, for the tool calls made on it; null when it ended. */
  McpConnection connection(String mcpSessionId) {
    Session s = find(mcpSessionId);
    return s == null || s.connection.ended() ? null : s.connection;
  }

  int size() {
    return sessions.size();
  }

  /**
   * Ends a session once: its recording closed with {@code reason}, its SDK session deleted (streams
   * closed; a later request with its id is answered 404 by {@link McpHttpEndpoint}).
   */
  void end(Session s, String reason) {
    if (!sessions.remove(s.mcpSessionId, s)) {
      return;
    }
    s.connection.close(reason);
    McpStreamableServerSession sdk = s.sdk;
    if (sdk != null) {
      sdk.delete().subscribe(v -> { }, e -> LOG.debug("mcp http session {}: delete: {}", s.mcpSessionId, e.toString()));
    }
    LOG.info("mcp session {} (http) ended ({})", s.connection.id(), reason);
  }

  /** Idle, too old, revoked, or killed: ended. */
  private void sweep() {
    if (sessions.isEmpty()) {
      return;
    }
    try {
      GatewayServices svc = services.get();
      WebSettings web = svc.config().web();
      Instant now = clock.instant();
      long version = svc.ledger().revocationVersion();
      boolean revocationsChanged = version != revocationVersion;
      revocationVersion = version;
      for (Session s : List.copyOf(sessions.values())) {
        if (s.connection.ended()) {
          end(s, "killed");
        } else if (web != null && !now.isBefore(s.lastUsed.plus(web.sessionIdle()))) {
          end(s, "idle");
        } else if (web != null && !now.isBefore(s.started.plus(web.sessionMax()))) {
          end(s, "max-session-length");
        } else if (revocationsChanged && svc.ledger().isIdentityRevoked(s.user.identity(), s.since)) {
          // Recorded and audited as a kill; the connection's hang-up ends the SDK session.
          s.connection.terminate("revoked", "gatehouse: access of " + s.user.identity() + " was revoked; session closed");
          end(s, "revoked");
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.error("mcp http sessions sweep: {}", e.toString());
    }
  }

  /** The gateway stops: every session ends. */
  @Override
  public void close() {
    sweeper.cancel(false);
    for (Session s : List.copyOf(sessions.values())) {
      end(s, "gateway-stop");
    }
  }
}
