package dev.gatehouse.gateway.mcp;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.gateway.Audit;
import dev.gatehouse.gateway.GatewayServices;
import dev.gatehouse.gateway.auth.AuthenticatedUser;
import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.keys.oidc.AccessTokenVerifier;
import dev.gatehouse.keys.oidc.TokenRejected;
import dev.gatehouse.keys.oidc.VerifiedToken;
import dev.gatehouse.recorder.AuditCode;
import dev.gatehouse.web.Replies;
import io.modelcontextprotocol.server.McpAsyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.HttpHeaders;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import dev.gatehouse.web.JsonErrors;
import jakarta.servlet.DispatcherType;
import java.util.EnumSet;
import org.eclipse.jetty.ee11.servlet.FilterHolder;
import org.eclipse.jetty.ee11.servlet.ServletContextHandler;
import org.eclipse.jetty.ee11.servlet.ServletHolder;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MCP server for agents over HTTP on {@code web.listen} (with {@code web.mcp: true}): the
 * Streamable HTTP transport at {@code /mcp} ({@code POST} messages, {@code GET} the server's event
 * stream, {@code DELETE} the session), and its OAuth protected-resource metadata (RFC 9728) at
 * {@code /.well-known/oauth-protected-resource}.
 *
 * <pre>
 *  agent ─POST /mcp, Authorization: Bearer AT─▶ McpHttpEndpoint: token checked (AccessTokenVerifier, resource
 *        │                                       publicUrl/mcp or azp oidc.clientId), revocations, the session's owner
 *        │                                        └▶ servlet: the SDK's HttpServletStreamableServerTransportProvider
 *        │                                             initialize ─▶ McpHttpTransport opens a McpConnection (recorded)
 *        │                                             tools/call ─▶ McpToolSpecs ─▶ GatehouseTools (as over SSH)
 *  agent ◀─ 401 + WWW-Authenticate: Bearer resource_metadata="publicUrl/.well-known/oauth-protected-resource"
 * </pre>
 *
 * Every request is authenticated; every refusal is audited ({@code GH1001W}, a reason slug, {@code
 * via: mcp-http}). A session belongs to the identity whose token opened it: another person's token
 * with its {@code Mcp-Session-Id} finds no session (404), as does a session that ended.
 */
public final class McpHttpEndpoint extends Handler.Wrapper implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(McpHttpEndpoint.class);
  public static final String PATH = "/mcp";
  public static final String METADATA_PATH = "/.well-known/oauth-protected-resource";
  /**
   * How long an MCP request's connection may be silent: a tool call answers only when it ends, and
   * the server's event stream carries nothing between messages. The web's own 30 s would cut both.
   */
  static final Duration STREAM_IDLE = Duration.ofMinutes(10);
  /** The largest JSON-RPC message accepted in one POST (the web server's own wall is 1 MiB). */
  static final int MAX_MESSAGE = 1024 * 1024;

  private final Supplier<GatewayServices> services;
  private final IntSupplier webPort;
  private final AccessTokenVerifier tokens;
  private final Audit audit;
  private final McpHttpSessions sessions;
  private final McpAsyncServer server;

  private McpHttpEndpoint(Supplier<GatewayServices> services, IntSupplier webPort, AccessTokenVerifier tokens,
      Audit audit, McpHttpSessions sessions, McpAsyncServer server, Handler servlets) {
    super(servlets);
    this.services = services;
    this.webPort = webPort;
    this.tokens = tokens;
    this.audit = audit;
    this.sessions = sessions;
    this.server = server;
  }

  /**
   * The endpoint for the gateway's web server. {@code tokens} is the JSON API's verifier (the same
   * issuer, keys and cache); {@code webPort} the port bound, for the resource's URL without a
   * {@code publicUrl}.
   */
  public static McpHttpEndpoint create(Supplier<GatewayServices> services, IntSupplier webPort,
      AccessTokenVerifier tokens) {
    GatewayServices s = services.get();
    McpHttpSessions sessions = new McpHttpSessions(services, Clock.systemUTC());
    HttpServletStreamableServerTransportProvider provider = HttpServletStreamableServerTransportProvider.builder()
        .jsonMapper(McpToolSpecs.MAPPER)
        .mcpEndpoint(PATH)
        .maxRequestSize(MAX_MESSAGE)
        // The SDK's own eviction only tidies its map after ours ended a session (ours is the
        // authority: idle, maximum length, revocation, kill); never sooner than ours.
        .sessionSweepInterval(s.config().web().sessionIdle())
        .build();
    McpHttpTransport transport = new McpHttpTransport(provider, services, sessions);
    McpAsyncServer server = McpToolSpecs.server(transport, exchange -> {
          McpConnection c = sessions.connection(exchange.sessionId());
          if (c == null) {
            throw new IllegalStateException("this MCP session has ended");
          }
          return c;
        },
        s.pumps(), McpHttpEndpoint.class.getPackage().getImplementationVersion());
    ServletContextHandler servlets = new ServletContextHandler();
    servlets.setContextPath("/");
    ServletHolder holder = new ServletHolder("mcp", provider);
    holder.setAsyncSupported(true);
    servlets.addServlet(holder, PATH);
    // What the SDK answers by itself has the web side's headers and error shape: its own error
    // bodies through the filter, its sendError answers through the context's error handler.
    FilterHolder answers = new FilterHolder(new McpErrorAnswers());
    answers.setAsyncSupported(true);
    servlets.addFilter(answers, PATH, EnumSet.of(DispatcherType.REQUEST));
    servlets.setErrorHandler(new JsonErrors());
    return new McpHttpEndpoint(services, webPort, tokens, s.audit(), sessions, server, servlets);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    String path = Request.getPathInContext(request);
    if (path.equals(METADATA_PATH) || path.equals(METADATA_PATH + PATH)) {
      if (!HttpMethod.GET.is(request.getMethod()) && !HttpMethod.HEAD.is(request.getMethod())) {
        return Replies.error(response, callback, 405, "method-not-allowed", "GET the protected-resource metadata");
      }
      return Replies.json(response, callback, 200, metadata());
    }
    if (!path.equals(PATH)) {
      return false;
    }
    String method = request.getMethod();
    if (!HttpMethod.POST.is(method) && !HttpMethod.GET.is(method) && !HttpMethod.DELETE.is(method)) {
      response.getHeaders().put(HttpHeader.ALLOW, "GET, POST, DELETE");
      return Replies.error(response, callback, 405, "method-not-allowed", "MCP is POST, GET and DELETE on /mcp");
    }
    GatewayConfig config = services.get().config();
    String resource = config.web().mcpResource(webPort.getAsInt());
    if (!BrowserOrigin.allowed(request.getHeaders().getValuesList(HttpHeader.ORIGIN), resource)) {
      // A page in a browser (DNS rebinding included) is not an agent: MCP's transport rule. Before
      // the token: the page learns nothing of it. The Host header is not the test: a reverse proxy
      // in front may rewrite it, and a page cannot send a bearer token it does not have.
      failed(request, "cross-origin", null);
      return Replies.error(response, callback, 403, "cross-origin", "requests from web pages of other origins are refused");
    }
    VerifiedToken token;
    try {
      token = authenticate(request, resource);
    } catch (Refused e) {
      failed(request, e.slug, e.identity);
      if (e.slug.equals("revocation-check-failed")) {
        return Replies.error(response, callback, 503, e.slug, "the revocations cannot be read; try again later");
      }
      response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE,
          "Bearer resource_metadata=\"" + metadataUrl(config) + "\"");
      return Replies.error(response, callback, 401, "invalid-token", e.slug, e.getMessage());
    }
    String sessionId = request.getHeaders().get(HttpHeaders.MCP_SESSION_ID);
    McpHttpSessions.Session session = null;
    if (sessionId != null) {
      session = sessions.find(sessionId);
      if (session != null && !session.user.identity().equals(token.identity())) {
        failed(request, "session-not-owned", token.identity());
        session = null;
      }
      if (session == null || session.connection.ended()) {
        return Replies.error(response, callback, 404, "session-not-found",
            "no MCP session " + sessionId + " for you (it ended, or never was): initialize a new one");
      }
      session.lastUsed = Clock.systemUTC().instant();
    }
    longerIdle(request);
    AuthenticatedUser caller = new AuthenticatedUser(token.identity(), token.groups(), 0L, token.issuedAt(),
        token.expiresAt(), false, false, false, false, Request.getRemoteAddr(request));
    McpHttpTransport.Opening opening = new McpHttpTransport.Opening(caller, token.issuedAt());
    McpHttpTransport.OPENING.set(opening);
    try {
      boolean handled = super.handle(request, response, callback);
      if (session != null && HttpMethod.DELETE.is(method)) {
        sessions.end(session, "client-closed");
      }
      return handled;
    } finally {
      McpHttpTransport.OPENING.remove();
    }
  }

  /** The bearer token of the request, for {@code resource}, from an identity not revoked since its {@code iat}. */
  private VerifiedToken authenticate(Request request, String resource) throws Refused {
    List<String> authorization = request.getHeaders().getValuesList(HttpHeader.AUTHORIZATION);
    if (authorization.isEmpty()) {
      throw new Refused("no-token", "send Authorization: Bearer <access token> from the issuer named in the"
          + " protected-resource metadata", null);
    }
    if (authorization.size() > 1) {
      throw new Refused("unsupported-authorization", "more than one Authorization header", null);
    }
    String value = authorization.get(0);
    if (!value.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new Refused("unsupported-authorization", "only Bearer tokens are accepted", null);
    }
    VerifiedToken t;
    try {
      t = tokens.verify(value.substring(7).strip(), resource);
    } catch (TokenRejected e) {
      throw new Refused(e.reason(), e.getMessage(), null);
    }
    boolean revoked;
    try {
      revoked = services.get().ledger().isIdentityRevoked(t.identity(), t.issuedAt());
    } catch (IOException e) {
      throw new Refused("revocation-check-failed", "the revocations cannot be read: " + e.getMessage(), t.identity());
    }
    if (revoked) {
      throw new Refused("revoked", "access of " + t.identity() + " was revoked; log in again", t.identity());
    }
    return t;
  }

  /** RFC 9728: what an MCP client needs to get a token for this resource itself. */
  private ObjectNode metadata() {
    GatewayConfig config = services.get().config();
    ObjectNode o = McpToolSpecs.JSON.createObjectNode();
    o.put("resource", config.web().mcpResource(webPort.getAsInt()));
    ArrayNode servers = o.putArray("authorization_servers");
    servers.add(config.oidc().issuer().toString());
    o.putArray("bearer_methods_supported").add("header");
    ArrayNode scopes = o.putArray("scopes_supported");
    config.oidc().scopes().forEach(scopes::add);
    o.put("resource_name", "Gatehouse");
    o.put("resource_documentation", config.web().baseUrl(webPort.getAsInt()) + "/");
    return o;
  }

  private String metadataUrl(GatewayConfig config) {
    return config.web().baseUrl(webPort.getAsInt()) + METADATA_PATH;
  }

  /** A tool call's answer and the event stream may be silent for minutes: see {@link #STREAM_IDLE}. */
  private static void longerIdle(Request request) {
    EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
    if (endPoint.getIdleTimeout() < STREAM_IDLE.toMillis()) {
      endPoint.setIdleTimeout(STREAM_IDLE.toMillis());
    }
  }

  private void failed(Request request, String slug, String identity) {
    audit.tryRecord(AuditCode.AUTH_FAILED, "reason", slug, "via", "mcp-http", "identity", identity,
        "client", Request.getRemoteAddr(request), "path", Request.getPathInContext(request));
  }

  /** Live MCP sessions over HTTP. */
  public int sessions() {
    return sessions.size();
  }

  /** Ends every session and the SDK server (the web server stops after). */
  @Override
  public void close() {
    sessions.close();
    try {
      server.closeGracefully().block(Duration.ofSeconds(5));
    } catch (RuntimeException e) {
      LOG.debug("closing the MCP server: {}", e.toString());
    }
  }

  private static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;
    final String slug;
    final String identity;

    Refused(String slug, String message, String identity) {
      super(message);
      this.slug = slug;
      this.identity = identity;
    }
  }
}
