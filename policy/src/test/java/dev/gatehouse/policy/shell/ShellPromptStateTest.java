package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.policy.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A line typed at the prompt is judged from the shell options the prompt hook reported
 * ({@link ShellState}): {@code shopt -s nullglob} typed on one line and {@code find . ! -path ./q*
 * -name -exec touch W \;} on the next were judged apart, the second as under bash's defaults, and
 * allowed; bash, with nullglob left on, made no word of {@code ./q*} and ran {@code touch W}.
 */
class ShellPromptStateTest {
  static final ShellJudge DEFAULT = ShellJudgeTest.DEFAULT;
  static final ShellJudge ALLOW_LIST = ShellAttack17ahTest.ALLOW_LIST;

  static final ShellState NULLGLOB = new ShellState(Set.of("nullglob"));

  static final String FIND = "find . -maxdepth 0 ! -path ./q* -name -exec touch WITNESS \\;";

  @Test
  void theNextLineUnderNullglobIsUnclassified(@TempDir Path tmp) throws Exception {
    String text = FIND.replace("WITNESS", tmp.resolve("w").toString());
    ShellJudgement on = DEFAULT.judgeTyped(text, NULLGLOB);
    assertThat(on.verdict()).isNotInstanceOf(Verdict.Allow.class);
    assertThat(on.exact()).isFalse();
    assertThat(on.verdict().reason()).contains("nullglob");
    // Off (bash's defaults), the line is read as before: ./q* stays a word and -exec is -name's value.
    assertThat(DEFAULT.judgeTyped(text, ShellState.DEFAULTS).verdict()).isInstanceOf(Verdict.Allow.class);
    assertThat(DEFAULT.judgeTyped(text).verdict()).isInstanceOf(Verdict.Allow.class);
    // The exec judgement starts from a fresh bash -c: the defaults.
    assertThat(DEFAULT.judge(text).verdict()).isInstanceOf(Verdict.Allow.class);
    // And that is how bash runs it: with nullglob on the witness is made, without it not.
    Path w = tmp.resolve("w");
    BashWitness.run(tmp, List.of("bash", "--norc", "--noprofile", "-c", text), "");
    assertThat(Files.exists(w)).as("without nullglob find ran no touch").isFalse();
    BashWitness.run(tmp, List.of("bash", "--norc", "--noprofile", "-O", "nullglob", "-c", text), "");
    assertThat(Files.exists(w)).as("with nullglob find ran touch (the judgement above refuses it)").isTrue();
  }

  @ParameterizedTest(name = "everyday line allowed at the defaults and with harmless options on: {0}")
  @ValueSource(strings = {"find /var/log/*.log -mtime +7", "ls /var/log/*.gz", "find . -name '*.log' -mtime +7",
      "ls -la /etc", "shopt -u nullglob"})
  void everydayLinesAllowed(String text) {
    assertThat(DEFAULT.judgeTyped(text, ShellState.DEFAULTS).verdict()).isInstanceOf(Verdict.Allow.class);
    for (String o : List.of("failglob", "noglob", "extglob")) {
      assertThat(DEFAULT.judgeTyped(text, new ShellState(Set.of(o))).verdict()).as(o).isInstanceOf(Verdict.Allow.class);
    }
  }

  @ParameterizedTest(name = "unclassified with nullglob on at the prompt: {0}")
  @ValueSource(strings = {"find /var/log/*.log -mtime +7", FIND, "ls ./q* /etc"})
  void patternBeforeWordsUnderNullglob(String text) {
    assertThat(DEFAULT.judgeTyped(text, NULLGLOB).exact()).isFalse();
    assertThat(ALLOW_LIST.judgeTyped(text, NULLGLOB).verdict()).isNotInstanceOf(Verdict.Allow.class);
  }

  @Test
  void aPatternLastOrQuotedIsStillAllowedUnderNullglob() {
    assertThat(DEFAULT.judgeTyped("ls /var/log/*.log", NULLGLOB).verdict()).isInstanceOf(Verdict.Allow.class);
    assertThat(DEFAULT.judgeTyped("find . -name '*.log' -mtime +7", NULLGLOB).verdict()).isInstanceOf(Verdict.Allow.class);
  }

  @Test
  void otherPatternOptionsAtThePrompt() {
    ShellState nocase = new ShellState(Set.of("nocaseglob"));
    ShellState globstar = new ShellState(Set.of("globstar"));
    ShellState dotglob = new ShellState(Set.of("dotglob"));
    ShellState globignore = new ShellState(Set.of("globignore"));
    // nocaseglob: patterns are matched ignoring case whatever the option (a class finds J[O]B in cron.d).
    assertThat(DEFAULT.judgeTyped("echo x > /etc/cron.d/J[O]B", ShellState.DEFAULTS).verdict().rule())
        .isEqualTo("scheduler-change");
    assertThat(DEFAULT.judgeTyped("echo x > /etc/cron.d/J[O]B", nocase).verdict().rule()).isEqualTo("scheduler-change");
    assertThat(DEFAULT.judgeTyped("ls /var/log/*.LOG", nocase).verdict()).isInstanceOf(Verdict.Allow.class);
    assertThat(DEFAULT.judgeTyped("ls /etc/**/x.conf", globstar).exact()).isFalse();
    assertThat(DEFAULT.judgeTyped("ls /etc/*/x.conf", globstar).exact()).isTrue();
    assertThat(DEFAULT.judgeTyped("ls /etc/**/x.conf", ShellState.DEFAULTS).exact()).isTrue();
    assertThat(DEFAULT.judgeTyped("ls *", dotglob).exact()).isFalse();
    assertThat(DEFAULT.judgeTyped("echo x > /tmp/l*", dotglob).exact()).isFalse();
    assertThat(DEFAULT.judgeTyped("ls *", globignore).exact()).isFalse();
    assertThat(DEFAULT.judgeTyped("ls /etc", dotglob).exact()).isTrue();
    // In one text, as the nullglob rule: the shopt, then a pattern.
    assertThat(DEFAULT.judge("shopt -s globstar; ls /etc/**/x.conf").exact()).isFalse();
  }

  @Test
  void aFunctionThatTurnsOnNullglobIsUnclassifiedAtThePrompt() {
    // Defined on one line, called on the next before the find: the state at that prompt is still off.
    for (String def : List.of("f() { shopt -s nullglob; }", "f() { shopt -s globstar; }", "f() { GLOBIGNORE=x; }",
        "function f { builtin shopt -s dotglob; }")) {
      assertThat(DEFAULT.judgeTyped(def, ShellState.DEFAULTS).exact()).as(def).isFalse();
      assertThat(DEFAULT.judgeTyped(def, ShellState.DEFAULTS).verdict()).as(def).isNotInstanceOf(Verdict.Allow.class);
    }
    assertThat(DEFAULT.judgeTyped("f() { ls -la; }", ShellState.DEFAULTS).verdict()).isInstanceOf(Verdict.Allow.class);
  }

  @Test
  void theHookFieldsParseStrictly() {
    assertThat(ShellState.fromHook("", "B", "", "")).contains(ShellState.DEFAULTS);
    // $- without B: brace expansion is off (an interactive bash's $- holds B while it is on)
    assertThat(ShellState.fromHook("", "", "", "")).contains(new ShellState(Set.of("nobraceexpand")));
    assertThat(ShellState.fromHook("checkwinsize:promptvars", "himH", "", "")).contains(new ShellState(Set.of("nobraceexpand")));
    assertThat(ShellState.fromHook("checkwinsize:cmdhist:expand_aliases:extquote:promptvars", "himBHs", "", ""))
        .contains(ShellState.DEFAULTS);
    assertThat(ShellState.fromHook("checkwinsize:globstar:nullglob:promptvars", "himBHs", "", ""))
        .contains(new ShellState(Set.of("nullglob", "globstar")));
    assertThat(ShellState.fromHook("dotglob:extglob:failglob:nocaseglob", "fhimBHs", "1", ""))
        .contains(new ShellState(Set.of("dotglob", "extglob", "failglob", "nocaseglob", "noglob", "globignore")));
    assertThat(ShellState.fromHook("nullglob,x", "", "", "")).isEmpty();
    assertThat(ShellState.fromHook("nullglob:", "", "", "")).isEmpty();
    assertThat(ShellState.fromHook("nullglob", "h;x", "", "")).isEmpty();
    assertThat(ShellState.fromHook("nullglob", "", "2", "")).isEmpty();
    assertThat(ShellState.fromHook("checkwinsize:promptvars", "himBHs", "", "y")).contains(new ShellState(Set.of("posix")));
    assertThat(ShellState.fromHook("checkwinsize:compat41:promptvars", "himBHs", "", "")).contains(new ShellState(Set.of("compat")));
    assertThat(ShellState.fromHook("", "", "", "posix")).isEmpty();
    assertThat(ShellState.fromHook("", "", "", "yy")).isEmpty();
  }
}
