package dev.gatehouse.gateway.mcp;

import dev.gatehouse.gateway.config.TargetConfig;
import dev.gatehouse.gateway.kube.KubectlCall;
import java.io.IOException;
import java.util.List;

/**
 * {@code kubectl}: the arguments go the way of {@code ssh prod-k8s@gw 'kubectl …'} — the allow-list
 * of kubectl's commands and flags, real kubectl in the sandbox with a kubeconfig of this call, the
 * target's API proxy judging each request ({@link KubectlCall}) — and kubectl's output is kept as
 * {@code run_command}'s is. A request the proxy refused makes the call's result: blocked, or the
 * approval's pending, denied, expired; kubectl's own text about it is not the answer.
 */
final class KubectlRun {
  private KubectlRun() {}

  static ToolResult run(McpConnection conn, McpConnection.Call call, TargetConfig target, List<String> args,
      long maxBytes) throws IOException {
    KubectlCall kubectl;
    try {
      kubectl = KubectlCall.open(conn.services(), target, call.user(), call.approvalSession(), args, call.kubeLog());
    } catch (KubectlCall.NotAllowed e) {
      String line = String.join(" ", args);
      if (e.malformed()) {
        return ToolResult.error("bad-arguments", e.getMessage());
      }
      call.lineRefused(line, e.rule(), e.getMessage());
      return ToolResult.blocked(e.rule(), e.getMessage());
    } catch (IOException e) {
      return ToolResult.error("target-failed", "target '" + target.name() + "': " + e.getMessage());
    }
    ToolResult ran;
    try (kubectl) {
      ran = CommandRun.runChild(conn, kubectl.launch(), kubectl.env(), new CommandRun.Output(maxBytes),
          "kubectl for target '" + target.name() + "'");
    }
    KubectlCall.Refusal refused = kubectl.refusal();
    if (refused == null) {
      return ran;
    }
    return switch (refused.status()) {
      case "pending" -> {
        var r = call.requested();
        yield r == null
            ? ToolResult.refused("blocked", "review", refused.rule(), refused.reason())
            : ToolResult.pending(r.id(), r.approverGroups(), refused.rule(), refused.reason());
      }
      case "denied", "expired", "cancelled" ->
          ToolResult.refused(refused.status(), refused.status(), refused.rule(), refused.reason());
      default -> ToolResult.blocked(refused.rule(), refused.reason());
    };
  }
}
