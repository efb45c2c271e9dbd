package dev.gatehouse.gateway;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real Keycloak (the quarkus distribution unpacked by the build into target/keycloak) started as
 * a local process on a free loopback port in dev mode, with the {@code corp} realm imported from
 * src/test/resources/keycloak: users alice and carol (group dev) and bob (group ops), public client
 * {@code gatehouse} with the device grant and PKCE; for agents' tokens, public clients {@code
 * mcp-agent} (its tokens' audience includes {@value #MCP_RESOURCE}, RFC 8707) and {@code other-app}
 * (no such audience), both with the password grant. Keycloak needs Java 21+: the JDK is found
 * under /usr/lib/jvm (any vendor's, e.g. Temurin 25).
 */
final class KeycloakServer implements AutoCloseable {
  static final String REALM = "corp";
  static final String CLIENT_ID = "gatehouse";
  /** The audience the realm's mcp-agent client puts in its tokens: a gateway's web.publicUrl + /mcp. */
  static final String MCP_RESOURCE = "https://gatehouse.test/mcp";
  private static final Pattern FORM_ACTION = Pattern.compile("<form[^>]*action=\"([^\"]+)\"");

  private final Process process;
  private final int port;
  private final Path log;

  private KeycloakServer(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  static KeycloakServer start(Path work) throws Exception {
    Path home = Path.of(System.getProperty("keycloak.home", "target/keycloak/keycloak-26.7.3"));
    assumeTrue(Files.isExecutable(home.resolve("bin/kc.sh")), "Keycloak distribution missing at " + home);
    Optional<Path> jdk = modernJdk();
    assumeTrue(jdk.isPresent(), "Keycloak needs Java 21+; none under /usr/lib/jvm");
    // A private copy: dev mode writes its H2 database and the import into the home directory.
    Path kc = work.resolve("keycloak");
    copyTree(home, kc);
    Path imports = kc.resolve("data/import");
    Files.createDirectories(imports);
    Files.copy(Path.of("src/test/resources/keycloak/corp-realm.json"), imports.resolve("corp-realm.json"));
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path log = work.resolve("keycloak.log");
    ProcessBuilder pb = new ProcessBuilder(kc.resolve("bin/kc.sh").toString(), "start-dev",
        "--http-host=127.0.0.1", "--http-port=" + port, "--import-realm", "--hostname-strict=false",
        "--http-management-port=" + (port + 1 < 65535 ? freePort() : 0))
        .redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("JAVA_HOME", jdk.get().toString());
    pb.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", "admin");
    pb.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", "admin-" + port);
    Process p = pb.start();
    KeycloakServer server = new KeycloakServer(p, port, log);
    try {
      server.awaitUp(Duration.ofSeconds(360)); // a loaded machine: its first start builds (augments) for minutes
    } catch (Throwable e) {
      // Also when JUnit's timeout interrupts the wait: a Keycloak left running outlives the build
      // and slows every later one on the machine.
      p.destroyForcibly();
      throw e;
    }
    return server;
  }

  /**
   * Stops Keycloak's JVM with SIGSTOP until the returned handle is closed (SIGCONT): its listening
   * socket stays open, so connections are accepted by the kernel and never answered — a hung
   * identity provider. Close it in a finally.
   */
  AutoCloseable freeze() throws Exception {
    ProcessHandle jvm = jvm();
    signal("STOP", jvm.pid());
    return () -> signal("CONT", jvm.pid());
  }

  /** The JVM kc.sh runs (its child, or kc.sh itself after an exec). */
  private ProcessHandle jvm() {
    ProcessHandle self = process.toHandle();
    if (self.info().command().map(c -> c.endsWith("/java")).orElse(false)) {
      return self;
    }
    return self.descendants().filter(h -> h.info().command().map(c -> c.endsWith("/java")).orElse(false))
        .findFirst().orElseThrow(() -> new AssertionError("no Keycloak JVM below kc.sh (pid " + self.pid() + ")"));
  }

  private static void signal(String signal, long pid) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).redirectErrorStream(true).start();
    String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new AssertionError("kill -" + signal + " " + pid + " failed: " + out);
    }
  }

  String issuer() {
    return "http://127.0.0.1:" + port + "/realms/" + REALM;
  }

  /**
   * The person's side of a device login, over HTTP as a browser would: open the verification URL,
   * post the login form, accept the consent form.
   */
  void approveDevice(URI verificationUriComplete, String user, String password) throws Exception {
    Browser browser = new Browser();
    Page page = browser.get(verificationUriComplete);
    page = browser.post(formAction(page), Map.of("username", user, "password", password, "credentialId", ""));
    if (page.body().contains("login-actions/consent")) {
      Matcher code = Pattern.compile("name=\"code\" value=\"([^\"]+)\"").matcher(page.body());
      if (!code.find()) {
        throw new AssertionError("no consent code on Keycloak's page:\n" + page.body());
      }
      page = browser.post(formAction(page), Map.of("code", code.group(1), "accept", "Yes"));
    }
    if (!page.body().toLowerCase(java.util.Locale.ROOT).contains("success")) {
      throw new AssertionError("Keycloak did not confirm the device login:\n" + page.body());
    }
  }

  /**
   * Keycloak's real tokens for {@code user}: a device login of client gatehouse (scope openid,
   * approved as a browser would), then its token response with {@code access_token} and {@code
   * id_token}.
   */
  com.fasterxml.jackson.databind.JsonNode deviceTokens(String user, String password) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    String base = issuer() + "/protocol/openid-connect";
    // The realm's client wants PKCE (S256) on the device grant too.
    byte[] random = new byte[32];
    new java.security.SecureRandom().nextBytes(random);
    String verifier = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    String challenge = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
        java.security.MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
    HttpResponse<String> device = http.send(HttpRequest.newBuilder(URI.create(base + "/auth/device"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("client_id=" + CLIENT_ID + "&scope=openid&code_challenge_method=S256"
            + "&code_challenge=" + challenge)).build(),
        HttpResponse.BodyHandlers.ofString());
    var json = new com.fasterxml.jackson.databind.ObjectMapper();
    var code = json.readTree(device.body());
    if (device.statusCode() != 200) {
      throw new AssertionError("Keycloak's device endpoint answered " + device.statusCode() + ": " + device.body());
    }
    approveDevice(URI.create(code.path("verification_uri_complete").asText()), user, password);
    HttpResponse<String> tokens = http.send(HttpRequest.newBuilder(URI.create(base + "/token"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("grant_type=urn:ietf:params:oauth:grant-type:device_code&client_id="
            + CLIENT_ID + "&code_verifier=" + verifier
            + "&device_code=" + URLEncoder.encode(code.path("device_code").asText(), StandardCharsets.UTF_8)))
        .build(), HttpResponse.BodyHandlers.ofString());
    if (tokens.statusCode() != 200) {
      throw new AssertionError("Keycloak's token endpoint answered " + tokens.statusCode() + ": " + tokens.body());
    }
    return json.readTree(tokens.body());
  }

  /**
   * Keycloak's real tokens for {@code user} from client {@code clientId} (mcp-agent or other-app)
   * by the password grant, scope openid: {@code access_token} and {@code id_token}.
   */
  com.fasterxml.jackson.databind.JsonNode passwordTokens(String clientId, String user, String password) throws Exception {
    HttpResponse<String> tokens = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(issuer() + "/protocol/openid-connect/token"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("grant_type=password&scope=openid&client_id=" + clientId
            + "&username=" + user + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8)))
        .build(), HttpResponse.BodyHandlers.ofString());
    if (tokens.statusCode() != 200) {
      throw new AssertionError("Keycloak's token endpoint answered " + tokens.statusCode() + ": " + tokens.body());
    }
    return new com.fasterxml.jackson.databind.ObjectMapper().readTree(tokens.body());
  }

  private static URI formAction(Page page) {
    Matcher m = FORM_ACTION.matcher(page.body());
    if (!m.find()) {
      throw new AssertionError("no form on Keycloak's page:\n" + page.body());
    }
    return page.uri().resolve(m.group(1).replace("&amp;", "&"));
  }

  record Page(URI uri, String body) {}

  /**
   * Just enough of a browser for Keycloak's forms: cookies by name (java.net.CookieManager does
   * not keep cookies for an IP-address host) and redirects followed by hand.
   */
  private static final class Browser {
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(Duration.ofSeconds(10)).build();
    private final Map<String, String> cookies = new java.util.LinkedHashMap<>();

    Page get(URI u) throws Exception {
      return follow(HttpRequest.newBuilder(u).GET(), u);
    }

    Page post(URI u, Map<String, String> form) throws Exception {
      String body = form.entrySet().stream()
          .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
              + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
          .collect(Collectors.joining("&"));
      return follow(HttpRequest.newBuilder(u).header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString(body)), u);
    }

    private Page follow(HttpRequest.Builder req, URI u) throws Exception {
      for (int hops = 0; hops < 10; hops++) {
        if (!cookies.isEmpty()) {
          req.header("Cookie", cookies.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
              .collect(Collectors.joining("; ")));
        }
        HttpResponse<String> r = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
        for (String c : r.headers().allValues("Set-Cookie")) {
          String pair = c.split(";", 2)[0];
          int eq = pair.indexOf('=');
          if (eq > 0) {
            cookies.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
          }
        }
        if (r.statusCode() / 100 == 3 && r.headers().firstValue("Location").isPresent()) {
          u = u.resolve(r.headers().firstValue("Location").get());
          req = HttpRequest.newBuilder(u).GET();
          continue;
        }
        return new Page(u, r.body());
      }
      throw new AssertionError("too many redirects from Keycloak at " + u);
    }
  }

  private void awaitUp(Duration limit) throws Exception {
    HttpClient c = HttpClient.newHttpClient();
    URI discovery = URI.create(issuer() + "/.well-known/openid-configuration");
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("Keycloak exited:\n" + Files.readString(log));
      }
      try {
        if (c.send(HttpRequest.newBuilder(discovery).GET().build(), HttpResponse.BodyHandlers.discarding())
            .statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // Not listening yet.
      }
      Thread.sleep(500);
    }
    close();
    throw new AssertionError("Keycloak not up after " + limit + ":\n" + Files.readString(log));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** A JDK of version 21 or later under /usr/lib/jvm, by its release file. */
  static Optional<Path> modernJdk() throws IOException {
    Path jvm = Path.of("/usr/lib/jvm");
    if (!Files.isDirectory(jvm)) {
      return Optional.empty();
    }
    try (Stream<Path> dirs = Files.list(jvm)) {
      return dirs.filter(d -> Files.isExecutable(d.resolve("bin/java")))
          .filter(d -> majorVersion(d) >= 21)
          .max(Comparator.comparingInt(KeycloakServer::majorVersion));
    }
  }

  private static int majorVersion(Path jdk) {
    try {
      for (String line : Files.readAllLines(jdk.resolve("release"))) {
        if (line.startsWith("JAVA_VERSION=")) {
          String v = line.substring(13).replace("\"", "");
          return Integer.parseInt(v.split("[.+-]")[0]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not a JDK we can read.
    }
    return 0;
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        Path dest = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(dest);
        } else {
          Files.copy(p, dest, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
