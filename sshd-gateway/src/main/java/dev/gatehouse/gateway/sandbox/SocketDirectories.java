package dev.gatehouse.gateway.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Directories for the psql sessions' proxy sockets: one parent per gateway, which nobody else may
 * list (0711), and in it one directory per session with an unguessable name (0711), so a psql
 * running as the target's runAs user can reach its own socket (its sandbox binds that directory)
 * while a listing of /tmp shows nothing to aim at. The proxy's peer check is what keeps other
 * processes out; the names only keep them from trying.
 */
public final class SocketDirectories {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static Path parent;

  private SocketDirectories() {}

  /** A new directory for one session's socket. */
  public static Path create() throws IOException {
    byte[] name = new byte[16];
    RANDOM.nextBytes(name);
    Path dir = parent().resolve(HexFormat.of().formatHex(name));
    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
    return dir;
  }

  private static synchronized Path parent() throws IOException {
    if (parent == null || !Files.isDirectory(parent)) {
      Path p = Files.createTempDirectory("gatehouse-sockets-");
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx--x--x"));
      parent = p;
    }
    return parent;
  }
}
