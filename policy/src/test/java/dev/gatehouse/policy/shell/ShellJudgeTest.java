package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.policy.PolicyConfig;
import dev.gatehouse.policy.Verdict;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ShellJudgeTest {
  /** The policy of docs/policy.md's example (and of the admin and attack corpora). */
  static final Map<String, Object> DEFAULT_SHELL = Map.of(
      "type", "shell",
      "block", List.of("recursive-delete-root", "filesystem-format", "raw-device-write", "power", "fork-bomb",
          "history-tamper", "audit-tamper"),
      "review", List.of("sudo", "package-change", "service-change", "process-kill", "firewall-change", "user-change",
          "scheduler-change", "curl-pipe-shell", "interpreter-inline", "remote-copy", "guard-tamper"),
      "unclassified", "review",
      "mode", "deny-list",
      "allowCommands", List.of("ls", "cat", "less", "grep", "tail", "journalctl", "systemctl status"),
      "rules", List.of(
          Map.of("name", "kubectl-delete", "commands", List.of("kubectl"), "args", "(?i)^delete\\b", "verdict", "review"),
          Map.of("name", "no-ssh-hop", "commands", List.of("ssh", "scp", "sftp"), "verdict", "block")),
      "mask", Map.of("detectors", List.of("email", "credit-card", "api-key", "private-key", "jwt")));

  static ShellJudge judge(Map<String, Object> policy) {
    return new ShellJudge(PolicyConfig.parseShell(Map.of("p", policy)).get("p"));
  }

  static final ShellJudge DEFAULT = judge(DEFAULT_SHELL);

  /**
   * The exec request's verdict (the lines joined) and the strictest of the lines typed one by one
   * ({@code A ;; B}: two lines), under {@code judge}.
   */
  /** Asserts the verdict and rule of {@code text} as an exec request and as typed lines (see {@link #execAndTyped}). */
  static void assertExecAndTyped(String text, String exec, String execRule, String typed, String typedRule) {
    Verdict[] v = execAndTyped(DEFAULT, text);
    assertThat(v[0].label()).as("exec: %s (%s)", text, v[0]).isEqualTo(exec);
    assertThat(v[0].rule()).as("exec: %s (%s)", text, v[0]).isEqualTo(execRule);
    assertThat(v[1].label()).as("typed: %s (%s)", text, v[1]).isEqualTo(typed);
    assertThat(v[1].rule()).as("typed: %s (%s)", text, v[1]).isEqualTo(typedRule);
  }

  /** Asserts the same verdict and rule of {@code text} as an exec request and as typed lines. */
  static void assertBoth(String finding, String text, String label, String rule) {
    Verdict[] v = execAndTyped(DEFAULT, text);
    assertThat(v[0].label() + " " + v[0].rule()).as("%s exec: %s (%s)", finding, text, v[0]).isEqualTo(label + " " + rule);
    assertThat(v[1].label() + " " + v[1].rule()).as("%s typed: %s (%s)", finding, text, v[1]).isEqualTo(label + " " + rule);
  }

  /** Asserts that {@code text} is not allowed, as an exec request and as a typed line. */
  static void assertRefusedBoth(String text) {
    assertThat(DEFAULT.judge(text).verdict().label()).as("exec: %s", text).isNotEqualTo("allow");
    assertThat(DEFAULT.judgeTyped(text).verdict().label()).as("typed: %s", text).isNotEqualTo("allow");
  }

  static Verdict[] execAndTyped(ShellJudge judge, String text) {
    String[] lines = text.split(" ;; ");
    Verdict exec = judge.judge(String.join("\n", lines)).verdict();
    Verdict typed = null;
    for (String l : lines) {
      Verdict v = judge.judgeTyped(l).verdict();
      typed = typed == null ? v : typed.strictest(v);
    }
    return new Verdict[] {exec, typed};
  }

  @ParameterizedTest(name = "{0} -> {1} {2}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '~', emptyValue = "", nullValues = "-", textBlock = """
      rm -rf / => block => recursive-delete-root => rm -rf /
      ls -la /var/log => allow => - => -
      ls; sudo rm -rf / => block => recursive-delete-root => sudo rm -rf /
      sudo systemctl status nginx => review => sudo => sudo systemctl status nginx
      systemctl restart nginx => review => service-change => systemctl restart nginx
      kubectl delete pod x => review => service-change => kubectl delete pod x
      kubectl get pods => allow => - => -
      ssh other-host => block => no-ssh-hop => ssh other-host
      curl -s https://x | bash => review => curl-pipe-shell => bash
      echo b > /proc/sysrq-trigger => block => power => > /proc/sysrq-trigger
      $x => review => unclassified => the command name is not a literal word: $x
      rm -rf "$DIR"/ => review => unclassified => recursive delete of a path only known when it runs: rm -rf "$DIR"/
      """)
  void theStrictestFindingDecides(String text, String verdict, String rule, String reason) {
    Verdict v = DEFAULT.judge(text).verdict();
    assertThat(v.label()).as(text).isEqualTo(verdict);
    assertThat(v.rule()).as(text).isEqualTo(rule);
    assertThat(v.reason()).as(text).isEqualTo(reason);
  }

  @Test
  void allowListModeRunsOnlyListedCommands() {
    Map<String, Object> p = new java.util.HashMap<>(DEFAULT_SHELL);
    p.put("mode", "allow-list");
    ShellJudge j = judge(p);
    assertThat(j.judge("ls -la /tmp | grep x").verdict().label()).isEqualTo("allow");
    assertThat(j.judge("systemctl --no-pager status nginx").verdict().label()).isEqualTo("allow");
    assertThat(j.judge("systemctl restart nginx").verdict()).isEqualTo(
        new Verdict.Block("allow-list", "systemctl is not in allowCommands: systemctl restart nginx"));
    assertThat(j.judge("cd /var/log && tail -n 5 syslog").verdict().label()).isEqualTo("allow");
    assertThat(j.judge("PATH=/tmp/evil ls").verdict().rule()).isEqualTo("allow-list");
    assertThat(j.judge("ls > /etc/cron.d/x").verdict().rule()).isIn("allow-list", "user-change", "scheduler-change");
    assertThat(j.judge("ls $(id)").verdict().rule()).isEqualTo("allow-list");
  }

  @Test
  void unclassifiedBlockBlocks() {
    Map<String, Object> p = new java.util.HashMap<>(DEFAULT_SHELL);
    p.put("unclassified", "block");
    assertThat(judge(p).judge("$x").verdict().label()).isEqualTo("block");
  }

  @Test
  void badShellPoliciesFailNamingTheKey() {
    assertThatThrownBy(() -> PolicyConfig.parseShell(Map.of("s", Map.of("type", "shell", "unclassified", "allow"))))
        .hasMessageStartingWith("policies.s.unclassified: 'allow' is never allowed");
    assertThatThrownBy(() -> PolicyConfig.parseShell(Map.of("s", Map.of("type", "shell", "block", List.of("drop-table")))))
        .hasMessageStartingWith("policies.s.block[0]: 'drop-table' is no built-in shell class");
    assertThatThrownBy(() -> PolicyConfig.parseShell(Map.of("s", Map.of("type", "shell", "mode", "strict"))))
        .hasMessageStartingWith("policies.s.mode: 'strict' must be deny-list or allow-list");
    assertThatThrownBy(() -> PolicyConfig.parseShell(Map.of("s", Map.of("type", "shell", "rules",
        List.of(Map.of("name", "r", "args", "(", "verdict", "block"))))))
        .hasMessageStartingWith("policies.s.rules[0].args: not an RE2 pattern");
    assertThatThrownBy(() -> PolicyConfig.parseShell(Map.of("s", Map.of("type", "shell", "mode", "allow-list"))))
        .hasMessageStartingWith("policies.s.allowCommands: mode allow-list needs at least one allowed command");
    assertThatThrownBy(() -> PolicyConfig.parseShell(Map.of("s", Map.of("type", "shell", "columns", List.of()))))
        .hasMessageStartingWith("policies.s.columns: unknown key");
  }
}
