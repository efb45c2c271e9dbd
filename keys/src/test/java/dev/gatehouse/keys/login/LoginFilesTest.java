package dev.gatehouse.keys.login;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gatehouse login}'s files with real directories, modes, owners and links, and keys made by
 * the real ssh-keygen: another user who can write where login keeps its key must not get a
 * certificate on their own key, nor redirect a read or a write.
 */
class LoginFilesTest {
  @TempDir Path dir;

  private static String sh(String... argv) throws Exception {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("%s: %s", String.join(" ", argv), out).isZero();
    return out;
  }

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
  }

  private Path attackerKey() throws Exception {
    Path other = Files.createDirectories(dir.resolve("mallory"));
    sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "mallory", "-f", other.resolve("id_ed25519").toString());
    return other.resolve("id_ed25519");
  }

  @Test
  void aSwappedPublicKeyIsNeverWhatIsSentTheKeySentIsTheOneThePrivateKeyHolds() throws Exception {
    LoginFiles files = new LoginFiles(dir.resolve("home/.gatehouse"));
    Files.createDirectories(dir.resolve("home"), PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString("rwx------")));
    assertThat(files.ensureKey()).isTrue();
    String[] derived = sh("ssh-keygen", "-y", "-f", files.privateKey().toString()).trim().split(" ");
    String mine = derived[0] + " " + derived[1];

    // Someone replaced id_ed25519.pub with their own key.
    Path mallory = attackerKey();
    Files.copy(Path.of(mallory + ".pub"), files.publicKey(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    assertThat(files.ensureKey()).isFalse();
    assertThat(files.publicKeyLine()).isEqualTo(mine);
    // ... and the .pub beside the key says so again.
    assertThat(Files.readString(files.publicKey()).trim()).isEqualTo(mine + " gatehouse");
    assertThat(mode(files.privateKey())).isEqualTo("rw-------");
    assertThat(mode(files.home())).isEqualTo("rwx------");
  }

  @Test
  void aGroupWritableLoginDirectoryIsRefusedNamingThePathAndTheFix() throws Exception {
    Path home = Files.createDirectories(dir.resolve("shared"));
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxrwx---"));
    LoginFiles files = new LoginFiles(home);
    assertThatThrownBy(() -> files.requireSafe(null)).isInstanceOf(LoginFailed.class)
        .hasMessageContaining(home.toString())
        .hasMessageContaining("writable by its group (mode 770)")
        .hasMessageContaining("Fix: chmod go-w " + home);
    assertThat(Files.exists(files.privateKey())).isFalse();
  }

  @Test
  void aGroupWritableHomeAboveTheLoginDirectoryIsRefused() throws Exception {
    Path home = Files.createDirectories(dir.resolve("alice"));
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxrwxr-x"));
    LoginFiles files = new LoginFiles(home.resolve(".gatehouse"));
    assertThatThrownBy(() -> files.requireSafe(null)).isInstanceOf(LoginFailed.class)
        .hasMessageContaining(home + " (above the login directory) is writable by its group")
        .hasMessageContaining("Fix: chmod go-w " + home);
    assertThat(Files.exists(home.resolve(".gatehouse"))).isFalse();
  }

  @Test
  void aLoginDirectoryOwnedBySomeoneElseIsRefused() throws Exception {
    Path home = Files.createDirectories(dir.resolve("theirs"));
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
    Files.setAttribute(home, "unix:uid", 65534); // nobody
    int me = OwnedPaths.myUid();
    LoginFiles files = new LoginFiles(home);
    assertThatThrownBy(() -> files.requireSafe(null)).isInstanceOf(LoginFailed.class)
        .hasMessageContaining(home + " is owned by uid 65534, not by you (uid " + me + ")")
        .hasMessageContaining("--home");
  }

  @Test
  void aSymlinkedPrivateKeyIsRefusedAndNotRead() throws Exception {
    Path home = Files.createDirectories(dir.resolve("home"));
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
    Path mallory = attackerKey();
    Files.createSymbolicLink(home.resolve("id_ed25519"), mallory);
    LoginFiles files = new LoginFiles(home);
    assertThatThrownBy(files::ensureKey).isInstanceOf(LoginFailed.class)
        .hasMessageContaining(home.resolve("id_ed25519") + " is a symbolic link")
        .hasMessageContaining("rm " + home.resolve("id_ed25519"));
  }

  @Test
  void aSymlinkedLoginDirectoryIsRefused() throws Exception {
    Path real = Files.createDirectories(dir.resolve("real"));
    Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rwx------"));
    Path link = Files.createSymbolicLink(dir.resolve(".gatehouse"), real);
    assertThatThrownBy(() -> new LoginFiles(link).requireSafe(null)).isInstanceOf(LoginFailed.class)
        .hasMessageContaining(link + " is a symbolic link");
  }

  @Test
  void aLinkWhereACertificateWillBeWrittenIsReplacedNotWrittenThrough() throws Exception {
    LoginFiles files = new LoginFiles(dir.resolve("home"));
    files.ensureKey();
    // A CA of the test's own signs this login's key, as the gateway would.
    Path ca = dir.resolve("ca");
    sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", ca.toString());
    sh("ssh-keygen", "-q", "-s", ca.toString(), "-I", "alice@example.com", "-n", "alice@example.com",
        files.publicKey().toString());
    String cert = Files.readString(files.certificate());
    Files.delete(files.certificate());
    Path victim = Files.writeString(dir.resolve("victim.txt"), "untouched\n");
    Files.createSymbolicLink(files.certificate(), victim);

    // The check before login refuses the link ...
    assertThatThrownBy(() -> files.requireSafe(null)).isInstanceOf(LoginFailed.class)
        .hasMessageContaining(files.certificate() + " is a symbolic link");
    // ... and a write never goes through one: the link is replaced by a private file.
    files.writeCertificate(cert, "alice@example.com");
    assertThat(Files.isSymbolicLink(files.certificate())).isFalse();
    assertThat(Files.readString(victim)).isEqualTo("untouched\n");
    assertThat(mode(files.certificate())).isEqualTo("rw-------");
    assertThat(sh("ssh-keygen", "-L", "-f", files.certificate().toString()))
        .contains(sh("ssh-keygen", "-l", "-f", files.privateKey().toString()).split(" ")[1]);
  }

  @Test
  void aCertificateForAnotherKeyIsRefused() throws Exception {
    LoginFiles files = new LoginFiles(dir.resolve("home"));
    files.ensureKey();
    Path mallory = attackerKey();
    Path ca = dir.resolve("ca");
    sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", ca.toString());
    sh("ssh-keygen", "-q", "-s", ca.toString(), "-I", "alice@example.com", "-n", "alice@example.com", mallory + ".pub");
    String foreign = Files.readString(Path.of(mallory + "-cert.pub"));
    assertThatThrownBy(() -> files.writeCertificate(foreign, "alice@example.com")).isInstanceOf(LoginFailed.class)
        .hasMessageContaining("certificate for another key");
    assertThat(Files.exists(files.certificate(), LinkOption.NOFOLLOW_LINKS)).isFalse();
  }

  @Test
  void aPrivateKeyOthersCanReadIsRefused() throws Exception {
    LoginFiles files = new LoginFiles(dir.resolve("home"));
    files.ensureKey();
    Files.setPosixFilePermissions(files.privateKey(), PosixFilePermissions.fromString("rw-r-----"));
    assertThatThrownBy(files::ensureKey).isInstanceOf(LoginFailed.class)
        .hasMessageContaining(files.privateKey() + " is open to its group (mode 640)");
  }

  @Test
  void everythingLoginWritesIsPrivateExceptThePublicKey() throws Exception {
    LoginFiles files = new LoginFiles(dir.resolve("home"));
    files.ensureKey();
    files.writeKnownHosts("@cert-authority [127.0.0.1]:2222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIK1");
    files.writeSshConfig("gatehouse", "127.0.0.1", 2222);
    assertThat(mode(files.knownHosts())).isEqualTo("rw-------");
    assertThat(mode(files.sshConfig())).isEqualTo("rw-------");
    assertThat(mode(files.privateKey())).isEqualTo("rw-------");
  }

  @Test
  void aSymlinkedSshConfigIsRefusedBeforeLogin() throws Exception {
    Path home = Files.createDirectories(dir.resolve("user"));
    Path ssh = Files.createDirectories(home.resolve(".ssh"));
    Files.setPosixFilePermissions(ssh, PosixFilePermissions.fromString("rwx------"));
    Path elsewhere = Files.writeString(dir.resolve("dotfiles-config"), "Host *\n");
    Files.createSymbolicLink(ssh.resolve("config"), elsewhere);
    LoginFiles files = new LoginFiles(home.resolve(".gatehouse"));
    assertThatThrownBy(() -> files.requireSafe(ssh.resolve("config"))).isInstanceOf(LoginFailed.class)
        .hasMessageContaining(ssh.resolve("config") + " is a symbolic link");
    assertThat(Files.readAllLines(elsewhere)).isEqualTo(List.of("Host *"));
  }

  // ---- the path as given: links on the way ----------------------------------------------------

  /** Like /home -> /usr/home: a link of root's or the user's in a directory nobody else can write is followed. */
  @Test
  void aLinkOnTheWayInADirectoryOnlyTheUserCanWriteIsFollowed() throws Exception {
    Path closed = Files.createDirectories(dir.resolve("closed"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Path real = Files.createDirectories(dir.resolve("usr-home"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Files.createSymbolicLink(closed.resolve("home"), real);
    LoginFiles files = new LoginFiles(closed.resolve("home/.gatehouse"));

    assertThat(files.ensureKey()).isTrue();

    assertThat(Files.isRegularFile(real.resolve(".gatehouse/id_ed25519"), LinkOption.NOFOLLOW_LINKS)).isTrue();
    assertThat(mode(real.resolve(".gatehouse"))).isEqualTo("rwx------");
    assertThat(files.publicKeyLine()).isEqualTo(publicLine(real.resolve(".gatehouse/id_ed25519")));
  }

  /** Even the user's own link is refused in a directory others can write, sticky or not: only closed ones. */
  @Test
  void theUsersOwnLinkInAStickyDirectoryIsRefusedNamingTheDirectory() throws Exception {
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    sh("chmod", "1777", tmp.toString());
    Path real = Files.createDirectories(dir.resolve("mine"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Path link = Files.createSymbolicLink(tmp.resolve("link"), real);
    LoginFiles files = new LoginFiles(link.resolve(".gatehouse"));

    assertThatThrownBy(() -> files.requireSafe(null)).isInstanceOf(LoginFailed.class)
        .hasMessageContaining(link + " (above the login directory) is a symbolic link in " + tmp)
        .hasMessageContaining("mode 1777")
        .hasMessageContaining("--home " + real);
    assertThat(Files.exists(real.resolve(".gatehouse"))).isFalse();
  }

  /** A link whose target goes through a directory others can write is judged at its target. */
  @Test
  void theTargetOfALinkOnTheWayIsWalkedToo() throws Exception {
    Path closed = Files.createDirectories(dir.resolve("closed"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Path open = Files.createDirectories(dir.resolve("open"));
    Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
    Path inside = Files.createDirectories(open.resolve("inside"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Files.createSymbolicLink(closed.resolve("home"), Path.of("../open/inside"));
    LoginFiles files = new LoginFiles(closed.resolve("home/.gatehouse"));

    assertThatThrownBy(() -> files.requireSafe(null)).isInstanceOf(LoginFailed.class)
        .hasMessageContaining(open + " (above the login directory) is writable by group and others (mode 777)");
    assertThat(Files.exists(inside.resolve(".gatehouse"))).isFalse();
  }

  @Test
  void aLoopOfLinksIsRefusedNotFollowedForEver() throws Exception {
    Path closed = Files.createDirectories(dir.resolve("closed"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Files.createSymbolicLink(closed.resolve("a"), Path.of("b"));
    Files.createSymbolicLink(closed.resolve("b"), Path.of("a"));
    assertThatThrownBy(() -> new LoginFiles(closed.resolve("a/.gatehouse")).requireSafe(null))
        .isInstanceOf(LoginFailed.class).hasMessageContaining("more than 40 symbolic links");
  }

  /** Missing directories on the way are made private, one at a time below directories that passed. */
  @Test
  void aMissingLoginDirectoryAndItsMissingParentsAreMadePrivateUnderASharedStickyDirectory() throws Exception {
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    sh("chmod", "1777", tmp.toString());
    LoginFiles files = new LoginFiles(tmp.resolve("x/y/.gatehouse"));
    files.requireSafe(null);
    assertThat(mode(tmp.resolve("x"))).isEqualTo("rwx------");
    assertThat(mode(tmp.resolve("x/y"))).isEqualTo("rwx------");
    assertThat(mode(tmp.resolve("x/y/.gatehouse"))).isEqualTo("rwx------");
  }

  // ---- the key is read once ------------------------------------------------------------------

  /**
   * Login reads the private key once and sends, and accepts a certificate for, the key it read:
   * whatever replaces the file afterwards is not what gets signed.
   */
  @Test
  void theKeySentIsTheKeyReadOnceNotWhatisInTheFileLater() throws Exception {
    LoginFiles files = new LoginFiles(dir.resolve("home"));
    files.ensureKey();
    String mine = publicLine(files.privateKey());
    Path mallory = attackerKey();
    Files.copy(mallory, files.privateKey(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    assertThat(files.publicKeyLine()).isEqualTo(mine).isNotEqualTo(publicLine(mallory));
    Path ca = dir.resolve("ca");
    sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", ca.toString());
    sh("ssh-keygen", "-q", "-s", ca.toString(), "-I", "alice@example.com", "-n", "alice@example.com", mallory + ".pub");
    String theirs = Files.readString(Path.of(mallory + "-cert.pub"));
    assertThatThrownBy(() -> files.writeCertificate(theirs, "alice@example.com")).isInstanceOf(LoginFailed.class)
        .hasMessageContaining("certificate for another key");
  }

  // ---- login --status ------------------------------------------------------------------------

  @Test
  void statusNamesTheCaThatSignedTheCertificate() throws Exception {
    LoginFiles files = new LoginFiles(dir.resolve("home"));
    files.ensureKey();
    Path ca = dir.resolve("ca");
    sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", ca.toString());
    sh("ssh-keygen", "-q", "-s", ca.toString(), "-I", "alice@example.com", "-n", "alice@example.com", "-V", "+1h",
        files.publicKey().toString());
    String caFingerprint = sh("ssh-keygen", "-l", "-f", ca + ".pub").split(" ")[1];
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();

    boolean valid = Login.status(files.home(), new java.io.PrintStream(out, true, StandardCharsets.UTF_8),
        java.time.Clock.systemUTC());

    assertThat(valid).isTrue();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("identity: alice@example.com")
        .contains("ca:       " + caFingerprint);
  }

  @Test
  void statusWithoutALoginDirectorySaysToLogIn() {
    assertThatThrownBy(() -> Login.status(dir.resolve("nothing-here"), new java.io.PrintStream(
        java.io.OutputStream.nullOutputStream()), java.time.Clock.systemUTC()))
        .isInstanceOf(LoginFailed.class).hasMessageContaining("no certificate at").hasMessageContaining("gatehouse login");
    assertThat(Files.exists(dir.resolve("nothing-here"))).isFalse();
  }

  private static String publicLine(Path privateKey) throws Exception {
    String[] f = sh("ssh-keygen", "-y", "-f", privateKey.toString()).trim().split(" ");
    return f[0] + " " + f[1];
  }
}
