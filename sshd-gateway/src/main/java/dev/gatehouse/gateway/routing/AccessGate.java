package dev.gatehouse.gateway.routing;

import dev.gatehouse.gateway.GatewayServices;
import dev.gatehouse.gateway.approval.ApprovalDesk;
import dev.gatehouse.gateway.auth.AuthenticatedUser;
import dev.gatehouse.gateway.config.Durations;
import dev.gatehouse.gateway.config.TargetConfig;
import dev.gatehouse.policy.Approvers;
import dev.gatehouse.recorder.VisibleText;
import dev.gatehouse.recorder.approval.ApprovalKind;
import dev.gatehouse.recorder.approval.ApprovalRequest;
import dev.gatehouse.recorder.approval.NewApprovalRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelDataReceiver;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A target with {@code access: review}, before its session: without an open access window, the
 * person gives a reason and a duration and waits while an approver decides.
 *
 * <pre>
 *  interactive: "Reason:" / "Duration [1h]:" prompts ─▶ request ─▶ "waiting for approval …"
 *               (Ctrl-C cancels, 75) ─▶ approved: the target's session starts in this channel
 *  exec:        SetEnv GATEHOUSE_REASON (+ GATEHOUSE_DURATION, default 1h); without a reason: 65
 *               GATEHOUSE_NOWAIT=1 ─▶ 76 and the request id on stderr (a pending request is reused)
 *               otherwise one progress line on stderr, then the command runs, or 75
 * </pre>
 *
 * Waiting holds no thread: the wait is a future the desk completes.
 */
final class AccessGate implements Command, ChannelDataReceiver {
  private static final Logger LOG = LoggerFactory.getLogger(AccessGate.class);
  static final int EXIT_MALFORMED = 65;
  static final int EXIT_REFUSED = 75;
  static final int EXIT_PENDING = 76;
  static final Duration DEFAULT_DURATION = Duration.ofHours(1);
  static final Duration MAX_DURATION = Duration.ofHours(12);
  private static final int MAX_LINE = 500;

  private final GatewayServices services;
  private final TargetConfig target;
  private final AuthenticatedUser user;
  private final String execCommand;
  private final TargetRouter router;
  private final StringBuilder line = new StringBuilder();
  private OutputStream out;
  private OutputStream err;
  private ExitCallback exit;
  private ChannelSession channel;
  private Environment env;
  private boolean pty;
  private String reason;
  private volatile boolean finished;
  private volatile String requestId;
  /** True while this channel waits on its request: leaving then cancels it (NOWAIT leaves it pending). */
  private volatile boolean waiting;
  private volatile Command session;

  AccessGate(GatewayServices services, TargetConfig target, AuthenticatedUser user, String execCommand, TargetRouter router) {
    this.services = services;
    this.target = target;
    this.user = user;
    this.execCommand = execCommand;
    this.router = router;
  }

  @Override
  public void start(ChannelSession channel, Environment env) throws IOException {
    this.channel = channel;
    this.env = env;
    pty = channel instanceof GatewayChannel g && g.ptyRequested();
    Map<String, String> client = channel instanceof GatewayChannel g ? g.clientEnvironment() : Map.of();
    String givenReason = client.get("GATEHOUSE_REASON");
    if (givenReason != null && !givenReason.isBlank()) {
      services.pumps().execute(() -> ask(givenReason.strip(), client.get("GATEHOUSE_DURATION"),
          "1".equals(client.get("GATEHOUSE_NOWAIT"))));
      if (pty) {
        channel.setDataReceiver(this);
      }
      return;
    }
    if (execCommand != null || !pty) {
      end(EXIT_MALFORMED, "gatehouse: target '" + target.name() + "' needs approved access: send a reason with "
          + "ssh -o SetEnv=GATEHOUSE_REASON=... (and GATEHOUSE_DURATION=1h), or log in interactively");
      return;
    }
    write("Access to " + target.name() + " needs an approver (" + approverText() + ").\r\nReason: ");
    channel.setDataReceiver(this);
  }

  private String approverText() {
    Approvers a = target.approverRule().orElseThrow();
    return String.join(", ", a.groups()) + (a.min() > 1 ? ", " + a.min() + " of them" : "");
  }

  /** Interactive line editing for the two prompts; Ctrl-C or Ctrl-D gives up (and cancels). */
  @Override
  public int data(ChannelSession ch, byte[] buf, int start, int len) throws IOException {
    for (int i = start; i < start + len && !finished; i++) {
      int c = buf[i] & 0xff;
      if (c == 0x03 || c == 0x04) {
        String id = requestId;
        if (id != null) {
          services.approvals().cancel(id, "client-cancelled");
        }
        end(EXIT_REFUSED, "\r\ngatehouse: " + (id == null ? "no access requested" : "access request " + id + " cancelled"));
        return len;
      }
      if (requestId != null || session != null) {
        continue; // waiting: only Ctrl-C counts
      }
      if (c == '\r' || c == '\n') {
        write("\r\n");
        String answer = line.toString().strip();
        line.setLength(0);
        if (reason == null) {
          if (answer.isEmpty()) {
            write("A reason is required (approvers read it). Reason: ");
          } else {
            reason = answer;
            write("Duration [" + Durations.format(DEFAULT_DURATION) + "]: ");
          }
        } else {
          String duration = answer.isEmpty() ? null : answer;
          String r = reason;
          services.pumps().execute(() -> ask(r, duration, false));
        }
      } else if (c == 0x7f || c == 0x08) {
        if (line.length() > 0) {
          line.setLength(line.length() - 1);
          write("\b \b");
        }
      } else if (c >= 0x20 && c != 0x7f && line.length() < MAX_LINE) {
        line.append((char) c);
        write(String.valueOf((char) c));
      }
    }
    return len;
  }

  private void ask(String why, String durationText, boolean noWait) {
    try {
      Duration duration;
      try {
        duration = durationText == null || durationText.isBlank() ? DEFAULT_DURATION : Durations.parse(durationText);
      } catch (IllegalArgumentException e) {
        end(EXIT_MALFORMED, "gatehouse: GATEHOUSE_DURATION: " + e.getMessage());
        return;
      }
      if (duration.isZero() || duration.isNegative() || duration.compareTo(MAX_DURATION) > 0) {
        end(EXIT_MALFORMED, "gatehouse: duration " + durationText + " must be between 1s and " + Durations.format(MAX_DURATION));
        return;
      }
      ApprovalDesk desk = services.approvals();
      ApprovalRequest r = desk.store().pendingAccess(user.identity(), target.name(), Instant.now()).orElse(null);
      if (r == null) {
        Approvers a = target.approverRule().orElseThrow();
        r = desk.request(new NewApprovalRequest(ApprovalKind.ACCESS, user.identity(), target.name(), "", "", "access-review",
            why, a.groups(), a.min(), null, desk.ttl(), duration), null);
      }
      requestId = r.id();
      if (noWait) {
        end(EXIT_PENDING, "gatehouse: access approval pending: request " + r.id() + " (approvers: " + approverText()
            + "); connect again once it is approved");
        return;
      }
      say("gatehouse: waiting for approval of access to " + target.name() + " for " + Durations.format(r.accessDuration())
          + " (request " + r.id() + ", approvers: " + approverText() + ")" + (pty ? " — Ctrl-C to cancel" : ""));
      waiting = true;
      CompletableFuture<ApprovalRequest> decided = desk.await(r.id());
      long waitMs = Math.max(0, Duration.between(Instant.now(), r.expiresAt()).toMillis()) + 10_000;
      decided.orTimeout(waitMs, TimeUnit.MILLISECONDS).whenComplete((done, failure) -> services.pumps().execute(() -> decided(done)));
    } catch (IOException | RuntimeException e) {
      LOG.error("access request for {} on {} failed", user.identity(), target.name(), e);
      end(1, "gatehouse: the approvals store is unavailable: " + e.getMessage());
    }
  }

  private void decided(ApprovalRequest done) {
    waiting = false;
    if (finished) {
      return;
    }
    if (done == null) {
      end(EXIT_REFUSED, "gatehouse: access request " + requestId + " expired without a decision");
      return;
    }
    switch (done.state()) {
      case APPROVED -> open();
      case DENIED -> {
        var d = done.denial();
        end(EXIT_REFUSED, "gatehouse: access denied by " + (d == null ? "an approver" : VisibleText.inline(d.approver()))
            + " (request " + done.id() + ")" + (d == null || d.comment() == null ? "" : ": " + VisibleText.inline(d.comment())));
      }
      case CANCELLED -> end(EXIT_REFUSED, "gatehouse: access request " + done.id() + " cancelled");
      default -> end(EXIT_REFUSED, "gatehouse: access request " + done.id() + " expired without a decision");
    }
  }

  /** Approved: the target's own session takes over this channel. */
  private void open() {
    try {
      say("gatehouse: access to " + target.name() + " approved; opening the session");
      Command next = router.openApproved(services, target, user, execCommand);
      next.setOutputStream(out);
      next.setErrorStream(err);
      next.setExitCallback(exit);
      session = next;
      finished = true;
      next.start(channel, env);
    } catch (IOException | RuntimeException e) {
      LOG.error("opening {} after approval failed", target.name(), e);
      end(1, "gatehouse: cannot open target '" + target.name() + "': " + e.getMessage());
    }
  }

  private synchronized void end(int code, String message) {
    if (finished) {
      return;
    }
    finished = true;
    say(message);
    exit.onExit(code, message);
  }

  private void say(String message) {
    try {
      OutputStream dest = pty ? out : err;
      dest.write((message + (pty ? "\r\n" : "\n")).getBytes(StandardCharsets.UTF_8));
      dest.flush();
    } catch (IOException e) {
      // client gone
    }
  }

  private void write(String s) throws IOException {
    out.write(s.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  @Override
  public void close() {
    // Client EOF while asking or waiting: a pending request is cancelled.
    String id = requestId;
    if (id != null && waiting) {
      services.approvals().cancel(id, "client-gone");
    }
  }

  @Override
  public void destroy(ChannelSession channel) throws Exception {
    Command c = session;
    if (c != null) {
      c.destroy(channel);
    } else {
      close();
      finished = true;
    }
  }

  @Override
  public void setInputStream(InputStream in) {}

  @Override
  public void setOutputStream(OutputStream out) {
    this.out = out;
  }

  @Override
  public void setErrorStream(OutputStream err) {
    this.err = err;
  }

  @Override
  public void setExitCallback(ExitCallback callback) {
    this.exit = callback;
  }
}
