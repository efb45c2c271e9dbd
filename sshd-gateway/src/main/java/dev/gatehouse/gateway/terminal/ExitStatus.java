package dev.gatehouse.gateway.terminal;

/** How a child ended: an exit code, or the signal that killed it (SSH sends these apart). */
public record ExitStatus(int code, String signal, boolean coreDumped) {
  private static final String[] NAMES = {
    null, "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2",
    "PIPE", "ALRM", "TERM"
  };

  static ExitStatus fromWaitStatus(int status) {
    int termSig = status & 0x7f;
    if (termSig == 0) {
      return new ExitStatus((status >> 8) & 0xff, null, false);
    }
    String name = termSig < NAMES.length ? NAMES[termSig] : "SIG" + termSig;
    return new ExitStatus(128 + termSig, name, (status & 0x80) != 0);
  }

  /**
   * bubblewrap reports a sandboxed program killed by signal N as exit code 128+N (as shells do):
   * read it back as that signal, so SSH clients get {@code exit-signal} as before. A program that
   * itself exits with 129–159 is reported as that signal too (a known limit).
   */
  static ExitStatus fromSandbox(ExitStatus sandbox) {
    if (sandbox.signalled() || sandbox.code <= 128 || sandbox.code >= 128 + 32) {
      return sandbox;
    }
    int sig = sandbox.code - 128;
    String name = sig < NAMES.length ? NAMES[sig] : "SIG" + sig;
    return new ExitStatus(sandbox.code, name, false);
  }

  public boolean signalled() {
    return signal != null;
  }

  @Override
  public String toString() {
    return signalled() ? "signal " + signal : "exit " + code;
  }
}
