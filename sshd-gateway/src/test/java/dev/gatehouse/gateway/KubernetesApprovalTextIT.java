package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an approver is shown for a Kubernetes request held for review is what its approval is bound
 * to: the method, the path with its query (each parameter decoded as the API server reads it), the
 * Content-Type (which decides what a patch means) and the body, whole in {@code show} and the JSON,
 * its first part with size and SHA-256 in a list. Real OpenSSH ({@code ssh -L}, {@code ssh
 * approvals@gw}) in front of the gateway's proxy and its stand-in API server.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class KubernetesApprovalTextIT {
  private static final String BINDINGS = "/apis/rbac.authorization.k8s.io/v1/namespaces/app/rolebindings";
  @TempDir static Path dir;
  static KubeTargetFixture k8s;
  static GatewayFixture gw;
  static SshClientKey bob;

  @RegisterExtension GatewayLogOnFailure log = new GatewayLogOnFailure();

  @BeforeAll
  static void start() throws Exception {
    k8s = KubeTargetFixture.setup().pods("web-1", "web-2").approvers().start(dir);
    gw = k8s.gw;
    bob = gw.sign(GatewayFixture.uniqueIdentity("bob"), List.of("sre-leads"));
  }

  @AfterAll
  static void stop() {
    if (k8s != null) {
      k8s.close();
    }
  }

  private static CompletableFuture<HttpResponse<String>> send(KubeTargetFixture.Tunnel t, String method, String path,
      String contentType, String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + t.port + path))
        .timeout(Duration.ofSeconds(90))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
        .sendAsync(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The pending requests of {@code who} once there are {@code n}, newest first (as the list orders them). */
  private static List<JsonNode> pending(SshClientKey who, int n) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      List<JsonNode> mine = new java.util.ArrayList<>();
      for (JsonNode x : KubeTargetFixture.JSON.readTree(gw.cli("approvals", "list", "--format", "json").out())) {
        if (x.path("requester").asText().equals(who.identity()) && x.path("state").asText().equals("pending")) {
          mine.add(x);
        }
      }
      if (mine.size() >= n) {
        return mine;
      }
      assertThat(System.nanoTime()).as("%d pending requests of %s; have %s", n, who.identity(), mine).isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  private static String approvals(String command) throws Exception {
    SshResult r = gw.ssh(bob, "approvals").run(command);
    assertThat(r.exitCode()).as("%s", r).isZero();
    return r.out();
  }

  private static String sha256(String s) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void eachPatchTypeIsShownWithItsContentTypeAndAnApprovalOfOneIsNotUsedForAnother() throws Exception {
    SshClientKey alice = gw.sign(GatewayFixture.uniqueIdentity("alice"), List.of("sre"));
    String body = "{\"roleRef\":{\"apiGroup\":\"rbac.authorization.k8s.io\",\"kind\":\"ClusterRole\",\"name\":\"edit\"}}";
    try (KubeTargetFixture.Tunnel t = k8s.tunnel(alice, "patches")) {
      var merge = send(t, "PATCH", BINDINGS + "/team", "application/merge-patch+json", body);
      JsonNode mergeRequest = pending(alice, 1).get(0);
      String statement = mergeRequest.path("statement").asText();
      assertThat(statement).isEqualTo("PATCH rolebindings.rbac.authorization.k8s.io/team in namespace app\n"
          + "PATCH " + BINDINGS + "/team\n"
          + "Content-Type: application/merge-patch+json\n"
          + "grants ClusterRole edit (subjects: not in this body)\n"
          + "body: " + body.length() + " bytes, sha256 " + sha256(body) + "\n"
          + body);
      // approved: the held merge patch goes on to the API server
      approvals("approve " + mergeRequest.path("id").asText() + " ok");
      HttpResponse<String> done = merge.get(60, TimeUnit.SECONDS);
      assertThat(done.body()).doesNotContain("gatehouse:");

      // the same bytes as a strategic merge patch and as a JSON patch are other requests: asked anew,
      // and each is shown with its own Content-Type
      var strategic = send(t, "PATCH", BINDINGS + "/team", "application/strategic-merge-patch+json", body);
      pending(alice, 1);
      var jsonPatch = send(t, "PATCH", BINDINGS + "/team", "application/json-patch+json",
          "[{\"op\":\"replace\",\"path\":\"/roleRef/name\",\"value\":\"cluster-admin\"}]");
      List<JsonNode> both = pending(alice, 2);
      String listed = approvals("list");
      assertThat(listed).contains("  | Content-Type: application/strategic-merge-patch+json\n")
          .contains("  | Content-Type: application/json-patch+json\n")
          .contains("  | [{\"op\":\"replace\",\"path\":\"/roleRef/name\",\"value\":\"cluster-admin\"}]\n");
      for (JsonNode r : both) {
        approvals("deny " + r.path("id").asText() + " no");
      }
      assertThat(strategic.get(60, TimeUnit.SECONDS).body()).contains("gatehouse: blocked by rule rbac-write");
      assertThat(jsonPatch.get(60, TimeUnit.SECONDS).body()).contains("gatehouse: blocked by rule rbac-write");
    }
  }

  @Test
  void aDeleteWithABodyAndAQueryShowsBoth() throws Exception {
    SshClientKey carol = gw.sign(GatewayFixture.uniqueIdentity("carol"), List.of("sre"));
    String options = "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"propagationPolicy\":\"Orphan\",\"gracePeriodSeconds\":0}";
    try (KubeTargetFixture.Tunnel t = k8s.tunnel(carol, "delete")) {
      var held = send(t, "DELETE", "/api/v1/namespaces/app/pods/web-2?dryRun=All&fieldSelector=status.phase%3DRunning",
          "application/json", options);
      JsonNode r = pending(carol, 1).get(0);
      try {
        String listed = approvals("list");
        assertThat(listed).contains("  | DELETE pods/web-2 in namespace app\n"
            + "  | DELETE /api/v1/namespaces/app/pods/web-2?dryRun=All&fieldSelector=status.phase%3DRunning\n"
            + "  | query dryRun: All\n"
            + "  | query fieldSelector: status.phase=Running\n"
            + "  | Content-Type: application/json\n"
            + "  | body: " + options.length() + " bytes, sha256 " + sha256(options) + "\n"
            + "  | " + options + "\n");
      } finally {
        approvals("deny " + r.path("id").asText() + " no");
        held.get(60, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void aLargeBodyIsCutInAListWithItsSizeAndHashAndShownWholeByShow() throws Exception {
    SshClientKey dave = gw.sign(GatewayFixture.uniqueIdentity("dave"), List.of("sre"));
    // The grant comes after 20 KB of annotations: a list shows the body's first part only, but the
    // grant's own line (before the body) and where to read the rest.
    String body = "{\"apiVersion\":\"rbac.authorization.k8s.io/v1\",\"kind\":\"RoleBinding\","
        + "\"metadata\":{\"name\":\"quiet\",\"namespace\":\"app\",\"annotations\":{\"note\":\"" + "z".repeat(20_000) + "\"}},"
        + "\"roleRef\":{\"apiGroup\":\"rbac.authorization.k8s.io\",\"kind\":\"ClusterRole\",\"name\":\"cluster-admin\"},"
        + "\"subjects\":[{\"kind\":\"User\",\"name\":\"" + dave.identity() + "\"}]}";
    try (KubeTargetFixture.Tunnel t = k8s.tunnel(dave, "large")) {
      var held = send(t, "POST", BINDINGS, "application/json", body);
      JsonNode r = pending(dave, 1).get(0);
      String id = r.path("id").asText();
      try {
        String listed = approvals("list");
        String mine = listed.substring(listed.indexOf(id + " "));
        assertThat(mine).contains("  | grants ClusterRole cluster-admin to User " + dave.identity() + "\n")
            .contains("  | body: " + String.format(java.util.Locale.ROOT, "%,d", body.length()) + " bytes, sha256 " + sha256(body) + "\n")
            .contains("  [cut: above is the first part; the whole text is ")
            .contains("'show " + id + "'")
            .doesNotContain("\"subjects\"");
        String shown = approvals("show " + id);
        assertThat(shown).contains("  | " + body + "\n").doesNotContain("[cut:");
        JsonNode json = KubeTargetFixture.JSON.readTree(approvals("show " + id + " --format json"));
        assertThat(json.path("statement").asText()).endsWith("\n" + body);
        GatewayFixture.CliResult cli = gw.cli("approvals", "show", id);
        assertThat(cli.exitCode()).as(cli.err()).isZero();
        assertThat(cli.out()).contains("  | " + body + "\n");
      } finally {
        approvals("deny " + id + " no");
        held.get(60, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void showIsOnlyForTheRequesterAndTheApprovers() throws Exception {
    SshClientKey erin = gw.sign(GatewayFixture.uniqueIdentity("erin"), List.of("sre"));
    SshClientKey mallory = gw.sign(GatewayFixture.uniqueIdentity("mallory"), List.of("dev"));
    try (KubeTargetFixture.Tunnel t = k8s.tunnel(erin, "show")) {
      var held = send(t, "DELETE", "/api/v1/namespaces/app/pods/web-1", null, null);
      String id = pending(erin, 1).get(0).path("id").asText();
      try {
        SshResult other = gw.ssh(mallory, "approvals").run("show " + id);
        assertThat(other.exitCode()).as("%s", other).isEqualTo(77);
        assertThat(other.err()).contains("refused (not-found)");
        assertThat(other.out()).doesNotContain("web-1");
        SshResult own = gw.ssh(erin, "approvals").run("show " + id);
        assertThat(own.exitCode()).as("%s", own).isZero();
        assertThat(own.out()).contains("  | DELETE /api/v1/namespaces/app/pods/web-1\n  | Content-Type: (none)\n  | body: none");
      } finally {
        approvals("deny " + id + " no");
        held.get(60, TimeUnit.SECONDS);
      }
    }
  }
}
