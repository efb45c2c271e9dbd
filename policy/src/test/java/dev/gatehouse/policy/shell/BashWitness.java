package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.policy.Verdict;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs attack texts under real bash, for the attack-pass tests: a text the guard let through must
 * not make bash run a command the judgement did not list. The only command the texts run is
 * {@code touch} of a witness file in a temporary directory; whether that file exists afterwards is
 * what a test asserts.
 */
final class BashWitness {
  private BashWitness() {}

  /** Variables of the test's own environment that would change what the programs under test run. */
  private static final List<String> PROGRAM_VARIABLES = List.of("GIT_DIR", "PAGER", "MANPAGER", "LESS", "LESSOPEN",
      "EDITOR", "VISUAL", "SYSTEMD_PAGER", "SYSTEMD_LESS", "DPKG_PAGER", "SELECTED_EDITOR", "ZIP", "ZIPOPT",
      "TAR_OPTIONS", "BASH_ENV", "ENV");

  /** Allowed, and {@code touch} is not among the commands judged. */
  static boolean allowedWithoutTouch(ShellJudgement j) {
    return j.verdict() instanceof Verdict.Allow && !j.commands().contains("touch");
  }

  /**
   * The text ({@code WITNESS} replaced by a file) refused by both the exec and the typed
   * judgement, or listing its {@code touch}: else bash, given it, must not create the file. With
   * {@code terminal}, bash runs it on a terminal ({@code script}), as at the guarded prompt, and a
   * pager or editor it starts is sent keys that quit it.
   */
  static void assertRunsNoUnjudgedTouch(ShellJudge judge, String template, Path tmp, boolean terminal) throws Exception {
    Path w = tmp.resolve("w");
    String text = template.replace("WITNESS", w.toString());
    ShellJudgement exec = judge.judge(text);
    ShellJudgement typed = judge.judgeTyped(text);
    if (!allowedWithoutTouch(exec) && !allowedWithoutTouch(typed)) {
      return;
    }
    String out = terminal
        ? run(tmp, List.of("script", "-qec", text, "/dev/null"), "q\nq\n:q\n")
        : run(tmp, List.of("bash", "--norc", "--noprofile", "-c", text), "");
    assertThat(Files.exists(w)).as("the guard allowed %s (exec: %s %s, typed: %s %s); bash ran touch W: %s", text,
        exec.verdict().label(), exec.commands(), typed.verdict().label(), typed.commands(), out).isFalse();
  }

  /**
   * An exec request whose client sends {@code input} ({@code WITNESS} replaced by the file): if the
   * exec or the typed judgement allows the text without listing {@code touch}, bash given that
   * input on its standard input must not create the file.
   */
  static void assertExecInputNotRun(ShellJudge judge, String template, String input, Path tmp) throws Exception {
    Path w = tmp.resolve("w");
    String text = template.replace("WITNESS", w.toString());
    ShellJudgement exec = judge.judge(text);
    ShellJudgement typed = judge.judgeTyped(text);
    if (!allowedWithoutTouch(exec) && !allowedWithoutTouch(typed)) {
      return;
    }
    String out = runOnSystemPath(tmp, List.of("bash", "--norc", "--noprofile", "-c", text), input.replace("WITNESS", w.toString()));
    assertThat(Files.exists(w)).as("the guard allowed %s (exec: %s %s, typed: %s %s); bash ran the touch of its input: %s",
        text, exec.verdict().label(), exec.commands(), typed.verdict().label(), typed.commands(), out).isFalse();
  }

  /**
   * Runs {@code argv} in {@code dir} (also its HOME) with {@code input} on its standard input and
   * the variables above unset; killed after 20 s (a text may start a program that waits). Returns
   * what it printed, both streams.
   */
  static String run(Path dir, List<String> argv, String input) throws Exception {
    Path log = Files.createTempFile(dir, "out", ".txt");
    ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().put("HOME", dir.toString());
    pb.environment().put("SHELL", "/bin/bash"); // script -c runs $SHELL -c TEXT
    PROGRAM_VARIABLES.forEach(pb.environment()::remove);
    Process p = pb.start();
    p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().flush();
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    p.getOutputStream().close();
    return Files.readString(log, StandardCharsets.ISO_8859_1);
  }

  /**
   * Runs {@code argv} with {@code PATH=/usr/bin:/bin} and {@code input} on its standard input,
   * which is then closed; it must end within 30 s. Returns what it printed, both streams.
   */
  static String runOnSystemPath(Path dir, List<String> argv, String input) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().put("PATH", "/usr/bin:/bin");
    Process p = pb.start();
    p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("bash ended").isTrue();
    return out;
  }

  /**
   * The bash command line that runs {@code payload} after a route that changes how bash reads it:
   * a route ending in {@code "$0 "} runs the payload as its own code ({@code bash --posix -c "$0"}),
   * any other comes before it in one text ({@code set +B\n} then the payload).
   */
  static List<String> routeThenText(String route, String payload) {
    return route.endsWith(" ")
        ? List.of("bash", "--norc", "--noprofile", "-c", route.strip(), payload)
        : List.of("bash", "--norc", "--noprofile", "-c", route + payload);
  }
}
