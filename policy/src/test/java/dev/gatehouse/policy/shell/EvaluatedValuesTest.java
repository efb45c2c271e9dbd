package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.policy.Verdict;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Values bash evaluates again (arithmetic, prompt expansion, indirection), assignments made by a
 * parameter expansion, {@code set -k}, the mail variables, recursive changes of relative paths and
 * the allow-list's matching of a command by path: the guard's verdict on each, with ordinary uses
 * still allowed.
 */
class EvaluatedValuesTest {
  private static final ShellJudge DEFAULT = ShellJudgeTest.DEFAULT;
  private static final ShellJudge ALLOW_LIST;

  static {
    Map<String, Object> p = new java.util.HashMap<>(ShellJudgeTest.DEFAULT_SHELL);
    p.put("mode", "allow-list");
    p.put("allowCommands", List.of("ls", "cat"));
    ALLOW_LIST = ShellJudgeTest.judge(p);
  }

  @ParameterizedTest(name = "known plain values: {0}")
  @ValueSource(strings = {"echo $((1 + 2))", "x=5; echo $((x * 2))", "for i in 1 2 3; do echo $((i * 2)); done",
      "for ((i = 0; i < 3; i++)); do echo $i; done", "n=3; [[ $n -gt 2 ]] && echo big", "echo $((RANDOM % 6))", "echo $(($# + $? + $$))",
      "a[0]=1; echo ${a[0]}", "s=hello; echo ${s:1:2}", "printf -v n '%d' 42; echo $((n + 1))", "echo $((16#ff + 0x1f))",
      "ls \"${arr[@]}\"", "let i=1 i+=2"})
  void arithmeticOverValuesKnownToBePlainIsAllowed(String text) {
    assertThat(DEFAULT.judge(text).verdict()).as(text).isInstanceOf(Verdict.Allow.class);
    assertThat(DEFAULT.judgeTyped(text).verdict()).as(text).isInstanceOf(Verdict.Allow.class);
  }

  @ParameterizedTest(name = "a value not known here, evaluated again: {0}")
  @ValueSource(strings = {"echo $((x))", "(( x + 1 ))", "let y=x", "a[x]=1", "echo ${a[x]}", "[[ x -eq 0 ]]",
      "[[ $v -lt 3 ]]", "echo ${s:x:1}", "echo \"${x@P}\"", "echo ${!x}", "echo ${!1}", "read x; echo $((x))",
      "x=$(cat f); echo $((x))", "x=5; read x; echo $((x))", "declare -i n", "local -i n=3",
      "printf -v x '\\x24(id)'", "printf -v x '%b' '\\x24'", "printf -v x \"$fmt\"", "x=y; echo $((x))",
      "echo $(( $(cat f) + 1 ))", "echo $(($1 + 1))", "echo $(( ${10} ))", "echo $(($-))", "let x=$@",
      "echo $(($_))"})
  void aValueNotKnownToBePlainEvaluatedAgainIsUnclassified(String text) {
    Verdict v = DEFAULT.judge(text).verdict();
    assertThat(v.label()).as(text).isEqualTo("review");
    assertThat(v.rule()).as(text).isEqualTo("unclassified");
  }

  @ParameterizedTest(name = "a literal holding code, assigned: {0}")
  @ValueSource(strings = {"x='b[$(id)]'", "x='`id`'", "x='${a[$(id)]}'", "export y='$(id)'", "x=$'\\x24(id)'",
      ": ${x:='$(id)'}", "printf -v x '%s' '$(id)'", "printf -v x '%s(%s)' '$' id"})
  void aLiteralHoldingCodeAssignedToAVariableIsUnclassified(String text) {
    Verdict v = DEFAULT.judgeTyped(text).verdict();
    assertThat(v.label()).as(text).isIn("review", "block");
    assertThat(DEFAULT.judge(text).exact()).as(text).isFalse();
  }

  @ParameterizedTest(name = "guard-tamper: {0}")
  @ValueSource(strings = {"set -k", "set -ek", "set -o keyword", "shopt -os keyword", "set $opts", "MAILPATH=/tmp/m",
      "MAIL=/tmp/m", "MAILCHECK=0", ": ${MAILPATH:=/tmp/m}", ": ${BASH_ENV=/tmp/x}", "read MAILPATH",
      "printf -v MAILPATH %s x", "export MAIL=/tmp/m", "BASH_COMPAT=31", ": ${PROMPT_COMMAND:=date}"})
  void settingWhatBashRunsOrReadsAtPromptTimeIsGuardTamper(String text) {
    Verdict v = DEFAULT.judgeTyped(text).verdict();
    assertThat(v.label()).as(text).isEqualTo("block");
    assertThat(v.rule()).as(text).isEqualTo("guard-tamper");
  }

  @ParameterizedTest(name = "still allowed: {0}")
  @ValueSource(strings = {"set -e", "set -euo pipefail", "set +k", "set -- a b", ": ${HOME:?}", "echo ${USER:-nobody}",
      "rm -rf build", "rm -rf ./build/tmp", "chmod -R g+w project", "rm -f *.tmp", "cd /tmp && rm -rf work"})
  void ordinaryWorkStaysAllowed(String text) {
    assertThat(DEFAULT.judgeTyped(text).verdict()).as(text).isInstanceOf(Verdict.Allow.class);
  }

  @ParameterizedTest(name = "relative recursive change: {0}")
  @ValueSource(strings = {"rm -rf ../../etc", "rm -rf ../*", "rm -rf *", "rm -rf etc", "rm -rf usr/",
      "chown -R nobody ../..", "chgrp -R x ./var", "find .. -delete"})
  void aRecursiveChangeOfARelativePathThatMayBeRootLevelIsUnclassified(String text) {
    Verdict v = DEFAULT.judgeTyped(text).verdict();
    assertThat(v.label()).as(text).isEqualTo("review");
    assertThat(v.rule()).as(text).isEqualTo("unclassified");
  }

  @ParameterizedTest(name = "after cd to the root: {0}")
  @ValueSource(strings = {"cd / && rm -rf etc usr", "cd / ; chmod -R 777 bin", "cd /; rm -rf ./*"})
  void aRelativeRecursiveChangeAfterCdToTheRootIsTheRootClass(String text) {
    Verdict v = DEFAULT.judgeTyped(text).verdict();
    assertThat(v.label()).as(text).isEqualTo("block");
    assertThat(v.rule()).as(text).isEqualTo("recursive-delete-root");
  }

  @ParameterizedTest(name = "allow-list by path: {0}")
  @ValueSource(strings = {"ls -la", "/bin/ls", "/usr/bin/cat /etc/hostname", "/usr/local/bin/ls", "//usr/bin/ls"})
  void aListedNameMatchesOnPathOrInTheSystemDirectories(String text) {
    assertThat(ALLOW_LIST.judgeTyped(text).verdict()).as(text).isInstanceOf(Verdict.Allow.class);
  }

  @ParameterizedTest(name = "allow-list, not the listed program: {0}")
  @ValueSource(strings = {"/tmp/ls", "./cat x", "bin/ls", "/usr/bin/../../tmp/ls", "/opt/bin/ls", "PATH=/tmp ls",
      "read PATH", "printf -v PATH %s /tmp", ": ${PATH:=/tmp}", "export PATH=/tmp:$PATH", "EXECIGNORE=/bin/ls"})
  void anAllowListRefusesAnotherProgramUnderAListedNameAndAnyPathChange(String text) {
    Verdict v = ALLOW_LIST.judgeTyped(text).verdict();
    assertThat(v.label()).as(text).isEqualTo("block");
  }
}
