package dev.gatehouse.bench.jmh;

import dev.gatehouse.gateway.postgres.StatementGate.Decision;
import dev.gatehouse.gateway.postgres.PolicyGate;
import dev.gatehouse.gateway.postgres.RowLimit;
import dev.gatehouse.policy.MaskedDerivations;
import dev.gatehouse.policy.SqlJudge;
import dev.gatehouse.policy.SqlPolicy;
import dev.gatehouse.policy.StandardConformingStrings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What the wire proxy's policy gate does for each Query message of {@code pgbench -S -M simple}
 * ({@code SELECT abalance FROM pgbench_accounts WHERE aid = N;}, 1,024 different N), with the
 * policy, masked columns and detectors of bench/postgres and its row limit (1,000): the judge
 * (lexing, verdict cache, rules), the masking checks (derivations, statistics reads, masked
 * touches, cursors) and the row limit's plan. The gateway's thread that reads the client does this
 * before forwarding, so its cost is on every answer's path.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class StatementGateBench {
  private SqlJudge judge;
  private PolicyGate gate;
  private String[] statements;
  private int next;

  @Setup(Level.Trial)
  public void setup() {
    // bench/postgres's default-sql: the docs' example with pgbench's columns masked.
    SqlPolicy policy = DefaultSqlPolicy.get(List.of("pgbench_accounts.abalance", "pgbench_accounts.filler"));
    judge = new SqlJudge(policy, Duration.ofMillis(500), 10_000);
    gate = new PolicyGate(judge, new MaskedDerivations(MaskedDerivations.byTable(policy.mask().columns()), Map.of()))
        .forConnection();
    statements = ClassifyBench.pgbench();
    for (String s : statements) {
      Decision d = gate.judge(s, StandardConformingStrings.ON);
      if (!d.verdict().equals("allow")) {
        throw new IllegalStateException("the bench's statement is not allowed: " + d);
      }
    }
  }

  @TearDown(Level.Trial)
  public void close() {
    judge.close();
  }

  @Benchmark
  public void judgeAndPlan(Blackhole bh) {
    String s = statements[next];
    next = next + 1 == statements.length ? 0 : next + 1;
    Decision d = gate.judge(s, StandardConformingStrings.ON);
    RowLimit r = gate.rowLimit(s);
    bh.consume(d);
    bh.consume(r);
  }
}
