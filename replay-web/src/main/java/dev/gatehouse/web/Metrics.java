package dev.gatehouse.web;

import dev.gatehouse.recorder.AuditCode;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

/**
 * Counters for {@code /metrics}, fed by the gateway's audit stream (every audit line passes {@link
 * #audited}), so what is counted is exactly what is audited. Counters start at zero with the
 * process, as Prometheus counters do. Labels are slugs only, never identities.
 */
public final class Metrics {
  private static final Pattern SLUG = Pattern.compile("[a-z0-9][a-z0-9-]{0,47}");
  private static final int MAX_REASONS = 64;

  private final Map<String, LongAdder> statements = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> authFailures = new ConcurrentHashMap<>();

  public Metrics() {
    for (String v : new String[] {"allow", "block", "review"}) {
      statements.put(v, new LongAdder());
    }
  }

  /** One audit line was written (or queued). */
  public void audited(AuditCode code, Map<String, ?> fields) {
    if ((code == AuditCode.STATEMENT_ALLOWED || code == AuditCode.STATEMENT_BLOCKED
        || code == AuditCode.REVIEW_REQUESTED) && !fields.containsKey("verdict")) {
      return; // an approval request's own line (GH3002I without a verdict), not a judged statement
    }
    switch (code) {
      case STATEMENT_ALLOWED -> statements.get("allow").increment();
      case STATEMENT_BLOCKED -> statements.get("block").increment();
      case REVIEW_REQUESTED -> statements.get("review").increment();
      case AUTH_FAILED, LOCAL_LOGIN_FAILED -> {
        Object r = fields.get("reason");
        String reason = r instanceof String s && SLUG.matcher(s).matches() ? s : "other";
        if (!authFailures.containsKey(reason) && authFailures.size() >= MAX_REASONS) {
          reason = "other";
        }
        authFailures.computeIfAbsent(reason, k -> new LongAdder()).increment();
      }
      default -> {
        // not counted
      }
    }
  }

  /** The Prometheus text exposition (format 0.0.4). */
  String render(int activeSessions, long pendingApprovals, long recordingBytes) {
    StringBuilder b = new StringBuilder();
    gauge(b, "gatehouse_sessions_active", "Sessions running on this gateway now.", activeSessions);
    b.append("# HELP gatehouse_statements_total Statements and commands judged by policy, by verdict.\n");
    b.append("# TYPE gatehouse_statements_total counter\n");
    new TreeMap<>(statements).forEach((v, n) ->
        b.append("gatehouse_statements_total{verdict=\"").append(v).append("\"} ").append(n.sum()).append('\n'));
    gauge(b, "gatehouse_approvals_pending", "Approval requests waiting for a decision.", pendingApprovals);
    gauge(b, "gatehouse_recording_bytes", "Output bytes recorded in the session index (all retained sessions).",
        recordingBytes);
    b.append("# HELP gatehouse_auth_failures_total Failed authentications (ssh and web), by reason.\n");
    b.append("# TYPE gatehouse_auth_failures_total counter\n");
    new TreeMap<>(authFailures).forEach((r, n) ->
        b.append("gatehouse_auth_failures_total{reason=\"").append(r).append("\"} ").append(n.sum()).append('\n'));
    return b.toString();
  }

  private static void gauge(StringBuilder b, String name, String help, long value) {
    b.append("# HELP ").append(name).append(' ').append(help).append('\n');
    b.append("# TYPE ").append(name).append(" gauge\n");
    b.append(name).append(' ').append(value).append('\n');
  }
}
