package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A person's ordinary OpenSSH setup: {@code .ssh/id_ed25519} with, when they have one, the
 * certificate beside it ({@code id_ed25519-cert.pub}, found by ssh itself), and optionally an
 * ssh-agent holding the key (ssh-add adds the key and then its certificate). No IdentitiesOnly, no
 * CertificateFile, no PreferredAuthentications: ssh offers what it finds in the order it finds it.
 *
 * <p>OpenSSH finds {@code ~} through the password database, not {@code $HOME}, so the key is named
 * with {@code IdentityFile} in a config file of this home; ssh treats a key so named exactly as a
 * default one (it loads {@code -cert.pub} beside it). The config also points host-key checking at
 * the gateway's known_hosts line and leaves LogLevel at its default, so banners are shown.
 */
final class StockSshHome implements AutoCloseable {
  /** The order in which the agent holds the key and its certificate. */
  enum AgentOrder { KEY_THEN_CERTIFICATE, CERTIFICATE_THEN_KEY }

  private final Path home;
  private final GatewayFixture gw;
  private Process agent;
  private Path agentSocket;

  private StockSshHome(Path home, GatewayFixture gw) {
    this.home = home;
    this.gw = gw;
  }

  /** A home with {@code key} (and its certificate, if any) as .ssh/id_ed25519 for gateway {@code gw}. */
  static StockSshHome of(Path dir, GatewayFixture gw, SshClientKey key) throws IOException {
    Path home = Files.createTempDirectory(dir, "home-");
    Path ssh = Files.createDirectories(home.resolve(".ssh"));
    Files.setPosixFilePermissions(ssh, PosixFilePermissions.fromString("rwx------"));
    Files.copy(key.key(), ssh.resolve("id_ed25519"));
    Files.setPosixFilePermissions(ssh.resolve("id_ed25519"), PosixFilePermissions.fromString("rw-------"));
    Files.copy(Path.of(key.key() + ".pub"), ssh.resolve("id_ed25519.pub"));
    if (key.certificate() != null) {
      Files.copy(key.certificate(), ssh.resolve("id_ed25519-cert.pub"));
    }
    Files.copy(gw.knownHosts(), ssh.resolve("known_hosts"));
    Files.writeString(ssh.resolve("config"), """
        Host gw
          HostName 127.0.0.1
          Port %d
          UserKnownHostsFile %s
          GlobalKnownHostsFile /dev/null
          StrictHostKeyChecking yes
          ConnectTimeout 10
          IdentityFile %s
        """.formatted(gw.port(), ssh.resolve("known_hosts"), ssh.resolve("id_ed25519")));
    return new StockSshHome(home, gw);
  }

  Path key() {
    return home.resolve(".ssh/id_ed25519");
  }

  /** Starts an ssh-agent for this home and adds the key (and certificate) in {@code order}. */
  StockSshHome withAgent(AgentOrder order) throws IOException, InterruptedException {
    agentSocket = home.resolve("agent.sock");
    agent = new ProcessBuilder("/usr/bin/ssh-agent", "-D", "-a", agentSocket.toString())
        .redirectErrorStream(true).redirectOutput(home.resolve("agent.log").toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!Files.exists(agentSocket) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(agentSocket).as("ssh-agent socket").exists();
    sshAdd(key().toString());
    if (order == AgentOrder.CERTIFICATE_THEN_KEY) {
      // Removing a public key with no certificate beside it removes the key alone; adding a copy
      // of the key with no certificate beside it puts the key after the certificate.
      Path bare = Files.createDirectories(home.resolve("bare"));
      Files.copy(key(), bare.resolve("id_ed25519"));
      Files.copy(Path.of(key() + ".pub"), bare.resolve("id_ed25519.pub"));
      sshAdd("-d", bare.resolve("id_ed25519.pub").toString());
      sshAdd(bare.resolve("id_ed25519").toString());
    }
    return this;
  }

  /** What the agent holds, in its order (ssh-add -L). */
  List<String> agentKeys() throws IOException, InterruptedException {
    return List.of(sshAdd("-L").split("\n"));
  }

  private String sshAdd(String... args) throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of("/usr/bin/ssh-add"));
    argv.addAll(Arrays.asList(args));
    ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    pb.environment().put("SSH_AUTH_SOCK", agentSocket.toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("ssh-add %s: %s", String.join(" ", args), out).isZero();
    return out;
  }

  /** The ssh command line for {@code target@gw}, with this home's config and {@code options}. */
  List<String> argv(String target, String... options) {
    List<String> argv = new ArrayList<>(List.of(GatewayFixture.SSH, "-F", home.resolve(".ssh/config").toString()));
    if (agent == null) {
      argv.addAll(List.of("-o", "IdentityAgent=none"));
    }
    argv.addAll(Arrays.asList(options));
    argv.add(target + "@gw");
    return argv;
  }

  /** Runs {@code ssh [options] target@gw command} to its end (stdin /dev/null). */
  SshResult run(String target, String command, String... options) throws IOException, InterruptedException {
    List<String> argv = argv(target, options);
    argv.add(command);
    ProcessBuilder pb = processBuilder(argv);
    Path out = Files.createTempFile(home, "out-", "");
    Path err = Files.createTempFile(home, "err-", "");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    long t0 = System.nanoTime();
    Process p = pb.start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("ssh did not finish: " + argv + "\n" + Files.readString(err));
    }
    return new SshResult(p.exitValue(), Files.readAllBytes(out), Files.readAllBytes(err),
        Duration.ofNanos(System.nanoTime() - t0));
  }

  /** A process builder for ssh with this home's environment (HOME, the agent or none). */
  ProcessBuilder processBuilder(List<String> argv) {
    ProcessBuilder pb = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    pb.environment().put("HOME", home.toString());
    // A person's UTF-8 terminal: OpenSSH shows the banner's text as is (in the C locale it
    // escapes every non-ASCII byte).
    pb.environment().put("LC_ALL", "C.UTF-8");
    pb.environment().remove("SSH_AUTH_SOCK");
    if (agent != null) {
      pb.environment().put("SSH_AUTH_SOCK", agentSocket.toString());
    }
    return pb;
  }

  @Override
  public void close() {
    if (agent != null) {
      agent.destroy();
      try {
        agent.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
