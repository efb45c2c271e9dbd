package dev.gatehouse.gateway.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.gatehouse.recorder.VisibleText;
import dev.gatehouse.gateway.Audit;
import dev.gatehouse.gateway.approval.ApprovalDesk;
import dev.gatehouse.gateway.approval.ApprovalJson;
import dev.gatehouse.gateway.approval.ApprovalText;
import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.recorder.AuditLog;
import dev.gatehouse.recorder.approval.ApprovalRefused;
import dev.gatehouse.recorder.approval.ApprovalRequest;
import dev.gatehouse.recorder.approval.ApprovalState;
import dev.gatehouse.recorder.approval.ApprovalStore;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gatehouse approvals list|show|approve|deny}: the bastion operator's path to the approvals
 * store (the same one the gateways use, so a decision here releases a waiting session within a
 * second). {@code --as IDENTITY} names the approver the operator acts for; the audit line carries
 * the operator's own login too. The requester can never decide their own request.
 */
@Command(
    name = "approvals",
    mixinStandardHelpOptions = true,
    description = "Approval requests: list, show, approve, deny.",
    subcommands = {ApprovalsCli.ListRequests.class, ApprovalsCli.Show.class, ApprovalsCli.Approve.class,
        ApprovalsCli.Deny.class})
final class ApprovalsCli implements Runnable {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  static final int EXIT_REFUSED = 77;

  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.out);
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "Pending requests (or --state S, or --all), newest first; --format json for scripts.")
  static final class ListRequests implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Option(names = "--state", description = "pending (default), approved, denied, expired, cancelled") String state;

    @Option(names = "--all", description = "every state") boolean all;

    @Option(names = "--limit", defaultValue = "200") int limit;

    @Option(names = "--format", defaultValue = "text", description = "text or json") SessionsCommand.Format format;

    @Override
    public Integer call() throws Exception {
      GatewayConfig cfg = config.loadWithStore();
      EnumSet<ApprovalState> states = all ? EnumSet.noneOf(ApprovalState.class)
          : EnumSet.of(state == null ? ApprovalState.PENDING : ApprovalState.fromWire(state));
      try (ApprovalStore store = ApprovalStore.open(cfg.databaseFile())) {
        List<ApprovalRequest> rs = store.list(states, limit, Instant.now());
        if (format == SessionsCommand.Format.json) {
          System.out.println(VisibleText.json(JSON.writeValueAsString(ApprovalJson.of(rs))));
        } else {
          System.out.print(ApprovalText.table(rs, Instant.now()));
        }
      }
      return 0;
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "One request whole, however long its statement (a list shows a very long one in its first part).")
  static final class Show implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Parameters(paramLabel = "ID") String id;

    @Option(names = "--format", defaultValue = "text", description = "text or json") SessionsCommand.Format format;

    @Override
    public Integer call() throws Exception {
      GatewayConfig cfg = config.loadWithStore();
      try (ApprovalStore store = ApprovalStore.open(cfg.databaseFile())) {
        ApprovalRequest r = store.find(id).orElse(null);
        if (r == null) {
          System.err.println("gatehouse: refused (not-found): no approval request " + VisibleText.inline(id));
          return EXIT_REFUSED;
        }
        if (format == SessionsCommand.Format.json) {
          System.out.println(VisibleText.json(JSON.writeValueAsString(ApprovalJson.of(r))));
        } else {
          System.out.print(ApprovalText.whole(r, Instant.now()));
        }
      }
      return 0;
    }
  }

  abstract static class Decide implements Callable<Integer> {
    @Mixin ConfigOption config;

    @Parameters(paramLabel = "ID") String id;

    @Option(names = "--comment", description = "why; shown to the requester and audited") String comment;

    @Option(names = "--as", required = true, paramLabel = "IDENTITY",
        description = "the approver this decision is made for (audited with the operator's login)") String as;

    abstract boolean approve();

    @Override
    public Integer call() throws Exception {
      GatewayConfig cfg = config.loadWithStore();
      ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gh-cli-approvals");
        t.setDaemon(true);
        return t;
      });
      try (ApprovalStore store = ApprovalStore.open(cfg.databaseFile());
          AuditLog log = AuditLog.open(cfg.auditFile());
          ApprovalDesk desk = new ApprovalDesk(store, new Audit(log), () -> cfg, timer, Clock.systemUTC())) {
        String via = "cli:" + System.getProperty("user.name");
        ApprovalRequest r = desk.decide(id, as, null, approve(), comment, via);
        System.out.println("request " + r.id() + " is " + r.state().wireName()
            + (r.state() == ApprovalState.PENDING ? " (" + r.approvers().size() + " of " + r.approversNeeded() + " approvals)" : ""));
        return 0;
      } catch (ApprovalRefused e) {
        System.err.println("gatehouse: refused (" + e.slug() + "): " + e.getMessage());
        return EXIT_REFUSED;
      } finally {
        timer.shutdownNow();
      }
    }
  }

  @Command(name = "approve", mixinStandardHelpOptions = true, description = "Approve a pending request as IDENTITY.")
  static final class Approve extends Decide {
    @Override
    boolean approve() {
      return true;
    }
  }

  @Command(name = "deny", mixinStandardHelpOptions = true, description = "Deny a pending request as IDENTITY.")
  static final class Deny extends Decide {
    @Override
    boolean approve() {
      return false;
    }
  }
}
