package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * Attack pass on what an approver is shown for a Kubernetes request held for review. The approval
 * is bound to the request's method, path, query and body, but the approver decides on one line
 * ({@code KubeRequest.describe()}: method, resource, name, namespace) and the rule's reason: the
 * body and the query are never shown. Two requests that do very different things are shown
 * alike, so the approver cannot know what they approve. Real OpenSSH ({@code ssh -L} and {@code ssh
 * approvals@gw list}) in front of the gateway's proxy and its stand-in API server.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class KubernetesApprovalViewAttack19cIT {
  @TempDir static Path dir;
  static KubeTargetFixture k8s;
  static GatewayFixture gw;
  static SshClientKey alice;
  static SshClientKey bob;

  @RegisterExtension GatewayLogOnFailure log = new GatewayLogOnFailure();

  @BeforeAll
  static void start() throws Exception {
    k8s = KubeTargetFixture.setup().pods("web-1", "cache-1").approvers().start(dir);
    gw = k8s.gw;
    alice = gw.sign(GatewayFixture.uniqueIdentity("alice"), List.of("sre"));
    bob = gw.sign(GatewayFixture.uniqueIdentity("bob"), List.of("sre-leads"));
  }

  @AfterAll
  static void stop() {
    if (k8s != null) {
      k8s.close();
    }
  }

  /** A request through alice's {@code ssh -L}; it waits in the proxy for its approval. */
  private static CompletableFuture<HttpResponse<String>> send(KubeTargetFixture.Tunnel t, String method, String path,
      String body) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + t.port + path))
        .timeout(Duration.ofSeconds(60)).header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
        .sendAsync(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The ids of alice's pending requests, once there are {@code n}, oldest first. */
  private static List<String> pending(int n) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      List<String> ids = new ArrayList<>();
      GatewayFixture.CliResult r = gw.cli("approvals", "list", "--format", "json");
      for (JsonNode x : KubeTargetFixture.JSON.readTree(r.out())) {
        if (x.path("requester").asText().equals(alice.identity()) && x.path("state").asText().equals("pending")) {
          ids.add(x.path("id").asText());
        }
      }
      if (ids.size() >= n) {
        return ids;
      }
      assertThat(System.nanoTime()).as("%d pending requests of alice; have %s", n, ids).isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  /** What {@code ssh approvals@gw list} shows the approver for request {@code id}, its id column left out. */
  private static String shownToApprover(String listing, String id) {
    StringBuilder b = new StringBuilder();
    boolean in = false;
    for (String line : listing.lines().toList()) {
      if (!line.startsWith(" ")) {
        in = line.startsWith(id + " ");
        if (in) {
          b.append(line.substring(id.length())).append('\n');
        }
      } else if (in) {
        b.append(line).append('\n');
      }
    }
    return b.toString();
  }

  private static void denyAll(List<String> ids) throws Exception {
    for (String id : ids) {
      gw.ssh(bob, "approvals").run("deny " + id + " attack test");
    }
  }

  @Test
  void anApproverSeesWhichRoleARoleBindingGrants() throws Exception {
    // alice asks for "view" in chat; the request she sends binds cluster-admin. Both are rbac-write
    // reviews; the approver's list must show which role is granted, or it approves blind.
    String binding = """
        {"apiVersion":"rbac.authorization.k8s.io/v1","kind":"RoleBinding",
         "metadata":{"name":"alice-view","namespace":"app"},
         "roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"cluster-admin"},
         "subjects":[{"kind":"User","name":"%s"}]}""".formatted(alice.identity());
    try (KubeTargetFixture.Tunnel t = k8s.tunnel(alice, "rbac")) {
      var held = send(t, "POST", "/apis/rbac.authorization.k8s.io/v1/namespaces/app/rolebindings", binding);
      List<String> ids = pending(1);
      try {
        SshResult list = gw.ssh(bob, "approvals").run("list");
        assertThat(list.exitCode()).as("%s", list).isZero();
        String shown = shownToApprover(list.out(), ids.get(0));
        assertThat(shown).as("what the approver is shown for a RoleBinding granting cluster-admin").contains("cluster-admin");
      } finally {
        denyAll(ids);
        held.get(60, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void twoDeletesOfDifferentPodsAreNotShownAlike() throws Exception {
    // A delete of the cache pods (by label) and a delete of every pod in the namespace: two
    // requests, two approvals, but the approver must be able to tell which is which.
    try (KubeTargetFixture.Tunnel t = k8s.tunnel(alice, "collection")) {
      var some = send(t, "DELETE", "/api/v1/namespaces/app/pods?labelSelector=tier%3Dcache", null);
      List<String> first = pending(1);
      var all = send(t, "DELETE", "/api/v1/namespaces/app/pods", null);
      List<String> ids = pending(2);
      try {
        String selectorId = first.get(0);
        String allId = ids.stream().filter(i -> !i.equals(selectorId)).findFirst().orElseThrow();
        SshResult list = gw.ssh(bob, "approvals").run("list");
        assertThat(list.exitCode()).as("%s", list).isZero();
        String a = shownToApprover(list.out(), selectorId);
        String b = shownToApprover(list.out(), allId);
        assertThat(a).as("the delete by label selector as the approver sees it").isNotBlank();
        assertThat(a).as("the approver can tell a delete of the cache pods from a delete of every pod").isNotEqualTo(b);
      } finally {
        denyAll(ids);
        some.get(60, TimeUnit.SECONDS);
        all.get(60, TimeUnit.SECONDS);
      }
    }
  }
}
