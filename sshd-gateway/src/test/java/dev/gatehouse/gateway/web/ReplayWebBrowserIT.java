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
import dev.gatehouse.recorder.SessionState;
import dev.gatehouse.recorder.approval.ApprovalRequest;
import dev.gatehouse.recorder.approval.ApprovalState;
import dev.gatehouse.recorder.approval.ApprovalStore;
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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replay web UI in a real browser against real parts: a gateway with web + OIDC, navikt's
 * mock-oauth2-server with its interactive login page, a real PostgreSQL behind the postgres
 * target, the real OpenSSH client in a tmux terminal, and Debian's headless Chromium driven by
 * playwright-core from {@code replay-web/frontend/test/e2e.mjs}. The script asserts what the
 * auditor sees (the terminal text in the player, the player's position after a click) and
 * prints one JSON line per step, which this test checks again. Screenshots stay in
 * {@code target/replay-web-e2e/}.
 */
class ReplayWebBrowserIT {
  static final Path CHROMIUM = Path.of(System.getProperty("gatehouse.chromium", "/usr/bin/chromium"));
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  static MockOAuth2Server idp;
  static PostgresServer pg;
  static Gateway gateway;
  static GatewayConfig config;
  static Path knownHosts;
  static String webUrl;
  static Path frontend;

  @BeforeAll
  static void start() throws Exception {
    assertThat(Files.isExecutable(CHROMIUM))
        .as("Chromium missing at %s: the browser test needs Debian's chromium (apt-get install -y chromium;"
            + " .ci/run installs it). It is not downloaded by the build.", CHROMIUM)
        .isTrue();
    frontend = frontendDir();
    assertThat(frontend.resolve("node_modules/playwright-core"))
        .as("playwright-core not installed under %s: the Maven build runs `npm ci` there", frontend)
        .isDirectory();

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

  @AfterAll
  static void stop() throws Exception {
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

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void anAuditorLogsInFindsABlockedStatementReplaysItLandsOnItAndApprovesARequest() throws Exception {
    String tag = UUID.randomUUID().toString().substring(0, 8);
    String alice = "alice-" + tag + "@example.com";
    String probe = "gh-e2e-" + tag;
    Path key = sign(alice, List.of("dev"));

    // A person's interactive psql session: a recognisable query, a blocked statement, another query,
    // a few seconds apart so that each has its own moment in the recording.
    try (TmuxTerminal t = TmuxTerminal.start(dir.resolve("tmux-" + tag), 120, 30, sshArgv(key, "prod-db", List.of("-t")))) {
      t.awaitScreen("prod-db=>", Duration.ofSeconds(30));
      t.type("select '" + probe + "' as probe; ");
      t.awaitScreen(Pattern.quote(probe) + "[\\s\\S]*\\(1 row\\)", Duration.ofSeconds(10));
      Thread.sleep(1500);
      t.type("drop table orders; ");
      t.awaitScreen("blocked by rule drop-table", Duration.ofSeconds(10));
      Thread.sleep(1500);
      t.type("select 42 as answer; ");
      t.awaitScreen("answer[\\s\\S]*42", Duration.ofSeconds(10));
      t.type("\\q");
      awaitSession(alice, s -> s.state() != SessionState.ACTIVE);
    }
    assertThat(pg.superSql("app", "select count(*) from pg_tables where tablename = 'orders'")).isEqualTo("1");

    // An agent's DDL is held for approval (ddl is a review rule; NOWAIT: exit 76 and the request id).
    String ddl = "alter table orders add column note_" + tag + " text";
    List<String> agent = sshArgv(key, "prod-db", List.of("-o", "SetEnv=GATEHOUSE_NOWAIT=1"));
    agent.add(ddl);
    Exec held = exec(agent);
    assertThat(held.exitCode()).as(held.toString()).isEqualTo(76);
    Matcher requestId = Pattern.compile("request ([0-9A-F]{4,8})").matcher(held.err());
    assertThat(requestId.find()).as(held.err()).isTrue();
    String pendingId = requestId.group(1);

    // Someone still at work on the shell target: a line every half second, watched live and terminated.
    String carol = "carol-" + tag + "@example.com";
    String reason = "incident " + tag + ": stop now";
    TmuxTerminal live = TmuxTerminal.start(dir.resolve("tmux-live-" + tag), 100, 25,
        sshArgv(sign(carol, List.of("dev")), "shell", List.of("-t")));
    List<JsonNode> steps;
    String auditor = "auditor-" + tag + "@example.com";
    try (live) {
      live.awaitScreen("\\$", Duration.ofSeconds(20));
      live.type("i=0; while :; do i=$((i+1)); echo tick-$i; sleep 0.5; done");
      live.awaitScreen("tick-3", Duration.ofSeconds(10));

      Map<String, String> env = new LinkedHashMap<>();
      env.put("GH_LOGIN_USER", "auditor-" + tag);
      env.put("GH_LOGIN_CLAIMS", JSON.writeValueAsString(Map.of("email", auditor, "groups", List.of("security", "dba-leads"))));
      env.put("GH_EXPECT_IDENTITY", auditor);
      env.put("GH_SEARCH", probe);
      env.put("GH_EXPECT_SCREEN", "select '" + probe + "' as probe;");
      env.put("GH_BLOCKED_TEXT", "drop table orders");
      env.put("GH_APPROVE_STATEMENT", ddl);
      env.put("GH_LIVE_IDENTITY", carol);
      env.put("GH_LIVE_TEXT", "tick-");
      env.put("GH_TERMINATE_REASON", reason);
      steps = runBrowser("session-" + tag, env);

      // The person at the terminal is told who ended the session and why.
      live.awaitScreen("terminated by " + Pattern.quote(auditor) + ": " + Pattern.quote(reason), Duration.ofSeconds(10));
    }
    awaitSession(carol, s -> s.state() != SessionState.ACTIVE);

    JsonNode login = step(steps, "login");
    assertThat(login.path("identity").asText()).isEqualTo(auditor);
    JsonNode hit = step(steps, "open-hit");
    assertThat(hit.path("url").asText()).contains("/sessions/").contains("#t=");
    assertThat(hit.path("integrity").asText()).isEqualTo("ok");
    assertThat(Math.abs(hit.path("playerTime").asDouble() - hit.path("hitTime").asDouble())).isLessThan(0.25);
    JsonNode blocked = step(steps, "blocked-marker");
    assertThat(blocked.path("markerTime").asDouble()).isGreaterThan(1.0); // typed after the probe query
    assertThat(Math.abs(blocked.path("playerTime").asDouble() - blocked.path("markerTime").asDouble())).isLessThan(0.05);
    assertThat(blocked.path("screen").toString()).contains("drop table orders");
    JsonNode watched = step(steps, "live");
    assertThat(watched.path("source").asText()).isEqualTo("live");
    assertThat(watched.path("later").asInt()).isGreaterThanOrEqualTo(watched.path("first").asInt() + 2);
    assertThat(step(steps, "terminate").path("notice").asText()).contains("ended");

    // What the approver did in the browser: the store says so, and the agent's retry now runs (once).
    try (ApprovalStore store = ApprovalStore.open(config.databaseFile())) {
      ApprovalRequest decided = store.find(pendingId).orElseThrow();
      assertThat(decided.state()).isEqualTo(ApprovalState.APPROVED);
      assertThat(decided.decisions()).anySatisfy(d -> assertThat(d.approver()).isEqualTo(auditor));
    }
    Exec retry = exec(agent);
    assertThat(retry.exitCode()).as(retry.toString()).isZero();
    assertThat(pg.superSql("app", "select count(*) from information_schema.columns where table_name = 'orders'"
        + " and column_name = 'note_" + tag + "'")).isEqualTo("1");
  }

  /**
   * Not a regression test (enable with -Dgatehouse.webPerf=true): recordings of 10 and 100 MiB
   * (-Dgatehouse.webPerf.sizes=10,100) made through the gateway from bulk output, each opened three
   * times in a fresh browser page; prints time from navigation to the first frame drawn.
   */
  @Test
  @EnabledIfSystemProperty(named = "gatehouse.webPerf", matches = "true")
  @Timeout(value = 1800, unit = TimeUnit.SECONDS)
  void largeRecordingsStartPlaying() throws Exception {
    String tag = UUID.randomUUID().toString().substring(0, 8);
    String bob = "bob-" + tag + "@example.com";
    Path key = sign(bob, List.of("dev"));
    List<String> ids = new ArrayList<>();
    for (String size : System.getProperty("gatehouse.webPerf.sizes", "10,100").split(",")) {
      int mib = Integer.parseInt(size.strip());
      // base64 of random bytes, 100 columns a line: about 1.04 bytes of cast per byte of output
      long raw = (long) mib * 1024 * 1024 * 3 / 4 * 100 / 104;
      List<String> argv = sshArgv(key, "shell", List.of());
      argv.add("head -c " + raw + " /dev/urandom | base64 -w 100");
      Process p = new ProcessBuilder(argv).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
      assertThat(p.waitFor(600, TimeUnit.SECONDS)).isTrue();
      SessionRecord s = awaitSession(bob, r -> r.state() != SessionState.ACTIVE && ids.stream().noneMatch(r.id()::equals));
      ids.add(s.id());
      System.out.printf("perf: session %s recording %.1f MiB%n", s.id(), s.bytes() / 1048576.0);
    }
    String auditor = "perf-" + tag + "@example.com";
    Map<String, String> env = new LinkedHashMap<>();
      env.put("GH_LOGIN_USER", "perf-" + tag);
      env.put("GH_LOGIN_CLAIMS", JSON.writeValueAsString(Map.of("email", auditor, "groups", List.of("security"))));
      env.put("GH_EXPECT_IDENTITY", auditor);
    env.put("GH_SEARCH", "");
    env.put("GH_PERF_SESSIONS", String.join(",", ids));
    env.put("GH_PERF_ONLY", "1");
    env.put("GH_PERF_REPEAT", System.getProperty("gatehouse.webPerf.repeat", "3"));
    System.setProperty("gatehouse.e2eTimeoutSeconds", System.getProperty("gatehouse.e2eTimeoutSeconds", "1200"));
    for (JsonNode n : runBrowser("perf-" + tag, env)) {
      if (n.path("step").asText().equals("perf")) {
        System.out.println("perf: " + n);
      }
    }
  }

  // ---- the browser ------------------------------------------------------------------------

  /** Runs e2e.mjs against this gateway; fails with its output unless it ends with E2E-OK. */
  static List<JsonNode> runBrowser(String name, Map<String, String> extraEnv) throws Exception {
    Path shots = Path.of("target", "replay-web-e2e", name).toAbsolutePath();
    Files.createDirectories(shots);
    ProcessBuilder pb = new ProcessBuilder("node", "test/e2e.mjs").directory(frontend.toFile()).redirectErrorStream(true);
    pb.environment().put("GH_BASE_URL", webUrl);
    pb.environment().put("GH_SCREENSHOTS", shots.toString());
    pb.environment().put("GH_CHROMIUM", CHROMIUM.toString());
    pb.environment().putAll(extraEnv);
    Path log = shots.resolve("e2e.log");
    pb.redirectOutput(log.toFile());
    Process p = pb.start();
    boolean done = p.waitFor(Long.getLong("gatehouse.e2eTimeoutSeconds", 240), TimeUnit.SECONDS);
    if (!done) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    String out = Files.readString(log);
    assertThat(done).as("e2e.mjs did not finish; its output:%n%s", out).isTrue();
    assertThat(p.exitValue()).as("e2e.mjs failed (screenshots in %s):%n%s", shots, out).isZero();
    assertThat(out).contains("E2E-OK");
    List<JsonNode> steps = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (line.startsWith("{\"step\"")) {
        steps.add(JSON.readTree(line));
      }
    }
    return steps;
  }

  static JsonNode step(List<JsonNode> steps, String name) {
    return steps.stream().filter(n -> n.path("step").asText().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no step " + name + " in " + steps));
  }

  static Path frontendDir() {
    String prop = System.getProperty("gatehouse.frontendDir");
    if (prop != null) {
      return Path.of(prop).toAbsolutePath().normalize();
    }
    Path here = Path.of("").toAbsolutePath();
    for (Path p = here; p != null; p = p.getParent()) {
      Path f = p.resolve("replay-web/frontend");
      if (Files.isRegularFile(f.resolve("test/e2e.mjs"))) {
        return f;
      }
    }
    throw new AssertionError("replay-web/frontend not found above " + here);
  }

  // ---- ssh, certificates, the index ------------------------------------------------------

  static Path sign(String identity, List<String> groups) throws Exception {
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

  static List<String> sshArgv(Path key, String user, List<String> options) {
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

  static SessionRecord awaitSession(String identity, java.util.function.Predicate<SessionRecord> done) throws Exception {
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

  static Exec exec(List<String> argv) throws IOException, InterruptedException {
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

  /** A real terminal for the ssh client (tmux on a private socket), as PostgresTargetIT uses. */
  static final class TmuxTerminal implements AutoCloseable {
    private final Path socket;

    private TmuxTerminal(Path socket) {
      this.socket = socket;
    }

    static TmuxTerminal start(Path dir, int columns, int rows, List<String> argv) throws IOException, InterruptedException {
      Files.createDirectories(dir);
      TmuxTerminal t = new TmuxTerminal(dir.resolve("tmux.sock"));
      StringBuilder cmd = new StringBuilder("exec");
      for (String a : argv) {
        cmd.append(" '").append(a.replace("'", "'\\''")).append('\'');
      }
      t.tmux("-f", "/dev/null", "new-session", "-d", "-s", "gh", "-x", String.valueOf(columns), "-y",
          String.valueOf(rows), cmd.toString());
      t.tmux("set-option", "-t", "gh", "status", "off");
      t.tmux("set-option", "-t", "gh", "remain-on-exit", "on");
      return t;
    }

    String tmux(String... args) throws IOException, InterruptedException {
      List<String> cmd = new ArrayList<>(List.of("tmux", "-S", socket.toString()));
      cmd.addAll(Arrays.asList(args));
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
      pb.environment().remove("TMUX");
      pb.environment().remove("SSH_AUTH_SOCK");
      pb.environment().put("TERM", "xterm-256color");
      Process p = pb.start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as("tmux %s: %s", String.join(" ", args), out).isZero();
      return out;
    }

    /** Types {@code keys} literally, then Enter (a trailing ";" would be tmux's own separator: end with a space). */
    void type(String keys) throws IOException, InterruptedException {
      tmux("send-keys", "-t", "gh", "-l", keys);
      tmux("send-keys", "-t", "gh", "Enter");
    }

    String screen() throws IOException, InterruptedException {
      return tmux("capture-pane", "-p", "-t", "gh");
    }

    void awaitScreen(String regex, Duration timeout) throws IOException, InterruptedException {
      Pattern pattern = Pattern.compile(regex);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        String screen = screen();
        if (pattern.matcher(screen).find()) {
          return;
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError("screen never matched /" + regex + "/:\n" + screen);
        }
        Thread.sleep(100);
      }
    }

    @Override
    public void close() throws IOException, InterruptedException {
      ProcessBuilder pb = new ProcessBuilder("tmux", "-S", socket.toString(), "kill-server").redirectErrorStream(true);
      pb.environment().remove("TMUX");
      Process p = pb.start();
      p.getInputStream().readAllBytes();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
