package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.kube.testing.Kubectl;
import dev.gatehouse.recorder.SessionRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The user's own kubectl speaking SPDY/3.1 (as kubectl before 1.30 does; here kubectl 1.32 told so
 * with {@code KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false}) through the real OpenSSH client's {@code ssh
 * -N -L} and {@code gatehouse kubeconfig}: an exec is judged before any stream opens, held for
 * approval, then relayed and recorded in the forward's session as a WebSocket exec is; under a
 * policy that blocks exec it is refused with 403 and the API server never sees a stream.
 */
class KubernetesSpdyIT {
  private static final Map<String, String> SPDY = Map.of("KUBECTL_REMOTE_COMMAND_WEBSOCKETS", "false");
  @TempDir static Path dir;
  static KubeTargetFixture reviewed;
  static KubeTargetFixture blocked;

  @RegisterExtension GatewayLogOnFailure log = new GatewayLogOnFailure();

  @BeforeAll
  static void start() throws Exception {
    reviewed = KubeTargetFixture.setup().pods("web-1").approvers().start(Files.createDirectories(dir.resolve("reviewed")));
    blocked = KubeTargetFixture.setup().pods("web-1").blockExec().start(Files.createDirectories(dir.resolve("blocked")));
  }

  @AfterAll
  static void stop() {
    for (KubeTargetFixture k : new KubeTargetFixture[] {reviewed, blocked}) {
      if (k != null) {
        k.close();
      }
    }
  }

  @Test
  void aSpdyExecThroughSshDashLWaitsForTheApproverThenRunsAndIsRecorded() throws Exception {
    GatewayFixture gw = reviewed.gw;
    SshClientKey sam = gw.sign(GatewayFixture.uniqueIdentity("sam"), List.of("sre"));
    SshClientKey lead = gw.sign(GatewayFixture.uniqueIdentity("lead"), List.of("sre-leads"));
    Kubectl.Result r;
    try (KubeTargetFixture.Tunnel t = reviewed.tunnel(sam, "spdy-exec")) {
      Kubectl kubectl = t.kubectl();
      CompletableFuture<Kubectl.Result> run = CompletableFuture.supplyAsync(() -> {
        try {
          return kubectl.runWithEnv(SPDY, "echo spdy-through-the-tunnel\nexit\n", "exec", "-i", "web-1", "-n", "app",
              "--", "sh");
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      String id = reviewed.awaitPending(sam, "POST pods/web-1/exec in namespace app");
      assertThat(reviewed.api.execs()).as("held: no stream reached the API server").isEmpty();
      assertThat(run).as("kubectl waits for the approver").isNotDone();
      assertThat(gw.ssh(lead, "approvals").run("approve " + id).exitCode()).isZero();
      r = run.get(90, TimeUnit.SECONDS);
    }
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).isEqualTo("spdy-through-the-tunnel\n");
    assertThat(reviewed.api.execs()).singleElement().satisfies(e -> {
      assertThat(e.protocol()).isEqualTo("v5.channel.k8s.io");
      assertThat(e.headers().get("impersonate-user")).containsExactly(sam.identity());
    });
    // Each connection through the forward is a session of its own: the exec's is the one with output.
    SessionRecord s = null;
    long until = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (s == null && System.nanoTime() < until) {
      s = gw.sessionsOf(sam.identity()).stream().filter(x -> x.bytes() > 0
          && readQuietly(gw.dataDir().resolve(x.path())).contains("spdy-through-the-tunnel")).findFirst().orElse(null);
      Thread.sleep(100);
    }
    assertThat(s).as("a forward session whose recording has the exec's output").isNotNull();
    String cast = Files.readString(gw.dataDir().resolve(s.path()));
    assertThat(cast).contains("exec pod web-1 container").contains("in namespace app: sh")
        .contains("spdy-through-the-tunnel\\n").contains("approved by " + lead.identity());
  }

  @Test
  void aBlockedExecOverSpdyIsRefusedWith403BeforeAnyStreamOpens() throws Exception {
    GatewayFixture gw = blocked.gw;
    SshClientKey ann = gw.sign(GatewayFixture.uniqueIdentity("ann"), List.of("sre"));
    Kubectl.Result r;
    try (KubeTargetFixture.Tunnel t = blocked.tunnel(ann, "spdy-blocked")) {
      r = t.kubectl().runWithEnv(SPDY, "", "exec", "-i", "web-1", "-n", "app", "--", "sh");
    }
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("gatehouse: blocked by rule exec: POST pods/web-1/exec in namespace app");
    assertThat(blocked.api.execs()).as("the API server saw no stream").isEmpty();
    JsonNode audit = gw.awaitAudit("exec blocked", GatewayFixture.field("event", "statement-blocked")
        .and(GatewayFixture.field("identity", ann.identity())).and(GatewayFixture.field("rule", "exec")));
    assertThat(audit.path("request").asText()).isEqualTo("POST pods/web-1/exec in namespace app");
    assertThat(audit.path("status").asInt()).isEqualTo(403);
  }

  private static String readQuietly(Path p) {
    try {
      return Files.readString(p);
    } catch (java.io.IOException e) {
      return "";
    }
  }
}
