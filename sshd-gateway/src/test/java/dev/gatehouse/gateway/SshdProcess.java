package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * A real OpenSSH sshd (Debian's /usr/sbin/sshd) on a free loopback port, as an {@code ssh}
 * target's host: its own ed25519 host key, trusting only the given user CA line
 * ({@code TrustedUserCAKeys}), no authorized_keys, no passwords, its log in a file.
 */
final class SshdProcess implements AutoCloseable {
  static final Path SSHD = Path.of("/usr/sbin/sshd");
  /** The downstream account the tests log in as (made on first use). */
  static final String TARGET_USER = "gh-target";

  private final Path dir;
  private final Path hostKey;
  private final int port;
  private final Path log;
  private Process process;

  private SshdProcess(Path dir, Path hostKey, int port) {
    this.dir = dir;
    this.hostKey = hostKey;
    this.port = port;
    this.log = dir.resolve("sshd.log");
  }

  /**
   * Makes the host key and picks the port, so a gateway config can pin both before sshd runs;
   * {@link #start} then starts it trusting the gateway's target CA.
   */
  static SshdProcess prepare(Path dir) throws IOException, InterruptedException {
    assumeTrue(Files.isExecutable(SSHD), "OpenSSH server installed (" + SSHD + ")");
    Files.createDirectories(dir);
    Path hostKey = dir.resolve("ssh_host_ed25519_key");
    GatewayFixture.keygen("-q", "-t", "ed25519", "-N", "", "-C", "gh-test-host", "-f", hostKey.toString());
    return new SshdProcess(dir, hostKey, freePort());
  }

  /** Starts sshd, trusting user certificates signed by {@code trustedCaLine} only. */
  SshdProcess start(String trustedCaLine, String... extraConfig) throws IOException, InterruptedException {
    // sshd refuses to start without its privilege separation directory.
    Files.createDirectories(Path.of("/run/sshd"));
    ensureTargetUser();
    Path trusted = dir.resolve("trusted_user_ca_keys");
    Files.writeString(trusted, trustedCaLine.trim() + "\n");
    Path config = dir.resolve("sshd_config");
    Files.writeString(config, String.join("\n",
        "Port " + port,
        "ListenAddress 127.0.0.1",
        "HostKey " + hostKey,
        "PidFile none",
        "TrustedUserCAKeys " + trusted,
        "AuthorizedKeysFile none",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "UsePAM no",
        "StrictModes no",
        "LogLevel VERBOSE",
        String.join("\n", extraConfig),
        ""));
    Path out = dir.resolve("sshd.out");
    process = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", config.toString(), "-E", log.toString())
        .redirectErrorStream(true)
        .redirectOutput(out.toFile())
        .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try (Socket ignored = new Socket("127.0.0.1", port)) {
        return this;
      } catch (IOException notYet) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          close();
          throw new AssertionError("sshd did not come up on port " + port + ": " + Files.readString(out) + log());
        }
        Thread.sleep(50);
      }
    }
  }

  /**
   * Makes the downstream account when it is missing. Its password field is '*' (no password
   * login, but not locked: sshd refuses a locked '!' account even with a certificate).
   */
  static synchronized void ensureTargetUser() throws IOException, InterruptedException {
    ensureUser(TARGET_USER, "/bin/bash");
  }

  /** Makes a downstream account with login shell {@code shell} when it is missing (as above). */
  static synchronized void ensureUser(String name, String shell) throws IOException, InterruptedException {
    if (run("id", "-u", name) != 0) {
      int made = run("useradd", "-m", "-s", shell, name);
      // Another test JVM may have made it meanwhile.
      assertThat(made == 0 || run("id", "-u", name) == 0).as("useradd %s", name).isTrue();
    }
    assertThat(run("usermod", "-s", shell, "-p", "*", name)).as("usermod -s %s -p '*' %s", shell, name).isZero();
  }

  /** Trusts one more user CA (sshd reads TrustedUserCAKeys at each login). */
  void trust(String caLine) throws IOException {
    Files.writeString(dir.resolve("trusted_user_ca_keys"), caLine.trim() + "\n", java.nio.file.StandardOpenOption.APPEND);
  }

  /** Whether a process of the target user has {@code text} in its command line. */
  static boolean targetUserRuns(String text) throws IOException, InterruptedException {
    return run("pgrep", "-u", TARGET_USER, "-f", text) == 0;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static int run(String... argv) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("%s finished", Arrays.toString(argv)).isTrue();
    return p.exitValue();
  }

  int port() {
    return port;
  }

  /** The host's private key file (e.g. to sign a host certificate over its .pub). */
  Path hostKey() {
    return hostKey;
  }

  /** The host key as an {@code ssh.hostKey} pin: the first two fields of the .pub file. */
  String hostKeyLine() throws IOException {
    return firstTwoFields(Path.of(hostKey + ".pub"));
  }

  static String firstTwoFields(Path pub) throws IOException {
    String[] f = Files.readString(pub).trim().split("\\s+");
    return f[0] + " " + f[1];
  }

  /** What sshd wrote to its -E log so far. */
  String log() throws IOException {
    return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
  }

  /** Waits up to 5 s for the log to contain a line matching {@code regex}. */
  String awaitLog(String regex) throws IOException, InterruptedException {
    java.util.regex.Pattern p = java.util.regex.Pattern.compile(regex, java.util.regex.Pattern.MULTILINE);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (true) {
      String s = log();
      java.util.regex.Matcher m = p.matcher(s);
      if (m.find()) {
        return m.group();
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("sshd log never matched /" + regex + "/:\n" + s);
      }
      Thread.sleep(50);
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process == null) {
      return;
    }
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(5, TimeUnit.SECONDS);
    }
  }
}
