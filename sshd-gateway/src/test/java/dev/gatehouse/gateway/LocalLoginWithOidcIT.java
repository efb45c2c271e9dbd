package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.gateway.config.ConfigLoader;
import dev.gatehouse.gateway.web.OperatorLinks;
import dev.gatehouse.recorder.approval.ApprovalKind;
import dev.gatehouse.recorder.approval.ApprovalRequest;
import dev.gatehouse.recorder.approval.NewApprovalRequest;
import java.net.CookieManager;
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
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Operator links beside the company's OIDC login ({@code web.localLogin: true} and {@code oidc}):
 * the login page offers both, each logs in as itself, the operator decides approvals as the command
 * line's operator does (no approver group, never their own request), and turning the setting off
 * on a reload ends the operator's browser sessions and refuses links.
 */
@ExtendWith(GatewayLogOnFailure.class)
class LocalLoginWithOidcIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String REALM = "corp";
  private static final String WEB = "localLogin: true\nroles: { auditor: [security], approver: [dba-leads] }";
  @TempDir static Path dir;
  static MockOAuth2Server idp;
  static OidcGatewayFixture gw;

  @BeforeAll
  static void start() throws Exception {
    idp = OidcGatewayFixture.startProvider();
    gw = OidcGatewayFixture.start(dir, idp.issuerUrl(REALM).uri(), "", WEB);
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
  void theLoginPageOffersTheIdentityProviderAndTheOperatorLinkAndEachLogsInAsItself() throws Exception {
    Browser b = new Browser();
    HttpResponse<String> page = b.get("/auth/login?return=" + URLEncoder.encode("/approvals", StandardCharsets.UTF_8));
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(c -> assertThat(c).contains("script-src 'self'"));
    assertThat(page.body()).contains("id=\"login-oidc\"").contains("id=\"login-local\"")
        .contains("href=\"/auth/login?with=oidc&amp;return=%2Fapprovals\"").contains("gatehouse web login-link");

    // The identity provider, chosen on the page: the code flow as without operator links.
    String alice = GatewayFixture.uniqueIdentity("alice");
    oidcLogin(b, alice, List.of("security"));
    JsonNode me = JSON.readTree(b.get("/api/me").body());
    assertThat(me.path("identity").asText()).isEqualTo(alice);
    assertThat(me.path("roles")).extracting(JsonNode::asText).containsExactly("auditor");

    // The operator's link, in another browser.
    Browser op = operator();
    JsonNode opMe = JSON.readTree(op.get("/api/me").body());
    assertThat(opMe.path("identity").asText()).isEqualTo("operator@local");
    assertThat(opMe.path("roles")).extracting(JsonNode::asText).containsExactlyInAnyOrder("auditor", "approver");
    // Alice is still herself.
    assertThat(JSON.readTree(b.get("/api/me").body()).path("identity").asText()).isEqualTo(alice);
  }

  @Test
  void theOperatorDecidesOthersRequestsWithoutAnApproverGroupButNeverTheirOwn() throws Exception {
    String bob = GatewayFixture.uniqueIdentity("bob");
    ApprovalRequest others = request(bob);
    ApprovalRequest own = request("operator@local");
    Browser op = operator();
    JsonNode listed = null;
    for (JsonNode r : JSON.readTree(op.get("/api/approvals?state=pending").body())) {
      if (r.path("id").asText().equals(others.id())) {
        listed = r;
      }
    }
    assertThat(listed).as("the operator sees %s", others.id()).isNotNull();
    assertThat(listed.path("mayDecide").asBoolean()).isTrue();

    HttpResponse<String> ok = op.post("/api/approvals/" + others.id() + "/approve", "{\"comment\":\"from the operator\"}");
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
    JsonNode after = JSON.readTree(ok.body());
    assertThat(after.path("state").asText()).isEqualTo("approved");
    assertThat(after.path("decisions").get(0).path("approver").asText()).isEqualTo("operator@local");
    JsonNode decided = awaitAudit("GH3003I", others.id());
    assertThat(decided.path("via").asText()).isEqualTo("web-local");
    assertThat(decided.path("approver").asText()).isEqualTo("operator@local");

    HttpResponse<String> selfish = op.post("/api/approvals/" + own.id() + "/approve", "{}");
    assertThat(selfish.statusCode()).isEqualTo(403);
    assertThat(JSON.readTree(selfish.body()).path("error").asText()).isEqualTo("self-approval");
    assertThat(awaitAudit("GH3005W", own.id()).path("reason").asText()).isEqualTo("self-approval");
  }

  @Test
  void turningLocalLoginOffOnAReloadEndsTheOperatorsSessionsAndRefusesLinks() throws Exception {
    Browser op = operator();
    String unused = OperatorLinks.issue(gw.config(), gw.gateway().webPort(), "test").url();
    assertThat(op.get("/api/me").statusCode()).isEqualTo(200);
    Path file = dir.resolve("gatehouse.yaml");
    String on = Files.readString(file);
    try {
      Files.writeString(file, on.replace("localLogin: true", "localLogin: false"));
      gw.gateway().reload(ConfigLoader.load(file));
      assertThat(op.get("/api/me").statusCode()).isEqualTo(401);
      assertThat(op.get("/").headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).startsWith("/auth/login"));
      HttpResponse<String> refused = new Browser().getUrl(unused, "Accept", "application/json");
      assertThat(refused.statusCode()).isEqualTo(404);
      assertThat(JSON.readTree(refused.body()).path("error").asText()).isEqualTo("local-login-off");
      // Without local login and with oidc, /auth/login goes straight to the identity provider.
      HttpResponse<String> login = new Browser().get("/auth/login");
      assertThat(login.statusCode()).isEqualTo(302);
      assertThat(login.headers().firstValue("Location").orElseThrow()).startsWith(idp.authorizationEndpointUrl(REALM).toString());
    } finally {
      Files.writeString(file, on);
      gw.gateway().reload(ConfigLoader.load(file));
    }
    assertThat(gw.auditLines()).anySatisfy(n -> {
      assertThat(n.path("code").asText()).isEqualTo("GH1004W");
      assertThat(n.path("reason").asText()).isEqualTo("local-login-off");
    });
  }

  // ---- helpers -------------------------------------------------------------------------------

  /** A client with its own cookie jar, redirects not followed (the test follows them where a browser would). */
  static final class Browser {
    final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
        .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();
    String csrf;

    HttpResponse<String> get(String path, String... headers) throws Exception {
      return getUrl(gw.webUrl() + path, headers);
    }

    HttpResponse<String> getUrl(String url, String... headers) throws Exception {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
      if (headers.length > 0) {
        b.headers(headers);
      }
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String body) throws Exception {
      return http.send(HttpRequest.newBuilder(URI.create(gw.webUrl() + path)).timeout(Duration.ofSeconds(10))
          .header("Content-Type", "application/json").header("X-CSRF-Token", csrf)
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
  }

  /** A browser logged in with a fresh operator link, as `gatehouse web login-link` makes it. */
  static Browser operator() throws Exception {
    Browser b = new Browser();
    String link = OperatorLinks.issue(gw.config(), gw.gateway().webPort(), "test").url();
    assertThat(link).startsWith(gw.webUrl() + "/auth/local?token=");
    HttpResponse<String> in = b.getUrl(link);
    assertThat(in.statusCode()).as(in.body()).isEqualTo(302);
    b.csrf = JSON.readTree(b.get("/api/me").body()).path("csrf").asText();
    return b;
  }

  /** The OIDC code flow from the page's identity-provider button, through mock-oauth2-server. */
  static void oidcLogin(Browser b, String email, List<String> groups) throws Exception {
    idp.enqueueCallback(new DefaultOAuth2TokenCallback(REALM, "sub-" + email, "JWT", List.of(OidcGatewayFixture.CLIENT),
        Map.of("email", email, "groups", groups), 300));
    HttpResponse<String> start = b.get("/auth/login?with=oidc&return=" + URLEncoder.encode("/approvals", StandardCharsets.UTF_8));
    assertThat(start.statusCode()).as(start.body()).isEqualTo(302);
    String authorize = start.headers().firstValue("Location").orElseThrow();
    assertThat(authorize).startsWith(idp.authorizationEndpointUrl(REALM).toString());
    HttpResponse<String> atIdp = b.getUrl(authorize);
    assertThat(atIdp.statusCode()).as(atIdp.body()).isEqualTo(302);
    HttpResponse<String> back = b.getUrl(atIdp.headers().firstValue("Location").orElseThrow());
    assertThat(back.statusCode()).as(back.body()).isEqualTo(302);
    assertThat(back.headers().firstValue("Location")).contains("/approvals");
  }

  static ApprovalRequest request(String requester) throws Exception {
    return gw.gateway().approvals().request(new NewApprovalRequest(ApprovalKind.STATEMENT, requester, "shell",
        "DELETE FROM orders WHERE id = 7",
        dev.gatehouse.policy.ApprovalKey.of("DELETE FROM orders WHERE id = 7", dev.gatehouse.policy.StandardConformingStrings.ON),
        "orders-writes", "refund", List.of("dba-leads"), 1, null,
        Duration.ofMinutes(10), null), null);
  }

  static JsonNode awaitAudit(String code, String requestId) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (true) {
      for (JsonNode n : gw.auditLines()) {
        if (code.equals(n.path("code").asText()) && requestId.equals(n.path("requestId").asText())) {
          return n;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no " + code + " for request " + requestId + " in " + gw.auditLines());
      }
      Thread.sleep(50);
    }
  }
}
