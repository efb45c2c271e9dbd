package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.policy.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Writes to a shell's startup files ({@code ShellClass.startupFile}): the next login shell (the
 * guarded prompt starts {@code bash -l}), interactive shell, or sshd's {@code bash -c} for an exec
 * request (Debian's bash reads {@code ~/.bashrc} for it) runs what they hold, unjudged. A session
 * starts in the home directory, so a startup file named by its relative name ({@code .bashrc},
 * {@code ./.profile}, {@code ../u/.bashrc}) counts as much as {@code ~/.bashrc}: by the path's last
 * component, in any directory. Reading one stays allowed, and so does keeping a copy of one
 * elsewhere.
 */
class ShellStartupFilesTest {
  static final ShellJudge DEFAULT = ShellJudgeTest.DEFAULT;

  /** Refused by the exec and the typed judgement, by the rule the startup-file writes share. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "echo 'touch /tmp/w' >> .bashrc",
      "echo x >> ~/.bashrc",
      "echo x >> $HOME/.bashrc",
      "echo x >> ./.profile",
      "echo x >> ../root/.bashrc",
      "echo x >> ../u/.profile",
      "echo x >> a/.bashrc",
      "echo x >> /home/u/.zshrc",
      "echo x > .bash_profile",
      "echo x > .bash_login",
      "echo x >> .bash_logout",
      "echo x >> .bash_aliases",
      "echo x >> .inputrc",
      "echo x >> .zshenv",
      "echo x >> .zprofile",
      "echo x >> .zlogin",
      "echo x >> .kshrc",
      "echo x >> .mkshrc",
      "echo x >> .cshrc",
      "echo x >> .pam_environment",
      "echo x >> .config/fish/config.fish",
      "echo x >> .bash?c",
      "cat f >> .bashrc",
      "grep x f >> .bashrc",
      "printf '%s\\n' x | tee -a .bashrc",
      "tee -a .bashrc < f",
      "cp f .bash_profile",
      "cp -b f .bashrc",
      "cp x/.bashrc .",
      "cp x/.bashrc ../u",
      "mv f .profile",
      "install f .bashrc",
      "ln -sf f .bashrc",
      "dd if=f of=.bashrc",
      "sed -i s/a/b/ .bashrc",
      "rsync f .bashrc",
  })
  void aWriteToAStartupFileIsRefusedWhereverItIs(String text) {
    for (ShellJudgement j : List.of(DEFAULT.judge(text), DEFAULT.judgeTyped(text))) {
      assertThat(j.verdict()).as(text).isNotInstanceOf(Verdict.Allow.class);
      assertThat(j.verdict().rule()).as(text).isEqualTo("interpreter-inline");
    }
  }

  /** /root's files are the user-change rule's (every file under /root). */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"echo x >> /root/.bashrc", "cp f /root/.profile"})
  void aWriteUnderRootIsAUserChange(String text) {
    assertThat(DEFAULT.judge(text).verdict()).isNotInstanceOf(Verdict.Allow.class);
    assertThat(DEFAULT.judgeTyped(text).verdict()).isNotInstanceOf(Verdict.Allow.class);
  }

  /** Everyday lines that read a startup file, or keep a copy of one out of any home directory. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {
      "cat .bashrc",
      "less ~/.profile",
      "grep PATH .bashrc",
      "cp .bashrc /tmp/bashrc.bak",
      "cp ~/.bashrc /tmp/bashrc.bak",
      "cp .bashrc /tmp/",
      "cp .profile .profile.orig",
      "cp .bashrc .bashrc.bak",
      "diff .bashrc /etc/skel/.bashrc",
      "cat .bashrc > /tmp/x",
      "wc -l .bashrc .profile",
      "head .zshrc",
      "echo x >> bashrc.txt",
      "echo x >> notes/profile",
      "vim .bashrc",
  })
  void readingOneOrKeepingACopyElsewhereIsAllowed(String text) {
    assertThat(DEFAULT.judge(text).verdict()).as(text).isInstanceOf(Verdict.Allow.class);
    assertThat(DEFAULT.judgeTyped(text).verdict()).as(text).isInstanceOf(Verdict.Allow.class);
  }

  /**
   * The route, under real bash in a temporary HOME (also the working directory, as a session's):
   * the write by the relative name, then the next login or interactive bash, runs what was written
   * (here {@code touch} of a witness in the same directory).
   */
  @ParameterizedTest(name = "{0} then bash {1}")
  @CsvSource(delimiter = '|', textBlock = """
      .bashrc       | -ic
      .bash_profile | -lc
      .profile      | -lc
      """)
  void theNextShellRunsWhatTheWriteHeld(String file, String option, @TempDir Path home) throws Exception {
    Path w = home.resolve("w");
    String text = "echo 'touch " + w + "' >> " + file;
    assertThat(DEFAULT.judge(text).verdict()).as(text).isNotInstanceOf(Verdict.Allow.class);
    BashWitness.run(home, List.of("bash", "--norc", "--noprofile", "-c", text), "");
    assertThat(home.resolve(file)).exists();
    assertThat(w).as("the write alone runs nothing").doesNotExist();
    String out = BashWitness.run(home, List.of("bash", option, "true"), "");
    assertThat(Files.exists(w)).as("bash %s true in HOME=%s ran %s: %s", option, home, file, out).isTrue();
  }
}
