package dev.gatehouse.gateway.approval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.recorder.VisibleText;
import dev.gatehouse.recorder.approval.ApprovalDecision;
import dev.gatehouse.recorder.approval.ApprovalKind;
import dev.gatehouse.recorder.approval.ApprovalRequest;
import dev.gatehouse.recorder.approval.ApprovalState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What an approver reads: the terminal table and the webhook's text. */
class ApprovalTextTest {
  private static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");
  private static final ObjectMapper JSON = new ObjectMapper();

  static ApprovalRequest request(ApprovalKind kind, String requester, String statement, String reason,
      List<ApprovalDecision> decisions) {
    return new ApprovalRequest("7F3A", kind, ApprovalState.PENDING, requester, "prod-db", statement, "k", "orders-writes",
        reason, T0, T0.plusSeconds(540), List.of("dba-leads"), 1, null,
        kind == ApprovalKind.ACCESS ? Duration.ofHours(1) : null, null, null, null, null, decisions);
  }

  static void nothingHidden(String shown) {
    shown.codePoints().forEach(cp -> assertThat(cp != '\n' && VisibleText.hidden(cp)).as("U+%04X in%n%s", cp, shown).isFalse());
  }

  @Test
  void aStatementIsShownWholeEveryLineBehindTheGutterAndEveryFieldMadeVisible() {
    String sql = "DELETE FROM orders WHERE id = 7 -- per ticket 42\nOR id > 0 -- \u001b]0;t\u0007\r\u001b[2Kok \u202eevil "
        + "x".repeat(500);
    String table = ApprovalText.table(List.of(request(ApprovalKind.STATEMENT, "eve\u202e@example.com", sql,
        "DELETE on \"orders\u001b[8m\"", List.of(new ApprovalDecision("bob@example.com", false, "no\u0007", T0, "ssh")))), T0);
    nothingHidden(table);
    assertThat(table).contains(
        "7F3A     pending   eve\\u{202e}@example.com",
        "\n  | DELETE FROM orders WHERE id = 7 -- per ticket 42\n  | OR id > 0 -- \\x1b]0;t\\x07\\r\n  | \\x1b[2Kok \\u{202e}evil ",
        "x".repeat(500) + "\n",
        "\n  why: DELETE on \"orders\\x1b[8m\"\n",
        "\n  denied by bob@example.com: no\\x07\n");
    String access = ApprovalText.table(List.of(request(ApprovalKind.ACCESS, "eve@example.com", "", "fix\u001b]0;T\u0007\nnow",
        List.of())), T0);
    nothingHidden(access);
    assertThat(access).contains("\n  access for 1h: fix\\x1b]0;T\\x07\\nnow\n");
  }

  @Test
  void theWebhookTextIsPlainEscapedForSlackAndCutVisiblyWhenLong() throws Exception {
    String sql = "UPDATE orders SET note = '<!channel> <https://evil.example|Approve> & *bold*' WHERE id = 1\n-- \u202e\u001b[8m";
    JsonNode n = JSON.readTree(VisibleText.json(JSON.writeValueAsString(Webhook.payload(
        request(ApprovalKind.STATEMENT, "eve@example.com", sql, "refund <@U123>", List.of()), "https://gw.example/approvals#7F3A"))));
    String text = n.path("text").asText();
    nothingHidden(text);
    assertThat(n.path("mrkdwn").asBoolean(true)).isFalse();
    assertThat(text).doesNotContain("<").doesNotContain(">")
        .contains("  | UPDATE orders SET note = '&lt;!channel&gt; &lt;https://evil.example|Approve&gt; &amp; *bold*' WHERE id = 1\n  | -- \\u{202e}\\x1b[8m")
        .contains("why: refund &lt;@U123&gt;").contains("Decide: https://gw.example/approvals#7F3A");
    assertThat(n.path("request").path("statement").asText()).isEqualTo(sql);

    String big = "SELECT '" + "y".repeat(20_000) + "' -- tail OR true";
    String bigText = Webhook.payload(request(ApprovalKind.STATEMENT, "eve@example.com", big, null, List.of()), null).path("text").asText();
    assertThat(bigText).contains("…\n  [cut: above is the first part; the whole text is 20,025 characters, 20,025 bytes, sha256 "
            + sha256(big) + "; shown whole by: ssh approvals@&lt;gateway&gt; 'show 7F3A', gatehouse approvals show 7F3A")
        .doesNotContain("tail OR true").hasSizeLessThan(11_000);
  }

  @Test
  void aListShowsAVeryLongStatementInItsFirstPartAndShowShowsItWhole() throws Exception {
    String big = "{\"data\":\"" + "y".repeat(6_000) + "\"}\n" + "LAST-LINE";
    ApprovalRequest r = request(ApprovalKind.STATEMENT, "eve@example.com", big, "rbac-write", List.of());
    String listed = ApprovalText.table(List.of(r), T0);
    assertThat(listed).doesNotContain("LAST-LINE")
        .contains("…\n  [cut: above is the first part; the whole text is 6,021 characters, 6,021 bytes, sha256 "
            + sha256(big) + "; shown whole by: ssh approvals@<gateway> 'show 7F3A', gatehouse approvals show 7F3A")
        .contains("\n  why: rbac-write\n").hasSizeLessThan(ApprovalText.MAX_LISTED_CHARS + 1_000);
    String whole = ApprovalText.whole(r, T0);
    assertThat(whole).contains("  | {\"data\":\"" + "y".repeat(6_000) + "\"}\n  | LAST-LINE\n").doesNotContain("[cut:");
    String small = ApprovalText.table(List.of(request(ApprovalKind.STATEMENT, "eve@example.com", "SELECT 1", null,
        List.of())), T0);
    assertThat(small).contains("  | SELECT 1\n").doesNotContain("[cut:");
  }

  private static String sha256(String s) throws Exception {
    return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
        .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }
}
