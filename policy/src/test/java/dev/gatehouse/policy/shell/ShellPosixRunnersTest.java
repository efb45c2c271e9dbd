package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.policy.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Programs that hand their code to {@code /bin/sh}, to {@code $SHELL} or to an account's login
 * shell, none of which need be bash ({@code /bin/sh} is dash on Debian): su, runuser, flock, script,
 * make's recipes, tar's {@code --to-command}, {@code GIT_SSH_COMMAND}, a pager, strace's {@code -o
 * |CMD}, sg, ssh's {@code ProxyCommand}, fakeroot, dpkg-architecture, npx. Each attack text holds
 * {@code $'\';touch W;#'}, one word to bash and {@code $\} then {@code touch W} to dash: the text
 * runs for real (bash at the prompt, the real program under it) in a bubblewrap sandbox whose only
 * writable directory is the test's own ({@code /w}), and the witness file appears; the judge refuses
 * the same text. A runner that cannot run here is asserted on the judge only. Everyday lines using
 * the same runners stay read exactly.
 */
class ShellPosixRunnersTest {
  private static final ShellJudge DEFAULT = ShellJudgeTest.DEFAULT;
  /** One {@code echo} to bash; {@code echo $\}, then {@code touch WITNESS} to dash. */
  private static final String CODE = "echo $'\\';touch WITNESS;#'";
  /**
   * The same without {@code ;} (the JVM splits {@code -XX:OnError} at it) and surviving an {@code
   * exec} before it (ssh runs {@code exec PROXYCOMMAND}): dash backgrounds the first command.
   */
  private static final String CODE_AMP = "true $'\\' & touch WITNESS & #'";
  private static final String WITNESS = "/w/W";

  @TempDir Path dir;

  /**
   * One runner: the text typed at the prompt, the environment of the account (SHELL), a set-up run
   * first in the same sandbox, whether it needs real root (su and runuser set groups, which a user
   * namespace refuses), whether it needs a terminal (a pager), and the reason the judge gives (null
   * where a class of its own refuses the text: make given code, tar's --to-command, ssh).
   */
  record Runner(String name, String text, String shell, String setup, boolean root, boolean terminal, String reason) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static String q(String s) {
    return Wrappers.quote(s);
  }

  static Stream<Runner> runners() {
    String gitRepo = "git init -q r && git -C r -c user.name=a -c user.email=a@b commit -q --allow-empty -m m";
    return Stream.of(
        // su -s SHELL runs its -c code with that shell; without -s, the target's login shell.
        new Runner("su -s /bin/sh -c", "su root -s /bin/sh -c " + q(CODE), null, null, true, false, "run by su"),
        // runuser -c is su's form (the target's login shell, or -s SHELL); runuser -u USER CMD runs
        // no shell at all (see everydayLinesStayReadExactly).
        new Runner("runuser -s /bin/sh -c", "runuser -s /bin/sh -c " + q(CODE) + " root", null, null, true, false,
            "run by runuser"),
        // flock -c runs $SHELL -c, /bin/sh when SHELL is unset (as here).
        new Runner("flock -c", "flock /tmp/lock -c " + q(CODE), null, null, false, false, "run by flock"),
        // script -c runs $SHELL -c.
        new Runner("script -c", "script -q -c " + q(CODE) + " /dev/null", "/bin/sh", null, false, false, "run by script"),
        // make runs each recipe line with /bin/sh -c ($$ is one $ to make).
        new Runner("make recipe", "make -s -f - <<'EOF'\nall:\n\t" + CODE.replace("$", "$$") + "\nEOF", null, null, false,
            false, null),
        new Runner("tar --to-command", "tar xf t.tar --to-command=" + q(CODE), null,
            "printf hi > f && tar cf t.tar f && rm f", false, false, null),
        // git runs GIT_SSH_COMMAND with sh -c (the remote is never reached: the sandbox has no network).
        new Runner("GIT_SSH_COMMAND", "GIT_SSH_COMMAND=" + q(CODE) + " git ls-remote ssh://h/x", null, null, false, false,
            "GIT_SSH_COMMAND"),
        // git runs PAGER with sh -c when its output is a terminal.
        new Runner("PAGER (git)", "PAGER=" + q(CODE) + " git -C r log", null, gitRepo, false, true, "PAGER"),
        new Runner("git -c core.pager", "git -C r -c core.pager=" + q(CODE) + " log", null, gitRepo, false, true, null),
        // less runs LESSOPEN's |CMD with popen (/bin/sh).
        new Runner("LESSOPEN (less)", "LESSOPEN=" + q("|" + CODE + " %s") + " less f", null, "printf hi > f", false, false,
            "LESSOPEN"),
        // strace -o '|CMD' pipes its trace into CMD with popen.
        new Runner("strace -o |", "strace -o " + q("|" + CODE) + " true", null, null, false, false, "run by strace"),
        // sg runs its command with /bin/sh -c.
        new Runner("sg", "sg root " + q(CODE), null, null, false, false, "run by sg"),
        // ssh runs ProxyCommand as $SHELL -c 'exec CMD'.
        new Runner("ssh ProxyCommand", "ssh -o BatchMode=yes -o ProxyCommand=" + q(CODE_AMP) + " h true", "/bin/sh", null,
            false, false, null),
        // fakeroot (a sh script) runs eval $FAKED.
        new Runner("fakeroot -f", "fakeroot -f " + q(CODE) + " true", null, null, false, false, "run by fakeroot"),
        // dpkg-architecture -c runs its command with perl's exec, which hands a line to /bin/sh -c.
        new Runner("dpkg-architecture -c", "dpkg-architecture -c " + q(CODE), null, null, false, false,
            "run by dpkg-architecture"),
        // npx -c runs its command with npm's script shell, sh by default.
        new Runner("npx -c", "npx -c " + q(CODE), null, null, false, false, "run by npx"));
  }

  static boolean sandboxed() {
    return Files.isExecutable(Path.of("/usr/bin/bwrap")) && Files.isExecutable(Path.of("/usr/bin/dash"));
  }

  private static boolean root() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static String program(Runner r) {
    String first = r.text().replaceFirst("^[A-Z_]+=('[^']*'|\\S+)+ ", "");
    return first.substring(0, first.indexOf(' '));
  }

  private static boolean installed(String program) {
    return Stream.of("/usr/bin/", "/usr/sbin/").anyMatch(d -> Files.isExecutable(Path.of(d + program)));
  }

  @ParameterizedTest(name = "the judge refuses: {0}")
  @MethodSource("runners")
  void theJudgeRefusesTheAttackText(Runner r) {
    String text = r.text().replace("WITNESS", WITNESS);
    assertRefused(text, r.reason());
  }

  @ParameterizedTest(name = "dash runs the touch: {0}")
  @MethodSource("runners")
  @EnabledIf("sandboxed")
  void theRealProgramRunsTheTouch(Runner r) throws Exception {
    if (!installed(program(r)) || r.root() && !root()) {
      // Not installed here, or su/runuser without root: the judge's refusal is asserted above.
      return;
    }
    String text = r.text().replace("WITNESS", WITNESS);
    if (r.setup() != null) {
      sandboxed(r, List.of("bash", "--norc", "--noprofile", "-c", r.setup()));
    }
    // bash reads the text, as at the guarded prompt; a pager needs a terminal (script, running bash).
    String out = sandboxed(r, r.terminal() ? List.of("script", "-qec", text, "/dev/null")
        : List.of("bash", "--norc", "--noprofile", "-c", text));
    assertThat(Files.exists(dir.resolve("W"))).as("%s ran the touch under %s: %s", text, r.name(), out).isTrue();
  }

  /**
   * Runs {@code argv} in a throwaway sandbox: no network, nothing shared, the system read-only, the
   * test's directory writable at {@code /w} (also HOME). su and runuser run as real root (no user
   * namespace: they set groups), still without network and with a private /tmp, /var and /run.
   */
  private String sandboxed(Runner r, List<String> argv) throws Exception {
    List<String> cmd = new ArrayList<>(BashDifferentialTest.sandbox());
    if (r.root()) {
      cmd.remove("--unshare-all");
      cmd.addAll(1, List.of("--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try"));
      cmd.addAll(List.of("--tmpfs", "/var", "--tmpfs", "/run"));
    }
    cmd.addAll(List.of("--ro-bind", "/usr/bin", "/usr/bin", "--ro-bind", "/usr/sbin", "/usr/sbin",
        "--symlink", "usr/sbin", "/sbin", "--ro-bind", "/usr/share", "/usr/share", "--ro-bind", "/etc", "/etc",
        "--bind", dir.toString(), "/w", "--chdir", "/w", "--setenv", "HOME", "/w",
        "--setenv", "PATH", "/usr/bin:/usr/sbin", "--setenv", "SHELL", r.shell() != null ? r.shell() : "/bin/bash"));
    if (r.shell() == null && !r.terminal()) {
      cmd.addAll(List.of("--unsetenv", "SHELL"));
    }
    cmd.addAll(List.of("/usr/bin/timeout", "-s", "KILL", "30"));
    cmd.addAll(argv);
    Path out = Files.createTempFile(dir, "out", ".txt");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the sandboxed run ended").isTrue();
    return Files.readString(out, java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  /**
   * Runners that cannot run here (a program not installed, one that needs a JVM crash, a package,
   * a bisect or a terminal that stays open, or that would edit the account's crontab): the judge's
   * refusal only.
   */
  @ParameterizedTest(name = "the judge refuses: {0}")
  @ValueSource(strings = {
      // The JVM runs -XX:OnError / -XX:OnOutOfMemoryError commands with /bin/sh -c, split at ';'.
      "java -XX:OnError='true $'\\''\\'\\'' & touch WITNESS & #'\\''' -jar app.jar",
      // mvn's script splits MAVEN_OPTS at blanks: dash splits ${IFS} in the command instead.
      "MAVEN_OPTS='-XX:OnOutOfMemoryError=true$'\\''\\'\\''&touch${IFS}WITNESS&#'\\''' mvn package",
      // npm explore runs its command with the script shell in the package's directory.
      "npm explore left-pad -- 'echo $'\\''\\'\\'';touch WITNESS;#'\\'''",
      // hyperfine (sh -c by default) and moreutils' pee (popen) may be missing.
      "hyperfine 'echo $'\\''\\'\\'';touch WITNESS;#'\\'''",
      "pee 'echo $'\\''\\'\\'';touch WITNESS;#'\\'''",
      // git bisect run and submodule foreach run their command with sh -c.
      "git bisect run 'echo $'\\''\\'\\'';touch WITNESS;#'\\'''",
      "git submodule foreach 'echo $'\\''\\'\\'';touch WITNESS;#'\\'''",
      // crontab -e runs EDITOR with /bin/sh -c; git runs GIT_EDITOR so.
      "EDITOR='echo $'\\''\\'\\'';touch WITNESS;#'\\''' crontab -e",
      "GIT_EDITOR='echo $'\\''\\'\\'';touch WITNESS;#'\\''' git commit",
      // dpkg-buildpackage runs its hooks with sh -c (needs a source package).
      "dpkg-buildpackage --hook-init='echo $'\\''\\'\\'';touch WITNESS;#'\\'''",
      // asciinema rec -c and scriptlive -c run their command with sh -c / $SHELL -c on a terminal.
      "asciinema rec -c 'echo $'\\''\\'\\'';touch WITNESS;#'\\''' /tmp/x.cast",
      "scriptlive -c 'echo $'\\''\\'\\'';touch WITNESS;#'\\''' -t t.log s.log",
      // watch runs sh -c until stopped, on a terminal.
      "watch 'echo $'\\''\\'\\'';touch WITNESS;#'\\'''",
      // Debian's zgrep is a sh script: it runs GREP as a command.
      "GREP='echo $'\\''\\'\\'';touch WITNESS;#'\\''' zgrep x f.gz"})
  void theJudgeRefusesWhereTheProgramDoesNotRunHere(String template) {
    assertRefused(template.replace("WITNESS", WITNESS), "holds what bash reads otherwise");
  }

  private static void assertRefused(String text, String reason) {
    ShellJudgement exec = DEFAULT.judge(text);
    ShellJudgement typed = DEFAULT.judgeTyped(text);
    assertThat(exec.verdict()).as("exec %s: %s", text, exec.commands()).isNotInstanceOf(Verdict.Allow.class);
    assertThat(typed.verdict()).as("typed %s: %s", text, typed.commands()).isNotInstanceOf(Verdict.Allow.class);
    if (reason != null) {
      List<String> why = ShellReading.read(text).unclassified();
      assertThat(why).as(text).anyMatch(u -> u.contains("holds what bash reads otherwise") && u.contains(reason));
    }
  }

  /** Bash itself reads these again: their code keeps bash's reading (the attack text is one echo). */
  @ParameterizedTest(name = "read as bash: {0}")
  @ValueSource(strings = {"eval " + "'echo $'\\''\\'\\'';touch W;#'\\'''", "bash -c 'echo $'\\''\\'\\'';touch W;#'\\'''",
      "rbash -c 'echo $'\\''\\'\\'';touch W;#'\\'''", "trap 'echo $'\\''\\'\\'';touch W;#'\\''' EXIT",
      "alias e='echo $'\\''\\'\\'';touch W;#'\\'''", "bash <<'EOF'\necho $'\\';touch W;#'\nEOF",
      "source /dev/stdin <<'EOF'\necho $'\\';touch W;#'\nEOF", "mapfile -C 'echo $'\\''\\'\\'';touch W;#'\\''' a < f"})
  void codeBashReadsAgainIsReadAsBash(String text) {
    ShellReading r = ShellReading.read(text);
    assertThat(r.unclassified()).as(text).noneMatch(u -> u.contains("holds what bash reads otherwise"));
    assertThat(r.commands()).as(text).noneMatch(c -> c.name().equals("touch"));
  }

  /** ... but inside code a POSIX shell runs, eval and the rest are that shell's, and read as POSIX code. */
  @Test
  void codeReadAgainInsidePosixCodeStaysPosix() {
    for (String text : List.of("su -c " + q("eval " + q(CODE)) + " root", "flock /tmp/l -c " + q("trap " + q(CODE) + " EXIT"),
        "script -qc " + q("eval " + q(CODE)) + " /dev/null")) {
      assertRefused(text.replace("WITNESS", WITNESS), "holds what bash reads otherwise");
    }
  }

  /**
   * Everyday lines with the same runners: read exactly and allowed, except su, runuser and sg, which
   * the default policy reviews by its sudo rule (not as unclassified), crontab -e (scheduler-change)
   * and ssh (the no-ssh-hop rule).
   */
  @ParameterizedTest(name = "everyday: {0}")
  @ValueSource(strings = {"su -c 'ls -l /var/log' root", "su - postgres -c 'psql -l'", "su root -s /bin/sh -c 'df -h'",
      "runuser -u postgres -- psql -l", "runuser -u root -- echo $'a\\tb'", "runuser -l postgres -c 'pg_dump db > /tmp/db.sql'",
      "sg adm -c 'tail /var/log/syslog'", "flock /tmp/l -c 'ls'", "flock -n /var/lock/backup.lock -c 'ls -l /srv/backup'",
      "watch -n1 'df -h'", "watch -n 5 'ps aux | grep -c nginx'", "make -n", "make -j4 && make test", "make -C build install DESTDIR=/tmp/stage",
      "PAGER=less git log", "PAGER=cat git log --oneline -5", "GIT_PAGER='less -R' git diff", "MANPAGER='less -s' man ls",
      "LESSOPEN='| /usr/bin/lesspipe %s' less /var/log/syslog", "script -q -c 'ls -l' /dev/null",
      "strace -o /tmp/trace.txt ls", "strace -f -o '|cat' ls", "tar xzf backup.tgz -C /tmp/restore",
      "GIT_SSH_COMMAND='ssh -i ~/.ssh/deploy_key -o IdentitiesOnly=yes' git fetch", "EDITOR=vim crontab -e",
      "sh -c 'ls -l /var/log | tail -n 3'", "bash -c 'echo $'\\''a\\tb'\\'''",
      "java -XX:OnOutOfMemoryError='jcmd %p GC.heap_info' -jar app.jar", "npx -c 'eslint .'"})
  void everydayLinesStayReadExactly(String text) {
    ShellReading r = ShellReading.read(text);
    assertThat(r.unclassified()).as(text).noneMatch(u -> u.contains("holds what bash reads otherwise"));
    ShellJudgement j = DEFAULT.judge(text);
    String label = j.verdict().label();
    if (text.startsWith("su ") || text.startsWith("runuser ") || text.startsWith("sg ") || text.contains("crontab -e")
        || text.startsWith("GIT_SSH_COMMAND")) {
      assertThat(j.verdict().rule()).as("%s: %s", text, label).isNotEqualTo("unclassified");
    } else {
      assertThat(label).as("%s %s %s", text, j.commands(), j.verdict().rule()).isEqualTo("allow");
    }
  }
}
