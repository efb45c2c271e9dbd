package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.kube.testing.Kubectl;
import dev.gatehouse.kube.testing.StandInApiServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * What the kubernetes ITs share: the stand-in API server (see docs/kubernetes.md) with their
 * objects, the proxy's upstream token (a 0600 file), a gateway with one kubernetes target {@code
 * prod-k8s} and a kubernetes policy, certificates for the people, and {@code ssh -N -L
 * PORT:prod-k8s:443} with {@code gatehouse kubeconfig} on "the user's machine".
 *
 * <pre>
 *  KubeTargetFixture k8s = KubeTargetFixture.setup().pods("web-1").secret("app", "s3cret").runAs().approvers().start(dir);
 * </pre>
 */
final class KubeTargetFixture implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  /** The upstream credential the proxy holds: never shown to anyone. */
  static final String UPSTREAM_TOKEN = "proxy-upstream-token";
  /** An approval request id in what the gateway prints ({@code request 7F3A}). */
  static final Pattern REQUEST_ID = Pattern.compile("request ([0-9A-F]{4,8})");

  final Path dir;
  final StandInApiServer api;
  final GatewayFixture gw;
  final Path token;

  private KubeTargetFixture(Path dir, StandInApiServer api, GatewayFixture gw, Path token) {
    this.dir = dir;
    this.api = api;
    this.gw = gw;
    this.token = token;
  }

  static Setup setup() {
    return new Setup();
  }

  /** What differs between the ITs: the objects, the policy's lists, runAs, approvers, other config. */
  static final class Setup {
    private final List<String> pods = new ArrayList<>();
    private final List<String> ttyPods = new ArrayList<>();
    private final Map<String, String> secrets = new LinkedHashMap<>();
    private boolean runAs;
    private boolean approvers;
    private boolean blockPrivileged;
    private boolean blockExec;
    private String topLevel = "";

    /** Running pods in namespace app, one container {@code web} (nginx). */
    Setup pods(String... names) {
      pods.addAll(List.of(names));
      return this;
    }

    /** Running pods in namespace app whose container {@code web} has a terminal and stdin (for attach -it). */
    Setup ttyPods(String... names) {
      ttyPods.addAll(List.of(names));
      return this;
    }

    /** A Secret {@code db} in {@code namespace} whose {@code password} is {@code value}. */
    Setup secret(String namespace, String value) {
      secrets.put(namespace, value);
      return this;
    }

    /** kubectl on the bastion runs as {@code nobody}. */
    Setup runAs() {
      runAs = true;
      return this;
    }

    /** Group sre-leads approves the target's reviews. */
    Setup approvers() {
      approvers = true;
      return this;
    }

    /** {@code privileged-workload} is blocked (rather than reviewed): "blocked" is a plain answer. */
    Setup blockPrivileged() {
      blockPrivileged = true;
      return this;
    }

    /** {@code exec} is blocked (rather than reviewed). */
    Setup blockExec() {
      blockExec = true;
      return this;
    }

    /** More top-level YAML of the gateway's config (e.g. {@code approvals: { ttl: 3s }}). */
    Setup config(String yaml) {
      topLevel = yaml.endsWith("\n") ? yaml : yaml + "\n";
      return this;
    }

    KubeTargetFixture start(Path dir) throws Exception {
      StandInApiServer api = new StandInApiServer();
      try {
        api.create("/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"prod\"}}");
        for (String pod : pods) {
          api.create("/api/v1/namespaces/app/pods", pod(pod, false));
        }
        for (String pod : ttyPods) {
          api.create("/api/v1/namespaces/app/pods", pod(pod, true));
        }
        for (Map.Entry<String, String> s : secrets.entrySet()) {
          api.create("/api/v1/namespaces/" + s.getKey() + "/secrets", "{\"apiVersion\":\"v1\",\"kind\":\"Secret\","
              + "\"metadata\":{\"name\":\"db\",\"namespace\":\"" + s.getKey() + "\"},\"type\":\"Opaque\","
              + "\"data\":{\"password\":\"" + b64(s.getValue()) + "\"}}");
        }
        Path token = dir.resolve("k8s-token");
        Files.writeString(token, UPSTREAM_TOKEN + "\n");
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
        Files.createDirectories(dir.resolve("gw"));
        String privileged = blockPrivileged ? "" : ", privileged-workload";
        GatewayFixture gw = GatewayFixture.start(dir.resolve("gw"), "", topLevel + """
            targets:
              - name: prod-k8s
                type: kubernetes
                kubernetes: { server: "%s", token: "file:%s", impersonate: true, namespace: app }
            %s%s    allow: { groups: [sre] }
                policy: default-kube
            policies:
              default-kube:
                type: kubernetes
                block:  [delete-namespace, delete-node, delete-crd, delete-persistent-volume, impersonate%s]
                review: [exec, attach, portforward, node-proxy, delete, deletecollection, rbac-write%s]
                rules:
                  - { name: prod-secrets, verbs: [get, list, watch], resources: [secrets], namespaces: [prod], verdict: block }
                mask: { secrets: true, detectors: [api-key, private-key, jwt] }
            """.formatted(api.url(), token, runAs ? "    runAs: nobody\n" : "",
                approvers ? "    approvers: { groups: [sre-leads] }\n" : "",
                (blockPrivileged ? ", privileged-workload" : "") + (blockExec ? ", exec" : ""), privileged));
        return new KubeTargetFixture(dir, api, gw, token);
      } catch (Exception | Error e) {
        api.close();
        throw e;
      }
    }

    private static String pod(String name, boolean tty) {
      return "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"app\"},"
          + "\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"nginx\"" + (tty ? ",\"stdin\":true,\"tty\":true" : "")
          + "}]},\"status\":{\"phase\":\"Running\"}}";
    }
  }

  static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The first line of a Kubernetes request's approval text: what the API server reads, {@code
   * DELETE pods/web-2 in namespace app} (the lines after it show the request whole).
   */
  static String summary(String statement) {
    int nl = statement.indexOf('\n');
    return nl < 0 ? statement : statement.substring(0, nl);
  }

  /** The id of the pending approval request of {@code requester} (any, when null) whose summary is one of these. */
  String awaitPending(SshClientKey requester, String... statements) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      GatewayFixture.CliResult r = gw.cli("approvals", "list", "--format", "json");
      for (JsonNode n : JSON.readTree(r.out())) {
        if ((requester == null || n.path("requester").asText().equals(requester.identity()))
            && n.path("state").asText().equals("pending") && List.of(statements).contains(summary(n.path("statement").asText()))) {
          return n.path("id").asText();
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no pending request " + String.join(" or ", statements)
        + (requester == null ? "" : " of " + requester.identity()));
  }

  /** The statements of the pending approval requests of {@code requester}. */
  List<String> pendingStatements(SshClientKey requester) throws Exception {
    GatewayFixture.CliResult r = gw.cli("approvals", "list", "--format", "json");
    List<String> out = new ArrayList<>();
    for (JsonNode n : JSON.readTree(r.out())) {
      if (n.path("requester").asText().equals(requester.identity()) && n.path("state").asText().equals("pending")) {
        out.add(n.path("statement").asText());
      }
    }
    return out;
  }

  /** {@code ssh -N -L PORT:prod-k8s:443} as {@code key}, with {@code gatehouse kubeconfig}: the user's kubectl and raw HTTP. */
  Tunnel tunnel(SshClientKey key, String name) throws Exception {
    return new Tunnel(key, name);
  }

  final class Tunnel implements AutoCloseable {
    final Process ssh;
    final int port;
    private final String name;
    private String kubeconfig;
    private Kubectl kubectl;

    private Tunnel(SshClientKey key, String name) throws Exception {
      this.name = name;
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        port = s.getLocalPort();
      }
      List<String> argv = new ArrayList<>(gw.sshArgv(key, "prod-k8s", List.of("-N", "-L", port + ":prod-k8s:443",
          "-o", "ExitOnForwardFailure=yes")));
      ssh = new ProcessBuilder(argv).redirectErrorStream(true).start();
      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      while (true) {
        try (Socket probe = new Socket("127.0.0.1", port)) {
          break;
        } catch (java.io.IOException e) {
          assertThat(System.nanoTime()).as("the ssh -L port opens").isLessThan(deadline);
          Thread.sleep(100);
        }
      }
    }

    /** The kubeconfig {@code gatehouse kubeconfig} prints for this port (made at the first use). */
    synchronized String kubeconfig() throws Exception {
      if (kubeconfig == null) {
        GatewayFixture.CliResult kc = GatewayProcess.cli("kubeconfig", "prod-k8s", "--port", String.valueOf(port));
        assertThat(kc.exitCode()).as(kc.err()).isZero();
        kubeconfig = kc.out();
      }
      return kubeconfig;
    }

    /** The user's own kubectl, with that kubeconfig and a HOME of its own. */
    synchronized Kubectl kubectl() throws Exception {
      if (kubectl == null) {
        Path home = Files.createDirectories(dir.resolve(name + "-home"));
        Path config = home.resolve("gatehouse-kubeconfig");
        Files.writeString(config, kubeconfig());
        kubectl = Kubectl.withConfig(home, config);
      }
      return kubectl;
    }

    HttpResponse<String> post(String path, String contentType, String body) throws Exception {
      HttpClient c = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      return c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30))
          .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
          HttpResponse.BodyHandlers.ofString());
    }

    /** Writes the bytes on one connection, then reads what comes back until the proxy closes or goes quiet. */
    String raw(byte[] request) throws Exception {
      try (Socket s = new Socket("127.0.0.1", port)) {
        s.setSoTimeout(5_000);
        OutputStream out = s.getOutputStream();
        out.write(request);
        out.flush();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        InputStream in = s.getInputStream();
        byte[] buf = new byte[8192];
        try {
          int n;
          while ((n = in.read(buf)) > 0) {
            b.write(buf, 0, n);
          }
        } catch (java.net.SocketTimeoutException e) {
          // keep-alive: what came so far is the answer
        }
        return b.toString(StandardCharsets.ISO_8859_1);
      }
    }

    @Override
    public void close() throws Exception {
      ssh.destroy();
      ssh.waitFor(5, TimeUnit.SECONDS);
    }
  }

  @Override
  public void close() {
    if (gw != null) {
      gw.close();
    }
    api.close();
  }
}
