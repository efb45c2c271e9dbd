package dev.gatehouse.policy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import net.sf.jsqlparser.expression.AnalyticExpression;
import net.sf.jsqlparser.expression.CastExpression;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.statement.select.TableFunction;

/**
 * The calls a statement that tests a masked value may make: only functions that neither change
 * anything nor read the clock. In {@code (ssn NOT LIKE '4%' OR set_config('p1', '4', false) IS NOT
 * NULL) AND (…)} a call of constants runs exactly when its part's test holds, and what it leaves
 * behind — a setting, a notification, a sequence's next value, an advisory lock, an assigned
 * transaction id, a large object, a counter, the time it slept or the clock it read — outlives the
 * query: every part records its own answer about the row, many questions in one query where the
 * policy allows one.
 *
 * <p>So, in such a statement, every function called anywhere must be one of PostgreSQL 15's own
 * ({@code pg_catalog}, unqualified or qualified with it) of which no overload is volatile ({@code
 * provolatile = 'v'} in {@code pg_proc}: resource {@code pg_catalog_volatile_functions.txt}, checked
 * against a server by {@code MaskedArgumentFunctionsIT}), and none of the stable ones that still
 * leave a trace ({@code txid_current} assigns a transaction id, {@code pg_stat_*} read counters).
 * A function of another schema or an unknown name may be volatile: refused too (fail closed).
 * {@code random()} and the like are refused with the rest: they record nothing, but nothing in the
 * grammar tells them from the ones that do, and a condition over masked values has no use for them.
 * A cast to a type that is not PostgreSQL's own may run a domain's CHECK or a cast function
 * someone wrote: refused the same way.
 */
final class VolatileCalls {
  /** Stable in pg_proc, yet they leave a trace a later part or statement reads. */
  private static final Set<String> TRACES = Set.of(
      "txid_current", "txid_current_if_assigned", "pg_current_xact_id", "pg_current_xact_id_if_assigned");

  /** Name prefixes of functions that keep or read what earlier calls left (counters, locks, large objects, links). */
  private static final List<String> TRACE_PREFIXES = List.of("pg_stat_", "pg_advisory", "pg_try_advisory", "lo_", "dblink");

  /**
   * Forms of the grammar that JSqlParser reads as calls but that are no pg_proc entry: they call
   * PostgreSQL's own immutable or stable code ({@code trim} is {@code btrim}, {@code grouping} and
   * {@code rollup} belong to GROUP BY).
   */
  private static final Set<String> GRAMMAR = Set.of(
      "coalesce", "nullif", "greatest", "least", "grouping", "rollup", "cube", "trim", "row", "array",
      "xmlelement", "xmlforest", "xmlconcat", "xmlparse", "xmlpi", "xmlroot", "xmlserialize", "xmlexists");

  private static final Set<String> VOLATILE = load();

  private VolatileCalls() {}

  /**
   * Whether {@code call} may run in a statement that tests a masked value: PostgreSQL's own,
   * neither volatile nor leaving a trace.
   */
  static boolean quiet(FunctionCall call) {
    String name = call.name();
    if (call.schema() == null && GRAMMAR.contains(name)) {
      return true;
    }
    if (!FunctionCatalog.BuiltIns.isBuiltIn(call) || VOLATILE.contains(name) || TRACES.contains(name)
        || ColumnOrigins.STORING_BUILT_INS.contains(name)) {
      return false;
    }
    return TRACE_PREFIXES.stream().noneMatch(name::startsWith);
  }

  /** Every name on the volatile list (for the check against a server). */
  static Set<String> volatileNames() {
    return VOLATILE;
  }

  /**
   * The first call or cast in a parsed statement that may not run beside a masked test, as a
   * reason, or empty. Walks every field of the tree by reflection, so that a call inside a node
   * class not named here is still found.
   */
  static Optional<String> in(Object tree) {
    return find(tree, new IdentityHashMap<>());
  }

  /**
   * A second net over the text: a name on the volatile or trace lists followed by {@code (},
   * wherever the parser put it (or in a form it read as something else).
   */
  static Optional<String> inTokens(List<Token> tokens) {
    for (int i = 0; i + 1 < tokens.size(); i++) {
      Token t = tokens.get(i);
      if (t.isName() && tokens.get(i + 1).type() == Token.Type.LPAREN) {
        String name = t.type() == Token.Type.IDENT ? t.text() : t.text().toLowerCase(Locale.ROOT);
        if (VOLATILE.contains(name) || TRACES.contains(name) || ColumnOrigins.STORING_BUILT_INS.contains(name)
            || TRACE_PREFIXES.stream().anyMatch(name::startsWith)) {
          return Optional.of(reason(name));
        }
      }
    }
    return Optional.empty();
  }

  private static String reason(String call) {
    return "the statement tests a masked column and calls " + call + "(), which is not one of PostgreSQL's own"
        + " immutable or stable functions: what such a call leaves behind (a setting, a notification, a sequence"
        + " value, a lock, a transaction id, the time it took) would record which parts of a condition ran, more"
        + " than one answer about each row. Call it in a statement of its own";
  }

  private static Optional<String> find(Object node, IdentityHashMap<Object, Boolean> seen) {
    if (node == null || seen.put(node, Boolean.TRUE) != null) {
      return Optional.empty();
    }
    if (node instanceof Collection<?> c) {
      for (Object o : c) {
        Optional<String> r = find(o, seen);
        if (r.isPresent()) {
          return r;
        }
      }
      return Optional.empty();
    }
    if (node instanceof Map<?, ?> m) {
      return find(List.copyOf(m.values()), seen);
    }
    String cls = node.getClass().getName();
    if (!cls.startsWith("net.sf.jsqlparser.") || cls.startsWith("net.sf.jsqlparser.parser.")) {
      return Optional.empty();
    }
    if (node instanceof TableFunction) {
      // A FROM item that extends Function without a name of its own: the call is its function field.
    } else if (node instanceof Function fn) {
      List<String> parts = fn.getMultipartName() == null || fn.getMultipartName().isEmpty()
          ? List.of(String.valueOf(fn.getName())) : fn.getMultipartName();
      FunctionCall call = call(parts);
      if (call == null || !quiet(call)) {
        return Optional.of(reason(String.valueOf(call == null ? fn.getName() : call)));
      }
    } else if (node instanceof AnalyticExpression a) {
      FunctionCall call = call(List.of(String.valueOf(a.getName())));
      if (call == null || !quiet(call)) {
        return Optional.of(reason(String.valueOf(a.getName())));
      }
    } else if (node instanceof CastExpression c && !BuiltInTypes.isBuiltIn(c)) {
      return Optional.of("the statement tests a masked column and casts to " + c.getColDataType() + ", which is not"
          + " one of PostgreSQL's own types: a domain's CHECK or a cast function someone wrote could record which"
          + " parts of a condition ran");
    }
    for (Class<?> k = node.getClass(); k != null && k != Object.class; k = k.getSuperclass()) {
      for (Field field : k.getDeclaredFields()) {
        if (Modifier.isStatic(field.getModifiers()) || field.getType().isPrimitive() || field.getType() == String.class) {
          continue;
        }
        Object v;
        try {
          field.setAccessible(true);
          v = field.get(node);
        } catch (ReflectiveOperationException | RuntimeException e) {
          return Optional.of("a " + node.getClass().getSimpleName() + " in a statement testing a masked column"
              + " cannot be searched for the functions it calls");
        }
        Optional<String> r = find(v, seen);
        if (r.isPresent()) {
          return r;
        }
      }
    }
    return Optional.empty();
  }

  /** The call PostgreSQL resolves for a name's parts, or null when it has more than schema and name. */
  private static FunctionCall call(List<String> parts) {
    if (parts.size() > 2) {
      return null;
    }
    String name = ColumnOrigins.unquote(parts.get(parts.size() - 1));
    String schema = parts.size() == 2 ? ColumnOrigins.unquote(parts.get(0)) : null;
    return name == null ? null : new FunctionCall(schema, name);
  }

  private static Set<String> load() {
    try (InputStream in = VolatileCalls.class.getResourceAsStream("pg_catalog_volatile_functions.txt")) {
      if (in == null) {
        throw new IllegalStateException("pg_catalog_volatile_functions.txt is missing from the policy jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
          .filter(l -> !l.isBlank() && !l.startsWith("#"))
          .map(String::trim)
          .collect(Collectors.toUnmodifiableSet());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
