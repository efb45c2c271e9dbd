package dev.gatehouse.gateway;

import dev.gatehouse.gateway.auth.AuthenticatedUser;
import dev.gatehouse.gateway.auth.CertificateLogin;
import dev.gatehouse.gateway.auth.DeviceLogin;
import dev.gatehouse.gateway.config.ConfigException;
import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.gateway.config.ListenAddress;
import dev.gatehouse.gateway.config.RestartOnlyKeys;
import dev.gatehouse.gateway.config.TargetConfig;
import dev.gatehouse.gateway.config.TargetType;
import dev.gatehouse.gateway.session.LiveSession;
import dev.gatehouse.gateway.session.Pruning;
import dev.gatehouse.gateway.session.SessionRegistry;
import dev.gatehouse.gateway.sshtarget.DownstreamClient;
import dev.gatehouse.gateway.postgres.CancelRegistry;
import dev.gatehouse.gateway.kube.KubeProxies;
import dev.gatehouse.gateway.kube.KubeTargets;
import dev.gatehouse.gateway.postgres.PostgresTargets;
import dev.gatehouse.gateway.psql.ForwardedPostgres;
import dev.gatehouse.gateway.config.OidcConfig;
import dev.gatehouse.gateway.web.WebServer;
import dev.gatehouse.keys.oidc.IdTokenVerifier;
import dev.gatehouse.keys.oidc.OidcSettings;
import dev.gatehouse.keys.oidc.SqliteReplayGuard;
import dev.gatehouse.gateway.routing.GatewayChannel;
import dev.gatehouse.gateway.sandbox.Sandbox;
import dev.gatehouse.gateway.routing.TargetRouter;
import dev.gatehouse.gateway.terminal.UnixUser;
import dev.gatehouse.keys.CertificateAuthority;
import dev.gatehouse.keys.CertificateLedger;
import dev.gatehouse.keys.UserCertificateChecker;
import dev.gatehouse.recorder.AuditCode;
import dev.gatehouse.recorder.AuditLog;
import dev.gatehouse.recorder.ChainHead;
import dev.gatehouse.recorder.ChainWitness;
import dev.gatehouse.recorder.CheckpointCheck;
import dev.gatehouse.recorder.IntegrityCheck;
import dev.gatehouse.recorder.JournaledHead;
import dev.gatehouse.recorder.KillRequest;
import dev.gatehouse.recorder.SessionIndex;
import dev.gatehouse.recorder.SessionState;
import dev.gatehouse.recorder.approval.ApprovalStore;
import dev.gatehouse.gateway.approval.ApprovalDesk;
import dev.gatehouse.recorder.SessionRecord;
import dev.gatehouse.recorder.StartupRepair;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.common.NamedFactory;
import org.apache.sshd.common.cipher.BuiltinCiphers;
import org.apache.sshd.common.cipher.Cipher;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.forward.RejectAllForwardingFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running gateway: the SSH server with certificate login, the target router, the store and
 * the control loop that applies revocations, certificate expiry and kill requests from other
 * processes within a second.
 */
public final class Gateway implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
  private static final long CONTROL_PERIOD_MS = 300;
  private static final long CHAIN_HEAD_PERIOD_S = 60;

  private final DataDirLock dataDirLock;
  private final ChainWitness witness;
  /** The last chain head logged to the journal, kept beside the audit log for the next start. */
  private final JournaledHead journaled;
  private final CertificateAuthority ca;
  private final CertificateLedger ledger;
  private final SessionIndex index;
  private final AuditLog auditLog;
  private final Audit audit;
  private final SessionRegistry registry = new SessionRegistry();
  private final DownstreamClient downstream;
  /** PostgreSQL cancel keys of every proxied session: a CancelRequest arrives on a new connection. */
  private final CancelRegistry cancels = new CancelRegistry();
  private final IdTokenVerifier tokenVerifier;
  private final ApprovalStore approvalStore;
  private final ApprovalDesk approvals;
  /** The kubernetes targets' API proxies: kept across reloads (live sessions hold tokens on them). */
  private final KubeProxies kubeProxies = new KubeProxies();
  private final SqliteReplayGuard replayGuard;
  private WebServer web;
  private final ExecutorService pumps = Executors.newCachedThreadPool(daemon("gh-pump"));
  private final ScheduledExecutorService timers = Executors.newScheduledThreadPool(2, daemon("gh-timer"));
  /**
   * The control loop alone: revocations, expiry and kills keep their one-second promise whatever
   * else the gateway's timers are doing.
   */
  private final ScheduledExecutorService control = Executors.newSingleThreadScheduledExecutor(daemon("gh-control"));
  private DeviceLogin deviceLogin;
  private final GatewaySshServer server;
  private final Sandbox sandbox;
  private volatile GatewayServices services;
  private long revocationVersion;
  /**
   * Running on the embedded defaults (no config file: the quick start). Their demo target has no
   * runAs on purpose, so what would be a warning about an operator's file is only noted.
   */
  private final boolean embeddedDefaults;

  private Gateway(GatewayConfig config, Path configFile, DataDirLock lock, boolean embeddedDefaults)
      throws IOException, ConfigException {
    this.embeddedDefaults = embeddedDefaults;
    Path dataDir = config.dataDir();
    dataDirLock = lock;
    ca = CertificateAuthority.init(config.caDirectory(), config.ssh().hostNames());
    ledger = CertificateLedger.open(config.databaseFile());
    index = SessionIndex.open(config.databaseFile());
    auditLog = AuditLog.open(config.auditFile());
    audit = new Audit(auditLog, config.audit().syncInterval());
    downstream = DownstreamClient.start(ca, config.ssh().ciphers());
    if (config.oidc() != null) {
      replayGuard = SqliteReplayGuard.open(config.databaseFile());
      tokenVerifier = new IdTokenVerifier(oidcSettings(config.oidc()), replayGuard, Clock.systemUTC());
    } else {
      replayGuard = null;
      tokenVerifier = null;
    }
    approvalStore = ApprovalStore.open(config.databaseFile());
    approvals = new ApprovalDesk(approvalStore, audit, () -> services.config(), timers, Clock.systemUTC());
    sandbox = Sandbox.probe(pathsChildrenNeverSee(config, configFile), probeUser());
    services = servicesFor(config);
    journaled = JournaledHead.besides(config.auditFile());
    // The start-up repair's own lines get their heads in the journal too, each right after its line.
    audit.onSealed(written -> journal(written.head()));
    repairLeftActive(config, lastJournaled(config));
    Instant startedAt = Instant.now();
    witness = ChainWitness.start(auditLog, startedAt, this::chainRewritten);
    dataDirLock.record(witness.startHead().seq(), startedAt);
    journal(witness.startHead());
    // From here on, every line that ends a session (or records a finding about one) has the chain
    // head written to the journal right after it: a copy off the data disk of the hash that vouches
    // for the recording.
    audit.onSealed(this::journalChainHead);
    // A pending request whose session died with a stopped gateway can never be used: cancelled.
    approvals.cancelOrphans(this::sessionActive);
    revocationVersion = ledger.revocationVersion();
    server = buildServer(config);
  }

  /** Starts a gateway on a configuration built in code; the CA is made on first start. */
  public static Gateway start(GatewayConfig config) throws IOException, ConfigException {
    return start(config, null, false);
  }

  /**
   * The same, naming the file the configuration came from (hidden from every session); {@code
   * null} means the embedded defaults ({@code serve} without a config file).
   */
  public static Gateway start(GatewayConfig config, Path configFile) throws IOException, ConfigException {
    return start(config, configFile, configFile == null);
  }

  private static Gateway start(GatewayConfig config, Path configFile, boolean embeddedDefaults)
      throws IOException, ConfigException {
    Path dataDir = config.dataDir();
    Files.createDirectories(dataDir);
    // The data directory holds keys, the store and recordings: nobody else reads it, a child
    // running as a target's runAs user included.
    Files.setPosixFilePermissions(dataDir, PosixFilePermissions.fromString("rwx------"));
    DataDirLock lock = DataDirLock.acquire(dataDir, Duration.ofSeconds(5));
    Gateway g;
    try {
      g = new Gateway(config, configFile, lock, embeddedDefaults);
    } catch (IOException | ConfigException | RuntimeException | Error e) {
      lock.close();
      throw e;
    }
    try {
      g.server.start();
    } catch (IOException e) {
      g.closeStores();
      throw new IOException("cannot listen on " + config.ssh().listen() + ": " + e.getMessage(), e);
    }
    if (config.web() != null) {
      try {
        g.web = WebServer.start(config.web(), () -> g.services.config(), g::port, g.ca, g.ledger, g.tokenVerifier, g.audit,
            g.index, g.registry, g.approvals, g.witness, () -> g.services);
      } catch (IOException e) {
        g.server.stop(true);
        g.closeStores();
        throw e;
      }
    }
    g.audit.record(AuditCode.GATEWAY_START, "listen", config.ssh().listen(), "port", g.port(),
        "targets", config.targets().size());
    g.control.scheduleWithFixedDelay(g::controlTick, CONTROL_PERIOD_MS, CONTROL_PERIOD_MS, TimeUnit.MILLISECONDS);
    g.timers.scheduleAtFixedRate(g::journalChainHead, CHAIN_HEAD_PERIOD_S, CHAIN_HEAD_PERIOD_S, TimeUnit.SECONDS);
    long checkpointMs = config.recording().checkpoint().toMillis();
    g.timers.scheduleAtFixedRate(g::checkpointTick, checkpointMs, checkpointMs, TimeUnit.MILLISECONDS);
    g.timers.scheduleAtFixedRate(g::retentionSweep, 1, TimeUnit.DAYS.toMinutes(1), TimeUnit.MINUTES);
    return g;
  }

  public int port() {
    return server.getPort();
  }

  /** Whether a session is live in the index (this gateway's or another's sharing the store). */
  private boolean sessionActive(String sessionId) {
    try {
      return index.find(sessionId).map(r -> r.state() == SessionState.ACTIVE).orElse(false);
    } catch (IOException e) {
      return true; // cannot tell: leave the request to its expiry
    }
  }

  /** Device logins waiting for their person now (0 without oidc). */
  public int deviceLoginsWaiting() {
    return deviceLogin == null ? 0 : deviceLogin.waiting();
  }

  public ApprovalDesk approvals() {
    return approvals;
  }

  /** The HTTP port (web.listen), or -1 without a web section. */
  public int webPort() {
    return web == null ? -1 : web.port();
  }

  static OidcSettings oidcSettings(OidcConfig c) {
    return new OidcSettings(c.issuer(), c.clientId(), c.identityClaim(), c.groupsClaim(), c.maxTokenAge(),
        OidcSettings.DEFAULT_CLOCK_SKEW);
  }

  public CertificateAuthority certificateAuthority() {
    return ca;
  }

  public GatewayConfig config() {
    return services.config();
  }

  /** Applies a new configuration to new sessions; live sessions keep the one they started with. */
  public void reload(GatewayConfig config) throws IOException, ConfigException {
    GatewayConfig running = services.config();
    // The store, audit log, CA and listener were opened at start from dataDir and ssh.*. A new
    // dataDir would send new recordings to a directory the index and `sessions verify` do not
    // look in, so it is refused; the other keys used only at start are named, and keep their
    // running values until a restart.
    if (!config.dataDir().equals(running.dataDir())) {
      throw new ConfigException("dataDir: " + running.dataDir() + " -> " + config.dataDir()
          + " cannot change on reload; restart the gateway to move the data directory");
    }
    List<String> restartNeeded = RestartOnlyKeys.changed(running, config);
    if (!restartNeeded.isEmpty()) {
      LOG.warn("reload: {} changed; these take effect only when the gateway is restarted (until then the running"
          + " values stay)", String.join(", ", restartNeeded));
    }
    services = servicesFor(config);
    if (web != null) {
      int ended = web.configChanged();
      if (ended > 0) {
        LOG.warn("reload: web.localLogin is off: {} operator browser session(s) ended", ended);
      }
    }
    audit.tryRecord(AuditCode.GATEWAY_START, "reason", "reload", "targets", config.targets().size(),
        "restartNeeded", restartNeeded);
  }

  private GatewayServices servicesFor(GatewayConfig config) throws IOException, ConfigException {
    KubeTargets kube = KubeTargets.of(config, kubeProxies); // first: a policy of the wrong type is named by its key
    return new GatewayServices(config, runAsUsers(config, embeddedDefaults), sandbox, index, audit, registry, downstream,
        cancels, PostgresTargets.of(config), kube, dev.gatehouse.gateway.shell.ShellTargets.of(config), pumps, timers,
        approvals, ledger);
  }

  /**
   * Resolves the runAs user of each target whose children run on the bastion (command targets,
   * psql for postgres targets, kubectl for kubernetes targets). A gateway that may switch users (root, or CAP_SETUID and
   * CAP_SETGID under the systemd unit) never starts a child as uid 0: a target without runAs runs
   * as 'nobody', and a runAs of uid 0 is refused. A gateway that cannot switch users runs children
   * as its own user inside the sandbox (whose user and mount namespaces are then the boundary), so
   * a configured runAs is an error rather than a silent no-op. A missing runAs is a warning in an
   * operator's file, but only a note on the embedded defaults, whose demo target is meant to run as
   * 'nobody' and which nobody can edit.
   */
  static Map<String, UnixUser> runAsUsers(GatewayConfig config, boolean embeddedDefaults)
      throws IOException, ConfigException {
    Map<String, UnixUser> users = new HashMap<>();
    boolean root = UnixUser.canSwitchUsers(); // root, or CAP_SETUID+CAP_SETGID
    for (TargetConfig t : config.targets()) {
      if (t.type() != TargetType.COMMAND && t.type() != TargetType.POSTGRES && t.type() != TargetType.KUBERNETES) {
        continue;
      }
      if (t.runAs() == null) {
        if (root && embeddedDefaults) {
          LOG.info("target '{}' (embedded defaults): its sessions run as 'nobody'", t.name());
          users.put(t.name(), UnixUser.lookup("nobody"));
        } else if (root) {
          LOG.warn("target '{}' has no runAs: its sessions run as 'nobody'", t.name());
          users.put(t.name(), UnixUser.lookup("nobody"));
        } else {
          LOG.info("target '{}': the gateway is not root, so its sessions run as this gateway's own user inside "
              + "the sandbox (which hides the data directory, the CA and the config)", t.name());
        }
        continue;
      }
      if (!root) {
        throw new ConfigException("target '" + t.name() + "': runAs '" + t.runAs()
            + "' needs a gateway running as root or with CAP_SETUID and CAP_SETGID (it switches users with setpriv)");
      }
      UnixUser u = UnixUser.lookup(t.runAs());
      if (u.uid() == 0 || u.gid() == 0) {
        throw new ConfigException("target '" + t.name() + "': runAs '" + t.runAs()
            + "' is uid or gid 0; children never run as root: name an unprivileged user");
      }
      users.put(t.name(), u);
    }
    return users;
  }

  /**
   * What no session's sandbox may show even where it lies below a tree the sandbox binds (a
   * command target sees /usr, /etc and /opt): the data and CA directories, the config file, and
   * every secret file the config names ({@code file:} passwords, certificates, keys).
   */
  static List<Path> pathsChildrenNeverSee(GatewayConfig config, Path configFile) {
    List<Path> hidden = new java.util.ArrayList<>(List.of(config.dataDir(), config.caDirectory()));
    if (configFile != null) {
      hidden.add(configFile);
    }
    List<String> secrets = new java.util.ArrayList<>();
    for (TargetConfig t : config.targets()) {
      if (t.postgres() != null) {
        secrets.add(t.postgres().password());
        secrets.add(t.postgres().rootCert());
      }
      if (t.kubernetes() != null) {
        secrets.add(t.kubernetes().token());
        secrets.add(t.kubernetes().rootCert());
        secrets.add(t.kubernetes().clientCert());
        secrets.add(t.kubernetes().clientKey());
      }
    }
    if (config.web() != null && config.web().tls() != null) {
      secrets.add(config.web().tls().certificate());
      secrets.add(config.web().tls().key());
    }
    if (config.web() != null) {
      secrets.add(config.web().clientSecret());
    }
    for (String s : secrets) {
      if (s != null && s.startsWith("file:")) {
        hidden.add(Path.of(s.substring("file:".length())));
      }
    }
    return hidden;
  }

  /** Who the start-up sandbox check runs as: 'nobody' when children will switch users. */
  private static UnixUser probeUser() throws IOException {
    return UnixUser.canSwitchUsers() ? UnixUser.lookup("nobody") : null;
  }

  private GatewaySshServer buildServer(GatewayConfig config) throws ConfigException {
    GatewaySshServer sshd = GatewaySshServer.create();
    ListenAddress listen = config.ssh().listenAddress();
    sshd.setHost(listen.host());
    sshd.setPort(listen.port());
    // MINA leaves Nagle on. Every statement through ssh -L is one small packet each way, and an
    // answer written in two TCP segments (channel data, then a window adjust or the next reply)
    // would wait for the client's delayed ACK: milliseconds per statement on an idle connection.
    CoreModuleProperties.TCP_NODELAY.set(sshd, true);
    // MINA's NIO2 transport; an answer's write into a forwarded channel completes on the proxy's
    // thread that wrote it instead of waking one of MINA's workers for it.
    sshd.setIoServiceFactoryFactory(WriteCompletions.factoryFactory());
    // Key exchange on elliptic curves (and the 2048-bit group for old clients): before any login a
    // client can ask for an 8192-bit Diffie-Hellman group (MINA's default list keeps group15-18 and
    // group exchange up to 8192 bits), which costs the server about 90 ms of CPU per connection
    // and the client nothing (a constant e), on the thread that handles every connection's input.
    sshd.setKeyExchangeFactories(sshd.getKeyExchangeFactories().stream()
        .filter(k -> !k.getName().startsWith("diffie-hellman-") || k.getName().equals("diffie-hellman-group14-sha256"))
        .toList());
    sshd.setKeyPairProvider(KeyPairProvider.wrap(ca.hostKeyPair()));
    sshd.setHostKeyCertificateProvider(session -> List.of(ca.hostCertificate()));
    BuiltinCiphers.ParseResult ciphers = BuiltinCiphers.parseCiphersList(config.ssh().ciphers());
    if (!ciphers.getUnsupportedFactories().isEmpty()) {
      throw new ConfigException("ssh.ciphers: unsupported " + ciphers.getUnsupportedFactories());
    }
    @SuppressWarnings({"unchecked", "rawtypes"})
    List<NamedFactory<Cipher>> factories = (List) ciphers.getParsedFactories();
    sshd.setCipherFactories(factories);
    deviceLogin = tokenVerifier == null
        ? null
        : new DeviceLogin(config.oidc(), tokenVerifier, ledger, audit, Clock.systemUTC());
    UserCertificateChecker checker = new UserCertificateChecker(
        ca::trustedUserCaKeys, ledger::isRevoked, Clock.systemUTC(), deviceLogin == null ? null : ledger::binding);
    CertificateLogin.install(sshd, config.ssh(), checker, audit, deviceLogin);
    // Session channels, and direct-tcpip only into the PostgreSQL proxy (ssh -L PORT:TARGET:5432).
    sshd.setChannelFactories(List.of(GatewayChannel.FACTORY, ForwardedPostgres.factory(() -> services)));
    TargetRouter router = new TargetRouter(() -> services);
    sshd.setShellFactory(router);
    sshd.setCommandFactory(router);
    sshd.setForwardingFilter(RejectAllForwardingFilter.INSTANCE);
    sshd.setAgentFactory(null);
    sshd.setSubsystemFactories(List.of());
    return sshd;
  }

  /** Revocations, expiry and kill requests, from this or another process. */
  private void controlTick() {
    try {
      long v = ledger.revocationVersion();
      boolean revocationsChanged = v != revocationVersion;
      revocationVersion = v;
      Instant now = Instant.now();
      for (Session s : server.getActiveSessions()) {
        AuthenticatedUser u = s.getAttribute(AuthenticatedUser.KEY);
        if (u == null) {
          continue;
        }
        String why = null;
        if (now.isAfter(u.validBefore())) {
          why = "cert-expired";
        } else if (revocationsChanged && ledger.isRevoked(u.serial(), u.identity(), u.validAfter())) {
          why = "revoked";
        }
        if (why != null) {
          endConnection(s, u, why);
        }
      }
      for (KillRequest k : index.takeKillRequests()) {
        LiveSession live = registry.find(k.sessionId());
        if (live != null) {
          // The person's terminal shows who and why: their words as data, nothing that acts on it.
          live.terminate("killed", "gatehouse: session terminated by " + dev.gatehouse.recorder.VisibleText.inline(k.by())
              + (k.reason() == null || k.reason().isBlank() ? "" : ": " + dev.gatehouse.recorder.VisibleText.inline(k.reason())));
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.error("control loop: {}", e.toString());
    }
  }

  private void endConnection(Session s, AuthenticatedUser u, String why) {
    String message = why.equals("revoked")
        ? "gatehouse: your certificate (serial " + Long.toUnsignedString(u.serial()) + ") was revoked; session closed"
        : "gatehouse: your certificate expired; session closed";
    boolean any = false;
    for (LiveSession live : registry.all()) {
      if (live.user() == u) {
        live.terminate(why, message);
        any = true;
      }
    }
    audit.tryRecord(AuditCode.SESSION_KILLED, "identity", u.identity(), "serial", Long.toUnsignedString(u.serial()),
        "reason", why, "client", u.clientAddress());
    // Give the sessions a moment to write their last line and close their recordings.
    control.schedule(() -> s.close(false), any ? 1500 : 0, TimeUnit.MILLISECONDS);
  }

  /** The daily retention sweep (the first a minute after start). */
  private void retentionSweep() {
    try {
      int n = Pruning.run(services.config(), index, audit, false, "retention-sweep").size();
      if (n > 0) {
        LOG.info("retention: pruned {} recordings", n);
      }
    } catch (IOException | RuntimeException e) {
      LOG.error("retention sweep failed: {}", e.toString());
    }
  }

  /**
   * At start, before listening: every session the index still calls active was left behind by a
   * stopped gateway. Each finding is an audit line saying what was found (see {@link StartupRepair}).
   */
  private void repairLeftActive(GatewayConfig config, ChainHead journaledBefore) throws IOException {
    for (StartupRepair.Finding f : StartupRepair.run(config.dataDir(), config.auditFile(), index, journaledBefore)) {
      SessionRecord r = f.session();
      if (f instanceof StartupRepair.NotWitnessed nw) {
        audit.record(AuditCode.SESSION_END_UNWITNESSED, "sessionId", r.id(), "identity", r.identity(),
            "target", r.target(), "endSeq", nw.endSeq(), "endEvent", nw.endEvent(), "endSha256", nw.endSha256(),
            "journaledSeq", nw.journaled().seq(), "recordingSha256", nw.recordingSha256());
        LOG.error("session {} ({} on {}): its {} line (audit seq {}) lies after the last chain head logged to the"
            + " journal (seq {}): written after that point, so nothing vouches for it (a gateway stopped before"
            + " logging its head, or the line was added while none ran); `gatehouse sessions verify --journal` tells",
            r.id(), r.identity(), r.target(), nw.endEvent(), nw.endSeq(), nw.journaled().seq());
        continue;
      }
      if (f instanceof StartupRepair.Repaired rep) {
        SessionIndex.Interrupted what = rep.what();
        CheckpointCheck cp = rep.checkpoint();
        audit.record(AuditCode.SESSION_INTERRUPTED, "sessionId", r.id(), "identity", r.identity(),
            "target", r.target(), "sha256", r.sha256(), "bytes", r.bytes(), "foundSha256", what.foundSha256(),
            "foundSize", what.foundSize() < 0 ? null : what.foundSize(), "size", what.size() < 0 ? null : what.size(),
            "checkpointSeq", cp == null ? null : cp.seq(), "checkpointHolds", cp == null ? null : cp.holds());
        if (cp != null && !cp.holds()) {
          LOG.error("session {}: its recording's first {} bytes no longer match its checkpoint (audit seq {}):"
              + " it was changed before this repair", r.id(), cp.size(), cp.seq());
        }
        LOG.warn("session {} ({} on {}) was left active by a stopped gateway: marked interrupted, recording repaired"
            + " (sha256 {} -> {})", r.id(), r.identity(), r.target(), what.foundSha256(), r.sha256());
      } else if (f instanceof StartupRepair.Unvouched u) {
        audit.record(AuditCode.SESSION_INTERRUPTED, "sessionId", r.id(), "identity", r.identity(),
            "target", r.target(), "sha256", null, IntegrityCheck.NOT_REPAIRED, u.reason(),
            "recordingSha256", u.recordingSha256());
        LOG.error("session {} ({} on {}) was left active, but the audit log cannot vouch that it had not ended ({}):"
            + " marked interrupted without repairing or hashing its recording (sha256 now {})", r.id(), r.identity(),
            r.target(), u.reason(), u.recordingSha256());
      } else if (f instanceof StartupRepair.AlreadyEnded ended) {
        audit.record(AuditCode.SESSION_INDEX_ALTERED, "sessionId", r.id(), "identity", r.identity(),
            "target", r.target(), "foundState", ended.found().state().wireName(),
            "foundSha256", ended.found().sha256(), "endSeq", ended.endSeq(), "endEvent", ended.endEvent(),
            "endSha256", ended.endSha256(), "recordingSha256", ended.recordingSha256(),
            "restoredState", r.state().wireName());
        LOG.error("session {} ({} on {}): the index called it active although the audit log ended it at seq {}:"
            + " the index was altered; the row is restored from the audit log and the recording left as found"
            + " (its sha256 now {}, the end line says {})", r.id(), r.identity(), r.target(), ended.endSeq(),
            ended.recordingSha256(), ended.endSha256());
      }
    }
  }

  /**
   * Every recording.checkpoint (1m): a checkpoint of each live recording, then the chain head
   * (covering them) to the journal. A gateway killed later leaves recordings whose bytes up to
   * their checkpoint are vouched for.
   */
  private void checkpointTick() {
    if (registry.size() == 0) {
      return;
    }
    for (LiveSession s : registry.all()) {
      try {
        s.checkpoint();
      } catch (RuntimeException e) {
        LOG.error("recording checkpoint of session {}: {}", s.id(), e.toString());
      }
    }
    audit.flush();
    journalChainHead();
  }

  /** Every minute, and after checkpoints: the chain head to the journal. */
  private void journalChainHead() {
    try {
      journal(witness.witness());
    } catch (IOException | RuntimeException e) {
      LOG.error("audit chain head unavailable: {}", e.toString());
    }
  }

  /** Right after each line that ends a session (or records a finding about one): its hash to the journal. */
  private void journalChainHead(AuditLog.Mark written) {
    try {
      journal(witness.witness(written));
    } catch (IOException | RuntimeException e) {
      LOG.error("audit chain head unavailable: {}", e.toString());
    }
  }

  /**
   * A chain head to the journal (stderr goes to the system journal under systemd: a copy off the
   * data disk), then beside the audit log as the last one logged, for the next start to compare.
   */
  private void journal(ChainHead head) {
    LOG.info(head.journalLine());
    try {
      journaled.record(head);
    } catch (IOException | RuntimeException e) {
      LOG.error("cannot record the last journaled chain head in {}: {}", journaled.file(), e.toString());
    }
  }

  /**
   * The last head the previous run logged to the journal; null when it is the chain's last line
   * (nothing was written after it). None recorded while the audit log has lines (the record was deleted, or the log was written without one): every end line in the log
   * is then after it — fail closed.
   */
  private ChainHead lastJournaled(GatewayConfig config) throws IOException {
    java.util.Optional<ChainHead> h = journaled.read();
    if (h.isPresent() && h.get().equals(auditLog.head())) {
      return null; // the last line has its head in the journal (a clean stop): nothing after it to read for
    }
    if (h.isPresent()) {
      return h.get();
    }
    if (Files.exists(config.auditFile()) && Files.size(config.auditFile()) > 0) {
      LOG.error("{} is missing: no record of the last chain head logged to the journal, so no end line in the"
          + " audit log is vouched for by it; `gatehouse sessions verify --journal` tells", journaled.file());
    }
    return new ChainHead(0, "0".repeat(64));
  }

  /** A line whose hash went to the journal changed: someone rewrote the audit log under the gateway. */
  private void chainRewritten(ChainWitness.Breach b) {
    LOG.error("AUDIT CHAIN REWRITTEN: {}; the journal holds the hash logged for seq {} ({}); run `gatehouse sessions"
        + " verify --journal` with this journal", b.detail(), b.seq(), b.expectedHash());
    audit.tryRecord(AuditCode.AUDIT_CHAIN_REWRITTEN, "lineSeq", b.seq(), "expectedHash", b.expectedHash(),
        "detail", b.detail());
  }

  /** What this gateway saw of the audit chain (for the replay page's integrity status). */
  public ChainWitness chainWitness() {
    return witness;
  }

  /** Stops accepting, tells live sessions, closes their recordings, then the stores. */
  @Override
  public void close() {
    // Stop taking connections first, then tell each live session and let it close its recording.
    try {
      server.stopListening();
    } catch (RuntimeException e) {
      LOG.warn("unbinding the SSH listener: {}", e.toString());
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (true) {
      // Every round, not once: a session that was starting when the drain began (its recording
      // already open, its target being spawned or connected) registers a moment later and must
      // be told and closed too. terminate() is a no-op for sessions already ending.
      for (LiveSession s : registry.all()) {
        s.terminate("gateway-stop", "gatehouse: the gateway is shutting down; session closed");
      }
      if (registry.size() == 0 || System.nanoTime() >= deadline) {
        break;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    try {
      server.stop(true);
    } catch (IOException e) {
      LOG.warn("stopping the SSH server: {}", e.toString());
    }
    audit.flush();
    audit.tryRecord(AuditCode.GATEWAY_STOP, "liveSessions", registry.size());
    control.shutdownNow();
    timers.shutdownNow();
    pumps.shutdownNow();
    closeStores();
  }

  private void closeStores() {
    if (web != null) {
      web.close();
    }
    if (deviceLogin != null) {
      deviceLogin.close();
    }
    approvals.close();
    approvalStore.close();
    kubeProxies.close();
    if (replayGuard != null) {
      replayGuard.close();
    }
    downstream.close();
    index.close();
    ledger.close();
    auditLog.close();
    dataDirLock.close();
  }

  public InetSocketAddress boundAddress() {
    return new InetSocketAddress(server.getHost(), server.getPort());
  }

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
