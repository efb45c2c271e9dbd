package dev.gatehouse.gateway.web;

import dev.gatehouse.gateway.Audit;
import dev.gatehouse.gateway.approval.ApprovalDesk;
import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.gateway.config.OidcConfig;
import dev.gatehouse.gateway.config.Secrets;
import dev.gatehouse.gateway.config.WebSettings;
import dev.gatehouse.gateway.session.SessionRegistry;
import dev.gatehouse.keys.CertificateLedger;
import dev.gatehouse.keys.oidc.AccessTokenVerifier;
import dev.gatehouse.keys.oidc.IdTokenVerifier;
import dev.gatehouse.recorder.AuditCode;
import dev.gatehouse.recorder.ChainWitness;
import dev.gatehouse.recorder.SessionIndex;
import dev.gatehouse.recorder.approval.ApprovalRefused;
import dev.gatehouse.recorder.approval.ApprovalRequest;
import dev.gatehouse.recorder.approval.ApprovalState;
import dev.gatehouse.recorder.search.SearchIndex;
import dev.gatehouse.web.Approvals;
import dev.gatehouse.web.LiveSessions;
import dev.gatehouse.web.ReplayWebContext;
import dev.gatehouse.web.WebConfig;
import dev.gatehouse.web.login.LoginLinks;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the gateway hands the replay web: its config, stores, verifiers, live sessions and approvals. */
final class GatewayReplayContext implements ReplayWebContext {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayReplayContext.class);

  private final Supplier<GatewayConfig> config;
  private final IntSupplier webPort;
  private final IdTokenVerifier idTokens;
  private final AccessTokenVerifier accessTokens;
  private final SessionIndex index;
  private final SearchIndex search;
  private final SessionRegistry registry;
  private final ApprovalDesk approvals;
  private final Audit audit;
  private final ChainWitness witness;
  private final CertificateLedger ledger;
  private volatile GatewayConfig lastConfig;
  private volatile WebConfig lastWebConfig;

  GatewayReplayContext(Supplier<GatewayConfig> config, IntSupplier webPort, IdTokenVerifier idTokens,
      AccessTokenVerifier accessTokens, SessionIndex index, SearchIndex search, SessionRegistry registry,
      ApprovalDesk approvals, Audit audit, ChainWitness witness, CertificateLedger ledger) {
    this.config = config;
    this.webPort = webPort;
    this.idTokens = idTokens;
    this.accessTokens = accessTokens;
    this.index = index;
    this.search = search;
    this.registry = registry;
    this.approvals = approvals;
    this.audit = audit;
    this.witness = witness;
    this.ledger = ledger;
  }

  @Override
  public WebConfig config() {
    GatewayConfig c = config.get();
    WebConfig w = lastWebConfig;
    if (c == lastConfig && w != null) {
      return w;
    }
    WebSettings web = c.web();
    OidcConfig oidc = c.oidc();
    String publicUrl = web.baseUrl(webPort.getAsInt());
    String secret = null;
    if (web.clientSecret() != null) {
      try {
        secret = new String(Secrets.resolve(web.clientSecret(), "web.clientSecret"), StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        LOG.error("web.clientSecret cannot be read ({}); logging in as a public client", e.getMessage());
      }
    }
    w = new WebConfig(URI.create(publicUrl), web.tls() != null || publicUrl.startsWith("https://"),
        oidc == null ? null : oidc.issuer(), oidc == null ? null : oidc.clientId(), secret,
        oidc == null ? null : oidc.scopes(), web.roles(), web.sessionIdle(), web.sessionMax(), web.localLogin());
    lastConfig = c;
    lastWebConfig = w;
    return w;
  }

  @Override
  public IdTokenVerifier idTokens() {
    return idTokens;
  }

  @Override
  public AccessTokenVerifier accessTokens() {
    return accessTokens;
  }

  @Override
  public SessionIndex index() {
    return index;
  }

  @Override
  public SearchIndex search() {
    return search;
  }

  @Override
  public Path dataDir() {
    return config.get().dataDir();
  }

  @Override
  public Path auditFile() {
    return config.get().auditFile();
  }

  @Override
  public ChainWitness chainWitness() {
    return witness;
  }

  @Override
  public LiveSessions live() {
    return registry::size;
  }

  @Override
  public Approvals approvals() {
    return approvals == null ? null : new Approvals() {
      @Override
      public List<ApprovalRequest> list(Set<ApprovalState> states, int limit) throws IOException {
        return approvals.list(states, limit);
      }

      @Override
      public ApprovalRequest decide(String id, String identity, Set<String> groups, boolean approve, String comment)
          throws IOException, ApprovalRefused {
        return approvals.decide(id, identity, groups, approve, comment, groups == null ? "web-local" : "web");
      }
    };
  }

  @Override
  public boolean revoked(String identity, Instant since) throws IOException {
    return ledger.isIdentityRevoked(identity, since);
  }

  @Override
  public void audit(AuditCode code, Object... keyValues) {
    audit.tryRecord(code, keyValues);
  }

  @Override
  public void auditOrFail(AuditCode code, Object... keyValues) throws IOException {
    audit.record(code, keyValues);
  }

  @Override
  public LoginLinks loginLinks() {
    return new LoginLinks(config.get().databaseFile(), Clock.systemUTC());
  }
}
