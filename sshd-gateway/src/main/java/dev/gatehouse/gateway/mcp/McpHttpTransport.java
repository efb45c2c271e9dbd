package dev.gatehouse.gateway.mcp;

import dev.gatehouse.gateway.GatewayServices;
import dev.gatehouse.gateway.auth.AuthenticatedUser;
import dev.gatehouse.recorder.AuditCode;
import io.modelcontextprotocol.spec.McpStreamableServerSession;
import io.modelcontextprotocol.spec.McpStreamableServerTransportProvider;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * The SDK's Streamable HTTP transport as the MCP server sees it, with one seam: the session the
 * SDK starts for an {@code initialize} request becomes one recorded Gatehouse session of the
 * request's caller ({@link McpConnection}, target {@code mcp}). The SDK starts it synchronously
 * on the thread of that request, inside the servlet that {@link McpHttpEndpoint} called after
 * checking the token: the endpoint lends the caller to this thread ({@link #OPENING}). No caller
 * on the thread (which would be a change in the SDK) refuses the session: nothing runs unattributed.
 */
final class McpHttpTransport implements McpStreamableServerTransportProvider {
  /** The caller of the request being handled on this thread, and the {@code iat} of its token. */
  record Opening(AuthenticatedUser user, Instant tokenIssuedAt) {}

  static final ThreadLocal<Opening> OPENING = new ThreadLocal<>();

  private final McpStreamableServerTransportProvider delegate;
  private final Supplier<GatewayServices> services;
  private final McpHttpSessions sessions;

  McpHttpTransport(McpStreamableServerTransportProvider delegate, Supplier<GatewayServices> services,
      McpHttpSessions sessions) {
    this.delegate = delegate;
    this.services = services;
    this.sessions = sessions;
  }

  @Override
  public void setSessionFactory(McpStreamableServerSession.Factory factory) {
    delegate.setSessionFactory(initialize -> {
      Opening opening = OPENING.get();
      if (opening == null) {
        throw new IllegalStateException("an MCP session was started outside an authenticated request: refused");
      }
      GatewayServices svc = services.get();
      AtomicReference<McpHttpSessions.Session> self = new AtomicReference<>();
      // A kill, a revocation or a failing recording ends the connection: the HTTP session with it.
      McpConnection connection = new McpConnection(svc, opening.user(), "http", () -> {
        McpHttpSessions.Session s = self.get();
        if (s != null) {
          sessions.end(s, "ended");
        }
      });
      if (!connection.open()) {
        throw new IllegalStateException("the session cannot be recorded; tell the bastion's operator");
      }
      McpStreamableServerSession.McpStreamableServerSessionInit init;
      try {
        init = factory.startSession(initialize);
      } catch (RuntimeException e) {
        connection.close("initialize-failed");
        throw e;
      }
      McpHttpSessions.Session s = new McpHttpSessions.Session(init.session().getId(), opening.user(),
          opening.tokenIssuedAt(), Clock.systemUTC().instant(), connection);
      s.sdk = init.session();
      self.set(s);
      sessions.add(s);
      svc.audit().tryRecord(AuditCode.AUTH_OK, "identity", opening.user().identity(), "via", "mcp-http",
          "client", opening.user().clientAddress(), "groups", String.join(",", opening.user().groups()),
          "sessionId", connection.id());
      return init;
    });
  }

  @Override
  public Mono<Void> notifyClients(String method, Object params) {
    return delegate.notifyClients(method, params);
  }

  @Override
  public Mono<Void> notifyClient(String sessionId, String method, Object params) {
    return delegate.notifyClient(sessionId, method, params);
  }

  @Override
  public Mono<Void> closeGracefully() {
    return delegate.closeGracefully();
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public List<String> protocolVersions() {
    return delegate.protocolVersions();
  }
}
