package dev.gatehouse.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicyConfigTest {
  private static void rejects(Map<String, Object> body, String message) {
    assertThatThrownBy(() -> PolicyConfig.parse(Map.of("p", body)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message);
  }

  @Test
  void designExampleParses() {
    SqlPolicy p = CorpusTest.policy();
    assertThat(p.name()).isEqualTo("default-sql");
    assertThat(p.block()).contains("drop-table");
    assertThat(p.unclassified()).isEqualTo(Unclassified.REVIEW);
    assertThat(p.rules()).extracting(Rule::name).containsExactly("no-xml-export", "orders-writes", "no-sleep");
    assertThat(p.mask().form()).isEqualTo(MaskForm.KEEP_LAST_4);
    assertThat(p.mask().columns()).containsExactly("users.email", "users.card");
  }

  @Test
  void unclassifiedAllowIsRefused() {
    rejects(Map.of("unclassified", "allow"), "policies.p.unclassified: 'allow' is never allowed");
  }

  @Test
  void unknownBuiltInIsRefusedWithItsIndex() {
    rejects(Map.of("block", List.of("drop-table", "drop-tables")), "policies.p.block[1]: 'drop-tables' is no built-in rule");
  }

  @Test
  void badPatternIsRefused() {
    rejects(Map.of("rules", List.of(Map.of("name", "r", "pattern", "(unclosed", "verdict", "block"))), "policies.p.rules[0].pattern: not an RE2 pattern");
  }

  @Test
  void backreferencesAreNotRe2() {
    rejects(Map.of("rules", List.of(Map.of("name", "r", "pattern", "(a)\\1", "verdict", "block"))), "policies.p.rules[0].pattern");
  }

  @Test
  void ruleNeedsASelectorAndAVerdict() {
    rejects(Map.of("rules", List.of(Map.of("name", "r", "verdict", "block"))), "policies.p.rules[0]: a rule needs at least one of");
    rejects(Map.of("rules", List.of(Map.of("name", "r", "kinds", List.of("delete")))), "policies.p.rules[0].verdict: missing");
    rejects(Map.of("rules", List.of(Map.of("name", "r", "kinds", List.of("delete"), "verdict", "allow"))), "policies.p.rules[0].verdict: 'allow'");
    rejects(Map.of("rules", List.of(Map.of("name", "r", "kinds", List.of("deletes"), "verdict", "block"))), "policies.p.rules[0].kinds[0]: 'deletes'");
  }

  @Test
  void unknownKeysAreRefused() {
    rejects(Map.of("blocks", List.of()), "policies.p.blocks: unknown key");
    rejects(Map.of("mask", Map.of("form", "partial")), "policies.p.mask.form: 'partial' is no mask form");
    rejects(Map.of("mask", Map.of("detectors", List.of("ssn"))), "policies.p.mask.detectors[0]: 'ssn'");
    rejects(Map.of("mask", Map.of("columns", List.of("email"))), "policies.p.mask.columns[0]: 'email'");
    rejects(Map.of("block", "drop-table"), "policies.p.block: must be a list");
  }

  @Test
  void blockBeatsReviewForTheSameRule() {
    SqlPolicy p = PolicyConfig.parse(Map.of("p", Map.of("block", List.of("ddl"), "review", List.of("ddl", "grant")))).get("p");
    assertThat(p.review()).containsExactly("grant");
    assertThat(p.onBuiltIn("ddl", "x")).isInstanceOf(Verdict.Block.class);
  }

  @Test
  void aReviewRuleMayNameItsOwnApprovers() {
    SqlPolicy p = PolicyConfig.parse(Map.of("p", Map.of("rules", List.of(Map.of("name", "orders-writes", "tables",
        List.of("orders"), "verdict", "review", "approvers", Map.of("groups", List.of("finance-leads"), "min", 2)))))).get("p");
    assertThat(p.approversOf("orders-writes")).contains(new Approvers(List.of("finance-leads"), 2));
    assertThat(p.approversOf("ddl")).isEmpty();
  }

  @Test
  void approversOnABlockRuleOrWithoutGroupsAreRefused() {
    rejects(Map.of("rules", List.of(Map.of("name", "r", "tables", List.of("t"), "verdict", "block",
        "approvers", Map.of("groups", List.of("x"))))), "policies.p.rules[0].approvers: only a rule with verdict review");
    rejects(Map.of("rules", List.of(Map.of("name", "r", "tables", List.of("t"), "verdict", "review",
        "approvers", Map.of("min", 1)))), "policies.p.rules[0].approvers.groups: must be a list");
    rejects(Map.of("rules", List.of(Map.of("name", "r", "tables", List.of("t"), "verdict", "review",
        "approvers", Map.of("groups", List.of("x"), "min", 0)))), "policies.p.rules[0].approvers.min: 0 must be between 1 and 10");
  }
}
