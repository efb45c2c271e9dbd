package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.policy.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * bash's command hash table {@code BASH_CMDS} and alias table {@code BASH_ALIASES}: an element
 * {@code [name]=value} makes the command name run value, and an assignment without a subscript
 * sets {@code [0]}, the command name {@code 0}. Any write to either, by any route that names the
 * variable, is guard-tamper (as {@code hash -p} and {@code alias} are).
 */
class ShellCommandTablesTest {
  static final ShellJudge DEFAULT = ShellJudgeTest.DEFAULT;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "BASH_CMDS=/usr/bin/python3",
      "BASH_CMDS+=/usr/bin/python3",
      "BASH_ALIASES='python3 -c x'",
      "BASH_CMDS=/usr/bin/python3 0 -c x",
      "env BASH_CMDS=/usr/bin/python3 ls",
      "for BASH_CMDS in /usr/bin/python3; do 0 -c x; done",
      "for BASH_ALIASES in 'python3 -c x'; do :; done",
      "select BASH_CMDS in /usr/bin/python3; do break; done",
      "read BASH_CMDS <<< /usr/bin/python3",
      "read -a BASH_CMDS <<< /usr/bin/python3",
      "printf -v BASH_CMDS %s /usr/bin/python3",
      "getopts ab BASH_CMDS",
      "mapfile BASH_CMDS < f",
      "readarray -t BASH_ALIASES < f",
      "export BASH_CMDS=/usr/bin/python3",
      "declare BASH_CMDS=/usr/bin/python3",
      "declare -g BASH_ALIASES=x",
      "local BASH_CMDS=/usr/bin/python3",
      "typeset BASH_CMDS=/usr/bin/python3",
      "readonly BASH_CMDS=/usr/bin/python3",
      "unset BASH_CMDS; declare BASH_CMDS=/usr/bin/python3",
      "declare -n r=BASH_CMDS; r=/usr/bin/python3",
      "declare -n r; r=BASH_CMDS; r=/usr/bin/python3",
      ": ${BASH_CMDS:=/usr/bin/python3}",
      "let BASH_CMDS=1",
  })
  void anyWriteIsGuardTamper(String text) {
    for (ShellJudgement j : List.of(DEFAULT.judge(text), DEFAULT.judgeTyped(text))) {
      assertThat(j.verdict()).as(text).isNotInstanceOf(Verdict.Allow.class);
      assertThat(j.verdict().rule()).as(text).isEqualTo("guard-tamper");
    }
  }

  /** Reading them, and bash's other BASH_ variables no command name is looked up in, stay as they were. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"echo ${BASH_CMDS[@]}", "declare -p BASH_CMDS", "hash -r",
      "[[ ab =~ (a) ]] && echo ${BASH_REMATCH[1]}"})
  void readingIsAllowed(String text) {
    assertThat(DEFAULT.judge(text).verdict()).as(text).isInstanceOf(Verdict.Allow.class);
  }

  /** The route under real bash: the plain assignment binds the name 0. */
  @Test
  void aPlainAssignmentBindsTheName0(@TempDir Path tmp) throws Exception {
    Path w = tmp.resolve("w");
    BashWitness.run(tmp, List.of("bash", "--norc", "--noprofile", "-c", "BASH_CMDS=/usr/bin/touch; 0 " + w), "");
    assertThat(Files.exists(w)).isTrue();
  }
}
