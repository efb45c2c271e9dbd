package dev.gatehouse.gateway.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** SIGHUP → reload, the way systemd's ExecReload and operators expect. */
final class Reload {
  private static final Logger LOG = LoggerFactory.getLogger(Reload.class);
  private static final int SIGHUP = 1;

  private Reload() {}

  /** The C library's signal(2): only to put back SIGHUP's default before the JVM takes it over. */
  private interface CLib extends com.sun.jna.Library {
    com.sun.jna.Pointer signal(int sig, com.sun.jna.Pointer handler);
  }

  @SuppressWarnings("sunapi")
  static void onHangup(Runnable action) {
    if (hangupIgnored()) {
      // Started under nohup (or by a parent that ignores SIGHUP): the process inherited "ignore",
      // and the JVM leaves an ignored SIGHUP ignored, so `kill -HUP` would reload nothing. A
      // reload is what the signal means here, so the default is put back for the JVM to take.
      try {
        com.sun.jna.Native.load("c", CLib.class).signal(SIGHUP, com.sun.jna.Pointer.NULL);
        LOG.info("SIGHUP was ignored when the gateway started (nohup?): it now reloads the configuration");
      } catch (RuntimeException | LinkageError e) {
        LOG.warn("SIGHUP is ignored by this process and could not be taken over ({}): reload needs a restart", e.toString());
      }
    }
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> action.run());
    } catch (IllegalArgumentException e) {
      // No SIGHUP on this platform (or the JVM reserved it, -Xrs): reload needs a restart then.
      LOG.warn("SIGHUP cannot be handled here ({}): reload needs a restart", e.getMessage());
    }
  }

  /** Whether this process ignores SIGHUP (Linux: the SigIgn mask of /proc/self/status). */
  static boolean hangupIgnored() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("SigIgn:")) {
          return (Long.parseUnsignedLong(line.substring(7).strip(), 16) & (1L << (SIGHUP - 1))) != 0;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: nothing to check
    }
    return false;
  }
}
