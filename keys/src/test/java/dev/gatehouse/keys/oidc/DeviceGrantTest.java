package dev.gatehouse.keys.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The device grant against a provider whose answers the test writes: what reaches a person's
 * terminal (user code, URLs) must be plain printable text, and the poll interval follows the
 * provider's interval and slow_down.
 */
class DeviceGrantTest {
  private HttpServer server;
  private final AtomicReference<String> deviceAnswer = new AtomicReference<>();
  private final AtomicReference<String> tokenAnswer = new AtomicReference<>();
  private DeviceGrant grant;
  private ProviderHttp http;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/device", ex -> respond(ex, deviceAnswer.get()));
    server.createContext("/token", ex -> respond(ex, tokenAnswer.get()));
    server.start();
    String base = "http://127.0.0.1:" + server.getAddress().getPort();
    ProviderMetadata metadata = new ProviderMetadata(URI.create(base), URI.create(base + "/authorize"),
        URI.create(base + "/token"), URI.create(base + "/device"), URI.create(base + "/jwks"));
    http = new ProviderHttp(Duration.ofSeconds(5));
    grant = new DeviceGrant(metadata, "gatehouse", Clock.systemUTC(), http);
  }

  @AfterEach
  void stop() {
    server.stop(0);
    http.close();
  }

  private static void respond(HttpExchange ex, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(json.contains("\"error\"") ? 400 : 200, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  private static String answer(String userCode, String uri, String complete) {
    return "{\"device_code\":\"dc\",\"user_code\":" + userCode + ",\"verification_uri\":" + uri
        + (complete == null ? "" : ",\"verification_uri_complete\":" + complete) + ",\"interval\":3,\"expires_in\":600}";
  }

  @Test
  void aWellFormedAnswerGivesTheCodeTheUrlAndTheInterval() throws Exception {
    deviceAnswer.set(answer("\"WDJB-MJHT\"", "\"https://idp.example.com/device\"",
        "\"https://idp.example.com/device?user_code=WDJB-MJHT\""));
    DeviceGrant.Pending p = grant.start(List.of("openid"));
    assertThat(p.userCode()).isEqualTo("WDJB-MJHT");
    assertThat(p.verificationUriComplete()).hasToString("https://idp.example.com/device?user_code=WDJB-MJHT");
    assertThat(p.interval()).isEqualTo(Duration.ofSeconds(3));
    assertThat(p.toString()).doesNotContain("dc"); // the device code is never printed
  }

  @ParameterizedTest(name = "user_code {0} is refused")
  @ValueSource(strings = {"\"AB\\u001b]52;c;ZXZpbA==\\u0007\"", "\"AB\\u001b[2KCD\"", "\"two words\"", "\"\"",
      "\"WDJB\\nMJHT\""})
  void aUserCodeThatIsNotPlainTextIsRefused(String userCode) {
    deviceAnswer.set(answer(userCode, "\"https://idp.example.com/device\"", null));
    assertThatThrownBy(() -> grant.start(List.of("openid")))
        .isInstanceOf(IOException.class).hasMessageContaining("unusable user_code");
  }

  @ParameterizedTest(name = "verification URL {0} is refused")
  @ValueSource(strings = {"\"javascript:alert(1)\"", "\"https://idp.example.com/\\u001b]0;owned\\u0007\"",
      "\"file:///etc/passwd\"", "\"/relative/device\"", "\"https://idp.example.com/a b\""})
  void aVerificationUrlThatIsNotAPlainHttpUrlIsRefused(String uri) {
    deviceAnswer.set(answer("\"WDJB-MJHT\"", uri, null));
    assertThatThrownBy(() -> grant.start(List.of("openid"))).isInstanceOf(IOException.class)
        .hasMessageContaining("verification_uri");
  }

  @Test
  void anErrorAnswerIsQuotedAsPlainText() {
    deviceAnswer.set("{\"error\":\"invalid_client\\u001b[31m\",\"error_description\":\"no\\u0007such client\"}");
    assertThatThrownBy(() -> grant.start(List.of("openid"))).isInstanceOf(IOException.class)
        .hasMessage("device authorization refused: invalid_client?[31m (no?such client)");
  }

  @Test
  void slowDownAddsFiveSecondsAndPendingKeepsTheInterval() throws Exception {
    deviceAnswer.set(answer("\"WDJB-MJHT\"", "\"https://idp.example.com/device\"", null));
    DeviceGrant.Pending p = grant.start(List.of("openid"));
    tokenAnswer.set("{\"error\":\"authorization_pending\"}");
    assertThat(grant.poll(p, Duration.ofSeconds(3))).isEqualTo(new DeviceGrant.Waiting(Duration.ofSeconds(3)));
    tokenAnswer.set("{\"error\":\"slow_down\"}");
    assertThat(grant.poll(p, Duration.ofSeconds(3))).isEqualTo(new DeviceGrant.Waiting(Duration.ofSeconds(8)));
    tokenAnswer.set("{\"error\":\"access_denied\"}");
    assertThat(grant.poll(p, Duration.ofSeconds(8))).isInstanceOf(DeviceGrant.Failed.class);
  }
}
