package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.gateway.config.ConfigLoader;
import dev.gatehouse.gateway.web.OperatorLinks;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.gatehouse.recorder.SessionRecord;
import dev.gatehouse.recorder.SessionState;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attacks on the HTTP side's operator link ({@code web.localLogin}). The docs promise that turning
 * the setting off on a reload ends the operator's browser sessions; the code drops an operator
 * session only when a request arrives while the setting is off. A reload off and then on again
 * (a leaked link noticed, the setting flipped off, then back on after a new link is made) leaves
 * every operator session made before it alive if it sent no request in between.
 */
@ExtendWith(GatewayLogOnFailure.class)
class HttpAttack19IT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dir;
  static MockOAuth2Server idp;
  static OidcGatewayFixture gw;

  @BeforeAll
  static void start() throws Exception {
    idp = OidcGatewayFixture.startProvider();
    gw = OidcGatewayFixture.start(dir, idp.issuerUrl("corp").uri(), "", "localLogin: true");
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
    if (idp != null) {
      idp.shutdown();
    }
  }

  @Test
  void anOperatorSessionDoesNotOutliveLocalLoginTurnedOffAndOnAgain() throws Exception {
    HttpClient op = HttpClient.newBuilder().cookieHandler(new CookieManager())
        .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
    String link = OperatorLinks.issue(gw.config(), gw.gateway().webPort(), "test").url();
    assertThat(op.send(get(link), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(302);
    HttpResponse<String> me = op.send(get(gw.webUrl() + "/api/me"), HttpResponse.BodyHandlers.ofString());
    assertThat(me.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(me.body()).path("identity").asText()).isEqualTo("operator@local");

    Path file = dir.resolve("gatehouse.yaml");
    String on = Files.readString(file);
    try {
      Files.writeString(file, on.replace("localLogin: true", "localLogin: false"));
      gw.gateway().reload(ConfigLoader.load(file));
      // no request from the operator's browser while the setting is off
    } finally {
      Files.writeString(file, on);
      gw.gateway().reload(ConfigLoader.load(file));
    }
    HttpResponse<String> after = op.send(get(gw.webUrl() + "/api/me"), HttpResponse.BodyHandlers.ofString());
    assertThat(after.statusCode()).as("the session made before the setting was turned off: %s", after.body())
        .isEqualTo(401);
  }

  /**
   * The same for a live view the operator has open: the reload that turns the setting off ends it
   * (1008), although the setting is back on before the view's next access check.
   */
  @Test
  void anOperatorLiveViewEndsAtTheReloadThatTurnsLocalLoginOff() throws Exception {
    GatewayFixture ssh = GatewayFixture.external(dir, dir.resolve("gatehouse.yaml"), gw.sshPort());
    String watchedUser = GatewayFixture.uniqueIdentity("watched");
    try (GatewayFixture.Running watched = ssh.ssh(ssh.sign(watchedUser, List.of("dev")), "shell")
        .timeout(Duration.ofSeconds(60)).start("echo started; sleep 40")) {
      watched.awaitStdout("started", Duration.ofSeconds(20));
      SessionRecord live = ssh.awaitSession(watchedUser, s -> s.state() == SessionState.ACTIVE);
      HttpClient op = HttpClient.newBuilder().cookieHandler(new CookieManager())
          .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
      String link = OperatorLinks.issue(gw.config(), gw.gateway().webPort(), "test").url();
      assertThat(op.send(get(link), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(302);
      CompletableFuture<Integer> closed = new CompletableFuture<>();
      CompletableFuture<String> firstText = new CompletableFuture<>();
      WebSocket ws = op.newWebSocketBuilder().header("Origin", gw.webUrl().toString())
          .buildAsync(URI.create(gw.webUrl().toString().replace("http", "ws") + "/api/sessions/" + live.id() + "/live"),
              new WebSocket.Listener() {
                @Override
                public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                  firstText.complete(data.toString());
                  w.request(1);
                  return null;
                }

                @Override
                public CompletionStage<?> onClose(WebSocket w, int status, String reason) {
                  closed.complete(status);
                  return null;
                }
              }).get(10, TimeUnit.SECONDS);
      assertThat(firstText.get(10, TimeUnit.SECONDS)).as("the view is live before the reload").isNotEmpty();
      assertThat(closed).isNotDone();

      Path file = dir.resolve("gatehouse.yaml");
      String on = Files.readString(file);
      try {
        Files.writeString(file, on.replace("localLogin: true", "localLogin: false"));
        gw.gateway().reload(ConfigLoader.load(file));
      } finally {
        Files.writeString(file, on);
        gw.gateway().reload(ConfigLoader.load(file));
      }
      // The view re-checks its access every 0.5 s; 10 s is only a ceiling for a loaded machine.
      assertThat(closed.get(10, TimeUnit.SECONDS)).isEqualTo(1008);
      ws.abort();
    }
  }

  private static HttpRequest get(String url) {
    return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build();
  }
}
