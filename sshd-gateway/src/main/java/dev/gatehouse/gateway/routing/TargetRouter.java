package dev.gatehouse.gateway.routing;

import dev.gatehouse.gateway.GatewayServices;
import dev.gatehouse.gateway.approval.ApprovalsCommand;
import dev.gatehouse.gateway.auth.AuthenticatedUser;
import dev.gatehouse.gateway.config.TargetConfig;
import dev.gatehouse.gateway.config.TargetType;
import dev.gatehouse.gateway.kube.KubectlSession;
import dev.gatehouse.gateway.sshtarget.SshTargetSession;
import dev.gatehouse.gateway.psql.PsqlSession;
import dev.gatehouse.recorder.AuditCode;
import dev.gatehouse.recorder.approval.ApprovalRequest;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.command.CommandFactory;
import org.apache.sshd.server.shell.ShellFactory;

/**
 * The SSH user name is the target: {@code ssh shell@gatehouse}. Decides, for each shell or exec
 * request, which session runs: the target's, a refusal (unknown target: 65; not allowed: 77), or
 * for an interactive login to a name that is no target, the menu of targets this person may use.
 */
public final class TargetRouter implements ShellFactory, CommandFactory {
  private final Supplier<GatewayServices> services;

  public TargetRouter(Supplier<GatewayServices> services) {
    this.services = services;
  }

  @Override
  public Command createShell(ChannelSession channel) {
    return route(channel, null);
  }

  @Override
  public Command createCommand(ChannelSession channel, String command) {
    return route(channel, command);
  }

  private Command route(ChannelSession channel, String execCommand) {
    GatewayServices s = services.get();
    AuthenticatedUser user = AuthenticatedUser.of(channel.getSession());
    String name = channel.getSession().getUsername();
    if (TargetConfig.RESERVED_APPROVALS.equals(name)) {
      return new ApprovalsCommand(s, user, execCommand);
    }
    if (TargetConfig.RESERVED_MCP.equals(name)) {
      return new dev.gatehouse.gateway.mcp.McpSshCommand(s, user, execCommand);
    }
    Optional<TargetConfig> target = s.config().target(name);
    if (target.isEmpty()) {
      if (execCommand == null) {
        return new TargetMenu(s, user, this);
      }
      return new Refusal(Refusal.UNKNOWN_TARGET, "no target named '" + name + "'");
    }
    return open(s, target.get(), user, execCommand);
  }

  /** The session for a named target, or the refusal if this person may not use it. */
  Command open(GatewayServices s, TargetConfig t, AuthenticatedUser user, String execCommand) {
    if (!t.allow().permits(user.identity(), user.groups())) {
      s.audit().tryRecord(
          AuditCode.AUTH_FAILED,
          "reason", "target-not-allowed",
          "identity", user.identity(),
          "groups", String.join(",", user.groups()),
          "target", t.name(),
          "client", user.clientAddress());
      return new Refusal(Refusal.REFUSED, user.identity() + " may not use target '" + t.name() + "'");
    }
    if (!t.accessNeedsApproval()) {
      return sessionFor(s, t, user, execCommand);
    }
    java.util.Optional<ApprovalRequest> grant;
    try {
      grant = s.approvals().store().openAccess(user.identity(), t.name(), java.time.Instant.now());
    } catch (java.io.IOException e) {
      return new Refusal(Refusal.REFUSED, "cannot check access approvals for '" + t.name() + "': " + e.getMessage());
    }
    return grant.isPresent() ? underAccess(s, t, user, execCommand, grant.get())
        : new AccessGate(s, t, user, execCommand, this);
  }

  /** After an access request was approved: the target's session in the window just opened. */
  Command openApproved(GatewayServices s, TargetConfig t, AuthenticatedUser user, String execCommand) {
    try {
      return s.approvals().store().openAccess(user.identity(), t.name(), java.time.Instant.now())
          .map(g -> underAccess(s, t, user, execCommand, g))
          .orElseGet(() -> new Refusal(AccessGate.EXIT_REFUSED,
              "access to '" + t.name() + "' is not approved (or its window ended)"));
    } catch (java.io.IOException e) {
      return new Refusal(Refusal.REFUSED, "cannot check access approvals for '" + t.name() + "': " + e.getMessage());
    }
  }

  /** The target's own session, tied to the access window {@code grant} (closed when it ends). */
  private Command underAccess(GatewayServices s, TargetConfig t, AuthenticatedUser user, String execCommand,
      ApprovalRequest grant) {
    Command c = sessionFor(s, t, user, execCommand);
    if (c instanceof RecordedSession rs) {
      s.approvals().openedUnderAccess(grant, rs);
    }
    return c;
  }

  private Command sessionFor(GatewayServices s, TargetConfig t, AuthenticatedUser user, String execCommand) {
    if (execCommand == null && s.shell().judge(t).map(j -> j.policy().mode()
        == dev.gatehouse.policy.shell.ShellPolicy.Mode.ALLOW_LIST).orElse(false)
        && !(t.type() == TargetType.COMMAND && dev.gatehouse.gateway.shell.BashIntegration.guardable(t.command()))
        && t.type() != TargetType.SSH) {
      // Where the gateway cannot own the prompt (a program other than bash), an allow-list promises
      // that nothing else runs, which an unjudged interactive shell would break. An ssh target's
      // session is guarded with a terminal and refused without one (SshTargetSession).
      return new Refusal(Refusal.REFUSED, "target '" + t.name()
          + "' has an allow-list shell policy: only exec requests (ssh " + t.name() + "@gw 'CMD') and a guarded"
          + " interactive bash are admitted");
    }
    if (t.type() == TargetType.POSTGRES) {
      return new PsqlSession(s, t, user, execCommand);
    }
    if (t.type() == TargetType.SSH) {
      return new SshTargetSession(s, t, user, execCommand, s.downstream());
    }
    if (t.type() == TargetType.KUBERNETES) {
      return new KubectlSession(s, t, user, execCommand);
    }
    if (t.type() != TargetType.COMMAND) {
      return new Refusal(Refusal.UNKNOWN_TARGET,
          "target '" + t.name() + "' is of type " + t.type().label() + ", which this gateway version does not serve");
    }
    return new CommandSession(s, t, user, execCommand);
  }

  /** Targets this person may use, in config order. */
  static List<TargetConfig> usable(GatewayServices s, AuthenticatedUser user) {
    return s.config().targets().stream().filter(t -> t.allow().permits(user.identity(), user.groups())).toList();
  }
}
