package dev.gatehouse.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificates this module writes, used by the real OpenSSH sshd and ssh: the target CA's
 * per-session certificates log in to a host that trusts it, the host certificate passes ssh's
 * strict host-key checking through an {@code @cert-authority} line, and sshd understands the
 * source-address critical option we encode.
 */
class OpenSshInteropTest {
  private static final Path SSHD = Path.of("/usr/sbin/sshd");
  private static final Path SSH = Path.of("/usr/bin/ssh");

  @TempDir Path data;
  private CertificateAuthority ca;
  private CertificateLedger ledger;
  private Process sshd;
  private int port;
  private Path sshdLog;

  @BeforeEach
  void startSshd() throws Exception {
    assumeTrue(Files.isExecutable(SSHD) && Files.isExecutable(SSH), "OpenSSH server and client installed");
    // sshd refuses to start without its privilege separation directory, which only the
    // openssh-server service normally makes.
    if (!Files.isDirectory(Path.of("/run/sshd"))) {
      try {
        Files.createDirectories(Path.of("/run/sshd"));
      } catch (IOException e) {
        assumeTrue(false, "cannot make /run/sshd: " + e);
      }
    }
    ca = CertificateAuthority.init(data.resolve("ca"), List.of("localhost"));
    ledger = CertificateLedger.open(data.resolve("gatehouse.db"));
    Path trusted = data.resolve("trusted_ca_keys");
    Files.writeString(trusted, ca.targetCaPublicKeyLine() + "\n" + Files.readString(data.resolve("ca/user_ca.pub")));
    try (ServerSocket probe = new ServerSocket(0)) {
      port = probe.getLocalPort();
    }
    Path config = data.resolve("sshd_config");
    Files.writeString(config, String.join("\n",
        "Port " + port,
        "ListenAddress 127.0.0.1",
        "HostKey " + ca.hostKeyFile(),
        "HostCertificate " + ca.hostCertificateFile(),
        "PidFile none",
        "TrustedUserCAKeys " + trusted,
        "AuthorizedKeysFile none",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "UsePAM no",
        "StrictModes no",
        "LogLevel VERBOSE",
        ""));
    sshdLog = data.resolve("sshd.log");
    sshd = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", config.toString())
        .redirectErrorStream(true).redirectOutput(sshdLog.toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try (Socket ignored = new Socket("127.0.0.1", port)) {
        break;
      } catch (IOException notYet) {
        assertThat(sshd.isAlive()).as("sshd running: %s", Files.readString(sshdLog)).isTrue();
        assertThat(System.nanoTime()).as("sshd listening").isLessThan(deadline);
        Thread.sleep(50);
      }
    }
  }

  @AfterEach
  void stopSshd() throws Exception {
    if (sshd != null) {
      sshd.destroy();
      sshd.waitFor(5, TimeUnit.SECONDS);
    }
    if (ledger != null) {
      ledger.close();
    }
  }

  @Test
  void targetCertificateLogsInToAnOpenSshHostThatTrustsTheTargetCa() throws Exception {
    Path key = SshKeygen.newKey(data, "session", "ed25519");
    OpenSshCertificate cert =
        ca.signTargetCertificate(SshKeygen.publicKey(key), "alice@example.com", "root", Duration.ofMinutes(5));
    writeCertificate(key, cert);

    SshResult result = ssh(key, "echo", "hello-from-target");

    assertThat(result.exitCode()).as(result.output() + sshdLog()).isZero();
    assertThat(result.output()).contains("hello-from-target");
    assertThat(sshdLog()).contains("Accepted certificate ID \"alice@example.com\"");
  }

  @Test
  void sshdHonoursTheSourceAddressWeEncode() throws Exception {
    Path inside = SshKeygen.newKey(data, "inside", "ecdsa");
    writeCertificate(inside, ca.signUserCertificate(SshKeygen.publicKey(inside),
        new UserCertificateRequest("root", List.of("dev", "sre"), Duration.ofHours(1), "127.0.0.0/8",
            true, false, false, false), ledger));
    Path elsewhere = SshKeygen.newKey(data, "elsewhere", "rsa");
    writeCertificate(elsewhere, ca.signUserCertificate(SshKeygen.publicKey(elsewhere),
        new UserCertificateRequest("root", List.of("dev"), Duration.ofHours(1), "10.0.0.0/8",
            true, false, false, false), ledger));

    SshResult accepted = ssh(inside, "echo", "ok");
    SshResult refused = ssh(elsewhere, "echo", "ok");

    assertThat(accepted.exitCode()).as(accepted.output() + sshdLog()).isZero();
    assertThat(refused.exitCode()).isEqualTo(255);
    assertThat(sshdLog()).contains("not from a permitted source address (127.0.0.1)");
  }

  private record SshResult(int exitCode, String output) {}

  private SshResult ssh(Path key, String... command) throws Exception {
    Path knownHosts = data.resolve("known_hosts");
    // Host-key checking stays on: the gateway's host certificate must satisfy it.
    Files.writeString(knownHosts, ca.knownHostsLine(List.of("[localhost]:" + port)) + "\n");
    List<String> args = new ArrayList<>(List.of(SSH.toString(), "-F", "none",
        "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=yes", "-o", "AddressFamily=inet",
        "-o", "UserKnownHostsFile=" + knownHosts, "-o", "GlobalKnownHostsFile=/dev/null",
        "-o", "IdentitiesOnly=yes", "-o", "CertificateFile=" + key + "-cert.pub", "-i", key.toString(),
        "-p", Integer.toString(port), "root@localhost"));
    args.addAll(List.of(command));
    Process process = new ProcessBuilder(args).redirectErrorStream(true).start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new SshResult(process.exitValue(), output);
  }

  private String sshdLog() throws IOException {
    return Files.readString(sshdLog);
  }

  private static void writeCertificate(Path key, OpenSshCertificate cert) throws IOException {
    Files.writeString(Path.of(key + "-cert.pub"), OpenSshKeyFiles.publicKeyLine(cert, "test") + "\n");
  }
}
