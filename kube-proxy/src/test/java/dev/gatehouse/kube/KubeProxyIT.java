package dev.gatehouse.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.kube.testing.ExecFront;
import dev.gatehouse.kube.testing.Kubectl;
import dev.gatehouse.kube.testing.PortForwarding;
import dev.gatehouse.kube.testing.StandInApiServer;
import dev.gatehouse.policy.KubePolicy;
import dev.gatehouse.policy.Unclassified;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real kubectl through the proxy to the stand-in API server (fabric8's mock in CRUD mode plus
 * discovery and Table answers): what kubectl prints, what the upstream received.
 */
class KubeProxyIT {
  private static final String SECRET_VALUE = "hunter2-very-secret-password";
  /** Secret reads allowed, so masking is what keeps the value out of sight. */
  private static final KubePolicy POLICY = new KubePolicy("it", List.of("delete-namespace", "impersonate"),
      List.of("exec", "rbac-write"), Unclassified.REVIEW, List.of(), true, List.of("api-key", "private-key", "jwt"));

  @TempDir Path dir;
  private StandInApiServer api;
  private KubeProxy proxy;
  private final List<ProxySession.Exchange> exchanges = new CopyOnWriteArrayList<>();
  private Kubectl kubectl;

  @BeforeEach
  void start() throws Exception {
    api = new StandInApiServer();
    api.create("/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"prod\"}}");
    api.create("/api/v1/namespaces/app/pods", "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"web-1\","
        + "\"namespace\":\"app\"},\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"nginx\"}]},"
        + "\"status\":{\"phase\":\"Running\"}}");
    String lastApplied = "{\\\"apiVersion\\\":\\\"v1\\\",\\\"kind\\\":\\\"Secret\\\",\\\"metadata\\\":{\\\"name\\\":\\\"db\\\"},"
        + "\\\"stringData\\\":{\\\"password\\\":\\\"" + SECRET_VALUE + "\\\"}}";
    api.create("/api/v1/namespaces/app/secrets", "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"db\","
        + "\"namespace\":\"app\",\"annotations\":{\"kubectl.kubernetes.io/last-applied-configuration\":\"" + lastApplied + "\"}},"
        + "\"type\":\"Opaque\",\"data\":{\"password\":\"" + b64(SECRET_VALUE) + "\"}}");
    proxy = KubeProxy.start("prod-k8s", Upstream.of(URI.create(api.url()), null,
        "upstream-token-xyz".getBytes(StandardCharsets.UTF_8), null, null, true, Duration.ofSeconds(5)));
    String token = proxy.open(new ProxySession("alice@example.com", List.of("sre", "dev"), POLICY, exchanges::add, null));
    kubectl = Kubectl.against(dir, proxy.sessionUrl(token), null);
  }

  @AfterEach
  void stop() {
    if (proxy != null) {
      proxy.close();
    }
    if (api != null) {
      api.close();
    }
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void kubectlListsPodsThroughTheProxyWithTheProxysCredentialsAndThePersonImpersonated() throws Exception {
    Kubectl.Result r = kubectl.run("get", "pods", "-n", "app");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("web-1").contains("Running");
    StandInApiServer.Seen list = api.requests().stream().filter(s -> s.path().startsWith("/api/v1/namespaces/app/pods"))
        .findFirst().orElseThrow();
    assertThat(list.authorization()).isEqualTo("Bearer upstream-token-xyz");
    assertThat(list.impersonateUser()).containsExactly("alice@example.com");
    assertThat(list.impersonateGroup()).containsExactly("sre", "dev");
    assertThat(list.accept()).doesNotContain("protobuf");
    assertThat(exchanges).anySatisfy(e -> {
      assertThat(e.request().verb()).isEqualTo("list");
      assertThat(e.request().resource()).isEqualTo("pods");
      assertThat(e.request().namespace()).isEqualTo("app");
      assertThat(e.status()).isEqualTo(200);
    });
  }

  @Test
  void deletingANamespaceIsBlockedAndTheUpstreamNeverSeesIt() throws Exception {
    Kubectl.Result r = kubectl.run("delete", "namespace", "prod", "--wait=false");
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("gatehouse: blocked by rule delete-namespace: DELETE namespaces/prod");
    assertThat(api.requests()).noneMatch(s -> s.method().equals("DELETE"));
    assertThat(kubectl.run("get", "namespace", "prod").out()).contains("prod");
  }

  @Test
  void secretValuesAreMaskedInYamlJsonAndSortedTables() throws Exception {
    for (String[] args : new String[][] {
        {"get", "secret", "db", "-n", "app", "-o", "yaml"},
        {"get", "secret", "db", "-n", "app", "-o", "json"},
        {"get", "secrets", "-n", "app", "--sort-by=.metadata.name"},
        {"get", "secrets", "-n", "app", "-o", "yaml"},
        {"get", "secret", "db", "-n", "app", "-o", "jsonpath={.data.password}"}}) {
      Kubectl.Result r = kubectl.run(args);
      assertThat(r.exit()).as(String.join(" ", args) + ": " + r.err()).isZero();
      boolean jsonpath = args[args.length - 1].startsWith("jsonpath");
      assertThat(r.out()).as(String.join(" ", args)).contains(jsonpath ? ResponseMasker.MASK_BASE64 : "db");
      assertThat(r.out()).as(String.join(" ", args)).doesNotContain(SECRET_VALUE).doesNotContain(b64(SECRET_VALUE));
    }
    Kubectl.Result yaml = kubectl.run("get", "secret", "db", "-n", "app", "-o", "yaml");
    assertThat(yaml.out()).contains("password: " + ResponseMasker.MASK_BASE64);
    assertThat(api.requests()).anyMatch(s -> s.path().contains("includeObject=Object"));
  }

  @Test
  void clientImpersonationIsRefusedBeforeTheUpstream() throws Exception {
    Kubectl.Result r = kubectl.run("get", "pods", "-n", "app", "--as=admin", "--as-group=system:masters");
    assertThat(r.exit()).isNotZero();
    // kubectl's discovery reports the 403 of its first request without the message; the audit hook has it
    assertThat(r.err()).contains("Forbidden");
    assertThat(api.requests()).isEmpty();
    assertThat(exchanges).isNotEmpty().allSatisfy(e -> {
      assertThat(e.verdict().rule()).isEqualTo("impersonate");
      assertThat(e.status()).isEqualTo(403);
      assertThat(e.forwarded()).isFalse();
    });

    HttpResponse<String> raw = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + proxy.bearerAddress().getPort() + "/api/v1/namespaces/app/secrets"))
        .header("Authorization", "Bearer " + proxy.open(new ProxySession("bob", List.of(), POLICY, null, null)))
        .header("Impersonate-User", "system:admin").GET().build(), HttpResponse.BodyHandlers.ofString());
    assertThat(raw.statusCode()).isEqualTo(403);
    assertThat(raw.body()).contains("\"kind\":\"Status\"").contains("impersonate");
  }

  @Test
  void aRequestWithoutASessionTokenIsRefused() throws Exception {
    Kubectl anonymous = Kubectl.against(dir.resolve("anon"), "http://127.0.0.1:" + proxy.bearerAddress().getPort(), null);
    Kubectl.Result r = anonymous.run("get", "pods", "-n", "app");
    assertThat(r.exit()).isNotZero();
    assertThat(api.requests()).noneMatch(s -> s.path().startsWith("/api/v1/namespaces/app/pods"));
  }

  @Test
  void execOverWebSocketIsRelayedWithTheProxysCredentialsAndItsOutputReported() throws Exception {
    StringBuilder recorded = new StringBuilder();
    List<String> opened = new CopyOnWriteArrayList<>();
    ProxySession.Streams streams = (r, pod, container, command, tty) -> {
      opened.add(r.subresource() + " " + pod + " " + container + " " + command + " tty=" + tty);
      return new ProxySession.Stream() {
        @Override
        public void output(byte[] b, int off, int len) {
          synchronized (recorded) {
            recorded.append(new String(b, off, len, StandardCharsets.UTF_8));
          }
        }

        @Override
        public void resize(int columns, int rows) {}

        @Override
        public void closed() {
          opened.add("closed");
        }
      };
    };
    // Reviews that approve at once: this test is about the relay, not the approval.
    String token = proxy.open(new ProxySession("alice@example.com", List.of("sre"), POLICY, exchanges::add,
        (r, v, k) -> dev.gatehouse.policy.Verdict.ALLOW, streams));
    Kubectl k = Kubectl.against(dir.resolve("exec"), proxy.sessionUrl(token), null);
    Kubectl.Result r = k.runWithInput("echo relayed-line\nexit\n", "exec", "-i", "web-1", "-n", "app", "-c", "web",
        "--", "sh");
    assertThat(r.exit()).as(r.err() + exchanges + api.requests()).isZero();
    assertThat(r.out()).isEqualTo("relayed-line\n");
    assertThat(api.execs()).hasSize(1);
    assertThat(api.execs().get(0).protocol()).isEqualTo("v5.channel.k8s.io");
    assertThat(api.execs().get(0).headers().get("authorization")).containsExactly("Bearer upstream-token-xyz");
    assertThat(api.execs().get(0).headers().get("impersonate-user")).containsExactly("alice@example.com");
    assertThat(opened).first().isEqualTo("exec web-1 web [sh] tty=false");
    synchronized (recorded) {
      assertThat(recorded.toString()).isEqualTo("relayed-line\n");
    }
    assertThat(exchanges).anySatisfy(e -> {
      assertThat(e.request().subresource()).isEqualTo("exec");
      assertThat(e.status()).isEqualTo(101);
    });
  }

  @Test
  void portForwardOverWebSocketIsRelayedAndItsBytesCounted() throws Exception {
    List<String> forwards = new CopyOnWriteArrayList<>();
    java.util.concurrent.CompletableFuture<long[]> ended = new java.util.concurrent.CompletableFuture<>();
    String token = proxy.open(new ProxySession("alice@example.com", List.of("sre"), POLICY, exchanges::add, null, null,
        (r, pod) -> {
          forwards.add(r.subresource() + " " + pod + " in " + r.namespace());
          return (toPod, fromPod, millis) -> ended.complete(new long[] {toPod, fromPod});
        }));
    Kubectl k = Kubectl.against(dir.resolve("pf"), proxy.sessionUrl(token), null);
    String line = "GET / HTTP/1.0 through the forward\n";
    try (PortForwarding pf = PortForwarding.start(k, dir.resolve("pf"), "web-1", "app", ExecFront.ECHO_PORT)) {
      pf.awaitForwarding(Duration.ofSeconds(60));
      assertThat(pf.roundTrip(line, Duration.ofSeconds(30))).isEqualTo(line);
      assertThat(pf.roundTrip("second connection", Duration.ofSeconds(30))).isEqualTo("second connection");
    }
    // kubectl's end closes the stream: the counts are the connections' bytes, without SPDY's framing
    long[] counts = ended.get(30, java.util.concurrent.TimeUnit.SECONDS);
    long sent = line.length() + "second connection".length();
    assertThat(counts).containsExactly(sent, sent);
    assertThat(forwards).containsExactly("portforward web-1 in app");
    var seen = api.execs().stream().filter(e -> e.path().contains("/portforward")).toList();
    assertThat(seen).hasSize(1);
    assertThat(seen.get(0).protocol()).isEqualTo("SPDY/3.1+portforward.k8s.io");
    assertThat(seen.get(0).headers().get("authorization")).containsExactly("Bearer upstream-token-xyz");
    assertThat(seen.get(0).headers().get("impersonate-user")).containsExactly("alice@example.com");
    assertThat(seen.get(0).stdin().toString()).isEqualTo(line + "second connection");
    assertThat(exchanges).anySatisfy(e -> {
      assertThat(e.request().subresource()).isEqualTo("portforward");
      assertThat(e.status()).isEqualTo(101);
    });
  }

  @Test
  void portForwardIsRefusedOnASessionWithoutForwards() throws Exception {
    // kubectl on the bastion: its port-forward would listen on the bastion, so its session has none.
    Kubectl.Result r = kubectl.runWithInput(null, "port-forward", "pod/web-1", "-n", "app", "--address=127.0.0.1",
        "0:" + ExecFront.ECHO_PORT);
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("port-forward is not available here: it would listen on the bastion");
    assertThat(api.execs()).noneMatch(e -> e.path().contains("/portforward"));
  }

  /** kubectl told not to use WebSocket for exec and attach: it speaks SPDY/3.1, as kubectl before 1.30 does. */
  private static final java.util.Map<String, String> SPDY_EXEC = java.util.Map.of("KUBECTL_REMOTE_COMMAND_WEBSOCKETS", "false");
  private static final java.util.Map<String, String> SPDY_PORT_FORWARD = java.util.Map.of("KUBECTL_PORT_FORWARD_WEBSOCKETS", "false");

  /** What a session's exec streams recorded: the output, the resizes, when they closed. */
  private static final class Recorded implements ProxySession.Streams {
    final StringBuilder output = new StringBuilder();
    final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public ProxySession.Stream opened(dev.gatehouse.policy.KubeRequest r, String pod, String container,
        List<String> command, boolean tty) {
      events.add(r.method() + " " + r.subresource() + " " + pod + " " + container + " " + command + " tty=" + tty);
      return new ProxySession.Stream() {
        @Override
        public void output(byte[] b, int off, int len) {
          synchronized (output) {
            output.append(new String(b, off, len, StandardCharsets.UTF_8));
          }
        }

        @Override
        public void resize(int columns, int rows) {
          events.add("resize " + columns + "x" + rows);
        }

        @Override
        public void closed() {
          events.add("closed");
        }
      };
    }

    String output() {
      synchronized (output) {
        return output.toString();
      }
    }
  }

  private Kubectl spdySession(String name, Recorded streams, ProxySession.Forwards forwards) throws Exception {
    // Reviews that approve at once: these tests are about the relay, not the approval.
    String token = proxy.open(new ProxySession("alice@example.com", List.of("sre"), POLICY, exchanges::add,
        (r, v, key) -> dev.gatehouse.policy.Verdict.ALLOW, streams, forwards));
    return Kubectl.against(dir.resolve(name), proxy.sessionUrl(token), null);
  }

  @Test
  void execOverSpdyRoundTripsStdinToStdoutAndTheOutputIsRecorded() throws Exception {
    Recorded recorded = new Recorded();
    Kubectl k = spdySession("spdy-exec", recorded, null);
    Kubectl.Result r = k.runWithEnv(SPDY_EXEC, "echo relayed-over-spdy\nexit\n", "exec", "-i", "web-1", "-n", "app",
        "-c", "web", "--", "sh");
    assertThat(r.exit()).as(r.err() + exchanges).isZero();
    assertThat(r.out()).isEqualTo("relayed-over-spdy\n");
    assertThat(api.execs()).hasSize(1);
    ExecFront.Exec up = api.execs().get(0);
    // kubectl's SPDY request, relayed in the channel protocol of the WebSocket relay
    assertThat(up.protocol()).isEqualTo("v5.channel.k8s.io");
    assertThat(up.stdin().toString()).isEqualTo("echo relayed-over-spdy\nexit\n");
    assertThat(up.headers().get("authorization")).containsExactly("Bearer upstream-token-xyz");
    assertThat(up.headers().get("impersonate-user")).containsExactly("alice@example.com");
    assertThat(recorded.output()).isEqualTo("relayed-over-spdy\n");
    assertThat(recorded.events).first().isEqualTo("POST exec web-1 web [sh] tty=false");
    awaitEvent(recorded, "closed");
    assertThat(exchanges).anySatisfy(e -> {
      assertThat(e.request().method()).isEqualTo("POST");
      assertThat(e.request().subresource()).isEqualTo("exec");
      assertThat(e.status()).isEqualTo(101);
    });
  }

  @Test
  void execOverSpdyEndsWithTheCommandsExitCode() throws Exception {
    Kubectl k = spdySession("spdy-exit", new Recorded(), null);
    Kubectl.Result r = k.runWithEnv(SPDY_EXEC, null, "exec", "web-1", "-n", "app", "--", "exit", "3");
    assertThat(r.exit()).as(r.err()).isEqualTo(3);
    Kubectl.Result ok = k.runWithEnv(SPDY_EXEC, null, "exec", "web-1", "-n", "app", "--", "echo", "fine");
    assertThat(ok.exit()).as(ok.err()).isZero();
    assertThat(ok.out()).isEqualTo("fine\n");
  }

  @Test
  void attachOverSpdyIsRelayedAndRecorded() throws Exception {
    api.create("/api/v1/namespaces/app/pods", "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"att-1\","
        + "\"namespace\":\"app\"},\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"nginx\",\"stdin\":true}]},"
        + "\"status\":{\"phase\":\"Running\"}}");
    Recorded recorded = new Recorded();
    Kubectl k = spdySession("spdy-attach", recorded, null);
    Kubectl.Result r = k.runWithEnv(SPDY_EXEC, "echo attached-over-spdy\nexit\n", "attach", "-i", "att-1", "-n", "app",
        "-c", "web");
    assertThat(r.exit()).as(r.err() + exchanges).isZero();
    assertThat(r.out()).contains("attached-over-spdy\n");
    assertThat(api.execs()).singleElement().satisfies(e -> assertThat(e.path()).contains("/pods/att-1/attach"));
    assertThat(recorded.output()).isEqualTo("attached-over-spdy\n");
    assertThat(recorded.events).first().isEqualTo("POST attach att-1 web [] tty=false");
  }

  @Test
  void portForwardOverSpdyIsRelayedAndItsBytesCountedBothWays() throws Exception {
    List<String> forwards = new CopyOnWriteArrayList<>();
    java.util.concurrent.CompletableFuture<long[]> ended = new java.util.concurrent.CompletableFuture<>();
    Kubectl k = spdySession("spdy-pf", null, (r, pod) -> {
      forwards.add(r.method() + " " + r.subresource() + " " + pod + " in " + r.namespace());
      return (toPod, fromPod, millis) -> ended.complete(new long[] {toPod, fromPod});
    });
    String line = "bytes through a SPDY port-forward\n";
    try (PortForwarding pf = PortForwarding.start(k, SPDY_PORT_FORWARD, dir.resolve("spdy-pf-out"), "web-1", "app",
        ExecFront.ECHO_PORT)) {
      pf.awaitForwarding(Duration.ofSeconds(60));
      assertThat(pf.roundTrip(line, Duration.ofSeconds(30))).isEqualTo(line);
      assertThat(pf.roundTrip("and a second connection", Duration.ofSeconds(30))).isEqualTo("and a second connection");
    }
    long[] counts = ended.get(30, java.util.concurrent.TimeUnit.SECONDS);
    long sent = line.length() + "and a second connection".length();
    assertThat(counts).containsExactly(sent, sent);
    assertThat(forwards).containsExactly("POST portforward web-1 in app");
    var seen = api.execs().stream().filter(e -> e.path().contains("/portforward")).toList();
    assertThat(seen).hasSize(1);
    assertThat(seen.get(0).protocol()).isEqualTo("SPDY/3.1+portforward.k8s.io");
    assertThat(seen.get(0).headers().get("authorization")).containsExactly("Bearer upstream-token-xyz");
    assertThat(seen.get(0).stdin().toString()).isEqualTo(line + "and a second connection");
    assertThat(exchanges).anySatisfy(e -> {
      assertThat(e.request().subresource()).isEqualTo("portforward");
      assertThat(e.status()).isEqualTo(101);
    });
  }

  @Test
  void aBlockedExecOverSpdyIsRefusedBeforeAnyStreamOpens() throws Exception {
    KubePolicy blockExec = new KubePolicy("it", List.of("exec"), List.of(), Unclassified.REVIEW, List.of(), true, List.of());
    String token = proxy.open(new ProxySession("alice@example.com", List.of("sre"), blockExec, exchanges::add, null));
    Kubectl k = Kubectl.against(dir.resolve("spdy-blocked"), proxy.sessionUrl(token), null);
    Kubectl.Result r = k.runWithEnv(SPDY_EXEC, "", "exec", "-i", "web-1", "-n", "app", "--", "sh");
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("gatehouse: blocked by rule exec");
    assertThat(api.execs()).as("nothing reached the API server's streams").isEmpty();
    assertThat(exchanges).anySatisfy(e -> {
      assertThat(e.request().subresource()).isEqualTo("exec");
      assertThat(e.status()).isEqualTo(403);
      assertThat(e.forwarded()).isFalse();
    });
  }

  private static void awaitEvent(Recorded recorded, String event) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!recorded.events.contains(event) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(recorded.events).contains(event);
  }
}
