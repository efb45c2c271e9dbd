package dev.gatehouse.gateway;

import dev.gatehouse.gateway.approval.ApprovalDesk;
import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.gateway.session.SessionRegistry;
import dev.gatehouse.gateway.sshtarget.DownstreamClient;
import dev.gatehouse.gateway.postgres.CancelRegistry;
import dev.gatehouse.gateway.kube.KubeTargets;
import dev.gatehouse.gateway.postgres.PostgresTargets;
import dev.gatehouse.gateway.sandbox.Sandbox;
import dev.gatehouse.keys.CertificateLedger;
import dev.gatehouse.gateway.terminal.UnixUser;
import dev.gatehouse.recorder.SessionIndex;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What every session needs from the running gateway. {@code config} is the tree in force; a
 * reload swaps in a new instance for new sessions while live ones keep theirs.
 */
public record GatewayServices(
    GatewayConfig config,
    Map<String, UnixUser> runAsUsers,
    Sandbox sandbox,
    SessionIndex index,
    Audit audit,
    SessionRegistry registry,
    DownstreamClient downstream,
    CancelRegistry cancels,
    PostgresTargets postgres,
    KubeTargets kube,
    dev.gatehouse.gateway.shell.ShellTargets shell,
    ExecutorService pumps,
    ScheduledExecutorService timers,
    ApprovalDesk approvals,
    CertificateLedger ledger) {}
