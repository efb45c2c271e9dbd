package dev.gatehouse.gateway.mcp;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.gateway.GatewayServices;
import dev.gatehouse.gateway.approval.ApprovalGate;
import dev.gatehouse.gateway.config.TargetConfig;
import dev.gatehouse.gateway.config.TargetType;
import dev.gatehouse.gateway.postgres.StatementGate;
import dev.gatehouse.gateway.sandbox.Sandbox;
import dev.gatehouse.gateway.shell.ExecGuard;
import dev.gatehouse.gateway.sshtarget.DownstreamFailure;
import dev.gatehouse.gateway.sshtarget.HostLoginShell;
import dev.gatehouse.policy.shell.BashOnlyExec;
import dev.gatehouse.gateway.terminal.ChildProcess;
import dev.gatehouse.gateway.terminal.ExitStatus;
import dev.gatehouse.policy.shell.ShellJudge;
import dev.gatehouse.policy.shell.ShellJudgement;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.session.ClientSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code run_command}: judged by the target's shell guard (where it has a {@code type: shell}
 * policy) exactly as {@code ssh web-1@gw 'CMD'} is, then run as that exec request runs: on a
 * {@code command} target the target's {@code exec} argv plus the command as one argument, in the
 * sandbox as {@code runAs}; on an {@code ssh} target an exec channel on the host, logged in with a
 * per-call certificate naming the person.
 *
 * <p>Output is kept up to {@code maxBytes} (stdout and stderr together); a command that writes more
 * is stopped (hang-up, then kill) and the result says {@code truncated}.
 */
final class CommandRun {
  private static final Logger LOG = LoggerFactory.getLogger(CommandRun.class);
  private static final Duration DRAIN_AFTER_EXIT = Duration.ofSeconds(2);

  private CommandRun() {}

  static ToolResult run(McpConnection conn, McpConnection.Call call, TargetConfig target, String command,
      long maxBytes) throws IOException {
    StatementGate.Decision d = guard(conn, call, target, command);
    if (!d.allowed()) {
      return GatehouseTools.refusal(d, call);
    }
    Output out = new Output(maxBytes);
    return target.type() == TargetType.SSH
        ? onHost(conn, call, target, command, out)
        : onBastion(conn, target, command, out);
  }

  /** The shell guard's decision; allow when the target has no shell policy. Fails closed. */
  private static StatementGate.Decision guard(McpConnection conn, McpConnection.Call call, TargetConfig target,
      String command) {
    GatewayServices s = conn.services();
    Optional<ShellJudge> judge = s.shell().judge(target);
    if (judge.isEmpty()) {
      return StatementGate.Decision.allow();
    }
    ShellJudgement j;
    try {
      j = judge.get().judge(command);
    } catch (RuntimeException | LinkageError e) {
      LOG.error("mcp session {}: the shell guard failed on a command; refusing it", conn.id(), e);
      call.commandJudged(command, "block", "guard-failed", "the command could not be judged", List.of());
      return new StatementGate.Decision(StatementGate.Decision.BLOCK, "guard-failed", "the command could not be judged");
    }
    call.commandJudged(command, j.verdict().label(), j.verdict().rule(), j.verdict().reason(), j.commands());
    ApprovalGate gate = ApprovalGate.forCommands(s.approvals(), target, rule -> judge.get().policy().approversOf(rule),
        call.approvalSession(), true);
    return ExecGuard.decide(j, command, gate, new StatementGate.Hold() {
      @Override
      public void notice(String message) {}

      @Override
      public AutoCloseable onCancel(Runnable onCancel) {
        return () -> {};
      }
    });
  }

  private static ToolResult onBastion(McpConnection conn, TargetConfig target, String command, Output out)
      throws IOException {
    GatewayServices s = conn.services();
    List<String> argv = new java.util.ArrayList<>(target.exec());
    argv.add(command);
    Sandbox.Launch launch = s.sandbox().command(s.runAsUsers().get(target.name()), argv, false);
    return runChild(conn, launch, target.env(), out, "target '" + target.name() + "'");
  }

  /**
   * Runs a sandboxed child on pipes without stdin, keeping its output in {@code out} (stopping it
   * once the budget is spent); the result has its exit status. {@code what} names it in errors.
   */
  static ToolResult runChild(McpConnection conn, Sandbox.Launch launch, java.util.Map<String, String> env, Output out,
      String what) throws IOException {
    GatewayServices s = conn.services();
    ChildProcess child;
    try {
      child = ChildProcess.startWithPipes(launch, env);
    } catch (IOException e) {
      return ToolResult.error("target-failed", "cannot start " + what + ": " + e.getMessage());
    }
    CountDownLatch pumps = new CountDownLatch(2);
    AtomicBoolean stopped = new AtomicBoolean();
    Runnable stop = () -> {
      if (stopped.compareAndSet(false, true)) {
        child.hangUp();
        child.kill();
      }
    };
    ExitStatus status;
    try (AutoCloseable ignored = conn.running(stop::run)) {
      child.closeInput();
      for (boolean stdout : new boolean[] {true, false}) {
        s.pumps().execute(() -> {
          byte[] buf = new byte[64 * 1024];
          try {
            int n;
            while ((n = stdout ? child.readOutput(buf, 0, buf.length) : child.readError(buf, 0, buf.length)) > 0) {
              if (!out.keep(stdout, buf, n)) {
                stop.run();
              }
            }
          } catch (IOException e) {
            LOG.debug("mcp run_command pump ended: {}", e.toString());
          } finally {
            pumps.countDown();
          }
        });
      }
      status = child.waitFor();
      if (!pumps.await(DRAIN_AFTER_EXIT.toMillis(), TimeUnit.MILLISECONDS)) {
        child.stopReading(); // a background process still holds a pipe
        pumps.await(1, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop.run();
      return ToolResult.error("interrupted", "the call was interrupted");
    } catch (Exception e) {
      throw new IOException(e);
    } finally {
      child.stopReading();
      child.closeDescriptors();
    }
    return out.result(status.code());
  }

  private static ToolResult onHost(McpConnection conn, McpConnection.Call call, TargetConfig target, String command,
      Output out) throws IOException {
    GatewayServices s = conn.services();
    Instant until = Instant.now().plus(target.maxSessionLength());
    if (call.user().validBefore() != null && call.user().validBefore().isBefore(until)) {
      until = call.user().validBefore();
    }
    ClientSession host;
    try {
      host = s.downstream().connect(target.ssh(), call.user().identity(), until);
    } catch (DownstreamFailure e) {
      return ToolResult.error(e.reason(), e.getMessage());
    }
    try (host; AutoCloseable ignored = conn.running(() -> host.close(true))) {
      String sent = command;
      if (s.shell().judge(target).isPresent()) {
        // Judged as bash reads it: sent only to a bash 5.1+ login shell, behind the bash-only line.
        Integer probe = HostLoginShell.probe(host, target.ssh().connectTimeout());
        if (!HostLoginShell.isBash(probe)) {
          LOG.warn("mcp session {}: {}: the login shell is not bash 5.1 or later ({}); run_command not run", conn.id(),
              target.name(), HostLoginShell.detail(probe));
          // The call's own audit record (mcp-tool-call) carries the slug as its rule.
          return ToolResult.error("remote-shell-not-bash", BashOnlyExec.NOT_BASH_MESSAGE);
        }
        sent = dev.gatehouse.gateway.shell.BashIntegration.guardedExecCommand(command);
      }
      ChannelExec exec = host.createExecChannel(sent);
      exec.setOut(out.stream(true, () -> host.close(true)));
      exec.setErr(out.stream(false, () -> host.close(true)));
      exec.open().verify(target.ssh().connectTimeout());
      exec.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), 0L);
      Integer code = exec.getExitStatus();
      if (code == null && exec.getExitSignal() != null) {
        code = 128 + signalNumber(exec.getExitSignal());
      }
      return out.result(code == null ? -1 : code);
    } catch (IOException | RuntimeException e) {
      if (out.overflowed()) {
        return out.result(-1);
      }
      return ToolResult.error("target-failed", "target '" + target.name() + "': " + e.getMessage());
    } catch (Exception e) {
      throw new IOException(e);
    }
  }

  private static int signalNumber(String name) {
    return switch (name) {
      case "HUP" -> 1;
      case "INT" -> 2;
      case "QUIT" -> 3;
      case "KILL" -> 9;
      case "SEGV" -> 11;
      case "PIPE" -> 13;
      case "TERM" -> 15;
      default -> 0;
    };
  }

  /** stdout and stderr of one call, kept up to a shared budget. */
  static final class Output {
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final AtomicLong left;
    private volatile boolean truncated;

    Output(long maxBytes) {
      this.left = new AtomicLong(maxBytes);
    }

    /** Keeps what fits; false once the budget is spent (the command is then stopped). */
    boolean keep(boolean out, byte[] b, int n) {
      long room = left.getAndUpdate(l -> Math.max(0, l - n));
      int take = (int) Math.min(room, n);
      ByteArrayOutputStream dest = out ? stdout : stderr;
      synchronized (dest) {
        dest.write(b, 0, take);
      }
      if (take < n) {
        truncated = true;
        return false;
      }
      return true;
    }

    boolean overflowed() {
      return truncated;
    }

    OutputStream stream(boolean out, Runnable onOverflow) {
      return new OutputStream() {
        @Override
        public void write(int b) {
          write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
          byte[] copy = off == 0 ? b : java.util.Arrays.copyOfRange(b, off, off + len);
          if (!keep(out, copy, len)) {
            onOverflow.run();
          }
        }
      };
    }

    ToolResult result(int exitStatus) {
      ObjectNode n = ToolResult.JSON.createObjectNode();
      n.put("stdout", text(stdout));
      n.put("stderr", text(stderr));
      n.put("exitStatus", exitStatus);
      n.put("truncated", truncated);
      return ToolResult.ok(n);
    }

    private static String text(ByteArrayOutputStream b) {
      synchronized (b) {
        // Bytes that are not UTF-8 become U+FFFD: JSON carries text.
        return b.toString(StandardCharsets.UTF_8);
      }
    }
  }
}
