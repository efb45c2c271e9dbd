package dev.gatehouse.keys.login;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code gatehouse login}'s calls to the gateway against servers that misbehave on purpose, over
 * real loopback sockets: a trickled or oversized answer ends the login with a message instead of
 * holding it or filling the heap.
 */
class GatewayClientTest {
  /** Serves every connection with {@code head}, then {@code bodyByte} once a second for ever (or {@code body} at once). */
  private static ServerSocket server(String head, byte[] body, boolean trickle) throws IOException {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(() -> {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          Thread w = new Thread(() -> {
            try (s) {
              s.getInputStream().read(new byte[65536]);
              OutputStream o = s.getOutputStream();
              o.write(head.getBytes(StandardCharsets.US_ASCII));
              o.write(body);
              o.flush();
              while (trickle && !server.isClosed()) {
                Thread.sleep(1000);
                o.write(' ');
                o.flush();
              }
            } catch (IOException | InterruptedException gone) {
              // the client hung up
            }
          }, "misbehaving-gateway-conn");
          w.setDaemon(true);
          w.start();
        } catch (IOException closed) {
          return;
        }
      }
    }, "misbehaving-gateway");
    t.setDaemon(true);
    t.start();
    return server;
  }

  /** The request that carries the ID token: a gateway trickling its answer ends the login (limit 15 s; 60 s is a generous bound). */
  @Test
  void aGatewayThatTricklesItsCertificateAnswerFailsTheLogin() throws Exception {
    String head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n";
    try (ServerSocket gw = server(head, "{".getBytes(StandardCharsets.US_ASCII), true)) {
      GatewayClient client = new GatewayClient(URI.create("http://127.0.0.1:" + gw.getLocalPort()));
      assertTimeoutPreemptively(Duration.ofSeconds(60), () ->
          assertThatThrownBy(() -> client.certificate("token", "ssh-ed25519 AAAA"))
              .isInstanceOf(LoginFailed.class)
              .hasMessageContaining("POST /v1/certificates")
              .hasMessageContaining("no complete answer within 15000 ms"));
    }
  }

  @Test
  void anAnswerLargerThan256KiBIsRefused() throws Exception {
    byte[] body = new byte[300 * 1024];
    java.util.Arrays.fill(body, (byte) ' ');
    body[0] = '{';
    body[body.length - 1] = '}';
    String head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n";
    try (ServerSocket gw = server(head, body, false)) {
      GatewayClient client = new GatewayClient(URI.create("http://127.0.0.1:" + gw.getLocalPort()));
      assertThatThrownBy(client::config).isInstanceOf(LoginFailed.class)
          .hasMessageContaining("GET /v1/config")
          .hasMessageContaining("answered more than " + 256 * 1024 + " bytes");
    }
  }

  @Test
  void aRefusalIsReportedWithTheGatewaysReason() throws Exception {
    byte[] body = "{\"error\":\"expired\",\"message\":\"the ID token has expired\"}".getBytes(StandardCharsets.UTF_8);
    String head = "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: " + body.length
        + "\r\nConnection: close\r\n\r\n";
    try (ServerSocket gw = server(head, body, false)) {
      GatewayClient client = new GatewayClient(URI.create("http://127.0.0.1:" + gw.getLocalPort()));
      assertThatThrownBy(() -> client.certificate("token", "ssh-ed25519 AAAA")).isInstanceOf(LoginFailed.class)
          .hasMessage("the gateway refused POST /v1/certificates (HTTP 401): expired: the ID token has expired");
    }
  }
}
