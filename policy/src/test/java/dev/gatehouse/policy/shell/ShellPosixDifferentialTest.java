package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Code given to a POSIX shell ({@code sh -c CODE}, dash on Debian) proven against dash itself. A
 * seeded generator (the seed is printed; rerun one with {@code -Dgatehouse.posixSeed=N}, explore
 * with {@code -Dgatehouse.posixSeed=random}) glues fragments weighted to what bash and dash may read
 * apart: quotes, {@code ${…}} operators with quotes inside, {@code $'…'}/{@code $"…"}, bash's
 * operators and redirections, {@code [[ ]]}, {@code (( ))}, brace expansion, substitutions. Each
 * text runs as {@code dash -c TEXT} in a bubblewrap sandbox whose PATH holds only logging stubs
 * (as {@link BashDifferentialTest}); every command dash ran must be one the guard's reading of
 * {@code sh -c TEXT} found (with the same arguments where it knows them), unless that reading is
 * not exact (the guard refuses to allow it). The same texts run under {@code bash --posix -c}.
 */
class ShellPosixDifferentialTest {
  private static final int TEXTS = Integer.getInteger("gatehouse.posixTexts", 2000);
  /** The seed of the CI run. */
  private static final long CI_SEED = 1789342155226094613L;
  private static final List<String> STUBS = List.of("c0", "c1", "c2", "rm", "ls", "touch");

  /** Texts found to read apart before (each is run before the generated ones). */
  private static final List<String> FOUND_BEFORE = List.of(
      "ls -d \"${x:-'}\" ; touch W ; \"'}\"", "c1 $'\\';touch W;#'", "c1 hi &>/dev/null touch W", "c1 $\"a\"",
      "[[ -n x || touch W ]]", "((touch W))", "c1 a |& touch W", "c1 {a,b}", "c1 \"${x:-a}'}\" ; touch W",
      "c1 \"$(case x in x) touch W;; esac)\"", "c1 \"${x:-`touch W`}\"", "c1 `c2 \\`touch W\\``",
      "c1 $(c2 # )\n)", "x[1]=a touch W", "c1 \"${x#'}'}\" ; touch W", "function f { touch W; }",
      "eval {'#;touch W;',x}", "eval ': '{'#',';touch W;: '}", "eval $x{'#;touch W;',x}", "c1 \"a\"{'b c',d}");

  @TempDir Path dir;

  static boolean sandboxed() {
    return Files.isExecutable(Path.of("/usr/bin/bwrap")) && Files.isExecutable(Path.of("/usr/bin/dash"));
  }

  @Test
  void bashOnlyConstructsAreNamed() {
    for (String t : FOUND_BEFORE.subList(0, 8)) {
      assertThat(PosixShellCode.bashOnly(t)).as(t).isNotNull();
    }
    // Brace expansion wherever bash performs it in a word: past quoted delimiters, after a quoted or
    // expanded part, inside a substitution; and braces bash's expansion would not pair the same way.
    for (String t : List.of("eval {'#;touch W;',x}", "eval ': '{'#',';touch W;: '}", "c1 \"a b\"{c,d}",
        "c1 a\\ {b,c}", "c1 $x{a,b}", "c1 $(c0){a,b}", "c1 `c0`{a,b}", "c1 \"$(c0 {a,b})\"", "c1 {\"a;b\",c}",
        "c1 x{1..3}", "c1 {a,$(c0 ';')}", "c1 {a,`c0`}", "c1 {a,${x}}", "c1 $((1)){a,b}", "c1 {a,b}>f", "c1 a{'}'{b,c}")) {
      assertThat(PosixShellCode.bashOnly(t)).as(t).isNotNull();
    }
    for (String t : List.of("ls -l /var/log", "cd /srv && tar czf /tmp/b.tgz . 2>&1 | tail -n 3",
        "for f in *.log; do gzip -9 \"$f\"; done", "echo \"${HOME:-/root}\" \"${f%.log}\" $((1 + 2)) $(date +%F)",
        "[ -f /etc/hosts ] && grep -c '^#' /etc/hosts || true", "find . -name '*.tmp' -exec ls {} \\;",
        "find . -name \"*.log\" -exec ls {} +", "awk \"{print \\$1}\" f", "awk '{print $1, $2}' f", "echo ${HOME}",
        "echo 'a b'", "echo \"{a,b}\" '{a,b}' \\{a,b} {a\\,b} a{b}c {} { }", "{ ls; }", "f() { ls -l; }",
        "echo \"$(printf '%s,%s' a b)\"{x}", "echo ${x:-a}${y}")) {
      assertThat(PosixShellCode.bashOnly(t)).as(t).isNull();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"sh", "/bin/sh", "dash", "busybox sh", "ash", "posh", "mksh", "sudo sh", "env sh"})
  void aPosixShellsCodeHoldingBashOnlyQuotingIsNotReadExactly(String shell) {
    String line = shell + " -c 'ls -d \"${x:-'\\''}\" ; touch W ; \"'\\''}\"'";
    assertThat(ShellReading.read(line).exact()).as(line).isFalse();
    assertThat(ShellReading.read(shell + " -c 'ls -l /tmp'").exact()).isTrue();
    assertThat(ShellReading.read("bash -c 'ls -d \"${x:-'\\''a'\\''}\"'").exact()).as("bash's own reading").isTrue();
    assertThat(ShellReading.read(shell + " -s <<< 'c1 $'\\''a'\\'''").exact()).isFalse();
    assertThat(ShellReading.read(shell + " -c 'eval \"c1 \\$'\\''x'\\''\"'").exact()).as("eval in sh -c").isFalse();
  }

  @Test
  @Timeout(value = 300)
  @EnabledIf("sandboxed")
  void everyCommandDashRunsIsOneTheReadingFound() throws Exception {
    String seedProperty = System.getProperty("gatehouse.posixSeed", String.valueOf(CI_SEED));
    long seed = seedProperty.equals("random") ? new Random().nextLong() : Long.parseLong(seedProperty);
    System.out.println("ShellPosixDifferentialTest seed: " + seed + " (-Dgatehouse.posixSeed=" + seed + " repeats this run)");
    Random rnd = new Random(seed);
    List<String> texts = new ArrayList<>(FOUND_BEFORE);
    for (int i = 0; i < TEXTS; i++) {
      texts.add(new Generator(rnd).text());
    }
    Path stubs = makeStubs();
    List<String> failures = new ArrayList<>();
    int refused = 0;
    int commandsSeen = 0;
    // Both shells at once (the CI machine has two cores).
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    Map<String, java.util.concurrent.Future<Map<Integer, List<List<String>>>>> runs = new java.util.LinkedHashMap<>();
    for (String shell : List.of("/gh/dash -c", "/gh/bash --posix -c")) {
      runs.put(shell, pool.submit(() -> run(stubs, texts, shell)));
    }
    pool.shutdown();
    Map<String, Map<Integer, List<List<String>>>> ranBy = new java.util.LinkedHashMap<>();
    for (var e : runs.entrySet()) {
      ranBy.put(e.getKey(), e.getValue().get());
    }
    for (int i = 0; i < texts.size(); i++) {
      String text = texts.get(i);
      ShellReading r = ShellReading.read("sh -c " + Wrappers.quote(text));
      for (var e : ranBy.entrySet()) {
        commandsSeen += e.getValue().getOrDefault(i, List.of()).size();
      }
      if (!r.exact()) {
        refused++;
        continue;
      }
      for (var e : ranBy.entrySet()) {
        List<List<String>> ran = e.getValue().getOrDefault(i, List.of());
        for (List<String> one : ran) {
          if (!BashDifferentialTest.judged(r, one)) {
            failures.add("seed " + seed + ", text #" + i + ":\n" + text + "\n  " + e.getKey() + " ran: " + one
                + "\n  the reading found: " + r.commands().stream().map(c -> c.name() + c.argValues()).toList());
            break;
          }
        }
      }
    }
    System.out.printf("ShellPosixDifferentialTest: %d texts, %d commands run, %d texts not read exactly, %d disagreements%n",
        texts.size(), commandsSeen, refused, failures.size());
    failures.stream().limit(20).forEach(f -> System.out.println("DISAGREEMENT " + f));
    assertThat(failures).as("commands a POSIX shell ran that the reading did not find").isEmpty();
    assertThat(commandsSeen).as("the shells ran the generated commands (is the sandbox working?)").isGreaterThan(texts.size());
    assertThat(refused).as("texts read exactly too").isLessThan(texts.size() * 3 / 4);
  }


  private Path makeStubs() throws IOException {
    Path stubs = Files.createDirectories(dir.resolve("stubs"));
    String stub = "#!/gh/dash\nprintf '%s\\0' \"$GH_ID\" \"${0##*/}\" \"$#\" \"$@\" >> /log/log\n";
    for (String s : STUBS) {
      Path p = stubs.resolve(s);
      Files.writeString(p, stub);
      p.toFile().setExecutable(true, false);
    }
    return stubs;
  }

  /** Runs every text as {@code SHELL TEXT} in one sandbox; what each ran, by text number. */
  private Map<Integer, List<List<String>>> run(Path stubs, List<String> batch, String shell) throws Exception {
    String tag = shell.replaceAll("[^a-z]", "");
    Path texts = Files.createDirectories(dir.resolve("texts-" + tag));
    Path log = Files.createDirectories(dir.resolve("log-" + tag));
    for (int i = 0; i < batch.size(); i++) {
      Files.writeString(texts.resolve("t" + i), batch.get(i));
    }
    // The working directory is a throwaway tmpfs: redirections the texts make land there.
    Files.writeString(texts.resolve("driver"), """
        cd /tmp || exit 1
        for ((i = 0; i < %d; i++)); do
          IFS= read -r -d '' text < /texts/t$i
          GH_ID=$i /gh/timeout -s KILL 5 %s "$text" </dev/null >/dev/null 2>&1
        done
        wait
        exit 0
        """.formatted(batch.size(), shell));
    List<String> cmd = BashDifferentialTest.sandbox();
    cmd.addAll(List.of("--ro-bind", stubs.toString(), "/usr/bin", "--ro-bind", "/usr/bin/bash", "/gh/bash",
        "--ro-bind", "/usr/bin/dash", "/gh/dash", "--ro-bind", "/usr/bin/timeout", "/gh/timeout",
        "--ro-bind", texts.toString(), "/texts", "--bind", log.toString(), "/log", "/gh/bash", "/texts/driver"));
    Path out = dir.resolve("bwrap-" + tag + ".out");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    assertThat(p.waitFor(240, TimeUnit.SECONDS)).as("the sandboxed run finished").isTrue();
    assertThat(p.exitValue()).as(Files.readString(out)).isZero();
    return BashDifferentialTest.ranByText(log.resolve("log"));
  }

  /**
   * Texts of stub commands whose words and operators are weighted to the constructs bash and dash
   * may read apart; a part of the words are loose fragments (an open quote, a lone {@code ${x:-}).
   */
  static final class Generator {
    private static final String[] WORDS = {"a", "W", "-f", "x=1", "~", "a=~", "*.none", "'q w'", "\"d q\"", "a\\ b",
        "{a,b}", "{1..2}", "a{b,c}", "${x}{a,b}", "{'a;b',c}", "{\"x y\",z}", "'q '{a,b}", "\"d\"{1..2}", "a\\ {b,c}",
        "$x{a,b}", "$(c0){a,b}", "{a,'}'}", "{a,\"c0;\"}", "a[1]=b", "y+=c", "function", "select", "coproc", "[[", "]]", "!"};
    private static final String[] QUOTED = {"$'a'", "$'\\''", "$'\\';W;#'", "$\"a\"", "$\"x y\"", "\"$'a'\"",
        "\"${x:-'a'}\"", "\"${x:-'}'}\"", "\"${x-'}'}\"", "\"${x:+'}'}\"", "\"${x:='a b'}\"", "\"${x#'}'}\"",
        "\"${x%'a'}\"", "${x:-'}'}", "${x:-\"}\"}", "\"${x:-\"}\"}\"", "\"${x:-\\}}\"", "\"${x:-a}'}\"",
        "\"${x:-`echo }`}\"", "${x:-$(echo })}", "\"${#x}\"", "$((1+2))", "$[1+2]", "${x/a/b}", "${x:1:2}", "${!x}",
        "\"`echo \\\"a\\\"`\"", "'it'\\''s'", "\"it's\"", "a'b'c\"d\"e", "#c", "a#b"};
    private static final String[] FRAGMENTS = {"'", "\"", "$'", "$\"", "${x:-", "${x#", "}", "'}'", "\"'\"", "`", "\\",
        "$(", ")", "$((", "))", "{", "(("};
    private static final String[] OPERATORS = {" ; ", ";", " & ", " && ", " || ", " | ", "\n", " |& ", " ;& ", " ;;& "};
    private static final String[] REDIRECTIONS = {" >/dev/null", " 2>&1", " &>/dev/null", " &> /dev/null ", " >&/dev/null",
        " <<< a", " <(c0)", " >(c0)", " >|/dev/null", " </dev/null", " <<E\na\nE\n"};

    /** Words, operators and redirections both shells read alike, for a third of the texts. */
    private static final String[] ALIKE_WORDS = {"a", "W", "-f", "x=1", "*.none", "'q w'", "\"d q\"", "a\\ b", "\"${x:-a}\"",
        "\"${x#a}\"", "${x:-$(c0 z)}", "\"$(c1 a)\"", "`c2 b`", "\"${x:-a}'}\"", "\"it's\"", "'it'\\''s'", "$((1+2))",
        "a#b", "#c", "\"$x\"", "{}", "'$'a", "\"$\"",
        "\"{a,b}\"", "'{a b,c}'", "\\{a,b}", "a{b}c", "{a\\,b}", "\"${x:-a}\"{b}"};
    private static final String[] ALIKE_OPERATORS = {" ; ", ";", " & ", " && ", " || ", " | ", "\n", " >/dev/null ", " 2>&1 "};

    private final Random rnd;
    private final boolean alike;

    Generator(Random rnd) {
      this.rnd = rnd;
      this.alike = rnd.nextInt(3) == 0;
    }

    private String pick(String... s) {
      return s[rnd.nextInt(s.length)];
    }

    private String stub() {
      return STUBS.get(rnd.nextInt(STUBS.size()));
    }

    String text() {
      if (alike) {
        StringBuilder b = new StringBuilder(stub());
        int words = 1 + rnd.nextInt(8);
        for (int i = 0; i < words; i++) {
          b.append(rnd.nextInt(4) == 0 ? pick(ALIKE_OPERATORS) + stub() : " " + pick(ALIKE_WORDS));
        }
        return b.toString();
      }
      StringBuilder b = new StringBuilder(command(0));
      int more = rnd.nextInt(3);
      for (int i = 0; i < more; i++) {
        b.append(pick(OPERATORS)).append(command(0));
      }
      return b.toString();
    }

    private String command(int d) {
      return switch (d > 0 ? 9 : rnd.nextInt(16)) {
        case 0 -> "[[ -n a " + pick("||", "&&", "<", ">") + " " + simple(1) + " ]]";
        case 1 -> "((" + simple(1) + "))";
        case 2 -> "function f { " + simple(1) + "; }" + pick("", "; f", "\nf");
        case 3 -> "case a in a) " + simple(1) + pick(" ;;", " ;&", " ;;&") + " esac";
        case 4 -> "c1 \"$(case a in a) " + simple(1) + ";; esac)\"";
        case 5 -> "{ " + simple(1) + "; }";
        case 6 -> "( " + simple(1) + " )";
        default -> simple(d);
      };
    }

    private String simple(int d) {
      StringBuilder b = new StringBuilder(rnd.nextInt(8) == 0 ? pick(WORDS) + " " : "").append(stub());
      int args = rnd.nextInt(4);
      for (int i = 0; i < args; i++) {
        b.append(' ');
        switch (rnd.nextInt(8)) {
          case 0, 1 -> b.append(pick(WORDS));
          case 2, 3, 4 -> b.append(pick(QUOTED));
          case 5 -> b.append(pick(FRAGMENTS)).append(d > 0 ? "" : pick(OPERATORS) + simple(1));
          case 6 -> b.append(d > 0 ? "a" : pick("\"$(", "$(", "`") + simple(1) + pick(")\"", ")", "`"));
          default -> b.append(pick(REDIRECTIONS));
        }
      }
      return b.toString();
    }
  }
}
