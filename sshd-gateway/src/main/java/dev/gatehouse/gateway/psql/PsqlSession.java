package dev.gatehouse.gateway.psql;

import dev.gatehouse.gateway.GatewayServices;
import dev.gatehouse.gateway.approval.ApprovalGate;
import dev.gatehouse.gateway.auth.AuthenticatedUser;
import dev.gatehouse.gateway.config.TargetConfig;
import dev.gatehouse.gateway.postgres.PgProxyServer;
import dev.gatehouse.gateway.postgres.PostgresTargets;
import dev.gatehouse.gateway.postgres.ResultMasker;
import dev.gatehouse.gateway.postgres.StatementGate;
import dev.gatehouse.gateway.routing.StreamedSession;
import dev.gatehouse.gateway.sandbox.Sandbox;
import dev.gatehouse.gateway.sandbox.SocketDirectories;
import dev.gatehouse.gateway.terminal.ChildProcess;
import dev.gatehouse.gateway.terminal.UnixListener;
import dev.gatehouse.gateway.terminal.UnixUser;
import dev.gatehouse.gateway.terminal.ExitStatus;
import dev.gatehouse.gateway.terminal.WindowSize;
import dev.gatehouse.recorder.AuditCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.Signal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code postgres} target session: real psql on the bastion, talking only to this session's
 * own wire proxy over a private Unix socket; the proxy alone holds the database credentials and
 * judges and masks every statement.
 *
 * <pre>
 *  exec:        ssh prod-db@gw 'SELECT …' ─▶ psql -X -c 'SELECT …' ─▶ proxy ─▶ PostgreSQL
 *               exit 77 and "gatehouse: blocked by rule …" on stderr when the proxy refused it
 *  interactive: ssh -t prod-db@gw ─▶ PsqlConsole (JLine line editing, meta-command guard)
 *               ─▶ complete lines ─▶ psql -n (pty, echo off, no prompts) ─▶ proxy ─▶ PostgreSQL
 * </pre>
 *
 * psql runs in its session's sandbox as the target's runAs user (never root) with
 * PSQLRC=/dev/null, no pager, editor or shell, and no password in its environment.
 */
public final class PsqlSession extends StreamedSession {
  private static final Logger LOG = LoggerFactory.getLogger(PsqlSession.class);
  private static final int EXIT_BLOCKED = 77;
  private static final int EXIT_APPROVAL_REFUSED = 75;
  private static final int EXIT_APPROVAL_PENDING = 76;

  private volatile GatedStatements gate;
  private volatile ResultMasker masker;
  private Path runDir;
  private volatile PgProxyServer proxy;
  private volatile ChildProcess psql;
  /** Counted down once {@link #psql} is set (or its start failed): psql may connect before that. */
  private final java.util.concurrent.CountDownLatch psqlPublished = new java.util.concurrent.CountDownLatch(1);
  private volatile PsqlConsole console;
  /** The refusal's one line took the place of psql's ERROR line on stderr (exec). */
  private volatile boolean refusalShown;

  public PsqlSession(GatewayServices services, TargetConfig target, AuthenticatedUser user, String execCommand) {
    super(services, target, user, execCommand);
  }

  @Override
  protected void begin(Environment env, WindowSize size, String term) {
    if (execCommand == null && !pty) {
      sayQuietly("gatehouse: psql on '" + target.name() + "' needs a terminal (ssh -t), or pass the SQL: ssh "
          + target.name() + "@gatehouse 'SELECT ...'");
      exitCallback.onExit(65, "no terminal");
      return;
    }
    if (!openRecording(size.columns(), size.rows(), term)) {
      exitCallback.onExit(1, "recording unavailable");
      return;
    }
    if (execCommand != null) {
      // The proxy has not heard the server yet: both readings of standard_conforming_strings.
      MetaCommandGuard.Decision d = checkExecText(execCommand, standardConformingStrings());
      if (d instanceof MetaCommandGuard.Refuse r) {
        refused(r);
        return;
      }
    }
    started();
    // Resolving masked columns and starting psql may wait on the database: not on MINA's threads.
    services.pumps().execute(named("psql-start-" + id, () -> launch(env, size, term)));
  }

  private void launch(Environment env, WindowSize size, String term) {
    try {
      PostgresTargets.Access access = services.postgres().open(target);
      gate = new GatedStatements(new ApprovalGate(access.gate(), services.approvals(), target,
          services.postgres().policyFor(target), approvalSession(), noWait()));
      masker = access.masker();
      openProxy();
      try {
        psql = startPsql(size, term);
      } finally {
        psqlPublished.countDown();
      }
    } catch (IOException | RuntimeException e) {
      targetUnavailable("start psql", e);
      end(1, null);
      return;
    }
    if (isFinished()) {
      end(1, null);
      return;
    }
    if (execCommand != null) {
      services.pumps().execute(named("psql-out-" + id, () -> copy(true)));
      services.pumps().execute(named("psql-err-" + id, () -> copy(false)));
      awaitExec();
    } else {
      console = new PsqlConsole(this, in, out, term, size, psql);
      env.addSignalListener((ch, s) -> console.resize(windowSize(env)), Signal.WINCH);
      runConsole();
    }
  }

  /** {@code ssh -o SetEnv=GATEHOUSE_NOWAIT=1}: a statement needing approval returns at once (76). */
  private boolean noWait() {
    return "1".equals(channel.clientEnvironment().get("GATEHOUSE_NOWAIT"));
  }

  /**
   * The exec text may carry meta-commands too (psql -c '\! id' would run a shell). psql -c sends
   * text that does not start with a backslash to the server unlexed; judging every line as the
   * console would is stricter than that, and so safe.
   */
  static MetaCommandGuard.Decision checkExecText(String text, Optional<Boolean> standardConformingStrings) {
    if (text.startsWith("\\") && (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0)) {
      // psql -c with text that starts with a backslash reads ALL of it, newlines included, as one
      // meta-command and its arguments: the guard's line-by-line reading would not be psql's.
      return new MetaCommandGuard.Refuse(text.substring(0, Math.min(text.length(), 40)).split("[\r\n]")[0],
          "a psql meta-command in an exec request must be the only line");
    }
    MetaCommandGuard guard = new MetaCommandGuard(() -> standardConformingStrings);
    MetaCommandGuard.Decision last = new MetaCommandGuard.Pass(true);
    for (String line : text.split("\n", -1)) {
      last = guard.line(line);
      if (last instanceof MetaCommandGuard.Refuse) {
        return last;
      }
    }
    return last;
  }

  void refused(MetaCommandGuard.Refuse r) {
    services.audit().tryRecord(AuditCode.STATEMENT_BLOCKED, "sessionId", id, "identity", user.identity(),
        "target", target.name(), "rule", "psql-meta-command", "reason", r.reason(), "statement", r.command());
    try {
      recording.marker("blocked psql-meta-command: " + dev.gatehouse.recorder.StatementMarker.text(r.command()));
    } catch (IOException e) {
      recordingFailed(e);
    }
    if (execCommand != null) {
      sayQuietly("gatehouse: blocked by rule psql-meta-command: " + r.reason());
      endReason = "blocked";
      finishRecording(EXIT_BLOCKED, null);
      exitCallback.onExit(EXIT_BLOCKED, r.reason());
    }
  }

  /**
   * This session's proxy socket, in a directory of its own. The socket is reachable only through
   * the psql sandbox's bind of that directory, and the proxy serves only processes inside this
   * session's sandbox (checked per connection from the kernel's peer credentials): knowing the
   * path, or sharing the runAs uid, does not let another session or a local user in.
   */
  private void openProxy() throws IOException {
    runDir = SocketDirectories.create();
    Path socket = runDir.resolve(".s.PGSQL.5432");
    UnixUser runAs = services.runAsUsers().get(target.name());
    int expectedUid = runAs != null ? runAs.uid() : UnixUser.currentUid();
    proxy = PgProxyServer.unix(socket, peer -> ownPsql(peer, expectedUid), target.postgres(), gate, masker,
        statementLog(null), services.cancels());
    Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
  }

  /** Whether the connecting process is this session's psql (or runs inside its sandbox). */
  private boolean ownPsql(UnixListener.Peer peer, int expectedUid) {
    // psql can connect before the thread that started it has stored it (a busy machine): wait for
    // that, briefly; a connection before any psql was started is still refused after the wait.
    try {
      psqlPublished.await(10, java.util.concurrent.TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    ChildProcess p = psql;
    boolean ok = p != null && peer.uid() == expectedUid && Sandbox.isDescendant(peer.pid(), p.pid());
    if (!ok) {
      services.audit().tryRecord(AuditCode.CONNECTION_REFUSED, "sessionId", id, "identity", user.identity(),
          "target", target.name(), "reason", "foreign-socket-peer", "peerPid", peer.pid(), "peerUid", peer.uid(),
          "detail", "a process outside this session's sandbox connected to its psql socket");
    }
    return ok;
  }

  private ChildProcess startPsql(WindowSize size, String term) throws IOException {
    Map<String, String> env = new LinkedHashMap<>(target.env());
    env.put("PGHOST", Sandbox.PSQL_SOCKET_DIR);
    env.put("PGPORT", "5432");
    env.put("PGUSER", "gatehouse"); // ignored by the proxy: the target's own user is used upstream
    env.put("PGDATABASE", target.postgres().database());
    env.put("PGAPPNAME", "gatehouse/" + user.identity());
    env.put("PSQLRC", "/dev/null");
    env.put("PSQL_HISTORY", "/dev/null");
    env.put("PAGER", "");
    env.put("PSQL_PAGER", "");
    env.put("EDITOR", "/bin/false");
    env.put("PSQL_EDITOR", "/bin/false");
    env.put("SHELL", "/bin/false");
    env.put("HOME", "/nonexistent");
    for (Map.Entry<String, String> c : channel.clientEnvironment().entrySet()) {
      if (c.getKey().equals("LANG") || c.getKey().startsWith("LC_")) {
        env.put(c.getKey(), c.getValue());
      }
    }
    UnixUser runAs = services.runAsUsers().get(target.name());
    List<String> args = new ArrayList<>(List.of("-X"));
    if (execCommand != null) {
      args.addAll(List.of("-v", "ON_ERROR_STOP=1", "-c", execCommand));
      return ChildProcess.startWithPipes(services.sandbox().psql(runAs, runDir, args, false), env);
    }
    env.put("TERM", term);
    // -n: no readline (the gateway edits lines); no prompts: the gateway draws them.
    args.addAll(List.of("-n", "-v", "PROMPT1=", "-v", "PROMPT2=", "-v", "PROMPT3="));
    ChildProcess p = ChildProcess.startWithPty(services.sandbox().psql(runAs, runDir, args, true), env, size);
    p.forLineEditor();
    return p;
  }


  /**
   * Exec: psql's stdout and stderr to the client, recorded; stderr line by line, so that the
   * proxy's refusal can be told apart (see errorLine).
   */
  private void copy(boolean stdout) {
    try {
      relayChildOutput(psql, stdout, this::errorLine);
    } catch (IOException e) {
      LOG.debug("session {} psql pump ended: {}", id, e.toString());
    }
  }

  /**
   * One line of psql's stderr as the user sees it. psql prints the proxy's refusal as {@code ERROR:
   * blocked by rule …}; the user gets the one documented line {@code gatehouse: blocked by rule …}
   * in its place (and not both), at the same point of the output.
   */
  private byte[] errorLine(byte[] line) {
    GatedStatements.Refusal refusal = gate.lastRefusal();
    if (refusal == null) {
      return line;
    }
    String text = new String(line, StandardCharsets.UTF_8);
    if (!text.strip().equals("ERROR:  " + refusal.describe())) {
      return line;
    }
    refusalShown = true;
    return utf8("gatehouse: " + refusal.describe() + "\n");
  }

  private void awaitExec() {
    ExitStatus status;
    try {
      psql.closeInput();
      status = psql.waitFor();
      Thread.sleep(100); // the pumps' last bytes
    } catch (InterruptedException | IOException e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      psql.kill();
      status = new ExitStatus(255, "KILL", false);
    }
    int code = status.code();
    GatedStatements.Refusal refusal = gate.lastRefusal();
    if (refusal != null) {
      // The contract for agents: one stderr line. Normally it took the place of psql's ERROR line
      // (errorLine); when psql printed none, it is said here.
      if (!refusalShown) {
        sayQuietly("gatehouse: " + refusal.describe());
      }
      code = refusal.exitCode();
      endReason = refusal.verdict();
    }
    end(code, status.signalled() ? status.signal() : null);
  }

  private void runConsole() {
    int code = 0;
    try {
      code = console.run();
    } catch (IOException | RuntimeException e) {
      LOG.warn("session {} console ended: {}", id, e.toString());
    }
    end(code, null);
  }

  private void end(int code, String signal) {
    if (!finishRecording(signal == null ? code : null, signal)) {
      closeProxy();
      return;
    }
    endChild(psql);
    closeProxy();
    exited(code);
  }

  private void closeProxy() {
    try {
      if (proxy != null) {
        proxy.close();
      }
      if (runDir != null) {
        Files.deleteIfExists(runDir.resolve(".s.PGSQL.5432"));
        Files.deleteIfExists(runDir);
      }
    } catch (IOException e) {
      LOG.debug("session {}: cleaning up the proxy socket: {}", id, e.toString());
    }
  }

  @Override
  protected void stopTarget() {
    PsqlConsole c = console;
    if (c != null) {
      c.stop();
    }
    if (psql != null) {
      psql.hangUp();
      psql.kill();
    }
  }

  // ---- what the console needs ----

  /** The session's standard_conforming_strings as the proxy last heard it; empty before that. */
  Optional<Boolean> standardConformingStrings() {
    PgProxyServer p = proxy;
    return p == null ? Optional.empty() : p.standardConformingStrings();
  }

  void recordOutput(byte[] b, int off, int len) throws IOException {
    touch();
    recording.output(b, off, len);
  }

  void recordInput(byte[] b, int off, int len) throws IOException {
    touch();
    recording.input(b, off, len);
  }

  void recordResize(WindowSize size) {
    try {
      recording.resize(size.columns(), size.rows());
    } catch (IOException e) {
      recordingFailed(e);
    }
  }

  /**
   * The session's gate, remembering the last refusal so an exec can exit with its code and reason:
   * 77 blocked (or a review nobody can approve), 76 approval pending ({@code GATEHOUSE_NOWAIT}),
   * 75 denied, expired or cancelled.
   */
  static final class GatedStatements extends dev.gatehouse.gateway.postgres.ForwardingStatementGate {
    record Refusal(String verdict, String rule, String reason) {
      String describe() {
        return new Decision(verdict, rule, reason).describe();
      }

      int exitCode() {
        return switch (verdict) {
          case Decision.PENDING -> EXIT_APPROVAL_PENDING;
          case Decision.DENIED, Decision.EXPIRED, Decision.CANCELLED -> EXIT_APPROVAL_REFUSED;
          default -> EXIT_BLOCKED;
        };
      }
    }

    private final AtomicReference<Refusal> last;

    GatedStatements(StatementGate inner) {
      this(inner, new AtomicReference<>());
    }

    private GatedStatements(StatementGate inner, AtomicReference<Refusal> last) {
      super(inner);
      this.last = last;
    }

    /** A connection's own gate; its refusals are this session's (the exec's exit code reads them). */
    @Override
    public StatementGate forConnection() {
      return new GatedStatements(inner.forConnection(), last);
    }

    @Override
    public Decision judge(String sql) {
      return remember(inner.judge(sql));
    }

    @Override
    public Decision judge(String sql, dev.gatehouse.policy.StandardConformingStrings standardStrings) {
      return remember(inner.judge(sql, standardStrings));
    }

    @Override
    public Decision settle(String sql, dev.gatehouse.policy.StandardConformingStrings standardStrings, Decision review,
        Hold hold) {
      return remember(inner.settle(sql, standardStrings, review, hold));
    }

    @Override
    public void refusedLater(String sql, Decision refusal) {
      remember(refusal);
    }

    private Decision remember(Decision d) {
      if (d.allowed()) {
        last.set(null);
      } else {
        last.set(new Refusal(d.verdict(), d.rule(), d.reason()));
      }
      return d;
    }

    Refusal lastRefusal() {
      return last.get();
    }
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
