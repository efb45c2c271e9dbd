package dev.gatehouse.gateway.sshtarget;

import dev.gatehouse.gateway.GatewayServices;
import dev.gatehouse.gateway.auth.AuthenticatedUser;
import dev.gatehouse.gateway.config.TargetConfig;
import dev.gatehouse.gateway.routing.GatewayChannel;
import dev.gatehouse.gateway.routing.RecordedSession;
import dev.gatehouse.gateway.shell.BashIntegration;
import dev.gatehouse.gateway.shell.GuardedShell;
import dev.gatehouse.policy.shell.BashOnlyExec;
import dev.gatehouse.gateway.shell.ScreenShell;
import dev.gatehouse.gateway.terminal.WindowSize;
import dev.gatehouse.recorder.AuditCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ChannelShell;
import org.apache.sshd.client.channel.ClientChannel;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.channel.PtyChannelConfiguration;
import org.apache.sshd.common.channel.PtyMode;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.channel.StreamingChannel;
import org.apache.sshd.common.io.IoInputStream;
import org.apache.sshd.common.io.IoOutputStream;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.Signal;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.AsyncCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@code ssh} target session: the user's channel joined to a channel on the target host, all
 * asynchronous (MINA's NIO workers move the bytes; an idle session holds no thread).
 *
 * <pre>
 *  user ──asyncIn──▶ AsyncPump(tap: record input) ──▶ host channel asyncIn      (EOF passed on)
 *  host asyncOut ──▶ AsyncPump(tap: record output) ──▶ user asyncOut
 *  host asyncErr ──▶ AsyncPump(tap: record output) ──▶ user asyncErr            (exec without pty)
 *  window-change ──▶ host window-change;  host exit-status / exit-signal ──▶ user
 * </pre>
 *
 * Connecting and logging in to the host blocks, so it runs once on a pump thread, then returns.
 *
 * <p>An interactive session with a terminal on a target with a {@code type: shell} policy is
 * guarded as an interactive bash on a {@code command} target is: the host runs
 * {@link BashIntegration#remoteCommand} (its login bash again, without readline) with the
 * integration typed in, and a {@link GuardedShell} owns the prompt, on threads of its own:
 *
 * <pre>
 *  user asyncIn ──▶ guarded-input thread (record input) ──▶ GuardedShell.input ──▶ line editor | host pty
 *  host asyncOut ──▶ RemoteTerminal ──▶ GuardedShell pump (markers out, [masker], record) ──▶ UserTerminalOutput
 *  no first guarded prompt (not bash, ended, 20 s) ──▶ "the remote shell did not take the guard's integration"
 * </pre>
 *
 * With {@code onGuardLost: screen} such a session goes on instead, judged from the screen by a
 * {@link ScreenShell}: a login shell that is not bash (exit 97) gets a plain shell channel of its
 * own; a guarded prompt that never came (20 s) leaves the shell that is there to the screen mode.
 *
 * <pre>
 *  user asyncIn ──▶ guarded-input thread ──▶ ScreenShell.input ──▶ worker: keys raw, Enter judged ──▶ host pty
 *  host asyncOut ──▶ RemoteTerminal ──▶ ScreenShell pump (screen model, [masker], record) ──▶ UserTerminalOutput
 * </pre>
 */
public final class SshTargetSession extends RecordedSession implements AsyncCommand {
  private static final Logger LOG = LoggerFactory.getLogger(SshTargetSession.class);

  private final DownstreamClient downstream;
  /** Setup and teardown steps, for one debug line when the session ends. */
  private final SetupTrace trace = new SetupTrace();
  private volatile boolean outputSeen;
  private IoInputStream userIn;
  private IoOutputStream userOut;
  private IoOutputStream userErr;
  private ExitCallback exitCallback;
  private GatewayChannel channel;
  private Environment env;
  private volatile boolean pty;
  private volatile ClientSession hostSession;
  private volatile ClientChannel hostChannel;
  private volatile AsyncPump inputPump;
  private final AtomicInteger outputPumps = new AtomicInteger();
  /** The gateway's prompt in front of the host's bash; null when the session is not guarded. */
  private volatile GuardedShell guarded;
  /** The user's channel while the guard runs (its one writer); null otherwise. */
  private volatile UserTerminalOutput guardedOut;
  /**
   * The host's plain shell judged from the screen, after its login shell turned out not to be bash
   * ({@code onGuardLost: screen}); null otherwise.
   */
  private volatile ScreenShell screen;
  /** The pty and environment the host's channel was opened with (a screen-mode shell channel gets the same). */
  private volatile PtyChannelConfiguration ptyConfig;
  private volatile Map<String, Object> remoteEnv;

  public SshTargetSession(
      GatewayServices services, TargetConfig target, AuthenticatedUser user, String execCommand,
      DownstreamClient downstream) {
    super(services, target, user, execCommand);
    this.downstream = downstream;
  }

  @Override
  public void setIoInputStream(IoInputStream in) {
    this.userIn = in;
  }

  @Override
  public void setIoOutputStream(IoOutputStream out) {
    this.userOut = out;
  }

  @Override
  public void setIoErrorStream(IoOutputStream err) {
    this.userErr = err;
  }

  @Override
  public void setInputStream(InputStream in) {}

  @Override
  public void setOutputStream(OutputStream out) {}

  @Override
  public void setErrorStream(OutputStream err) {}

  @Override
  public void setExitCallback(ExitCallback callback) {
    this.exitCallback = callback;
  }

  @Override
  protected boolean userHasTerminal() {
    return pty;
  }

  @Override
  protected void tellUser(byte[] line) throws IOException {
    UserTerminalOutput g = guardedOut;
    if (g != null) {
      g.write(line);
      g.flush();
      return;
    }
    IoOutputStream dest = pty ? userOut : userErr;
    // Best effort, bounded: a line for the user must not wait behind a stalled client forever.
    try {
      dest.writeBuffer(new org.apache.sshd.common.util.buffer.ByteArrayBuffer(line)).verify(Duration.ofSeconds(2));
    } catch (org.apache.sshd.common.io.WritePendingException e) {
      // An output chunk is in flight; the line is in the recording and the audit log anyway.
    }
  }

  @Override
  public void start(ChannelSession channelSession, Environment env) throws IOException {
    this.channel = (GatewayChannel) channelSession;
    this.env = env;
    pty = channel.ptyRequested();
    WindowSize size = windowSize(env);
    String term = terminalType(env);
    if (!openRecording(size.columns(), size.rows(), term)) {
      exitCallback.onExit(1, "recording unavailable");
      return;
    }
    trace.mark("recording-open");
    if (refusesInteractiveWithoutPrompt(pty)) {
      if (finishRecording(dev.gatehouse.gateway.shell.ExecGuard.EXIT_BLOCKED, null)) {
        exitCallback.onExit(dev.gatehouse.gateway.shell.ExecGuard.EXIT_BLOCKED, endReason);
      }
      return;
    }
    started();
    services.pumps().execute(named("connect-" + id, () -> {
      try {
        connect(size, term);
      } catch (RuntimeException | Error e) {
        // Whatever went wrong (a class missing from a broken install is an Error), the session must
        // end, not wait for a host channel that will never come.
        LOG.error("session {}: opening the target failed", id, e);
        failed("internal-error", "the gateway could not open the session");
      }
    }));
  }

  /**
   * When the gateway's certificate for the host ends: the session's longest life plus a minute,
   * but never after the person's own certificate or key binding (the control loop ends the
   * session then; the host should not accept that certificate any longer either).
   */
  Instant targetCertificateEnd(Instant now) {
    Instant bySession = now.plus(target.maxSessionLength()).plusSeconds(60);
    return user.validBefore().isBefore(bySession) ? user.validBefore() : bySession;
  }

  private void connect(WindowSize size, String term) {
    trace.mark("connect-task");
    Integer refused = guardExec(channel);
    if (refused != null) {
      // Judged before the host is even contacted: nothing of a refused command reaches it.
      if (finishRecording(refused, null)) {
        exitCallback.onExit(refused, endReason);
      }
      return;
    }
    try {
      hostSession = downstream.connect(target.ssh(), user.identity(), targetCertificateEnd(Instant.now()), trace);
      if (!endReason.equals("exit")) {
        // Ended (drain, kill, revocation, client gone) while connecting: run nothing on the host.
        closeHost();
        if (finishRecording(null, null)) {
          exitCallback.onExit(255);
        }
        return;
      }
      if (guardsExec()) {
        // The judge read the text as bash reads it; the host runs it with the account's login shell.
        Integer probe = HostLoginShell.probe(hostSession, target.ssh().connectTimeout());
        if (!HostLoginShell.isBash(probe)) {
          loginShellNotBash(HostLoginShell.detail(probe));
          return;
        }
      }
      ClientChannel ch;
      Map<String, Object> remoteEnv = new HashMap<>();
      for (Map.Entry<String, String> e : channel.clientEnvironment().entrySet()) {
        if (e.getKey().equals("LANG") || e.getKey().startsWith("LC_")) {
          remoteEnv.put(e.getKey(), e.getValue());
        }
      }
      PtyChannelConfiguration ptyConfig = new PtyChannelConfiguration();
      ptyConfig.setPtyType(term);
      ptyConfig.setPtyColumns(size.columns());
      ptyConfig.setPtyLines(size.rows());
      Map<PtyMode, Integer> modes = guardsPrompt() ? GuardedPtyModes.of(env.getPtyModes()) : new HashMap<>(env.getPtyModes());
      ptyConfig.setPtyModes(modes);
      this.ptyConfig = ptyConfig;
      this.remoteEnv = remoteEnv;
      if (guardsPrompt()) {
        // Not a shell request: the host runs its login bash again without readline, or ends (see remoteCommand).
        ChannelExec exec = hostSession.createExecChannel(BashIntegration.remoteCommand(), ptyConfig, remoteEnv);
        exec.setUsePty(true);
        ch = exec;
      } else if (execCommand == null) {
        ChannelShell shell = hostSession.createShellChannel(ptyConfig, remoteEnv);
        shell.setUsePty(pty);
        ch = shell;
      } else {
        // A judged text goes behind the bash-only line (BashOnlyExec) and the pager's secure mode,
        // exported read-only (sshd takes no LESSSECURE from the gateway); an unguarded one as it is.
        String sent = guardsExec() ? BashIntegration.guardedExecCommand(execCommand) : execCommand;
        ChannelExec exec = hostSession.createExecChannel(sent, ptyConfig, remoteEnv);
        // MINA's ChannelExec sends no pty-req unless told: mirror what the user asked for.
        exec.setUsePty(pty);
        ch = exec;
      }
      ch.setStreaming(StreamingChannel.Streaming.Async);
      ch.open().verify(target.ssh().connectTimeout());
      trace.mark("channel-open");
      hostChannel = ch;
    } catch (DownstreamFailure e) {
      failed(e.reason(), e.getMessage());
      return;
    } catch (IOException | RuntimeException e) {
      failed("target-channel-failed", "the target host refused the session: " + e.getMessage());
      return;
    }
    LOG.info("session {} started: {} on {} ({} via ssh {}@{})", id, user.identity(), target.name(),
        execCommand == null ? "shell" : "exec", target.ssh().user(), target.ssh().host());
    env.addSignalListener((c, signal) -> resize(), Signal.WINCH);
    if (guardsPrompt()) {
      startGuarded(size, term);
      return;
    }
    // Count the pumps before anything can report the channel closed: a command such as `true`
    // may be over before the next line runs.
    outputPumps.set(pty || execCommand == null ? 1 : 2);
    // Output masking (the policy's mask.detectors): each pump masks before it records and writes.
    AsyncPump out = new AsyncPump(hostChannel.getAsyncOut(), userOut, this::recordOutput, this::outputEnded,
        this::outputMasker, services.timers());
    AsyncPump err = outputPumps.get() == 2
        ? new AsyncPump(hostChannel.getAsyncErr(), userErr, this::recordOutput, this::outputEnded,
            this::outputMasker, services.timers())
        : null;
    hostChannel.addCloseFutureListener(f -> {
      trace.mark("host-channel-closed");
      hostClosed(out, err);
    });
    out.start();
    if (err != null) {
      err.start();
    }
    inputPump = new AsyncPump(userIn, hostChannel.getAsyncIn(), this::recordInput, this::inputEnded);
    inputPump.start();
    // Ended (drain, kill, revocation, client gone) while we were connecting: stopTarget() found no
    // channel to close then, so close it now; the pumps see EOF and finish the session as usual.
    if (!endReason.equals("exit")) {
      stopTarget();
    }
  }

  /** Whether the gateway owns this session's prompt: interactive, with a terminal, on a target with a shell policy. */
  private boolean guardsPrompt() {
    return execCommand == null && pty && services.shell().judge(target).isPresent();
  }

  /** Whether this is an exec request whose text the target's shell policy judged (a {@code type: shell} policy). */
  private boolean guardsExec() {
    return execCommand != null && services.shell().judge(target).isPresent();
  }

  /**
   * The host's login shell is not bash 5.1 or later: the judged text is not sent (the host would
   * read it otherwise than the judge did). The client gets the reason and {@link
   * BashOnlyExec#NOT_BASH_EXIT}, as the interactive path's {@link BashIntegration#REMOTE_NOT_BASH}.
   */
  private void loginShellNotBash(String detail) {
    LOG.warn("session {}: {}: the login shell is not bash 5.1 or later ({}); the exec was not run", id, target.name(),
        detail);
    services.audit().tryRecord(AuditCode.TARGET_FAILED, "sessionId", id, "identity", user.identity(),
        "target", target.name(), "reason", "remote-shell-not-bash", "detail", detail);
    endReason = "remote-shell-not-bash";
    sayQuietly(BashOnlyExec.NOT_BASH_MESSAGE);
    finishRecording(BashOnlyExec.NOT_BASH_EXIT, null);
    closeHost();
    exitCallback.onExit(BashOnlyExec.NOT_BASH_EXIT, "the host's login shell is not bash 5.1 or later");
  }

  /**
   * The guarded prompt over the host's channel: the integration is typed into the host's terminal
   * at once (it waits there while the login bash reads its startup files), then the guard's
   * threads take over. The session ends through {@link #outputEnded} when the host's output ends.
   */
  private void startGuarded(WindowSize size, String term) {
    outputPumps.set(1);
    RemoteTerminal remote = new RemoteTerminal(hostChannel);
    UserTerminalOutput toUser = new UserTerminalOutput(userOut);
    guardedOut = toUser;
    GuardedShell g = new GuardedShell(
        guardedLines(why -> "gatehouse: the remote shell did not take the guard's integration (" + why + ")"),
        services.shell().judge(target).orElseThrow(), remote, toUser, this::recordOutput, term, size, this::outputMasker);
    guarded = g;
    hostChannel.addCloseFutureListener(f -> services.timers().schedule(() -> {
      // The host's output normally ends with the channel; should its last read never complete, stop reading.
      if (!isFinished()) {
        remote.stopReading();
      }
    }, 3, java.util.concurrent.TimeUnit.SECONDS));
    remote.start();
    try {
      g.integrate();
    } catch (IOException e) {
      LOG.debug("session {}: typing the integration: {}", id, e.toString());
    }
    services.pumps().execute(named("out-" + id, () -> {
      try {
        g.pumpOutput();
      } finally {
        outputEnded(null);
      }
    }));
    services.pumps().execute(named("prompt-" + id, () -> {
      try (var ignored = org.slf4j.MDC.putCloseable("session", id)) {
        g.run();
      } catch (IOException | RuntimeException e) {
        LOG.warn("session {}: the guarded prompt ended: {}", id, e.toString());
        stopTarget();
      }
    }));
    services.pumps().execute(named("in-" + id, this::guardedInput));
    if (!endReason.equals("exit")) {
      stopTarget();
    }
  }

  /** The user's input to the guarded prompt, recorded, until the user's EOF or the channel's end. */
  private void guardedInput() {
    try {
      while (!isFinished()) {
        org.apache.sshd.common.util.buffer.ByteArrayBuffer buf = new org.apache.sshd.common.util.buffer.ByteArrayBuffer(8192);
        org.apache.sshd.common.io.IoReadFuture read = userIn.read(buf);
        read.await();
        Throwable error = read.getException();
        if (error != null) {
          if (error instanceof java.io.EOFException) {
            keys(null);
          }
          return;
        }
        int n = read.getRead();
        if (n <= 0) {
          continue;
        }
        byte[] b = java.util.Arrays.copyOfRange(buf.array(), buf.rpos(), buf.rpos() + n);
        recordInput(b, 0, n);
        keys(b);
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("session {} guarded input ended: {}", id, e.toString());
    }
  }

  /** The user's keys ({@code null}: EOF) to the guarded prompt, or to the screen mode once it took over. */
  private void keys(byte[] b) throws IOException {
    GuardedShell g = guarded; // read before the screen mode: it is set first and the guarded shell cleared after
    ScreenShell s = screen;
    if (s != null) {
      if (b == null) {
        s.endOfInput();
      } else {
        s.input(b);
      }
    } else if (g != null) {
      if (b == null) {
        g.endOfInput();
      } else {
        g.input(b);
      }
    }
  }

  private void recordOutput(byte[] b, int off, int len) throws IOException {
    if (!outputSeen) {
      outputSeen = true;
      trace.mark("first-output");
    }
    touch();
    try {
      recording.output(b, off, len);
    } catch (IOException e) {
      recordingFailed(e);
      throw e;
    }
  }

  private void recordInput(byte[] b, int off, int len) throws IOException {
    touch();
    recording.input(b, off, len);
  }

  private void inputEnded(Throwable error) {
    ClientChannel ch = hostChannel;
    if (ch != null && error == null) {
      // The user sent EOF: pass it on once the last input is written.
      ch.getAsyncIn().close(false);
    }
  }

  private void outputEnded(Throwable error) {
    if (error instanceof AsyncPump.MaskingFailed e) {
      outputMaskingFailed(e);
    }
    if (error != null) {
      LOG.debug("session {} output pump ended: {}", id, error.toString());
    }
    if (outputPumps.decrementAndGet() == 0) {
      hostClosedOrDrained();
    }
  }

  private void hostClosed(AsyncPump out, AsyncPump err) {
    // The host closed the channel; the pumps end on EOF and finish the session. Should a pump's
    // last read never complete, finish anyway: a closed host channel must not leave the client
    // (and this session's buffers) waiting forever.
    if (outputPumps.get() == 0) {
      hostClosedOrDrained();
      return;
    }
    services.timers().schedule(() -> {
      if (!isFinished()) {
        LOG.warn("session {}: host channel closed but its output did not end; finishing", id);
        out.stop();
        if (err != null) {
          err.stop();
        }
        outputPumps.set(0);
        hostClosedOrDrained();
      }
    }, 3, java.util.concurrent.TimeUnit.SECONDS);
  }

  private void hostClosedOrDrained() {
    trace.mark("output-ended");
    ClientChannel ch = hostChannel;
    ClientSession hs = hostSession;
    // A lost connection sends nothing more: do not hold this I/O thread waiting for it.
    if (ch != null && hs != null && hs.isOpen() && !hs.isClosing()) {
      // exit-status / exit-signal arrive before the channel close.
      ch.waitFor(EnumSet.of(ClientChannelEvent.CLOSED, ClientChannelEvent.EXIT_STATUS, ClientChannelEvent.EXIT_SIGNAL),
          Duration.ofSeconds(2));
    }
    Integer status = ch == null ? null : ch.getExitStatus();
    String signal = ch == null ? null : ch.getExitSignal();
    trace.mark("exit-status");
    // Neither an exit status nor a signal, and the gateway did not end the session: the host
    // connection was lost (sshd killed, network cut, host rebooted). That is no success: tell the
    // user, audit it, and exit 255 as OpenSSH's client does when it loses the connection.
    GuardedShell g = guarded;
    if (g != null && !g.prompted() && endReason.equals("exit") && status != null
        && status == BashIntegration.REMOTE_NOT_BASH && screenOnGuardLost()) {
      g.end();
      if (startScreen()) {
        return; // the session goes on over the host's plain shell
      }
    }
    if (g != null && !g.prompted() && !g.screenMode() && endReason.equals("exit")) {
      // The host's side ended before the guard's first prompt: its login shell is not bash, a
      // forced command ran instead, or bash exited while reading its startup files.
      String why = status != null && status == BashIntegration.REMOTE_NOT_BASH
          ? "the login shell is not bash 5.1 or later"
          : "the remote ended before the guard's first prompt"
              + (status != null ? ", exit status " + status : signal != null ? ", signal " + signal : "");
      guardedLines(null).guardLost(status != null && status == BashIntegration.REMOTE_NOT_BASH
          ? "remote-shell-not-bash" : "integration-did-not-start",
          "gatehouse: the remote shell did not take the guard's integration (" + why + "); session closed");
      status = null; // the gateway ended the session: no exit status of the host's is passed on
      signal = null;
    }
    ScreenShell sc = screen;
    if (sc != null) {
      sc.end();
    }
    if (g != null) {
      g.end();
    }
    boolean lost = status == null && signal == null && endReason.equals("exit");
    if (lost) {
      endReason = "target-lost";
    }
    if (inputPump != null) {
      inputPump.stop();
    }
    if (!finishRecording(signal == null ? status : null, signal)) {
      return;
    }
    trace.mark("recording-closed");
    if (lost) {
      services.audit().tryRecord(AuditCode.TARGET_FAILED, "sessionId", id, "identity", user.identity(),
          "target", target.name(), "reason", "target-connection-lost");
      sayQuietly("gatehouse: the connection to target '" + target.name() + "' was lost");
    }
    closeHost();
    LOG.info("session {} ended: {} ({})", id, signal != null ? "signal " + signal : "exit " + status, endReason);
    if (signal != null) {
      channel.exitBySignal(signal, false);
    }
    // No status: the gateway ended it (idle, kill, drain...) or the host was lost; never report 0.
    exitCallback.onExit(status == null ? 255 : status);
    trace.mark("exit-sent");
    LOG.debug("session {} timeline (ms since the session's exec or shell request): {}", id, trace);
  }

  private boolean screenOnGuardLost() {
    return services.shell().judge(target).map(j -> j.policy().onGuardLost()
        == dev.gatehouse.policy.shell.ShellPolicy.OnGuardLost.SCREEN).orElse(false);
  }

  /**
   * The host's login shell is not bash and the policy says {@code onGuardLost: screen}: a plain
   * shell channel with the same pty (the integration's lines went to the first one, which is gone)
   * judged from the screen by a {@link ScreenShell}. False when the host refuses the channel (the
   * session then ends as with {@code end}).
   */
  private boolean startScreen() {
    String message = "gatehouse: the remote shell did not take the guard's integration (the login shell is not bash"
        + " 5.1 or later); " + ScreenShell.NOTICE;
    ClientChannel ch;
    try {
      ChannelShell shell = hostSession.createShellChannel(ptyConfig, remoteEnv);
      shell.setUsePty(true);
      shell.setStreaming(StreamingChannel.Streaming.Async);
      shell.open().verify(target.ssh().connectTimeout());
      ch = shell;
    } catch (IOException | RuntimeException e) {
      LOG.warn("session {}: the host refused a shell channel for the screen mode: {}", id, e.toString());
      return false;
    }
    hostChannel = ch;
    RemoteTerminal remote = new RemoteTerminal(ch);
    ScreenShell s = new ScreenShell(guardedLines(null), services.shell().judge(target).orElseThrow(), remote,
        new dev.gatehouse.gateway.terminal.RecordedOutput(guardedOut, this::recordOutput), windowSize(env),
        this::outputMasker);
    guardedLines(null).guardToScreen("remote-shell-not-bash", message);
    outputPumps.set(1);
    screen = s;
    guarded = null;
    ch.addCloseFutureListener(f -> services.timers().schedule(() -> {
      if (!isFinished()) {
        remote.stopReading();
      }
    }, 3, java.util.concurrent.TimeUnit.SECONDS));
    remote.start();
    try {
      s.start(message);
    } catch (IOException e) {
      LOG.debug("session {}: the screen-mode notice: {}", id, e.toString());
    }
    services.pumps().execute(named("out-" + id, () -> {
      try {
        s.pumpOutput();
      } finally {
        outputEnded(null);
      }
    }));
    if (!endReason.equals("exit")) {
      stopTarget(); // ended (drain, kill, client gone) meanwhile
    }
    return true;
  }

  private void failed(String reason, String message) {
    LOG.warn("session {}: {} unavailable: {}", id, target.name(), message);
    services.audit().tryRecord(AuditCode.TARGET_FAILED, "sessionId", id, "identity", user.identity(),
        "target", target.name(), "reason", reason, "detail", message);
    endReason = reason;
    sayQuietly("gatehouse: cannot open target '" + target.name() + "': " + message);
    finishRecording(1, null);
    closeHost();
    exitCallback.onExit(1, message);
  }

  private void resize() {
    WindowSize size = windowSize(env);
    try {
      ScreenShell sc = screen;
      if (sc != null) {
        sc.resize(size);
        recording.resize(size.columns(), size.rows());
        return;
      }
      GuardedShell g = guarded;
      if (g != null) {
        g.resize(size);
        recording.resize(size.columns(), size.rows());
        return;
      }
      if (hostChannel instanceof org.apache.sshd.client.channel.PtyCapableChannelSession p) {
        p.sendWindowChange(size.columns(), size.rows());
      }
      recording.resize(size.columns(), size.rows());
    } catch (IOException e) {
      LOG.debug("session {} resize: {}", id, e.toString());
    }
  }

  @Override
  protected void stopTarget() {
    ClientChannel ch = hostChannel;
    if (ch != null) {
      hangUp(ch);
      ch.close(false);
    } else {
      closeHost();
    }
  }

  /**
   * Hangs up the remote command before its channel is closed. Closing alone ends a command that
   * has a pty (sshd closes the pty: SIGHUP), but OpenSSH leaves a command without one running,
   * orphaned on the host, so a killed, idle, over-long, drained or abandoned session would go on
   * there unseen and unrecorded. A "signal" request (RFC 4254 6.9; OpenSSH 7.9+ delivers it to the
   * session's process group) ends it as a terminal hang-up does. Best effort: close follows anyway.
   */
  private void hangUp(ClientChannel ch) {
    try {
      Buffer b = ch.getSession().createBuffer(SshConstants.SSH_MSG_CHANNEL_REQUEST, 32);
      b.putUInt(ch.getRecipient());
      b.putString("signal");
      b.putBoolean(false); // want-reply
      b.putString("HUP");
      ch.writePacket(b);
    } catch (IOException | RuntimeException e) {
      LOG.debug("session {}: signal HUP to the remote command: {}", id, e.toString());
    }
  }

  private void closeHost() {
    ClientSession s = hostSession;
    if (s != null) {
      s.close(false);
    }
  }

  @Override
  public void destroy(ChannelSession channelSession) {
    cancelHeldExec();
    if (!isFinished()) {
      if (endReason.equals("exit")) {
        endReason = "client-closed";
      }
      stopTarget();
    }
  }

}
