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
import io.netty.handler.codec.spdy.SpdyDataFrame;
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
 * Hostile SPDY clients against the exec relay that the relay withstood: each writes exactly the
 * bytes it names on a raw socket (a valid session token, the request allowed by the policy) and
 * asserts what reached the API server's stand-in and what the session recorded.
 */
class SpdyAttack16sHeldTest {
  private static final KubePolicy POLICY = new KubePolicy("t", List.of(), List.of("exec", "portforward"),
      Unclassified.REVIEW, List.of(), true, List.of());
  private static final String EXEC = "/api/v1/namespaces/app/pods/web-1/exec?command=sh&stdin=true&stdout=true&stderr=true";

  private StandInApiServer api;
  private KubeProxy proxy;
  private String token;
  private final StringBuffer recorded = new StringBuffer();
  private final List<String> resizes = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final RawSpdyClient client = new RawSpdyClient();

  @BeforeEach
  void start() throws Exception {
    api = new StandInApiServer();
    api.create("/api/v1/namespaces/app/pods", "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"web-1\","
        + "\"namespace\":\"app\"},\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"nginx\"}]}}");
    proxy = KubeProxy.start("t", Upstream.of(URI.create(api.url()), null, "tok".getBytes(StandardCharsets.UTF_8), null,
        null, false, Duration.ofSeconds(5)));
    ProxySession.Streams streams = (r, pod, container, command, tty) -> new ProxySession.Stream() {
      @Override
      public void output(byte[] b, int off, int len) {
        recorded.append(new String(b, off, len, StandardCharsets.UTF_8));
      }

      @Override
      public void resize(int columns, int rows) {
        resizes.add(columns + "x" + rows);
      }

      @Override
      public void closed() {
      }
    };
    token = proxy.open(new ProxySession("alice", List.of("sre"), POLICY, null, (r, v, k) -> Verdict.ALLOW, streams,
        (r, pod) -> (a, b, c) -> { }));
  }

  @AfterEach
  void stop() {
    client.close();
    proxy.close();
    api.close();
  }

  @Test
  void aSynStreamReusingAnIdClosesTheExecAndReachesNothing() throws Exception {
    DefaultSpdyDataFrame typed = new DefaultSpdyDataFrame(1, Unpooled.copiedBuffer("echo sneaked\n", StandardCharsets.UTF_8));
    Answer a = upgradeThen(head(EXEC, "SPDY/3.1", "v5.channel.k8s.io"),
        client.frames(syn(1, "error"), syn(1, "stdin"), typed), false);
    assertThat(a.head()).startsWith("HTTP/1.1 101");
    assertThat(a.replies()).containsExactly(1);
    assertThat(a.data(1)).contains("stream id 1");
    assertThat(a.goAway()).isEqualTo(SpdySessionStatus.PROTOCOL_ERROR);
    assertNothingReachedTheExec();
  }

  @Test
  void aSecondStdinStreamClosesTheExecAndItsDataReachesNothing() throws Exception {
    DefaultSpdyDataFrame typed = new DefaultSpdyDataFrame(5, Unpooled.copiedBuffer("echo sneaked\n", StandardCharsets.UTF_8));
    Answer a = upgradeThen(head(EXEC, "SPDY/3.1", "v5.channel.k8s.io"),
        client.frames(syn(1, "error"), syn(3, "stdin"), syn(5, "stdin"), typed), false);
    assertThat(a.replies()).containsExactly(1, 3);
    assertThat(a.data(1)).contains("a second 'stdin' stream");
    assertThat(a.goAway()).isEqualTo(SpdySessionStatus.PROTOCOL_ERROR);
    assertNothingReachedTheExec();
  }

  @Test
  void aStreamTypeWithASecondValueIsReadAsItsFirstAndAnUnaskedTypeIsRefused() throws Exception {
    // "resize\0stdin": two values of one header (SPDY's NUL separator); the query asked for no terminal
    DefaultSpdySynStreamFrame twoValued = new DefaultSpdySynStreamFrame(3, 0, (byte) 0);
    twoValued.headers().add("streamtype", "resize").add("streamtype", "stdin");
    DefaultSpdyDataFrame typed = new DefaultSpdyDataFrame(3, Unpooled.copiedBuffer("echo sneaked\n", StandardCharsets.UTF_8));
    Answer a = upgradeThen(head(EXEC, "SPDY/3.1", "v5.channel.k8s.io"), client.frames(syn(1, "error"), twoValued, typed), false);
    assertThat(a.replies()).containsExactly(1);
    assertThat(a.data(1)).contains("a 'resize' stream this request did not ask for");
    assertThat(a.goAway()).isEqualTo(SpdySessionStatus.PROTOCOL_ERROR);
    assertNothingReachedTheExec();
  }

  @Test
  void anUpgradeOfferingSpdyAndWebSocketIsRefusedBeforeTheApiServer() throws Exception {
    Answer a = upgradeThen(head(EXEC, "SPDY/3.1, websocket", "v5.channel.k8s.io"), new byte[0], false);
    assertThat(a.head()).startsWith("HTTP/1.1 400");
    assertThat(a.body()).contains("only SPDY/3.1 is relayed");
    assertThat(api.execs()).isEmpty();
  }

  @Test
  void aSecondRequestPipelinedAfterTheUpgradeIsNoSpdyAndReachesNothing() throws Exception {
    byte[] second = ("GET /api/v1/namespaces/app/secrets HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
        + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    // Its bytes read as the head of a SPDY data frame of several MiB on a stream never opened: the
    // codec waits for the frame's first chunk, so nothing answers the pipelined request, and
    // nothing of it reaches the API server (the client gives up after its 15 s read timeout).
    Answer a = upgradeThen(head(EXEC, "SPDY/3.1", "v5.channel.k8s.io"), second, false);
    assertThat(a.head()).startsWith("HTTP/1.1 101");
    assertThat(a.replies()).isEmpty();
    assertThat(a.frames()).noneMatch(f -> f instanceof SpdyDataFrame);
    assertNothingReachedTheExec();
    assertThat(api.requests()).noneMatch(seen -> seen.path().contains("secrets"));
  }

  @Test
  void framesSplitAtEveryByteAreRelayedAndRecordedWhole() throws Exception {
    DefaultSpdyDataFrame stdin = new DefaultSpdyDataFrame(3, Unpooled.copiedBuffer("echo split-ok\nexit\n",
        StandardCharsets.UTF_8));
    stdin.setLast(true);
    Answer a = upgradeThen(head(EXEC, "SPDY/3.1", "v5.channel.k8s.io"),
        client.frames(syn(1, "error"), syn(3, "stdin"), syn(5, "stdout"), syn(7, "stderr"), stdin), true);
    assertThat(a.replies()).containsExactly(1, 3, 5, 7);
    assertThat(a.data(5)).isEqualTo("split-ok\n");
    assertThat(a.data(1)).contains("\"status\":\"Success\"");
    assertThat(recorded.toString()).as("the session's recording").isEqualTo("split-ok\n");
    ExecFront.Exec exec = awaitOneUpstream();
    assertThat(exec.stdin().toString()).startsWith("echo split-ok\n");
  }

  @Test
  void aContainerWithABadEscapeNeverReachesTheApiServer() throws Exception {
    // Go drops the pair (the API server would pick the default container): the proxy does not open
    // the stream at all.
    Answer a = upgradeThen(head("/api/v1/namespaces/app/pods/web-1/exec?container=%zz&command=sh&stdout=true",
        "SPDY/3.1", "v5.channel.k8s.io"), new byte[0], false);
    assertThat(a.head()).doesNotStartWith("HTTP/1.1 101");
    Thread.sleep(300);
    assertThat(api.execs()).isEmpty();
  }

  @Test
  void aTerminalsResizesOverSpdyAreRecordedAndItsOutputIsOneStream() throws Exception {
    DefaultSpdyDataFrame size = new DefaultSpdyDataFrame(7, Unpooled.copiedBuffer("{\"Width\":100,\"Height\":40}\n",
        StandardCharsets.UTF_8));
    DefaultSpdyDataFrame stdin = new DefaultSpdyDataFrame(3, Unpooled.copiedBuffer("echo sized\nexit\n",
        StandardCharsets.UTF_8));
    stdin.setLast(true);
    Answer a = upgradeThen(head("/api/v1/namespaces/app/pods/web-1/exec?container=web&command=sh&stdin=true&stdout=true"
        + "&tty=true", "SPDY/3.1", "v5.channel.k8s.io"),
        client.frames(syn(1, "error"), syn(3, "stdin"), syn(5, "stdout"), syn(7, "resize"), size, stdin), false);
    assertThat(a.replies()).containsExactly(1, 3, 5, 7);
    assertThat(a.data(5)).contains("sized");
    assertThat(resizes).as("the recording's resizes").containsExactly("100x40");
    assertThat(recorded.toString()).contains("sized");
  }

  @Test
  void aLowerCaseUpgradeIsRelayedAsTheSameJudgedExec() throws Exception {
    DefaultSpdyDataFrame stdin = new DefaultSpdyDataFrame(3, Unpooled.copiedBuffer("echo lower\nexit\n",
        StandardCharsets.UTF_8));
    stdin.setLast(true);
    Answer a = upgradeThen(head(EXEC, "spdy/3.1", "v5.channel.k8s.io"),
        client.frames(syn(1, "error"), syn(3, "stdin"), syn(5, "stdout"), syn(7, "stderr"), stdin), false);
    assertThat(a.head()).startsWith("HTTP/1.1 101").contains("Upgrade: SPDY/3.1");
    assertThat(a.data(5)).isEqualTo("lower\n");
    assertThat(recorded.toString()).isEqualTo("lower\n");
  }

  // ---- the raw client ----

  private String head(String path, String upgrade, String protocol) {
    return RawSpdyClient.head(path, token, upgrade, protocol);
  }

  /** Sends {@code head}, then (after a 101) {@code after}, in one write or a byte at a time; reads until closed. */
  private Answer upgradeThen(String head, byte[] after, boolean byteByByte) throws IOException {
    return RawSpdyClient.upgradeThen(proxy.bearerAddress().getPort(), head, after, byteByByte);
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
