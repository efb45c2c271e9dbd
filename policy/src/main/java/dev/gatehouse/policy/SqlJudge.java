package dev.gatehouse.policy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Judges query strings against one policy. Thread-safe; one per policy version, shared by every
 * session using it; {@link #close()} stops its parser threads.
 *
 * <p>A query string is split into statements by {@link SqlLexer}; each is classified by {@link
 * StatementAnalyzer} (cached by its fingerprint and the policy version) and given a verdict by the
 * policy; the batch gets the strictest. When a plain string holds a backslash the text is also
 * read as a server with {@code standard_conforming_strings = off} would read it, and the stricter
 * reading wins, so that switching that setting cannot hide a statement inside a "string".
 */
public final class SqlJudge implements AutoCloseable {
  private final SqlPolicy policy;
  private final SqlParsing parsing;
  private final StatementAnalyzer analyzer;
  private final Map<Key, StatementAnalyzer.Analysis> cache;
  private final int cacheSize;

  private record Key(long version, String fingerprint) {}

  /**
   * @param parseTimeLimit how long the parser may take on one statement (200 ms is generous)
   * @param cacheSize how many statement fingerprints to remember (0: none)
   */
  public SqlJudge(SqlPolicy policy, Duration parseTimeLimit, int cacheSize) {
    this(policy, parseTimeLimit, cacheSize, defaultThreads(), SqlParsing::jsqlparser);
  }

  SqlJudge(SqlPolicy policy, Duration parseTimeLimit, int cacheSize, int threads, SqlParsing.Parser parser) {
    this.policy = Objects.requireNonNull(policy, "policy");
    if (cacheSize < 0) {
      throw new IllegalArgumentException("cacheSize must be 0 or more, not " + cacheSize);
    }
    this.cacheSize = cacheSize;
    this.parsing = new SqlParsing(parseTimeLimit, threads, parser);
    this.analyzer = new StatementAnalyzer(parsing);
    this.cache =
        new LinkedHashMap<>(64, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Key, StatementAnalyzer.Analysis> eldest) {
            return size() > SqlJudge.this.cacheSize;
          }
        };
  }

  private static int defaultThreads() {
    return Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors() / 2));
  }

  public SqlPolicy policy() {
    return policy;
  }

  /**
   * Judges a whole query string as psql sends it (it may hold several statements). The verdict is
   * the strictest of its statements'; an empty string (only blanks or comments) is allowed.
   */
  public Judgement judge(String sql) {
    return judge(sql, new PreparedStatements(), FunctionCatalog.OFFLINE);
  }

  /**
   * Judges a query string sent on one connection: {@code EXECUTE name} is judged as what that
   * connection prepared under the name (and {@code prepared} learns from this string's PREPAREs
   * and DEALLOCATEs); {@code functions} says which called functions are volatile user functions.
   */
  public Judgement judge(String sql, PreparedStatements prepared, FunctionCatalog functions) {
    Objects.requireNonNull(sql, "sql");
    Objects.requireNonNull(prepared, "prepared");
    Objects.requireNonNull(functions, "functions");
    List<Token> standard = SqlLexer.tokenize(sql, true);
    Judgement j = judge(sql, standard, "", prepared, functions);
    if (SqlLexer.dependsOnStandardStrings(standard)) {
      List<Token> escaped = SqlLexer.tokenize(sql, false);
      if (!sameExtent(standard, escaped)) {
        Judgement other = judge(sql, escaped, " (reading \\ in '...' as an escape, as a session with standard_conforming_strings off does)",
            prepared, functions);
        if (other.verdict().severity() > j.verdict().severity()) {
          return other;
        }
      }
    }
    return j;
  }

  private Judgement judge(String sql, List<Token> tokens, String note, PreparedStatements prepared, FunctionCatalog functions) {
    Verdict overall = Verdict.ALLOW;
    List<StatementVerdict> out = new ArrayList<>();
    for (List<Token> st : SqlLexer.statements(tokens)) {
      String text = SqlLexer.source(sql, st);
      StatementAnalyzer.Analysis a = prepared.resolve(analysis(st));
      prepared.learn(a);
      Verdict v = verdict(a, text, SqlLexer.canonical(st), note, functions);
      out.add(new StatementVerdict(text, a.kind(), a.tables(), a.functions(), v));
      overall = overall.strictest(v);
    }
    return new Judgement(overall, out);
  }

  private StatementAnalyzer.Analysis analysis(List<Token> statement) {
    if (cacheSize == 0) {
      return analyzer.analyze(statement);
    }
    Key key = new Key(policy.version(), SqlLexer.fingerprint(statement));
    StatementAnalyzer.Analysis a;
    synchronized (cache) {
      a = cache.get(key);
    }
    if (a == null) {
      a = analyzer.analyze(statement);
      if (a.cacheable()) {
        synchronized (cache) {
          cache.put(key, a);
        }
      }
    }
    return a;
  }

  private Verdict verdict(StatementAnalyzer.Analysis a, String text, String canonical, String note, FunctionCatalog functions) {
    Verdict v = Verdict.ALLOW;
    for (StatementAnalyzer.Finding f : a.findings()) {
      v = v.strictest(policy.onBuiltIn(f.rule().label(), f.reason() + note));
    }
    String userFunctions = BuiltInRule.USER_FUNCTIONS.label();
    if (policy.names(userFunctions) && !a.calls().isEmpty()) {
      Optional<String> volatileCall = functions.volatileUserFunction(a.calls());
      if (volatileCall.isPresent()) {
        v = v.strictest(policy.onBuiltIn(userFunctions, volatileCall.get() + note));
      }
    }
    for (Rule r : policy.rules()) {
      for (StatementAnalyzer.Operation op : a.operations()) {
        if (r.matches(op.kind(), op.tables(), a.functions(), text, canonical)) {
          String on = op.tables().isEmpty() ? "" : " on " + String.join(", ", op.tables());
          String inside = op.kind().equals(a.kind()) ? "" : " (inside " + a.kind().toUpperCase(Locale.ROOT) + ")";
          v = v.strictest(r.verdict(op.kind().toUpperCase(Locale.ROOT) + on + inside + " matches rule " + r.name() + note));
          break;
        }
      }
    }
    if (!a.understood()) {
      v = v.strictest(policy.unclassified().verdict("cannot classify " + a.unclassified() + note));
    }
    return v;
  }

  private static boolean sameExtent(List<Token> a, List<Token> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int k = 0; k < a.size(); k++) {
      Token x = a.get(k);
      Token y = b.get(k);
      if (x.type() != y.type() || x.start() != y.start() || x.end() != y.end()) {
        return false;
      }
    }
    return true;
  }

  /** How many statements were handed to the parser (a cache hit hands none). */
  long parses() {
    return parsing.parses();
  }

  /** Parser threads alive now. */
  int parserThreads() {
    return parsing.threads();
  }

  /** Stops the parser threads; a judge is not used after this. */
  @Override
  public void close() {
    parsing.close();
  }
}
