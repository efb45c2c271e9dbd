package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.policy.PolicyConfig;
import dev.gatehouse.policy.Verdict;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Lines typed at a guarded interactive prompt: nested shells and tampering with the guard. */
class TypedLineTest {
  private static final ShellJudge DEFAULT = ShellJudgeTest.DEFAULT;

  @ParameterizedTest(name = "nested shell: {0}")
  @ValueSource(strings = {"bash", "sh -i", "zsh", "dash", "su", "su - root", "sudo -i", "sudo -s", "script",
      "script /tmp/typescript", "ssh db-host", "python3", "python", "node", "perl", "tmux", "tmux new -s x", "screen",
      "/bin/bash --login", "env bash", "nohup bash -i"})
  void aNestedShellIsReviewedEvenWhenThePolicyDoesNotListIt(String line) {
    Verdict v = DEFAULT.judgeTyped(line).verdict();
    assertThat(v.label()).as(line).isIn("review", "block");
    if (v.label().equals("review")) {
      assertThat(v.rule()).as(line).isIn("nested-shell", "sudo");
    }
    // ssh is blocked by the example's no-ssh-hop rule; whatever the policy adds, never allowed.
  }

  @ParameterizedTest(name = "the terminal through a descriptor: {0}")
  @ValueSource(strings = {"sh 0</dev/tty", "bash 0</dev/tty", "0</dev/tty sh", "a=1 0</dev/tty sh", "sh 0</dev/pts/0",
      "bash 3</etc/hostname", "bash 3<&0", "sh 0<&-"})
  void aShellWhoseInputStaysOrBecomesTheTerminalIsANestedShell(String line) {
    // As bash /dev/tty: the shell reads the person's next lines, unjudged.
    Verdict v = DEFAULT.judgeTyped(line).verdict();
    assertThat(v.label()).as(line).isEqualTo("review");
    assertThat(v.rule()).as(line).isEqualTo("nested-shell");
  }

  @ParameterizedTest(name = "tamper: {0}")
  @ValueSource(strings = {"unset PROMPT_COMMAND", "PROMPT_COMMAND=", "PROMPT_COMMAND='echo hi'", "PS0=", "unset PS0",
      "PS1='$ '", "export PROMPT_COMMAND=x", "declare PS0=x", "trap 'echo' DEBUG", "trap '' RETURN", "trap - DEBUG",
      "set -o functrace", "enable -n printf", "enable -n read", "builtin() { :; }", "printf() { :; }",
      "read() { :; }", "__gh_prompt() { :; }", "declare -f __gh_prompt", "exec zsh", "exec bash", "exec >/tmp/out", "exec 2>/dev/null",
      "stty -echo", "stty erase a", "stty kill x", "shopt -u promptvars", "alias ls='ls -la'", "unalias -a",
      "command_not_found_handle() { :; }", "readonly -f __gh_prompt", "BASH_ENV=/tmp/x bash -c true",
      "HISTFILE=/dev/null"})
  void tamperingWithTheGuardIsBlockedEvenWhereThePolicyOnlyReviewsIt(String line) {
    Verdict v = DEFAULT.judgeTyped(line).verdict();
    assertThat(v.label()).as(line).isEqualTo("block");
    assertThat(v.rule()).as(line).isIn("guard-tamper", "history-tamper");
  }

  @ParameterizedTest(name = "line editing or history turned back on: {0}")
  @ValueSource(strings = {"set -o vi", "set -o emacs", "set -e -o emacs", "set -H", "set -eH", "set -o histexpand",
      "set -o history", "set -o $opt", "shopt -s -o vi", "shopt -os histexpand", "bind '\"Q\": \"touch x\"'",
      "bind -x '\"Q\": touch x'", "bind -f /tmp/inputrc", "fc", "fc -s", "fc -s echo=", "fc -e vi", "fc -e - 3",
      "true && fc -s"})
  void turningOnBashsOwnLineEditingOrHistoryIsBlocked(String line) {
    Verdict v = DEFAULT.judgeTyped(line).verdict();
    assertThat(v.label()).as(line).isEqualTo("block");
    assertThat(v.rule()).as(line).isEqualTo("guard-tamper");
  }

  @ParameterizedTest(name = "fc in an exec command: {0}")
  @ValueSource(strings = {"fc -s", "fc -e vi", "history -c; fc -s rm", "bash -c 'fc -s'"})
  void fcRunningAHistoryLineIsUnclassifiedInExecCommands(String line) {
    Verdict v = DEFAULT.judge(line).verdict();
    assertThat(v.label()).as(line).isIn("review", "block");
    assertThat(DEFAULT.judge(line).exact()).as(line).isFalse();
  }

  @ParameterizedTest(name = "ordinary: {0}")
  @ValueSource(strings = {"ls -la", "cd /tmp && ls", "echo hi", "stty -a", "stty size", "cat /etc/hostname",
      "python3 -V", "bash -n script.sh", "tmux ls", "grep -r x /etc", "less /etc/passwd", "set -e", "set +H",
      "set -o", "set -o pipefail", "set -- -H vi", "set +o vi", "bind -p", "bind -l", "fc -l", "fc -ln 1 5", "fc -lr",
      "read -r -s -p 'Password: ' pw; echo; echo \"got ${#pw} chars\"", "vi /tmp/x", "top", "less /tmp/x"})
  void ordinaryLinesStayAllowed(String line) {
    assertThat(DEFAULT.judgeTyped(line).verdict()).as(line).isInstanceOf(Verdict.Allow.class);
  }

  @Test
  void aPolicyThatBlocksNestedShellsKeepsTheBlock() {
    Map<String, Object> p = new HashMap<>(ShellJudgeTest.DEFAULT_SHELL);
    p.put("block", List.of("nested-shell"));
    Verdict v = ShellJudgeTest.judge(p).judgeTyped("bash").verdict();
    assertThat(v.label()).isEqualTo("block");
    assertThat(v.rule()).isEqualTo("nested-shell");
  }

  @Test
  void execRequestsReviewANestedShellAsThePromptDoes() {
    // ssh web-1@gw bash < script, ssh -t web-1@gw bash: the shell reads the session's input, unjudged.
    for (String text : List.of("bash", "python3", "sh -i", "sudo -i", "bash < <(cat)")) {
      for (ShellJudgement j : List.of(DEFAULT.judge(text), DEFAULT.judgeTyped(text))) {
        assertThat(j.verdict().label()).as(text).isEqualTo("review");
      }
    }
    Map<String, Object> p = new HashMap<>(ShellJudgeTest.DEFAULT_SHELL);
    p.put("block", List.of("nested-shell"));
    assertThat(ShellJudgeTest.judge(p).judge("bash").verdict().label()).isEqualTo("block");
    // A script on the target's disk, or given as code on the line, is no nested shell.
    for (String text : List.of("bash deploy.sh", "bash -s < deploy.sh", "bash -c 'ls -la'", "python3 tool.py")) {
      assertThat(DEFAULT.judge(text).verdict().label()).as(text).isEqualTo("allow");
    }
  }

  @Test
  void onGuardLostIsEndByDefaultAndScreenIsAccepted() {
    assertThat(DEFAULT.policy().onGuardLost()).isEqualTo(ShellPolicy.OnGuardLost.END);
    Map<String, Object> p = new HashMap<>(ShellJudgeTest.DEFAULT_SHELL);
    p.put("onGuardLost", "end");
    assertThat(ShellJudgeTest.judge(p).policy().onGuardLost()).isEqualTo(ShellPolicy.OnGuardLost.END);
    p.put("onGuardLost", "screen");
    assertThat(PolicyConfig.parseShell(Map.of("p", p)).get("p").onGuardLost()).isEqualTo(ShellPolicy.OnGuardLost.SCREEN);
    p.put("onGuardLost", "ignore");
    assertThatThrownBy(() -> PolicyConfig.parseShell(Map.of("p", p)))
        .hasMessageContaining("p.onGuardLost: 'ignore' must be end or screen");
  }

  @ParameterizedTest(name = "reads the terminal by name: {0}")
  @ValueSource(strings = {"bash /dev/tty", "sh /dev/tty", "source /dev/tty", ". /dev/tty", "bash < /dev/tty",
      "bash /proc/self/fd/0", "bash /proc/$$/fd/0", "bash /proc/$$/fd/$k", "bash /dev/pts/0",
      "bash /dev/pts/$n", "sh /dev/stdout", "bash /dev/fd/2", "python3 /dev/tty", "perl /dev/tty",
      "bash /dev/fd/3 3</dev/tty", "builtin source /dev/tty", "command . /dev/tty", "env bash /dev/tty"})
  void aShellReadingTheTerminalByNameIsANestedShell(String line) {
    Verdict v = DEFAULT.judgeTyped(line).verdict();
    assertThat(v.label()).as(line).isIn("review", "block");
    // A name with a part only known when it runs is unclassified as well: held for review either way.
    assertThat(v.rule()).as(line).isIn("nested-shell", "interpreter-inline", line.contains("$") ? "unclassified" : "nested-shell");
    assertThat(DEFAULT.judgeTyped(line + "; true").verdict().label()).as(line).isNotEqualTo("allow");
  }

  @ParameterizedTest(name = "terminal characters or readline: {0}")
  @ValueSource(strings = {"read -e x", "read -re x", "read -p '> ' -e x", "read -ei default x", "read $opt x",
      "tset -e '#'", "tset -I -Q -e '#'", "reset -e '#'", "reset -I -Q -e '#'", "tset -k '#'", "tset -i x",
      "tset -Qe#", "reset $opts", "stty erase '#'", "stty kill '#'", "stty -icanon", "stty $saved"})
  void readlineInReadAndTerminalCharactersAreGuardTamper(String line) {
    for (ShellJudge j : List.of(DEFAULT, allowList())) {
      Verdict v = j.judgeTyped(line).verdict();
      assertThat(v.label()).as(line).isEqualTo("block");
      assertThat(v.rule()).as(line).isIn("guard-tamper", "allow-list");
    }
    // In allow-list mode a listed tset or reset is still refused, and so is read -e (read is always allowed there).
    assertThat(allowList().judgeTyped(line).verdict().rule()).as(line)
        .isEqualTo(line.startsWith("read") || line.startsWith("tset") || line.startsWith("reset") ? "guard-tamper"
            : allowList().judgeTyped(line).verdict().rule());
  }

  @ParameterizedTest(name = "ordinary: {0}")
  @ValueSource(strings = {"read -r x", "read -p 'e> ' x", "read -d e x", "read -t 5 -n 1 e", "read -a e", "tset -q",
      "reset", "tset -I -Q", "bash script.sh", "cat /dev/tty", "echo x > /dev/tty", "bash -n /tmp/x.sh",
      "python3 tool.py", "source ~/.env", "echo 0 > /tmp/x"})
  void ordinaryUsesOfReadTsetAndScriptsStayAsTheyWere(String line) {
    Verdict v = DEFAULT.judgeTyped(line).verdict();
    assertThat(v.rule()).as(line).isNotIn("guard-tamper", "nested-shell");
  }

  @ParameterizedTest(name = "input not a file named literally: {0}")
  @ValueSource(strings = {"bash {x}>/dev/null", "sh {fd}</dev/tty", "bash {x}<&0", "python3 {fd}</dev/null",
      "bash {a[1]}>/dev/null", "perl {x}>&-", "sh 2>/dev/null {x}</etc/hostname", "sh < <(cat)", "bash < <(cat -)",
      "sh 0< <(cat)", "bash < <(tee /dev/null)", "python3 < <(cat)", "bash < \"$f\"", "sh < $(echo /dev/tty)",
      "bash < /dev/fd/3", "sh < /proc/self/fd/4", "bash < /dev/pts/1", "bash < /dev/ttyS0", "sh < /dev/stdin",
      "ruby < /dev/console"})
  void aShellWhoseInputIsNotALiteralFileIsANestedShell(String line) {
    // A {name} redirection opens one more descriptor and leaves the input the terminal; a process
    // substitution or a name only known when it runs may be the terminal. A process substitution
    // also feeds it code from another command, as a pipe does (interpreter-inline, named first);
    // without that class in the policy it is still a nested shell.
    Verdict v = DEFAULT.judgeTyped(line).verdict();
    assertThat(v.label()).as(line).isEqualTo("review");
    assertThat(v.rule()).as(line).isEqualTo(line.contains("< <(") ? "interpreter-inline" : "nested-shell");
    Map<String, Object> p = new HashMap<>(ShellJudgeTest.DEFAULT_SHELL);
    p.put("review", List.of("sudo"));
    Verdict withoutInline = ShellJudgeTest.judge(p).judgeTyped(line).verdict();
    assertThat(withoutInline.label() + " " + withoutInline.rule()).as(line).isEqualTo("review nested-shell");
  }

  @ParameterizedTest(name = "input a file or text: {0}")
  @ValueSource(strings = {"bash < /tmp/setup.sh", "sh {x}>/dev/null < ./install.sh", "bash </dev/null", "sh -s < run.sh"})
  void aShellReadingALiteralFileIsNoNestedShell(String line) {
    Verdict v = DEFAULT.judgeTyped(line).verdict();
    assertThat(v.rule()).as(line).isNotIn("nested-shell", "guard-tamper");
  }

  @ParameterizedTest(name = "character set changed: {0}")
  @ValueSource(strings = {"LC_ALL=zh_CN.GBK", "export LANG=ja_JP.SJIS", "LC_CTYPE=zh_TW.BIG5; ls", "declare -gx LC_ALL=zh_CN.GB18030",
      "readonly LC_CTYPE=ko_KR.EUC-KR", "local LANG=zh_CN.GBK", "typeset -x LC_ALL=zh_CN.gbk", "export \"LC_ALL=zh_CN.GBK\"",
      "LC_ALL=$l", "LC_ALL=\"$(cat /tmp/l)\"", "LC_ALL[0]=zh_CN.GBK", "LC_ALL+=x", "printf -v LC_ALL %s zh_CN.GBK",
      "read LC_ALL", "read -r -p 'locale? ' LANG", "mapfile -t LC_CTYPE < /tmp/l", "readarray LC_ALL", "getopts ab LANG",
      "declare -n r=LC_ALL", "declare -n r", "local -n ref=LC_CTYPE", "for LC_ALL in zh_CN.GBK; do :; done",
      "select LANG in zh_CN.GBK; do break; done", "eval 'LC_ALL=zh_CN.GBK'", "eval LC_\"\"ALL=zh_CN.GBK",
      "bash -c 'LC_ALL=zh_CN.GBK; echo hi'", "LC_ALL=zh_CN.GBK bash -c 'echo hi'", "env LC_ALL=zh_CN.GBK sh -c 'echo hi'",
      "LC_ALL=zh_CN.GBK eval 'echo hi'", "LOCPATH=/tmp/loc", "export LOCPATH=/tmp/loc", "ls {LC_ALL}>/dev/null",
      "LC_ALL=zh_CN.GBK bash <<'EOF'\necho hi\nEOF"})
  void aLineThatChangesTheCharacterSetBashReadsInIsGuardTamper(String line) {
    // Under GBK, BIG5 or SJIS bash reads "中\" with the backslash inside a character: the next
    // lines would not be the lines judged.
    Verdict v = DEFAULT.judgeTyped(line).verdict();
    assertThat(v.label()).as(line).isEqualTo("block");
    assertThat(v.rule()).as(line).isEqualTo("guard-tamper");
  }

  @ParameterizedTest(name = "same reading: {0}")
  @ValueSource(strings = {"LC_ALL=C", "export LC_ALL=C.UTF-8", "LANG=en_US.UTF-8", "export LANG=de_DE.utf8",
      "LC_CTYPE=POSIX", "LC_ALL=", "unset LC_ALL", "LC_ALL=zh_CN.GBK sort /tmp/names", "LANG=ja_JP.SJIS ls -l",
      "env LC_ALL=zh_CN.GBK date", "LC_ALL=C grep -c x /var/log/syslog", "echo \"$LANG\"", "printf '%s\\n' \"$LC_ALL\"",
      "locale", "local -n ref=arr", "for l in a b; do echo $l; done", "read -r line"})
  void aLocaleForOneCommandOrAUtf8LocaleIsAllowed(String line) {
    assertThat(DEFAULT.judgeTyped(line).verdict().label()).as(line).isEqualTo("allow");
  }

  @ParameterizedTest(name = "array element of a guard variable: {0}")
  @ValueSource(strings = {"PROMPT_COMMAND[1]='touch /tmp/w'", "PS1[0]='$ '", "export PROMPT_COMMAND[0]=x",
      "ls {PS0}>/dev/null", "export 'PROMPT_COMMAND=touch /tmp/w'", "declare \"PS1=x\"", "ls {__gh_n}>/dev/null"})
  void settingAGuardVariableByAnyRouteIsGuardTamper(String line) {
    // Every element of PROMPT_COMMAND runs before a prompt; PS1[0] is PS1.
    Verdict v = DEFAULT.judgeTyped(line).verdict();
    assertThat(v.label()).as(line).isEqualTo("block");
    assertThat(v.rule()).as(line).isEqualTo("guard-tamper");
  }

  @ParameterizedTest(name = "script from the terminal or running commands: {0}")
  @ValueSource(strings = {"sed -f - /etc/hostname", "sed -f /dev/stdin f", "sed -f /dev/tty f", "sed --file=- f",
      "sed --fi=/dev/tty f", "sed -nf - f", "sed -f- f", "sed f -f -", "sed -f \"$s\" f", "sed $opts f", "sed --expr='1e id' f",
      "sed '1e id' f", "sed '1e id;touch /tmp/w' f", "sed 's/x/id/e' f", "sed '$!e' f", "sed '0~2 e date' f",
      "sed -e p -e '/a/I e date' f", "sed \"s/$a/b/\" f", "awk -f /dev/tty f", "awk -f - f", "awk 'BEGIN{c=\"sh\"; print \"id\" | c}'",
      "awk 'BEGIN{f=\"system\"; @f(\"id\")}'", "gawk -l ./x.so 'BEGIN{}'", "awk 'BEGIN{\"date\" | getline d}'",
      "awk '{print |& \"sh\"}'", "gawk --source 'BEGIN{system(\"id\")}'", "less '+!id' f", "less $'+!touch /tmp/w\\n' f",
      "less -k /tmp/keys f", "less --lesskey-src=/dev/tty f", "mawk -W exec /dev/tty"})
  void aToolRunningCommandsFromAScriptItIsGivenIsInterpreterInline(String line) {
    Verdict v = DEFAULT.judgeTyped(line).verdict();
    assertThat(v.label()).as(line).isEqualTo("review");
    assertThat(v.rule()).as(line).isEqualTo("interpreter-inline");
  }

  @ParameterizedTest(name = "a plain edit: {0}")
  @ValueSource(strings = {"sed -n '1,20p' /etc/nginx/nginx.conf", "sed -i 's/^#\\(.*\\)/\\1/' /tmp/f", "sed 's/e/E/g' f",
      "sed '/^$/d' f", "sed -e :a -e '$!N;s/\\n//;ta' f", "sed -n '/start/,/end/p' f", "sed 'a see e' f", "sed -E 's/(a|b)+/x/' f",
      "sed -f /etc/fix.sed f", "sed --sandbox '1e id' f", "sed --sandbox -f - f", "awk '{print $1}' f", "awk -F'|' '{print $2}' f",
      "awk '/error|warn/ {n++} END {print n}' f", "awk '$3 > 5 || $4 < 2' f", "awk '{ n = $1 / 2; print n }' f",
      "awk '{print $1 \"|\" $2}' f", "awk -f /usr/share/awk/x.awk f", "less +G f", "less +F /var/log/syslog",
      "less +/error f", "more +10 f", "man -k ssh", "PAGER='less -R' git log", "GIT_PAGER=cat git diff"})
  void aToolScriptThatRunsNoCommandsStaysAllowed(String line) {
    assertThat(DEFAULT.judgeTyped(line).verdict().label()).as(line).isEqualTo("allow");
  }

  @ParameterizedTest(name = "command in a variable: {0} => {1}")
  @org.junit.jupiter.params.provider.CsvSource(delimiterString = " => ", quoteCharacter = '~', textBlock = """
      GIT_PAGER='rm -rf /' git log => recursive-delete-root
      PAGER='reboot' man ls => power
      export EDITOR='systemctl restart nginx' => service-change
      env SYSTEMD_PAGER='kill -9 1' systemctl status => process-kill
      LESSOPEN='|sudo id %s' less f => sudo
      export PAGER="$p" => unclassified
      """)
  void aCommandHeldInAPagerOrEditorVariableIsJudgedAsCode(String line, String rule) {
    // git, man, systemctl and less run these values with sh -c.
    Verdict v = DEFAULT.judgeTyped(line).verdict();
    assertThat(v.label()).as(line).isIn("review", "block");
    assertThat(v.rule()).as(line).isEqualTo(rule);
  }

  private static ShellJudge allowList() {
    Map<String, Object> p = new HashMap<>(ShellJudgeTest.DEFAULT_SHELL);
    p.put("mode", "allow-list");
    p.put("allowCommands", List.of("ls", "tset", "reset", "stty", "echo"));
    return ShellJudgeTest.judge(p);
  }
}
