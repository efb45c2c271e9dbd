package dev.gatehouse.keys.login;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.config.keys.loader.openssh.OpenSSHKeyPairResourceParser;
import org.apache.sshd.common.keyprovider.KeyPairProvider;

/**
 * The files login keeps under its home ({@code ~/.gatehouse}): the ed25519 key pair, the
 * certificate beside it, known_hosts and the ssh_config snippet; and the {@code Include} line in
 * the user's own {@code ~/.ssh/config}.
 *
 * <p>Trusts nothing another user could have put there: every path is walked as given and checked
 * first ({@link #requireSafe}, {@link OwnedPaths}); every read and write then goes through the
 * opened directory that was checked ({@link LoginDirectory}): files are read without following
 * links, only after they were checked, and written by creating a new file and renaming it over the
 * old name (which replaces a link, never writes through it). The private key is read once; the
 * public key sent to be signed is derived from what was read, and the certificate the gateway
 * returns must certify that key. Everything but the public key is 0600.
 */
public final class LoginFiles {
  public static final String KEY = "id_ed25519";

  private final Path home;
  /** The public half of the private key, from the one read of it (see {@link #ensureKey}). */
  private PublicKey key;

  public LoginFiles(Path home) {
    this.home = home.toAbsolutePath().normalize();
  }

  public Path home() {
    return home;
  }

  public Path privateKey() {
    return home.resolve(KEY);
  }

  public Path publicKey() {
    return home.resolve(KEY + ".pub");
  }

  public Path certificate() {
    return home.resolve(KEY + "-cert.pub");
  }

  public Path knownHosts() {
    return home.resolve("known_hosts");
  }

  public Path sshConfig() {
    return home.resolve("ssh_config");
  }

  /**
   * Refuses, before anything is fetched or written, a login directory (or {@code ~/.ssh} when
   * {@code userSshConfig} is not null) that another user could change, or a file in it that is not
   * the user's alone: see {@link OwnedPaths}. Makes the login directory (0700), and directories
   * missing above it (0700), when they are missing — each only after the one above it passed.
   */
  void requireSafe(Path userSshConfig) throws LoginFailed {
    int uid = OwnedPaths.myUid();
    makeMissing(home, uid);
    try (LoginDirectory dir = LoginDirectory.open(home, "the login directory", uid)) {
      OwnedPaths.requireOwnFileIfPresent(dir.real().resolve(KEY), privateKey(), "the private key", uid, true);
      for (String f : List.of(KEY + ".pub", KEY + "-cert.pub", "known_hosts", "ssh_config")) {
        OwnedPaths.requireOwnFileIfPresent(dir.real().resolve(f), home.resolve(f), "the file", uid, false);
      }
    }
    if (userSshConfig != null) {
      Path config = userSshConfig.toAbsolutePath().normalize();
      Path sshDir = config.getParent();
      OwnedPaths.Walk w = OwnedPaths.walk(sshDir, uid);
      if (w.complete()) {
        try (LoginDirectory dir = LoginDirectory.open(sshDir, "the ssh directory", uid)) {
          OwnedPaths.requireOwnFileIfPresent(dir.real().resolve(config.getFileName().toString()), config,
              "your ssh config", uid, false);
        }
      }
      // else: the walk checked everything above the missing part; includeIn makes it (0700).
    }
  }

  /**
   * Makes {@code dir} and what is missing above it, 0700, each only below a directory that passed
   * the walk. {@code dir} itself is judged by {@link LoginDirectory#open} afterwards, as the login
   * directory, not as a directory on the way.
   */
  private static void makeMissing(Path dir, int uid) throws LoginFailed {
    Path abs = dir.toAbsolutePath().normalize();
    if (abs.getParent() == null) {
      return;
    }
    for (int round = 0; round <= abs.getNameCount() + OwnedPaths.MAX_LINKS; round++) {
      OwnedPaths.Walk w = OwnedPaths.walk(abs.getParent(), uid);
      Path next = w.complete()
          ? w.reached().resolve(abs.getFileName().toString())
          : w.reached().resolve(w.missing().get(0));
      if (w.complete() && OwnedPaths.statIfExists(next) != null) {
        return;
      }
      try {
        // Exclusive: if someone made it first, this fails and the next walk judges theirs.
        Files.createDirectory(next, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } catch (java.nio.file.FileAlreadyExistsException raced) {
        // walk again
      } catch (IOException e) {
        throw new LoginFailed("cannot make " + next + ": " + e.getMessage(), e);
      }
    }
    throw new LoginFailed("cannot make " + dir + ": it keeps changing");
  }

  private LoginDirectory open() throws LoginFailed {
    return LoginDirectory.open(home, "the login directory", OwnedPaths.myUid());
  }

  /**
   * The key pair, made with ssh-keygen when missing; true when it was made now. The private key is
   * read once, here, and the public key login sends is derived from what was read ({@link
   * #publicKeyLine}); a {@code .pub} beside it that says otherwise is rewritten.
   */
  boolean ensureKey() throws LoginFailed {
    requireSafe(null);
    try (LoginDirectory dir = open()) {
      boolean made = false;
      if (!dir.exists(KEY)) {
        // The directory is the user's alone (requireSafe), so nothing can appear here meanwhile.
        dir.delete(KEY + ".pub");
        dir.delete(KEY + "-cert.pub");
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "gatehouse", "-f", dir.real().resolve(KEY).toString());
        made = true;
        dir.chmod(KEY, "rw-------");
      }
      PublicKey derived = readKey(dir);
      if (!KeyPairProvider.SSH_ED25519.equals(KeyUtils.getKeyType(derived))) {
        throw new LoginFailed(privateKey() + " is not an ed25519 key; move it away and log in again");
      }
      String line = PublicKeyEntry.toString(derived);
      byte[] pub = dir.read(KEY + ".pub", "the file", false, 64 * 1024);
      boolean pubMatches = false;
      if (pub != null) {
        String[] f = new String(pub, StandardCharsets.UTF_8).trim().split("\\s+");
        pubMatches = f.length >= 2 && line.equals(f[0] + " " + f[1]);
      }
      if (!pubMatches) {
        dir.write(KEY + ".pub", line + " gatehouse\n", "rw-r--r--");
      }
      return made;
    } catch (IOException e) {
      throw e instanceof LoginFailed lf ? lf : new LoginFailed("cannot make the key in " + home + ": " + e.getMessage(), e);
    }
  }

  /** The public half of the private key, as read (once) from the checked directory. */
  private synchronized PublicKey readKey(LoginDirectory dir) throws IOException {
    if (key != null) {
      return key;
    }
    byte[] text = dir.read(KEY, "the private key", true, 64 * 1024);
    if (text == null) {
      throw new LoginFailed("no private key at " + privateKey() + "; run gatehouse login again");
    }
    Collection<KeyPair> pairs;
    try {
      pairs = OpenSSHKeyPairResourceParser.INSTANCE.loadKeyPairs(null, NamedResource.ofName(privateKey().toString()),
          null, new String(text, StandardCharsets.US_ASCII));
    } catch (java.security.GeneralSecurityException | RuntimeException e) {
      throw new LoginFailed(privateKey() + " is not an unencrypted OpenSSH private key: " + e.getMessage(), e);
    }
    if (pairs == null || pairs.size() != 1) {
      throw new LoginFailed(privateKey() + " holds " + (pairs == null ? 0 : pairs.size()) + " keys; expected one");
    }
    key = pairs.iterator().next().getPublic();
    return key;
  }

  /** The public half of the private key login read (once); read now if it was not yet. */
  PublicKey derivedPublicKey() throws IOException {
    synchronized (this) {
      if (key != null) {
        return key;
      }
    }
    try (LoginDirectory dir = open()) {
      return readKey(dir);
    }
  }

  /** What is sent to be signed: "ssh-ed25519 AAAA…", derived from the private key, never read from .pub. */
  String publicKeyLine() throws IOException {
    return PublicKeyEntry.toString(derivedPublicKey());
  }

  /**
   * Writes the certificate (0600) after checking that it certifies this login's own key under the
   * identity the gateway named.
   */
  void writeCertificate(String certificate, String identity) throws IOException {
    PublicKey certified;
    try {
      certified = AuthorizedKeyEntry.parseAuthorizedKeyEntry(certificate.trim())
          .resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
    } catch (java.security.GeneralSecurityException | RuntimeException e) {
      throw new LoginFailed("the gateway's certificate cannot be read: " + e.getMessage(), e);
    }
    if (!(certified instanceof OpenSshCertificate cert)
        || !KeyUtils.compareKeys(cert.getCertPubKey(), derivedPublicKey())) {
      throw new LoginFailed("the gateway answered with a certificate for another key than " + privateKey());
    }
    if (!identity.equals(cert.getId()) || identity.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new LoginFailed("the gateway's certificate names another identity than its answer");
    }
    try (LoginDirectory dir = open()) {
      dir.write(KEY + "-cert.pub", certificate.trim() + " " + identity + "\n", "rw-------");
    }
  }

  /** The stored certificate, read from the checked directory (refused when missing or not the user's alone). */
  CertificateStatus readCertificate() throws LoginFailed {
    OwnedPaths.Walk above = home.getParent() == null ? null : OwnedPaths.walk(home.getParent(), OwnedPaths.myUid());
    if (above != null && !above.complete()
        || above != null && OwnedPaths.statIfExists(above.reached().resolve(home.getFileName().toString())) == null) {
      throw new LoginFailed("no certificate at " + certificate() + "; run gatehouse login --gateway URL");
    }
    try (LoginDirectory dir = open()) {
      byte[] bytes = dir.read(KEY + "-cert.pub", "the certificate", false, 64 * 1024);
      if (bytes == null) {
        throw new LoginFailed("no certificate at " + certificate() + "; run gatehouse login --gateway URL");
      }
      return CertificateStatus.parse(new String(bytes, StandardCharsets.UTF_8), certificate());
    } catch (IOException e) {
      throw e instanceof LoginFailed lf ? lf : new LoginFailed("cannot read " + certificate() + ": " + e.getMessage(), e);
    }
  }

  void writeKnownHosts(String line) throws IOException {
    try (LoginDirectory dir = open()) {
      dir.write("known_hosts", line.trim() + "\n", "rw-------");
    }
  }

  void writeSshConfig(String alias, String sshHost, int sshPort) throws IOException {
    String text = "# Written by gatehouse login; rewritten at every login.\n"
        + "Host " + alias + "\n"
        + "  HostName " + sshHost + "\n"
        + "  Port " + sshPort + "\n"
        + "  IdentityFile " + quote(privateKey()) + "\n"
        + "  CertificateFile " + quote(certificate()) + "\n"
        + "  UserKnownHostsFile " + quote(knownHosts()) + "\n"
        + "  IdentitiesOnly yes\n";
    try (LoginDirectory dir = open()) {
      dir.write("ssh_config", text, "rw-------");
    }
  }

  /** The line that pulls the snippet into an ssh_config. */
  String includeLine() {
    return "Include " + quote(sshConfig());
  }

  /**
   * Puts {@link #includeLine()} first in {@code userConfig} (made 0600, its directory 0700, when
   * absent). True when the file changed; false when it already included the snippet.
   */
  boolean includeIn(Path userConfig) throws IOException {
    int uid = OwnedPaths.myUid();
    Path config = userConfig.toAbsolutePath().normalize();
    String name = config.getFileName().toString();
    makeMissing(config.getParent(), uid);
    String include = includeLine();
    try (LoginDirectory dir = LoginDirectory.open(config.getParent(), "the ssh directory", uid)) {
      OwnedPaths.Stat existing =
          OwnedPaths.requireOwnFileIfPresent(dir.real().resolve(name), config, "your ssh config", uid, false);
      List<String> lines = new ArrayList<>();
      byte[] old = dir.read(name, "your ssh config", false, 1 << 20);
      if (old != null) {
        lines.addAll(new String(old, StandardCharsets.UTF_8).lines().toList());
        for (String l : lines) {
          if (l.trim().replaceAll("\\s+", " ").equalsIgnoreCase(include)) {
            return false;
          }
        }
      }
      // First: ssh_config takes the first value it finds, and an Include after a Host block would
      // belong to that block.
      lines.add(0, include);
      String perms = existing == null ? "rw-------" : PosixFilePermissions.toString(modeBits(existing.mode()));
      dir.write(name, String.join("\n", lines) + "\n", perms);
      return true;
    }
  }

  private static Set<PosixFilePermission> modeBits(int mode) {
    Set<PosixFilePermission> p = java.util.EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] order = {
      PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
      PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ,
    };
    for (int i = 0; i < order.length; i++) {
      if ((mode & (1 << i)) != 0) {
        p.add(order[i]);
      }
    }
    return p;
  }

  static String quote(Path p) {
    String s = p.toString();
    return s.matches(".*\\s.*") ? "\"" + s + "\"" : s;
  }

  /** Runs an OpenSSH tool with no terminal; its stdout, or a LoginFailed with its output. */
  static String run(String... argv) throws LoginFailed {
    Process p;
    try {
      p = new ProcessBuilder(argv)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .redirectErrorStream(true)
          .start();
    } catch (IOException e) {
      throw new LoginFailed("cannot run " + argv[0] + " (is OpenSSH installed?): " + e.getMessage(), e);
    }
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new LoginFailed(argv[0] + " did not finish in 30 s");
      }
      if (p.exitValue() != 0) {
        throw new LoginFailed(argv[0] + " failed (exit " + p.exitValue() + "): " + out.trim());
      }
      return out;
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new LoginFailed("interrupted while running " + argv[0]);
    } catch (IOException e) {
      throw new LoginFailed("cannot read the output of " + argv[0] + ": " + e.getMessage(), e);
    }
  }
}
