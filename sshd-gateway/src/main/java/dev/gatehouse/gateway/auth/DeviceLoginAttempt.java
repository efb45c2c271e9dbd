package dev.gatehouse.gateway.auth;

import dev.gatehouse.gateway.config.Durations;
import dev.gatehouse.keys.KeyBinding;
import dev.gatehouse.keys.oidc.DeviceGrant;
import dev.gatehouse.keys.oidc.ProviderHttp;
import dev.gatehouse.keys.oidc.TokenRejected;
import dev.gatehouse.recorder.AuditCode;
import java.io.IOException;
import java.net.URI;
import java.security.PublicKey;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.AttributeRepository.AttributeKey;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.util.buffer.Buffer;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.auth.AsyncAuthException;
import org.apache.sshd.server.session.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's device login, from the request for a code to its end. At most one per
 * connection ({@link #KEY}); every step runs off MINA's I/O threads and holds no thread while the
 * identity provider thinks.
 *
 * <pre>
 *  STARTING ── code issued ──▶ SHOWN (INFO_REQUEST sent; polls every interval; deadline set)
 *  SHOWN ── client's INFO_RESPONSE ──▶ ANSWERED (the answer MINA now waits on)
 *  any ── approved / denied / expired / deadline / client left ──▶ DONE (ticket released)
 * </pre>
 *
 * MINA forgets a pending asynchronous result as soon as the client sends anything, so the
 * result that counts is the {@link AsyncAuthException} handed out last ({@link #async}). The
 * deadline is fixed when the code is shown — {@code oidc.deviceLogin.timeout} or the code's own
 * expiry, whichever is sooner — and the connection's login timeout is set to it once; polling
 * never extends it. Locking: {@code setAuthed} (which takes MINA's auth-service lock) is always
 * called outside this object's lock, since MINA calls {@link #abandon} and {@link #answered}
 * holding that lock.
 */
final class DeviceLoginAttempt {
  static final AttributeKey<DeviceLoginAttempt> KEY = new AttributeKey<>();
  private static final Logger LOG = LoggerFactory.getLogger(DeviceLoginAttempt.class);
  /** MINA's own login timeout fires this long after the deadline, as a backstop. */
  private static final Duration BACKSTOP = Duration.ofSeconds(5);
  /** After a failed call to the provider the interval doubles, up to this (RFC 8628 3.5). */
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(60);

  private enum State { STARTING, SHOWN, ANSWERED, DONE }

  private record Issued(DeviceGrant grant, DeviceGrant.Pending code) {}

  private final DeviceLogin login;
  private final ServerSession session;
  private final PublicKey key;
  private final String keyState;
  private final String target;
  private final String client;
  private final PendingDeviceLogins.Ticket ticket;

  private State state = State.STARTING;
  private AsyncAuthException async = new AsyncAuthException();
  private DeviceGrant grant;
  private DeviceGrant.Pending code;
  private Duration interval;
  private Instant deadline;
  private ScheduledFuture<?> nextPoll;
  private ScheduledFuture<?> expiry;

  DeviceLoginAttempt(DeviceLogin login, ServerSession session, PublicKey key, String keyState, String target,
      PendingDeviceLogins.Ticket ticket) {
    this.login = login;
    this.session = session;
    this.key = key;
    this.keyState = keyState;
    this.target = target;
    this.client = ClientAddress.text(session);
    this.ticket = ticket;
  }

  /** Asks the provider for a code; the returned exception is what MINA waits on meanwhile. */
  synchronized AsyncAuthException start() {
    // Async from the first step: not even the request is built on MINA's I/O thread.
    login.grant()
        .thenComposeAsync(g -> g.startAsync(login.oidc.scopes()).thenApply(p -> new Issued(g, p)), login.work)
        .whenCompleteAsync(this::codeIssued, login.work);
    return async;
  }

  private void codeIssued(Issued issued, Throwable error) {
    Runnable outcome = null;
    synchronized (this) {
      if (state != State.STARTING) {
        return; // the client left meanwhile
      }
      if (error != null) {
        IOException e = ProviderHttp.cause(error);
        LOG.warn("device login unavailable: {}", e.getMessage());
        outcome = end(false, "device-login-unavailable", e.getMessage());
      } else {
        grant = issued.grant();
        code = issued.code();
        interval = code.interval();
        Instant now = login.clock.instant();
        Instant byTimeout = now.plus(login.settings.timeout());
        deadline = code.expiresAt().isBefore(byTimeout) ? code.expiresAt() : byTimeout;
        // Once, to the deadline: MINA's login timeout counts from the connection's start.
        Duration total = Duration.between(session.getAuthTimeoutStart(), deadline.plus(BACKSTOP));
        CoreModuleProperties.AUTH_TIMEOUT.set(session, total);
        try {
          showCode(now);
          state = State.SHOWN;
          scheduleNextPoll(now);
          expiry = login.work.schedule(this::expire, Math.max(0, Duration.between(now, deadline).toMillis()),
              TimeUnit.MILLISECONDS);
        } catch (IOException | RuntimeException e) {
          outcome = end(false, "device-login-failed", "cannot show the code: " + e.getMessage());
        }
      }
    }
    run(outcome);
  }

  /** The INFO_REQUEST: what approving binds (key, address, target, lifetime), the URL and code. */
  private void showCode(Instant now) throws IOException {
    URI shown = code.verificationUriComplete() != null ? code.verificationUriComplete() : code.verificationUri();
    long minutes = Math.max(1, Duration.between(now, deadline).plusSeconds(30).toMinutes());
    String ttl = Durations.format(login.oidc.certificateTtl());
    String until = now.plus(login.oidc.certificateTtl()).truncatedTo(ChronoUnit.SECONDS).toString();
    String why = switch (keyState) {
      case "binding-expired" -> "This key's binding has expired.";
      case "revoked" -> "This key's binding was revoked.";
      default -> "This key is not bound to anyone yet.";
    };
    String text = why + " Approving this login binds\n\n"
        + "    key     " + KeyUtils.getFingerPrint(key) + " (" + KeyUtils.getKeyType(key) + ")\n"
        + "    from    " + client + "\n"
        + "    target  " + printable(target) + "\n"
        + "    for     " + ttl + " (until " + until + ")\n\n"
        + "to the identity you sign in with. Open\n\n"
        + "    " + shown + "\n\n"
        + "and confirm the code " + code.userCode() + " (valid " + minutes + " min).\n"
        + "Approve only a code you asked for yourself, here: approving a code someone sent you\n"
        + "lets their key in as you. This connection goes on by itself once you have approved it.\n";
    Buffer req = session.createBuffer(SshConstants.SSH_MSG_USERAUTH_INFO_REQUEST);
    req.putString("Gatehouse device login");
    req.putString(text);
    req.putString(""); // language
    req.putInt(0); // no prompts: nothing to type here
    session.writePacket(req);
  }

  /**
   * The client answered the INFO_REQUEST: the exception MINA now waits on, or null when the
   * answer was out of turn (before the request, or a second one), which ends the login.
   */
  AsyncAuthException answered() {
    Runnable outcome;
    synchronized (this) {
      if (state == State.SHOWN) {
        state = State.ANSWERED;
        async = new AsyncAuthException();
        return async;
      }
      if (state == State.DONE) {
        return null;
      }
      outcome = end(false, "device-login-protocol", "keyboard-interactive answer out of turn (" + state + ")");
    }
    run(outcome);
    return null;
  }

  private void scheduleNextPoll(Instant now) {
    if (!now.plus(interval).isBefore(deadline)) {
      return; // the deadline comes first
    }
    nextPoll = login.work.schedule(this::poll, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void poll() {
    DeviceGrant g;
    DeviceGrant.Pending c;
    Duration iv;
    synchronized (this) {
      if (state == State.DONE || state == State.STARTING) {
        return;
      }
      g = grant;
      c = code;
      iv = interval;
    }
    if (!session.isOpen()) {
      abandon();
      return;
    }
    // One poll at a time per login: the next is scheduled only once this one has answered.
    g.pollAsync(c, iv).whenCompleteAsync(this::polled, login.work);
  }

  private void polled(DeviceGrant.Poll poll, Throwable error) {
    Runnable outcome = null;
    String idToken = null;
    synchronized (this) {
      if (state == State.DONE) {
        return;
      }
      Instant now = login.clock.instant();
      if (error != null) {
        // The provider is unreachable or slow: keep waiting, less often, until the deadline.
        LOG.debug("device login poll failed: {}", ProviderHttp.cause(error).getMessage());
        interval = interval.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : interval.multipliedBy(2);
        scheduleNextPoll(now);
        return;
      }
      if (poll instanceof DeviceGrant.Waiting w) {
        interval = w.interval();
        scheduleNextPoll(now);
        return;
      }
      if (poll instanceof DeviceGrant.Failed f) {
        String slug = f.reason().equals("expired_token") ? "expired" : f.reason().replace('_', '-');
        outcome = end(false, "device-login-" + slug, f.message());
      } else {
        idToken = ((DeviceGrant.Approved) poll).idToken();
      }
    }
    if (idToken != null) {
      outcome = approved(idToken);
    }
    run(outcome);
  }

  /** On {@link DeviceLogin#work}: verify, bind, and let the connection in. */
  private Runnable approved(String idToken) {
    KeyBinding b;
    try {
      b = login.bind(idToken, key, client, target);
    } catch (TokenRejected e) {
      synchronized (this) {
        return state == State.DONE ? null : end(false, e.reason(), e.getMessage());
      }
    } catch (IOException | RuntimeException e) {
      synchronized (this) {
        return state == State.DONE ? null : end(false, "device-login-failed", String.valueOf(e.getMessage()));
      }
    }
    AuthenticatedUser user = new AuthenticatedUser(b.identity(), b.groups(), b.serial(), b.boundAt(), b.validBefore(),
        true, true, false, false, client);
    synchronized (this) {
      if (state == State.DONE) {
        return null; // bound, but the connection ended meanwhile
      }
      try {
        login.audit.record(AuditCode.AUTH_OK, "identity", user.identity(), "groups", String.join(",", user.groups()),
            "serial", Long.toUnsignedString(user.serial()), "fingerprint", b.keyFingerprint(), "target", target,
            "client", client, "via", "device-login");
      } catch (IOException | RuntimeException e) {
        // Fail closed: a login that cannot be audited does not happen.
        return end(false, "device-login-failed", "cannot audit the login: " + e.getMessage());
      }
      session.setAttribute(AuthenticatedUser.KEY, user);
      return end(true, null, null);
    }
  }

  private void expire() {
    Runnable outcome;
    synchronized (this) {
      if (state == State.DONE) {
        return;
      }
      outcome = end(false, "device-login-expired",
          "not approved within " + Durations.format(login.settings.timeout()) + " or the code's lifetime");
    }
    run(outcome);
  }

  /** The client left, or went on with another method: stop, and free the place. */
  void abandon() {
    synchronized (this) {
      if (state == State.DONE) {
        return;
      }
      end(false, "device-login-abandoned", "the client closed the connection or tried another method before approval");
    }
  }

  /**
   * Under the lock: the login is over. Returns what to run outside the lock (the banner and the
   * answer to MINA), {@code reason} null for a success (audited by the caller).
   */
  private Runnable end(boolean authed, String reason, String detail) {
    state = State.DONE;
    if (nextPoll != null) {
      nextPoll.cancel(false);
    }
    if (expiry != null) {
      expiry.cancel(false);
    }
    ticket.release();
    if (reason != null) {
      session.setAttribute(AuthFailures.SEEN, Boolean.TRUE);
      login.audit.tryRecord(AuditCode.AUTH_FAILED, "reason", reason, "detail", detail, "target", target,
          "client", client, "via", "device-login", "fingerprint", KeyUtils.getFingerPrint(key));
    }
    AsyncAuthException answer = async;
    return () -> {
      if (reason != null) {
        tell(reason);
      }
      answer.setAuthed(authed);
    };
  }

  /** One banner line telling the person why (the audit line has the details). */
  private void tell(String reason) {
    String why = switch (reason) {
      case "device-login-abandoned" -> null; // the client is gone or went on
      case "device-login-expired" -> "not approved in time; connect again for a new code";
      case "device-login-unavailable" -> "the identity provider did not answer in time; try again later";
      case "device-login-access-denied" -> "denied at the identity provider";
      case "device-login-protocol" -> "the client answered out of turn";
      default -> "refused (" + reason + ")";
    };
    if (why == null || !session.isOpen()) {
      return;
    }
    try {
      Buffer banner = session.createBuffer(SshConstants.SSH_MSG_USERAUTH_BANNER);
      banner.putString("gatehouse: device login ended: " + why + "\r\n");
      banner.putString(""); // language
      session.writePacket(banner);
    } catch (IOException | RuntimeException e) {
      // The client is gone; the audit line stands.
    }
  }

  private static void run(Runnable outcome) {
    if (outcome != null) {
      outcome.run();
    }
  }

  /** Client-chosen text (the SSH user name) for the client's own terminal: printable ASCII only. */
  static String printable(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < s.length() && out.length() < 64; i++) {
      char c = s.charAt(i);
      out.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return out.toString();
  }
}
