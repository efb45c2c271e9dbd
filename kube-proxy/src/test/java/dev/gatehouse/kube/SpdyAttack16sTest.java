package dev.gatehouse.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.kube.testing.StandInApiServer;
import dev.gatehouse.policy.KubePolicy;
import dev.gatehouse.policy.Unclassified;
import dev.gatehouse.policy.Verdict;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A SPDY exec whose query the approver and the API server read one way and the session's recording
 * another: the approver is shown the query as Go reads it (first value of a repeated parameter; a
 * pair with ';' or a bad escape dropped), and so does the API server run it; the recording's marker
 * is built by {@code StreamRelay.target}, which keeps the last {@code container} and every {@code
 * command} pair. The exec is approved (the review says yes) and opened; the test asserts what the
 * recording was told against what the approver was shown.
 */
class SpdyAttack16sTest {
  private static final KubePolicy POLICY = new KubePolicy("t", List.of(), List.of("exec", "portforward"),
      Unclassified.REVIEW, List.of(), true, List.of());

  private StandInApiServer api;
  private KubeProxy proxy;
  private String token;
  /** What the approver was shown, and what the recording's marker was told (container, command). */
  private final List<String> approved = new CopyOnWriteArrayList<>();
  private final List<String> recorded = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    api = new StandInApiServer();
    api.create("/api/v1/namespaces/app/pods", "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"web-1\","
        + "\"namespace\":\"app\"},\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"nginx\"},"
        + "{\"name\":\"vault-agent\",\"image\":\"vault\"}]}}");
    proxy = KubeProxy.start("t", Upstream.of(URI.create(api.url()), null, "tok".getBytes(StandardCharsets.UTF_8), null,
        null, false, Duration.ofSeconds(5)));
    ProxySession.Reviews approve = (r, review, reviewed) -> {
      approved.add(review.reason());
      return Verdict.ALLOW;
    };
    ProxySession.Streams streams = (r, pod, container, command, tty) -> {
      recorded.add("container=" + container + " command=" + command);
      return null;
    };
    token = proxy.open(new ProxySession("alice", List.of("sre"), POLICY, null, approve, streams,
        (r, pod) -> (a, b, c) -> { }));
  }

  @AfterEach
  void stop() {
    proxy.close();
    api.close();
  }

  @Test
  void aRepeatedContainerParameterIsRecordedAsTheContainerTheApproverSaw() throws Exception {
    // The API server (and the approver) take the first container=: vault-agent. The recording says web.
    String head = upgrade("/api/v1/namespaces/app/pods/web-1/exec?container=vault-agent&container=web"
        + "&command=cat&command=/vault/secrets/db&stdout=true");
    assertThat(head).startsWith("HTTP/1.1 101");
    assertThat(approved).singleElement().asString().contains("container=vault-agent");
    assertThat(api.execs()).singleElement().extracting(e -> e.path()).asString()
        .as("the query the API server got, whose first container= it runs in")
        .contains("container=vault-agent&container=web");
    assertThat(recorded).as("the recording's marker of the exec the approver approved")
        .containsExactly("container=vault-agent command=[cat, /vault/secrets/db]");
  }

  @Test
  void aCommandPairTheApiServerDropsIsNotRecordedAsPartOfTheCommand() throws Exception {
    // Go's url.ParseQuery drops a pair with ';': the API server runs `sh -c id`, the approver is
    // shown ["sh","-c","id"]; the recording's marker reads `sh -c echo harmless; id`.
    String head = upgrade("/api/v1/namespaces/app/pods/web-1/exec?command=sh&command=-c&command=echo+harmless;"
        + "&command=id&stdout=true");
    assertThat(head).startsWith("HTTP/1.1 101");
    assertThat(approved).singleElement().asString().contains("command=[\"sh\",\"-c\",\"id\"]");
    assertThat(api.execs()).singleElement().extracting(e -> e.path()).asString()
        .contains("command=echo+harmless;&command=id");
    assertThat(recorded).as("the recording's marker of the exec the approver approved")
        .containsExactly("container= command=[sh, -c, id]");
  }

  /** A SPDY upgrade of {@code path}; returns the proxy's HTTP head (the streams are never opened). */
  private String upgrade(String path) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.bearerAddress().getPort())) {
      s.setSoTimeout(15_000);
      OutputStream out = s.getOutputStream();
      out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token + "\r\n"
          + "Connection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v5.channel.k8s.io\r\n"
          + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
        int c = in.read();
        if (c < 0) {
          break;
        }
        head.write(c);
      }
      return head.toString(StandardCharsets.ISO_8859_1);
    }
  }
}
