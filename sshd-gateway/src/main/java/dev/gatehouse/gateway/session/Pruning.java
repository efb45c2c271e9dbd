package dev.gatehouse.gateway.session;

import dev.gatehouse.gateway.Audit;
import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.recorder.AuditCode;
import dev.gatehouse.recorder.Retention;
import dev.gatehouse.recorder.SessionIndex;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

/** Retention as the gateway's daily sweep and `gatehouse sessions prune` run it: audited per recording. */
public final class Pruning {
  private Pruning() {}

  public static List<Retention.PrunedSession> run(
      GatewayConfig config, SessionIndex index, Audit audit, boolean dryRun, String by) throws IOException {
    return Retention.apply(
        config.dataDir(), index, config.recording().retention().policy(), Instant.now(), dryRun,
        p -> audit.record(AuditCode.RECORDING_PRUNED,
            "sessionId", p.session().id(),
            "identity", p.session().identity(),
            "target", p.session().target(),
            "start", p.session().start().toString(),
            "sha256", p.session().sha256(),
            "fileBytes", p.fileBytes(),
            "why", p.why(),
            "by", by));
  }
}
