package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.gateway.web.E2eBrowser;
import dev.gatehouse.recorder.SessionState;
import dev.gatehouse.web.login.LoginLinks;
import java.io.IOException;
import java.io.InputStream;
import java.net.CookieManager;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The replay web without an identity provider, as the quick start runs it: {@code gatehouse serve}
 * in a process of its own on the embedded defaults (the jar's {@code gatehouse-defaults.yaml}, only
 * its two ports moved to free ones so that the test never collides with a gateway running on this
 * machine), a session recorded over the real OpenSSH client, and the one-time link the gateway
 * printed opened in headless Chromium. Also: links made by {@code gatehouse web login-link} in
 * another process, expired and unknown links, and the start refused where a link would cross a
 * network in clear.
 */
class LocalLoginIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern LINK = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)/auth/local\\?token=([A-Za-z0-9_-]{43})");
  @TempDir static Path dir;
  static Path configFile;
  static int webPort;
  static GatewayProcess gateway;
  static GatewayFixture ssh;
  static String printedLink;

  @BeforeAll
  static void start() throws Exception {
    int sshPort = freePort();
    webPort = freePort();
    String defaults;
    try (InputStream in = LocalLoginIT.class.getResourceAsStream("/gatehouse-defaults.yaml")) {
      defaults = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(defaults).contains("\"127.0.0.1:2222\"").contains("\"127.0.0.1:8080\"");
    configFile = dir.resolve("gatehouse.yaml");
    Files.writeString(configFile, "dataDir: \"" + dir.resolve("data") + "\"\n"
        + defaults.replace("\"127.0.0.1:2222\"", "\"127.0.0.1:" + sshPort + "\"")
            .replace("\"127.0.0.1:8080\"", "\"127.0.0.1:" + webPort + "\""));
    gateway = GatewayProcess.serve(dir, configFile, sshPort);
    printedLink = gateway.awaitStdout(LINK, Duration.ofSeconds(30)).group();
    ssh = GatewayFixture.external(dir, configFile, sshPort);
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void theLinkServePrintedOpensTheSessionsPageInChromiumWhereASessionRecordedOverSshReplays() throws Exception {
    E2eBrowser.checkInstalled();
    Matcher printed = LINK.matcher(printedLink);
    assertThat(printed.matches()).isTrue();
    assertThat(Integer.parseInt(printed.group(1))).isEqualTo(webPort);
    assertThat(gateway.stdout()).contains("works once, for 10 minutes").contains("web login-link");

    // The quick start's first session: a certificate from the gateway's CA, the demo target, real ssh.
    String identity = GatewayFixture.uniqueIdentity("first");
    String probe = "gh-first-" + UUID.randomUUID().toString().substring(0, 8);
    SshResult r = ssh.ssh(ssh.sign(identity, List.of("dev")), "shell").run("echo " + probe);
    assertThat(r.exitCode()).as("%s", r).isZero();
    assertThat(r.out()).contains(probe);
    ssh.awaitSession(identity, s -> s.state() != SessionState.ACTIVE);

    List<JsonNode> steps = E2eBrowser.run("http://127.0.0.1:" + webPort, "local-login-" + probe, Map.of(
        "GH_LOGIN_LINK", printedLink,
        "GH_EXPECT_IDENTITY", LoginLinks.OPERATOR,
        "GH_REPLAY_IDENTITY", identity,
        "GH_REPLAY_TEXT", probe), Duration.ofMinutes(3));

    JsonNode login = E2eBrowser.step(steps, "login");
    assertThat(login.path("loginPage").asText()).contains("gatehouse web login-link").contains("operator@local");
    assertThat(login.path("oidcOffered").asInt()).isZero(); // no oidc here: nothing else to offer
    assertThat(login.path("url").asText()).isEqualTo("http://127.0.0.1:" + webPort + "/");
    assertThat(login.path("header").asText()).contains("operator@local").contains("auditor").contains("approver");
    assertThat(login.path("sessionsShown").asInt()).isGreaterThanOrEqualTo(1);
    JsonNode replay = E2eBrowser.step(steps, "replay");
    assertThat(replay.path("url").asText()).contains("/sessions/");
    assertThat(replay.path("integrity").asText()).isEqualTo("ok");
    assertThat(replay.path("screen").toString()).contains(probe);
    assertThat(E2eBrowser.step(steps, "logout").path("apiMeStatus").asInt()).isEqualTo(401);
    JsonNode reused = E2eBrowser.step(steps, "link-reused");
    assertThat(reused.path("status").asInt()).isEqualTo(401);
    assertThat(reused.path("shown").asText()).contains("token-used").contains("gatehouse web login-link");
    assertThat(reused.path("apiMeStatus").asInt()).isEqualTo(401);

    // Audited: made by serve, used once from the browser, refused the second time; one linkId throughout.
    String token = printed.group(2);
    String linkId = LoginLinks.linkIdOf(token);
    assertThat(audit("GH1005I", linkId).path("via").asText()).isEqualTo("serve");
    JsonNode ok = audit("GH1003I", linkId);
    assertThat(ok.path("event").asText()).isEqualTo("local-login");
    assertThat(ok.path("identity").asText()).isEqualTo("operator@local");
    assertThat(ok.path("issuedBy").asText()).isEqualTo("serve");
    assertThat(ok.path("client").asText()).isEqualTo("127.0.0.1");
    JsonNode refused = audit("GH1004W", linkId);
    assertThat(refused.path("event").asText()).isEqualTo("local-login-failed");
    assertThat(refused.path("reason").asText()).isEqualTo("token-used");
    // The link is a password: it is in what serve printed for the operator, nowhere else.
    assertThat(Files.readString(ssh.dataDir().resolve("audit/audit.jsonl"))).doesNotContain(token);
    assertThat(gateway.stderr()).doesNotContain(token);
    for (String f : List.of("gatehouse.db", "gatehouse.db-wal")) {
      Path p = ssh.dataDir().resolve(f);
      assertThat(Files.exists(p) ? new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1) : "").doesNotContain(token);
    }
  }

  @Test
  void gatehouseWebLoginLinkInAnotherProcessMakesALinkThatLogsTheOperatorInOnce() throws Exception {
    GatewayFixture.CliResult made = GatewayProcess.cli("web", "login-link", "--config", configFile.toString());
    assertThat(made.exitCode()).as("%s", made).isZero();
    String link = made.out().strip();
    Matcher m = LINK.matcher(link);
    assertThat(m.matches()).as(made.out()).isTrue();
    assertThat(Integer.parseInt(m.group(1))).isEqualTo(webPort);
    assertThat(made.err()).contains("operator@local").contains("works once");

    Browser b = new Browser();
    HttpResponse<String> in = b.get(link, "Accept", "text/html");
    assertThat(in.statusCode()).as(in.body()).isEqualTo(302);
    assertThat(in.headers().firstValue("Location")).contains("/");
    assertThat(in.headers().allValues("Set-Cookie")).anySatisfy(c -> assertThat(c).startsWith("gh_session=").contains("HttpOnly"));
    JsonNode me = JSON.readTree(b.get(web("/api/me")).body());
    assertThat(me.path("identity").asText()).isEqualTo("operator@local");
    assertThat(me.path("roles")).extracting(JsonNode::asText).containsExactlyInAnyOrder("auditor", "approver");

    HttpResponse<String> again = new Browser().get(link, "Accept", "application/json");
    assertThat(again.statusCode()).isEqualTo(401);
    assertThat(JSON.readTree(again.body()).path("error").asText()).isEqualTo("token-used");

    String linkId = LoginLinks.linkIdOf(m.group(2));
    assertThat(audit("GH1005I", linkId).path("via").asText()).isEqualTo("cli:" + System.getProperty("user.name"));
    assertThat(audit("GH1003I", linkId).path("issuedBy").asText()).isEqualTo("cli:" + System.getProperty("user.name"));
    assertThat(audit("GH1004W", linkId).path("reason").asText()).isEqualTo("token-used");
  }

  @Test
  void aLinkOlderThanTenMinutesOrNeverMadeIsRefusedAndAudited() throws Exception {
    Path store = ssh.dataDir().resolve("gatehouse.db");
    // Made by the same code, eleven minutes ago: expired. Nine minutes ago: still good.
    LoginLinks eleven = new LoginLinks(store, Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-11)));
    LoginLinks.Link expired = eleven.mint();
    eleven.store(expired, "test");
    LoginLinks nine = new LoginLinks(store, Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-9)));
    LoginLinks.Link fresh = nine.mint();
    nine.store(fresh, "test");

    Browser b = new Browser();
    HttpResponse<String> late = b.get(web("/auth/local?token=" + expired.token()), "Accept", "application/json");
    assertThat(late.statusCode()).isEqualTo(401);
    assertThat(JSON.readTree(late.body()).path("error").asText()).isEqualTo("token-expired");
    HttpResponse<String> latePage = b.get(web("/auth/local?token=" + expired.token()), "Accept", "text/html");
    assertThat(latePage.statusCode()).isEqualTo(401);
    assertThat(latePage.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
    assertThat(latePage.body()).contains("token-expired");
    assertThat(b.get(web("/api/me")).statusCode()).isEqualTo(401);
    assertThat(audit("GH1004W", expired.linkId()).path("reason").asText()).isEqualTo("token-expired");

    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    String never = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    HttpResponse<String> unknown = b.get(web("/auth/local?token=" + never), "Accept", "application/json");
    assertThat(unknown.statusCode()).isEqualTo(401);
    assertThat(JSON.readTree(unknown.body()).path("error").asText()).isEqualTo("token-unknown");
    assertThat(audit("GH1004W", LoginLinks.linkIdOf(never)).path("reason").asText()).isEqualTo("token-unknown");
    HttpResponse<String> none = b.get(web("/auth/local"), "Accept", "application/json");
    assertThat(JSON.readTree(none.body()).path("error").asText()).isEqualTo("token-unknown");
    assertThat(b.get(web("/api/me")).statusCode()).isEqualTo(401);

    assertThat(b.get(web("/auth/local?token=" + fresh.token()), "Accept", "text/html").statusCode()).isEqualTo(302);
    assertThat(JSON.readTree(b.get(web("/api/me")).body()).path("identity").asText()).isEqualTo("operator@local");
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.0.0.0", "[::]"})
  void localLoginOnANetworkAddressWithoutTlsDoesNotStart(String host) throws Exception {
    int port = freePort();
    Path d = Files.createTempDirectory(dir, "open-");
    Path file = d.resolve("gatehouse.yaml");
    Files.writeString(file, """
        dataDir: "%s"
        ssh:
          listen: "127.0.0.1:0"
        web:
          listen: "%s:%d"
          localLogin: true
        """.formatted(d.resolve("data"), host, port));
    GatewayFixture.CliResult r = GatewayProcess.cli("serve", "--config", file.toString());
    assertThat(r.exitCode()).as("%s", r).isEqualTo(78);
    assertThat(r.err()).contains(file.toString()).contains("web.localLogin").contains("web.tls")
        .contains(host + ":" + port);
    assertThat(r.out()).doesNotContain("/auth/local");
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      throw new AssertionError("something listens on " + port + " although the start was refused");
    } catch (IOException expected) {
      // Nothing listens.
    }
  }

  @Test
  void loginLinkNeedsLocalLoginOnAndTheGatewaysData() throws Exception {
    Path d = Files.createTempDirectory(dir, "cli-");
    Path off = d.resolve("off.yaml");
    Files.writeString(off, "dataDir: \"" + ssh.dataDir() + "\"\nweb:\n  listen: \"127.0.0.1:" + webPort + "\"\n");
    GatewayFixture.CliResult r = GatewayProcess.cli("web", "login-link", "--config", off.toString());
    assertThat(r.exitCode()).as("%s", r).isEqualTo(78);
    assertThat(r.err()).contains(off.toString()).contains("web.localLogin is off");
    assertThat(r.out()).isEmpty();

    Path nowhere = d.resolve("nowhere.yaml");
    Files.writeString(nowhere, "dataDir: \"" + d.resolve("no-data") + "\"\nweb:\n  listen: \"127.0.0.1:"
        + webPort + "\"\n  localLogin: true\n");
    r = GatewayProcess.cli("web", "login-link", "--config", nowhere.toString());
    assertThat(r.exitCode()).as("%s", r).isEqualTo(78);
    assertThat(r.err()).contains("no Gatehouse data at " + d.resolve("no-data"));
    assertThat(r.out()).isEmpty();
    assertThat(d.resolve("no-data")).doesNotExist();
  }

  // ---- helpers -------------------------------------------------------------------------------

  /** A client with its own cookie jar that does not follow redirects, as a browser's first hop. */
  static final class Browser {
    final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
        .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

    HttpResponse<String> get(String url, String... headers) throws Exception {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
      if (headers.length > 0) {
        b.headers(headers);
      }
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
  }

  static String web(String path) {
    return "http://127.0.0.1:" + webPort + path;
  }

  /** The audit line with this code for the link {@code linkId}, waiting up to 5 s for it. */
  static JsonNode audit(String code, String linkId) throws Exception {
    return ssh.awaitAudit(code + " for link " + linkId,
        n -> code.equals(n.path("code").asText()) && linkId.equals(n.path("linkId").asText()));
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
