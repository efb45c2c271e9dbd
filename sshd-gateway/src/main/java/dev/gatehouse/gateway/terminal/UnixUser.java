package dev.gatehouse.gateway.terminal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** An account a target's children run as ({@code runAs}), resolved once when the config loads. */
public record UnixUser(String name, int uid, int gid) {

  public static UnixUser lookup(String name) throws IOException {
    return new UnixUser(name, id(name, "-u"), id(name, "-g"));
  }

  /** Whether this process may switch to other users at all. */
  public static boolean canSwitchUsers() {
    return Posix.isRoot();
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
