package dev.gatehouse.policy;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import net.sf.jsqlparser.parser.CCJSqlParser;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.parser.ParseException;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.Statements;
import net.sf.jsqlparser.statement.UnsupportedStatement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JSqlParser under a time limit, on a small pool of daemon threads this class owns (the
 * CCJSqlParserUtil overloads that make an executor per call leave threads behind). A parse that
 * overruns is told to stop ({@code CCJSqlParser.interrupted}, which the parser checks in its
 * expression loops) and its thread interrupted; the statement is then unclassified. When every
 * thread is busy and the queue is full the parse is refused at once: unclassified, never waited
 * for.
 */
final class SqlParsing implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SqlParsing.class);
  private static final AtomicInteger POOLS = new AtomicInteger();
  static final String THREAD_PREFIX = "gatehouse-sql-parse-";

  /** How one parse is done; tests put a slow one here. */
  @FunctionalInterface
  interface Parser {
    /** Parses; hands each parser it makes to {@code made} before using it, so it can be stopped. */
    Statements parse(String sql, Consumer<CCJSqlParser> made) throws Exception;
  }

  /** The result of one parse: exactly one statement, or why not. */
  record Outcome(Statement statement, String failure, boolean transientFailure) {
    static Outcome of(Statement s) {
      return new Outcome(s, null, false);
    }

    static Outcome failed(String why) {
      return new Outcome(null, why, false);
    }

    /** A failure that says nothing about the statement (time, load): not to be cached. */
    static Outcome unavailable(String why) {
      return new Outcome(null, why, true);
    }

    boolean parsed() {
      return statement != null;
    }
  }

  private final ThreadPoolExecutor pool;
  private final Duration limit;
  private final Parser parser;
  private final AtomicLong parses = new AtomicLong();

  SqlParsing(Duration limit, int threads, Parser parser) {
    if (limit == null || limit.isNegative() || limit.isZero()) {
      throw new IllegalArgumentException("parse time limit must be positive, not " + limit);
    }
    if (threads < 1 || threads > 16) {
      throw new IllegalArgumentException("parse threads must be 1..16, not " + threads);
    }
    this.limit = limit;
    this.parser = parser;
    String prefix = THREAD_PREFIX + POOLS.incrementAndGet() + "-";
    AtomicInteger n = new AtomicInteger();
    ThreadFactory factory =
        r -> {
          Thread t = new Thread(r, prefix + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    this.pool =
        new ThreadPoolExecutor(
            threads, threads, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(threads * 16), factory,
            new ThreadPoolExecutor.AbortPolicy());
  }

  /** JSqlParser 5.3: the statement list, first without, then with complex parsing. */
  static Statements jsqlparser(String sql, Consumer<CCJSqlParser> made) throws ParseException {
    CCJSqlParser p = CCJSqlParserUtil.newParser(sql).withAllowComplexParsing(false).withBackslashEscapeCharacter(false);
    made.accept(p);
    try {
      return p.Statements();
    } catch (ParseException e) {
      if (p.interrupted || CCJSqlParserUtil.getNestingDepth(sql) > CCJSqlParserUtil.ALLOWED_NESTING_DEPTH) {
        throw e;
      }
      CCJSqlParser q = CCJSqlParserUtil.newParser(sql).withAllowComplexParsing(true).withBackslashEscapeCharacter(false);
      made.accept(q);
      return q.Statements();
    }
  }

  /** Parses one statement (the lexer has already split the batch). */
  Outcome parse(String sql) {
    NoWaiting.check(); // a parse may take up to the time limit: not on a thread that may not wait
    parses.incrementAndGet();
    java.util.concurrent.atomic.AtomicReference<CCJSqlParser> current = new java.util.concurrent.atomic.AtomicReference<>();
    Future<Statements> f;
    try {
      f = pool.submit(() -> parser.parse(sql, current::set));
    } catch (RejectedExecutionException e) {
      log.warn("SQL parse refused: all {} parser threads busy and {} parses queued", pool.getPoolSize(), pool.getQueue().size());
      return Outcome.unavailable("the parser is saturated (" + pool.getActiveCount() + " parses running)");
    }
    try {
      Statements st = f.get(limit.toNanos(), TimeUnit.NANOSECONDS);
      if (st == null || st.size() != 1) {
        return Outcome.failed("the parser found " + (st == null ? "no" : st.size()) + " statements where the lexer found one");
      }
      Statement s = st.get(0);
      if (s == null || s instanceof UnsupportedStatement) {
        return Outcome.failed("the parser does not support this statement");
      }
      return Outcome.of(s);
    } catch (TimeoutException e) {
      CCJSqlParser p = current.get();
      if (p != null) {
        p.interrupted = true;
      }
      f.cancel(true);
      log.warn("SQL parse exceeded {} ms; the statement is unclassified", limit.toMillis());
      return Outcome.unavailable("parsing took longer than " + limit.toMillis() + " ms");
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      String m = c == null ? "error" : c.getClass().getSimpleName() + ": " + firstLine(c.getMessage());
      return Outcome.failed("the parser failed (" + m + ")");
    } catch (InterruptedException e) {
      f.cancel(true);
      Thread.currentThread().interrupt();
      return Outcome.unavailable("interrupted while parsing");
    }
  }

  private static String firstLine(String m) {
    if (m == null) {
      return "";
    }
    String l = m.lines().findFirst().orElse("").strip();
    return l.length() > 120 ? l.substring(0, 120) + "..." : l;
  }

  long parses() {
    return parses.get();
  }

  /** Threads this pool has alive now (never more than it was given). */
  int threads() {
    return pool.getPoolSize();
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
