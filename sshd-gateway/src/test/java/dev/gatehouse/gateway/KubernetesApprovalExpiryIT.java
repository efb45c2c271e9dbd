package dev.gatehouse.gateway;

import static dev.gatehouse.gateway.GatewayFixture.field;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.kube.testing.StandInApiServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An approval nobody decides in time ({@code approvals.ttl}, short here): the exec path ends with
 * exit 75 and the one documented line, and the held request never reached the API server.
 */
class KubernetesApprovalExpiryIT {
  @TempDir static Path dir;
  static KubeTargetFixture k8s;
  static StandInApiServer api;
  static GatewayFixture gw;
  static SshClientKey alice;

  @RegisterExtension GatewayLogOnFailure log = new GatewayLogOnFailure();

  @BeforeAll
  static void start() throws Exception {
    // 3 s: long enough for kubectl to reach the proxy's wait, short enough not to slow the build.
    k8s = KubeTargetFixture.setup().pods("web-1").runAs().approvers().config("approvals: { ttl: 3s }").start(dir);
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

  @Test
  void anExecWhoseApprovalExpiresExits75WithTheOneLine() throws Exception {
    SshResult r = gw.ssh(alice, "prod-k8s").timeout(Duration.ofSeconds(90)).run("exec web-1 -- echo never-ran");
    assertThat(r.exitCode()).as("%s", r).isEqualTo(75);
    Matcher m = KubeTargetFixture.REQUEST_ID.matcher(r.err());
    assertThat(m.find()).as("%s", r).isTrue();
    String id = m.group(1);
    // The wait's notice, then the one line of the refusal: nothing of kubectl's own (its WebSocket
    // try and its SPDY fallback are one request, refused once).
    List<String> lines = r.err().lines().toList();
    assertThat(lines).as("%s", r).hasSize(2);
    assertThat(lines.get(0)).startsWith("gatehouse: waiting for approval (request " + id + ",");
    assertThat(lines.get(1)).isEqualTo("gatehouse: approval request " + id + " expired without a decision");
    assertThat(r.out()).isEmpty();
    assertThat(api.execs()).as("the exec never reached the API server").isEmpty();
    JsonNode closed = gw.awaitAudit("the request expired", field("event", "approval-closed").and(field("requestId", id)));
    assertThat(closed.path("state").asText()).isEqualTo("expired");
    assertThat(closed.path("reason").asText()).isEqualTo("ttl");
  }
}
