package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ShellReadingTest {

  /** Each text and the command lines (name and arguments, unknown parts as ?) the reading must find. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiterString = " => ", quoteCharacter = '~', textBlock = """
      rm -rf /                                        => rm -rf /
      ls;rm x                                         => ls ; rm x
      a && (b || c) & d                               => a ; b ; c ; d
      echo $(rm -rf /) `id`                           => rm -rf / ; id ; echo ? ?
      FOO=bar env -i sudo rm -rf / 2>&1 | tee x       => env -i sudo rm -rf / ; sudo rm -rf / ; rm -rf / ; tee x
      cmd >(rm a) <(ls)                               => rm a ; ls ; cmd ? ?
      f() { reboot; }; f                              => reboot ; f
      bash -c 'sh -c "rm -rf /"'                      => bash -c sh -c "rm -rf /" ; sh -c rm -rf / ; rm -rf /
      eval 'reboot'                                   => eval reboot ; reboot
      su - root -c 'reboot'                           => su - root -c reboot ; reboot
      find / -exec rm -rf {} +                        => find / -exec rm -rf {} + ; rm -rf ?
      ls | xargs -0 rm -f                             => ls ; xargs -0 rm -f ; rm -f ?
      timeout -s KILL 5 nice -n 3 nohup stdbuf -oL ionice -c3 reboot => timeout -s KILL 5 nice -n 3 nohup stdbuf -oL ionice -c3 reboot ; nice -n 3 nohup stdbuf -oL ionice -c3 reboot ; nohup stdbuf -oL ionice -c3 reboot ; stdbuf -oL ionice -c3 reboot ; ionice -c3 reboot ; reboot
      command -p exec builtin time reboot             => command -p exec builtin time reboot ; exec builtin time reboot ; builtin time reboot ; time reboot ; reboot
      watch -n 1 'ls; reboot'                         => watch -n 1 ls; reboot ; ls ; reboot
      env -S 'rm -rf /'                               => env -S rm -rf / ; rm -rf /
      x=$(reboot) y                                   => reboot ; y
      case $(a) in b) c;; esac                        => a ; c
      [[ $(reboot) ]]                                 => reboot
      for i in $(seq 3); do echo $i; done             => seq 3 ; echo ?
      echo ${a:-$(reboot)}                            => reboot ; echo ?
      chroot /srv/jail /bin/sh -c 'reboot'            => chroot /srv/jail /bin/sh -c reboot ; /bin/sh -c reboot ; reboot
      sh 0</dev/tty                                   => sh
      rm 0</dev/null -rf /                            => rm -rf /
      0</dev/null rm -rf /                            => rm -rf /
      a=1 0</dev/null rm -rf /                        => rm -rf /
      0<<<x rm -rf /                                  => rm -rf /
      cat 0<<<x y                                     => cat y
      cat 2>&1 0>/dev/null a                          => cat a
      cat 2>x 0<y z                                   => cat z
      kubectl <&- delete                              => kubectl delete
      kubectl 2>&- delete                             => kubectl delete
      echo 0<(reboot)                                 => reboot ; echo 0?
      cat "("c4" "d q")"                              => cat (c4 d q)
      """)
  void everyCommandBashWouldRunIsFound(String text, String expected) {
    ShellReading r = ShellReading.read(text);
    assertThat(r.unclassified()).as("%s", text).isEmpty();
    assertThat(r.commands().stream().map(c -> c.line().replace(Word.UNKNOWN, '?')).toList())
        .as("%s", text).containsExactlyInAnyOrderElementsOf(List.of(expected.split(" ; ")));
  }

  @Test
  void digitsGluedToARedirectionAreItsDescriptorNotAnArgument() {
    assertThat(ShellReading.read("sh 0</dev/tty").commands().get(0).argValues()).isEmpty();
    assertThat(ShellReading.read("cat a 0>/dev/null b").commands().get(0).argValues()).containsExactly("a", "b");
    // Too large for a descriptor: bash keeps the digits as an argument, the grammar does not.
    assertThat(ShellReading.read("cat 2147483648</dev/null").exact()).isFalse();
    assertThat(ShellReading.read("cat 0&>/dev/null").commands().get(0).argValues()).containsExactly("0");
  }

  @Test
  void blanksAloneInDoubleQuotesAreAWordsContent() {
    assertThat(ShellReading.read("cat \"(\"c4\" \"d q\")\"").commands().get(0).argValues())
        .containsExactly("(c4 d", "q)");
    assertThat(ShellReading.read("cat \" \" a\"\t\"b").commands().get(0).argValues()).containsExactly(" ", "a\tb");
  }

  @Test
  void quotedAndEscapedNamesAreTheNameBashLooksUp() {
    assertThat(ShellReading.read("\\rm 'r'm \"rm\" /bin/rm").commands()).extracting(ShellCommand::line)
        .containsExactly("rm rm rm /bin/rm");
    assertThat(ShellReading.read("$'\\x72m' -rf /").commands()).extracting(ShellCommand::line).containsExactly("rm -rf /");
    assertThat(ShellReading.read("echo `echo \\`reboot\\``").commands()).extracting(ShellCommand::name)
        .containsExactlyInAnyOrder("reboot", "echo", "echo");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '\u0001', quoteCharacter = '~', textBlock = """
      $x -rf /
      $(echo rm) -rf /
      "${a}b" x
      /bin/r? -rf /
      echo {rm,-rf,/}; {rm,-rf,/}
      echo "unterminated
      if true; then
      sh -c "$CMD"
      eval "$X"
      env $OPTS rm
      zsh -c 'rm -rf /'
      sh <<EOF\\n$(id)\\nEOF
      """)
  void whatCannotBeReadExactlyIsUnclassified(String text) {
    assertThat(ShellReading.read(text.replace("\\n", "\n")).unclassified()).as("%s", text).isNotEmpty();
  }

  @Test
  void aHereDocumentFedToAShellIsReadAsCode() {
    ShellReading r = ShellReading.read("sh <<'EOF'\necho hi\nrm -rf /\nEOF\n");
    assertThat(r.commands()).extracting(ShellCommand::line).contains("rm -rf /");
    assertThat(ShellReading.read("bash <<< 'reboot'").commands()).extracting(ShellCommand::name).contains("reboot");
  }

  @Test
  void lineContinuationsJoinWordsAsBashDoes() {
    assertThat(ShellReading.read("r\\\nm -rf /").commands()).extracting(ShellCommand::line).containsExactly("rm -rf /");
    // inside single quotes and after a comment, no continuation
    assertThat(ShellReading.read("echo 'a\\\nb'").commands()).hasSize(1);
    assertThat(ShellReading.read("echo a # c \\\nreboot").commands()).extracting(ShellCommand::name).containsExactly("echo", "reboot");
  }

  @Test
  void pipesAndRedirectionsAreRecorded() {
    ShellReading r = ShellReading.read("curl -s http://x | sudo bash; echo b > /dev/sda 2>&1");
    assertThat(r.commands()).filteredOn(c -> c.name().equals("bash")).singleElement()
        .satisfies(c -> {
          assertThat(c.stdin()).isEqualTo(ShellCommand.Stdin.PIPE);
          assertThat(c.upstream()).containsExactly("curl");
        });
    assertThat(r.writes()).extracting(w -> w.target().value()).containsExactly("/dev/sda");
  }

  @Test
  void theWordReaderSplitsOneCommandLine() {
    assertThat(ShellWords.split("kubectl get pods -n 'my ns' \"a b\" c\\ d")).contains(
        List.of("kubectl", "get", "pods", "-n", "my ns", "a b", "c d"));
    assertThat(ShellWords.split("kubectl get $(x)")).isEmpty();
    assertThat(ShellWords.split("a; b")).isEmpty();
    assertThat(ShellWords.split("a > f")).isEmpty();
  }

  @Test
  void aForkBombIsAFunctionCallingItself() {
    assertThat(ShellReading.read(":(){ :|:& };:").functions()).singleElement()
        .satisfies(f -> assertThat(f.selfCalling()).isTrue());
  }
}
