package dev.gatehouse.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.policy.KubePolicy;
import dev.gatehouse.policy.Verdict;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;

/**
 * End to end through the proxy's door: a query value holding a character outside the Basic
 * Multilingual Plane, sent as raw UTF-8 bytes (not percent-encoded). Either the proxy refuses the
 * request before the upstream, or the approver's decoded query line says what the upstream decodes.
 */
class KubeProxyAttack19dIT {
  private static final String EMOJI = "\uD83D\uDE00";

  @Test
  void aRawUtf8QueryValueIsShownToTheApproverAsTheUpstreamDecodesIt() throws Exception {
    List<String> upstreamQueries = new CopyOnWriteArrayList<>();
    Server up = new Server();
    ServerConnector c = new ServerConnector(up);
    c.setHost(InetAddress.getLoopbackAddress().getHostAddress());
    c.setPort(0);
    up.addConnector(c);
    up.setHandler(new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        upstreamQueries.add(String.valueOf(request.getHttpURI().getQuery()));
        byte[] body = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Success\"}".getBytes(StandardCharsets.UTF_8);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
      }
    });
    up.start();
    List<String> approverTexts = new CopyOnWriteArrayList<>();
    try (KubeProxy proxy = KubeProxy.start("prod-k8s", Upstream.of(URI.create("http://127.0.0.1:" + c.getLocalPort()),
        null, "upstream-token".getBytes(StandardCharsets.UTF_8), null, null, true, Duration.ofSeconds(5)))) {
      String token = proxy.open(new ProxySession("alice@example.com", List.of("sre"), KubePolicy.BUILT_IN_DEFAULT,
          e -> {}, (r, v, reviewed) -> {
            approverTexts.add(reviewed.text());
            return Verdict.ALLOW; // the approver said yes to what they were shown
          }));
      String status;
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.bearerAddress().getPort())) {
        OutputStream out = s.getOutputStream();
        out.write(("DELETE /api/v1/namespaces/app/pods?labelSelector=team%3D" + EMOJI + " HTTP/1.1\r\n"
            + "Host: 127.0.0.1\r\nAuthorization: Bearer " + token + "\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
        out.flush();
        InputStream in = s.getInputStream();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        String answer = all.toString(StandardCharsets.UTF_8);
        status = answer.substring(0, answer.indexOf('\r'));
      }
      if (upstreamQueries.isEmpty()) {
        assertThat(status).as("refused before the upstream").doesNotContain(" 200");
        return;
      }
      String decodedUpstream = URLDecoder.decode(upstreamQueries.get(0).substring("labelSelector=".length()),
          StandardCharsets.UTF_8);
      assertThat(approverTexts).hasSize(1);
      assertThat(approverTexts.get(0)).as("upstream decoded labelSelector=%s", decodedUpstream)
          .contains("query labelSelector: " + decodedUpstream + "\n");
    } finally {
      up.stop();
    }
  }
}
