package dev.gatehouse.keys.login;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Whether the places {@code gatehouse login} reads and writes are the user's alone. Another user
 * who can change any directory on the way to the login directory could swap the key for theirs
 * and get a certificate naming the victim, or point a file at one of their own; so login refuses,
 * naming the path and the fix, as OpenSSH's StrictModes does.
 *
 * <p>The path is walked as given (absolute, normalised), one component at a time from {@code /},
 * never resolved first: resolving first would check where a link points today, not the directory
 * holding the link, which is what decides where it points tomorrow.
 *
 * <ul>
 *   <li>every component on the way: owned by the user or root; a directory on the way is not
 *       writable by group or others, except a root-owned sticky directory such as /tmp, where
 *       nobody can rename or delete an entry that is not theirs — which is why the entry below it
 *       must be the user's or root's, never another user's;
 *   <li>a symbolic link on the way (such as /home pointing to /usr/home) is followed only when it
 *       is the user's or root's and sits in a directory nobody else can write (not even a sticky
 *       one), so nobody else can repoint it; its target is then walked the same way. Links are
 *       followed at most {@value #MAX_LINKS} times, as the kernel does;
 *   <li>the login directory itself and every file login uses in it: owned by the user, not
 *       writable by group or others, never a symbolic link; a private key not readable by them
 *       either.
 * </ul>
 *
 * <p>The walk yields the link-free path of what it checked and its file key (device and inode), so
 * that what is opened afterwards can be compared with what was checked ({@link LoginDirectory}).
 */
final class OwnedPaths {
  static final int MAX_LINKS = 40;
  private static final int GROUP_OR_OTHER_WRITE = 0022;
  private static final int GROUP_OR_OTHER_ANY = 0077;
  private static final int STICKY = 01000;
  private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

  private OwnedPaths() {}

  /** What lstat says of one path: owner, mode, type and file key (device and inode). */
  record Stat(int uid, int mode, Object fileKey, boolean link, boolean directory, boolean regular) {
    boolean openToOthers() {
      return (mode & GROUP_OR_OTHER_WRITE) != 0;
    }

    boolean rootSticky() {
      return uid == 0 && (mode & STICKY) != 0;
    }
  }

  /**
   * How far a walk got: {@code reached} is the link-free path of the deepest component that
   * exists (all of it checked), {@code missing} the names below it that do not exist yet.
   */
  record Walk(Path reached, Stat stat, List<String> missing) {
    boolean complete() {
      return missing.isEmpty();
    }
  }

  /** The user's numeric id (on Linux, the owner of /proc/self). */
  static int myUid() throws LoginFailed {
    try {
      return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      throw new LoginFailed("cannot tell which user runs login (no /proc/self): " + e.getMessage(), e);
    }
  }

  /**
   * Walks {@code dir} from {@code /} as given, checking every component that exists (see the class
   * comment); stops at the first that does not exist.
   */
  static Walk walk(Path dir, int uid) throws LoginFailed {
    Path path = dir.toAbsolutePath().normalize();
    int links = 0;
    walk:
    while (true) {
      Path at = path.getRoot();
      Stat atStat = stat(at);
      requireOnTheWay(at, atStat, uid);
      int n = path.getNameCount();
      for (int i = 0; i < n; i++) {
        Path next = at.resolve(path.getName(i).toString());
        Stat s = statIfExists(next);
        if (s == null) {
          List<String> missing = new ArrayList<>();
          for (int j = i; j < n; j++) {
            missing.add(path.getName(j).toString());
          }
          return new Walk(at, atStat, List.copyOf(missing));
        }
        requireOwnerTrusted(next, s, uid);
        if (s.link()) {
          if (atStat.openToOthers()) {
            throw new LoginFailed(next + " (above the login directory) is a symbolic link in " + at
                + ", which others can write (mode " + Integer.toOctalString(atStat.mode() & 07777) + "): whoever can "
                + "write there could point it elsewhere. Fix: give login the path without the link (--home "
                + realOrTarget(next) + "/…)");
          }
          if (++links > MAX_LINKS) {
            throw new LoginFailed(dir + " goes through more than " + MAX_LINKS + " symbolic links");
          }
          Path target;
          try {
            target = at.resolve(Files.readSymbolicLink(next)).normalize();
          } catch (IOException e) {
            throw new LoginFailed("cannot read the symbolic link " + next + ": " + e.getMessage(), e);
          }
          // Start again from / with the link replaced by its target: the target is walked too.
          path = i + 1 < n ? target.resolve(path.subpath(i + 1, n)) : target;
          continue walk;
        }
        requireOnTheWay(next, s, uid);
        at = next;
        atStat = s;
      }
      return new Walk(at, atStat, List.of());
    }
  }

  /** Where a link points, for a message; the link itself when it cannot be read. */
  private static String realOrTarget(Path link) {
    try {
      return link.toRealPath().toString();
    } catch (IOException e) {
      return link.toString();
    }
  }

  /** Every directory from {@code dir} up to /, walked as given; {@code dir}'s link-free path. */
  static Path requireSafeAncestors(Path dir, int uid) throws LoginFailed {
    Walk w = walk(dir, uid);
    if (!w.complete()) {
      throw new LoginFailed(w.reached().resolve(w.missing().get(0)) + " does not exist");
    }
    requireDirectory(w.reached(), w.stat());
    return w.reached();
  }

  /**
   * {@code dir} is a real directory of the user's (not a link), not writable by others, below
   * safe directories. {@code what} names it in messages ("the login directory"). Returns its
   * link-free path and what lstat said of it.
   */
  static Walk requireOwnDirectory(Path dir, String what, int uid) throws LoginFailed {
    Path abs = dir.toAbsolutePath().normalize();
    Path name = abs.getFileName();
    if (name == null) {
      throw new LoginFailed(what + " cannot be " + abs);
    }
    Path parent = requireSafeAncestors(abs.getParent(), uid);
    Path real = parent.resolve(name.toString());
    Stat s = statIfExists(real);
    if (s == null) {
      throw new LoginFailed(what + " " + abs + " does not exist");
    }
    if (s.link()) {
      throw new LoginFailed(what + " " + abs + " is a symbolic link; login never follows links there. Fix: make it a "
          + "directory of your own (or pass --home with one)");
    }
    if (!s.directory()) {
      throw new LoginFailed(what + " " + abs + " is not a directory");
    }
    requireOwnedAndClosed(abs, s, what, uid);
    return new Walk(real, s, List.of());
  }

  /**
   * When {@code file} (a link-free path, shown as {@code shown}) exists: a regular file (not a
   * link) of the user's, not writable by group or others, and with {@code secret} not readable by
   * them either. What lstat said of it, or null when it does not exist.
   */
  static Stat requireOwnFileIfPresent(Path file, Path shown, String what, int uid, boolean secret) throws LoginFailed {
    Stat s = statIfExists(file);
    if (s == null) {
      return null;
    }
    if (s.link()) {
      throw new LoginFailed(what + " " + shown + " is a symbolic link; login never follows links there. Fix: remove the "
          + "link (rm " + shown + ") and log in again");
    }
    if (!s.regular()) {
      throw new LoginFailed(what + " " + shown + " is not a regular file");
    }
    requireOwnedAndClosed(shown, s, what, uid);
    if (secret && (s.mode() & GROUP_OR_OTHER_ANY) != 0) {
      throw new LoginFailed(what + " " + shown + " is open to " + whoAny(s.mode()) + " (mode "
          + Integer.toOctalString(s.mode() & 0777) + "): the key may be known to others. Fix: remove it (and its .pub "
          + "and -cert.pub) and log in again for a new key");
    }
    return s;
  }

  /** A component on the way: the user's or root's, and a directory closed to others unless root's and sticky. */
  private static void requireOnTheWay(Path p, Stat s, int uid) throws LoginFailed {
    requireOwnerTrusted(p, s, uid);
    if (s.openToOthers() && !s.rootSticky()) {
      throw new LoginFailed(p + " (above the login directory) is writable by " + who(s.mode()) + " (mode "
          + Integer.toOctalString(s.mode() & 07777) + "): another user could replace what login keeps below it. "
          + "Fix: chmod go-w " + p);
    }
  }

  private static void requireOwnerTrusted(Path p, Stat s, int uid) throws LoginFailed {
    if (s.uid() != uid && s.uid() != 0) {
      throw new LoginFailed(p + " (above the login directory) is owned by uid " + s.uid() + ", not by you (uid " + uid
          + ") or root: its owner could replace what login keeps below it. Fix: keep the login directory "
          + "(--home) under a directory of your own");
    }
  }

  private static void requireDirectory(Path p, Stat s) throws LoginFailed {
    if (!s.directory()) {
      throw new LoginFailed(p + " (above the login directory) is not a directory");
    }
  }

  private static void requireOwnedAndClosed(Path p, Stat s, String what, int uid) throws LoginFailed {
    if (s.uid() != uid) {
      throw new LoginFailed(what + " " + p + " is owned by uid " + s.uid() + ", not by you (uid " + uid + "): "
          + "its owner could swap the key or certificate login uses. Fix: use a directory of your own (--home DIR)");
    }
    if (s.openToOthers()) {
      throw new LoginFailed(what + " " + p + " is writable by " + who(s.mode()) + " (mode "
          + Integer.toOctalString(s.mode() & 07777) + "): another user could swap the key or certificate login uses. "
          + "Fix: chmod go-w " + p);
    }
  }

  /** lstat of {@code p}; null when it does not exist. */
  static Stat statIfExists(Path p) throws LoginFailed {
    try {
      Map<String, Object> a = Files.readAttributes(p, "unix:uid,mode,fileKey,isSymbolicLink,isDirectory,isRegularFile",
          NOFOLLOW);
      return new Stat((Integer) a.get("uid"), (Integer) a.get("mode"), a.get("fileKey"),
          (Boolean) a.get("isSymbolicLink"), (Boolean) a.get("isDirectory"), (Boolean) a.get("isRegularFile"));
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException | ClassCastException e) {
      throw new LoginFailed("cannot read the owner and mode of " + p + ": " + e.getMessage(), e);
    }
  }

  private static Stat stat(Path p) throws LoginFailed {
    Stat s = statIfExists(p);
    if (s == null) {
      throw new LoginFailed(p + " disappeared while login checked it");
    }
    return s;
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
