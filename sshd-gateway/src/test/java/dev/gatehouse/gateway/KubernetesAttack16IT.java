package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.kube.testing.Kubectl;
import dev.gatehouse.kube.testing.StandInApiServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass on kubernetes targets: each test is a way past what the Kubernetes path enforces,
 * found by a hostile user with a valid certificate, confirmed end to end (real OpenSSH, the
 * gateway's API proxy, real kubectl where it can send the request, the stand-in API server whose
 * request log shows what got through). Each test states what should have happened; it fails while
 * the bypass works.
 *
 * <p>The policy blocks {@code privileged-workload} (rather than reviewing it) so that "blocked"
 * is a plain answer; everything else is the documented default.
 */
class KubernetesAttack16IT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern REQUEST_ID = Pattern.compile("request ([0-9A-F]{4,8})");
  @TempDir static Path dir;
  static KubeTargetFixture k8s;
  static StandInApiServer api;
  static GatewayFixture gw;
  static SshClientKey alice;
  static SshClientKey bob;

  @RegisterExtension GatewayLogOnFailure log = new GatewayLogOnFailure();

  @BeforeAll
  static void start() throws Exception {
    k8s = KubeTargetFixture.setup().pods("web-1", "web-2", "web-3").runAs().approvers().blockPrivileged().start(dir);
    api = k8s.api;
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

  // ---- privileged-workload: the proxy reads the body differently from the API server ----

  /**
   * A YAML body (the API server reads {@code application/yaml} creates with sigs.k8s.io/yaml, a
   * go-yaml v2 that resolves aliases and reads {@code y}/{@code Y} as YAML 1.1 booleans) whose
   * {@code hostNetwork} Jackson's YAML reader does not see as {@code true}: an alias of a
   * {@code true} anchored on a harmless field (Jackson gives an alias as the anchor's name, the string
   * "t"), or {@code y} (a string to Jackson). The proxy sees no {@code hostNetwork: true} and forwards
   * a pod on the host's network. Sent by the user's own HTTP client through the forward.
   */
  @ParameterizedTest(name = "[{index}] hostNetwork: {0}")
  @ValueSource(strings = {"*t", "y"})
  void aYamlSpellingOfTrueDoesNotHideHostNetworkFromPrivilegedWorkload(String spelling) throws Exception {
    String name = spelling.equals("y") ? "yaml-y" : "yaml-alias";
    String yaml = """
        apiVersion: v1
        kind: Pod
        metadata: {name: %s, namespace: app}
        spec:
          containers:
            - {name: c, image: busybox, stdin: &t true}
          hostNetwork: %s
        """.formatted(name, spelling);
    try (KubeTargetFixture.Tunnel t = k8s.tunnel(alice, name)) {
      int before = api.requests().size();
      HttpResponse<String> r = t.post("/api/v1/namespaces/app/pods", "application/yaml", yaml);
      assertThat(api.requests().subList(before, api.requests().size()))
          .as("a pod with hostNetwork: %s must not reach the API server; the proxy answered %s %s", spelling,
              r.statusCode(), r.body())
          .noneMatch(s -> s.method().equals("POST") && s.path().startsWith("/api/v1/namespaces/app/pods"));
      assertThat(r.statusCode()).isEqualTo(403);
      assertThat(r.body()).contains("blocked by rule privileged-workload");
    }
  }

  /**
   * A JSON create with {@code spec} twice: the API server decodes into the typed Pod (Go's
   * encoding/json, as sigs.k8s.io/json) and a repeated object key is decoded into the same struct, so
   * the first spec's {@code hostNetwork: true} stays; Jackson's tree keeps only the last {@code spec}.
   * Sent by the user's own HTTP client through the forward ({@code kubectl create --raw} would send
   * the bytes unchanged too, but kubectl 1.32 sets no Content-Type there, which the proxy refuses).
   */
  @Test
  void aDuplicatedSpecKeyDoesNotHideHostNetworkFromPrivilegedWorkload() throws Exception {
    String body = "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"dup-spec\",\"namespace\":\"app\"},"
        + "\"spec\":{\"hostNetwork\":true},"
        + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}";
    try (KubeTargetFixture.Tunnel t = k8s.tunnel(alice, "dup-spec")) {
      int before = api.requests().size();
      HttpResponse<String> r = t.post("/api/v1/namespaces/app/pods", "application/json", body);
      assertThat(api.requests().subList(before, api.requests().size()))
          .as("the first spec's hostNetwork must not reach the API server; the proxy answered %s %s", r.statusCode(),
              r.body())
          .noneMatch(s -> s.method().equals("POST") && s.path().startsWith("/api/v1/namespaces/app/pods"));
      assertThat(r.statusCode()).isEqualTo(403);
      assertThat(r.body()).contains("blocked by rule privileged-workload");
    }
  }

  // ---- review classes reached by another request of the same effect ----

  /**
   * An Eviction deletes the pod (that is what {@code kubectl drain} does to every pod of a node),
   * but it is a {@code create} of {@code pods/eviction}: the {@code delete} review never sees it.
   * What should happen: held for approval as the delete of that pod is.
   */
  @Test
  void anEvictionIsHeldForReviewAsTheDeleteOfThatPodIs() throws Exception {
    try (KubeTargetFixture.Tunnel t = k8s.tunnel(alice, "evict")) {
      int before = api.requests().size();
      // What kubectl drain sends for each pod; the forward has no NOWAIT, so a held request would wait: bounded here.
      var answer = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
        try {
          return t.post("/api/v1/namespaces/app/pods/web-3/eviction", "application/json",
              "{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{\"name\":\"web-3\",\"namespace\":\"app\"}}");
        } catch (Exception e) {
          return null;
        }
      });
      HttpResponse<String> r = null;
      try {
        r = answer.get(15, TimeUnit.SECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        // held, as it should be
      }
      assertThat(api.requests().subList(before, api.requests().size()))
          .as("an eviction (the pod's deletion) went to the API server without review; the proxy answered %s",
              r == null ? "nothing yet" : r.statusCode() + " " + r.body())
          .noneMatch(s -> s.method().equals("POST") && s.path().startsWith("/api/v1/namespaces/app/pods/web-3/eviction"));
      assertThat(pendingStatements(alice)).anyMatch(s -> s.contains("pods/web-3"));
    }
  }

  /**
   * {@code kubectl debug POD --target=C -- CMD} adds an ephemeral container that runs CMD inside
   * the pod (in the target container's process namespace, its files at /proc/1/root): what {@code
   * exec} is reviewed for, done as a {@code patch} of {@code pods/ephemeralcontainers}, without
   * review and without a recorded stream. What should happen: held for approval as exec is.
   */
  @Test
  void kubectlDebugIsHeldForReviewAsExecIs() throws Exception {
    try (KubeTargetFixture.Tunnel t = k8s.tunnel(alice, "debug")) {
      int before = api.requests().size();
      Kubectl.Result r = t.kubectl().run("debug", "web-1", "-n", "app", "--image=busybox", "--target=web",
          "--attach=false", "--request-timeout=15s", "--", "sh", "-c", "cat /proc/1/root/etc/shadow");
      assertThat(api.requests().subList(before, api.requests().size()))
          .as("a command in the pod went to the API server without the exec review; kubectl: %s %s", r.out(), r.err())
          .noneMatch(s -> s.path().startsWith("/api/v1/namespaces/app/pods/web-1/ephemeralcontainers"));
    }
  }

  /**
   * Deleting the namespace is blocked, but a namespace whose only owner reference names an object
   * that does not exist is deleted by the cluster's garbage collector: a {@code patch} of the
   * namespace that the proxy lets through. What should happen: refused as the delete is. (The
   * stand-in has no garbage collector: this test shows that the patch reached the API server.)
   */
  @Test
  void aDanglingOwnerReferenceOnAProtectedNamespaceIsRefusedAsItsDeleteIs() throws Exception {
    int before = api.requests().size();
    SshResult r = gw.ssh(alice, "prod-k8s").timeout(Duration.ofSeconds(60)).run("patch namespace prod --type=merge -p "
        + "'{\"metadata\":{\"ownerReferences\":[{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"name\":\"gone\","
        + "\"uid\":\"6b1e7c1e-0000-4000-8000-000000000000\"}]}}'");
    assertThat(api.requests().subList(before, api.requests().size()))
        .as("the namespace's garbage collection was handed to the API server: %s", r)
        .noneMatch(s -> s.method().equals("PATCH") && s.path().startsWith("/api/v1/namespaces/prod"));
    assertThat(r.exitCode()).isEqualTo(77);
  }

  // ---- exec streams: output shown but not recorded ----

  /**
   * An approved exec through {@code ssh -L} whose client offers only {@code v4.base64.channel.k8s.io}
   * (which the API server's exec speaks, as does the kubelet): the proxy relays the text messages
   * untouched and records none of them, so the container's output reaches the user and not the
   * recording. What should happen: the output is in the forward's recording as for the binary
   * protocols (or the protocol is refused). (The stand-in's "container" answers an unknown command
   * with {@code sh: NAME: not found} on stderr: text that is in no marker.)
   */
  @Test
  void anExecInTheBase64ChannelProtocolIsRecorded() throws Exception {
    SshClientKey grace = gw.sign(GatewayFixture.uniqueIdentity("grace"), List.of("sre"));
    StringBuilder shown = new StringBuilder();
    java.util.concurrent.CompletableFuture<Void> closed = new java.util.concurrent.CompletableFuture<>();
    try (KubeTargetFixture.Tunnel t = k8s.tunnel(grace, "b64")) {
      URI uri = URI.create("ws://127.0.0.1:" + t.port + "/api/v1/namespaces/app/pods/web-1/exec"
          + "?command=cat-etc-shadow&container=web&stdout=true&stderr=true");
      var ws = HttpClient.newHttpClient().newWebSocketBuilder().subprotocols("v4.base64.channel.k8s.io")
          .connectTimeout(Duration.ofSeconds(60)).buildAsync(uri, new java.net.http.WebSocket.Listener() {
            private final StringBuilder part = new StringBuilder();

            @Override
            public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket w, CharSequence data, boolean last) {
              part.append(data);
              if (last) {
                String m = part.toString();
                part.setLength(0);
                if (m.length() > 1 && (m.charAt(0) == '1' || m.charAt(0) == '2')) {
                  synchronized (shown) {
                    shown.append(new String(java.util.Base64.getDecoder().decode(m.substring(1)),
                        java.nio.charset.StandardCharsets.UTF_8));
                  }
                }
              }
              w.request(1);
              return null;
            }

            @Override
            public java.util.concurrent.CompletionStage<?> onClose(java.net.http.WebSocket w, int code, String reason) {
              closed.complete(null);
              return null;
            }

            @Override
            public void onError(java.net.http.WebSocket w, Throwable error) {
              closed.complete(null);
            }
          });
      String id = awaitPending(grace, "GET pods/web-1/exec in namespace app");
      assertThat(gw.ssh(bob, "approvals").run("approve " + id).exitCode()).isZero();
      ws.get(30, TimeUnit.SECONDS);
      closed.get(30, TimeUnit.SECONDS);
      synchronized (shown) {
        assertThat(shown.toString()).as("the user saw the container's output").isEqualTo("sh: cat-etc-shadow: not found\n");
      }
    }
    List<String> casts = new ArrayList<>();
    long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < until) {
      casts.clear();
      boolean allClosed = true;
      for (var s : gw.sessionsOf(grace.identity())) {
        allClosed &= s.state() == dev.gatehouse.recorder.SessionState.CLOSED;
        casts.add(Files.readString(gw.dataDir().resolve(s.path())));
      }
      if (allClosed && casts.stream().anyMatch(c -> c.contains("exec pod web-1"))) {
        break;
      }
      Thread.sleep(200);
    }
    assertThat(casts).as("the forward's recordings").anyMatch(c -> c.contains("exec pod web-1 container web"));
    assertThat(casts).as("the output the user saw is in a recording").anyMatch(c -> c.contains("cat-etc-shadow: not found"));
  }

  // ---- approvals: the approver decides on a line that does not say what runs ----

  /**
   * The approver of an exec is shown {@code GET pods/web-1/exec in namespace app}, whatever the
   * command: {@code echo hi} and {@code rm -rf /data} read the same. The approval is bound to the
   * exact query, but the person approving cannot see it.
   */
  @Test
  void theApproverSeesTheCommandOfTheExecTheyApprove() throws Exception {
    SshClientKey eve = gw.sign(GatewayFixture.uniqueIdentity("eve"), List.of("sre"));
    SshResult pending = gw.ssh(eve, "prod-k8s").options("-o", "SetEnv=GATEHOUSE_NOWAIT=1")
        .timeout(Duration.ofSeconds(60)).run("exec web-1 -- sh -c 'rm -rf /data'");
    assertThat(pending.exitCode()).as("%s", pending).isEqualTo(76);
    Matcher m = REQUEST_ID.matcher(pending.err());
    assertThat(m.find()).as("%s", pending).isTrue();
    SshResult list = gw.ssh(bob, "approvals").run("list");
    assertThat(list.out()).contains(m.group(1));
    assertThat(list.out()).as("what the approver is asked to approve").contains("rm -rf /data");
    GatewayFixture.CliResult json = gw.cli("approvals", "list", "--format", "json");
    assertThat(json.out()).as("the request as the web page and the CLI show it").contains("rm -rf /data");
  }

  // ---- helpers ----

  private static String awaitPending(SshClientKey requester, String statement) throws Exception {
    return k8s.awaitPending(requester, statement);
  }

  private static List<String> pendingStatements(SshClientKey requester) throws Exception {
    return k8s.pendingStatements(requester);
  }
}
