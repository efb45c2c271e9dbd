package dev.gatehouse.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.recorder.AuditCode;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsTest {
  @Test
  void countsJudgedStatementsAndAuthFailuresByReasonNeverIdentities() {
    Metrics m = new Metrics();
    m.audited(AuditCode.STATEMENT_BLOCKED, Map.of("verdict", "block", "identity", "alice@example.com"));
    m.audited(AuditCode.REVIEW_REQUESTED, Map.of("verdict", "review"));
    m.audited(AuditCode.REVIEW_REQUESTED, Map.of("requestId", "k3fq9")); // an approval request's own line
    m.audited(AuditCode.AUTH_FAILED, Map.of("reason", "cert-expired"));
    m.audited(AuditCode.AUTH_FAILED, Map.of("reason", "Evil\"} 1\nfake_metric 9"));
    String text = m.render(3, 2, 1234);
    assertThat(text).contains("gatehouse_statements_total{verdict=\"block\"} 1")
        .contains("gatehouse_statements_total{verdict=\"review\"} 1")
        .contains("gatehouse_statements_total{verdict=\"allow\"} 0")
        .contains("gatehouse_auth_failures_total{reason=\"cert-expired\"} 1")
        .contains("gatehouse_auth_failures_total{reason=\"other\"} 1")
        .contains("gatehouse_sessions_active 3").contains("gatehouse_approvals_pending 2")
        .contains("gatehouse_recording_bytes 1234")
        .doesNotContain("alice").doesNotContain("fake_metric");
  }
}
