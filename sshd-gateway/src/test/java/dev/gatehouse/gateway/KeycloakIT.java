package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * End to end with a real Keycloak: people in different groups log in at the identity provider
 * and reach only the targets their groups allow, with the real OpenSSH client.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class KeycloakIT {
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();
  private static final Pattern DEVICE_URL = Pattern.compile("(http://127\\.0\\.0\\.1:\\d+/realms/corp/device\\?user_code=[A-Z-]+)");

  @TempDir static Path dir;
  static KeycloakServer keycloak;
  static GatewayFixture gw;

  @RegisterExtension GatewayLogOnFailure log = new GatewayLogOnFailure();

  @BeforeAll
  @Timeout(value = 400, unit = TimeUnit.SECONDS) // Keycloak's first start builds for minutes on a loaded machine
  static void start() throws Exception {
    keycloak = KeycloakServer.start(dir);
    java.nio.file.Files.createDirectories(dir.resolve("gw"));
    gw = GatewayFixture.start(dir.resolve("gw"), "", """
        web: { listen: "127.0.0.1:0" }
        oidc: { issuer: "%s", clientId: %s, certificateTtl: 2h }
        targets:
          - name: devbox
            type: command
            command: ["/bin/sh", "-i"]
            exec: ["/bin/sh", "-c"]
            env: { PATH: "/usr/bin:/bin" }
            runAs: nobody
            allow: { groups: [dev] }
          - name: opsbox
            type: command
            command: ["/bin/sh", "-i"]
            exec: ["/bin/sh", "-c"]
            env: { PATH: "/usr/bin:/bin" }
            runAs: nobody
            allow: { groups: [ops] }
        """.formatted(keycloak.issuer(), KeycloakServer.CLIENT_ID));
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
    if (keycloak != null) {
      keycloak.close();
    }
  }

  @Test
  void aPersonWithoutTheCliLogsInWithTheirOwnKeyThroughTheDeviceFlow() throws Exception {
    Path key = plainKey("alice-key");
    // First connection: the key proves possession, the gateway shows the device-login URL and
    // waits; alice approves at Keycloak; the command runs in the same connection.
    Process ssh = ssh(key, "devbox", "echo first-login-ok").start();
    String url = awaitDeviceUrl(ssh);
    keycloak.approveDevice(URI.create(url), "alice", "alice-pw");
    assertThat(ssh.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(new String(ssh.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("first-login-ok\n");
    assertThat(ssh.exitValue()).isZero();

    JsonNode bound = gw.awaitAudit("key-bound", GatewayFixture.field("identity", "alice@example.com"));
    assertThat(bound.path("groups").asText()).isEqualTo("dev");
    assertThat(gw.cli("ca", "bindings").out()).contains("alice@example.com");

    // The next connection with that key goes straight in, even in batch mode.
    SshResult again = batch(key, "devbox", "echo straight-in");
    assertThat(again.out()).as(again.toString()).isEqualTo("straight-in\n");

    // Groups from the identity provider decide: alice is not in ops.
    SshResult ops = batch(key, "opsbox", "echo nope");
    assertThat(ops.exitCode()).as(ops.toString()).isEqualTo(77);
    assertThat(ops.err()).contains("may not use target 'opsbox'");

    // Revoking the identity ends the binding.
    assertThat(gw.cli("ca", "revoke", "--identity", "alice@example.com").exitCode())
        .isZero();
    SshResult revoked = batch(key, "devbox", "echo after-revoke");
    assertThat(revoked.exitCode()).isEqualTo(255);
    assertThat(revoked.out()).isEmpty();
  }

  // ---- a certificate with oidc on, whatever order ssh offers keys in ---------------------------

  static Stream<Arguments> keyOrders() {
    return Stream.of(
        Arguments.of("an ssh-agent holding the key, then its certificate (as ssh-add adds them)",
            StockSshHome.AgentOrder.KEY_THEN_CERTIFICATE),
        Arguments.of("an ssh-agent holding the certificate, then the key", StockSshHome.AgentOrder.CERTIFICATE_THEN_KEY),
        Arguments.of("no agent: the key file, then the -cert.pub beside it", null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("keyOrders")
  void aCertificateLogsInWithOidcOnWhateverOrderSshOffersTheKeyAndTheCertificateIn(String name,
      StockSshHome.AgentOrder order) throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("order"), List.of("dev"));
    try (StockSshHome home = StockSshHome.of(dir, gw, key)) {
      if (order != null) {
        home.withAgent(order);
        List<String> held = home.agentKeys();
        assertThat(held).hasSize(2);
        assertThat(held.get(order == StockSshHome.AgentOrder.KEY_THEN_CERTIFICATE ? 1 : 0))
            .startsWith("ssh-ed25519-cert-v01@openssh.com ");
      }

      SshResult r = home.run("devbox", "echo certificate-ok");

      assertThat(r.exitCode()).as("%s", r).isZero();
      assertThat(r.out()).isEqualTo("certificate-ok\n");
      assertThat(r.err()).doesNotContain("device login").doesNotContain("gatehouse:");
    }
    gw.awaitAudit("GH1000I for " + key.identity(), GatewayFixture.field("code", "GH1000I")
        .and(GatewayFixture.field("identity", key.identity())));
    assertThat(gw.cli("ca", "bindings").out()).doesNotContain(key.identity());
  }

  @Test
  void aPlainKeyAloneInAStockSetupStillGetsTheDeviceLogin() throws Exception {
    SshClientKey key = gw.plainKey("carol-stock");
    String fp = fingerprint(key.key());
    try (StockSshHome home = StockSshHome.of(dir, gw, key).withAgent(StockSshHome.AgentOrder.KEY_THEN_CERTIFICATE)) {
      List<String> argv = home.argv("devbox");
      argv.add("echo device-ok");
      Process ssh = home.processBuilder(argv).start();
      keycloak.approveDevice(URI.create(awaitDeviceUrl(ssh)), "bob", "bob-pw");
      assertThat(ssh.waitFor(60, TimeUnit.SECONDS)).isTrue();
      // bob is in ops, devbox is for dev: logged in through the device login, then refused by the target.
      assertThat(ssh.exitValue()).isEqualTo(77);
    }
    JsonNode bound = gw.awaitAudit("key-bound", GatewayFixture.field("event", "key-bound")
        .and(GatewayFixture.field("fingerprint", fp)));
    assertThat(bound.path("identity").asText()).isEqualTo("bob@example.com");
  }

  @Test
  void anExpiredCertificateIsToldWhyWithOidcOnToo() throws Exception {
    String identity = GatewayFixture.uniqueIdentity("expired");
    SshClientKey key = gw.keygenSign(gw.userCaKey(), identity, "-n", identity, "-V", "-2h:-1m");
    SshResult r;
    try (StockSshHome home = StockSshHome.of(dir, gw, key)) {
      // Batch mode: no device login for the plain key beside it; the certificate's line shows anyway.
      r = home.run("devbox", "echo never", "-o", "BatchMode=yes");
    }
    assertThat(r.exitCode()).as("%s", r).isEqualTo(255);
    assertThat(r.err()).as("%s", r).containsPattern("gatehouse: certificate expired at [0-9: -]+ UTC — run gatehouse login");
    gw.awaitAudit("cert-expired", GatewayFixture.field("reason", "cert-expired").and(GatewayFixture.field("target", "devbox")));
  }

  // ---- bearer tokens on /api: Keycloak's real tokens ---------------------------------------

  @Test
  void keycloaksAccessTokenOpensTheApiAndItsIdTokenIsRefused() throws Exception {
    JsonNode tokens = keycloak.deviceTokens("bob", "bob-pw");
    HttpClient http = HttpClient.newHttpClient();
    URI me = URI.create("http://127.0.0.1:" + gw.gateway().webPort() + "/api/me");

    HttpResponse<String> access = http.send(HttpRequest.newBuilder(me)
        .header("Authorization", "Bearer " + tokens.path("access_token").asText()).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(access.statusCode()).as(access.body()).isEqualTo(200);
    assertThat(JSON.readTree(access.body()).path("identity").asText()).isEqualTo("bob@example.com");

    HttpResponse<String> id = http.send(HttpRequest.newBuilder(me)
        .header("Authorization", "Bearer " + tokens.path("id_token").asText()).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(id.statusCode()).as(id.body()).isEqualTo(401);
    assertThat(JSON.readTree(id.body()).path("error").asText()).isEqualTo("invalid-token");
    assertThat(JSON.readTree(id.body()).path("reason").asText()).isEqualTo("id-token-as-bearer");
    gw.awaitAudit("id-token-as-bearer", GatewayFixture.field("code", "GH1001W")
        .and(GatewayFixture.field("reason", "id-token-as-bearer")).and(GatewayFixture.field("via", "web-bearer")));
  }

  @Test
  void anotherGroupReachesOnlyItsOwnTargets() throws Exception {
    Path key = plainKey("bob-key");
    Process ssh = ssh(key, "opsbox", "echo bob-on-ops").start();
    keycloak.approveDevice(URI.create(awaitDeviceUrl(ssh)), "bob", "bob-pw");
    assertThat(ssh.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(new String(ssh.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("bob-on-ops\n");
    SshResult dev = batch(key, "devbox", "echo nope");
    assertThat(dev.exitCode()).isEqualTo(77);
  }

  @Test
  void theCliLogsInWithTheDeviceFlowAtKeycloakAndPlainSshWorks(@TempDir Path userHome) throws Exception {
    Path home = userHome.resolve("gh");
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Duser.home=" + userHome, "-jar", GatewayProcess.JAR.toString(), "login", "--device", "--gateway",
        "http://127.0.0.1:" + gw.gateway().webPort(), "--no-ssh-config", "--home", home.toString())
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
        .redirectError(userHome.resolve("login.err").toFile());
    pb.environment().put("HOME", userHome.toString());
    pb.environment().remove("SSH_AUTH_SOCK");
    pb.environment().remove("DISPLAY");
    Process login = pb.start();
    java.io.BufferedReader out = new java.io.BufferedReader(
        new java.io.InputStreamReader(login.getInputStream(), StandardCharsets.UTF_8));
    String url = null;
    StringBuilder printed = new StringBuilder();
    for (String l; url == null && (l = out.readLine()) != null; ) {
      printed.append(l).append('\n');
      if (l.startsWith("Open this URL to log in: ")) {
        url = l.substring("Open this URL to log in: ".length()).trim();
      }
    }
    assertThat(url).as("login printed:%n%s%nstderr:%n%s", printed, Files.readString(userHome.resolve("login.err")))
        .isNotNull();
    keycloak.approveDevice(URI.create(url), "bob", "bob-pw");
    printed.append(new String(login.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    assertThat(login.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(login.exitValue()).as("%s%nstderr:%n%s", printed, Files.readString(userHome.resolve("login.err")))
        .isZero();
    long loggedIn = System.nanoTime();
    assertThat(printed.toString()).contains("bob@example.com");

    SshResult ops = configured(userHome, home.resolve("ssh_config"), "opsbox@gatehouse", "echo ok");
    long firstCommand = System.nanoTime();
    assertThat(ops.out()).as("%s", ops).isEqualTo("ok\n");
    SshResult dev = configured(userHome, home.resolve("ssh_config"), "devbox@gatehouse", "echo nope");
    assertThat(dev.exitCode()).isEqualTo(77);
    assertThat(GatewayFixture.keygen("-L", "-f", home.resolve("id_ed25519-cert.pub").toString()))
        .contains("Key ID: \"bob@example.com\"");
    System.out.printf("MEASURE login --device completed -> first ssh command done: %d ms%n",
        TimeUnit.NANOSECONDS.toMillis(firstCommand - loggedIn));
  }

  /** Plain ssh with only the snippet `gatehouse login` wrote (host alias, key, cert, known_hosts). */
  private static SshResult configured(Path userHome, Path config, String destination, String command) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(GatewayFixture.SSH, "-F", config.toString(), "-o", "BatchMode=yes",
        "-o", "GlobalKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", destination, command)
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    pb.environment().put("HOME", userHome.toString());
    pb.environment().remove("SSH_AUTH_SOCK");
    long t0 = System.nanoTime();
    Process p = pb.start();
    byte[] o = p.getInputStream().readAllBytes();
    byte[] e = p.getErrorStream().readAllBytes();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new SshResult(p.exitValue(), o, e, Duration.ofNanos(System.nanoTime() - t0));
  }

  @Test
  void aDeniedDeviceLoginBindsNothing() throws Exception {
    Path key = plainKey("mallory-key");
    Process ssh = ssh(key, "devbox", "echo never").start();
    String url = awaitDeviceUrl(ssh);
    // Wrong password: Keycloak never confirms; the connection gives up at the auth timeout or
    // when the client is stopped, and the key stays unbound.
    try {
      keycloak.approveDevice(URI.create(url), "alice", "wrong-password");
    } catch (AssertionError expected) {
      // Keycloak shows the login form again.
    }
    ssh.destroy();
    ssh.waitFor(10, TimeUnit.SECONDS);
    SshResult batch = batch(key, "devbox", "echo never");
    assertThat(batch.exitCode()).isEqualTo(255);
    String fp = fingerprint(key);
    assertThat(gw.auditLines().stream().filter(l -> l.path("event").asText().equals("key-bound"))
        .noneMatch(l -> l.path("fingerprint").asText().equals(fp))).isTrue();
  }

  private static Path plainKey(String name) throws Exception {
    Path key = dir.resolve(name);
    GatewayFixture.keygen("-q", "-t", "ed25519", "-N", "", "-f", key.toString());
    return key;
  }

  private static String fingerprint(Path key) throws Exception {
    return GatewayFixture.keygen("-l", "-f", key + ".pub").split(" ")[1];
  }

  /** ssh with keyboard-interactive allowed (not batch mode: batch mode turns it off). */
  private static ProcessBuilder ssh(Path key, String target, String command) {
    List<String> argv = new ArrayList<>(List.of(GatewayFixture.SSH, "-F", "/dev/null", "-p", String.valueOf(gw.port()),
        "-o", "UserKnownHostsFile=" + gw.knownHosts(), "-o", "GlobalKnownHostsFile=/dev/null",
        "-o", "StrictHostKeyChecking=yes", "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none",
        "-o", "PreferredAuthentications=publickey,keyboard-interactive", "-o", "LogLevel=INFO",
        "-i", key.toString(), target + "@127.0.0.1", command));
    return new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
  }

  private static SshResult batch(Path key, String target, String command) throws Exception {
    ProcessBuilder pb = ssh(key, target, command);
    pb.command().add(1, "-o");
    pb.command().add(2, "BatchMode=yes");
    long t0 = System.nanoTime();
    Process p = pb.start();
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new SshResult(p.exitValue(), out, err, Duration.ofNanos(System.nanoTime() - t0));
  }

  /** Reads the client's stderr until the gateway's instruction names the device-login URL. */
  private static String awaitDeviceUrl(Process ssh) throws Exception {
    StringBuilder seen = new StringBuilder();
    var err = ssh.getErrorStream();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    byte[] buf = new byte[4096];
    while (System.nanoTime() < deadline) {
      int n = err.available() > 0 ? err.read(buf) : 0;
      if (n > 0) {
        seen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
        Matcher m = DEVICE_URL.matcher(seen);
        if (m.find()) {
          return m.group(1);
        }
      } else if (!ssh.isAlive()) {
        break;
      } else {
        Thread.sleep(50);
      }
    }
    throw new AssertionError("no device-login URL on the client's stderr:\n" + seen);
  }
}
