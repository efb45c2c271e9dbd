package dev.gatehouse.gateway.cli;

/** SIGHUP → reload, the way systemd's ExecReload and operators expect. */
final class Reload {
  private Reload() {}

  @SuppressWarnings("sunapi")
  static void onHangup(Runnable action) {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> action.run());
    } catch (IllegalArgumentException e) {
      // No SIGHUP on this platform (or the JVM reserved it, -Xrs): reload needs a restart then.
    }
  }
}
