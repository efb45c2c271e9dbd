package dev.gatehouse.keys.login;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The files login keeps under its home ({@code ~/.gatehouse}): the ed25519 key pair, the
 * certificate beside it, known_hosts and the ssh_config snippet; and the {@code Include} line in
 * the user's own {@code ~/.ssh/config}.
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

  /** The key pair, made with ssh-keygen when missing; true when it was made now. */
  boolean ensureKey() throws LoginFailed {
    try {
      if (!Files.isDirectory(home)) {
        Files.createDirectories(home);
        Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwx------"));
      }
      boolean made = false;
      if (!Files.exists(privateKey())) {
        Files.deleteIfExists(publicKey());
        Files.deleteIfExists(certificate());
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "gatehouse", "-f", privateKey().toString());
        made = true;
      } else if (!Files.exists(publicKey())) {
        String pub = run("ssh-keygen", "-y", "-f", privateKey().toString());
        Files.writeString(publicKey(), pub.trim() + " gatehouse\n", StandardCharsets.UTF_8);
      }
      Files.setPosixFilePermissions(privateKey(), PosixFilePermissions.fromString("rw-------"));
      if (!publicKeyLine().startsWith("ssh-ed25519 ")) {
        throw new LoginFailed(publicKey() + " is not an ed25519 key; move it away and log in again");
      }
      return made;
    } catch (IOException e) {
      throw e instanceof LoginFailed lf ? lf : new LoginFailed("cannot make the key in " + home + ": " + e.getMessage(), e);
    }
  }

  String publicKeyLine() throws IOException {
    return Files.readString(publicKey(), StandardCharsets.UTF_8).trim();
  }

  void writeCertificate(String certificate, String identity) throws IOException {
    writeAtomically(certificate(), certificate.trim() + " " + identity + "\n", "rw-r--r--");
  }

  void writeKnownHosts(String line) throws IOException {
    writeAtomically(knownHosts(), line.trim() + "\n", "rw-r--r--");
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
    writeAtomically(sshConfig(), text, "rw-r--r--");
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
    if (Files.exists(userConfig)) {
      lines.addAll(Files.readAllLines(userConfig, StandardCharsets.UTF_8));
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
    String perms = Files.exists(userConfig) ? permissions(userConfig) : "rw-------";
    writeAtomically(userConfig, String.join("\n", lines) + "\n", perms);
    return true;
  }

  private static String permissions(Path file) throws IOException {
    Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
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
