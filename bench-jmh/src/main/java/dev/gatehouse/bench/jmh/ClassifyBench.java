package dev.gatehouse.bench.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.policy.Judgement;
import dev.gatehouse.policy.SqlJudge;
import dev.gatehouse.policy.SqlPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Time to judge one query string with {@link SqlJudge} under the example default-sql policy (docs/policy.md), as
 * the wire proxy does for every Query and Parse message: lexing, splitting, classification
 * (JSqlParser on the judge's bounded parser pool, with its time limit) and the verdict.
 *
 * <ul>
 *   <li>{@code cached}: a judge with the gateway's verdict cache (10,000 fingerprints), primed
 *       with every statement of the mix first, so each call is a hit (lexing, fingerprint, lookup,
 *       verdict; statements whose analysis is not cacheable are analysed every time, as in the
 *       gateway);
 *   <li>{@code uncached}: a judge with cache size 0: every call parses.
 * </ul>
 *
 * Mixes: {@code corpus} cycles through every statement of the policy corpus (the system property
 * {@code gatehouse.corpus}, default {@code policy/src/test/resources/corpus/statements.jsonl}): allowed,
 * blocked, reviewed, unclassified, bypass attempts alike. {@code pgbench} is pgbench -S's
 * {@code SELECT abalance FROM pgbench_accounts WHERE aid = N} with 1,024 different N (one
 * fingerprint), as the proxy sees it in simple-protocol mode.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class ClassifyBench {
  @Param({"corpus", "pgbench"})
  public String mix;

  private SqlJudge cachedJudge;
  private SqlJudge uncachedJudge;
  private String[] statements;

  @State(Scope.Thread)
  public static class Cursor {
    int next;
  }

  @Setup(Level.Trial)
  public void setup() throws IOException {
    SqlPolicy policy = DefaultSqlPolicy.get();
    statements = switch (mix) {
      case "corpus" -> corpus();
      case "pgbench" -> pgbench();
      default -> throw new IllegalArgumentException(mix);
    };
    cachedJudge = new SqlJudge(policy, Duration.ofMillis(500), 10_000);
    uncachedJudge = new SqlJudge(policy, Duration.ofMillis(500), 0);
    for (String s : statements) {
      cachedJudge.judge(s);
    }
  }

  @TearDown(Level.Trial)
  public void close() {
    cachedJudge.close();
    uncachedJudge.close();
  }

  static String[] corpus() throws IOException {
    Path p = Path.of(System.getProperty("gatehouse.corpus", "policy/src/test/resources/corpus/statements.jsonl"));
    ObjectMapper json = new ObjectMapper();
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(p)) {
      if (!line.isBlank()) {
        JsonNode n = json.readTree(line);
        out.add(n.path("sql").asText());
      }
    }
    if (out.isEmpty()) {
      throw new IllegalStateException("no statements in " + p.toAbsolutePath());
    }
    return out.toArray(String[]::new);
  }

  static String[] pgbench() {
    Random r = new Random(42);
    String[] s = new String[1024];
    for (int i = 0; i < s.length; i++) {
      s[i] = "SELECT abalance FROM pgbench_accounts WHERE aid = " + (1 + r.nextInt(500_000)) + ";";
    }
    return s;
  }

  private String next(Cursor c) {
    String s = statements[c.next];
    c.next = c.next + 1 == statements.length ? 0 : c.next + 1;
    return s;
  }

  @Benchmark
  public Judgement cached(Cursor c) {
    return cachedJudge.judge(next(c));
  }

  @Benchmark
  public Judgement uncached(Cursor c) {
    return uncachedJudge.judge(next(c));
  }
}
