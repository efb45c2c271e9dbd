package dev.gatehouse.kube;

import static dev.gatehouse.kube.testing.RawSpdyClient.syn;
import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.kube.testing.ExecFront;
import dev.gatehouse.kube.testing.RawSpdyClient;
import dev.gatehouse.kube.testing.RawSpdyClient.Answer;
import dev.gatehouse.kube.testing.StandInApiServer;
import dev.gatehouse.policy.KubePolicy;
import dev.gatehouse.policy.Unclassified;
import dev.gatehouse.policy.Verdict;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdySessionStatus;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A SPDY client that breaks the protocol after the 101: the proxy closes the connection with a
 * reason (a GOAWAY with PROTOCOL_ERROR, and on an exec whose error stream is open the {@code Status}
 * kubectl would print), and nothing the client sent reaches the API server — whose side the proxy
 * opened before the 101, as for every stream. The client here writes raw bytes and Netty's codec
 * reads the proxy's answer, so each case is exactly the bytes it names.
 */
class SpdyMalformedStreamTest {
  private static final KubePolicy POLICY = new KubePolicy("t", List.of(), List.of("exec", "portforward"),
      Unclassified.REVIEW, List.of(), true, List.of());
  private static final String EXEC = "/api/v1/namespaces/app/pods/web-1/exec?command=sh&stdin=true&stdout=true&stderr=true";
  private static final String PORT_FORWARD = "/api/v1/namespaces/app/pods/web-1/portforward";

  private StandInApiServer api;
  private KubeProxy proxy;
  private String token;
  private final RawSpdyClient client = new RawSpdyClient();

  @BeforeEach
  void start() throws Exception {
    api = new StandInApiServer();
    api.create("/api/v1/namespaces/app/pods", "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"web-1\","
        + "\"namespace\":\"app\"},\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"nginx\"}]}}");
    proxy = KubeProxy.start("t", Upstream.of(URI.create(api.url()), null, "tok".getBytes(StandardCharsets.UTF_8), null,
        null, false, Duration.ofSeconds(5)));
    token = proxy.open(new ProxySession("alice", List.of("sre"), POLICY, null, (r, v, k) -> Verdict.ALLOW, null,
        (r, pod) -> (a, b, c) -> { }));
  }

  @AfterEach
  void stop() {
    client.close();
    proxy.close();
    api.close();
  }

  @Test
  void bytesThatAreNoSpdyFrameCloseTheExecAndReachNothing() throws Exception {
    // a control frame of SPDY version 2: no frame this proxy reads
    byte[] garbage = {(byte) 0x80, 0x02, 0x00, 0x01, 0x00, 0x00, 0x00, 0x04, 'j', 'u', 'n', 'k'};
    Answer a = upgradeThen(EXEC, "v4.channel.k8s.io", garbage);
    assertThat(a.head()).startsWith("HTTP/1.1 101").contains("X-Stream-Protocol-Version: v4.channel.k8s.io");
    assertThat(a.goAway()).isEqualTo(SpdySessionStatus.PROTOCOL_ERROR);
    assertThat(a.closed()).isTrue();
    assertNothingReachedTheExec();
  }

  @Test
  void dataOnAStreamNeverOpenedClosesTheExec() throws Exception {
    Answer a = upgradeThen(EXEC, "v4.channel.k8s.io", client.frames(new DefaultSpdyDataFrame(1,
        Unpooled.copiedBuffer("echo sneaked\n", StandardCharsets.UTF_8))));
    assertThat(a.goAway()).isEqualTo(SpdySessionStatus.PROTOCOL_ERROR);
    assertThat(a.closed()).isTrue();
    assertNothingReachedTheExec();
  }

  @Test
  void aStreamOfAnUnknownTypeClosesTheExecWithTheReasonOnItsErrorStream() throws Exception {
    DefaultSpdySynStreamFrame error = syn(1, "error");
    DefaultSpdySynStreamFrame stdin = syn(3, "stdin");
    DefaultSpdySynStreamFrame bogus = syn(5, "bogus");
    DefaultSpdyDataFrame typed = new DefaultSpdyDataFrame(3, Unpooled.copiedBuffer("echo sneaked\n", StandardCharsets.UTF_8));
    Answer a = upgradeThen(EXEC, "v5.channel.k8s.io", client.frames(error, stdin, bogus, typed));
    assertThat(a.replies()).containsExactly(1, 3);
    assertThat(a.data(1)).contains("\"status\":\"Failure\"").contains("a stream of unknown type 'bogus'");
    assertThat(a.goAway()).isEqualTo(SpdySessionStatus.PROTOCOL_ERROR);
    assertThat(a.closed()).isTrue();
    assertNothingReachedTheExec();
  }

  @Test
  void anOversizedHeaderBlockClosesTheExec() throws Exception {
    DefaultSpdySynStreamFrame big = syn(1, "error");
    big.headers().set("padding", "x".repeat(SpdyFrames.MAX_HEADER_BLOCK + 1));
    Answer a = upgradeThen(EXEC, "v4.channel.k8s.io", client.frames(big));
    assertThat(a.replies()).isEmpty();
    assertThat(a.goAway()).isEqualTo(SpdySessionStatus.PROTOCOL_ERROR);
    assertThat(a.closed()).isTrue();
    assertNothingReachedTheExec();
  }

  @Test
  void aPortForwardStreamOfAnUnknownTypeClosesTheForwardAndReachesNothing() throws Exception {
    DefaultSpdySynStreamFrame bogus = syn(1, "bogus");
    bogus.headers().set("port", "80").set("requestid", "0");
    DefaultSpdyDataFrame data = new DefaultSpdyDataFrame(1, Unpooled.copiedBuffer("to the pod", StandardCharsets.UTF_8));
    Answer a = upgradeThen(PORT_FORWARD, "portforward.k8s.io", client.frames(bogus, data));
    assertThat(a.head()).startsWith("HTTP/1.1 101").contains("X-Stream-Protocol-Version: portforward.k8s.io");
    assertThat(a.closed()).isTrue();
    ExecFront.Exec forward = awaitOneUpstream();
    assertThat(forward.protocol()).isEqualTo("SPDY/3.1+portforward.k8s.io");
    Thread.sleep(300); // what the relay would have sent had it sent anything
    assertThat(forward.stdin().toString()).isEmpty();
    assertThat(forward.resizes()).as("no port was asked of the pod").isEmpty();
  }

  @Test
  void aProtocolVersionNoSideSharesIsRefusedBeforeTheApiServer() throws Exception {
    Answer a = upgradeThen(EXEC, "channel.k8s.io", new byte[0]);
    assertThat(a.head()).startsWith("HTTP/1.1 403").contains("X-Accepted-Stream-Protocol-Versions: v5.channel.k8s.io,v4.channel.k8s.io");
    assertThat(a.body()).contains("unable to negotiate protocol");
    assertThat(api.execs()).isEmpty();
  }

  // ---- the raw client ----

  private Answer upgradeThen(String path, String protocol, byte[] after) throws IOException {
    return RawSpdyClient.upgradeThen(proxy.bearerAddress().getPort(), RawSpdyClient.head(path, token, "SPDY/3.1", protocol),
        after, false);
  }

  private ExecFront.Exec awaitOneUpstream() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (api.execs().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(api.execs()).as("the API server's side was opened first, as always").hasSize(1);
    return api.execs().get(0);
  }

  private void assertNothingReachedTheExec() throws InterruptedException {
    ExecFront.Exec exec = awaitOneUpstream();
    Thread.sleep(300); // what the relay would have sent had it sent anything
    assertThat(exec.stdin().toString()).as("stdin the API server got").isEmpty();
    assertThat(exec.resizes()).isEmpty();
  }
}
