package dev.gatehouse.gateway.web;

import dev.gatehouse.gateway.Audit;
import dev.gatehouse.gateway.GatewayServices;
import dev.gatehouse.gateway.mcp.McpHttpEndpoint;
import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.gateway.config.ListenAddress;
import dev.gatehouse.gateway.config.Secrets;
import dev.gatehouse.gateway.config.WebSettings;
import dev.gatehouse.keys.CertificateAuthority;
import dev.gatehouse.keys.CertificateLedger;
import dev.gatehouse.gateway.approval.ApprovalDesk;
import dev.gatehouse.gateway.session.SessionRegistry;
import dev.gatehouse.keys.oidc.AccessTokenVerifier;
import dev.gatehouse.keys.oidc.IdTokenVerifier;
import dev.gatehouse.keys.oidc.OidcSettings;
import dev.gatehouse.recorder.ChainWitness;
import dev.gatehouse.recorder.IntegrityCheck;
import dev.gatehouse.recorder.SessionIndex;
import dev.gatehouse.recorder.search.SearchIndex;
import dev.gatehouse.recorder.search.SearchIndexer;
import dev.gatehouse.web.JsonErrors;
import dev.gatehouse.web.Metrics;
import dev.gatehouse.web.ReplayWeb;
import java.time.Duration;
import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.SizeLimitHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of the gateway on {@code web.listen}: HTTPS from {@code web.tls}, or plain HTTP
 * behind a TLS-terminating proxy. Serves {@code /v1} (certificate issuance), {@code /healthz} and,
 * with {@code oidc} or {@code web.localLogin}, the replay web ({@code /auth}, {@code /api}, {@code /metrics}, the UI), and
 * with {@code web.mcp} the MCP server for agents ({@code /mcp}, {@link McpHttpEndpoint}). It keeps
 * the replay web's search index filled: every session that ends here is indexed at once, others by a
 * catch-up every {@link #CATCH_UP}.
 */
public final class WebServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(WebServer.class);
  static final Duration CATCH_UP = Duration.ofSeconds(30);
  /** The request line (path and query) and all headers together; beyond: 414 or 431. */
  static final int MAX_REQUEST_HEADER = 16 * 1024;
  /**
   * A second wall for request bodies (413): every endpoint that takes a body bounds it tighter
   * itself (64 KiB certificate requests, 16 KiB approvals and terminations) and answers first.
   */
  static final int MAX_REQUEST_BODY = 1024 * 1024;
  /** Open connections at once; past it the listener stops accepting until some close. */
  static final int MAX_CONNECTIONS = 512;
  /** A connection with nothing to read or write for this long is closed... */
  static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);
  /** ...and for this long while {@link #MAX_CONNECTIONS} are open. */
  static final Duration IDLE_TIMEOUT_AT_LIMIT = Duration.ofSeconds(5);
  private final Server server;
  private final ServerConnector connector;
  private final ReplayWeb replay;
  private final SearchIndexer indexer;
  private final SearchIndex search;
  private final McpHttpEndpoint mcp;

  private WebServer(Server server, ServerConnector connector, ReplayWeb replay, SearchIndexer indexer,
      SearchIndex search, McpHttpEndpoint mcp) {
    this.mcp = mcp;
    this.server = server;
    this.connector = connector;
    this.replay = replay;
    this.indexer = indexer;
    this.search = search;
  }

  public static WebServer start(
      WebSettings web, Supplier<GatewayConfig> config, IntSupplier sshPort, CertificateAuthority ca, CertificateLedger ledger,
      IdTokenVerifier verifier, Audit audit, SessionIndex index, SessionRegistry registry, ApprovalDesk approvals,
      ChainWitness witness, Supplier<GatewayServices> services) throws IOException {
    QueuedThreadPool threads = new QueuedThreadPool(32, 4);
    threads.setName("gh-web");
    threads.setDaemon(true);
    Server server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setRequestHeaderSize(MAX_REQUEST_HEADER);
    ServerConnector connector;
    if (web.tls() != null) {
      KeyStore ks = PemKeyStore.of(
          Secrets.resolve(web.tls().certificate(), "web.tls.certificate"),
          Secrets.resolve(web.tls().key(), "web.tls.key"));
      SslContextFactory.Server ssl = new SslContextFactory.Server();
      ssl.setKeyStore(ks);
      ssl.setKeyStorePassword("");
      ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
      http.addCustomizer(new SecureRequestCustomizer(false));
      connector = new ServerConnector(server, new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(http));
    } else {
      connector = new ServerConnector(server, new HttpConnectionFactory(http));
    }
    ListenAddress listen = web.listenAddress();
    connector.setHost(listen.host());
    connector.setPort(listen.port());
    connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
    server.addConnector(connector);
    NetworkConnectionLimit limit = new NetworkConnectionLimit(MAX_CONNECTIONS, connector);
    limit.setEndPointIdleTimeout(IDLE_TIMEOUT_AT_LIMIT.toMillis());
    server.addBean(limit);
    // Jetty's own answers (431, 414, 413, a bad URI, an escaped exception) as JSON with the headers.
    server.setErrorHandler(new JsonErrors());
    IssuanceHandler issuance = new IssuanceHandler(config, sshPort, ca, ledger, verifier, audit, Clock.systemUTC());
    ReplayWeb replay = null;
    McpHttpEndpoint mcp = null;
    SearchIndexer indexer = null;
    SearchIndex search = null;
    GatewayConfig c = config.get();
    if ((c.oidc() != null && verifier != null) || web.localLogin()) {
      search = SearchIndex.open(c.databaseFile(), c.dataDir());
      indexer = SearchIndexer.start(search, CATCH_UP);
      index.onEnded(indexer::sessionEnded);
      AccessTokenVerifier accessTokens = c.oidc() == null ? null : new AccessTokenVerifier(new OidcSettings(c.oidc().issuer(), c.oidc().clientId(),
          c.oidc().identityClaim(), c.oidc().groupsClaim(), c.oidc().maxTokenAge(), OidcSettings.DEFAULT_CLOCK_SKEW),
          Clock.systemUTC());
      Metrics metrics = new Metrics();
      audit.observe(metrics::audited);
      replay = ReplayWeb.create(server, new GatewayReplayContext(config, connector::getLocalPort, verifier, accessTokens,
          index, search, registry, approvals, audit, witness, ledger), metrics);
      if (web.mcp() && accessTokens != null) {
        // The MCP endpoint before the replay web: /mcp and its metadata are its own, whatever /api does.
        mcp = McpHttpEndpoint.create(services, connector::getLocalPort, accessTokens);
        server.setHandler(bounded(new Handler.Sequence(issuance, new Health(), mcp, replay.handler(), new NotFound())));
      } else {
        server.setHandler(bounded(new Handler.Sequence(issuance, new Health(), replay.handler(), new NotFound())));
      }
    } else {
      server.setHandler(bounded(new Handler.Sequence(issuance, new Health(), new NotFound())));
    }
    try {
      server.start();
    } catch (Exception e) {
      if (mcp != null) {
        mcp.close();
      }
      if (indexer != null) {
        indexer.close();
        search.close();
        replay.close();
      }
      throw new IOException("cannot listen on web.listen " + web.listen() + ": " + e.getMessage(), e);
    }
    if (replay != null) {
      // The replay page checks the whole audit chain; its first look reads every line (seconds on a
      // large log), later ones only what was appended. Take that first look now, not in a page view.
      Path auditFile = c.auditFile();
      Thread warm = new Thread(() -> {
        try {
          IntegrityCheck.prepare(auditFile);
        } catch (IOException | RuntimeException e) {
          LOG.warn("reading the audit log ahead of the replay pages' integrity checks: {}", e.toString());
        }
      }, "gh-audit-index");
      warm.setDaemon(true);
      warm.start();
    }
    return new WebServer(server, connector, replay, indexer, search, mcp);
  }

  /**
   * Every request body is bounded before it reaches a handler: a declared length over {@link
   * #MAX_REQUEST_BODY} is refused unread, a streamed one as it passes it. Handlers that read a body
   * bound it tighter, with a deadline ({@link dev.gatehouse.web.RequestBody}), and answer first.
   */
  private static Handler bounded(Handler handler) {
    SizeLimitHandler limit = new SizeLimitHandler(MAX_REQUEST_BODY, -1);
    limit.setHandler(handler);
    return limit;
  }

  public int port() {
    return connector.getLocalPort();
  }

  /** See {@link ReplayWeb#configChanged}; nothing when the replay web is not served. */
  public int configChanged() {
    return replay == null ? 0 : replay.configChanged();
  }

  @Override
  public void close() {
    if (mcp != null) {
      mcp.close(); // its sessions end recorded before the listener goes
    }
    try {
      server.stop();
    } catch (Exception e) {
      // Shutting down anyway.
    }
    if (replay != null) {
      replay.close();
      indexer.close();
      search.close();
    }
  }

  private static final class Health extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      if (!Request.getPathInContext(request).equals("/healthz")) {
        return false;
      }
      return dev.gatehouse.web.Replies.json(response, callback, 200,
          new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode().put("status", "ok"));
    }
  }

  private static final class NotFound extends Handler.Abstract {
    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      return dev.gatehouse.web.Replies.error(response, callback, 404, "not-found", "no such endpoint");
    }
  }
}
