package dev.gatehouse.policy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one database connection's SQL-level prepared statements do ({@code PREPARE name AS ...}),
 * so that {@code EXECUTE name} is judged as the statement it runs. One per client connection,
 * used by that connection's thread only.
 *
 * <p>The judge learns from statements before the server has run them, and a statement may fail
 * there, so what is remembered only ever makes a later EXECUTE stricter: a name prepared twice
 * keeps both statements (the second PREPARE fails on the server while the first one stands), and a
 * name the judge does not know — never prepared, deallocated, or past the bounds — makes EXECUTE
 * unclassified.
 */
public final class PreparedStatements {
  static final int MAX_NAMES = 10_000;
  static final int MAX_VERSIONS = 16;

  /** For a draft, the connection's own; null for the connection's own. */
  private final PreparedStatements base;
  /** A draft's own copy, made at its first change (until then it reads the base's). */
  private Map<String, List<StatementAnalyzer.Analysis>> byName;

  public PreparedStatements() {
    this.base = null;
    this.byName = new HashMap<>();
  }

  private PreparedStatements(PreparedStatements base) {
    this.base = base;
  }

  /**
   * A judgement's view of these statements: it reads them, and what it learns stays in the draft
   * until {@link #commit()}. A judgement that stops halfway (its thread may not wait: {@link
   * NoWaiting}) leaves the connection's statements as they were, so judging the text again from the
   * start reads it as the first attempt did ({@code EXECUTE x; DEALLOCATE x; PREPARE x AS …} judged
   * twice would read its EXECUTE as the later PREPARE).
   */
  public PreparedStatements draft() {
    return new PreparedStatements(this);
  }

  /** Keeps what this draft learned in the connection's statements. */
  public void commit() {
    if (base == null) {
      throw new IllegalStateException("not a draft");
    }
    if (byName != null) {
      synchronized (base) {
        base.byName = byName;
      }
    }
  }

  private Map<String, List<StatementAnalyzer.Analysis>> read() {
    return byName != null ? byName : base.read();
  }

  /** The map to change: a draft copies the base's at its first change (a PREPARE or DEALLOCATE is rare). */
  private Map<String, List<StatementAnalyzer.Analysis>> write() {
    if (byName == null) {
      Map<String, List<StatementAnalyzer.Analysis>> copy = new HashMap<>();
      base.read().forEach((k, v) -> copy.put(k, v == null ? null : new ArrayList<>(v)));
      byName = copy;
    }
    return byName;
  }

  /** Learns what {@code a} prepares or deallocates. */
  synchronized void learn(StatementAnalyzer.Analysis a) {
    if (a.forgets() != null) {
      if (a.forgets().equals(StatementAnalyzer.ALL_PREPARED)) {
        if (!read().isEmpty()) {
          write().clear();
        }
      } else if (read().containsKey(a.forgets())) {
        write().remove(a.forgets());
      }
    }
    if (a.prepares() != null && a.prepared() != null) {
      Map<String, List<StatementAnalyzer.Analysis>> known = read();
      if (known.containsKey(a.prepares()) && known.get(a.prepares()) == null) {
        return; // already too many versions to follow
      }
      List<StatementAnalyzer.Analysis> seen = known.get(a.prepares());
      if (seen != null && seen.contains(a.prepared())) {
        return; // the same statement judged again (each Execute of an extended-protocol Parse)
      }
      if (seen == null && known.size() >= MAX_NAMES) {
        return; // EXECUTE of it will be unclassified
      }
      Map<String, List<StatementAnalyzer.Analysis>> byName = write();
      List<StatementAnalyzer.Analysis> versions = byName.computeIfAbsent(a.prepares(), k -> new ArrayList<>(1));
      if (versions.size() < MAX_VERSIONS) {
        versions.add(a.prepared());
      } else {
        byName.put(a.prepares(), null); // too many to keep: known to exist, not what it does
      }
    }
  }

  /** {@code a} with what each prepared statement it executes does. */
  synchronized StatementAnalyzer.Analysis resolve(StatementAnalyzer.Analysis a) {
    if (a.executes().isEmpty()) {
      return a;
    }
    Map<String, List<StatementAnalyzer.Analysis>> byName = read();
    Set<String> tables = new LinkedHashSet<>(a.tables());
    Set<String> functions = new LinkedHashSet<>(a.functions());
    List<StatementAnalyzer.Finding> findings = new ArrayList<>(a.findings());
    List<StatementAnalyzer.Operation> operations = new ArrayList<>(a.operations());
    Set<FunctionCall> calls = new LinkedHashSet<>(a.calls());
    String unclassified = a.unclassified();
    for (String name : a.executes()) {
      List<StatementAnalyzer.Analysis> versions = byName.get(name);
      if (versions == null) {
        if (unclassified == null) {
          unclassified = "EXECUTE " + name + ": a prepared statement this connection did not prepare"
              + " through the gateway, deallocated, or prepared too often to follow";
        }
        continue;
      }
      for (StatementAnalyzer.Analysis v : versions) {
        tables.addAll(v.tables());
        functions.addAll(v.functions());
        calls.addAll(v.calls());
        operations.addAll(v.operations());
        for (StatementAnalyzer.Finding f : v.findings()) {
          if (findings.stream().noneMatch(x -> x.rule() == f.rule())) {
            findings.add(new StatementAnalyzer.Finding(f.rule(), "EXECUTE " + name + ": " + f.reason()));
          }
        }
        if (unclassified == null && !v.understood()) {
          unclassified = "EXECUTE " + name + ": " + v.unclassified();
        }
      }
    }
    return new StatementAnalyzer.Analysis(
        a.kind(), tables, functions, List.copyOf(findings), unclassified, a.cacheable(),
        List.copyOf(operations), calls, a.prepares(), a.prepared(), a.executes(), a.forgets());
  }
}
