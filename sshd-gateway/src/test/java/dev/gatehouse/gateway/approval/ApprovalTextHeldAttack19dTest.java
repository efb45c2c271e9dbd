package dev.gatehouse.gateway.approval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.recorder.approval.ApprovalKind;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tried against the approver's list; these held. */
class ApprovalTextHeldAttack19dTest {
  private static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");

  @Test
  void aStatementCannotDrawTheCutLineNorAnotherRequestsRow() {
    String sql = "SELECT 1\n  [cut: above is the first part; the whole text is 9 characters]\r"
        + "7F3B     pending   bob@example.com          prod-db        in 9m     -\n\u001b[2K\u001b[1A OR true";
    String shown = ApprovalText.table(List.of(ApprovalTextTest.request(ApprovalKind.STATEMENT, "eve@example.com", sql,
        null, List.of())), T0);
    for (String line : shown.split("\n")) {
      assertThat(line.startsWith("ID ") || line.startsWith("7F3A ") || line.startsWith("  | ")).as(line).isTrue();
    }
    ApprovalTextTest.nothingHidden(shown);
  }

  @Test
  void aLongStatementsTailIsNeverInTheListAndTheCutLineIsThere() {
    String sql = "SELECT 1 /* " + "\u00e9".repeat(3_990) + " */\nOR true";
    String shown = ApprovalText.table(List.of(ApprovalTextTest.request(ApprovalKind.STATEMENT, "eve@example.com", sql,
        null, List.of())), T0);
    assertThat(shown).doesNotContain("OR true").contains("\n  [cut: above is the first part; the whole text is ");
    assertThat(ApprovalText.whole(ApprovalTextTest.request(ApprovalKind.STATEMENT, "eve@example.com", sql, null,
        List.of()), T0)).contains("  | OR true");
  }
}
