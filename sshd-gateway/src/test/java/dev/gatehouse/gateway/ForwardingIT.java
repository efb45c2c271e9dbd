package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** No tunnels past the recording: local and remote forwards and agent forwarding are refused. */
@ExtendWith(GatewayLogOnFailure.class)
class ForwardingIT {
  @TempDir static Path dir;
  static GatewayFixture gw;

  @BeforeAll
  static void start() throws Exception {
    gw = GatewayFixture.start(dir);
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void localForwardToAnArbitraryHostCarriesNoBytes() throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("fwd-l"), List.of("dev"));
    int local = freePort();
    // The destination is a live SSH server (the gateway itself): an open tunnel would show its banner.
    try (GatewayFixture.Running ssh = gw.ssh(key, "shell")
        .options("-N", "-o", "ExitOnForwardFailure=yes", "-L", local + ":127.0.0.1:" + gw.port()).start(null)) {
      Socket s = connectWithin(local, Duration.ofSeconds(10), ssh);
      try (s) {
        s.setSoTimeout(10_000);
        InputStream in = s.getInputStream();
        assertThat(in.read()).as("the forwarded connection is closed without a byte").isEqualTo(-1);
      }
    }
  }

  @Test
  void aRefusedForwardTellsTheClientHowToForwardOnItsStderr() throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("fwd-why"), List.of("dev"));
    int local = freePort();
    // What a user types for a database on the bastion: "localhost" names no target. OpenSSH shows the
    // refusal at its default log level, INFO.
    try (GatewayFixture.Running ssh = gw.ssh(key, "shell")
        .options("-o", "LogLevel=INFO", "-N", "-L", local + ":localhost:5433").start(null)) {
      try (Socket s = connectWithin(local, Duration.ofSeconds(10), ssh)) {
        s.setSoTimeout(10_000);
        assertThat(s.getInputStream().read()).isEqualTo(-1);
      }
      // OpenSSH prints the CHANNEL_OPEN_FAILURE's description after the reason.
      ssh.awaitStdoutOrErr("TARGET@gw", Duration.ofSeconds(10));
      assertThat(ssh.stderrSoFar().lines()).anyMatch(l -> l.matches("channel \\d+: open failed: administratively"
          + " prohibited: gatehouse: forwarding goes to a postgres target by name: ssh -L PORT:TARGET:5432 TARGET@gw"));
    }
  }

  @Test
  void remoteForwardIsRefused() throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("fwd-r"), List.of("dev"));

    SshResult r = gw.ssh(key, "shell")
        .options("-N", "-o", "ExitOnForwardFailure=yes", "-R", "0:127.0.0.1:" + gw.port()).run(null);

    assertThat(r.exitCode()).as("%s", r).isEqualTo(255);
    assertThat(r.err()).contains("remote port forwarding failed");
  }

  @Test
  void agentForwardingIsRefused() throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("fwd-a"), List.of("dev"));
    Path agentSocket = Files.createTempDirectory(dir, "agent-").resolve("agent.sock");
    Process agent = new ProcessBuilder("ssh-agent", "-D", "-a", agentSocket.toString())
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!Files.exists(agentSocket) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(agentSocket).exists();

      SshResult r = gw.ssh(key, "shell").options("-A", "-v").env("SSH_AUTH_SOCK", agentSocket.toString())
          .run("echo \"[$SSH_AUTH_SOCK]\"");

      assertThat(r.exitCode()).as("%s", r).isZero();
      assertThat(r.err()).as("the client did ask").contains("Requesting authentication agent forwarding");
      assertThat(r.out()).isEqualTo("[]\n");
    } finally {
      agent.destroy();
      agent.waitFor(5, TimeUnit.SECONDS);
    }
  }

  private static Socket connectWithin(int port, Duration wait, GatewayFixture.Running ssh) throws Exception {
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      Socket s = new Socket();
      try {
        s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        return s;
      } catch (IOException e) {
        s.close();
        if (System.nanoTime() > deadline || !ssh.isAlive()) {
          throw new AssertionError("ssh -L never listened on " + port + ": " + ssh.stderrSoFar(), e);
        }
        Thread.sleep(50);
      }
    }
  }
}
