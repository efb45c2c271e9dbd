package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.gateway.config.ConfigException;
import dev.gatehouse.gateway.config.ConfigLoader;
import dev.gatehouse.kube.testing.Kubectl;
import dev.gatehouse.kube.testing.StandInApiServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
  static StandInApiServer api;
  static GatewayFixture gw;
  static SshClientKey alice;
  static SshClientKey mallory;

  @RegisterExtension GatewayLogOnFailure log = new GatewayLogOnFailure();

  @BeforeAll
  static void start() throws Exception {
    api = new StandInApiServer();
    api.create("/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"prod\"}}");
    api.create("/api/v1/namespaces/app/pods", "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"web-1\","
        + "\"namespace\":\"app\"},\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"nginx\"}]}}");
    api.create("/api/v1/namespaces/app/secrets", "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"db\","
        + "\"namespace\":\"app\"},\"type\":\"Opaque\",\"data\":{\"password\":\"" + b64(SECRET_VALUE) + "\"}}");
    Path token = dir.resolve("k8s-token");
    Files.writeString(token, "proxy-upstream-token\n");
    Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
    Files.createDirectories(dir.resolve("gw"));
    gw = GatewayFixture.start(dir.resolve("gw"), "", """
        targets:
          - name: prod-k8s
            type: kubernetes
            kubernetes: { server: "%s", token: "file:%s", impersonate: true, namespace: app }
            allow: { groups: [sre] }
            policy: default-kube
        policies:
          default-kube:
            type: kubernetes
            block:  [delete-namespace, delete-node, delete-crd, delete-persistent-volume, impersonate]
            review: [exec, attach, portforward, node-proxy, delete, deletecollection, rbac-write, privileged-workload]
            rules:
              - { name: prod-secrets, verbs: [get, list, watch], resources: [secrets], namespaces: [prod], verdict: block }
            mask: { secrets: true, detectors: [api-key, private-key, jwt] }
        """.formatted(api.url(), token));
    alice = gw.sign(GatewayFixture.uniqueIdentity("alice"), List.of("sre"));
    mallory = gw.sign(GatewayFixture.uniqueIdentity("mallory"), List.of("dev"));
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
    if (api != null) {
      api.close();
    }
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  /** ssh -N -L PORT:prod-k8s:443 as {@code key}, then {@code gatehouse kubeconfig}; kubectl with it. */
  private static final class Tunnel implements AutoCloseable {
    final Process ssh;
    final Kubectl kubectl;

    Tunnel(SshClientKey key, String name) throws Exception {
      int port;
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = s.getLocalPort();
      }
      List<String> argv = new ArrayList<>(gw.sshArgv(key, "prod-k8s", List.of("-N", "-L", port + ":prod-k8s:443",
          "-o", "ExitOnForwardFailure=yes")));
      ssh = new ProcessBuilder(argv).redirectErrorStream(true).start();
      awaitPort(port);
      GatewayFixture.CliResult kc = GatewayProcess.cli("kubeconfig", "prod-k8s", "--port", String.valueOf(port));
      assertThat(kc.exitCode()).as(kc.err()).isZero();
      assertThat(kc.out()).contains("server: http://127.0.0.1:" + port).doesNotContain("token").doesNotContain("client-");
      Path home = Files.createDirectories(dir.resolve(name + "-home"));
      Path config = home.resolve("gatehouse-kubeconfig");
      Files.writeString(config, kc.out());
      kubectl = Kubectl.withConfig(home, config);
    }

    @Override
    public void close() throws Exception {
      ssh.destroy();
      ssh.waitFor(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void kubectlThroughSshDashLListsPodsAsThePerson() throws Exception {
    try (Tunnel t = new Tunnel(alice, "list")) {
      Kubectl.Result r = t.kubectl.run("get", "pods", "-n", "app");
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
    try (Tunnel t = new Tunnel(alice, "delete")) {
      Kubectl.Result r = t.kubectl.run("delete", "namespace", "prod", "--wait=false");
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
    try (Tunnel t = new Tunnel(alice, "secret")) {
      for (String[] args : new String[][] {
          {"get", "secret", "db", "-n", "app", "-o", "yaml"},
          {"get", "secret", "db", "-n", "app", "-o", "json"},
          {"get", "secrets", "-n", "app", "--sort-by=.metadata.name"}}) {
        Kubectl.Result r = t.kubectl.run(args);
        assertThat(r.exit()).as(String.join(" ", args) + ": " + r.err()).isZero();
        assertThat(r.out()).as(String.join(" ", args)).contains("db")
            .doesNotContain(SECRET_VALUE).doesNotContain(b64(SECRET_VALUE));
      }
      Kubectl.Result prod = t.kubectl.run("get", "secrets", "-n", "prod");
      assertThat(prod.exit()).isNotZero();
      assertThat(prod.err()).contains("gatehouse: blocked by rule prod-secrets: GET secrets in namespace prod");
    }
  }

  @Test
  void impersonationHeadersFromTheClientAreRefused() throws Exception {
    int before = api.requests().size();
    try (Tunnel t = new Tunnel(alice, "as")) {
      Kubectl.Result r = t.kubectl.run("get", "pods", "-n", "app", "--as=system:admin");
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
    try (Tunnel t = new Tunnel(mallory, "mallory")) {
      Kubectl.Result r = t.kubectl.run("get", "pods", "-n", "app");
      assertThat(r.exit()).isNotZero();
    }
    assertThat(api.requests()).hasSize(before);
    gw.awaitAudit("forward refused", GatewayFixture.field("identity", mallory.identity())
        .and(GatewayFixture.field("reason", "forward-refused")));
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

  private static void awaitPort(int port) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        return;
      } catch (java.io.IOException e) {
        Thread.sleep(100);
      }
    }
    throw new AssertionError("the ssh -L port " + port + " never opened");
  }
}
