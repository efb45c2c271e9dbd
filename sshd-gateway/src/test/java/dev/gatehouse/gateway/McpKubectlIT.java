package dev.gatehouse.gateway;

import static dev.gatehouse.gateway.GatewayFixture.field;
import static dev.gatehouse.gateway.McpFixture.body;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.kube.testing.StandInApiServer;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MCP {@code kubectl} tool end to end: the MCP Java SDK's client over the real OpenSSH {@code
 * ssh mcp@gw}, real kubectl 1.32 in the gateway's sandbox as 'nobody', the gateway's API proxy, and
 * the stand-in API server (fabric8's mock, as in KubectlOnBastionIT). Asserted: the tool results an
 * agent reads, what the API server received (or never did), the approvals list an approver sees,
 * and the audit lines and recording.
 */
class McpKubectlIT {
  @TempDir static Path dir;
  static StandInApiServer api;
  static GatewayFixture gw;
  static SshClientKey bob;

  @RegisterExtension GatewayLogOnFailure log = new GatewayLogOnFailure();

  @BeforeAll
  static void start() throws Exception {
    api = new StandInApiServer();
    api.create("/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"prod\"}}");
    for (String pod : List.of("web-1", "web-2", "web-3", "web-4")) {
      api.create("/api/v1/namespaces/app/pods", "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + pod
          + "\",\"namespace\":\"app\"},\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"nginx\"}]}}");
    }
    Path token = dir.resolve("k8s-token");
    Files.writeString(token, "proxy-upstream-token\n");
    Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
    Files.createDirectories(dir.resolve("gw"));
    gw = GatewayFixture.start(dir.resolve("gw"), "", """
        mcp: { maxOutputBytes: 64KiB }
        targets:
          - name: prod-k8s
            type: kubernetes
            kubernetes: { server: "%s", token: "file:%s", impersonate: true, namespace: app }
            runAs: nobody
            allow: { groups: [sre] }
            approvers: { groups: [sre-leads] }
            policy: default-kube
        policies:
          default-kube:
            type: kubernetes
            block:  [delete-namespace, delete-node, delete-crd, delete-persistent-volume, impersonate]
            review: [exec, attach, portforward, node-proxy, delete, deletecollection, rbac-write, privileged-workload]
            mask: { secrets: true }
        """.formatted(api.url(), token));
    bob = gw.sign(GatewayFixture.uniqueIdentity("bob"), List.of("sre-leads"));
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

  private static McpSyncClient connect(SshClientKey key) {
    return McpFixture.connect(gw, key, Duration.ofSeconds(90));
  }

  private static McpSchema.CallToolResult kubectl(McpSyncClient c, String... args) {
    return c.callTool(new McpSchema.CallToolRequest("kubectl", Map.of("target", "prod-k8s", "args", List.of(args))));
  }

  /** The requests an approver sees in {@code ssh approvals@gw list} whose text (the "  | " lines) holds {@code text}. */
  private static long listed(String text) throws Exception {
    SshResult list = gw.ssh(bob, "approvals").run("list");
    assertThat(list.exitCode()).as("%s", list).isZero();
    return list.out().lines().filter(l -> l.startsWith("  | ") && l.contains(text)).count();
  }

  @Test
  void getPodsRunsKubectlThroughTheProxyAsThePerson() throws Exception {
    SshClientKey alice = gw.sign(GatewayFixture.uniqueIdentity("alice"), List.of("sre"));
    int before = api.requests().size();
    try (McpSyncClient c = connect(alice)) {
      JsonNode targets = body(c.callTool(new McpSchema.CallToolRequest("list_targets", Map.of())));
      assertThat(targets.get(0).path("type").asText()).isEqualTo("kubernetes");
      McpSchema.CallToolResult r = kubectl(c, "get", "pods");
      assertThat(r.isError()).as("%s", r).isFalse();
      JsonNode b = body(r);
      assertThat(b.path("stdout").asText()).contains("NAME").contains("web-1").contains("web-4");
      assertThat(b.path("exitStatus").asInt()).isZero();
      assertThat(b.path("truncated").asBoolean()).isFalse();
      // A leading "kubectl" is dropped, and maxBytes keeps only so much.
      JsonNode cut = body(kubectl(c, "kubectl", "get", "pods", "-o", "json"));
      assertThat(cut.path("stdout").asText()).contains("\"web-3\"");
      JsonNode small = body(c.callTool(new McpSchema.CallToolRequest("kubectl",
          Map.of("target", "prod-k8s", "args", List.of("get", "pods", "-o", "json"), "maxBytes", 50))));
      assertThat(small.path("truncated").asBoolean()).isTrue();
      assertThat(small.path("stdout").asText()).hasSize(50);
    }
    StandInApiServer.Seen list = api.requests().subList(before, api.requests().size()).stream()
        .filter(s -> s.path().startsWith("/api/v1/namespaces/app/pods")).findFirst().orElseThrow();
    assertThat(list.authorization()).isEqualTo("Bearer proxy-upstream-token");
    assertThat(list.impersonateUser()).containsExactly(alice.identity());
    JsonNode audit = gw.awaitAudit("request allowed", field("identity", alice.identity())
        .and(field("request", "GET pods in namespace app")).and(field("via", "mcp")));
    assertThat(audit.path("target").asText()).isEqualTo("prod-k8s");
    assertThat(audit.path("status").asInt()).isEqualTo(200);
    JsonNode call = gw.awaitAudit("the call", field("event", "mcp-tool-call").and(field("identity", alice.identity()))
        .and(field("tool", "kubectl")));
    assertThat(call.path("arguments").asText()).isEqualTo("kubectl get pods");
    assertThat(call.path("verdict").asText()).isEqualTo("allow");
  }

  @Test
  void aDeleteNamespaceIsBlockedAndNeverReachesTheApiServer() throws Exception {
    SshClientKey alice = gw.sign(GatewayFixture.uniqueIdentity("alice"), List.of("sre"));
    try (McpSyncClient c = connect(alice)) {
      McpSchema.CallToolResult r = kubectl(c, "delete", "namespace", "prod", "--wait=false");
      assertThat(r.isError()).isTrue();
      JsonNode b = body(r);
      assertThat(b.path("status").asText()).isEqualTo("blocked");
      assertThat(b.path("rule").asText()).isEqualTo("delete-namespace");
      assertThat(b.path("reason").asText()).isEqualTo("DELETE namespaces/prod");
    }
    assertThat(api.requests()).noneMatch(s -> s.method().equals("DELETE") && s.path().contains("namespaces/prod"));
    gw.awaitAudit("blocked", field("event", "statement-blocked").and(field("identity", alice.identity()))
        .and(field("rule", "delete-namespace")).and(field("via", "mcp")).and(field("target", "prod-k8s")));
    JsonNode call = gw.awaitAudit("the call", field("event", "mcp-tool-call").and(field("identity", alice.identity()))
        .and(field("verdict", "block")));
    assertThat(call.path("rule").asText()).isEqualTo("delete-namespace");
  }

  @Test
  void aRefusedFlagIsBlockedBeforeKubectlRuns() throws Exception {
    SshClientKey alice = gw.sign(GatewayFixture.uniqueIdentity("alice"), List.of("sre"));
    int before = api.requests().size();
    try (McpSyncClient c = connect(alice)) {
      for (List<String> args : List.of(List.of("get", "pods", "--kubeconfig=/etc/gatehouse/gatehouse.yaml"),
          List.of("get", "pods", "--kubeconfig", "/etc/gatehouse/gatehouse.yaml"),
          List.of("get", "pods", "--server=http://127.0.0.1:1"), List.of("edit", "deployment", "web"))) {
        McpSchema.CallToolResult r = kubectl(c, args.toArray(String[]::new));
        assertThat(r.isError()).as("%s", args).isTrue();
        JsonNode b = body(r);
        assertThat(b.path("status").asText()).as("%s", args).isEqualTo("blocked");
        assertThat(b.path("rule").asText()).isEqualTo("kubectl-allow-list");
      }
      // Words are words: a pipe or ';' is an argument kubectl would get, never a shell's.
      JsonNode pipe = body(kubectl(c, "get", "pods", "|", "sh"));
      assertThat(pipe.path("status").asText()).isNotEqualTo("blocked");
      assertThat(pipe.path("exitStatus").asInt()).isNotZero();
      JsonNode flag = body(kubectl(c, "get", "pods", "--kubeconfig=/x"));
      assertThat(flag.path("reason").asText()).isEqualTo("flag --kubeconfig is not allowed here: the session's kubeconfig is the gateway's");
    }
    assertThat(api.requests().subList(before, api.requests().size()))
        .as("kubectl never ran for the refused ones; the pipe words reached no pod named '|'")
        .noneMatch(s -> s.path().contains("kubeconfig"));
    gw.awaitAudit("refused flag", field("event", "statement-blocked").and(field("identity", alice.identity()))
        .and(field("rule", "kubectl-allow-list")).and(field("statement", "get pods --kubeconfig=/x")));
  }

  @Test
  void aDeleteUnderReviewIsOnePendingRequestHoweverOftenPolledThenRunsOnceApproved() throws Exception {
    SshClientKey alice = gw.sign(GatewayFixture.uniqueIdentity("alice"), List.of("sre"));
    String id;
    try (McpSyncClient c = connect(alice)) {
      McpSchema.CallToolResult first = kubectl(c, "delete", "pod", "web-2", "--wait=false");
      assertThat(first.isError()).as("pending is not an error: %s", first).isFalse();
      JsonNode b = body(first);
      assertThat(b.path("status").asText()).isEqualTo("pending");
      assertThat(b.path("approvers").toString()).isEqualTo("[\"sre-leads\"]");
      id = b.path("request").asText();
      assertThat(id).matches("[0-9A-F]{4,8}");
      for (int poll = 0; poll < 3; poll++) {
        JsonNode again = body(kubectl(c, "delete", "pod", "web-2", "--wait=false"));
        assertThat(again.path("status").asText()).isEqualTo("pending");
        assertThat(again.path("request").asText()).as("poll %d: the same request", poll).isEqualTo(id);
      }
    }
    assertThat(listed("DELETE pods/web-2 in namespace app")).as("one request for the approver").isEqualTo(1);
    assertThat(api.requests()).noneMatch(s -> s.method().equals("DELETE") && s.path().contains("web-2"));

    assertThat(gw.ssh(bob, "approvals").run("approve " + id).exitCode()).isZero();
    try (McpSyncClient c = connect(alice)) {
      McpSchema.CallToolResult ran = kubectl(c, "delete", "pod", "web-2", "--wait=false");
      assertThat(ran.isError()).as("%s", ran).isFalse();
      assertThat(body(ran).path("stdout").asText()).contains("pod \"web-2\" deleted");
      assertThat(body(ran).path("exitStatus").asInt()).isZero();
      JsonNode third = body(kubectl(c, "delete", "pod", "web-2", "--wait=false"));
      assertThat(third.path("status").asText()).as("the approval is used: %s", third).isEqualTo("pending");
      assertThat(third.path("request").asText()).isNotEqualTo(id);
    }
    assertThat(api.requests().stream().filter(s -> s.method().equals("DELETE") && s.path().contains("pods/web-2")))
        .hasSize(1);
    gw.awaitAudit("approval used", field("event", "approval-used").and(field("requestId", id)));
  }

  @Test
  void aDeniedRequestIsToldOnceThenTheSameCallAsksAnew() throws Exception {
    SshClientKey alice = gw.sign(GatewayFixture.uniqueIdentity("alice"), List.of("sre"));
    try (McpSyncClient c = connect(alice)) {
      String id = body(kubectl(c, "delete", "pod", "web-3", "--wait=false")).path("request").asText();
      assertThat(gw.ssh(bob, "approvals").run("deny " + id + " not today").exitCode()).isZero();
      McpSchema.CallToolResult denied = kubectl(c, "delete", "pod", "web-3", "--wait=false");
      assertThat(denied.isError()).isTrue();
      JsonNode d = body(denied);
      assertThat(d.path("status").asText()).isEqualTo("denied");
      assertThat(d.path("reason").asText()).isEqualTo("denied by " + bob.identity() + " (request " + id + "): not today");
      JsonNode anew = body(kubectl(c, "delete", "pod", "web-3", "--wait=false"));
      assertThat(anew.path("status").asText()).isEqualTo("pending");
      assertThat(anew.path("request").asText()).isNotEqualTo(id);
    }
    assertThat(api.requests()).noneMatch(s -> s.method().equals("DELETE") && s.path().contains("web-3"));
  }

  @Test
  void theCallsAreRecordedWithTheirRequestsAndVerdicts() throws Exception {
    SshClientKey alice = gw.sign(GatewayFixture.uniqueIdentity("alice"), List.of("sre"));
    try (McpSyncClient c = connect(alice)) {
      kubectl(c, "get", "pods", "web-1");
      kubectl(c, "delete", "namespace", "prod");
    }
    var session = gw.awaitSession(alice.identity(), s -> s.end() != null);
    assertThat(session.target()).isEqualTo("mcp");
    String cast = Files.readString(gw.dataDir().resolve(session.path()));
    assertThat(cast).contains("$ kubectl prod-k8s").contains("kubectl get pods web-1")
        .contains("allow: GET pods/web-1 in namespace app -> 200")
        .contains("mcp kubectl prod-k8s: allow")
        .contains("block delete-namespace: DELETE namespaces/prod")
        .contains("mcp kubectl prod-k8s: block delete-namespace");
  }
}
