package dev.gatehouse.keys;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.config.keys.loader.openssh.OpenSSHKeyPairResourceParser;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;

/** OpenSSH key files on disk: private keys, one-line public keys and certificates. */
final class OpenSshKeyFiles {
  static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rw-------");
  static final Set<PosixFilePermission> PUBLIC = PosixFilePermissions.fromString("rw-r--r--");
  static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");

  private OpenSshKeyFiles() {}

  static KeyPair generateEd25519() throws IOException {
    try {
      return KeyUtils.generateKeyPair("ssh-ed25519", 256);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot generate an ed25519 key (is BouncyCastle on the class path?): " + e.getMessage(), e);
    }
  }

  static String privateKeyText(KeyPair keyPair, String comment) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(keyPair, comment, null, out);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot encode private key: " + e.getMessage(), e);
    }
    return out.toString(StandardCharsets.US_ASCII);
  }

  /** "type base64 comment" */
  static String publicKeyLine(PublicKey key, String comment) {
    String line = PublicKeyEntry.toString(key);
    return comment == null || comment.isEmpty() ? line : line + " " + comment;
  }

  static PublicKey parsePublicKeyLine(String line) throws IOException {
    try {
      PublicKeyEntry entry = PublicKeyEntry.parsePublicKeyEntry(line.strip());
      if (entry == null) {
        throw new IOException("not an OpenSSH public key line");
      }
      PublicKey key = entry.resolvePublicKey(null, Collections.emptyMap(), PublicKeyEntryResolver.FAILING);
      if (key == null) {
        throw new IOException("unsupported key type " + entry.getKeyType());
      }
      return key;
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  static KeyPair readKeyPair(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException("missing private key file " + file);
    }
    try {
      Collection<KeyPair> pairs = OpenSSHKeyPairResourceParser.INSTANCE.loadKeyPairs(null, file, null);
      if (pairs == null || pairs.size() != 1) {
        throw new IOException("expected exactly one key in " + file + ", found " + (pairs == null ? 0 : pairs.size()));
      }
      return pairs.iterator().next();
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IOException("cannot read OpenSSH private key file " + file + ": " + e.getMessage(), e);
    }
  }

  /** The first key line of a .pub (or -cert.pub) file. */
  static PublicKey readPublicKey(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException("missing public key file " + file);
    }
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      try {
        return parsePublicKeyLine(trimmed);
      } catch (IOException e) {
        throw new IOException("bad public key in " + file + ": " + e.getMessage(), e);
      }
    }
    throw new IOException("no public key in " + file);
  }

  /**
   * Writes a new file and never replaces an existing one: the content goes to a temporary file
   * created with {@code permissions} (so a private key is never readable by others, not even
   * empty) and is then hard-linked into place, which fails atomically if the name exists.
   *
   * @return false if the file already existed (another process won the race)
   */
  static boolean createFile(Path file, String content, Set<PosixFilePermission> permissions) throws IOException {
    Path temp = writeTemp(file, content, permissions);
    try {
      try {
        Files.createLink(file, temp);
      } catch (UnsupportedOperationException e) {
        // No hard links here: a plain rename without REPLACE_EXISTING checks for an existing file.
        Files.move(temp, file);
      }
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** Writes or atomically replaces a file (for certificates, which are reissued). */
  static void replaceFile(Path file, String content, Set<PosixFilePermission> permissions) throws IOException {
    Path temp = writeTemp(file, content, permissions);
    try {
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static Path writeTemp(Path file, String content, Set<PosixFilePermission> permissions) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Path temp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp", attributes(dir, permissions));
    try {
      Files.writeString(temp, content, StandardCharsets.UTF_8);
      if (!posix(dir)) {
        temp.toFile().setReadable(false, false);
        temp.toFile().setReadable(true, true);
      }
    } catch (IOException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
    return temp;
  }

  static FileAttribute<?>[] attributes(Path dir, Set<PosixFilePermission> permissions) {
    return posix(dir) ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)} : new FileAttribute<?>[0];
  }

  static boolean posix(Path path) {
    return path.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  static List<String> lines(Path file) throws IOException {
    return Files.readAllLines(file, StandardCharsets.UTF_8);
  }
}
