package dev.gatehouse.gateway;

import static dev.gatehouse.gateway.GatewayFixture.field;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.gateway.sandbox.Sandbox;
import dev.gatehouse.gateway.terminal.ChildProcess;
import dev.gatehouse.gateway.terminal.UnixUser;
import dev.gatehouse.kube.testing.ExecFront;
import dev.gatehouse.kube.testing.StandInApiServer;
import dev.gatehouse.recorder.SessionRecord;
import dev.gatehouse.recorder.SessionState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * kubectl on the bastion, end to end: the real OpenSSH client's exec requests and pty console to a
 * kubernetes target, real kubectl 1.32 in the gateway's sandbox as 'nobody', the gateway's API
 * proxy, and the stand-in API server (fabric8's mock, see docs/kubernetes.md). What the user sees
 * (stdout, the one stderr line, the exit code), what the upstream received, what the audit and the
 * recording say.
 */
class KubectlOnBastionIT {
  private static final String SECRET_VALUE = "correct-horse-battery-staple-42";
  private static final Pattern REQUEST_ID = Pattern.compile("request ([0-9A-F]{4,8})");
  @TempDir static Path dir;
  static KubeTargetFixture k8s;
  static StandInApiServer api;
  static GatewayFixture gw;
  static SshClientKey alice;
  static SshClientKey bob;
  static Path token;

  @RegisterExtension GatewayLogOnFailure log = new GatewayLogOnFailure();

  @BeforeAll
  static void start() throws Exception {
    k8s = KubeTargetFixture.setup().pods("web-1", "web-2", "web-3").ttyPods("tty-1").secret("app", SECRET_VALUE).runAs()
        .approvers().start(dir);
    api = k8s.api;
    gw = k8s.gw;
    token = k8s.token;
    alice = gw.sign(GatewayFixture.uniqueIdentity("alice"), List.of("sre"));
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

  private static SshResult exec(String command, String... options) throws Exception {
    return gw.ssh(alice, "prod-k8s").options(options).timeout(Duration.ofSeconds(60)).run(command);
  }

  /** {@code command} as {@code who} with GATEHOUSE_NOWAIT: a request under review answers at once (exit 76). */
  private static SshResult nowait(SshClientKey who, String command) throws Exception {
    return gw.ssh(who, "prod-k8s").options("-o", "SetEnv=GATEHOUSE_NOWAIT=1").timeout(Duration.ofSeconds(60)).run(command);
  }

  /** The id of the request {@code held} waits for, from its "waiting for approval (request ID" line. */
  private static String heldRequestId(GatewayFixture.Running held) throws Exception {
    held.awaitStdoutOrErr("waiting for approval (request ", Duration.ofSeconds(30));
    Matcher m = REQUEST_ID.matcher(held.stderrSoFar());
    assertThat(m.find()).as(held.stderrSoFar()).isTrue();
    return m.group(1);
  }

  /** {@code who}'s console on prod-k8s, at its first prompt. */
  private static InteractiveProcess console(SshClientKey who) throws Exception {
    InteractiveProcess c = gw.interactive(who, "prod-k8s");
    try {
      c.await("prod-k8s> ", Duration.ofSeconds(20));
      return c;
    } catch (Exception | Error e) {
      c.close();
      throw e;
    }
  }

  /** The recording of {@code who}'s one session, once it is closed. */
  private static Path closedSessionCast(SshClientKey who) throws Exception {
    SessionRecord s = gw.awaitSession(who.identity(), x -> x.state() == SessionState.CLOSED);
    return gw.dataDir().resolve(s.path());
  }

  @Test
  void execRunsKubectlOnTheBastionAsThePerson() throws Exception {
    int before = api.requests().size();
    SshResult r = exec("kubectl get pods -n app");
    assertThat(r.exitCode()).as("%s", r).isZero();
    assertThat(r.out()).contains("web-1").contains("web-3");
    SshResult bare = exec("get pods");
    assertThat(bare.exitCode()).as("%s", bare).isZero();
    assertThat(bare.out()).as("the target's namespace is the default").contains("web-3");
    StandInApiServer.Seen list = api.requests().subList(before, api.requests().size()).stream()
        .filter(s -> s.path().startsWith("/api/v1/namespaces/app/pods")).findFirst().orElseThrow();
    assertThat(list.authorization()).isEqualTo("Bearer proxy-upstream-token");
    assertThat(list.impersonateUser()).containsExactly(alice.identity());
    JsonNode audit = gw.awaitAudit("request allowed", field("identity", alice.identity())
        .and(field("request", "GET pods in namespace app")).and(field("via", "kubectl")));
    assertThat(audit.path("status").asInt()).isEqualTo(200);
  }

  @Test
  void aBlockedRequestExits77WithOneStderrLineAndNeverReachesTheApiServer() throws Exception {
    SshResult r = exec("delete namespace prod --wait=false");
    assertThat(r.exitCode()).as("%s", r).isEqualTo(77);
    assertThat(r.err()).isEqualTo("gatehouse: blocked by rule delete-namespace: DELETE namespaces/prod\n");
    assertThat(api.requests()).noneMatch(s -> s.method().equals("DELETE") && s.path().contains("namespaces/prod"));
    gw.awaitAudit("blocked", field("event", "statement-blocked").and(field("identity", alice.identity()))
        .and(field("rule", "delete-namespace")).and(field("via", "kubectl")));
  }

  @Test
  void secretValuesStayMaskedThroughTheBastionsKubectl() throws Exception {
    for (String cmd : List.of("get secret db -o yaml", "get secret db -o json", "get secrets --sort-by=.metadata.name")) {
      SshResult r = exec(cmd);
      assertThat(r.exitCode()).as(cmd + ": %s", r).isZero();
      assertThat(r.out()).as(cmd).contains("db").doesNotContain(SECRET_VALUE).doesNotContain(b64(SECRET_VALUE));
    }
  }

  /** Each way out of kubectl on the bastion, through the real ssh client: refused before kubectl starts. */
  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(delimiterString = "=>", quoteCharacter = '^', textBlock = """
      edit deployment web                                => 77 => gatehouse: blocked by rule kubectl-allow-list: kubectl edit is not allowed here
      foo bar                                            => 77 => gatehouse: blocked by rule kubectl-allow-list: kubectl foo is not an allowed command
      port-forward pod/web-1 8080:80                     => 77 => kubectl port-forward is not allowed here
      proxy --port=8001                                  => 77 => kubectl proxy is not allowed here
      cp app/web-1:/etc/passwd /tmp/passwd               => 77 => kubectl cp is not allowed here
      get pods --kubeconfig=/etc/gatehouse/gatehouse.yaml => 77 => flag --kubeconfig is not allowed here
      get pods --server=http://127.0.0.1:1               => 77 => flag --server is not allowed here
      get pods -s http://127.0.0.1:1                     => 77 => flag -s is not an allowed flag
      get pods --token=stolen                            => 77 => flag --token is not allowed here
      get pods --as=system:admin                         => 77 => flag --as is not allowed here
      get pods --as-group=system:masters                 => 77 => flag --as-group is not allowed here
      get pods --certificate-authority=/etc/ssl/x.pem    => 77 => flag --certificate-authority is not allowed here
      get pods --client-certificate=/x                   => 77 => flag --client-certificate is not allowed here
      get pods --username=admin --password=admin         => 77 => flag --username is not allowed here
      get pods --cache-dir=/tmp/cache                    => 77 => flag --cache-dir is not allowed here
      create -f /etc/passwd                              => 77 => -f reads only what you send
      create secret generic x --from-file=/etc/shadow    => 77 => flag --from-file is not allowed here
      create configmap x --from-env-file=/etc/environment => 77 => flag --from-env-file is not allowed here
      apply -k https://example.com/repo                  => 77 => flag --kustomize is not allowed here
      get --raw http://127.0.0.1:1/api                   => 77 => --raw takes a path on the API server
      get pods | sh                                      => 65 => gatehouse: no pipes
      get pods > /tmp/pods                               => 65 => gatehouse: no redirections
      get pods $(id -u)                                  => 65 => gatehouse: no '$' expansion
      get pods; delete ns prod                           => 65 => gatehouse: one command per line
      get pods && delete ns prod                         => 65 => gatehouse: no '&' or '&&'
      """)
  void eachWayOutIsRefusedBeforeKubectlRuns(String command, int exit, String line) throws Exception {
    int before = api.requests().size();
    SshResult r = exec(command);
    assertThat(r.exitCode()).as("%s", r).isEqualTo(exit);
    assertThat(r.err()).as("one line").contains(line).endsWith("\n");
    assertThat(r.err().lines().count()).as("%s", r).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(api.requests()).as("kubectl never ran").hasSize(before);
  }

  @Test
  void theClientsKubeconfigAndKubectlVariablesAreIgnored() throws Exception {
    // ssh's SetEnv: the gateway passes none of these to kubectl, whose kubeconfig stays the session's.
    SshResult r = exec("get pods", "-o", "SetEnv=KUBECONFIG=/nonexistent KUBECTL_EXTERNAL_DIFF=/bin/sh "
        + "KUBECTL_COMMAND_HEADERS=false");
    assertThat(r.exitCode()).as("%s", r).isZero();
    assertThat(r.out()).contains("web-1");
  }

  @Test
  void kubectlInItsSandboxCannotReadTheGatewaysConfigOrSecrets() throws Exception {
    // The second wall, without the allow-list in front: kubectl itself, in the sandbox the gateway
    // gives it, asked to read the gateway's config and the upstream token, finds neither.
    Sandbox sandbox = Sandbox.probe(List.of(gw.dataDir()), UnixUser.lookup("nobody"));
    Path empty = dev.gatehouse.gateway.sandbox.SocketDirectories.create();
    for (List<String> args : List.of(
        List.of("--kubeconfig=" + gw.configFile(), "get", "pods"),
        List.of("--kubeconfig=" + token, "get", "pods"),
        List.of("--kubeconfig=/run/gatehouse/kubeconfig", "create", "-f", token.toString(), "--dry-run=client"),
        List.of("--kubeconfig=/run/gatehouse/kubeconfig", "create", "-f", gw.dataDir().resolve("gatehouse.db").toString(),
            "--dry-run=client"))) {
      ChildProcess p = ChildProcess.startWithPipes(sandbox.kubectl(UnixUser.lookup("nobody"), empty, args, false),
          Map.of("HOME", "/tmp", "PATH", "/usr/bin"));
      p.closeInput();
      byte[] buf = new byte[8192];
      StringBuilder err = new StringBuilder();
      int n;
      while ((n = p.readError(buf, 0, buf.length)) > 0) {
        err.append(new String(buf, 0, n, StandardCharsets.UTF_8));
      }
      int code = p.waitFor().code();
      p.closeDescriptors();
      assertThat(code).as(args + ": " + err).isNotZero();
      assertThat(err.toString()).as(String.join(" ", args)).containsAnyOf("no such file or directory", "does not exist")
          .doesNotContain("proxy-upstream-token");
    }
  }

  @Test
  void createDescribeScaleLogsAndDeleteThroughTheExecPath() throws Exception {
    String manifest = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"settings\",\"namespace\":\"app\"},"
        + "\"data\":{\"mode\":\"blue\"}}";
    // --validate=false: client-side validation needs the OpenAPI documents, which the stand-in does not serve.
    SshResult create = gw.ssh(alice, "prod-k8s").stdin(manifest).timeout(Duration.ofSeconds(60))
        .run("create -f - --validate=false");
    assertThat(create.exitCode()).as("%s", create).isZero();
    assertThat(create.out()).contains("configmap/settings created");
    assertThat(api.requests()).anyMatch(s -> s.method().equals("POST") && s.path().startsWith("/api/v1/namespaces/app/configmaps"));

    SshResult describe = exec("describe pod web-1");
    assertThat(describe.exitCode()).as("%s", describe).isZero();
    assertThat(describe.out()).contains("Name:").contains("web-1").contains("nginx");

    String deployment = "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"web\",\"namespace\":\"app\"},"
        + "\"spec\":{\"replicas\":1,\"selector\":{\"matchLabels\":{\"app\":\"web\"}},\"template\":{\"metadata\":"
        + "{\"labels\":{\"app\":\"web\"}},\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"nginx\"}]}}}}";
    SshResult dep = gw.ssh(alice, "prod-k8s").stdin(deployment).timeout(Duration.ofSeconds(60))
        .run("create -f - --validate=false");
    assertThat(dep.exitCode()).as("%s", dep).isZero();
    SshResult scale = exec("scale deployment web --replicas=3");
    assertThat(scale.exitCode()).as("%s", scale).isZero();
    assertThat(scale.out()).contains("deployment.apps/web scaled");
    assertThat(api.requests()).anyMatch(s -> s.method().equals("PATCH")
        && s.path().startsWith("/apis/apps/v1/namespaces/app/deployments/web/scale"));
    SshResult logs = exec("logs web-1");
    assertThat(logs.exitCode()).as("%s", logs).isZero();
    assertThat(logs.out()).isEqualTo("started web-1\nlistening on :8080\n");
  }

  @Test
  void aDeleteUnderReviewWaitsForTheApproverThenRuns() throws Exception {
    try (GatewayFixture.Running held = gw.ssh(alice, "prod-k8s").timeout(Duration.ofSeconds(60))
        .start("delete pod web-2 --wait=false")) {
      String id = heldRequestId(held);
      assertThat(api.requests()).as("held, not forwarded").noneMatch(s -> s.method().equals("DELETE"));
      SshResult list = gw.ssh(bob, "approvals").run("list");
      assertThat(list.out()).contains(id).contains("DELETE pods/web-2 in namespace app");
      SshResult ok = gw.ssh(bob, "approvals").run("approve " + id);
      assertThat(ok.exitCode()).as("%s", ok).isZero();
      SshResult r = held.await();
      assertThat(r.exitCode()).as("%s", r).isZero();
      assertThat(r.out()).contains("pod \"web-2\" deleted");
    }
    assertThat(api.requests()).anyMatch(s -> s.method().equals("DELETE") && s.path().startsWith("/api/v1/namespaces/app/pods/web-2"));
  }

  @Test
  void aDeniedRequestExits75AndNowaitExits76WithTheRequestId() throws Exception {
    SshResult pending = nowait(alice, "delete pod web-3 --wait=false");
    assertThat(pending.exitCode()).as("%s", pending).isEqualTo(76);
    assertThat(pending.err().lines().count()).as("%s", pending).isEqualTo(1);
    assertThat(pending.err()).startsWith("gatehouse: approval pending: request ");
    Matcher m = REQUEST_ID.matcher(pending.err());
    assertThat(m.find()).isTrue();
    String id = m.group(1);
    assertThat(api.requests()).noneMatch(s -> s.method().equals("DELETE") && s.path().contains("web-3"));

    // The approval is for exactly that request: another one (another pod) is not covered.
    SshResult other = nowait(alice, "delete pod web-1 --wait=false");
    assertThat(other.exitCode()).as("%s", other).isEqualTo(76);
    assertThat(other.err()).doesNotContain("request " + id + " ");
    // A retry while it is pending names the same request: approvers get one.
    SshResult poll = nowait(alice, "delete pod web-3 --wait=false");
    assertThat(poll.exitCode()).as("%s", poll).isEqualTo(76);
    assertThat(poll.err()).startsWith("gatehouse: approval pending: request " + id + " ");
    assertThat(gw.ssh(bob, "approvals").run("deny " + id + " not today").exitCode()).isZero();
    SshResult retry = nowait(alice, "delete pod web-3 --wait=false");
    assertThat(retry.exitCode()).as("the denial is told to the retry: %s", retry).isEqualTo(75);
    assertThat(retry.err()).isEqualTo("gatehouse: denied by " + bob.identity() + " (request " + id + "): not today\n");
    SshResult anew = nowait(alice, "delete pod web-3 --wait=false");
    assertThat(anew.exitCode()).as("told once: then a new request: %s", anew).isEqualTo(76);
    assertThat(anew.err()).doesNotContain("request " + id + " ");

    try (GatewayFixture.Running held = gw.ssh(alice, "prod-k8s").timeout(Duration.ofSeconds(60))
        .start("delete pod web-3 --wait=false")) {
      String heldId = heldRequestId(held);
      assertThat(gw.ssh(bob, "approvals").run("deny " + heldId + " use the rollout").exitCode()).isZero();
      SshResult r = held.await();
      assertThat(r.exitCode()).as("%s", r).isEqualTo(75);
      assertThat(r.err()).endsWith("gatehouse: denied by " + bob.identity() + " (request " + heldId
          + "): use the rollout\n");
    }
    assertThat(api.requests()).noneMatch(s -> s.method().equals("DELETE") && s.path().contains("web-3"));
  }

  /**
   * Waits for {@code text} after {@code from}, then for the console's prompt after it; returns
   * where the transcript ends then, in characters as {@link InteractiveProcess#await} counts (the
   * next step's start).
   */
  private static int promptAfter(InteractiveProcess c, String text, int from, Duration timeout)
      throws InterruptedException {
    String s = c.await(text, from, timeout);
    c.await("prod-k8s> ", s.indexOf(text, Math.min(from, s.length())) + text.length(), timeout);
    return c.transcript().length();
  }

  @Test
  void theConsoleRunsEachLineRefusesEscapesAndIsRecorded() throws Exception {
    SshClientKey carol = gw.sign(GatewayFixture.uniqueIdentity("carol"), List.of("sre"));
    try (InteractiveProcess c = console(carol)) {
      // Each step waits for the prompt printed after its answer: keys sent while kubectl still
      // runs go to kubectl, as a person's type-ahead would.
      int mark = c.length();
      c.send("get pods -n app\r");
      mark = promptAfter(c, "web-1", mark, Duration.ofSeconds(30));
      c.send("kubectl edit deployment web\r");
      mark = promptAfter(c, "gatehouse: blocked by rule kubectl-allow-list: kubectl edit is not allowed here", mark,
          Duration.ofSeconds(10));
      c.send("get pods | sh\r");
      mark = promptAfter(c, "gatehouse: no pipes", mark, Duration.ofSeconds(10));
      c.send("delete namespace prod\r");
      mark = promptAfter(c, "gatehouse: blocked by rule delete-namespace: DELETE namespaces/prod", mark,
          Duration.ofSeconds(30));
      // Ctrl-C at the prompt: a fresh prompt; then the history brings back the first line.
      // The keys are echoed before Ctrl-C is typed, as a person sees them: Ctrl-C is a signal
      // raised as it arrives, and keys still unread at that moment would stay for the next line.
      c.send("get no");
      c.await("get no", mark, Duration.ofSeconds(10));
      mark = c.length();
      c.send("\u0003");
      c.await("prod-k8s> ", mark, Duration.ofSeconds(10));
      mark = c.length();
      c.send("exit\r");
      assertThat(c.waitFor(Duration.ofSeconds(20))).isZero();
    }
    Path cast = closedSessionCast(carol);
    String text = Files.readString(cast);
    assertThat(text).contains("web-1").contains("kubectl get pods -n app").contains("blocked kubectl-allow-list")
        .contains("block delete-namespace: DELETE namespaces/prod");
    assertThat(Asciinema.cat(cast)).contains("web-1");
  }

  @Test
  void execItInTheConsoleIsHeldForApprovalThenRelayedAndRecorded() throws Exception {
    SshClientKey dave = gw.sign(GatewayFixture.uniqueIdentity("dave"), List.of("sre"));
    ExecFront.Exec exec = heldThenRelayed(dave, "exec -it web-1 -c web -- sh", null, "hello-from-the-pod",
        "exec pod web-1 container web in namespace app: sh");
    assertThat(exec.path()).startsWith("/api/v1/namespaces/app/pods/web-1/exec?").contains("command=sh")
        .contains("container=web").contains("tty=true");
    assertThat(exec.headers().get("authorization")).containsExactly("Bearer proxy-upstream-token");
    assertThat(exec.resizes()).as("kubectl sends its terminal's size").isNotEmpty();
  }

  /**
   * In {@code who}'s console, {@code line} (an exec or attach with a terminal) is held for approval
   * — the API server sees nothing of it, and bob's list shows {@code listed} when not null — until
   * bob approves; then the pod's shell echoes {@code echo TEXT}, and exit leads back to the
   * console. The API server saw one such stream, as the person and with what they typed; the
   * recording says {@code recorded}, who approved it, and the pod's answer. Returns that stream.
   */
  private static ExecFront.Exec heldThenRelayed(SshClientKey who, String line, String listed, String text,
      String recorded) throws Exception {
    String what = line.substring(0, line.indexOf(' '));
    int execsBefore = api.execs().size();
    try (InteractiveProcess c = console(who)) {
      int mark = c.length();
      c.send(line + "\r");
      String seen = c.await("waiting for approval (request ", mark, Duration.ofSeconds(30));
      Matcher m = REQUEST_ID.matcher(seen.substring(Math.min(mark, seen.length())));
      assertThat(m.find()).as(seen).isTrue();
      assertThat(api.execs()).as("held: the API server has not seen the " + what).hasSize(execsBefore);
      if (listed != null) {
        assertThat(gw.ssh(bob, "approvals").run("list").out()).contains(listed);
      }
      SshResult ok = gw.ssh(bob, "approvals").run("approve " + m.group(1));
      assertThat(ok.exitCode()).as("%s", ok).isZero();
      c.await("$ ", mark, Duration.ofSeconds(30));
      mark = c.length();
      c.send("echo " + text + "\r");
      c.await(text + "\r\n", mark, Duration.ofSeconds(20));
      mark = c.length();
      c.send("exit\r");
      c.await("prod-k8s> ", mark, Duration.ofSeconds(20));
      c.send("exit\r");
      assertThat(c.waitFor(Duration.ofSeconds(20))).isZero();
    }
    assertThat(api.execs()).hasSize(execsBefore + 1);
    ExecFront.Exec exec = api.execs().get(execsBefore);
    assertThat(exec.protocol()).isEqualTo("v5.channel.k8s.io");
    assertThat(exec.headers().get("impersonate-user")).containsExactly(who.identity());
    assertThat(exec.stdin().toString()).contains("echo " + text + "\r");
    Path cast = closedSessionCast(who);
    assertThat(Files.readString(cast)).contains(recorded).contains("approved by " + bob.identity()).contains(text);
    assertThat(Asciinema.cat(cast)).contains(text);
    return exec;
  }

  @Test
  void execThroughSshDashLIsRecordedFromTheProxysStream() throws Exception {
    SshClientKey erin = gw.sign(GatewayFixture.uniqueIdentity("erin"), List.of("sre"));
    try (KubeTargetFixture.Tunnel tunnel = k8s.tunnel(erin, "erin")) {
      Path home = Files.createDirectories(dir.resolve("erin-home"));
      var kubectl = dev.gatehouse.kube.testing.Kubectl.against(home, "http://127.0.0.1:" + tunnel.port, null);
      var result = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
        try {
          return kubectl.runWithInput("echo through-the-tunnel\nexit\n", "exec", "-i", "web-1", "-n", "app", "--", "sh");
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      String id = awaitPendingRequest("POST pods/web-1/exec in namespace app", "GET pods/web-1/exec in namespace app");
      assertThat(gw.ssh(bob, "approvals").run("approve " + id).exitCode()).isZero();
      var r = result.get(60, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(r.exit()).as(r.err()).isZero();
      assertThat(r.out()).isEqualTo("through-the-tunnel\n");
    }
    // Each connection through the forward is a session of its own: the exec's is the one with output.
    SessionRecord s = null;
    long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (s == null && System.nanoTime() < until) {
      s = gw.sessionsOf(erin.identity()).stream().filter(x -> x.state() == SessionState.CLOSED && x.bytes() > 0)
          .findFirst().orElse(null);
      Thread.sleep(100);
    }
    assertThat(s).as("a closed forward session with the exec's output").isNotNull();
    String cast = Files.readString(gw.dataDir().resolve(s.path()));
    assertThat(cast).contains("exec pod web-1 container web in namespace app: sh").contains("through-the-tunnel\\n")
        .contains("approved by " + bob.identity());
  }

  @Test
  void anExecCommandThroughTheExecPathRunsOnceApprovedAndItsRetryNeedsNoSecondRequest() throws Exception {
    // web-1: the other tests delete web-2 and leave web-1 (whose deletion is only ever pending or denied).
    SshClientKey frank = gw.sign(GatewayFixture.uniqueIdentity("frank"), List.of("sre"));
    SshResult pending = nowait(frank, "exec web-1 -- echo from-an-agent");
    assertThat(pending.exitCode()).as("%s", pending).isEqualTo(76);
    assertThat(pending.err().lines().count()).as("%s", pending).isEqualTo(1);
    Matcher m = REQUEST_ID.matcher(pending.err());
    assertThat(m.find()).isTrue();
    // kubectl tried WebSocket, then SPDY: one request to approve, not two.
    GatewayFixture.CliResult list = gw.cli("approvals", "list", "--format", "json");
    long mine = 0;
    for (JsonNode n : new com.fasterxml.jackson.databind.ObjectMapper().readTree(list.out())) {
      if (n.path("requester").asText().equals(frank.identity())) {
        mine++;
        assertThat(KubeTargetFixture.summary(n.path("statement").asText())).isEqualTo("GET pods/web-1/exec in namespace app");
        assertThat(n.path("statement").asText()).contains("\nGET /api/v1/namespaces/app/pods/web-1/exec?")
            .contains("\nquery command: echo\n");
      }
    }
    assertThat(mine).isEqualTo(1);
    assertThat(gw.ssh(bob, "approvals").run("approve " + m.group(1)).exitCode()).isZero();
    SshResult ran = nowait(frank, "exec web-1 -- echo from-an-agent");
    assertThat(ran.exitCode()).as("%s", ran).isZero();
    assertThat(ran.out()).isEqualTo("from-an-agent\n");
  }

  @Test
  void theConsolesHistoryRecallsThePreviousLineAndCtrlCDropsAHalfTypedOne() throws Exception {
    SshClientKey gina = gw.sign(GatewayFixture.uniqueIdentity("gina"), List.of("sre"));
    try (InteractiveProcess c = console(gina)) {
      int mark = c.length();
      c.send("get pods -n app\r");
      c.await("web-1", mark, Duration.ofSeconds(30));
      c.await("prod-k8s> ", mark, Duration.ofSeconds(30));
      mark = c.length();
      // arrow up, as a terminal sends it in the application cursor mode the line editor switched on (ESC [ ? 1 h)
      c.send("\u001bOA");
      c.await("get pods -n app", mark, Duration.ofSeconds(10));
      c.send("\r");
      c.await("web-1", mark, Duration.ofSeconds(30));
      c.await("prod-k8s> ", mark, Duration.ofSeconds(30));
      mark = c.length();
      c.send("delete namespace prod");
      c.await("delete namespace prod", mark, Duration.ofSeconds(10));
      c.send("\u0003"); // Ctrl-C: the half-typed line is dropped, a fresh prompt
      c.await("prod-k8s> ", mark, Duration.ofSeconds(10));
      int dropped = c.length();
      c.send("\r"); // Enter on the fresh line: nothing of the dropped text runs
      c.send("version --client\r");
      c.await("Client Version", dropped, Duration.ofSeconds(30));
      c.await("prod-k8s> ", c.transcript().indexOf("Client Version", dropped), Duration.ofSeconds(30));
      assertThat(c.transcript().substring(dropped)).doesNotContain("delete-namespace");
      c.send("exit\r");
      assertThat(c.waitFor(Duration.ofSeconds(20))).isZero();
    }
    String cast = Files.readString(closedSessionCast(gina));
    assertThat(Pattern.compile("kubectl get pods -n app").matcher(cast).results().count())
        .as("the recalled line ran a second time").isEqualTo(2);
    assertThat(cast).contains("kubectl version --client").doesNotContain("kubectl delete namespace prod")
        .doesNotContain("delete-namespace");
    assertThat(gw.auditLines()).noneMatch(field("identity", gina.identity()).and(field("rule", "delete-namespace")));
  }

  @Test
  void ctrlCWhileARequestWaitsForApprovalInTheConsoleWithdrawsTheRequest() throws Exception {
    SshClientKey hank = gw.sign(GatewayFixture.uniqueIdentity("hank"), List.of("sre"));
    String id;
    try (InteractiveProcess c = console(hank)) {
      int mark = c.length();
      c.send("delete pod web-1 --wait=false\r");
      String seen = c.await("waiting for approval (request ", mark, Duration.ofSeconds(30));
      c.await("Ctrl-C to cancel", mark, Duration.ofSeconds(10));
      Matcher m = REQUEST_ID.matcher(seen.substring(mark));
      assertThat(m.find()).as(seen).isTrue();
      id = m.group(1);
      assertThat(gw.ssh(bob, "approvals").run("list").out()).as("pending before Ctrl-C").contains(id);
      mark = c.length();
      c.send("\u0003");
      c.await("prod-k8s> ", mark, Duration.ofSeconds(20));
      c.send("exit\r");
      assertThat(c.waitFor(Duration.ofSeconds(20))).isZero();
    }
    JsonNode closed = gw.awaitAudit("the request cancelled", field("event", "approval-closed").and(field("requestId", id)));
    assertThat(closed.path("state").asText()).isEqualTo("cancelled");
    assertThat(closed.path("reason").asText()).isEqualTo("client-cancelled");
    SshResult list = gw.ssh(bob, "approvals").run("list");
    assertThat(list.exitCode()).as("%s", list).isZero();
    assertThat(list.out()).as("withdrawn: no longer listed for the approvers").doesNotContain(id);
    JsonNode all = KubeTargetFixture.JSON.readTree(gw.cli("approvals", "list", "--format", "json").out());
    for (JsonNode n : all) {
      assertThat(n.path("id").asText()).as("%s", n).isNotEqualTo(id);
    }
    assertThat(api.requests()).noneMatch(x -> x.method().equals("DELETE") && x.path().contains("/pods/web-1"));
  }

  @Test
  void attachItInTheConsoleIsHeldForApprovalThenRelayedAndRecordedAsExecIs() throws Exception {
    SshClientKey ivy = gw.sign(GatewayFixture.uniqueIdentity("ivy"), List.of("sre"));
    ExecFront.Exec attach = heldThenRelayed(ivy, "attach -it tty-1 -c web", "GET pods/tty-1/attach in namespace app",
        "hello-from-attach", "attach pod tty-1 container web in namespace app");
    assertThat(attach.path()).startsWith("/api/v1/namespaces/app/pods/tty-1/attach?").contains("container=web")
        .contains("tty=true");
  }

  /** The id of the pending approval request whose statement is one of {@code statements}. */
  private static String awaitPendingRequest(String... statements) throws Exception {
    return k8s.awaitPending(null, statements);
  }
}
