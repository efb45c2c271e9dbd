package dev.gatehouse.keys.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An attacker's view of {@code gatehouse login}'s files: another user who can write somewhere on
 * the way to the login directory, or who plants links, FIFOs or hard links, must not get the
 * victim's login to send (or certify) a key of theirs, nor hang it. Real directories, modes,
 * owners (the tests run as root and hand files to uid 65534 to play the other user), real
 * ssh-keygen.
 */
class LoginFilesAttack20Test {
  private static final int OTHER_UID = 65534;

  @TempDir Path dir;

  private static String sh(String... argv) throws Exception {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("%s: %s", String.join(" ", argv), out).isZero();
    return out;
  }

  private Path privateDir(String name) throws IOException {
    return Files.createDirectories(dir.resolve(name),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
  }

  private static String publicLine(Path privateKey) throws Exception {
    String[] f = sh("ssh-keygen", "-y", "-f", privateKey.toString()).trim().split(" ");
    return f[0] + " " + f[1];
  }

  /** A login directory in {@code parent} with a key made by login itself; the key's public line. */
  private static String loginDirWithKey(Path parent) throws Exception {
    LoginFiles files = new LoginFiles(parent.resolve(".gatehouse"));
    files.ensureKey();
    return publicLine(files.privateKey());
  }

  // ---- links above the login directory ------------------------------------------------------

  /**
   * {@code --home /srv/shared/link/.gatehouse} where {@code /srv/shared} is writable by everybody
   * (not sticky): every directory login checks is the victim's, but whoever can write {@code
   * /srv/shared} can point {@code link} elsewhere at any moment. The checks resolve the path once;
   * every later read resolves it again.
   */
  @Test
  void aLoginDirectoryReachedThroughALinkInAWorldWritableDirectoryIsRefused() throws Exception {
    Path shared = Files.createDirectories(dir.resolve("shared"));
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path alice = privateDir("alice");
    Files.createSymbolicLink(shared.resolve("link"), alice);
    LoginFiles files = new LoginFiles(shared.resolve("link").resolve(".gatehouse"));

    assertThatThrownBy(() -> files.requireSafe(null)).isInstanceOf(LoginFailed.class)
        .hasMessageContaining(shared.toString());
  }

  /** What the link above makes possible: the key checked is not the key sent. */
  @Test
  void theKeySentToBeSignedIsTheKeyLoginCheckedEvenWhenALinkAboveItIsSwapped() throws Exception {
    Path shared = Files.createDirectories(dir.resolve("shared"));
    Files.setPosixFilePermissions(shared, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path alice = privateDir("alice");
    Path mallory = privateDir("mallory");
    String malloryKey = loginDirWithKey(mallory);
    Path link = shared.resolve("link");
    Files.createSymbolicLink(link, alice);
    LoginFiles files = new LoginFiles(link.resolve(".gatehouse"));

    String checkedKey;
    try {
      files.ensureKey(); // checks the directories, makes alice's key
      checkedKey = files.publicKeyLine();
    } catch (LoginFailed refused) {
      // Refusing the path outright is a safe answer too.
      assertThat(refused.getMessage()).contains(shared.toString());
      return;
    }
    // Mallory, who can write /srv/shared, repoints the link after the checks (Login.run calls
    // ensureKey, then publicKeyLine for the request, then writeCertificate).
    Files.delete(link);
    Files.createSymbolicLink(link, mallory);
    String sent;
    try {
      sent = files.publicKeyLine();
    } catch (IOException refused) {
      return; // login noticed and stopped: safe
    }
    assertThat(sent).as("the key sent to be signed as alice").isEqualTo(checkedKey).isNotEqualTo(malloryKey);
  }

  /**
   * {@code --home /tmp/link/.gatehouse} where {@code /tmp/link} is another user's symbolic link:
   * a root-owned sticky directory protects only what is not the attacker's, and the link is
   * theirs to replace at any time. (Linux's fs.protected_symlinks would stop the kernel from
   * following it; with it off, as on this machine, only login's own check stands.)
   */
  @Test
  void aLoginDirectoryReachedThroughAnotherUsersLinkInAStickyDirectoryIsRefused() throws Exception {
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxrwxrwx"));
    sh("chmod", "1777", tmp.toString());
    Path alice = privateDir("alice");
    Path link = tmp.resolve("link");
    Files.createSymbolicLink(link, alice);
    sh("chown", "-h", OTHER_UID + ":" + OTHER_UID, link.toString());
    LoginFiles files = new LoginFiles(link.resolve(".gatehouse"));

    assertThatThrownBy(() -> files.requireSafe(null)).isInstanceOf(LoginFailed.class)
        .hasMessageContaining(link.toString());
  }

  // ---- login --status ------------------------------------------------------------------------

  /**
   * {@code gatehouse login --status} reads the certificate from the login directory too: in a
   * directory everybody can write, what it reports is whatever another user put there.
   */
  @Test
  void statusRefusesALoginDirectoryOthersCanWrite() throws Exception {
    Path home = Files.createDirectories(dir.resolve("open"));
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path ca = privateDir("ca");
    sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", ca.resolve("ca").toString());
    sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", home.resolve("id_ed25519").toString());
    sh("ssh-keygen", "-q", "-s", ca.resolve("ca").toString(), "-I", "planted@example.com", "-n", "planted@example.com",
        "-V", "+1h", home.resolve("id_ed25519.pub").toString());
    assertThat(Files.exists(home.resolve("id_ed25519-cert.pub"))).isTrue();
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    assertThatThrownBy(() -> Login.status(home, new PrintStream(out, true, StandardCharsets.UTF_8), Clock.systemUTC()))
        .isInstanceOf(LoginFailed.class).hasMessageContaining(home.toString());
    assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("planted@example.com");
  }

  // ---- what held -----------------------------------------------------------------------------

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS) // a guard: a FIFO opened for reading would block for ever
  void aFifoWhereTheCertificateGoesIsRefusedWithoutBeingOpened() throws Exception {
    Path home = privateDir("home");
    sh("mkfifo", "-m", "600", home.resolve("id_ed25519-cert.pub").toString());
    LoginFiles files = new LoginFiles(home);
    assertThatThrownBy(() -> files.requireSafe(null)).isInstanceOf(LoginFailed.class)
        .hasMessageContaining("not a regular file");
    assertThatThrownBy(() -> Login.status(home, new PrintStream(OutputStream.nullOutputStream()), Clock.systemUTC()))
        .isInstanceOf(LoginFailed.class).hasMessageContaining("not a regular file");
  }

  @Test
  void aHardLinkToAnotherUsersFileAsThePublicKeyIsRefused() throws Exception {
    Path home = privateDir("home");
    Path theirs = privateDir("theirs").resolve("key.pub");
    Files.writeString(theirs, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFake x\n");
    sh("chown", OTHER_UID + ":" + OTHER_UID, theirs.toString());
    Files.createLink(home.resolve("id_ed25519.pub"), theirs);
    LoginFiles files = new LoginFiles(home);
    assertThatThrownBy(() -> files.requireSafe(null)).isInstanceOf(LoginFailed.class)
        .hasMessageContaining("owned by uid " + OTHER_UID);
  }

  @Test
  void aDanglingLinkWhereTheCertificateGoesIsRefused() throws Exception {
    Path home = privateDir("home");
    Files.createSymbolicLink(home.resolve("id_ed25519-cert.pub"), dir.resolve("nowhere/yet"));
    LoginFiles files = new LoginFiles(home);
    assertThatThrownBy(() -> files.requireSafe(null)).isInstanceOf(LoginFailed.class)
        .hasMessageContaining("symbolic link");
    assertThat(Files.exists(dir.resolve("nowhere"))).isFalse();
  }

  @Test
  void tmpItselfAsTheLoginDirectoryIsRefused() throws Exception {
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    sh("chmod", "1777", tmp.toString());
    assertThatThrownBy(() -> new LoginFiles(tmp).requireSafe(null)).isInstanceOf(LoginFailed.class)
        .hasMessageContaining("writable by");
  }

  @Test
  void aLoginDirectoryMadeUnderAMissingPathNeverLandsInADirectoryAnotherUserMadeFirst() throws Exception {
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    sh("chmod", "1777", tmp.toString());
    // The other user made /tmp/x before the victim ran login --home /tmp/x/y/.gatehouse.
    Path x = Files.createDirectories(tmp.resolve("x"));
    sh("chown", OTHER_UID + ":" + OTHER_UID, x.toString());
    LoginFiles files = new LoginFiles(x.resolve("y/.gatehouse"));
    assertThatThrownBy(() -> files.requireSafe(null)).isInstanceOf(LoginFailed.class)
        .hasMessageContaining("owned by uid " + OTHER_UID);
  }

  @Test
  void theCertificateIsWrittenPrivateAndOnlyForTheLoginsOwnKey() throws Exception {
    Path home = privateDir("home");
    LoginFiles files = new LoginFiles(home);
    files.ensureKey();
    Path ca = privateDir("ca");
    sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", ca.resolve("ca").toString());
    Path signDir = privateDir("sign");
    Files.copy(files.publicKey(), signDir.resolve("k.pub"));
    sh("ssh-keygen", "-q", "-s", ca.resolve("ca").toString(), "-I", "alice@example.com", "-n", "alice@example.com",
        "-V", "+1h", signDir.resolve("k.pub").toString());
    String cert = Files.readString(signDir.resolve("k-cert.pub"));

    // Another identity than the gateway's answer names: refused, nothing written.
    assertThatThrownBy(() -> files.writeCertificate(cert, "bob@example.com")).isInstanceOf(LoginFailed.class);
    assertThat(Files.exists(files.certificate(), LinkOption.NOFOLLOW_LINKS)).isFalse();

    files.writeCertificate(cert, "alice@example.com");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(files.certificate(),
        LinkOption.NOFOLLOW_LINKS))).isEqualTo("rw-------");
  }

  // ---- a hostile provider or gateway must not hang the CLI ------------------------------------

  /**
   * Answers every connection with headers at once, then one body byte a second, for ever: the
   * JDK client's request timeout ends when the headers arrive.
   */
  private static ServerSocket trickler() throws IOException {
    ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(() -> {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          Thread w = new Thread(() -> {
            try (s) {
              s.getInputStream().read(new byte[8192]);
              OutputStream o = s.getOutputStream();
              o.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{")
                  .getBytes(StandardCharsets.US_ASCII));
              o.flush();
              for (int i = 0; i < 100_000 && !server.isClosed(); i++) {
                Thread.sleep(1000);
                o.write(' ');
                o.flush();
              }
            } catch (IOException | InterruptedException gone) {
              // the client hung up
            }
          }, "trickler-conn");
          w.setDaemon(true);
          w.start();
        } catch (IOException closed) {
          return;
        }
      }
    }, "trickler");
    t.setDaemon(true);
    t.start();
    return server;
  }

  /**
   * {@code gatehouse login}'s discovery request against a provider that trickles its answer: the
   * login must fail (its own limit is 15 s; 60 s is a generous bound on a loaded machine), not
   * wait for ever.
   */
  @Test
  void discoveryAtAProviderThatTricklesItsAnswerFailsInsteadOfHanging() throws Exception {
    try (ServerSocket idp = trickler()) {
      URI issuer = URI.create("http://127.0.0.1:" + idp.getLocalPort() + "/realms/corp");
      assertTimeoutPreemptively(Duration.ofSeconds(60), () ->
          assertThatThrownBy(() -> ProviderDiscovery.discover(issuer, "gatehouse")).isInstanceOf(LoginFailed.class));
    }
  }

  /** The same for the gateway's {@code GET /v1/config}, the first thing login asks. */
  @Test
  void aGatewayThatTricklesItsConfigFailsTheLoginInsteadOfHangingIt() throws Exception {
    try (ServerSocket gw = trickler()) {
      GatewayClient client = new GatewayClient(URI.create("http://127.0.0.1:" + gw.getLocalPort()));
      assertTimeoutPreemptively(Duration.ofSeconds(60), () ->
          assertThatThrownBy(client::config).isInstanceOf(LoginFailed.class));
    }
  }
}
