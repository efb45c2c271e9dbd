package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.gateway.RawHttp.Answer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
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
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The HTTP side under a hostile client, against the gateway as operators run it: its own JVM with
 * a 256 MiB heap ({@link GatewayProcess}), a real OIDC provider (mock-oauth2-server) for the tokens.
 * Every refusal must be the JSON error with the security headers, on {@code /v1}, {@code /api} and
 * {@code /auth} alike, and the gateway must keep serving afterwards.
 */
class HostileHttpIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String REALM = "corp";
  private static final long GIB = 1L << 30;

  @TempDir static Path dir;
  static MockOAuth2Server idp;
  static GatewayProcess gateway;
  static int webPort;
  static String publicKey;

  @BeforeAll
  static void start() throws Exception {
    idp = OidcGatewayFixture.startProvider();
    int sshPort = SshdProcess.freePort();
    webPort = SshdProcess.freePort();
    String yaml = "dataDir: \"" + dir.resolve("data") + "\"\n"
        + "ssh:\n  listen: \"127.0.0.1:" + sshPort + "\"\n  hostNames: [127.0.0.1, localhost]\n"
        + "web:\n  listen: \"127.0.0.1:" + webPort + "\"\n  roles: { auditor: [security], approver: [dba-leads] }\n"
        + "oidc:\n  issuer: \"" + idp.issuerUrl(REALM).uri() + "\"\n  clientId: " + OidcGatewayFixture.CLIENT + "\n"
        + GatewayFixture.DEFAULT_TARGETS;
    Path config = dir.resolve("gatehouse.yaml");
    Files.writeString(config, yaml);
    gateway = GatewayProcess.serve(dir, config, webPort);
    Path key = dir.resolve("id_ed25519");
    GatewayFixture.keygen("-q", "-t", "ed25519", "-N", "", "-C", "test", "-f", key.toString());
    publicKey = Files.readString(Path.of(key + ".pub")).trim();
  }

  @AfterAll
  static void stop() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
    if (idp != null) {
      idp.shutdown();
    }
  }

  // ---- requests --------------------------------------------------------------------------

  static String bearer(String email, List<String> groups) {
    return OidcGatewayFixture.accessToken(idp, REALM, OidcGatewayFixture.CLIENT, "sub-" + email,
        Map.of("email", email, "groups", groups));
  }

  static String head(String requestLine, String... headers) {
    StringBuilder b = new StringBuilder(requestLine).append("\r\nHost: 127.0.0.1:").append(webPort).append("\r\n");
    for (String h : headers) {
      b.append(h).append("\r\n");
    }
    return b.append("\r\n").toString();
  }

  static Answer send(String head) throws Exception {
    return RawHttp.exchange(webPort, head);
  }

  static Answer send(String head, RawHttp.Body body) throws Exception {
    return RawHttp.exchange(webPort, head, body, Duration.ofSeconds(60));
  }

  /** The JSON error every refusal must be: status, slug, content type and the security headers. */
  static void assertJsonError(Answer a, int status, String slug) throws IOException {
    assertThat(a.status()).as("status of %s", a).isEqualTo(status);
    assertThat(a.header("Content-Type")).as("%s", a).startsWith("application/json");
    assertThat(a.header("X-Content-Type-Options")).as("%s", a).isEqualTo("nosniff");
    assertThat(a.header("X-Frame-Options")).as("%s", a).isEqualTo("DENY");
    assertThat(a.header("Referrer-Policy")).as("%s", a).isEqualTo("no-referrer");
    assertThat(a.header("Content-Security-Policy")).as("%s", a).contains("default-src 'none'");
    assertThat(a.header("Server")).as("%s", a).isNull();
    JsonNode body = JSON.readTree(a.body());
    assertThat(body.path("error").asText()).as("%s", a).isEqualTo(slug);
    assertThat(body.path("message").asText()).as("%s", a).isNotBlank().doesNotContain("Exception");
  }

  static String certificateRequest() {
    String email = GatewayFixture.uniqueIdentity("hostile");
    String token = OidcGatewayFixture.idToken(idp, REALM, "sub-" + email, List.of(OidcGatewayFixture.CLIENT),
        Map.of("email", email, "groups", List.of("dev")));
    return JSON.createObjectNode().put("idToken", token).put("publicKey", publicKey).toString();
  }

  /** A normal request that must still work: a certificate for a fresh token. */
  static void aCertificateIsStillIssued() throws Exception {
    String body = certificateRequest();
    HttpResponse<String> r = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + webPort + "/v1/certificates"))
            .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(JSON.readTree(r.body()).path("certificate").asText()).startsWith("ssh-ed25519-cert-v01@openssh.com ");
  }

  // ---- one at a time: each kind of bad request and its answer --------------------------------

  static Stream<Arguments> badRequests() {
    String huge = "a".repeat(20_000);
    String token = bearer(GatewayFixture.uniqueIdentity("auditor"), List.of("security"));
    String auth = "Authorization: Bearer " + token;
    List<String> manyHeaders = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      manyHeaders.add("X-Flood-" + i + ": " + i);
    }
    return Stream.of(
        Arguments.of("a date before year 0", head("GET /api/sessions?from=-999999999-01-01T00:00:00Z HTTP/1.1", auth),
            400, "bad-request", "from: "),
        Arguments.of("a date after year 9999", head("GET /api/sessions?to=%2B10000-01-01T00:00:00Z HTTP/1.1", auth),
            400, "bad-request", "to: "),
        Arguments.of("malformed percent-encoding in the query", head("GET /api/sessions?q=%ZZ HTTP/1.1", auth),
            400, "bad-request", "percent-encoding"),
        Arguments.of("a truncated percent-encoding in the query", head("GET /api/sessions?q=abc% HTTP/1.1", auth),
            400, "bad-request", ""),
        Arguments.of("a repeated identity parameter",
            head("GET /api/sessions?identity=alice%40example.com&identity=bob%40example.com HTTP/1.1", auth),
            400, "bad-request", "identity: given 2 times"),
        Arguments.of("malformed percent-encoding in the path", head("GET /api/sessions/%ZZ HTTP/1.1", auth),
            400, "bad-request", ""),
        Arguments.of("an encoded slash in the path", head("GET /api/sessions/..%2F..%2Fdata/recording HTTP/1.1", auth),
            400, "bad-request", ""),
        Arguments.of("an encoded dot-dot in /assets", head("GET /assets/%2e%2e/%2e%2e/gatehouse.yaml HTTP/1.1"),
            400, "bad-request", ""),
        Arguments.of("a dot-dot above the root", head("GET /../../etc/passwd HTTP/1.1"), 400, "bad-request", ""),
        Arguments.of("an unknown /api path", head("GET /api/nothing-here HTTP/1.1", auth), 404, "not-found", ""),
        Arguments.of("an unknown path", head("GET /nothing-here HTTP/1.1"), 404, "not-found", ""),
        Arguments.of("POST to /v1/config", head("POST /v1/config HTTP/1.1", "Content-Length: 0"),
            405, "method-not-allowed", ""),
        Arguments.of("TRACE on the API", head("TRACE /api/me HTTP/1.1", auth), 404, "not-found", ""),
        Arguments.of("an invented method", head("BREW /api/me HTTP/1.1", auth), 404, "not-found", ""),
        Arguments.of("a query of 20 000 bytes", head("GET /api/sessions?q=" + huge + " HTTP/1.1", auth),
            414, "uri-too-long", ""),
        Arguments.of("a login callback with a 20 000-byte code", head("GET /auth/callback?state=x&code=" + huge
            + " HTTP/1.1"), 414, "uri-too-long", ""),
        Arguments.of("a header of 20 000 bytes", head("GET /api/me HTTP/1.1", "X-Big: " + huge), 431,
            "headers-too-large", ""),
        Arguments.of("a cookie of 20 000 bytes", head("GET /api/me HTTP/1.1", "Cookie: gh_session=" + huge), 431,
            "headers-too-large", ""),
        Arguments.of("2000 headers", head("GET /api/me HTTP/1.1", manyHeaders.toArray(String[]::new)), 431,
            "headers-too-large", ""),
        Arguments.of("a bearer token of 20 000 bytes", head("GET /api/me HTTP/1.1", "Authorization: Bearer " + huge),
            431, "headers-too-large", ""),
        Arguments.of("two different session cookies", head("GET /api/me HTTP/1.1",
            "Cookie: gh_session=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa; gh_session=bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"),
            401, "ambiguous-cookie", ""),
        Arguments.of("a declared body of 1 GiB for a certificate",
            head("POST /v1/certificates HTTP/1.1", "Content-Type: application/json", "Content-Length: " + GIB),
            413, "body-too-large", ""),
        Arguments.of("a declared body of 1 GiB for an approval",
            head("POST /api/approvals/x/approve HTTP/1.1", auth, "Content-Length: " + GIB),
            413, "body-too-large", ""),
        Arguments.of("a chunk size of 2^80", head("POST /api/approvals/x/approve HTTP/1.1", auth,
            "Transfer-Encoding: chunked") + "100000000000000000000\r\nabc", 400, "bad-request", ""),
        Arguments.of("Content-Length and chunked together", head("POST /api/approvals/x/approve HTTP/1.1", auth,
            "Content-Length: 3", "Transfer-Encoding: chunked") + "3\r\nabc\r\n0\r\n\r\n", 400, "bad-request", ""),
        Arguments.of("two Content-Lengths", head("POST /api/approvals/x/approve HTTP/1.1", auth,
            "Content-Length: 2", "Content-Length: 20") + "{}", 400, "bad-request", ""),
        Arguments.of("a request line of garbage", "\u0001\u0002 / HTTP/1.1\r\n\r\n", 400, "bad-request", ""),
        Arguments.of("HTTP/2.0 spoken as text", "GET / HTTP/2.0\r\nHost: x\r\n\r\n", 426, "upgrade-required", ""),
        Arguments.of("HTTP/0.9", "GET /healthz\r\n\r\n", 505, "http-version-not-supported", ""),
        Arguments.of("HTTP/1.1 without Host", "GET /healthz HTTP/1.1\r\n\r\n", 400, "bad-request", ""),
        Arguments.of("a header line without a colon", head("GET /healthz HTTP/1.1", "NoColonHere"), 400, "bad-request",
            ""),
        Arguments.of("a NUL in a header value", head("GET /healthz HTTP/1.1", "X-A: a\u0000b"), 400, "bad-request", ""),
        Arguments.of("an obsolete folded header", head("GET /healthz HTTP/1.1", "X-A: a", " folded"), 400,
            "bad-request", ""));
  }

  @ParameterizedTest(name = "{0}: {2} {3}")
  @MethodSource("badRequests")
  void eachBadRequestGetsItsJsonErrorWithTheSecurityHeaders(String name, String head, int status, String slug,
      String messageHas) throws Exception {
    Answer a = send(head);

    assertJsonError(a, status, slug);
    assertThat(JSON.readTree(a.body()).path("message").asText()).contains(messageHas);
  }

  // ---- all at once -----------------------------------------------------------------------

  @Test
  void oversizedAndMalformedRequestsInParallelAreRefusedAndTheGatewayKeepsServing() throws Exception {
    String auth = "Authorization: Bearer " + bearer(GatewayFixture.uniqueIdentity("flood"), List.of("security"));
    String huge = "a".repeat(40_000);
    record Attack(String name, java.util.concurrent.Callable<Answer> send, int status, String slug) {}
    List<Attack> attacks = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      attacks.add(new Attack("1 GiB streamed (chunked) certificate request " + i,
          () -> send(head("POST /v1/certificates HTTP/1.1", "Content-Type: application/json", "Transfer-Encoding: chunked"),
              RawHttp.chunked(GIB, 64 * 1024)), 413, "body-too-large"));
      attacks.add(new Attack("1 GiB declared and sent certificate request " + i,
          () -> send(head("POST /v1/certificates HTTP/1.1", "Content-Type: application/json", "Content-Length: " + GIB),
              RawHttp.plain(GIB)), 413, "body-too-large"));
      attacks.add(new Attack("1 GiB streamed approval by a logged-in caller " + i,
          () -> send(head("POST /api/approvals/x/approve HTTP/1.1", auth, "Transfer-Encoding: chunked"),
              RawHttp.chunked(GIB, 64 * 1024)), 413, "body-too-large"));
      attacks.add(new Attack("1 GiB streamed termination by a logged-in caller " + i,
          () -> send(head("POST /api/sessions/x/terminate HTTP/1.1", auth, "Transfer-Encoding: chunked"),
              RawHttp.chunked(GIB, 64 * 1024)), 404, "not-found"));
      attacks.add(new Attack("40 000-byte header " + i, () -> send(head("GET /api/me HTTP/1.1", "X-Big: " + huge)),
          431, "headers-too-large"));
      attacks.add(new Attack("40 000-byte query " + i, () -> send(head("GET /api/sessions?q=" + huge + " HTTP/1.1", auth)),
          414, "uri-too-long"));
      attacks.add(new Attack("malformed query " + i, () -> send(head("GET /api/sessions?q=%ZZ HTTP/1.1", auth)),
          400, "bad-request"));
      attacks.add(new Attack("date out of range " + i,
          () -> send(head("GET /api/sessions?from=-999999999-01-01T00:00:00Z HTTP/1.1", auth)), 400, "bad-request"));
    }
    attacks.add(new Attack("a certificate request that stalls mid-body",
        () -> send(head("POST /v1/certificates HTTP/1.1", "Content-Type: application/json", "Content-Length: 1000"),
            RawHttp.stalling("{\"idToken\":", Duration.ofSeconds(40))), 408, "body-too-slow"));
    attacks.add(new Attack("an approval that stalls mid-body",
        () -> send(head("POST /api/approvals/x/approve HTTP/1.1", auth, "Content-Length: 100"),
            RawHttp.stalling("{", Duration.ofSeconds(40))), 408, "body-too-slow"));

    ExecutorService pool = Executors.newFixedThreadPool(attacks.size());
    try {
      List<Future<Answer>> answers = new ArrayList<>();
      for (Attack a : attacks) {
        answers.add(pool.submit(a.send()));
      }
      for (int i = 0; i < attacks.size(); i++) {
        Attack attack = attacks.get(i);
        Answer a = answers.get(i).get();
        assertJsonError(a, attack.status(), attack.slug());
        assertThat(a.sent()).as("%s: the client got to send at most a few MiB of its GiB", attack.name())
            .isLessThan(64L << 20);
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(gateway.isAlive()).as(gateway.output()).isTrue();
    assertThat(gateway.stderr()).doesNotContain("OutOfMemoryError");
    aCertificateIsStillIssued();
    assertThat(send(head("GET /healthz HTTP/1.1")).status()).isEqualTo(200);
  }

  @Test
  void aConnectionFloodIsShedAndTheGatewayServesAgain() throws Exception {
    // More idle connections than the listener takes (512): they hold nothing but a socket, and are
    // closed after 5 s of silence while the listener is full.
    List<Socket> flood = new ArrayList<>();
    try {
      for (int i = 0; i < 700; i++) {
        Socket s = new Socket();
        try {
          s.connect(new InetSocketAddress("127.0.0.1", webPort), 2000);
        } catch (java.net.SocketTimeoutException full) {
          // The listener stopped accepting and the kernel's backlog is full: the limit holds.
          s.close();
          break;
        }
        s.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
        flood.add(s);
      }
      assertThat(flood).as("connections the flood got").hasSizeGreaterThanOrEqualTo(512);
      assertThat(gateway.isAlive()).isTrue();
      // The same client keeps every socket open; a normal request is answered once the flood is shed.
      HttpResponse<String> health = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + webPort + "/healthz")).timeout(Duration.ofSeconds(60))
              .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
    } finally {
      for (Socket s : flood) {
        s.close();
      }
    }
    assertThat(gateway.isAlive()).isTrue();
    aCertificateIsStillIssued();
  }
}
