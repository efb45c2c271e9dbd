package dev.gatehouse.keys.login;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
 * <p>Trusts nothing another user could have put there: the directories are checked first
 * ({@link #requireSafe}, {@link OwnedPaths}), files are read without following links and written by
 * creating a new file and renaming it over the old name (which replaces a link, never writes
 * through it), the public key sent to be signed is derived from the private key, and the
 * certificate the gateway returns must certify that key. Everything but the public key is 0600.
 */
public final class LoginFiles {
  public static final String KEY = "id_ed25519";

  private final Path home;

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
   * {@code userSshConfig} is not null) that another user could change: see {@link OwnedPaths}.
   * Makes the login directory (0700) when it is missing.
   */
  void requireSafe(Path userSshConfig) throws LoginFailed {
    int uid = OwnedPaths.myUid();
    try {
      if (!OwnedPaths.exists(home)) {
        Path parent = home.getParent();
        if (parent != null && !Files.isDirectory(parent)) {
          Files.createDirectories(parent);
        }
        if (parent != null) {
          OwnedPaths.requireSafeAncestors(parent, uid);
        }
        Files.createDirectory(home, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
    } catch (IOException e) {
      throw e instanceof LoginFailed lf ? lf : new LoginFailed("cannot make " + home + ": " + e.getMessage(), e);
    }
    OwnedPaths.requireOwnDirectory(home, "the login directory", uid);
    OwnedPaths.requireOwnFileIfPresent(privateKey(), "the private key", uid, true);
    for (Path f : List.of(publicKey(), certificate(), knownHosts(), sshConfig())) {
      OwnedPaths.requireOwnFileIfPresent(f, "the file", uid, false);
    }
    if (userSshConfig != null) {
      Path dir = userSshConfig.toAbsolutePath().normalize().getParent();
      if (OwnedPaths.exists(dir)) {
        OwnedPaths.requireOwnDirectory(dir, "the ssh directory", uid);
      } else if (dir.getParent() != null && Files.isDirectory(dir.getParent())) {
        OwnedPaths.requireSafeAncestors(dir.getParent(), uid);
      }
      OwnedPaths.requireOwnFileIfPresent(userSshConfig.toAbsolutePath().normalize(), "your ssh config", uid, false);
    }
  }

  /**
   * The key pair, made with ssh-keygen when missing; true when it was made now. The public key is
   * always derived from the private key ({@link #publicKeyLine}); a {@code .pub} beside it that
   * says otherwise is rewritten.
   */
  boolean ensureKey() throws LoginFailed {
    requireSafe(null);
    try {
      boolean made = false;
      if (!OwnedPaths.exists(privateKey())) {
        // The directory is the user's alone (requireSafe), so nothing can appear here meanwhile.
        Files.deleteIfExists(publicKey());
        Files.deleteIfExists(certificate());
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "gatehouse", "-f", privateKey().toString());
        made = true;
        Files.setPosixFilePermissions(privateKey(), PosixFilePermissions.fromString("rw-------"));
      }
      PublicKey derived = derivedPublicKey();
      if (!KeyPairProvider.SSH_ED25519.equals(KeyUtils.getKeyType(derived))) {
        throw new LoginFailed(privateKey() + " is not an ed25519 key; move it away and log in again");
      }
      String line = PublicKeyEntry.toString(derived);
      boolean pubMatches = false;
      if (OwnedPaths.exists(publicKey())) {
        String[] f = new String(OwnedPaths.read(publicKey()), StandardCharsets.UTF_8).trim().split("\\s+");
        pubMatches = f.length >= 2 && line.equals(f[0] + " " + f[1]);
      }
      if (!pubMatches) {
        writeAtomically(publicKey(), line + " gatehouse\n", "rw-r--r--");
      }
      return made;
    } catch (IOException e) {
      throw e instanceof LoginFailed lf ? lf : new LoginFailed("cannot make the key in " + home + ": " + e.getMessage(), e);
    }
  }

  /** The public half of the private key file itself (read without following links). */
  PublicKey derivedPublicKey() throws IOException {
    byte[] text = OwnedPaths.read(privateKey());
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
    return pairs.iterator().next().getPublic();
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
    writeAtomically(certificate(), certificate.trim() + " " + identity + "\n", "rw-------");
  }

  void writeKnownHosts(String line) throws IOException {
    writeAtomically(knownHosts(), line.trim() + "\n", "rw-------");
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
    writeAtomically(sshConfig(), text, "rw-------");
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
    String include = includeLine();
    List<String> lines = new ArrayList<>();
    if (OwnedPaths.exists(userConfig)) {
      lines.addAll(new String(OwnedPaths.read(userConfig), StandardCharsets.UTF_8).lines().toList());
      for (String l : lines) {
        if (l.trim().replaceAll("\\s+", " ").equalsIgnoreCase(include)) {
          return false;
        }
      }
    } else {
      Path dir = userConfig.toAbsolutePath().getParent();
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      }
    }
    // First: ssh_config takes the first value it finds, and an Include after a Host block would
    // belong to that block.
    lines.add(0, include);
    String perms = OwnedPaths.exists(userConfig) ? permissions(userConfig) : "rw-------";
    writeAtomically(userConfig, String.join("\n", lines) + "\n", perms);
    return true;
  }

  private static String permissions(Path file) throws IOException {
    Set<PosixFilePermission> p = Files.getPosixFilePermissions(file, java.nio.file.LinkOption.NOFOLLOW_LINKS);
    return PosixFilePermissions.toString(p);
  }

  static String quote(Path p) {
    String s = p.toString();
    return s.matches(".*\\s.*") ? "\"" + s + "\"" : s;
  }

  private static void writeAtomically(Path file, String text, String perms) throws IOException {
    Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(perms)));
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    try {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
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
