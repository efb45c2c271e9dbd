package dev.gatehouse.bench.jmh;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * An A/B of two builds of the shell judge in one JVM, by the thread's CPU time: each build's policy
 * classes in its own class loader over the same dependencies (tree-sitter's native library is loaded
 * once), the two judged in turn over a whole corpus, round after round. CPU time rather than wall time,
 * and turns within one JVM, so that a busy machine moves both sides alike (JMH's wall-clock samples on a
 * loaded two-core machine spread by more than the change being measured).
 *
 * <pre>
 * java -cp "bench-jmh/target/classes:$(cat jmh-cp.txt)" dev.gatehouse.bench.jmh.ShellJudgeCpuAB \
 *     OLD/policy/target/classes policy/target/classes policy/src/test/resources/shell/admin.txt 9
 * </pre>
 *
 * Prints how many texts the two builds judge differently (a check that each side runs its own
 * classes), then, per build, the median (and range) over the rounds after the first three (JIT warm-up) of the
 * CPU microseconds per text, each round judging the corpus 20 times. A corpus line may be
 * {@code verdict<TAB>text} (attacks.txt); {@code \n} in a line is a newline.
 */
public final class ShellJudgeCpuAB {
  private ShellJudgeCpuAB() {}

  private static final int WARM_ROUNDS = 3;
  private static final int PASSES = 20;

  public static void main(String[] args) throws Exception {
    if (args.length != 4) {
      System.err.println("usage: ShellJudgeCpuAB OLD_POLICY_CLASSES NEW_POLICY_CLASSES CORPUS ROUNDS");
      System.exit(64);
    }
    List<String> texts = Files.readAllLines(Path.of(args[2])).stream()
        .filter(l -> !l.isBlank() && !l.startsWith("#"))
        .map(l -> l.contains("\t") ? l.substring(l.indexOf('\t') + 1) : l)
        .map(l -> l.replace("\\n", "\n").replace("\\t", "\t"))
        .toList();
    Object[] judges = {judge(Path.of(args[0])), judge(Path.of(args[1]))};
    Method[] judge = {judges[0].getClass().getMethod("judge", String.class),
        judges[1].getClass().getMethod("judge", String.class)};
    // The two builds' verdicts on the corpus: a difference shows each side runs its own classes.
    int differ = 0;
    for (String t : texts) {
      differ += label(judge[0].invoke(judges[0], t)).equals(label(judge[1].invoke(judges[1], t))) ? 0 : 1;
    }
    System.out.printf("%d of %d texts get another verdict from B than from A%n", differ, texts.size());
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    int rounds = Integer.parseInt(args[3]);
    List<List<Double>> perText = List.of(new ArrayList<>(), new ArrayList<>());
    for (int r = 0; r < rounds; r++) {
      for (int v = 0; v < 2; v++) {
        long c0 = threads.getCurrentThreadCpuTime();
        for (int k = 0; k < PASSES; k++) {
          for (String t : texts) {
            judge[v].invoke(judges[v], t);
          }
        }
        long c1 = threads.getCurrentThreadCpuTime();
        if (r >= WARM_ROUNDS) {
          perText.get(v).add((c1 - c0) / 1000.0 / PASSES / texts.size());
        }
      }
    }
    for (int v = 0; v < 2; v++) {
      List<Double> l = new ArrayList<>(perText.get(v));
      Collections.sort(l);
      System.out.printf("%s (%s): median %.1f µs CPU per text (min %.1f, max %.1f; %d rounds, %d texts)%n",
          v == 0 ? "A" : "B", args[v], l.get(l.size() / 2), l.get(0), l.get(l.size() - 1), l.size(), texts.size());
    }
  }

  private static String label(Object judgement) throws Exception {
    Object verdict = judgement.getClass().getMethod("verdict").invoke(judgement);
    return verdict.getClass().getMethod("label").invoke(verdict) + " " + verdict.getClass().getMethod("rule").invoke(verdict);
  }

  /** A {@code ShellJudge} of the default-shell policy, its classes loaded from {@code classes} first. */
  private static Object judge(Path classes) throws Exception {
    ClassLoader loader = new PolicyFirst(classes.toUri().toURL(), ShellJudgeCpuAB.class.getClassLoader());
    Class<?> config = loader.loadClass("dev.gatehouse.policy.PolicyConfig");
    Map<String, Object> policy = Map.of("type", "shell",
        "block", List.of("recursive-delete-root", "filesystem-format", "raw-device-write", "power", "fork-bomb",
            "history-tamper", "audit-tamper"),
        "review", List.of("sudo", "package-change", "service-change", "process-kill", "firewall-change", "user-change",
            "scheduler-change", "curl-pipe-shell", "interpreter-inline", "remote-copy", "guard-tamper"),
        "unclassified", "review");
    Object parsed = ((Map<?, ?>) config.getMethod("parseShell", Map.class).invoke(null, Map.of("p", policy))).get("p");
    for (Constructor<?> c : loader.loadClass("dev.gatehouse.policy.shell.ShellJudge").getConstructors()) {
      if (c.getParameterCount() == 1) {
        return c.newInstance(parsed);
      }
    }
    throw new IllegalStateException("no ShellJudge(policy) constructor in " + classes);
  }

  /** Loads the policy module's own classes from its directory first; everything else from the parent. */
  private static final class PolicyFirst extends URLClassLoader {
    PolicyFirst(URL classes, ClassLoader parent) {
      super(new URL[] {classes}, parent);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      synchronized (getClassLoadingLock(name)) {
        Class<?> c = findLoadedClass(name);
        if (c == null && name.startsWith("dev.gatehouse.policy.")) {
          try {
            c = findClass(name);
          } catch (ClassNotFoundException e) {
            c = null;
          }
        }
        if (c == null) {
          return super.loadClass(name, resolve);
        }
        if (resolve) {
          resolveClass(c);
        }
        return c;
      }
    }

    @Override
    public URL getResource(String name) {
      URL own = name.startsWith("dev/gatehouse/policy/") ? findResource(name) : null;
      return own != null ? own : super.getResource(name);
    }
  }
}
