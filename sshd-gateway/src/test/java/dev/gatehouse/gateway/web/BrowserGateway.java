package dev.gatehouse.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.gateway.Gateway;
import dev.gatehouse.gateway.config.ConfigLoader;
import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.gateway.postgres.PostgresServer;
import dev.gatehouse.keys.CertificateAuthority;
import dev.gatehouse.keys.CertificateLedger;
import dev.gatehouse.keys.UserCertificateRequest;
import dev.gatehouse.recorder.SessionIndex;
import dev.gatehouse.recorder.SessionQuery;
import dev.gatehouse.recorder.SessionRecord;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/**
 * What the browser tests run against: a gateway with web + OIDC on free loopback ports, navikt's
 * mock-oauth2-server with its interactive login page (realm "corp"), a real PostgreSQL behind the
 * postgres target {@code prod-db} (approvers: group dba-leads; ddl is reviewed, drop-table blocked),
 * a command target {@code shell}; and the means to use them as people do: certificates from the
 * gateway's CA, the real OpenSSH client (host keys checked), a tmux terminal, and
 * {@code replay-web/frontend/test/e2e.mjs} in Debian's headless Chromium. Web roles: group
 * security is auditor, dba-leads approver.
 */
final class BrowserGateway implements AutoCloseable {
  static final ObjectMapper JSON = E2eBrowser.JSON;

  final Path dir;
  MockOAuth2Server idp;
  PostgresServer pg;
  Gateway gateway;
  GatewayConfig config;
  Path knownHosts;
  String webUrl;
  Path frontend;

  private BrowserGateway(Path dir) {
    this.dir = dir;
  }

  /** Checks the browser and node first: a machine without them fails here, naming what is missing. */
  static BrowserGateway start(Path dir) throws Exception {
    BrowserGateway g = new BrowserGateway(dir);
    try {
      g.startAll();
      return g;
    } catch (Exception | Error e) {
      g.close();
      throw e;
    }
  }

  private void startAll() throws Exception {
    frontend = E2eBrowser.checkInstalled();

    idp = new MockOAuth2Server(new OAuth2Config(true));
    idp.start(InetAddress.getLoopbackAddress(), 0);
    String issuer = idp.issuerUrl("corp").toString().replaceAll("/$", "");

    pg = PostgresServer.start(false);
    pg.superSql("app", "SET ROLE app_rw; CREATE TABLE orders (id int PRIMARY KEY, note text);");

    int webPort = freePort();
    webUrl = "http://127.0.0.1:" + webPort;
    String yaml = """
        dataDir: "%s"
        ssh:
          listen: "127.0.0.1:0"
          hostNames: [127.0.0.1, localhost]
        web:
          listen: "127.0.0.1:%d"
          publicUrl: "%s"
          roles: { auditor: [security], approver: [dba-leads] }
        oidc:
          issuer: "%s"
          clientId: gatehouse
          identityClaim: email
          groupsClaim: groups
        targets:
          - name: prod-db
            type: postgres
            postgres: { host: 127.0.0.1, port: %d, database: app, user: app_rw, password: "file:%s", tls: disable }
            runAs: nobody
            allow: { groups: [dev] }
            approvers: { groups: [dba-leads], min: 1 }
            policy: default-sql
          - name: shell
            type: command
            command: ["/bin/sh", "-i"]
            exec: ["/bin/sh", "-c"]
            env: { PATH: "/usr/bin:/bin" }
            runAs: nobody
            allow: { groups: [dev] }
        policies:
          default-sql:
            block: [drop-database, drop-table, truncate, delete-without-where, update-without-where]
            review: [ddl, grant, role-change, server-files, copy-program, dynamic-sql, system-settings]
            unclassified: review
        """.formatted(dir.resolve("data"), webPort, webUrl, issuer, pg.port, pg.passwordFile());
    Path configFile = dir.resolve("gatehouse.yaml");
    Files.writeString(configFile, yaml);
    config = ConfigLoader.load(configFile);
    gateway = Gateway.start(config);
    knownHosts = dir.resolve("known_hosts");
    Files.writeString(knownHosts,
        gateway.certificateAuthority().knownHostsLine(List.of("[127.0.0.1]:" + gateway.port())) + "\n");
  }

  @Override
  public void close() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
    if (pg != null) {
      pg.close();
    }
    if (idp != null) {
      idp.shutdown();
    }
  }

  // ---- the browser ------------------------------------------------------------------------

  /** Runs e2e.mjs against this gateway; fails with its output unless it ends with E2E-OK. */
  List<JsonNode> runBrowser(String name, Map<String, String> extraEnv, Duration timeout) throws Exception {
    return E2eBrowser.run(webUrl, name, extraEnv, timeout);
  }

  static JsonNode step(List<JsonNode> steps, String name) {
    return E2eBrowser.step(steps, name);
  }

  // ---- ssh, certificates, the index ------------------------------------------------------

  Path sign(String identity, List<String> groups) throws Exception {
    Path keyDir = Files.createTempDirectory(dir, "key-");
    Path key = keyDir.resolve("id_ed25519");
    run("/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", identity, "-f", key.toString());
    PublicKey pub = readPublicKey(Path.of(key + ".pub"));
    CertificateAuthority ca = gateway.certificateAuthority();
    OpenSshCertificate cert;
    try (CertificateLedger ledger = CertificateLedger.open(config.databaseFile())) {
      cert = ca.signUserCertificate(pub,
          new UserCertificateRequest(identity, groups, Duration.ofHours(1), null, true, true, false, false), ledger);
    }
    Files.writeString(Path.of(key + "-cert.pub"), PublicKeyEntry.toString(cert) + " " + identity + "\n");
    return key;
  }

  static PublicKey readPublicKey(Path file) throws IOException {
    try {
      return AuthorizedKeyEntry.parseAuthorizedKeyEntry(Files.readString(file).trim())
          .resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
    } catch (GeneralSecurityException e) {
      throw new IOException(e);
    }
  }

  List<String> sshArgv(Path key, String user, List<String> options) {
    List<String> argv = new ArrayList<>(List.of(
        "/usr/bin/ssh", "-F", "/dev/null", "-p", String.valueOf(gateway.port()),
        "-o", "UserKnownHostsFile=" + knownHosts,
        "-o", "GlobalKnownHostsFile=/dev/null",
        "-o", "StrictHostKeyChecking=yes",
        "-o", "BatchMode=yes",
        "-o", "IdentitiesOnly=yes",
        "-o", "IdentityAgent=none",
        "-o", "ConnectTimeout=10",
        "-o", "LogLevel=ERROR",
        "-i", key.toString(),
        "-o", "CertificateFile=" + key + "-cert.pub"));
    argv.addAll(options);
    argv.add(user + "@127.0.0.1");
    return argv;
  }

  SessionRecord awaitSession(String identity, java.util.function.Predicate<SessionRecord> done) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      List<SessionRecord> list;
      try (SessionIndex index = SessionIndex.open(config.databaseFile())) {
        list = index.list(new SessionQuery(identity, null, null, null, null, 100));
      }
      for (SessionRecord s : list) {
        if (done.test(s)) {
          return s;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("sessions of " + identity + ": " + list);
      }
      Thread.sleep(100);
    }
  }

  record Exec(int exitCode, String out, String err) {}

  Exec exec(List<String> argv) throws IOException, InterruptedException {
    Path out = Files.createTempFile(dir, "out-", ".txt");
    Path err = Files.createTempFile(dir, "err-", ".txt");
    Process p = new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectError(err.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finished", argv).isTrue();
    return new Exec(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static String run(String... argv) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("%s: %s", String.join(" ", argv), out).isZero();
    return out;
  }
}
