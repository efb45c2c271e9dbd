package dev.gatehouse.bench.jmh;

import dev.gatehouse.policy.MaskedDerivations;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

/**
 * The second step of the proxy's gate (PolicyGate), after the judge allowed a statement: {@link
 * MaskedDerivations#violation}, which refuses a statement whose result would carry a value derived
 * from a masked column. It has no cache: every statement that names a table with masked columns
 * and returns rows is parsed again. Mixes as in {@link ClassifyBench}; masked columns
 * {@code pgbench_accounts.abalance, pgbench_accounts.filler} for {@code pgbench} (as bench/postgres
 * configures the gateway) and {@code users.email, users.card} for {@code corpus} (the example policy's).
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class DerivationBench {
  @Param({"corpus", "pgbench"})
  public String mix;

  private MaskedDerivations derivations;
  private String[] statements;

  @State(Scope.Thread)
  public static class Cursor {
    int next;
  }

  @Setup(Level.Trial)
  public void setup() throws IOException {
    List<String> columns = switch (mix) {
      case "corpus" -> List.of("users.email", "users.card");
      case "pgbench" -> List.of("pgbench_accounts.abalance", "pgbench_accounts.filler");
      default -> throw new IllegalArgumentException(mix);
    };
    statements = mix.equals("corpus") ? ClassifyBench.corpus() : ClassifyBench.pgbench();
    derivations = new MaskedDerivations(MaskedDerivations.byTable(columns), Map.of());
  }

  @Benchmark
  public Optional<String> violation(Cursor c) {
    String s = statements[c.next];
    c.next = c.next + 1 == statements.length ? 0 : c.next + 1;
    return derivations.violation(s);
  }
}
