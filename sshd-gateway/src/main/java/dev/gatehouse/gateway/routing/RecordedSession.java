package dev.gatehouse.gateway.routing;

import dev.gatehouse.gateway.GatewayServices;
import dev.gatehouse.gateway.auth.AuthenticatedUser;
import dev.gatehouse.gateway.config.Durations;
import dev.gatehouse.gateway.config.TargetConfig;
import dev.gatehouse.gateway.session.LiveSession;
import dev.gatehouse.gateway.session.SessionIds;
import dev.gatehouse.gateway.session.SessionRecording;
import dev.gatehouse.gateway.terminal.WindowSize;
import dev.gatehouse.recorder.AuditCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.sshd.server.Environment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every target session shares, whatever carries its bytes: the recording opened before the
 * target starts, the idle and maximum-length limits, ending with a message the user sees, and
 * closing the recording exactly once.
 */
public abstract class RecordedSession implements LiveSession {
  private static final Logger LOG = LoggerFactory.getLogger(RecordedSession.class);

  protected final GatewayServices services;
  protected final TargetConfig target;
  protected final AuthenticatedUser user;
  protected final String execCommand; // null for an interactive session
  protected final String id = SessionIds.next();
  protected volatile SessionRecording recording;
  protected volatile String endReason = "exit";
  private final AtomicBoolean finished = new AtomicBoolean();
  private final AtomicBoolean terminating = new AtomicBoolean();
  private final List<ScheduledFuture<?>> timers = new ArrayList<>();
  private volatile long lastActivity = System.nanoTime();
  private final List<dev.gatehouse.policy.OutputMasker> maskers = new java.util.concurrent.CopyOnWriteArrayList<>();

  protected RecordedSession(GatewayServices services, TargetConfig target, AuthenticatedUser user, String execCommand) {
    this.services = services;
    this.target = target;
    this.user = user;
    this.execCommand = execCommand;
  }

  @Override
  public final String id() {
    return id;
  }

  @Override
  public final AuthenticatedUser user() {
    return user;
  }

  @Override
  public final String target() {
    return target.name();
  }

  /** Writes one line the user sees (on the terminal with a pty, else on stderr). */
  protected abstract void tellUser(byte[] line) throws IOException;

  /** Whether the user's side is a terminal (lines need CR LF). */
  protected abstract boolean userHasTerminal();

  /** Stops the target side: hang up the child, close the downstream channel. */
  protected abstract void stopTarget();

  /**
   * Opens the recording; on failure tells the user and returns false: nothing runs unrecorded.
   */
  protected final boolean openRecording(int columns, int rows, String term) {
    try {
      if (services.config().recording().diskTooFull(services.config().dataDir())) {
        LOG.error("session {} refused: the data disk is below recording.minFreeDisk ({})", id,
            services.config().recording().minFreeDisk());
        services.audit().tryRecord(AuditCode.SESSION_REFUSED, "identity", user.identity(), "target", target.name(),
            "reason", "low-disk", "minFreeDisk", services.config().recording().minFreeDisk());
        sayQuietly("gatehouse: session refused: the bastion's recording disk is nearly full; tell its operator");
        return false;
      }
    } catch (IOException e) {
      LOG.error("session {} refused: cannot read free disk space: {}", id, e.toString());
      sayQuietly("gatehouse: session refused: the recording disk cannot be checked");
      return false;
    }
    try {
      recording =
          SessionRecording.open(
              services.config().dataDir(), services.index(), services.audit(), id, user, target.name(),
              columns, rows, term,
              execCommand == null ? target.name() : target.name() + ": " + dev.gatehouse.recorder.VisibleText.inline(execCommand),
              services.config().recording().input(), indexedCommand());
      if (execCommand != null) {
        recording.marker("exec: " + dev.gatehouse.recorder.StatementMarker.text(execCommand));
      }
      return true;
    } catch (IOException | RuntimeException e) {
      LOG.error("session {} refused: recording unavailable: {}", id, e.toString());
      services.audit().tryRecord(AuditCode.RECORDING_FAILED, "sessionId", id, "identity", user.identity(),
          "target", target.name(), "error", String.valueOf(e.getMessage()));
      sayQuietly("gatehouse: session refused: the recording cannot be written (" + e.getMessage() + ")");
      return false;
    }
  }

  /** The command the session index shows for this session: the client's exec command, if any. */
  protected String indexedCommand() {
    return execCommand;
  }

  /** Registers the session and starts the idle and maximum-length clocks. */
  protected final void started() {
    services.registry().add(this);
    timers.add(services.timers().schedule(
        () -> terminate("max-session-length",
            "gatehouse: the session reached its maximum length (" + Durations.format(target.maxSessionLength()) + "); closed"),
        target.maxSessionLength().toMillis(), TimeUnit.MILLISECONDS));
    long idleMs = target.idleTimeout().toMillis();
    long period = Math.max(200, Math.min(idleMs / 4, 5000));
    timers.add(services.timers().scheduleAtFixedRate(() -> {
      if (TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastActivity) >= idleMs) {
        terminate("idle-timeout", "gatehouse: idle for " + Durations.format(target.idleTimeout()) + "; session closed");
      }
    }, period, period, TimeUnit.MILLISECONDS));
  }

  @Override
  public final void checkpoint() {
    SessionRecording r = recording;
    if (r != null) {
      r.checkpoint();
    }
  }

  protected final void touch() {
    lastActivity = System.nanoTime();
  }

  protected final boolean isFinished() {
    return finished.get();
  }

  @Override
  public final boolean ended() {
    return finished.get();
  }

  @Override
  public final void warn(String message) {
    mark(message);
    sayQuietly(message);
  }

  /**
   * A masker for one output stream of this session (stdout, stderr, or the terminal), writing to
   * {@code sink} (which records, then shows); null when the target's policy masks no output. Its
   * counts go into the session-end line.
   */
  protected final dev.gatehouse.policy.OutputMasker outputMasker(dev.gatehouse.policy.OutputMasker.Sink sink) {
    var detectors = services.shell().outputDetectors(target);
    if (detectors.isEmpty()) {
      return null;
    }
    var m = new dev.gatehouse.policy.OutputMasker(detectors.get(), dev.gatehouse.policy.MaskForm.FULL, sink);
    maskers.add(m);
    return m;
  }

  /**
   * The output masker failed: the session ends (fail closed; the bytes it could not judge are not
   * shown), audited as {@code masking-failed}.
   */
  protected final void outputMaskingFailed(RuntimeException e) {
    LOG.error("session {}: output masking failed; ending the session", id, e);
    terminate("masking-failed", "gatehouse: the output could not be masked; session closed");
  }

  /**
   * Closes the recording, the index row and the session-end audit line; true only the first time.
   */
  protected final boolean finishRecording(Integer exitStatus, String signal) {
    if (!finished.compareAndSet(false, true)) {
      return false;
    }
    timers.forEach(t -> t.cancel(false));
    if (!maskers.isEmpty() && recording != null) {
      java.util.Map<String, Long> masked = new java.util.TreeMap<>();
      for (var m : maskers) {
        m.maskedCounts().forEach((k, v) -> masked.merge(k, v, Long::sum));
      }
      recording.maskedValues(masked);
    }
    try {
      if (recording != null) {
        recording.close(exitStatus, signal, endReason);
      }
    } finally {
      // Only after the session-end line: the gateway's drain waits for an empty registry before
      // it writes its stop line and closes the audit log.
      services.registry().remove(this);
    }
    return true;
  }

  @Override
  public final void terminate(String reason, String message) {
    if (finished.get() || !terminating.compareAndSet(false, true)) {
      return;
    }
    endReason = reason;
    byte[] line = framed(message);
    try {
      recording.output(line, 0, line.length);
      recording.marker("gatehouse: " + dev.gatehouse.recorder.VisibleText.inline(reason));
    } catch (IOException e) {
      // Ending anyway.
    }
    try {
      tellUser(line);
    } catch (IOException e) {
      // The client may already be gone.
    }
    services.audit().tryRecord(AuditCode.SESSION_KILLED, "sessionId", id, "identity", user.identity(),
        "target", target.name(), "reason", reason);
    stopTarget();
  }

  /** The recording failed mid-session: the session ends, the user is told why. */
  protected final void recordingFailed(IOException e) {
    if (e instanceof dev.gatehouse.gateway.session.RecordingEnded) {
      // Output raced the session's own close: not shown, not a failure of the recording.
      LOG.debug("session {}: {}", id, e.getMessage());
      return;
    }
    LOG.error("session {}: recording failed, ending the session: {}", id, e.toString());
    services.audit().tryRecord(AuditCode.RECORDING_FAILED, "sessionId", id, "error", String.valueOf(e.getMessage()));
    if (terminating.compareAndSet(false, true)) {
      endReason = "recording-failed";
      sayQuietly("gatehouse: the recording cannot be written; session closed");
      stopTarget();
    }
  }

  /**
   * An allow-list shell policy admits an interactive session only where the gateway owns the
   * prompt (a terminal), so that it judges each line. For an interactive session of such a target
   * without it ({@code gatewayOwnsPrompt} false): ends it as refused, telling the user why, and
   * returns true; the caller then finishes the recording with the blocked exit status.
   */
  protected final boolean refusesInteractiveWithoutPrompt(boolean gatewayOwnsPrompt) {
    if (execCommand != null || gatewayOwnsPrompt || !services.shell().judge(target).map(j -> j.policy().mode()
        == dev.gatehouse.policy.shell.ShellPolicy.Mode.ALLOW_LIST).orElse(false)) {
      return false;
    }
    endReason = "refused";
    sayQuietly("gatehouse: target '" + target.name() + "' has an allow-list shell policy: an interactive session"
        + " needs a terminal (ssh -t), so that the gateway can judge each line");
    return true;
  }

  protected final void sayQuietly(String message) {
    try {
      tellUser(framed(message));
    } catch (IOException ignored) {
      // Client gone.
    }
  }

  private byte[] framed(String message) {
    boolean tty = userHasTerminal();
    return ((tty ? "\r\n" : "") + message + (tty ? "\r\n" : "\n")).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * A statement was judged (and, if allowed, run): its audit line and its marker in the
   * recording. Allowed statements are audited in groups (the answer does not wait for the disk);
   * a refusal is written before the user sees it. {@code via} names the path (null: the session's
   * own terminal or exec).
   */
  protected final void statementJudged(
      String sql, String verdict, String rule, String reason, long rows, java.time.Duration duration, String via) {
    touch();
    Object[] fields = {"sessionId", id, "identity", user.identity(), "target", target.name(), "statement", sql,
        "verdict", verdict, "rule", rule, "reason", reason, "rows", rows,
        "durationMs", duration == null ? null : duration.toMillis(), "via", via};
    auditJudged(verdict, fields);
    try {
      recording.marker(verdict + (rule == null ? "" : " " + rule) + ": " + dev.gatehouse.recorder.StatementMarker.text(sql));
    } catch (IOException e) {
      recordingFailed(e);
    }
  }

  /**
   * The audit line of a judged statement, request or command: allowed ones in groups (the answer
   * does not wait for the disk), a refusal or review written at once.
   */
  private void auditJudged(String verdict, Object[] fields) {
    AuditCode code = switch (verdict) {
      case "allow" -> AuditCode.STATEMENT_ALLOWED;
      case "review" -> AuditCode.REVIEW_REQUESTED;
      default -> AuditCode.STATEMENT_BLOCKED;
    };
    if (code == AuditCode.STATEMENT_ALLOWED) {
      services.audit().recordLater(code, fields);
    } else {
      services.audit().tryRecord(code, fields);
    }
  }

  /**
   * A Kubernetes API request went through the session's proxy (or was refused there): an audit line
   * always; a recording marker ({@code verdict rule: request -> status (ms)}) unless {@code marker}
   * is false (discovery and health checks, which kubectl sends before every command).
   */
  protected final void requestJudged(String request, String verdict, String rule, String reason, int status,
      long millis, String via, boolean marker) {
    touch();
    Object[] fields = {"sessionId", id, "identity", user.identity(), "target", target.name(), "request", request,
        "verdict", verdict, "rule", rule, "reason", reason, "status", status, "durationMs", millis, "via", via};
    auditJudged(verdict, fields);
    if (marker) {
      mark(verdict + (rule == null ? "" : " " + rule) + ": " + dev.gatehouse.recorder.StatementMarker.text(request)
          + " -> " + status + " (" + millis + " ms)");
    }
  }

  /**
   * A statement's statement log for the wire proxy: every judged statement, and the full text of
   * errors and notices the client got hidden because the statement touches a masked column.
   */
  protected final dev.gatehouse.gateway.postgres.StatementLog statementLog(String via) {
    return new dev.gatehouse.gateway.postgres.StatementLog() {
      @Override
      public void statement(String sql, String verdict, String rule, String reason, long rows,
          java.time.Duration duration) {
        statementJudged(sql, verdict, rule, reason, rows, duration, via);
      }

      @Override
      public void errorHidden(String sql, String sqlState, String text) {
        statementErrorHidden(sql, sqlState, text, via);
      }
    };
  }

  /**
   * The original of an error or notice hidden from the client: in the audit log only. The
   * recording gets a marker with the SQLSTATE alone, as the client's screen shows no more.
   */
  protected final void statementErrorHidden(String sql, String sqlState, String text, String via) {
    services.audit().tryRecord(AuditCode.STATEMENT_ERROR_HIDDEN, "sessionId", id, "identity", user.identity(),
        "target", target.name(), "statement", sql, "sqlState", sqlState, "error", text, "via", via);
    mark("error hidden (SQLSTATE " + sqlState + "): the statement reads a masked column");
  }

  private volatile Runnable heldExecCancel;

  /**
   * The shell guard on an exec request ({@code ssh web-1@gw 'CMD'}) of a target with a {@code type:
   * shell} policy: judges CMD before anything runs, audits and marks the verdict, and settles a
   * review with approvals (this call then waits: run it off MINA's I/O threads). Returns null when
   * CMD may run; otherwise the exit code, the user having been told why in one line.
   */
  protected final Integer guardExec(GatewayChannel channel) {
    if (execCommand == null) {
      return null;
    }
    var judge = services.shell().judge(target);
    if (judge.isEmpty()) {
      return null;
    }
    if (channel.execNotText()) {
      commandJudged(execCommand, "block", "not-text", "the command is not text (invalid UTF-8 or a NUL byte)", List.of(), "exact");
      endReason = "refused";
      sayQuietly("gatehouse: the command is not text (invalid UTF-8 or a NUL byte)");
      return dev.gatehouse.gateway.shell.ExecGuard.EXIT_NOT_TEXT;
    }
    dev.gatehouse.policy.shell.ShellJudgement j;
    try {
      j = judge.get().judge(execCommand);
    } catch (RuntimeException | LinkageError e) {
      // Fail closed: a command the guard could not judge does not run.
      LOG.error("session {}: the shell guard failed on an exec command; refusing it", id, e);
      commandJudged(execCommand, "block", "guard-failed", "the command could not be judged", List.of(), "exact");
      endReason = "refused";
      sayQuietly("gatehouse: blocked by rule guard-failed: the command could not be judged");
      return dev.gatehouse.gateway.shell.ExecGuard.EXIT_BLOCKED;
    }
    dev.gatehouse.policy.Verdict v = j.verdict();
    commandJudged(execCommand, v.label(), v.rule(), v.reason(), j.commands(), "exact");
    boolean noWait = "1".equals(channel.clientEnvironment().get("GATEHOUSE_NOWAIT"));
    dev.gatehouse.gateway.approval.ApprovalGate gate = dev.gatehouse.gateway.approval.ApprovalGate.forCommands(
        services.approvals(), target, rule -> judge.get().policy().approversOf(rule), approvalSession(), noWait);
    dev.gatehouse.gateway.postgres.StatementGate.Decision d =
        dev.gatehouse.gateway.shell.ExecGuard.decide(j, execCommand, gate, new dev.gatehouse.gateway.postgres.StatementGate.Hold() {
          @Override
          public void notice(String message) {
            sayQuietly("gatehouse: " + dev.gatehouse.recorder.VisibleText.inline(message));
          }

          @Override
          public AutoCloseable onCancel(Runnable onCancel) {
            heldExecCancel = onCancel;
            return () -> heldExecCancel = null;
          }
        });
    if (d.allowed()) {
      return null;
    }
    endReason = d.verdict();
    sayQuietly("gatehouse: " + dev.gatehouse.recorder.VisibleText.inline(d.describe()));
    return dev.gatehouse.gateway.shell.ExecGuard.exitCode(d);
  }

  /** The client went away while an exec command waited for approval: its request is cancelled. */
  protected final void cancelHeldExec() {
    Runnable r = heldExecCancel;
    if (r != null) {
      r.run();
    }
  }

  /**
   * A shell command was judged: its audit line (the command's text, verdict, rule, reason, the
   * names of the commands in it, and {@code source}: {@code exact} when read from the exact text)
   * and its marker in the recording.
   */
  protected final void commandJudged(String text, String verdict, String rule, String reason, List<String> commands,
      String source) {
    touch();
    Object[] fields = {"sessionId", id, "identity", user.identity(), "target", target.name(), "statement", text,
        "verdict", verdict, "rule", rule, "reason", reason, "commands", commands, "source", source};
    auditJudged(verdict, fields);
    mark(verdict + (rule == null ? "" : " " + rule) + " (" + source + "): " + dev.gatehouse.recorder.StatementMarker.text(text));
  }

  /** What an approval gate needs of this session: its id, the person, and markers. */
  protected final dev.gatehouse.gateway.approval.ApprovalGate.Session approvalSession() {
    return new dev.gatehouse.gateway.approval.ApprovalGate.Session() {
      @Override
      public String sessionId() {
        return id;
      }

      @Override
      public String identity() {
        return user.identity();
      }

      @Override
      public void marker(String text) {
        mark(text);
      }
    };
  }

  /** A marker in this session's recording (an approval asked for, or used). */
  protected final void mark(String text) {
    try {
      recording.marker(text);
    } catch (IOException e) {
      recordingFailed(e);
    }
  }

  /**
   * The guarded prompt's hooks into this session: its lines in the audit log and the recording (as
   * exec commands are), approvals, and the session's end when the guard is lost.
   * {@code notIntegrated} words the start of the line shown when the integration never came up (null: the
   * guarded shell's own wording).
   */
  protected final dev.gatehouse.gateway.shell.GuardedShell.Session guardedLines(
      java.util.function.UnaryOperator<String> notIntegrated) {
    return new GuardedLines(notIntegrated);
  }

  /** The guarded prompt's lines in this session's audit log and recording, as exec commands are. */
  private final class GuardedLines implements dev.gatehouse.gateway.shell.GuardedShell.Session {
    private final java.util.function.UnaryOperator<String> notIntegrated;

    GuardedLines(java.util.function.UnaryOperator<String> notIntegrated) {
      this.notIntegrated = notIntegrated;
    }

    @Override
    public String notIntegrated(String why) {
      return notIntegrated == null ? dev.gatehouse.gateway.shell.GuardedShell.Session.super.notIntegrated(why)
          : notIntegrated.apply(why);
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public void judged(String text, dev.gatehouse.policy.shell.ShellJudgement j) {
      dev.gatehouse.policy.Verdict v = j.verdict();
      if (v instanceof dev.gatehouse.policy.Verdict.Allow) {
        // Audited when it finishes, with its exit status and duration; marked now, where it starts.
        touch();
        mark("allow (exact): " + dev.gatehouse.recorder.StatementMarker.text(text));
        commands.put(text, j.commands());
        return;
      }
      commandJudged(text, v.label(), v.rule(), v.reason(), j.commands(), "exact");
      commands.put(text, j.commands());
    }

    @Override
    public void refused(String text, String rule, String reason) {
      commandJudged(text, "block", rule, reason, List.of(), "exact");
    }

    @Override
    public dev.gatehouse.gateway.postgres.StatementGate.Decision settle(dev.gatehouse.policy.shell.ShellJudgement j,
        String text, dev.gatehouse.gateway.postgres.StatementGate.Hold hold) {
      var judge = services.shell().judge(target).orElseThrow();
      var gate = dev.gatehouse.gateway.approval.ApprovalGate.forCommands(services.approvals(), target,
          rule -> judge.policy().approversOf(rule), approvalSession(), false);
      return gate.settle(text, dev.gatehouse.gateway.shell.ExecGuard.key(text),
          new dev.gatehouse.gateway.postgres.StatementGate.Decision(
              dev.gatehouse.gateway.postgres.StatementGate.Decision.REVIEW, j.verdict().rule(), j.verdict().reason()),
          hold);
    }

    @Override
    public void finished(String text, String verdict, String rule, Integer exitStatus, Long millis) {
      List<String> names = commands.remove(text);
      services.audit().recordLater(dev.gatehouse.recorder.AuditCode.STATEMENT_ALLOWED, "sessionId", id,
          "identity", user.identity(), "target", target.name(), "statement", text, "verdict", "allow", "rule", rule,
          "reason", rule == null ? null : "approved", "commands", names == null ? List.of() : names, "source", "exact",
          "exitStatus", exitStatus, "durationMs", millis);
      mark((exitStatus == null ? "ended" : "exit " + exitStatus) + (millis == null ? "" : " (" + millis + " ms)") + ": "
          + dev.gatehouse.recorder.StatementMarker.text(text));
    }

    @Override
    public void drained(String text, String verdict, String rule) {
      List<String> names = commands.remove(text);
      services.audit().recordLater(dev.gatehouse.recorder.AuditCode.STATEMENT_ALLOWED, "sessionId", id,
          "identity", user.identity(), "target", target.name(), "statement", text, "verdict", "allow", "rule", rule,
          "reason", rule == null ? null : "approved", "commands", names == null ? List.of() : names, "source", "exact",
          "ran", false, "exitStatus", null, "durationMs", null);
      mark("not run (thrown away at the prompt): " + dev.gatehouse.recorder.StatementMarker.text(text));
    }

    @Override
    public void guardSuspended(String text, boolean resumed) {
      services.audit().tryRecord(dev.gatehouse.recorder.AuditCode.SHELL_GUARD_SUSPENDED, "sessionId", id,
          "identity", user.identity(), "target", target.name(), "statement", text,
          "state", resumed ? "resumed" : "suspended");
      mark((resumed ? "guard resumed after: " : "guard suspended while it runs: ")
          + dev.gatehouse.recorder.StatementMarker.text(text));
    }

    @Override
    public void guardLost(String reason, String message) {
      services.audit().tryRecord(dev.gatehouse.recorder.AuditCode.SHELL_GUARD_LOST, "sessionId", id,
          "identity", user.identity(), "target", target.name(), "reason", reason, "mode", "end");
      terminate("guard-lost", message);
    }

    @Override
    public void guardToScreen(String reason, String message) {
      services.audit().tryRecord(dev.gatehouse.recorder.AuditCode.SHELL_GUARD_LOST, "sessionId", id,
          "identity", user.identity(), "target", target.name(), "reason", reason, "mode", "screen");
      mark("guard lost (" + reason + "): " + dev.gatehouse.gateway.shell.ScreenShell.NOTICE);
    }

    @Override
    public void screenJudged(String text, dev.gatehouse.policy.shell.ShellJudgement j) {
      dev.gatehouse.policy.Verdict v = j.verdict();
      commandJudged(text, v.label(), v.rule(), v.reason(), j.commands(), "screen");
    }

    @Override
    public void screenRefused(String text, String rule, String reason) {
      commandJudged(text, "block", rule, reason, List.of(), "screen");
    }

    @Override
    public void touch() {
      RecordedSession.this.touch();
    }

    @Override
    public void outputMaskingFailed(RuntimeException e) {
      RecordedSession.this.outputMaskingFailed(e);
    }
  }

  /** The command names of lines judged and not yet finished (for their audit line). */
  private final java.util.Map<String, List<String>> commands = new java.util.concurrent.ConcurrentHashMap<>();

  /** A numeric value the client sent in its pty or window-change request (0 when absent or bad). */
  protected static int intEnv(Environment env, String key) {
    try {
      return Integer.parseInt(env.getEnv().getOrDefault(key, "0"));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** The window the client asked for in its pty or window-change request. */
  protected static WindowSize windowSize(Environment env) {
    return new WindowSize(intEnv(env, Environment.ENV_COLUMNS), intEnv(env, Environment.ENV_LINES));
  }

  /** The client's terminal type ({@code dumb} when it sent none). */
  protected static String terminalType(Environment env) {
    return env.getEnv().getOrDefault(Environment.ENV_TERM, "dumb");
  }

  protected static Runnable named(String name, Runnable r) {
    return () -> {
      Thread t = Thread.currentThread();
      String old = t.getName();
      t.setName("gh-" + name);
      try {
        r.run();
      } finally {
        t.setName(old);
      }
    };
  }
}
