package dev.gatehouse.keys.login;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Set;

/**
 * A directory login checked ({@link OwnedPaths#requireOwnDirectory}) and then opened, with every
 * read and write done relative to that open handle ({@code openat}, {@code renameat}) and without
 * following links: the directory used is the one checked, whatever happens to the path afterwards.
 * What was opened is compared with what was checked by file key (device and inode), the directory
 * itself and each file read, before and after reading.
 */
final class LoginDirectory implements AutoCloseable {
  private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

  private final Path shown;
  private final Path real;
  private final int uid;
  private final SecureDirectoryStream<Path> handle;

  private LoginDirectory(Path shown, Path real, int uid, SecureDirectoryStream<Path> handle) {
    this.shown = shown;
    this.real = real;
    this.uid = uid;
    this.handle = handle;
  }

  /** Checks {@code dir} (see {@link OwnedPaths}), opens it and makes sure the open directory is the one checked. */
  static LoginDirectory open(Path dir, String what, int uid) throws LoginFailed {
    Path shown = dir.toAbsolutePath().normalize();
    OwnedPaths.Walk checked = OwnedPaths.requireOwnDirectory(shown, what, uid);
    DirectoryStream<Path> stream;
    try {
      stream = Files.newDirectoryStream(checked.reached());
    } catch (IOException e) {
      throw new LoginFailed("cannot open " + what + " " + shown + ": " + e.getMessage(), e);
    }
    if (!(stream instanceof SecureDirectoryStream<Path> secure)) {
      close(stream);
      throw new LoginFailed("this system cannot open files relative to a directory (openat); login refuses to work "
          + "on paths another process could change underneath it");
    }
    LoginDirectory opened = new LoginDirectory(shown, checked.reached(), uid, secure);
    try {
      Object key = secure.getFileAttributeView(BasicFileAttributeView.class).readAttributes().fileKey();
      if (key == null || !key.equals(checked.stat().fileKey())) {
        throw new LoginFailed(what + " " + shown + " changed while login checked it; run login again");
      }
    } catch (IOException e) {
      opened.close();
      throw e instanceof LoginFailed lf ? lf : new LoginFailed("cannot read " + shown + ": " + e.getMessage(), e);
    }
    return opened;
  }

  /** The directory as the user named it (for messages and for the ssh_config snippet). */
  Path shown() {
    return shown;
  }

  /** Its link-free path (for tools that take a path: ssh-keygen, ssh-add). */
  Path real() {
    return real;
  }

  /** {@code name} in this directory as the user would name it. */
  Path shown(String name) {
    return shown.resolve(name);
  }

  boolean exists(String name) throws IOException {
    try {
      handle.getFileAttributeView(Path.of(name), BasicFileAttributeView.class, NOFOLLOW).readAttributes();
      return true;
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  /**
   * The bytes of {@code name} (at most {@code max}), or null when it does not exist; refused
   * unless it is a regular file of the user's closed to others ({@code secret}: not readable by
   * them either). It is never opened unless checked, so a FIFO planted there cannot block login.
   */
  byte[] read(String name, String what, boolean secret, int max) throws IOException {
    OwnedPaths.Stat checked = OwnedPaths.requireOwnFileIfPresent(real.resolve(name), shown(name), what, uid, secret);
    if (checked == null) {
      return null;
    }
    requireSame(name, checked.fileKey());
    byte[] bytes;
    Set<OpenOption> options = Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    try (SeekableByteChannel ch = handle.newByteChannel(Path.of(name), options);
        InputStream in = Channels.newInputStream(ch)) {
      bytes = in.readNBytes(max + 1);
    }
    if (bytes.length > max) {
      throw new LoginFailed(shown(name) + " is larger than " + max + " bytes");
    }
    requireSame(name, checked.fileKey());
    return bytes;
  }

  /**
   * Writes {@code text} to {@code name} with {@code perms} by making a new file beside it and
   * renaming it over the name: a link or anything else there is replaced, never written through.
   */
  void write(String name, String text, String perms) throws IOException {
    Path tmp = Path.of("." + name + ".tmp");
    delete(tmp.toString());
    Set<OpenOption> options =
        Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
    try (SeekableByteChannel ch = handle.newByteChannel(tmp, options,
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(perms)))) {
      ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
      while (b.hasRemaining()) {
        ch.write(b);
      }
    }
    // The umask may have taken bits away; set exactly what was asked for.
    handle.getFileAttributeView(tmp, PosixFileAttributeView.class, NOFOLLOW)
        .setPermissions(PosixFilePermissions.fromString(perms));
    handle.move(tmp, handle, Path.of(name));
  }

  void delete(String name) throws IOException {
    try {
      handle.deleteFile(Path.of(name));
    } catch (NoSuchFileException e) {
      // nothing there
    }
  }

  void chmod(String name, String perms) throws IOException {
    handle.getFileAttributeView(Path.of(name), PosixFileAttributeView.class, NOFOLLOW)
        .setPermissions(PosixFilePermissions.fromString(perms));
  }

  /** What is at {@code name} now (seen through the handle) is the file that was checked. */
  private void requireSame(String name, Object checkedKey) throws IOException {
    Object now;
    try {
      now = handle.getFileAttributeView(Path.of(name), BasicFileAttributeView.class, NOFOLLOW).readAttributes().fileKey();
    } catch (NoSuchFileException e) {
      now = null;
    }
    if (now == null || !Objects.equals(now, checkedKey)) {
      throw new LoginFailed(shown(name) + " changed while login read it; run login again");
    }
  }

  @Override
  public void close() {
    close(handle);
  }

  private static void close(DirectoryStream<Path> stream) {
    try {
      stream.close();
    } catch (IOException ignored) {
      // a directory opened only for reading: nothing was lost
    }
  }
}
