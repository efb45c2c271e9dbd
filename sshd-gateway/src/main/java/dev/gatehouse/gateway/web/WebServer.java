package dev.gatehouse.gateway.web;

import dev.gatehouse.gateway.Audit;
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
import dev.gatehouse.recorder.SessionIndex;
import dev.gatehouse.recorder.search.SearchIndex;
import dev.gatehouse.recorder.search.SearchIndexer;
import dev.gatehouse.web.Metrics;
import dev.gatehouse.web.ReplayWeb;
import java.time.Duration;
import java.io.IOException;
import java.security.KeyStore;
import java.time.Clock;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The HTTP side of the gateway on {@code web.listen}: HTTPS from {@code web.tls}, or plain HTTP
 * behind a TLS-terminating proxy. Serves {@code /v1} (certificate issuance), {@code /healthz} and,
 * with {@code oidc} or {@code web.localLogin}, the replay web ({@code /auth}, {@code /api}, {@code /metrics}, the UI), whose
 * search index it keeps filled: every session that ends here is indexed at once, others by a
 * catch-up every {@link #CATCH_UP}.
 */
public final class WebServer implements AutoCloseable {
  static final Duration CATCH_UP = Duration.ofSeconds(30);
  private final Server server;
  private final ServerConnector connector;
  private final ReplayWeb replay;
  private final SearchIndexer indexer;
  private final SearchIndex search;

  private WebServer(Server server, ServerConnector connector, ReplayWeb replay, SearchIndexer indexer,
      SearchIndex search) {
    this.server = server;
    this.connector = connector;
    this.replay = replay;
    this.indexer = indexer;
    this.search = search;
  }

  public static WebServer start(
      WebSettings web, Supplier<GatewayConfig> config, IntSupplier sshPort, CertificateAuthority ca, CertificateLedger ledger,
      IdTokenVerifier verifier, Audit audit, SessionIndex index, SessionRegistry registry, ApprovalDesk approvals)
      throws IOException {
    QueuedThreadPool threads = new QueuedThreadPool(32, 4);
    threads.setName("gh-web");
    threads.setDaemon(true);
    Server server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
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
    server.addConnector(connector);
    IssuanceHandler issuance = new IssuanceHandler(config, sshPort, ca, ledger, verifier, audit, Clock.systemUTC());
    ReplayWeb replay = null;
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
          index, search, registry, approvals, audit), metrics);
      server.setHandler(new Handler.Sequence(issuance, new Health(), replay.handler(), new NotFound()));
    } else {
      server.setHandler(new Handler.Sequence(issuance, new Health(), new NotFound()));
    }
    try {
      server.start();
    } catch (Exception e) {
      if (indexer != null) {
        indexer.close();
        search.close();
        replay.close();
      }
      throw new IOException("cannot listen on web.listen " + web.listen() + ": " + e.getMessage(), e);
    }
    return new WebServer(server, connector, replay, indexer, search);
  }

  public int port() {
    return connector.getLocalPort();
  }

  @Override
  public void close() {
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
