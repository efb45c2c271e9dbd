package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An allow-list entry with words after the name ({@code "git log"}, {@code "systemctl status"},
 * {@code "kubectl get"}, {@code "docker ps"}) matches the subcommand the program runs: an option's
 * value given as the next word is not taken for it (fix pass 17apC), and the everyday spellings
 * with options before the subcommand are read as the program reads them.
 */
class ShellListedSubcommandTest {
  static final ShellJudge WIDE = ShellAttack17ahTest.WIDE_ALLOW_LIST;
  static final ShellJudge OPERATOR = ShellAttack17apTest.OPERATOR_LIST;

  @ParameterizedTest(name = "not the listed subcommand: {0}")
  @ValueSource(strings = {
      "git --namespace log remote-ext x y", "git --shallow-file log remote-ext x y", "git -C log remote-ext x y",
      "git --help log", "git -h log", "git --nam$x log remote-ext x y", "git $opts log",
      "kubectl -n get delete pod x", "kubectl --context get delete pod x", "kubectl -s get exec x -- sh",
      "kubectl --unknown-flag get delete pod x", "docker -c ps run x", "docker --log-level ps run x",
      "systemctl -P status restart nginx", "systemctl --capsule status restart nginx", "systemctl -o status restart x"})
  void anOptionsValueIsNotTheSubcommand(String text) {
    assertThat(WIDE.judge(text).verdict().label()).as(text).isNotEqualTo("allow");
    assertThat(OPERATOR.judge(text).verdict().label()).as(text).isNotEqualTo("allow");
  }

  @ParameterizedTest(name = "the listed subcommand after options: {0}")
  @ValueSource(strings = {
      "git log", "git --no-pager log", "git -C repo log --oneline -5", "git --git-dir /srv/app/.git log",
      "git --git-dir=/srv/app/.git diff --stat", "git -P diff HEAD~1", "kubectl get pods", "kubectl -n ns get pods",
      "kubectl --context c get pods -o wide", "kubectl -v=6 get pods", "docker ps -a", "docker --context c ps",
      "docker -H unix:///var/run/docker.sock ps", "systemctl status nginx", "systemctl --no-pager status nginx",
      "systemctl -n 50 status nginx", "systemctl status -n 50 nginx"})
  void theRealSubcommandAfterOptionsIsListed(String text) {
    assertThat(WIDE.judge(text).verdict().label()).as(text).isEqualTo("allow");
  }

  @ParameterizedTest(name = "deny-list: systemctl's verb after an option's value: {0}")
  @ValueSource(strings = {"systemctl -P status restart nginx", "systemctl -C status restart nginx",
      "systemctl --capsule status stop nginx"})
  void systemctlVerbAfterAValueTakingOption(String text) {
    assertThat(ShellJudgeTest.DEFAULT.judge(text).verdict().rule()).as(text).isEqualTo("service-change");
  }
}
