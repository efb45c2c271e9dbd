package dev.gatehouse.gateway.terminal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** An account a target's children run as ({@code runAs}), resolved once when the config loads. */
public record UnixUser(String name, int uid, int gid) {

  public static UnixUser lookup(String name) throws IOException {
    return new UnixUser(name, id(name, "-u"), id(name, "-g"));
  }

  /** This process's effective uid. */
  public static int currentUid() {
    return Posix.geteuid();
  }

  private static final int CAP_SETGID = 6;
  private static final int CAP_SETUID = 7;

  /**
   * Whether this process may switch its children to other users: root, or (as under the systemd
   * unit) an unprivileged account holding CAP_SETUID and CAP_SETGID.
   */
  public static boolean canSwitchUsers() {
    if (Posix.isRoot()) {
      return true;
    }
    try {
      for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
        if (line.startsWith("CapEff:")) {
          long caps = Long.parseUnsignedLong(line.substring(7).trim(), 16);
          return (caps & (1L << CAP_SETUID)) != 0 && (caps & (1L << CAP_SETGID)) != 0;
        }
      }
    } catch (IOException | RuntimeException e) {
      // No /proc: assume we cannot.
    }
    return false;
  }

  private static int id(String name, String flag) throws IOException {
    Process p = new ProcessBuilder("id", flag, "--", name).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("runAs: no such user '" + name + "'");
      }
      return Integer.parseInt(out);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while looking up user " + name, e);
    } catch (NumberFormatException e) {
      throw new IOException("runAs: cannot resolve user '" + name + "'", e);
    }
  }
}
