package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.kube.testing.StandInApiServer;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attack pass on kubernetes targets: what held. Each test is an attempt that the Kubernetes path
 * stopped, end to end (real OpenSSH, the gateway's API proxy, real kubectl on the bastion or raw
 * HTTP through {@code ssh -L}, the stand-in API server whose request log shows what got through).
 */
class KubernetesAttack16HeldIT {
  private static final String SECRET_VALUE = "correct-horse-battery-staple-42";
  private static final String PROD_SECRET = "prod-only-value-7f1c2e";
  @TempDir static Path dir;
  static KubeTargetFixture k8s;
  static StandInApiServer api;
  static GatewayFixture gw;
  static SshClientKey alice;

  @RegisterExtension GatewayLogOnFailure log = new GatewayLogOnFailure();

  @BeforeAll
  static void start() throws Exception {
    k8s = KubeTargetFixture.setup().pods("web-1").secret("app", SECRET_VALUE).secret("prod", PROD_SECRET).runAs()
        .approvers().blockPrivileged().start(dir);
    api = k8s.api;
    gw = k8s.gw;
    alice = gw.sign(GatewayFixture.uniqueIdentity("alice"), List.of("sre"));
  }

  @AfterAll
  static void stop() {
    if (k8s != null) {
      k8s.close();
    }
  }

  private static String b64(String s) {
    return KubeTargetFixture.b64(s);
  }

  private static String decoded(String path) {
    int q = path.indexOf('?');
    return URLDecoder.decode((q < 0 ? path : path.substring(0, q)).replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /** Spellings of a read of prod's Secrets (blocked by a rule): none reaches the API server, none shows the value. */
  @Test
  void pathSpellingsOfABlockedReadNeverReachTheApiServer() throws Exception {
    List<String> lines = List.of(
        "GET /api/v1/namespaces/prod/secrets/db",
        "GET /api/v1/namespaces/%70rod/secrets/db",
        "GET /api/v1/namespaces/prod/secret%73/db",
        "GET //api/v1/namespaces/prod/secrets/db",
        "GET /api//v1/namespaces/prod/secrets/db",
        "GET /api/v1/namespaces/prod/./secrets/db",
        "GET /api/v1/namespaces/prod/x/../secrets/db",
        "GET /api/v1/namespaces/prod/%2e/secrets/db",
        "GET /api/v1/namespaces/prod/secrets%2Fdb",
        "GET /api/v1/namespaces/prod/secrets;x=y/db",
        "GET /api/v1/namespaces/prod/secrets/db;x=y",
        "GET /api/v1/namespaces/prod/secrets/db/",
        "GET /api/v1/namespaces/prod/secrets",
        "GET /api/v1/namespaces/prod/secrets?watch=1&timeoutSeconds=1",
        "GET /api/v1/watch/namespaces/prod/secrets?timeoutSeconds=1",
        "GET /api/v1/namespaces/prod/secrets?fieldSelector=metadata.name%3Ddb",
        "GET /api/v1/secrets?fieldSelector=metadata.namespace%3Dprod",
        "GET /api/v1/secrets",
        "HEAD /api/v1/namespaces/prod/secrets/db",
        "get /api/v1/namespaces/prod/secrets/db",
        "GET http://evil.example/api/v1/namespaces/prod/secrets/db",
        "GET /api/v1/namespaces/prod/secrets/db?x=%zz",
        "GET /api/v1/namespaces/prod/secrets/db%00");
    try (KubeTargetFixture.Tunnel t = k8s.tunnel(alice, "paths")) {
      for (String line : lines) {
        int before = api.requests().size();
        String answer = t.raw((line + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
        assertThat(answer).as(line).doesNotContain(PROD_SECRET).doesNotContain(b64(PROD_SECRET))
            .doesNotStartWith("HTTP/1.1 200");
        assertThat(api.requests().subList(before, api.requests().size())).as(line)
            .as("a Secrets path (the API server's resource is the exact segment 'secrets')")
            .noneMatch(s -> List.of(decoded(s.path()).split("/")).contains("secrets"));
      }
    }
  }

  /** Client impersonation in any spelling is refused; the client's Authorization never goes upstream. */
  @Test
  void impersonationInAnySpellingIsRefusedAndTheClientsAuthorizationNeverPasses() throws Exception {
    try (KubeTargetFixture.Tunnel t = k8s.tunnel(alice, "imp")) {
      for (String header : List.of("impersonate-user: system:admin", "IMPERSONATE-GROUP: system:masters",
          "Impersonate-Uid: 0", "Impersonate-Extra-Scopes: all", "impersonate-user : system:admin")) {
        int before = api.requests().size();
        String answer = t.raw(("GET /api/v1/namespaces/app/pods HTTP/1.1\r\nHost: x\r\n" + header
            + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        assertThat(answer).as(header).matches("(?s)HTTP/1.1 (400|403) .*");
        assertThat(api.requests()).as(header).hasSize(before);
      }
      int before = api.requests().size();
      String answer = t.raw(("GET /api/v1/namespaces/app/pods HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer stolen\r\n"
          + "authorization: Basic YWRtaW46YWRtaW4=\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      assertThat(answer).startsWith("HTTP/1.1 200");
      List<StandInApiServer.Seen> seen = api.requests().subList(before, api.requests().size());
      assertThat(seen).isNotEmpty().allMatch(s -> "Bearer proxy-upstream-token".equals(s.authorization()));
      assertThat(seen).allMatch(s -> s.impersonateUser().equals(List.of(alice.identity())));
    }
  }

  /** Pipelining, CL+TE smuggling and method-override headers: the DELETE of prod never reaches the API server. */
  @Test
  void httpFramingTricksDoNotCarryABlockedDeletePastTheJudge() throws Exception {
    String smuggled = "DELETE /api/v1/namespaces/prod HTTP/1.1\r\nHost: x\r\n\r\n";
    String chunkedThenSmuggled = "0\r\n\r\n" + smuggled;
    List<String> attempts = List.of(
        "GET /api/v1/namespaces/app/pods HTTP/1.1\r\nHost: x\r\n\r\n" + smuggled
            + "GET /api/v1/namespaces/app/pods HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "POST /api/v1/namespaces/app/configmaps HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
            + chunkedThenSmuggled.length() + "\r\nTransfer-Encoding: chunked\r\n\r\n" + chunkedThenSmuggled,
        "POST /api/v1/namespaces/app/configmaps HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n" + chunkedThenSmuggled,
        "GET /api/v1/namespaces/prod HTTP/1.1\r\nHost: x\r\nX-HTTP-Method-Override: DELETE\r\nConnection: close\r\n\r\n",
        "POST /api/v1/namespaces/prod HTTP/1.1\r\nHost: x\r\nX-HTTP-Method-Override: DELETE\r\nX-Method-Override: DELETE\r\n"
            + "Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
        "DELETE /api/v1/namespaces/prod?dryRun=All HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "DELETE /api/v1/namespaces?fieldSelector=metadata.name%3Dprod HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "DELETE /api/v1/namespaces/prod/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        "DELETE /api/v1/namespaces/prod/status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    try (KubeTargetFixture.Tunnel t = k8s.tunnel(alice, "framing")) {
      for (String a : attempts) {
        t.raw(a.getBytes(StandardCharsets.ISO_8859_1));
        assertThat(api.requests()).as(a).noneMatch(s -> s.method().equals("DELETE") && s.path().contains("namespaces"));
      }
    }
  }

  /** A Secret's value through every Accept and encoding a client can ask for: never visible. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {
      "/api/v1/namespaces/app/secrets/db|application/json",
      "/api/v1/namespaces/app/secrets/db|application/yaml",
      "/api/v1/namespaces/app/secrets/db|application/vnd.kubernetes.protobuf",
      "/api/v1/namespaces/app/secrets/db|*/*",
      "/api/v1/namespaces/app/secrets/db|application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1",
      "/api/v1/namespaces/app/secrets|application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1",
      "/api/v1/namespaces/app/secrets?includeObject=Object|application/json;as=Table;g=meta.k8s.io;v=v1",
      "/api/v1/namespaces/app/secrets|application/json;as=Table;g=meta.k8s.io;v=v1",
      "/api/v1/secrets|application/json",
      "/api/v1/namespaces/app/secrets?fieldSelector=metadata.name%3Ddb|application/json"})
  void aSecretsValueIsNeverVisibleWhateverTheAcceptOrEncoding(String spec) throws Exception {
    String path = spec.substring(0, spec.indexOf('|'));
    String accept = spec.substring(spec.indexOf('|') + 1);
    try (KubeTargetFixture.Tunnel t = k8s.tunnel(alice, "accept-" + Integer.toHexString(spec.hashCode()))) {
      for (String encoding : List.of("gzip", "identity", "deflate, br")) {
        HttpClient c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<byte[]> r = c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + t.port + path))
            .header("Accept", accept).header("Accept-Encoding", encoding).timeout(Duration.ofSeconds(30)).build(),
            HttpResponse.BodyHandlers.ofByteArray());
        byte[] body = r.body();
        if (r.headers().firstValue("Content-Encoding").orElse("").equalsIgnoreCase("gzip")) {
          try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            body = in.readAllBytes();
          }
        }
        String text = new String(body, StandardCharsets.ISO_8859_1);
        assertThat(text).as(accept + " " + encoding + ": " + r.statusCode()).doesNotContain(SECRET_VALUE)
            .doesNotContain(b64(SECRET_VALUE)).doesNotContain(PROD_SECRET).doesNotContain(b64(PROD_SECRET));
      }
    }
  }

  /**
   * A Secret's value through kubectl's output formats and write answers on the bastion: never
   * visible; each command's output shows what proves it ran (the masked value, the key, or the refusal).
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {
      "get secret db -o go-template={{.data.password}}|KioqKioqKio=",
      "get secret db --template='{{index .data \"password\"}}'|KioqKioqKio=",
      "get secret db -o jsonpath={.data}|{\"password\":\"KioqKioqKio=\"}",
      "get secret db -o custom-columns=P:.data.password|KioqKioqKio=",
      "get secret db -o json --show-managed-fields|\"password\": \"KioqKioqKio=\"",
      "get secrets -o wide --sort-by=.metadata.name|db",
      "get secrets -A -o yaml|blocked by rule prod-secrets",
      "describe secret db|password:",
      "label secret db attack=16 --overwrite -o yaml|KioqKioqKio=",
      "annotate secret db attack=16 --overwrite -o json|KioqKioqKio=",
      "patch secret db --type=merge -p '{\"metadata\":{\"labels\":{\"p\":\"1\"}}}' -o yaml|KioqKioqKio="})
  void aSecretsValueIsNeverVisibleInKubectlsOutputOnTheBastion(String spec) throws Exception {
    String command = spec.substring(0, spec.lastIndexOf('|'));
    String shown = spec.substring(spec.lastIndexOf('|') + 1);
    SshResult r = gw.ssh(alice, "prod-k8s").timeout(Duration.ofSeconds(60)).run(command);
    assertThat(r.out() + r.err()).as("%s", r).contains(shown).doesNotContain(SECRET_VALUE).doesNotContain(b64(SECRET_VALUE))
        .doesNotContain("typed-value-5d1e").doesNotContain(b64("typed-value-5d1e"));
  }

  /** The answer to a create shows the Secret just made, masked too (the value was the user's own, but the rule is the same). */
  @Test
  void theAnswerToASecretsCreateIsMasked() throws Exception {
    String manifest = "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"echo16\",\"namespace\":\"app\"},"
        + "\"stringData\":{\"password\":\"typed-value-5d1e\"}}";
    SshResult r = gw.ssh(alice, "prod-k8s").stdin(manifest).timeout(Duration.ofSeconds(60))
        .run("create -f - --validate=false -o yaml");
    assertThat(r.exitCode()).as("%s", r).isZero();
    assertThat(r.out()).contains("echo16").doesNotContain("typed-value-5d1e").doesNotContain(b64("typed-value-5d1e"));
  }

  /** Ways out of kubectl on the bastion that the allow-list refuses before kubectl runs. */
  @ParameterizedTest(name = "[{index}] {0}")
  @ValueSource(strings = {
      "get pods -o go-template-file=/etc/passwd",
      "get pods -o Go-Template-File=/etc/passwd",
      "get pods --output=jsonpath-file=/etc/passwd",
      "get pods -o custom-columns-file=/etc/passwd",
      "get pods -o templatefile --template=/etc/passwd",
      "get pods -ojsonpath-file=/etc/passwd",
      "get pods -k /tmp",
      "get pods -k=/tmp",
      "kubectl -v=9 get pods",
      "get pods --v=9",
      "get pods -v9",
      "get pods --log-file=/tmp/x",
      "get pods --profile=cpu --profile-output=/tmp/p",
      "config view --raw",
      "plugin list",
      "alpha kuberc",
      "completion bash",
      "debug web-1 --image=busybox",
      "auth reconcile -f -",
      "kustomize .",
      "cluster-info dump --output-directory=/tmp/d",
      "apply edit-last-applied deployment/web",
      "create secret tls x --cert=/etc/x --key=/etc/y",
      "get --raw //127.0.0.1:8080/",
      "get --raw=http://127.0.0.1:1/api",
      "kubectl --kubeconfig=/tmp/x get pods",
      "get pods --kubeconfig /tmp/x",
      "get pods --as-uid=0",
      "get pods --insecure-skip-tls-verify",
      "get pods --tls-server-name=x",
      "get pods --user=admin",
      "get pods --context=other",
      "create -f -,/etc/passwd",
      "create --filename=/etc/passwd",
      "create -f/etc/passwd",
      "create -f=/etc/passwd",
      "apply -f - --prune-allowlist=core/v1/Secret -f /etc/passwd",
      "get pods --server http://127.0.0.1:1",
      "'get' pods '--serv''er=http://127.0.0.1:1'",
      "get pods --ser\\\nver=x",
      "get pods -- --kubeconfig=/tmp/x; id",
      "get pods `id`",
      "KUBECONFIG=/tmp/x get pods",
      "get pods --kubeconfig\u00a0/tmp/x",
      "exec -it web-1 -- sh > /tmp/x",
      "create secret generic x --from-file=k=/run/gatehouse/kubeconfig",
      "set env deployment/web --from=secret/db --env-file=/etc/x",
      "options"})
  void waysOutOfKubectlOnTheBastionAreRefusedBeforeKubectlRuns(String command) throws Exception {
    int before = api.requests().size();
    SshResult r = gw.ssh(alice, "prod-k8s").timeout(Duration.ofSeconds(60)).run(command);
    assertThat(r.exitCode()).as("%s", r).isIn(65, 77);
    assertThat(r.err()).startsWith("gatehouse: ");
    assertThat(r.out()).isEmpty();
    assertThat(api.requests()).as("kubectl never ran").hasSize(before);
  }

  /** Requests the proxy itself refuses: a service account token (impersonate class) and a privileged pod by kubectl run. */
  @Test
  void aServiceAccountTokenAndAPrivilegedRunAreRefusedByTheProxy() throws Exception {
    int before = api.requests().size();
    SshResult token = gw.ssh(alice, "prod-k8s").timeout(Duration.ofSeconds(60)).run("create token default");
    // kubectl 1.32 sends a TokenRequest as protobuf: refused as an unreadable body before the impersonate class is asked.
    assertThat(token.exitCode()).as("%s", token).isEqualTo(77);
    assertThat(token.err()).containsAnyOf("blocked by rule impersonate", "blocked by rule unreadable-body");
    SshResult run = gw.ssh(alice, "prod-k8s").timeout(Duration.ofSeconds(60))
        .run("run p --image=busybox --privileged --restart=Never");
    assertThat(run.exitCode()).as("%s", run).isEqualTo(77);
    assertThat(run.err()).contains("blocked by rule privileged-workload");
    SshResult overrides = gw.ssh(alice, "prod-k8s").timeout(Duration.ofSeconds(60))
        .run("run q --image=busybox --restart=Never --overrides='{\"spec\":{\"hostPID\":true}}'");
    assertThat(overrides.exitCode()).as("%s", overrides).isEqualTo(77);
    assertThat(api.requests().subList(before, api.requests().size()))
        .noneMatch(s -> s.method().equals("POST"));
  }

  /** kubectl's view of its own configuration and verbose logs show no upstream credential. */
  @Test
  void kubectlOnTheBastionNeverSeesTheUpstreamCredential() throws Exception {
    for (String command : List.of("get pods --request-timeout=1ms", "get --raw /api/v1/namespaces/app/pods",
        "get pods -n prod --warnings-as-errors", "auth whoami", "version", "cluster-info")) {
      SshResult r = gw.ssh(alice, "prod-k8s").timeout(Duration.ofSeconds(60)).run(command);
      assertThat(r.out() + r.err()).as(command).doesNotContain("proxy-upstream-token").doesNotContain(api.url());
    }
  }
}
