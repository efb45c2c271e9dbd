package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.gateway.config.ConfigLoader;
import dev.gatehouse.gateway.postgres.PostgresServer;
import dev.gatehouse.recorder.SessionRecord;
import dev.gatehouse.recorder.SessionState;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Statements judged by policy on a real PostgreSQL target, found through the replay web's search:
 * the statement with its verdict and moment, the flagged filter, the markers, the metrics.
 */
@ExtendWith(GatewayLogOnFailure.class)
class ReplayWebStatementIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dir;
  static PostgresServer pg;
  static MockOAuth2Server idp;
  static Gateway gateway;
  static GatewayFixture ssh;
  static URI web;

  @BeforeAll
  static void start() throws Exception {
    pg = PostgresServer.start(false);
    pg.superSql("app", "SET ROLE app_rw; CREATE TABLE orders (id int PRIMARY KEY, note text);");
    idp = OidcGatewayFixture.startProvider();
    Path file = dir.resolve("gatehouse.yaml");
    Files.writeString(file, """
        dataDir: "%s"
        ssh: { listen: "127.0.0.1:0", hostNames: [127.0.0.1, localhost] }
        web:
          listen: "127.0.0.1:0"
          roles: { auditor: [security] }
        oidc: { issuer: "%s", clientId: gatehouse }
        targets:
          - name: prod-db
            type: postgres
            postgres: { host: 127.0.0.1, port: %d, database: app, user: app_rw, password: "file:%s", tls: disable }
            runAs: nobody
            allow: { groups: [dev] }
            policy: default-sql
        policies:
          default-sql:
            block: [drop-database, drop-table, truncate, delete-without-where, update-without-where]
            review: [ddl]
            unclassified: review
        """.formatted(dir.resolve("data"), idp.issuerUrl("corp"), pg.port, pg.passwordFile()));
    gateway = Gateway.start(ConfigLoader.load(file));
    ssh = GatewayFixture.external(dir, file, gateway.port());
    web = URI.create("http://127.0.0.1:" + gateway.webPort());
  }

  @AfterAll
  static void stop() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
    if (idp != null) {
      idp.shutdown();
    }
    if (pg != null) {
      pg.close();
    }
  }

  static JsonNode get(String path) throws Exception {
    String token = OidcGatewayFixture.accessToken(idp, "corp", OidcGatewayFixture.CLIENT, "sub",
        Map.of("email", "auditor@example.com", "groups", List.of("security")));
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(web + path))
        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("%s: %s", path, r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  @Test
  void aBlockedStatementIsFoundWithItsVerdictAndMomentAndTheSessionIsFlagged() throws Exception {
    String alice = GatewayFixture.uniqueIdentity("alice");
    SshClientKey key = ssh.sign(alice, List.of("dev"));
    SshResult blocked = ssh.ssh(key, "prod-db").run("DELETE FROM orders");
    assertThat(blocked.exitCode()).as("%s", blocked).isEqualTo(77);
    SessionRecord s = ssh.awaitSession(alice, x -> x.state() != SessionState.ACTIVE);
    String bob = GatewayFixture.uniqueIdentity("bob");
    SshClientKey bobKey = ssh.sign(bob, List.of("dev"));
    assertThat(ssh.ssh(bobKey, "prod-db").run("SELECT id FROM orders WHERE id = 4242").exitCode()).isZero();
    SessionRecord quiet = ssh.awaitSession(bob, x -> x.state() != SessionState.ACTIVE);

    JsonNode page = null;
    long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
    while (System.nanoTime() < deadline) {
      page = get("/api/sessions?q=" + URLEncoder.encode("delete from orders", StandardCharsets.UTF_8)
          + "&identity=" + URLEncoder.encode(alice, StandardCharsets.UTF_8));
      if (page.path("sessions").size() == 1) {
        break;
      }
      Thread.sleep(50);
    }
    JsonNode found = page.path("sessions").get(0);
    assertThat(found.path("id").asText()).isEqualTo(s.id());
    assertThat(found.path("flagged").asBoolean()).isTrue();
    // The exec request (kind command) and the statement the proxy judged (kind statement, blocked).
    assertThat(found.path("hits").findValuesAsText("kind")).containsExactly("command", "statement");
    JsonNode hit = found.path("hits").get(1);
    assertThat(hit.path("verdict").asText()).isEqualTo("block");
    assertThat(hit.path("text").asText()).containsIgnoringCase("DELETE FROM orders");
    assertThat(hit.path("t").asDouble()).isGreaterThanOrEqualTo(found.path("hits").get(0).path("t").asDouble());

    assertThat(get("/api/sessions?flagged=true&limit=200").path("sessions").findValuesAsText("id"))
        .contains(s.id()).doesNotContain(quiet.id());
    assertThat(get("/api/sessions?q=4242").path("sessions").findValuesAsText("id")).containsExactly(quiet.id());

    JsonNode detail = get("/api/sessions/" + s.id());
    assertThat(detail.path("markers")).anySatisfy(m -> {
      assertThat(m.path("verdict").asText()).isEqualTo("block");
      assertThat(m.path("rule").asText()).isEqualTo("delete-without-where");
      assertThat(m.path("t").asDouble()).isGreaterThanOrEqualTo(0);
    });
    assertThat(detail.path("integrity").path("status").asText()).isEqualTo("ok");

    String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(web + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    assertThat(ReplayWebIT.metric(metrics, "gatehouse_statements_total{verdict=\"block\"}")).isGreaterThanOrEqualTo(1);
    assertThat(ReplayWebIT.metric(metrics, "gatehouse_statements_total{verdict=\"allow\"}")).isGreaterThanOrEqualTo(1);
  }
}
