package dev.gatehouse.keys.login;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;

/**
 * Whether the places {@code gatehouse login} reads and writes are the user's alone. Another user
 * who can write to the login directory (or to a directory above it) could swap the public key for
 * theirs and get a certificate naming the victim, or point a file at one of their own; so login
 * refuses, naming the path and the fix, as OpenSSH's StrictModes does:
 *
 * <ul>
 *   <li>the directory and every file login uses in it: owned by the user, not writable by group or
 *       others, never a symbolic link (files are opened with {@code NOFOLLOW_LINKS});
 *   <li>every directory above it (resolved): owned by the user or root, not writable by group or
 *       others — except a root-owned sticky directory such as /tmp, where nobody can rename or
 *       delete what is not theirs.
 * </ul>
 */
final class OwnedPaths {
  private static final int GROUP_OR_OTHER_WRITE = 0022;
  private static final int GROUP_OR_OTHER_ANY = 0077;
  private static final int STICKY = 01000;
  private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

  private OwnedPaths() {}

  /** The user's numeric id (on Linux, the owner of /proc/self). */
  static int myUid() throws LoginFailed {
    try {
      return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      throw new LoginFailed("cannot tell which user runs login (no /proc/self): " + e.getMessage(), e);
    }
  }

  /**
   * {@code dir} is a real directory of the user's, not writable by others, below safe directories.
   * {@code what} names it in messages ("the login directory").
   */
  static void requireOwnDirectory(Path dir, String what, int uid) throws LoginFailed {
    Path abs = dir.toAbsolutePath().normalize();
    if (!Files.exists(abs, NOFOLLOW)) {
      throw new LoginFailed(what + " " + abs + " does not exist");
    }
    if (Files.isSymbolicLink(abs)) {
      throw new LoginFailed(what + " " + abs + " is a symbolic link; login never follows links there. Fix: make it a "
          + "directory of your own (or pass --home with one)");
    }
    if (!Files.isDirectory(abs, NOFOLLOW)) {
      throw new LoginFailed(what + " " + abs + " is not a directory");
    }
    requireOwnedAndClosed(abs, what, uid);
    Path parent = abs.getParent();
    if (parent != null) {
      requireSafeAncestors(parent, uid);
    }
  }

  /** Every directory from {@code dir} (resolved) up to /: the user's or root's, not open to others. */
  static void requireSafeAncestors(Path dir, int uid) throws LoginFailed {
    Path real;
    try {
      real = dir.toRealPath();
    } catch (IOException e) {
      throw new LoginFailed("cannot resolve " + dir + ": " + e.getMessage(), e);
    }
    for (Path p = real; p != null; p = p.getParent()) {
      int owner = attribute(p, "uid");
      int mode = attribute(p, "mode");
      if (owner != uid && owner != 0) {
        throw new LoginFailed(p + " (above the login directory) is owned by uid " + owner + ", not by you (uid " + uid
            + ") or root: its owner could replace what login keeps below it. Fix: keep the login directory "
            + "(--home) under a directory of your own");
      }
      boolean openToOthers = (mode & GROUP_OR_OTHER_WRITE) != 0;
      boolean rootSticky = owner == 0 && (mode & STICKY) != 0;
      if (openToOthers && !rootSticky) {
        throw new LoginFailed(p + " (above the login directory) is writable by " + who(mode) + " (mode "
            + Integer.toOctalString(mode & 07777) + "): another user could replace what login keeps below it. "
            + "Fix: chmod go-w " + p);
      }
    }
  }

  /**
   * When {@code file} exists: a regular file (not a link) of the user's, not writable by group or
   * others, and with {@code secret} not readable by them either.
   */
  static void requireOwnFileIfPresent(Path file, String what, int uid, boolean secret) throws LoginFailed {
    if (!Files.exists(file, NOFOLLOW)) {
      return;
    }
    if (Files.isSymbolicLink(file)) {
      throw new LoginFailed(what + " " + file + " is a symbolic link; login never follows links there. Fix: remove the "
          + "link (rm " + file + ") and log in again");
    }
    if (!Files.isRegularFile(file, NOFOLLOW)) {
      throw new LoginFailed(what + " " + file + " is not a regular file");
    }
    requireOwnedAndClosed(file, what, uid);
    int mode = attribute(file, "mode");
    if (secret && (mode & GROUP_OR_OTHER_ANY) != 0) {
      throw new LoginFailed(what + " " + file + " is open to " + whoAny(mode) + " (mode "
          + Integer.toOctalString(mode & 0777) + "): the key may be known to others. Fix: remove it (and its .pub "
          + "and -cert.pub) and log in again for a new key");
    }
  }

  private static void requireOwnedAndClosed(Path p, String what, int uid) throws LoginFailed {
    int owner = attribute(p, "uid");
    int mode = attribute(p, "mode");
    if (owner != uid) {
      throw new LoginFailed(what + " " + p + " is owned by uid " + owner + ", not by you (uid " + uid + "): "
          + "its owner could swap the key or certificate login uses. Fix: use a directory of your own (--home DIR)");
    }
    if ((mode & GROUP_OR_OTHER_WRITE) != 0) {
      throw new LoginFailed(what + " " + p + " is writable by " + who(mode) + " (mode "
          + Integer.toOctalString(mode & 07777) + "): another user could swap the key or certificate login uses. "
          + "Fix: chmod go-w " + p);
    }
  }

  /** Reads a file without following a link in its last component. */
  static byte[] read(Path file) throws IOException {
    try (SeekableByteChannel ch = Files.newByteChannel(file, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS));
        InputStream in = Channels.newInputStream(ch)) {
      return in.readNBytes(1 << 20);
    }
  }

  static boolean exists(Path file) {
    return Files.exists(file, NOFOLLOW);
  }

  private static int attribute(Path p, String name) throws LoginFailed {
    try {
      return (Integer) Files.getAttribute(p, "unix:" + name, NOFOLLOW);
    } catch (NoSuchFileException e) {
      throw new LoginFailed(p + " disappeared while login checked it");
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      throw new LoginFailed("cannot read the owner and mode of " + p + ": " + e.getMessage(), e);
    }
  }

  private static String whoAny(int mode) {
    boolean group = (mode & 0070) != 0;
    boolean other = (mode & 0007) != 0;
    return group && other ? "group and others" : group ? "its group" : "others";
  }

  private static String who(int mode) {
    boolean group = (mode & 0020) != 0;
    boolean other = (mode & 0002) != 0;
    return group && other ? "group and others" : group ? "its group" : "others";
  }
}
