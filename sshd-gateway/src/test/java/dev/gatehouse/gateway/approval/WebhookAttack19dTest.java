package dev.gatehouse.gateway.approval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.recorder.approval.ApprovalKind;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Finding: the webhook cuts a statement at 10,000 characters of what is shown, then escapes it
 * for Slack ({@code &} becomes five characters, {@code <} and {@code >} four). A statement under
 * the cut made of those characters grows past Slack's 40,000-character limit, which Slack cuts
 * without saying so: the chat shows the first part as if it were whole, no cut line, and the
 * statement's last line (the dangerous part) is gone.
 */
class WebhookAttack19dTest {
  /** What Slack shows of a message's {@code text} (the limit the webhook's own comment names). */
  private static final int SLACK_TEXT_LIMIT = 40_000;

  @Test
  void aStatementUnderTheCutThatGrowsPastSlacksLimitWhenEscapedStillShowsItsEndOrTheCutLine() {
    String sql = "DELETE FROM orders WHERE id = 7 /* " + "&".repeat(9_900) + " */\nOR id > 0";
    String text = Webhook.payload(ApprovalTextTest.request(ApprovalKind.STATEMENT, "eve@example.com", sql, null,
        List.of()), "https://gw.example/approvals#7F3A").path("text").asText();
    String seenInChat = text.substring(0, Math.min(SLACK_TEXT_LIMIT, text.length()));
    assertThat(seenInChat.contains("  | OR id &gt; 0") || seenInChat.contains("  [cut: "))
        .as("within Slack's %,d characters (the text is %,d): the statement's last line or the gateway's cut line",
            SLACK_TEXT_LIMIT, text.length())
        .isTrue();
  }
}
