package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link BashOnlyExec#wrap}: bash reads the wrapped text as it reads the text alone, and dash (the
 * other shell installed here) runs none of it.
 */
class BashOnlyExecTest {
  private static final int TEXTS = Integer.getInteger("gatehouse.shellTexts", 400);
  /** The seed of the CI run; -Dgatehouse.shellSeed=random (or a number) explores. */
  private static final long CI_SEED = 5217349021678355331L;

  /**
   * Texts that read the state the first line could have changed: {@code $_}, {@code $?}, the
   * positional parameters, the options, aliases, {@code PIPESTATUS}, and the quoting dash reads
   * otherwise. (Not {@code $LINENO}: it counts the first line, see BashOnlyExec.)
   */
  private static final List<String> STATE = List.of(
      "c1 \"$_\"", "c1 \"$?\"", "false\nc1 \"$?\"", "c1 \"$0\" \"$#\" \"$@\"", "c1 \"$-\"", "c1 \"$SHELLOPTS\"",
      "c1 \"$BASHOPTS\"", "c1 \"${PIPESTATUS[@]}\"", "c1 \"${FUNCNAME[@]}\" \"${BASH_SOURCE[@]}\"",
      "c1 \"$BASH_ARGV0\" \"${#BASH_ARGV[@]}\"", "c1 \"$(alias)\" \"$(declare -F)\"", "c1 \"$(shopt -p expand_aliases)\"",
      "shopt -s expand_aliases\nalias c1=c2\nc1 x", "alias c1=c2\nc1 x", "trap 'c3 \"$_\"' EXIT\nc1 a",
      "c1 $'\\';c2 W;#'", "echo $'\\';c2 W;#'", "c1 \"$(set +o | grep -v ignoreeof)\"", "c1 \"${__gh_d-unset}\"",
      "c1 <<'E'\n$'\\'\nE\nc2 x", "c1 \"$BASH_COMMAND\"", "exit 3", "c1 x; exit 97");

  @TempDir Path dir;

  @Test
  @Timeout(value = 600)
  void bashRunsTheWrappedTextAsTheTextAlone() throws Exception {
    String seedProperty = System.getProperty("gatehouse.shellSeed", String.valueOf(CI_SEED));
    long seed = seedProperty.equals("random") ? new Random().nextLong() : Long.parseLong(seedProperty);
    System.out.println("BashOnlyExecTest seed: " + seed + " (-Dgatehouse.shellSeed=" + seed + " repeats this run)");
    Random rnd = new Random(seed);
    List<String> texts = new ArrayList<>(STATE);
    for (int i = 0; i < TEXTS; i++) {
      texts.add(new BashDifferentialTest.Generator(rnd).text());
    }
    Path stubs = BashDifferentialTest.makeStubs(dir);
    Map<Integer, List<List<String>>> alone = run(stubs, texts, false, "alone");
    Map<Integer, List<List<String>>> wrapped = run(stubs, texts, true, "wrapped");
    int commands = alone.values().stream().mapToInt(List::size).sum();
    List<Integer> differing = differing(texts, alone, wrapped);
    // The harness kills a text after 5 s and a loaded machine can get there, and a pipeline whose
    // reader ends first (`time c2 |& c1`: SIGPIPE) may run less on one run than on another. So a
    // text that differed runs again both ways (up to 3 times): it differs only if no run agrees,
    // and one whose runs under bash -c TEXT disagree among themselves is nondeterministic (counted,
    // not compared).
    Map<Integer, List<List<String>>> firstAlone = alone;
    List<Integer> nondeterministic = new ArrayList<>();
    for (int round = 1; round <= 3 && !differing.isEmpty(); round++) {
      System.out.println("BashOnlyExecTest: round " + round + ", running again " + differing);
      List<String> again = differing.stream().map(texts::get).toList();
      Map<Integer, List<List<String>>> a = run(stubs, again, false, "alone-" + round);
      Map<Integer, List<List<String>>> w = run(stubs, again, true, "wrapped-" + round);
      List<Integer> stillDiffer = differing(again, a, w);
      List<Integer> still = new ArrayList<>();
      for (int i = 0; i < again.size(); i++) {
        int n = differing.get(i);
        if (!stillDiffer.contains(i)) { // this run agreed
          continue;
        }
        if (!sorted(a.getOrDefault(i, List.of())).equals(sorted(firstAlone.getOrDefault(n, List.of())))) {
          nondeterministic.add(n);
        } else {
          still.add(n);
        }
      }
      differing = still;
    }
    List<String> differences = new ArrayList<>();
    for (int i : differing) {
      differences.add("seed " + seed + ", text #" + i + ":\n" + texts.get(i) + "\n  bash -c TEXT ran: "
          + sorted(alone.getOrDefault(i, List.of())) + "\n  bash -c WRAPPED ran: " + sorted(wrapped.getOrDefault(i, List.of())));
    }
    System.out.printf("BashOnlyExecTest: %d texts, %d commands run (bash -c TEXT), %d differences,"
        + " %d nondeterministic under bash -c TEXT itself %s%n", texts.size(), commands, differences.size(),
        nondeterministic.size(), nondeterministic);
    differences.stream().limit(20).forEach(d -> System.out.println("DIFFERENCE " + d));
    assertThat(differences).as("commands bash ran for the wrapped text and not for the text alone, or back").isEmpty();
    assertThat(commands).as("bash ran the texts' commands (is the sandbox working?)").isGreaterThan(texts.size());
    assertThat(nondeterministic.size()).as("few texts run differently each time").isLessThan(texts.size() / 20);
    // The state texts ran (and agreed above): $_ as the environment gave it, $? 0, no positional parameters.
    assertThat(alone.get(0)).isEqualTo(List.of(List.of("c1", "/gh/real/timeout")));
    assertThat(alone.get(1)).isEqualTo(List.of(List.of("c1", "0")));
    assertThat(alone.get(3)).isEqualTo(List.of(List.of("c1", "/gh/bash", "0")));
  }

  /** What each text ran, by its number: {@code bash -c TEXT}, or with {@code wrap} {@code bash -c WRAPPED}. */
  private Map<Integer, List<List<String>>> run(Path stubs, List<String> texts, boolean wrap, String name)
      throws Exception {
    return BashDifferentialTest.runUnderBash(Files.createDirectories(dir.resolve(name)), stubs,
        wrap ? texts.stream().map(BashOnlyExec::wrap).toList() : texts, 0);
  }

  /**
   * The numbers of the texts that ran other commands one way than the other. A text that puts a
   * job in the background ({@code … done & case …}) may still be running it when bash exits and the
   * harness collects the logs: how many of that job's commands were logged by then is timing (on a
   * loaded machine the wrapped and the plain run differ in it every time), so such a text is
   * compared by the commands it ran, not how often.
   */
  private static List<Integer> differing(List<String> texts, Map<Integer, List<List<String>>> alone,
      Map<Integer, List<List<String>>> wrapped) {
    List<Integer> d = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      List<List<String>> a = alone.getOrDefault(i, List.of());
      List<List<String>> w = wrapped.getOrDefault(i, List.of());
      boolean same = BACKGROUND_JOB.matcher(texts.get(i)).find()
          ? new java.util.HashSet<>(a).equals(new java.util.HashSet<>(w))
          : sorted(a).equals(sorted(w));
      if (!same) {
        d.add(i);
      }
    }
    return d;
  }

  /** A {@code &} that is none of {@code &&}, {@code &>}, {@code >&}, {@code |&}: a job put in the background. */
  private static final java.util.regex.Pattern BACKGROUND_JOB = java.util.regex.Pattern.compile("(?<![&|>])&(?![&>])");

  /** Background commands and pipelines log in any order: compare what ran, not when. */
  private static List<List<String>> sorted(List<List<String>> runs) {
    return runs.stream().sorted(Comparator.comparing(Object::toString)).toList();
  }

  @Test
  void dashRunsNothingOfTheTextAndSaysWhy(@TempDir Path tmp) throws Exception {
    Path dash = Path.of("/usr/bin/dash");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(dash), "dash is installed");
    Path w = tmp.resolve("w");
    String text = "echo $'\\';touch " + w + ";#'";
    // Without the first line dash runs the touch: the reason for it.
    BashWitness.runOnSystemPath(tmp, List.of(dash.toString(), "-c", text), "");
    assertThat(Files.exists(w)).as("dash reads $'...' otherwise than bash").isTrue();
    Files.delete(w);
    Process p = new ProcessBuilder(dash.toString(), "-c", BashOnlyExec.wrap(text)).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor()).isEqualTo(BashOnlyExec.NOT_BASH_EXIT);
    assertThat(out).isEqualTo(BashOnlyExec.NOT_BASH_MESSAGE + "\n");
    assertThat(Files.exists(w)).isFalse();
    Process probe = new ProcessBuilder(dash.toString(), "-c", BashOnlyExec.PROBE).redirectErrorStream(true).start();
    probe.getInputStream().readAllBytes();
    assertThat(probe.waitFor()).isEqualTo(BashOnlyExec.NOT_BASH_EXIT);
  }

  @Test
  void bashAsShLeavesPosixModeFirst(@TempDir Path tmp) throws Exception {
    // A login shell /bin/sh that is bash runs in POSIX mode, where aliases are expanded in a -c
    // string: `alias echo=printf` would change what the next line runs.
    String text = "alias echo=printf\necho 'x%s\\n' y\nshopt -o posix";
    String asSh = BashWitness.runOnSystemPath(tmp, List.of("bash", "-c", "exec -a sh bash -c \"$1\"", "_",
        BashOnlyExec.wrap(text)), "");
    String alone = BashWitness.runOnSystemPath(tmp, List.of("bash", "-c", text), "");
    assertThat(asSh).isEqualTo(alone).startsWith("x%s\\n y\nposix");
    String probe = BashWitness.runOnSystemPath(tmp, List.of("bash", "-c", "(exec -a sh bash -c \"$1\"); echo $?", "_",
        BashOnlyExec.PROBE), "");
    assertThat(probe).isEqualTo("0\n");
  }
}
