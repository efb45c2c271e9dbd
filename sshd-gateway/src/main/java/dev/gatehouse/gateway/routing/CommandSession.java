package dev.gatehouse.gateway.routing;

import dev.gatehouse.gateway.GatewayServices;
import dev.gatehouse.gateway.auth.AuthenticatedUser;
import dev.gatehouse.gateway.config.TargetConfig;
import dev.gatehouse.gateway.sandbox.Sandbox;
import dev.gatehouse.gateway.terminal.ChildProcess;
import dev.gatehouse.gateway.terminal.ExitStatus;
import dev.gatehouse.gateway.terminal.OutputBuffer;
import dev.gatehouse.gateway.terminal.WindowSize;
import dev.gatehouse.policy.OutputMasker;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.Signal;
import org.apache.sshd.server.channel.ChannelDataReceiver;
import org.apache.sshd.server.channel.ChannelSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * A {@code command} target session: the target's argv under a pseudo-terminal (shell, or exec
 * with a pty) or on pipes (exec without a pty, so stdout stays clean), every byte recorded.
 *
 * <pre>
 *  client ──data──▶ InputPump (queue; SSH window released after the write) ──▶ child stdin / pty
 *  child stdout/pty ──▶ output pump: [OutputMasker] recording.output() then channel out (blocks on the SSH window)
 *                       (a guarded prompt: GuardedShell's pump, markers removed, then the same [OutputMasker])
 *  child stderr ──▶ error pump: [OutputMasker] recording.output() then channel err        (pipes only)
 *  waiter: waitpid ─▶ drain pumps ─▶ close recording ─▶ exit-status | exit-signal
 * </pre>
 */
final class CommandSession extends StreamedSession {
  private static final Logger LOG = LoggerFactory.getLogger(CommandSession.class);
  private static final Duration DRAIN_AFTER_EXIT = Duration.ofSeconds(2);
  private static final Duration KILL_AFTER_HANGUP = Duration.ofSeconds(2);
  private static final int CHUNK = 256 * 1024;

  private final CountDownLatch pumpsDone = new CountDownLatch(2);
  private volatile ChildProcess child;
  private volatile InputPump inputPump;
  /** The gateway's own prompt in front of an interactive bash with a shell policy; null otherwise. */
  private volatile dev.gatehouse.gateway.shell.GuardedShell guarded;

  CommandSession(GatewayServices services, TargetConfig target, AuthenticatedUser user, String execCommand) {
    super(services, target, user, execCommand);
  }

  /** Client input arrives through the ChannelDataReceiver installed here, not the channel's input stream. */
  @Override
  protected void begin(Environment env, WindowSize size, String term) {
    try (var ignored = MDC.putCloseable("session", id)) {
      if (!openRecording(size.columns(), size.rows(), term)) {
        exitCallback.onExit(1, "recording unavailable");
        return;
      }
      // Client input waits in the pump's queue until the child runs (the shell guard may first
      // hold an exec command for approval).
      if (refusesInteractiveWithoutPrompt(guardsPrompt())) {
        if (finishRecording(dev.gatehouse.gateway.shell.ExecGuard.EXIT_BLOCKED, null)) {
          exitCallback.onExit(dev.gatehouse.gateway.shell.ExecGuard.EXIT_BLOCKED, endReason);
        }
        return;
      }
      inputPump = new InputPump();
      channel.setDataReceiver(inputPump);
      if (execCommand != null && services.shell().judge(target).isPresent()) {
        services.pumps().execute(named("guard-" + id, () -> {
          try (var again = MDC.putCloseable("session", id)) {
            Integer refused = guardExec(channel);
            if (refused != null) {
              inputPump.stop();
              if (finishRecording(refused, null)) {
                exitCallback.onExit(refused, endReason);
              }
              return;
            }
            launch(env, size, term);
          }
        }));
        return;
      }
      launch(env, size, term);
    }
  }

  private void launch(Environment env, WindowSize size, String term) {
    try {
      List<String> argv = new ArrayList<>(execCommand == null ? target.command() : target.exec());
      boolean guard = guardsPrompt();
      if (guard) {
        argv = dev.gatehouse.gateway.shell.BashIntegration.argv(argv);
      }
      if (execCommand != null) {
        argv.add(execCommand);
      }
      Map<String, String> childEnv = childEnvironment(term);
      Sandbox.Launch launch = services.sandbox().command(services.runAsUsers().get(target.name()), argv, pty);
      child = pty
          ? ChildProcess.startWithPty(launch, childEnv, size)
          : ChildProcess.startWithPipes(launch, childEnv);
      if (guard) {
        guarded = new dev.gatehouse.gateway.shell.GuardedShell(guardedLines(null), services.shell().judge(target).get(),
            dev.gatehouse.gateway.shell.ShellTerminal.of(child), out, (b, off, len) -> recording.output(b, off, len), term, size, this::outputMasker);
        guarded.integrate();
      }
    } catch (IOException | RuntimeException e) {
      LOG.error("session {}: cannot start {}: {}", id, target.name(), e.toString());
      endReason = "start-failed";
      inputPump.stop();
      finishRecording(1, null);
      sayQuietly("gatehouse: cannot start target '" + target.name() + "': " + e.getMessage());
      exitCallback.onExit(1, "start failed");
      return;
    }
    started();
    LOG.info("session {} started: {} on {} ({}, pid {})", id, user.identity(), target.name(),
        execCommand == null ? "shell" : "exec", child.pid());
    env.addSignalListener((ch, signal) -> resize(env), Signal.WINCH);
    if (guarded != null) {
      services.pumps().execute(named("out-" + id, () -> {
        try {
          guarded.pumpOutput();
        } finally {
          pumpsDone.countDown();
        }
      }));
      services.pumps().execute(named("prompt-" + id, this::runPrompt));
    } else {
      services.pumps().execute(named("out-" + id, () -> pump(true)));
    }
    if (!child.hasPty()) {
      services.pumps().execute(named("err-" + id, () -> pump(false)));
    } else {
      pumpsDone.countDown();
    }
    services.pumps().execute(named("in-" + id, inputPump::run));
    services.pumps().execute(named("wait-" + id, this::awaitExit));
  }

  /** Whether the gateway owns this session's prompt: an interactive bash on a terminal, with a shell policy. */
  private boolean guardsPrompt() {
    return execCommand == null && pty && services.shell().judge(target).isPresent()
        && dev.gatehouse.gateway.shell.BashIntegration.guardable(target.command());
  }

  private void runPrompt() {
    try (var ignored = MDC.putCloseable("session", id)) {
      guarded.run();
    } catch (IOException | RuntimeException e) {
      LOG.warn("session {}: the guarded prompt ended: {}", id, e.toString());
      child.hangUp();
    }
  }

  private Map<String, String> childEnvironment(String term) {
    Map<String, String> e = new LinkedHashMap<>(target.env());
    Map<String, String> client = channel.clientEnvironment();
    for (Map.Entry<String, String> c : client.entrySet()) {
      String k = c.getKey();
      if (k.equals("LANG") || k.startsWith("LC_")) {
        e.put(k, c.getValue());
      }
    }
    if (pty || client.containsKey("TERM")) {
      e.put("TERM", term);
    }
    if (services.shell().judge(target).isPresent()) {
      // A pager's ! (and |, v, :e) would run what it is typed unjudged: less and systemd's pager
      // in secure mode, over whatever the target's own env says.
      e.putAll(dev.gatehouse.gateway.shell.BashIntegration.PAGER_SECURE_ENV);
    }
    return e;
  }

  /**
   * Copies one of the child's streams to the client, recorded. With output masking (the target's
   * shell policy has {@code mask.detectors}) the bytes go through an {@link OutputMasker} first,
   * which may hold back the end of a chunk where a value could go on: when the child then stays
   * quiet for {@link OutputMasker#idleFlushAfter} the last read, what is held is passed on (a
   * prompt is not kept waiting). One poll per chunk, no timer. The read array is small while the
   * child is quiet and large while it streams ({@link OutputBuffer}).
   */
  private void pump(boolean stdout) {
    OutputBuffer buffer = OutputBuffer.of(child, stdout, CHUNK);
    OutputStream dest = stdout ? out : err;
    OutputMasker masker = outputMasker((b, off, len) -> show(dest, b, off, len));
    try {
      int n = 0;
      while (true) {
        if (masker != null && masker.holding()
            && !child.awaitOutput(stdout, (int) OutputMasker.idleFlushAfter(n).toMillis())) {
          masker.flush();
        }
        byte[] buf = buffer.next(n);
        n = stdout ? child.readOutput(buf, 0, buf.length) : child.readError(buf, 0, buf.length);
        if (n <= 0) {
          break;
        }
        touch();
        if (masker != null) {
          masker.write(buf, 0, n);
        } else {
          show(dest, buf, 0, n);
        }
      }
      if (masker != null) {
        masker.close();
      }
    } catch (RecordingStopped e) {
      return;
    } catch (RuntimeException e) {
      // Fail closed: nothing more of this stream is shown unmasked; the session ends.
      outputMaskingFailed(e);
      child.stopReading();
    } catch (IOException e) {
      // The channel is closed (client gone) or the descriptor failed: the waiter ends the session.
      LOG.debug("session {} {} pump ended: {}", id, stdout ? "output" : "error", e.toString());
      child.hangUp();
    } finally {
      pumpsDone.countDown();
    }
  }

  /** Records, then shows; a recording that cannot be written ends the session ({@link RecordingStopped}). */
  private void show(OutputStream dest, byte[] b, int off, int len) throws IOException {
    try {
      recording.output(b, off, len);
    } catch (IOException e) {
      recordingFailed(e);
      throw new RecordingStopped(e);
    }
    dest.write(b, off, len);
    dest.flush();
  }

  /** The recording failed: the pump stops (the session is ending already). */
  private static final class RecordingStopped extends IOException {
    private static final long serialVersionUID = 1L;

    RecordingStopped(IOException cause) {
      super(cause);
    }
  }

  private void awaitExit() {
    ExitStatus status;
    try {
      status = child.waitFor();
      if (!pumpsDone.await(DRAIN_AFTER_EXIT.toMillis(), TimeUnit.MILLISECONDS)) {
        // A background process still holds the terminal or a pipe: stop reading, end anyway.
        child.stopReading();
        pumpsDone.await(1, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      child.kill();
      status = new ExitStatus(255, "KILL", false);
    }
    inputPump.stop();
    if (guarded != null) {
      guarded.end();
    }
    if (!finishRecording(status.signalled() ? null : status.code(), status.signal())) {
      return;
    }
    child.stopReading();
    child.closeDescriptors();
    LOG.info("session {} ended: {} ({})", id, status, endReason);
    if (status.signalled()) {
      channel.exitBySignal(status.signal(), status.coreDumped());
    }
    exitCallback.onExit(status.code(), status.toString());
  }

  @Override
  protected void stopTarget() {
    if (child == null) {
      return;
    }
    child.hangUp();
    services.timers().schedule(() -> {
      if (!isFinished()) {
        child.kill();
      }
    }, KILL_AFTER_HANGUP.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * The channel closed (client disconnected, or we finished): make sure the child goes. An exec
   * command still held for approval is cancelled; before the child runs there is nothing to stop.
   */
  @Override
  public void destroy(ChannelSession channelSession) {
    cancelHeldExec();
    if (child != null && !isFinished()) {
      if (endReason.equals("exit")) {
        endReason = "client-closed";
      }
      stopTarget();
    }
  }

  private void resize(Environment env) {
    WindowSize size = windowSize(env);
    if (guarded != null) {
      guarded.resize(size);
    } else {
      child.resize(size);
    }
    try {
      recording.resize(size.columns(), size.rows());
    } catch (IOException e) {
      recordingFailed(e);
    }
  }

  /**
   * Client input: {@link #data} only queues and returns 0, so MINA does not widen the SSH window
   * until the child has taken the bytes; a child that stops reading stops the client (no
   * unbounded buffer, and no MINA I/O thread blocked on a full terminal).
   */
  private final class InputPump implements ChannelDataReceiver {
    private static final byte[] EOF = new byte[0];
    // Linked, not an array: an idle session holds no 4096-slot array, and the bound is the same.
    private final BlockingQueue<byte[]> queue = new LinkedBlockingQueue<>(4096);
    private volatile boolean stopped;

    @Override
    public int data(ChannelSession ch, byte[] buf, int start, int len) throws IOException {
      if (len == 0 || stopped) {
        return len;
      }
      byte[] copy = new byte[len];
      System.arraycopy(buf, start, copy, 0, len);
      if (!queue.offer(copy)) {
        throw new IOException("input queue full");
      }
      return 0;
    }

    @Override
    public void close() {
      queue.offer(EOF);
    }

    void stop() {
      stopped = true;
      queue.offer(EOF);
    }

    void run() {
      try {
        while (!stopped) {
          // stop() and close() queue EOF, so an idle session's pump sleeps here without waking.
          byte[] b = queue.take();
          if (b == EOF) {
            if (!stopped) {
              if (guarded != null) {
                guarded.endOfInput();
              } else {
                child.closeInput();
              }
            }
            return;
          }
          touch();
          recording.input(b, 0, b.length);
          if (guarded != null) {
            guarded.input(b);
          } else {
            child.writeInput(b, 0, b.length);
          }
          channel.getLocalWindow().release(b.length);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (IOException e) {
        LOG.debug("session {} input ended: {}", id, e.toString());
      }
    }
  }
}
