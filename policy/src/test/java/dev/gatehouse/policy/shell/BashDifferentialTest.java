package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reading proven against bash itself. A seeded generator (the seed is printed; rerun one with
 * {@code -Dgatehouse.shellSeed=N}, explore with {@code -Dgatehouse.shellSeed=random}) writes texts that mix lists, pipelines, subshells, groups,
 * functions, {@code $(…)}, backticks (nested, escaped), process substitution, here-documents and
 * here-strings, {@code sh -c}/{@code bash -c}/{@code eval}, the wrappers {@code env}, {@code
 * timeout}, {@code nice}, {@code nohup}, {@code command}, {@code xargs}, {@code find -exec}, quoted,
 * escaped and absolute command names and line continuations. Each text runs under real bash in a
 * throwaway bubblewrap sandbox whose PATH holds only logging stubs (each appends its name and
 * arguments to a log), beside the real wrappers and bash. Every command bash ran must be one the
 * reading found — with the same arguments where the reading knows them exactly — unless the reading
 * called the whole text unclassified.
 */
class BashDifferentialTest {
  private static final int TEXTS = Integer.getInteger("gatehouse.shellTexts", 5000);
  private static final int BATCH = 1000;
  /** The seed of the CI run (see the test). */
  private static final long CI_SEED = 8704574265644228141L;
  private static final List<String> STUBS = List.of("c0", "c1", "c2", "c3", "c4", "rm", "ls", "cat", "grep", "reboot", "kill");
  private static final List<String> REAL = List.of("env", "timeout", "nice", "nohup", "xargs", "find");

  /**
   * Texts on which an earlier generated run found the reading and bash apart, run under bash on
   * every run before the generated ones (bash, not this list, says what they run).
   */
  private static final List<String> FOUND_BEFORE = List.of(
      // tree-sitter skips an escaped blank between tokens and starts a new word after a quoted part
      "A=1 c3 $(nice -n 1 'grep') `env A=2 \"c1\" r\\\nm \\$'ls'\\ a` <<'EOF'\nline $(c4 h)\nEOF\ntrue",
      "c1 $'ls'\\ a", "c1 'ls'\\ a", "c1 \"ls\"\\ a", "c1 $'ls'\\x", "c1 $'l'$'s'\\ a b", "c1 a$'ls'\\ a",
      "c1 \\ a", "c1 'a'\\ \\ b", "c1 a \\  b", "c1;\\ c2", "c1\\ x y", "A=1\\ c1", "c3 `c1 \\$'ls'\\ a`",
      "c1 'a'\\\tb", "c1 a'b'c \"d\"e", "env 'c1'\\ x", "nice -n 1 \"c2\"\\x y",
      // bash reads digits glued to a redirection operator as its descriptor; tree-sitter reads 0 as an argument
      "c1 0</dev/null", "c1 a 0</dev/null b", "0</dev/null c1 x", "a=1 0</dev/null c2 y", "0<<<x c3 y", "c1 0<<<x y",
      "c1 0>/dev/null a", "c1 0<&- b", "c1 3</dev/null", "c1 2147483648</dev/null", "c1 0<(c2 z)", "c1 0>(c2 z)",
      "c1 0&>/dev/null", "c1 <&- b", "c1 2>&- b c",  // <&- and >&- take no target: the words after are arguments
      // bash reads {name} glued to a redirection operator as a named descriptor; tree-sitter reads it as a word
      "c1 {x}>/dev/null", "c1 a {x}</dev/null b", "c1 {a[1]}>/dev/null z", "c1 {x}<&0", "c1 {x}>&- y", "c1 a{x}>/dev/null",
      "c1 \"{x}\">/dev/null", "c1 {x} >/dev/null", "c1 {x}&>/dev/null", "c1 {1x}>/dev/null", "c1 {x}<<<y z",
      "c1 2>/dev/null {x}</dev/null w", "c1 < <(c2 z)", "c1 0< <(c2 z) y", "for LC_ALL in a; do c1 \"$LC_ALL\"; done",
      // tree-sitter puts a double-quoted string's blanks-only content into its closing quote's token
      "c''at \"(\"c4\" \"d q\")\"", "c1 \" \"", "c1 a\"  \"b", "c1 \"\t\" x");

  @TempDir Path dir;

  @Test
  // A guard against a hang, not a time limit: 5,000+ sandboxed bash runs take ~5 min on a quiet
  // 2-core machine and over 9 min on a loaded one.
  @Timeout(value = 1500)
  void everyCommandBashRunsIsOneTheReadingFound() throws Exception {
    // CI runs one fixed seed so that a build's result does not depend on luck; exploring runs take
    // -Dgatehouse.shellSeed=random (or a number) and what they find joins FOUND_BEFORE once fixed.
    String seedProperty = System.getProperty("gatehouse.shellSeed", String.valueOf(CI_SEED));
    long seed = seedProperty.equals("random") ? new Random().nextLong() : Long.parseLong(seedProperty);
    System.out.println("BashDifferentialTest seed: " + seed + " (-Dgatehouse.shellSeed=" + seed + " repeats this run)");
    Random rnd = new Random(seed);
    List<String> texts = new ArrayList<>(FOUND_BEFORE);
    for (int i = 0; i < TEXTS; i++) {
      texts.add(new Generator(rnd).text());
    }
    Path stubs = makeStubs(dir);
    int unclassified = 0;
    int commandsSeen = 0;
    List<String> failures = new ArrayList<>();
    // Two sandboxes at a time (the CI machine has two cores).
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    List<java.util.concurrent.Future<Map<Integer, List<List<String>>>>> runs = new ArrayList<>();
    for (int from = 0; from < texts.size(); from += BATCH) {
      int f = from;
      List<String> batch = texts.subList(from, Math.min(texts.size(), from + BATCH));
      runs.add(pool.submit(() -> runUnderBash(dir, stubs, batch, f)));
    }
    pool.shutdown();
    for (int from = 0; from < texts.size(); from += BATCH) {
      List<String> batch = texts.subList(from, Math.min(texts.size(), from + BATCH));
      Map<Integer, List<List<String>>> ran = runs.get(from / BATCH).get();
      for (int i = 0; i < batch.size(); i++) {
        String text = batch.get(i);
        ShellReading r = ShellReading.read(text);
        List<List<String>> bashRan = ran.getOrDefault(from + i, List.of());
        commandsSeen += bashRan.size();
        if (!r.exact()) {
          unclassified++;
          continue;
        }
        for (List<String> run : bashRan) {
          if (!judged(r, run)) {
            failures.add("seed " + seed + ", text #" + (from + i) + ":\n" + text + "\n  bash ran: " + run
                + "\n  the reading found: " + r.commands().stream().map(c -> c.name() + c.argValues()).toList());
            break;
          }
        }
      }
    }
    System.out.printf("BashDifferentialTest: %d texts, %d commands run by bash, %d texts unclassified, %d disagreements%n",
        texts.size(), commandsSeen, unclassified, failures.size());
    failures.stream().limit(20).forEach(f -> System.out.println("DISAGREEMENT " + f));
    assertThat(failures).as("commands bash ran that the reading did not find").isEmpty();
    assertThat(commandsSeen).as("bash ran the generated commands (is the sandbox working?)").isGreaterThan(texts.size());
    // Many generated texts are not valid bash at all (bash refuses them too): they are unclassified.
    // So is code given to sh that holds a construct dash reads otherwise than bash (arrays, [[ ]],
    // brace expansion, $'…': ShellPosixDifferentialTest holds that reading against dash itself).
    assertThat(unclassified).as("most generated texts are read exactly").isLessThan(texts.size() * 9 / 20);
  }

  /** Whether the reading found the command bash ran: its name, and its arguments where the reading knows them. */
  static boolean judged(ShellReading r, List<String> run) {
    String name = run.get(0);
    List<String> args = run.subList(1, run.size());
    for (ShellCommand c : r.commands()) {
      if (!c.name().equals(name)) {
        continue;
      }
      if (!c.literalArgs() || c.argValues().equals(args)) {
        return true;
      }
    }
    return false;
  }

  static Path makeStubs(Path dir) throws IOException {
    Path stubs = Files.createDirectories(dir.resolve("stubs"));
    // dash starts faster than bash: the stubs are most of the run's cost.
    String stub = "#!/gh/dash\nprintf '%s\\0' \"$GH_ID\" \"${0##*/}\" \"$#\" \"$@\" >> /log/log\n";
    for (String s : STUBS) {
      Path p = stubs.resolve(s);
      Files.writeString(p, stub);
      p.toFile().setExecutable(true, false);
    }
    for (String r : REAL) {
      Files.createSymbolicLink(stubs.resolve(r), Path.of("/gh/real/" + r));
    }
    Files.createSymbolicLink(stubs.resolve("bash"), Path.of("/gh/bash"));
    Files.createSymbolicLink(stubs.resolve("sh"), Path.of("/gh/bash"));
    return stubs;
  }

  /**
   * Runs every text of the batch as {@code bash -c TEXT} in one sandbox under {@code dir}; what each
   * ran, by text number (each stub logs its name and arguments).
   */
  static Map<Integer, List<List<String>>> runUnderBash(Path dir, Path stubs, List<String> batch, int first) throws Exception {
    Path texts = Files.createDirectories(dir.resolve("texts-" + first));
    Path log = Files.createDirectories(dir.resolve("log-" + first));
    for (int i = 0; i < batch.size(); i++) {
      Files.writeString(texts.resolve("t" + (first + i)), batch.get(i));
    }
    Files.writeString(texts.resolve("driver"), """
        for ((i = %d; i < %d; i++)); do
          IFS= read -r -d '' text < /texts/t$i
          t0=$EPOCHREALTIME
          GH_ID=$i /gh/real/timeout -s KILL 5 /gh/bash -c "$text" </dev/null >/dev/null 2>&1
          printf '%%s %%s\n' "$i" "$(( ${EPOCHREALTIME/./} - ${t0/./} ))" >> /log/times
        done
        exit 0
        """.formatted(first, first + batch.size()));
    List<String> cmd = sandbox();
    cmd.addAll(List.of("--ro-bind", stubs.toString(), "/usr/bin", "--ro-bind", "/usr/bin/bash", "/gh/bash",
        "--ro-bind", Files.exists(Path.of("/usr/bin/dash")) ? "/usr/bin/dash" : "/usr/bin/bash", "/gh/dash"));
    for (String r : REAL) {
      cmd.addAll(List.of("--ro-bind", "/usr/bin/" + r, "/gh/real/" + r));
    }
    cmd.addAll(List.of("--ro-bind", texts.toString(), "/texts", "--bind", log.toString(), "/log",
        "/gh/bash", "/texts/driver"));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("bwrap-" + first + ".out").toFile())
        .start();
    assertThat(p.waitFor(500, TimeUnit.SECONDS)).as("the sandboxed batch finished").isTrue();
    assertThat(p.exitValue()).as(Files.readString(dir.resolve("bwrap-" + first + ".out"))).isZero();
    if (Files.exists(log.resolve("times"))) {
      // The slowest texts of the batch, to keep the run's cost in view.
      Files.readAllLines(log.resolve("times")).stream().map(t -> t.split(" "))
          .sorted((a, b) -> Long.compare(Long.parseLong(b[1]), Long.parseLong(a[1]))).limit(3)
          .forEach(t -> System.out.println("slow: " + t[1] + " us: " + batch.get(Integer.parseInt(t[0]) - first).replace("\n", "\\n")));
    }
    return ranByText(log.resolve("log"));
  }

  /**
   * The start of a bwrap command line for a throwaway sandbox: nothing shared, no environment but
   * PATH, a private /tmp, the system's libraries read-only; the caller binds its stubs, shells and
   * texts and names the program.
   */
  static List<String> sandbox() {
    List<String> cmd = new ArrayList<>(List.of("bwrap", "--unshare-all", "--die-with-parent", "--clearenv",
        "--setenv", "PATH", "/usr/bin", "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp",
        "--ro-bind", "/usr/lib", "/usr/lib", "--symlink", "usr/lib", "/lib", "--symlink", "usr/bin", "/bin"));
    if (Files.isDirectory(Path.of("/usr/lib64"))) {
      cmd.addAll(List.of("--ro-bind", "/usr/lib64", "/usr/lib64", "--symlink", "usr/lib64", "/lib64"));
    }
    return cmd;
  }

  /** What the stubs logged (text number, name, argument count, arguments; NUL-separated), by text number. */
  static Map<Integer, List<List<String>>> ranByText(Path log) throws java.io.IOException {
    Map<Integer, List<List<String>>> ran = new HashMap<>();
    if (!Files.exists(log)) {
      return ran;
    }
    String[] f = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).split("\0", -1);
    for (int i = 0; i + 2 < f.length; ) {
      int id = f[i].isEmpty() ? -1 : Integer.parseInt(f[i]);
      String name = f[i + 1];
      int argc = Integer.parseInt(f[i + 2]);
      List<String> run = new ArrayList<>();
      run.add(name);
      for (int a = 0; a < argc; a++) {
        run.add(f[i + 3 + a]);
      }
      ran.computeIfAbsent(id, k -> new ArrayList<>()).add(run);
      i += 3 + argc;
    }
    return ran;
  }

  /** Random shell texts built from the grammar's constructs. */
  static final class Generator {
    private final Random rnd;
    private int functions;

    Generator(Random rnd) {
      this.rnd = rnd;
    }

    String text() {
      return list(0);
    }

    private String pick(String... s) {
      return s[rnd.nextInt(s.length)];
    }

    private String list(int d) {
      StringBuilder b = new StringBuilder(pipeline(d));
      int n = rnd.nextInt(d == 0 ? 3 : 2);
      for (int i = 0; i < n; i++) {
        b.append(pick("; ", " && ", " || ", "\n", " & ", ";")).append(pipeline(d));
      }
      return b.toString();
    }

    private String pipeline(int d) {
      StringBuilder b = new StringBuilder(command(d));
      if (rnd.nextInt(4) == 0) {
        b.append(pick(" | ", "|", " |& ")).append(command(d));
      }
      return b.toString();
    }

    private String command(int d) {
      if (d >= 2) {
        return simple(d);
      }
      return switch (rnd.nextInt(d == 0 ? 14 : 24)) {
        case 0 -> "( " + list(d + 1) + " )";
        case 1 -> "{ " + list(d + 1) + "; }";
        case 2 -> "if " + simple(d + 1) + "; then " + list(d + 1) + "; else " + simple(d + 1) + "; fi";
        case 3 -> "for v in a b; do " + list(d + 1) + "; done";
        case 4 -> {
          String f = "fn" + (functions++);
          yield f + "() { " + list(d + 1) + "; }; " + f + " x";
        }
        case 5 -> "case " + word() + " in a|x*) " + list(d + 1) + ";; *) " + simple(d + 1) + ";; esac";
        case 6 -> "! " + simple(d + 1);
        case 7 -> pick("bash", "bash", "sh", "/bin/sh") + " -c " + quote(list(d + 1));
        case 8 -> "eval " + quote(list(d + 1));
        case 9 -> d > 0 ? simple(d) : pick("bash", "bash", "sh") + " <<" + pick("'EOF'", "EOF", "\"EOF\"") + "\n" + list(d + 1).replace("$", "") + "\nEOF\n";
        case 10 -> "while " + pick("false", "! true") + "; do " + simple(d + 1) + "; done";
        default -> simple(d);
      };
    }

    private String simple(int d) {
      StringBuilder b = new StringBuilder();
      if (rnd.nextInt(6) == 0) {
        b.append(pick("A=1 ", "B=\"$(" + name() + ")\" ", "C=x "));
      }
      String wrapper = wrapper(d);
      b.append(wrapper);
      b.append(name());
      int args = rnd.nextInt(3);
      for (int i = 0; i < args; i++) {
        b.append(' ').append(argument(d));
      }
      if (wrapper.startsWith("find")) {
        b.append(pick(" {} \\;", " \\;", " +", " {} +"));
      }
      switch (rnd.nextInt(d == 0 ? 10 : 13)) {
        case 0 -> b.append(" > /dev/null");
        case 1 -> b.append(" 2>&1");
        case 2 -> b.append(" <<< ").append(pick("word", "\"$(" + name() + ")\""));
        case 3 -> {
          if (d == 0) {
            b.append(" <<").append(pick("EOF", "'EOF'")).append("\nline $(").append(name()).append(" h)\nEOF\ntrue");
          }
        }
        default -> {}
      }
      return b.toString();
    }

    private String wrapper(int d) {
      return switch (rnd.nextInt(16)) {
        case 0 -> "env A=2 ";
        case 1 -> "timeout 5 ";
        case 2 -> "nice -n 1 ";
        case 3 -> "nohup ";
        case 4 -> "command ";
        case 5 -> "echo in | xargs ";
        case 6 -> "find /texts -maxdepth 0 -exec ";
        case 7 -> "time ";
        default -> "";
      };
    }

    private String name() {
      String n = STUBS.get(rnd.nextInt(STUBS.size()));
      return switch (rnd.nextInt(12)) {
        case 0 -> "\\" + n;
        case 1 -> "'" + n + "'";
        case 2 -> "\"" + n + "\"";
        case 3 -> n.charAt(0) + "''" + n.substring(1);
        case 4 -> "/usr/bin/" + n;
        case 5 -> n.charAt(0) + "\\\n" + n.substring(1);
        case 6 -> "$'" + n + "'";
        case 7 -> "/bin/./" + n;
        default -> n;
      };
    }

    private String word() {
      return pick("a", "x y", "'q w'", "\"d q\"", "-f", "--opt=1", "a\\ b", "'it''s'", "\"$HOME\"", "$v", "~", "*.none",
          "{a,b}", "a#b", "x\\\ny");
    }

    private String argument(int d) {
      if (d >= 2) {
        return word();
      }
      return switch (rnd.nextInt(16)) {
        case 0 -> "$(" + list(d + 1) + ")";
        case 1 -> "\"$(" + simple(d + 1) + ")\"";
        case 2 -> "`" + simple(d + 1).replace("`", "") + "`";
        case 3 -> "`" + name() + " \\`" + name() + "\\``";
        case 4 -> "<(" + simple(d + 1) + ")";
        case 5 -> "${v:-$(" + name() + ")}";
        default -> word();
      };
    }

    private static String quote(String s) {
      return "'" + s.replace("'", "'\\''") + "'";
    }
  }
}
