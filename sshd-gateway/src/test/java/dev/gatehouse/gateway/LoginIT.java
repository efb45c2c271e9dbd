package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gatehouse login} as a user runs it: the built jar in a process of its own, a real OIDC
 * provider (mock-oauth2-server; its non-interactive login redirects straight to the loopback
 * callback), the gateway in-process, then the real OpenSSH client with only the files login wrote.
 */
@ExtendWith(GatewayLogOnFailure.class)
class LoginIT {
  static final String CLIENT = OidcGatewayFixture.CLIENT;
  static final HttpClient BROWSER = HttpClient.newBuilder()
      .followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir static Path dir;
  static MockOAuth2Server idp;
  static OidcGatewayFixture gw;
  static Process agent;
  static Path agentSocket;

  @BeforeAll
  static void start() throws Exception {
    idp = OidcGatewayFixture.startProvider();
    gw = OidcGatewayFixture.start(dir.resolve("gw"), idp.issuerUrl("corp").uri(), "certificateTtl: 2h", "");
    agentSocket = dir.resolve("agent.sock");
    agent = new ProcessBuilder("ssh-agent", "-D", "-a", agentSocket.toString())
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!Files.exists(agentSocket) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(agentSocket).exists();
  }

  @AfterAll
  static void stop() {
    if (agent != null) {
      agent.destroy();
    }
    if (gw != null) {
      gw.close();
    }
    if (idp != null) {
      idp.shutdown();
    }
  }

  static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
  }

  /** The next login at the provider is this person with these groups. */
  static void nextLoginIs(String email, List<String> groups) {
    idp.enqueueCallback(new DefaultOAuth2TokenCallback(
        "corp", "sub-" + email, "JWT", List.of(CLIENT), Map.of("email", email, "groups", groups), 300));
  }

  @Test
  void codeFlowLoginLetsPlainSshReachAGroupsTarget(@TempDir Path userHome) throws Exception {
    String email = unique("dev");
    nextLoginIs(email, List.of("dev"));

    // Defaults: --home ~/.gatehouse, --alias gatehouse, the Include in ~/.ssh/config, the agent.
    LoginRun login = LoginRun.start(userHome, Map.of("SSH_AUTH_SOCK", agentSocket.toString()),
        "login", "--gateway", gw.webUrl().toString(), "--no-browser");
    String url = login.awaitLine("Open this URL to log in: ").substring("Open this URL to log in: ".length());
    assertThat(url).startsWith(idp.authorizationEndpointUrl("corp").toString())
        .contains("code_challenge_method=S256").contains("state=").contains("nonce=")
        .contains("redirect_uri=http%3A%2F%2F127.0.0.1%3A");
    HttpResponse<String> browser = BROWSER.send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(browser.statusCode()).isEqualTo(200);
    assertThat(browser.body()).contains("logged in");
    login.awaitExit(0);

    Path home = userHome.resolve(".gatehouse");
    assertThat(login.text()).contains("Made key " + home.resolve("id_ed25519"))
        .contains("identity: " + email).contains("groups:   dev").contains("Added the key and certificate to ssh-agent");
    assertThat(login.text() + login.err()).doesNotContain("eyJ"); // no token printed
    assertThat(Files.getPosixFilePermissions(home.resolve("id_ed25519"))).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    String listing = GatewayFixture.keygen("-L", "-f", home.resolve("id_ed25519-cert.pub").toString());
    assertThat(listing).contains("Key ID: \"" + email + "\"").contains("groups@gatehouse.dev").contains(email);
    assertThat(Files.readString(home.resolve("ssh_config"))).contains("Host gatehouse\n", "HostName 127.0.0.1\n",
        "Port " + gw.sshPort() + "\n", "IdentityFile " + home.resolve("id_ed25519") + "\n",
        "CertificateFile " + home.resolve("id_ed25519-cert.pub") + "\n",
        "UserKnownHostsFile " + home.resolve("known_hosts") + "\n", "IdentitiesOnly yes\n");
    assertThat(Files.readString(home.resolve("known_hosts"))).startsWith("@cert-authority ").contains("[127.0.0.1]:" + gw.sshPort());
    Path sshConfig = userHome.resolve(".ssh/config");
    assertThat(Files.readAllLines(sshConfig).get(0)).isEqualTo("Include " + home.resolve("ssh_config"));
    assertThat(Files.getPosixFilePermissions(sshConfig)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(run(Map.of("SSH_AUTH_SOCK", agentSocket.toString()), "ssh-add", "-l").out())
        .contains("ED25519-CERT");

    // Plain ssh through the user's own config (which only has the Include), host keys checked.
    SshResult viaUserConfig = ssh(userHome, sshConfig, "shell@gatehouse", "echo ok");
    assertThat(viaUserConfig.exitCode()).as("%s", viaUserConfig).isZero();
    assertThat(viaUserConfig.out()).isEqualTo("ok\n");
    SshResult viaSnippet = ssh(userHome, home.resolve("ssh_config"), "tools@gatehouse", "echo ok");
    assertThat(viaSnippet.out()).as("%s", viaSnippet).isEqualTo("ok\n");
    assertThat(ssh(userHome, home.resolve("ssh_config"), "ops-only@gatehouse", "echo ok").exitCode())
        .as("a dev without group ops").isEqualTo(77);

    // --status reads what login stored.
    LoginRun status = LoginRun.start(userHome, Map.of(), "login", "--status");
    status.awaitExit(0);
    assertThat(status.text()).contains("identity: " + email, "groups:   dev", "serial:   ");
    assertThat(status.out()).anyMatch(l -> l.startsWith("valid until "));

    // A second login keeps the key and does not add the Include twice.
    String pub = Files.readString(home.resolve("id_ed25519.pub"));
    nextLoginIs(email, List.of("dev"));
    LoginRun again = LoginRun.start(userHome, Map.of(), "login", "--gateway", gw.webUrl().toString(), "--no-browser");
    String url2 = again.awaitLine("Open this URL to log in: ").substring("Open this URL to log in: ".length());
    assertThat(BROWSER.send(HttpRequest.newBuilder(URI.create(url2)).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
        .isEqualTo(200);
    again.awaitExit(0);
    assertThat(again.text()).contains("Reused key " + home.resolve("id_ed25519"));
    assertThat(Files.readString(home.resolve("id_ed25519.pub"))).isEqualTo(pub);
    assertThat(Files.readAllLines(sshConfig)).filteredOn(l -> l.startsWith("Include")).hasSize(1);
  }

  @Test
  void groupsFromTheProviderDecideWhichTargetsTheCertificateReaches(@TempDir Path userHome) throws Exception {
    String email = unique("ops");
    nextLoginIs(email, List.of("ops"));
    Path home = userHome.resolve("gh");
    LoginRun login = LoginRun.start(userHome, Map.of(), "login", "--gateway", gw.webUrl() + "/", "--no-browser",
        "--no-ssh-config", "--home", home.toString(), "--alias", "bastion");
    String url = login.awaitLine("Open this URL to log in: ").substring("Open this URL to log in: ".length());
    BROWSER.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    login.awaitExit(0);
    assertThat(userHome.resolve(".ssh/config")).doesNotExist();

    SshResult refused = ssh(userHome, home.resolve("ssh_config"), "shell@bastion", "echo ok");
    assertThat(refused.exitCode()).as("%s", refused).isEqualTo(77);
    SshResult allowed = ssh(userHome, home.resolve("ssh_config"), "ops-only@bastion", "echo ok");
    assertThat(allowed.out()).as("%s", allowed).isEqualTo("ok\n");
  }

  @Test
  void statusWithoutACertificateExitsOne(@TempDir Path userHome) throws Exception {
    LoginRun status = LoginRun.start(userHome, Map.of(), "login", "--status", "--home", userHome.resolve("none").toString());
    status.awaitExit(1);
    assertThat(status.err()).startsWith("gatehouse: no certificate at ");
  }

  @Test
  void anUnreachableGatewayFailsInOneLine(@TempDir Path userHome) throws Exception {
    LoginRun login = LoginRun.start(userHome, Map.of(), "login", "--gateway", "http://127.0.0.1:1", "--no-browser",
        "--no-ssh-config");
    login.awaitExit(1);
    assertThat(login.err().strip()).startsWith("gatehouse: login failed: cannot reach the gateway at http://127.0.0.1:1")
        .doesNotContain("\n");
    LoginRun plain = LoginRun.start(userHome, Map.of(), "login", "--gateway", "http://bastion.example.com", "--no-browser");
    plain.awaitExit(1);
    assertThat(plain.err()).contains("plain http");
  }

  @Test
  void deviceFlowPrintsTheCodePollsPatientlyAndLogsIn(@TempDir Path userHome) throws Exception {
    try (DeviceProvider device = DeviceProvider.start(idp, false);
        OidcGatewayFixture deviceGw = OidcGatewayFixture.start(userHome.resolve("gw"), device.issuer(), "", "")) {
      String email = unique("dev");
      device.identity = email;
      Path home = userHome.resolve("gh");
      LoginRun login = LoginRun.start(userHome, Map.of(), "login", "--device", "--gateway", deviceGw.webUrl().toString(),
          "--no-ssh-config", "--home", home.toString());
      String url = login.awaitLine("Open this URL to log in: ");
      assertThat(url).endsWith(device.issuer() + "/activate?user_code=WDJB-MJHT");
      login.awaitExit(0);

      // authorization_pending, slow_down (interval 1 s + 5 s), then the token.
      assertThat(device.polls).hasSize(3);
      assertThat(device.polls.get(2) - device.polls.get(1)).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(5_500));
      assertThat(login.text()).contains("identity: " + email);
      SshResult ok = ssh(userHome, home.resolve("ssh_config"), "shell@gatehouse", "echo ok");
      assertThat(ok.out()).as("%s", ok).isEqualTo("ok\n");
    }
  }

  @Test
  void deviceFlowDeniedAtTheProviderFailsInOneLine(@TempDir Path userHome) throws Exception {
    try (DeviceProvider device = DeviceProvider.start(idp, true);
        OidcGatewayFixture deviceGw = OidcGatewayFixture.start(userHome.resolve("gw"), device.issuer(), "", "")) {
      LoginRun login = LoginRun.start(userHome, Map.of(), "login", "--device", "--gateway", deviceGw.webUrl().toString(),
          "--no-ssh-config", "--home", userHome.resolve("gh").toString());
      login.awaitExit(1);
      assertThat(login.out()).anyMatch(l -> l.startsWith("Open this URL to log in: "));
      assertThat(login.err().strip()).isEqualTo("gatehouse: login failed: the login was denied at the identity provider");
      assertThat(userHome.resolve("gh/id_ed25519-cert.pub")).doesNotExist();
    }
  }

  // ---- a login directory someone else could change ----

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, java.nio.file.LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void aSwappedPublicKeyGetsTheCertificateOnlyForThePrivateKeysOwnPublicKey(@TempDir Path userHome) throws Exception {
    String email = unique("swap");
    Path home = Files.createDirectories(userHome.resolve(".gatehouse"));
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
    GatewayFixture.keygen("-q", "-t", "ed25519", "-N", "", "-C", "victim", "-f", home.resolve("id_ed25519").toString());
    String victim = GatewayFixture.keygen("-l", "-f", home.resolve("id_ed25519").toString()).split(" ")[1];
    // Another user's key put where login used to read the public key from.
    Path mallory = dir.resolve("mallory-" + UUID.randomUUID());
    GatewayFixture.keygen("-q", "-t", "ed25519", "-N", "", "-C", "mallory", "-f", mallory.toString());
    String attacker = GatewayFixture.keygen("-l", "-f", mallory + ".pub").split(" ")[1];
    Files.copy(Path.of(mallory + ".pub"), home.resolve("id_ed25519.pub"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    nextLoginIs(email, List.of("dev"));
    LoginRun login = LoginRun.start(userHome, Map.of(), "login", "--gateway", gw.webUrl().toString(), "--no-browser",
        "--no-ssh-config");
    String url = login.awaitLine("Open this URL to log in: ").substring("Open this URL to log in: ".length());
    assertThat(BROWSER.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
        .statusCode()).isEqualTo(200);
    login.awaitExit(0);

    String listing = GatewayFixture.keygen("-L", "-f", home.resolve("id_ed25519-cert.pub").toString());
    assertThat(listing).contains("Public key: ED25519-CERT " + victim).doesNotContain(attacker)
        .contains("Key ID: \"" + email + "\"");
    assertThat(GatewayFixture.keygen("-l", "-f", home.resolve("id_ed25519.pub").toString())).contains(victim);
    assertThat(mode(home.resolve("id_ed25519-cert.pub"))).isEqualTo("rw-------");
    assertThat(mode(home.resolve("id_ed25519"))).isEqualTo("rw-------");
    assertThat(mode(home.resolve("known_hosts"))).isEqualTo("rw-------");
    assertThat(mode(home.resolve("ssh_config"))).isEqualTo("rw-------");
    SshResult ok = ssh(userHome, home.resolve("ssh_config"), "shell@gatehouse", "echo ok");
    assertThat(ok.out()).as("%s", ok).isEqualTo("ok\n");
  }

  @Test
  void aGroupWritableHomeIsRefusedBeforeAnyLoginNamingThePathAndTheFix(@TempDir Path userHome) throws Exception {
    Path home = Files.createDirectories(userHome.resolve("alice"));
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxrwxr-x"));
    LoginRun login = LoginRun.start(home, Map.of(), "login", "--gateway", gw.webUrl().toString(), "--no-browser");
    login.awaitExit(1);
    assertThat(login.err().strip()).isEqualTo("gatehouse: login failed: " + home
        + " (above the login directory) is writable by its group (mode 775): another user could replace what login"
        + " keeps below it. Fix: chmod go-w " + home);
    assertThat(login.out()).noneMatch(l -> l.startsWith("Open this URL"));
    assertThat(home.resolve(".gatehouse")).doesNotExist();
  }

  @Test
  void aSymlinkedPrivateKeyIsRefused(@TempDir Path userHome) throws Exception {
    Path home = Files.createDirectories(userHome.resolve(".gatehouse"));
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
    Path mallory = dir.resolve("mallory-" + UUID.randomUUID());
    GatewayFixture.keygen("-q", "-t", "ed25519", "-N", "", "-f", mallory.toString());
    Files.createSymbolicLink(home.resolve("id_ed25519"), mallory);
    LoginRun login = LoginRun.start(userHome, Map.of(), "login", "--gateway", gw.webUrl().toString(), "--no-browser",
        "--no-ssh-config");
    login.awaitExit(1);
    assertThat(login.err()).contains(home.resolve("id_ed25519") + " is a symbolic link");
    assertThat(login.out()).noneMatch(l -> l.startsWith("Open this URL"));
    assertThat(home.resolve("id_ed25519-cert.pub")).doesNotExist();
  }

  // ---- helpers ----

  static SshResult ssh(Path userHome, Path config, String destination, String command) throws Exception {
    List<String> argv = List.of(GatewayFixture.SSH, "-F", config.toString(), "-o", "BatchMode=yes",
        "-o", "GlobalKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", destination, command);
    return run(Map.of("HOME", userHome.toString()), argv.toArray(String[]::new));
  }

  static SshResult run(Map<String, String> env, String... argv) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    pb.environment().remove("SSH_AUTH_SOCK");
    pb.environment().putAll(env);
    Path io = Files.createTempDirectory(dir, "run-");
    pb.redirectOutput(io.resolve("out").toFile()).redirectError(io.resolve("err").toFile());
    long t0 = System.nanoTime();
    Process p = pb.start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as(String.join(" ", argv)).isTrue();
    return new SshResult(p.exitValue(), Files.readAllBytes(io.resolve("out")), Files.readAllBytes(io.resolve("err")),
        Duration.ofNanos(System.nanoTime() - t0));
  }

  /** {@code java -jar gatehouse.jar ARGS} with user.home and HOME at {@code userHome}; stdout read as it comes. */
  static final class LoginRun {
    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Path err;

    private LoginRun(Process process, Path err) {
      this.process = process;
      this.err = err;
      Thread reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          for (String l; (l = r.readLine()) != null; ) {
            lines.add(l);
          }
        } catch (IOException ended) {
          // the process is gone
        }
      }, "login-stdout");
      reader.setDaemon(true);
      reader.start();
    }

    static LoginRun start(Path userHome, Map<String, String> env, String... args) throws IOException {
      assertThat(GatewayProcess.JAR).as("the fat jar (built by package before integration-test)").exists();
      List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Duser.home=" + userHome, "-jar",
          GatewayProcess.JAR.toString()));
      argv.addAll(Arrays.asList(args));
      Path errFile = Files.createTempFile(dir, "login-", ".err");
      ProcessBuilder pb = new ProcessBuilder(argv)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .redirectError(errFile.toFile());
      pb.environment().remove("SSH_AUTH_SOCK");
      pb.environment().remove("DISPLAY");
      pb.environment().remove("WAYLAND_DISPLAY");
      pb.environment().put("HOME", userHome.toString());
      pb.environment().putAll(env);
      return new LoginRun(pb.start(), errFile);
    }

    /** The first stdout line starting with {@code prefix}, waiting up to 20 s. */
    String awaitLine(String prefix) throws Exception {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (System.nanoTime() < deadline) {
        for (String l : lines) {
          if (l.startsWith(prefix)) {
            return l;
          }
        }
        if (!process.isAlive() && lines.stream().noneMatch(l -> l.startsWith(prefix))) {
          Thread.sleep(100);
          if (lines.stream().noneMatch(l -> l.startsWith(prefix))) {
            break;
          }
        }
        Thread.sleep(20);
      }
      throw new AssertionError("no line '" + prefix + "...'\n--- stdout ---\n" + String.join("\n", lines) + "\n--- stderr ---\n" + err());
    }

    void awaitExit(int expected) throws Exception {
      if (!process.waitFor(40, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("login did not finish\n--- stdout ---\n" + String.join("\n", lines) + "\n--- stderr ---\n" + err());
      }
      Thread.sleep(50); // the reader's last lines
      assertThat(process.exitValue()).as("exit of login\n--- stdout ---\n%s\n--- stderr ---\n%s", String.join("\n", lines), err())
          .isEqualTo(expected);
    }

    List<String> out() {
      return lines;
    }

    String text() {
      return String.join("\n", lines);
    }

    String err() throws IOException {
      return Files.readString(err);
    }
  }

  /**
   * A device-grant front for the mock provider, which has none (RFC 8628): its own discovery
   * document (issuer = this server, keys = the mock's "corp" JWKS), a device endpoint, and a token
   * endpoint answering authorization_pending, slow_down, then an ID token the mock signs for this
   * issuer (or access_denied when {@code deny}).
   */
  static final class DeviceProvider implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    final HttpServer server;
    final MockOAuth2Server idp;
    final boolean deny;
    final List<Long> polls = new CopyOnWriteArrayList<>();
    volatile String identity = "nobody@example.com";

    private DeviceProvider(HttpServer server, MockOAuth2Server idp, boolean deny) {
      this.server = server;
      this.idp = idp;
      this.deny = deny;
    }

    static DeviceProvider start(MockOAuth2Server idp, boolean deny) throws IOException {
      HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      DeviceProvider p = new DeviceProvider(s, idp, deny);
      s.createContext("/", p::handle);
      s.start();
      return p;
    }

    URI issuer() {
      return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void handle(HttpExchange ex) throws IOException {
      String path = ex.getRequestURI().getPath();
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      ObjectNode out = JSON.createObjectNode();
      int status = 200;
      switch (path) {
        case "/.well-known/openid-configuration" -> {
          out.put("issuer", issuer().toString());
          out.put("authorization_endpoint", issuer() + "/authorize");
          out.put("token_endpoint", issuer() + "/token");
          out.put("device_authorization_endpoint", issuer() + "/device");
          out.put("jwks_uri", idp.jwksUrl("corp").toString());
          out.putArray("response_types_supported").add("code");
          out.putArray("subject_types_supported").add("public");
          out.putArray("id_token_signing_alg_values_supported").add("RS256");
        }
        case "/device" -> {
          assertThat(body).contains("client_id=" + CLIENT).contains("scope=openid");
          out.put("device_code", "device-code-1");
          out.put("user_code", "WDJB-MJHT");
          out.put("verification_uri", issuer() + "/activate");
          out.put("verification_uri_complete", issuer() + "/activate?user_code=WDJB-MJHT");
          out.put("expires_in", 60);
          out.put("interval", 1);
        }
        case "/token" -> {
          polls.add(System.nanoTime());
          boolean rightGrant = body.contains("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code")
              && body.contains("device_code=device-code-1");
          if (!rightGrant) {
            status = 400;
            out.put("error", "invalid_grant");
          } else if (polls.size() == 1) {
            status = 400;
            out.put("error", "authorization_pending");
          } else if (polls.size() == 2) {
            status = 400;
            out.put("error", deny ? "access_denied" : "slow_down");
          } else {
            out.put("access_token", "opaque");
            out.put("token_type", "Bearer");
            out.put("expires_in", 300);
            out.put("id_token", OidcGatewayFixture.idToken(idp, "corp", "sub-" + identity, List.of(CLIENT),
                Map.of("iss", issuer().toString(), "email", identity, "groups", List.of("dev"))));
          }
        }
        default -> {
          status = 404;
          out.put("error", "not_found");
        }
      }
      byte[] bytes = out.toString().getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(status, bytes.length);
      try (OutputStream os = ex.getResponseBody()) {
        os.write(bytes);
      }
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }
}
