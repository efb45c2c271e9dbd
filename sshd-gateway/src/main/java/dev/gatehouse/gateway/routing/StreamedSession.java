package dev.gatehouse.gateway.routing;

import dev.gatehouse.gateway.GatewayServices;
import dev.gatehouse.gateway.auth.AuthenticatedUser;
import dev.gatehouse.gateway.config.TargetConfig;
import dev.gatehouse.gateway.terminal.ChildProcess;
import dev.gatehouse.gateway.terminal.WindowSize;
import dev.gatehouse.recorder.AuditCode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.UnaryOperator;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A target session whose bytes go through the SSH channel's blocking streams (a child process on
 * the bastion: the command, psql or kubectl), as opposed to the ssh target's asynchronous relay.
 * It holds the streams MINA hands over, says a line to the user on the terminal (with a pty) or on
 * stderr, and reads the pty, window size and terminal type before the session's own start.
 */
public abstract class StreamedSession extends RecordedSession implements Command {
  /** A stderr "line" longer than this is passed on without waiting for its end. */
  private static final int MAX_HELD_ERROR_LINE = 64 * 1024;

  /** Named after the session's own class, so that its log lines read as before. */
  private final Logger log = LoggerFactory.getLogger(getClass());

  protected InputStream in;
  protected OutputStream out;
  protected OutputStream err;
  protected ExitCallback exitCallback;
  protected GatewayChannel channel;
  protected volatile boolean pty;

  protected StreamedSession(GatewayServices services, TargetConfig target, AuthenticatedUser user, String execCommand) {
    super(services, target, user, execCommand);
  }

  @Override
  public final void setInputStream(InputStream in) {
    this.in = in;
  }

  @Override
  public final void setOutputStream(OutputStream out) {
    this.out = out;
  }

  @Override
  public final void setErrorStream(OutputStream err) {
    this.err = err;
  }

  @Override
  public final void setExitCallback(ExitCallback callback) {
    this.exitCallback = callback;
  }

  @Override
  protected final boolean userHasTerminal() {
    return pty;
  }

  @Override
  protected final void tellUser(byte[] line) throws IOException {
    OutputStream dest = pty ? out : err;
    dest.write(line);
    dest.flush();
  }

  @Override
  public final void start(ChannelSession channelSession, Environment env) throws IOException {
    channel = (GatewayChannel) channelSession;
    pty = channel.ptyRequested();
    begin(env, windowSize(env), terminalType(env));
  }

  /**
   * The session's own start, once the channel, {@link #pty} and the client's window and terminal
   * type are known. Runs on MINA's thread: what may wait goes to a pump.
   */
  protected abstract void begin(Environment env, WindowSize size, String term) throws IOException;

  /**
   * The channel closed (the client went away, or the session finished): a session still running
   * ends as {@code client-closed}.
   */
  @Override
  public void destroy(ChannelSession channelSession) {
    if (!isFinished()) {
      if (endReason.equals("exit")) {
        endReason = "client-closed";
      }
      stopTarget();
    }
  }

  /**
   * The target could not be opened ({@code doing} says what failed, for the log): the audit line,
   * the end reason and the user's one line. The caller then ends the session.
   */
  protected final void targetUnavailable(String doing, Exception e) {
    log.error("session {}: cannot {} for {}: {}", id, doing, target.name(), e.toString());
    services.audit().tryRecord(AuditCode.TARGET_FAILED, "sessionId", id, "identity", user.identity(),
        "target", target.name(), "reason", "target-unavailable", "detail", String.valueOf(e.getMessage()));
    endReason = "start-failed";
    sayQuietly("gatehouse: cannot open target '" + target.name() + "': " + e.getMessage());
  }

  /**
   * The child has nothing to save: its sandbox ends outright (a hang-up alone can be ignored or,
   * by a stopped process group, never seen), and its output is no longer read.
   */
  protected static void endChild(ChildProcess child) {
    if (child != null) {
      child.hangUp();
      child.kill();
      child.stopReading();
    }
  }

  /** The session's end, after its recording closed: the log line and the exit status to the client. */
  protected final void exited(int code) {
    log.info("session {} ended: exit {} ({})", id, code, endReason);
    exitCallback.onExit(code, endReason);
  }

  /**
   * Copies the child's stdout, or its stderr, to the client, recorded, until it ends. stderr goes
   * line by line, each line through {@code errorLine} (which may put the gateway's one refusal line
   * in place of the child's own error, or drop it: an empty line is not shown).
   */
  protected final void relayChildOutput(ChildProcess child, boolean stdout, UnaryOperator<byte[]> errorLine)
      throws IOException {
    byte[] buf = new byte[64 * 1024];
    OutputStream dest = stdout ? out : err;
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int n;
    while ((n = stdout ? child.readOutput(buf, 0, buf.length) : child.readError(buf, 0, buf.length)) > 0) {
      touch();
      if (stdout) {
        show(dest, buf, 0, n);
        continue;
      }
      int from = 0;
      for (int i = 0; i < n; i++) {
        if (buf[i] == '\n') {
          line.write(buf, from, i + 1 - from);
          from = i + 1;
          byte[] l = errorLine.apply(line.toByteArray());
          show(dest, l, 0, l.length);
          line.reset();
        }
      }
      line.write(buf, from, n - from);
      if (line.size() > MAX_HELD_ERROR_LINE) {
        show(dest, line.toByteArray(), 0, line.size());
        line.reset();
      }
    }
    if (line.size() > 0) {
      show(dest, line.toByteArray(), 0, line.size());
    }
  }

  private void show(OutputStream dest, byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return;
    }
    recording.output(b, off, len);
    dest.write(b, off, len);
    dest.flush();
  }
}
