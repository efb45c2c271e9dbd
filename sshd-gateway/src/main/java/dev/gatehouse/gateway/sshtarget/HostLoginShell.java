package dev.gatehouse.gateway.sshtarget;

import dev.gatehouse.policy.shell.BashOnlyExec;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.EnumSet;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;

/**
 * Whether an {@code ssh} target's login shell is bash 5.1 or later, asked before a judged exec
 * text is sent: the host runs an exec request with the account's login shell, and the judge
 * read the text as bash does. The answer is {@link BashOnlyExec#PROBE}'s exit status, run as an
 * exec request of its own on the same connection: 0 only where bash 5.1+ took its branch; any
 * other shell exits 97 or fails on the line's syntax (see {@link BashOnlyExec}). The text
 * itself still goes behind {@link BashOnlyExec#wrap}, which refuses to run it under any other
 * shell should the account's shell change in between.
 */
public final class HostLoginShell {
  private HostLoginShell() {}

  /** The probe's exit status: 0 for bash 5.1 or later; null when it gave none in time. */
  public static Integer probe(ClientSession host, Duration timeout) throws IOException {
    try (ChannelExec probe = host.createExecChannel(BashOnlyExec.PROBE)) {
      probe.setOut(OutputStream.nullOutputStream());
      probe.setErr(OutputStream.nullOutputStream());
      probe.open().verify(timeout);
      probe.waitFor(EnumSet.of(ClientChannelEvent.CLOSED, ClientChannelEvent.EXIT_STATUS,
          ClientChannelEvent.EXIT_SIGNAL), timeout);
      return probe.getExitStatus();
    }
  }

  /** Whether {@link #probe}'s status says bash 5.1 or later. */
  public static boolean isBash(Integer probeStatus) {
    return probeStatus != null && probeStatus == 0;
  }

  /** The audit's detail for a probe that did not say bash. */
  public static String detail(Integer probeStatus) {
    return probeStatus == null
        ? "the login shell did not answer the bash check"
        : "the login shell's bash check exited " + probeStatus;
  }
}
