package dev.gatehouse.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.kube.testing.ExecFront;
import dev.gatehouse.kube.testing.StandInApiServer;
import dev.gatehouse.policy.KubePolicy;
import dev.gatehouse.policy.Unclassified;
import dev.gatehouse.policy.Verdict;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.spdy.DefaultSpdyDataFrame;
import io.netty.handler.codec.spdy.DefaultSpdySynStreamFrame;
import io.netty.handler.codec.spdy.SpdyDataFrame;
import io.netty.handler.codec.spdy.SpdyFrameCodec;
import io.netty.handler.codec.spdy.SpdyGoAwayFrame;
import io.netty.handler.codec.spdy.SpdySessionStatus;
import io.netty.handler.codec.spdy.SpdySynReplyFrame;
import io.netty.handler.codec.spdy.SpdyVersion;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
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
  private final EmbeddedChannel client = new EmbeddedChannel(new SpdyFrameCodec(SpdyVersion.SPDY_3_1));

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
    client.finishAndReleaseAll();
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
    Answer a = upgradeThen(EXEC, "v4.channel.k8s.io", frames(new DefaultSpdyDataFrame(1,
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
    Answer a = upgradeThen(EXEC, "v5.channel.k8s.io", frames(error, stdin, bogus, typed));
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
    Answer a = upgradeThen(EXEC, "v4.channel.k8s.io", frames(big));
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
    Answer a = upgradeThen(PORT_FORWARD, "portforward.k8s.io", frames(bogus, data));
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

  private static DefaultSpdySynStreamFrame syn(int id, String type) {
    DefaultSpdySynStreamFrame f = new DefaultSpdySynStreamFrame(id, 0, (byte) 0);
    f.headers().set("streamtype", type);
    return f;
  }

  private byte[] frames(Object... frames) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object f : frames) {
      client.writeOutbound(f);
    }
    Object o;
    while ((o = client.readOutbound()) != null) {
      ByteBuf b = (ByteBuf) o;
      byte[] a = new byte[b.readableBytes()];
      b.readBytes(a);
      b.release();
      out.writeBytes(a);
    }
    return out.toByteArray();
  }

  /** What the proxy answered: the HTTP head, then (after a 101) its frames until it closed. */
  private record Answer(String head, String body, List<Object> frames, boolean closed) {
    List<Integer> replies() {
      return frames.stream().filter(f -> f instanceof SpdySynReplyFrame).map(f -> ((SpdySynReplyFrame) f).streamId()).toList();
    }

    String data(int stream) {
      StringBuilder b = new StringBuilder();
      for (Object f : frames) {
        if (f instanceof SpdyDataFrame d && d.streamId() == stream) {
          b.append(d.content().toString(StandardCharsets.UTF_8));
        }
      }
      return b.toString();
    }

    SpdySessionStatus goAway() {
      return frames.stream().filter(f -> f instanceof SpdyGoAwayFrame).map(f -> ((SpdyGoAwayFrame) f).status())
          .findFirst().orElse(null);
    }
  }

  private Answer upgradeThen(String path, String protocol, byte[] after) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.bearerAddress().getPort())) {
      s.setSoTimeout(15_000);
      OutputStream out = s.getOutputStream();
      out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token + "\r\n"
          + "Connection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: " + protocol + "\r\n"
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
      String h = head.toString(StandardCharsets.ISO_8859_1);
      if (!h.startsWith("HTTP/1.1 101")) {
        int len = 0;
        for (String line : h.split("\r\n")) {
          if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
            len = Integer.parseInt(line.substring(15).strip());
          }
        }
        return new Answer(h, new String(in.readNBytes(len), StandardCharsets.UTF_8), List.of(), false);
      }
      out.write(after);
      out.flush();
      EmbeddedChannel reader = new EmbeddedChannel(new SpdyFrameCodec(SpdyVersion.SPDY_3_1));
      List<Object> frames = new ArrayList<>();
      boolean closed = false;
      byte[] buf = new byte[8192];
      try {
        int n;
        while ((n = in.read(buf)) > 0) {
          reader.writeInbound(Unpooled.copiedBuffer(buf, 0, n));
          Object f;
          while ((f = reader.readInbound()) != null) {
            frames.add(f);
          }
        }
        closed = true;
      } catch (java.net.SocketException e) {
        closed = true; // reset by the proxy: closed as well
      } catch (java.net.SocketTimeoutException e) {
        closed = false;
      }
      List<Object> copies = new ArrayList<>(frames);
      reader.finishAndReleaseAll();
      return new Answer(h, "", copies, closed);
    }
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
