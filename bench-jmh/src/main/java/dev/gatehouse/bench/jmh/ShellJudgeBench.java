package dev.gatehouse.bench.jmh;

import dev.gatehouse.policy.PolicyConfig;
import dev.gatehouse.policy.shell.ShellJudge;
import dev.gatehouse.policy.shell.ShellJudgement;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Time to judge one exec command with {@link ShellJudge} under the default-shell policy of
 * docs/policy.md, as the gateway does before an exec request runs: tree-sitter-bash parse, the
 * walk over every node, unwrapping, the classes and the verdict.
 *
 * <p>Mixes, cycled through one text per call: {@code admin} is the ordinary admin corpus
 * (policy/src/test/resources/shell/admin.txt: everyday commands, all allowed), {@code attacks} the
 * attack corpus (attacks.txt: bypass attempts, nested code, wrappers). The directory is the system
 * property {@code gatehouse.shellCorpus} (default {@code policy/src/test/resources/shell}).
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
public class ShellJudgeBench {
  @Param({"admin", "attacks"})
  public String mix;

  private ShellJudge judge;
  private String[] texts;
  private int next;

  @Setup
  public void setUp() throws IOException {
    Map<String, Object> policy = Map.of(
        "type", "shell",
        "block", List.of("recursive-delete-root", "filesystem-format", "raw-device-write", "power", "fork-bomb",
            "history-tamper", "audit-tamper"),
        "review", List.of("sudo", "package-change", "service-change", "process-kill", "firewall-change", "user-change",
            "scheduler-change", "curl-pipe-shell", "interpreter-inline", "remote-copy", "guard-tamper"),
        "unclassified", "review",
        "rules", List.of(
            Map.of("name", "kubectl-delete", "commands", List.of("kubectl"), "args", "(?i)^delete\\b", "verdict", "review"),
            Map.of("name", "no-ssh-hop", "commands", List.of("ssh", "scp", "sftp"), "verdict", "block")));
    judge = new ShellJudge(PolicyConfig.parseShell(Map.of("default-shell", policy)).get("default-shell"));
    Path dir = Path.of(System.getProperty("gatehouse.shellCorpus", "policy/src/test/resources/shell"));
    texts = Files.readAllLines(dir.resolve(mix.equals("admin") ? "admin.txt" : "attacks.txt")).stream()
        .filter(l -> !l.isBlank() && !l.startsWith("#"))
        .map(l -> mix.equals("admin") ? l : l.substring(l.indexOf('\t') + 1))
        .map(l -> l.replace("\\n", "\n").replace("\\t", "\t"))
        .toArray(String[]::new);
  }

  @Benchmark
  public ShellJudgement judge() {
    String t = texts[next];
    next = (next + 1) % texts.length;
    return judge.judge(t);
  }
}
