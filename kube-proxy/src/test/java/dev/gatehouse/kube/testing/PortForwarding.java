package dev.gatehouse.kube.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * {@code kubectl port-forward pod/NAME LOCAL:REMOTE} left running, and a plain TCP client of its
 * local port: what a user's database client or browser would be.
 */
public final class PortForwarding implements AutoCloseable {
  private final Process kubectl;
  private final Path output;
  private final int localPort;

  private PortForwarding(Process kubectl, Path output, int localPort) {
    this.kubectl = kubectl;
    this.output = output;
    this.localPort = localPort;
  }

  /** Starts kubectl port-forward on a free local port; {@link #awaitForwarding} waits for its listener. */
  public static PortForwarding start(Kubectl kubectl, Path dir, String pod, String namespace, int remotePort)
      throws IOException {
    return start(kubectl, java.util.Map.of(), dir, pod, namespace, remotePort);
  }

  /** Like {@link #start(Kubectl, Path, String, String, int)}, with variables added to kubectl's environment. */
  public static PortForwarding start(Kubectl kubectl, java.util.Map<String, String> env, Path dir, String pod,
      String namespace, int remotePort) throws IOException {
    int local;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      local = s.getLocalPort();
    }
    Files.createDirectories(dir);
    Path out = Files.createTempFile(dir, "port-forward", ".txt");
    Process p = kubectl.startWithEnv(env, out, "port-forward", "pod/" + pod, "-n", namespace, "--address=127.0.0.1",
        local + ":" + remotePort);
    return new PortForwarding(p, out, local);
  }

  public int localPort() {
    return localPort;
  }

  /** What kubectl printed so far (stdout and stderr). */
  public String output() {
    try {
      return Files.readString(output);
    } catch (IOException e) {
      return "";
    }
  }

  public boolean alive() {
    return kubectl.isAlive();
  }

  /** Waits until kubectl says it forwards (it listens only once the stream to the pod is open). */
  public void awaitForwarding(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (output().contains("Forwarding from 127.0.0.1:" + localPort)) {
        return;
      }
      if (!kubectl.isAlive()) {
        throw new AssertionError("kubectl port-forward ended (exit " + kubectl.exitValue() + "): " + output());
      }
      Thread.sleep(100);
    }
    throw new AssertionError("kubectl port-forward did not start forwarding in " + timeout + ": " + output());
  }

  /** One connection to the local port: sends {@code text}, reads as many bytes back, closes. */
  public String roundTrip(String text, Duration timeout) throws IOException {
    byte[] sent = text.getBytes(StandardCharsets.UTF_8);
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), localPort)) {
      s.setSoTimeout((int) timeout.toMillis());
      s.getOutputStream().write(sent);
      s.getOutputStream().flush();
      InputStream in = s.getInputStream();
      byte[] got = in.readNBytes(sent.length);
      s.shutdownOutput();
      // the pod's side ends the connection once ours is half-closed
      in.readAllBytes();
      return new String(got, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IOException(e.getMessage() + "; kubectl port-forward said: " + output(), e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    kubectl.destroy();
    if (!kubectl.waitFor(10, TimeUnit.SECONDS)) {
      kubectl.destroyForcibly();
    }
  }
}
