package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.gateway.config.ConfigException;
import dev.gatehouse.gateway.config.ConfigLoader;
import dev.gatehouse.kube.testing.ExecFront;
import dev.gatehouse.kube.testing.Kubectl;
import dev.gatehouse.kube.testing.PortForwarding;
import dev.gatehouse.kube.testing.StandInApiServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A kubernetes target end to end: the real OpenSSH client's {@code ssh -N -L 16443:prod-k8s:443},
 * {@code gatehouse kubeconfig}, and real kubectl on "the user's machine" through the tunnel into
 * the gateway's API proxy, in front of the stand-in API server (fabric8's mock, see
 * docs/kubernetes.md). What kubectl prints, what the upstream received, what the audit says.
 */
class KubernetesTargetIT {
  private static final String SECRET_VALUE = "correct-horse-battery-staple-42";
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dir;
  static KubeTargetFixture k8s;
  static StandInApiServer api;
  static GatewayFixture gw;
  static SshClientKey alice;
  static SshClientKey mallory;
  static SshClientKey bob;

  @RegisterExtension GatewayLogOnFailure log = new GatewayLogOnFailure();

  @BeforeAll
  static void start() throws Exception {
    k8s = KubeTargetFixture.setup().pods("web-1").secret("app", SECRET_VALUE).approvers().start(dir);
    api = k8s.api;
    gw = k8s.gw;
    alice = gw.sign(GatewayFixture.uniqueIdentity("alice"), List.of("sre"));
    mallory = gw.sign(GatewayFixture.uniqueIdentity("mallory"), List.of("dev"));
    bob = gw.sign(GatewayFixture.uniqueIdentity("bob"), List.of("sre-leads"));
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

  /**
   * ssh -N -L PORT:prod-k8s:443 as {@code key}, then {@code gatehouse kubeconfig}: a server on the
   * forward's port and no credentials of any kind.
   */
  private static KubeTargetFixture.Tunnel tunnel(SshClientKey key, String name) throws Exception {
    KubeTargetFixture.Tunnel t = k8s.tunnel(key, name);
    assertThat(t.kubeconfig()).contains("server: http://127.0.0.1:" + t.port).doesNotContain("token")
        .doesNotContain("client-");
    return t;
  }

  @Test
  void kubectlThroughSshDashLListsPodsAsThePerson() throws Exception {
    try (KubeTargetFixture.Tunnel t = tunnel(alice, "list")) {
      Kubectl.Result r = t.kubectl().run("get", "pods", "-n", "app");
      assertThat(r.exit()).as(r.err()).isZero();
      assertThat(r.out()).contains("web-1");
    }
    StandInApiServer.Seen list = api.requests().stream().filter(s -> s.path().startsWith("/api/v1/namespaces/app/pods"))
        .findFirst().orElseThrow();
    assertThat(list.authorization()).isEqualTo("Bearer proxy-upstream-token");
    assertThat(list.impersonateUser()).containsExactly(alice.identity());
    assertThat(list.impersonateGroup()).containsExactly("sre");
    JsonNode audit = gw.awaitAudit("request allowed", GatewayFixture.field("identity", alice.identity())
        .and(GatewayFixture.field("request", "GET pods in namespace app")));
    assertThat(audit.path("verdict").asText()).isEqualTo("allow");
    assertThat(audit.path("status").asInt()).isEqualTo(200);
    assertThat(audit.path("via").asText()).isEqualTo("ssh -L");
  }

  @Test
  void deleteNamespaceIsBlockedAuditedAndNeverReachesTheApiServer() throws Exception {
    try (KubeTargetFixture.Tunnel t = tunnel(alice, "delete")) {
      Kubectl.Result r = t.kubectl().run("delete", "namespace", "prod", "--wait=false");
      assertThat(r.exit()).isNotZero();
      assertThat(r.err()).contains("gatehouse: blocked by rule delete-namespace: DELETE namespaces/prod");
    }
    assertThat(api.requests()).noneMatch(s -> s.method().equals("DELETE"));
    JsonNode audit = gw.awaitAudit("request blocked", GatewayFixture.field("event", "statement-blocked")
        .and(GatewayFixture.field("identity", alice.identity())).and(GatewayFixture.field("rule", "delete-namespace")));
    assertThat(audit.path("request").asText()).isEqualTo("DELETE namespaces/prod");
    assertThat(audit.path("status").asInt()).isEqualTo(403);
  }

  @Test
  void secretValuesNeverShowInYamlJsonOrTheSortedTable() throws Exception {
    try (KubeTargetFixture.Tunnel t = tunnel(alice, "secret")) {
      for (String[] args : new String[][] {
          {"get", "secret", "db", "-n", "app", "-o", "yaml"},
          {"get", "secret", "db", "-n", "app", "-o", "json"},
          {"get", "secrets", "-n", "app", "--sort-by=.metadata.name"}}) {
        Kubectl.Result r = t.kubectl().run(args);
        assertThat(r.exit()).as(String.join(" ", args) + ": " + r.err()).isZero();
        assertThat(r.out()).as(String.join(" ", args)).contains("db")
            .doesNotContain(SECRET_VALUE).doesNotContain(b64(SECRET_VALUE));
      }
      Kubectl.Result prod = t.kubectl().run("get", "secrets", "-n", "prod");
      assertThat(prod.exit()).isNotZero();
      assertThat(prod.err()).contains("gatehouse: blocked by rule prod-secrets: GET secrets in namespace prod");
    }
  }

  @Test
  void impersonationHeadersFromTheClientAreRefused() throws Exception {
    int before = api.requests().size();
    try (KubeTargetFixture.Tunnel t = tunnel(alice, "as")) {
      Kubectl.Result r = t.kubectl().run("get", "pods", "-n", "app", "--as=system:admin");
      assertThat(r.exit()).isNotZero();
      assertThat(r.err()).contains("Forbidden");
    }
    assertThat(api.requests().subList(before, api.requests().size()))
        .noneMatch(s -> s.impersonateUser().contains("system:admin"));
    gw.awaitAudit("impersonation refused", GatewayFixture.field("identity", alice.identity())
        .and(GatewayFixture.field("rule", "impersonate")));
  }

  @Test
  void aPersonWhoMayNotUseTheTargetGetsNoForward() throws Exception {
    int before = api.requests().size();
    try (KubeTargetFixture.Tunnel t = tunnel(mallory, "mallory")) {
      Kubectl.Result r = t.kubectl().run("get", "pods", "-n", "app");
      assertThat(r.exit()).isNotZero();
    }
    assertThat(api.requests()).hasSize(before);
    gw.awaitAudit("forward refused", GatewayFixture.field("identity", mallory.identity())
        .and(GatewayFixture.field("reason", "forward-refused")));
  }

  /**
   * The user's own {@code kubectl port-forward} through {@code ssh -L}: held for approval (the
   * default policy reviews {@code portforward}), then relayed; a TCP client of kubectl's local port
   * reaches the pod's port (the stand-in's echo). The bytes are counted in the audit, not recorded.
   */
  @Test
  void kubectlPortForwardThroughSshDashLRunsOnceApprovedAndItsBytesAreCountedNotRecorded() throws Exception {
    SshClientKey paula = gw.sign(GatewayFixture.uniqueIdentity("paula"), List.of("sre"));
    String line = "hello through kubectl port-forward\n";
    try (KubeTargetFixture.Tunnel t = tunnel(paula, "pf");
        PortForwarding pf = PortForwarding.start(t.kubectl(), dir.resolve("pf-out"), "web-1", "app", ExecFront.ECHO_PORT)) {
      String id = k8s.awaitPending(paula, "GET pods/web-1/portforward in namespace app");
      assertThat(api.execs()).as("held: the API server has not seen it").noneMatch(e -> e.path().contains("/portforward"));
      assertThat(gw.ssh(bob, "approvals").run("list").out()).contains(id).contains("GET pods/web-1/portforward in namespace app");
      assertThat(gw.ssh(bob, "approvals").run("approve " + id).exitCode()).isZero();
      pf.awaitForwarding(Duration.ofSeconds(60));
      assertThat(pf.roundTrip(line, Duration.ofSeconds(30))).isEqualTo(line);
    }
    var forwards = api.execs().stream().filter(e -> e.path().contains("/portforward")).toList();
    assertThat(forwards).hasSize(1);
    assertThat(forwards.get(0).path()).startsWith("/api/v1/namespaces/app/pods/web-1/portforward");
    assertThat(forwards.get(0).protocol()).isEqualTo("SPDY/3.1+portforward.k8s.io");
    assertThat(forwards.get(0).headers().get("authorization")).containsExactly("Bearer " + KubeTargetFixture.UPSTREAM_TOKEN);
    assertThat(forwards.get(0).headers().get("impersonate-user")).containsExactly(paula.identity());
    assertThat(forwards.get(0).stdin().toString()).as("what reached the pod's port").isEqualTo(line);
    JsonNode ended = gw.awaitAudit("port-forward ended", GatewayFixture.field("event", "port-forward-ended")
        .and(GatewayFixture.field("identity", paula.identity())));
    assertThat(ended.path("request").asText()).isEqualTo("GET pods/web-1/portforward in namespace app");
    assertThat(ended.path("bytesToPod").asLong()).isEqualTo(line.length());
    assertThat(ended.path("bytesFromPod").asLong()).isEqualTo(line.length());
    assertThat(ended.path("via").asText()).isEqualTo("ssh -L");
    List<String> casts = new ArrayList<>();
    for (var s : gw.sessionsOf(paula.identity())) {
      casts.add(Files.readString(gw.dataDir().resolve(s.path())));
    }
    assertThat(casts).as("a marker for the forward").anyMatch(c -> c.contains("portforward pod web-1 in namespace app opened"));
    assertThat(casts).as("its bytes are not recorded").noneMatch(c -> c.contains("hello through kubectl port-forward"));
  }

  @Test
  void policyTestJudgesRequestLinesForAKubernetesTarget() throws Exception {
    Path in = dir.resolve("requests.jsonl");
    Files.writeString(in, """
        {"method":"DELETE","path":"/api/v1/namespaces/prod"}
        {"method":"GET","path":"/api/v1/namespaces/app/pods?limit=500"}
        {"method":"POST","path":"/apis/apps/v1/namespaces/app/deployments","body":{"spec":{"template":{"spec":{"hostPID":true}}}}}
        {"method":"GET","path":"/api/v1/namespaces//pods"}
        """);
    GatewayFixture.CliResult r = GatewayProcess.cliWithInput(in, "policy", "test", "--target", "prod-k8s",
        "--config", gw.configFile().toString());
    assertThat(r.exitCode()).as(r.err()).isZero();
    List<JsonNode> lines = new ArrayList<>();
    for (String l : r.out().split("\n")) {
      lines.add(JSON.readTree(l));
    }
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0).path("verdict").asText()).isEqualTo("block");
    assertThat(lines.get(0).path("rule").asText()).isEqualTo("delete-namespace");
    assertThat(lines.get(0).path("reason").asText()).isEqualTo("DELETE namespaces/prod");
    assertThat(lines.get(1).path("verdict").asText()).isEqualTo("allow");
    assertThat(lines.get(1).path("verb").asText()).isEqualTo("list");
    assertThat(lines.get(2).path("rule").asText()).isEqualTo("privileged-workload");
    assertThat(lines.get(2).path("verdict").asText()).isEqualTo("review");
    assertThat(lines.get(3).path("rule").asText()).isEqualTo("unparseable");
  }

  @Test
  void aPolicyOfTheWrongTypeIsAStartErrorNamingTheKey() throws Exception {
    Path d = Files.createDirectories(dir.resolve("wrong-type"));
    Path cfg = d.resolve("gatehouse.yaml");
    Files.writeString(cfg, """
        dataDir: "%s"
        ssh: { listen: "127.0.0.1:0" }
        targets:
          - name: prod-k8s
            type: kubernetes
            kubernetes: { server: "http://127.0.0.1:1", token: "env:NOPE" }
            policy: default-sql
        policies:
          default-sql: { block: [drop-table] }
        """.formatted(d.resolve("data")));
    assertThatThrownBy(() -> dev.gatehouse.gateway.Gateway.start(ConfigLoader.load(cfg)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("targets[0].policy: policy 'default-sql' is of type sql");
    GatewayFixture.CliResult serve = GatewayProcess.cli("serve", "--config", cfg.toString());
    assertThat(serve.exitCode()).isEqualTo(78);
    assertThat(serve.err()).contains("targets[0].policy");
  }
}
