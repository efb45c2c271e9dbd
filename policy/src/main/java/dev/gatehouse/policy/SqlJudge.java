package dev.gatehouse.policy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Judges query strings against one policy. Thread-safe; one per policy version, shared by every
 * session using it; {@link #close()} stops its parser threads.
 *
 * <p>A query string is split into statements by {@link SqlLexer}; each is classified by {@link
 * StatementAnalyzer} (cached by its fingerprint and the policy version) and given a verdict by the
 * policy; the batch gets the strictest. The text is read with the session's {@code
 * standard_conforming_strings}; when that is not known, it is read both ways and the stricter
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
   * Judges a whole query string as psql sends it (it may hold several statements), not knowing
   * the session's {@code standard_conforming_strings}: both readings are judged.
   */
  public Judgement judge(String sql) {
    return judge(sql, StandardConformingStrings.UNKNOWN, new PreparedStatements(), FunctionCatalog.OFFLINE);
  }

  /** As {@link #judge(String, StandardConformingStrings, PreparedStatements, FunctionCatalog)}, alone. */
  public Judgement judge(String sql, StandardConformingStrings standardStrings) {
    return judge(sql, standardStrings, new PreparedStatements(), FunctionCatalog.OFFLINE);
  }

  /** As {@link #judge(String, StandardConformingStrings, PreparedStatements, FunctionCatalog)}, setting unknown. */
  public Judgement judge(String sql, PreparedStatements prepared, FunctionCatalog functions) {
    return judge(sql, StandardConformingStrings.UNKNOWN, prepared, functions);
  }

  /**
   * Judges a whole query string sent on one connection, as the server will read it under {@code
   * standardStrings}. The verdict is the strictest of its statements'; an empty string (only
   * blanks or comments) is allowed. When the setting is unknown and the two readings differ, both
   * are judged, the stricter wins, and a text the two read into different statements is
   * unclassified. {@code EXECUTE name} is judged as what that connection prepared under the name
   * ({@code prepared} learns from this string's PREPAREs and DEALLOCATEs); {@code functions} says
   * which called functions are volatile user functions.
   */
  public Judgement judge(String sql, StandardConformingStrings standardStrings, PreparedStatements prepared,
      FunctionCatalog functions) {
    Objects.requireNonNull(sql, "sql");
    Objects.requireNonNull(standardStrings, "standardStrings");
    Objects.requireNonNull(prepared, "prepared");
    Objects.requireNonNull(functions, "functions");
    if (standardStrings != StandardConformingStrings.UNKNOWN) {
      boolean on = standardStrings == StandardConformingStrings.ON;
      return judge(sql, on, SqlLexer.tokenize(sql, on), "", prepared, functions);
    }
    List<Token> standard = SqlLexer.tokenize(sql, true);
    Judgement j = judge(sql, true, standard, "", prepared, functions);
    List<Token> escaped = SqlLexer.tokenize(sql, false);
    if (SqlLexer.readsTheSameEitherWay(standard, escaped)) {
      return j;
    }
    String note = " (reading \\ in '...' as an escape, as a session with standard_conforming_strings off does)";
    Judgement other = judge(sql, false, escaped, note, prepared, functions);
    Judgement stricter = other.verdict().severity() > j.verdict().severity() ? other : j;
    if (!sameStatements(sql, standard, escaped)) {
      Verdict split = policy.unclassified().verdict(
          "the statements differ with standard_conforming_strings on and off, and the session's value is not known");
      if (split.severity() > stricter.verdict().severity()) {
        return new Judgement(split, stricter.statements());
      }
    }
    return stricter;
  }

  /**
   * Judges one reading; when it ends in a number running into a letter (an error since
   * PostgreSQL 15) the reading of older servers, which run {@code 1or 1=1} as {@code 1 or 1 = 1},
   * is judged too and the stricter wins.
   */
  private Judgement judge(String sql, boolean standardStrings, List<Token> tokens, String note,
      PreparedStatements prepared, FunctionCatalog functions) {
    Judgement j = judge(sql, tokens, note, prepared, functions);
    if (SqlLexer.endsInNumberJunk(tokens)) {
      Judgement old = judge(sql, SqlLexer.tokenizeAsBefore15(sql, standardStrings),
          note + " (read as a server before PostgreSQL 15 reads it)", prepared, functions);
      if (old.verdict().severity() > j.verdict().severity()) {
        return old;
      }
    }
    return j;
  }

  private Judgement judge(String sql, List<Token> tokens, String note, PreparedStatements prepared, FunctionCatalog functions) {
    SqlLexer.Split split = SqlLexer.split(tokens);
    if (!split.certain()) {
      // Never judged in pieces: pieces are not what the server runs.
      Verdict v = policy.unclassified().verdict("cannot tell where this text's statements end (" + split.doubt() + ")" + note);
      String text = split.statements().isEmpty() ? sql : SqlLexer.source(sql, split.statements().get(0));
      return new Judgement(v, List.of(new StatementVerdict(text, StatementKinds.UNCLASSIFIED, Set.of(), Set.of(), v)));
    }
    Verdict overall = Verdict.ALLOW;
    List<StatementVerdict> out = new ArrayList<>();
    for (List<Token> st : split.statements()) {
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

  private static boolean sameStatements(String sql, List<Token> a, List<Token> b) {
    SqlLexer.Split sx = SqlLexer.split(a);
    SqlLexer.Split sy = SqlLexer.split(b);
    List<List<Token>> x = sx.statements();
    List<List<Token>> y = sy.statements();
    if (sx.certain() != sy.certain() || x.size() != y.size()) {
      return false;
    }
    for (int k = 0; k < x.size(); k++) {
      if (!SqlLexer.source(sql, x.get(k)).equals(SqlLexer.source(sql, y.get(k)))) {
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
