package dev.gatehouse.policy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Answers whether a statement calls a volatile function outside {@code pg_catalog} (built-in rule
 * {@code user-functions}): such a function may write, whatever the statement around it looks
 * like. The gateway asks the target's database; {@link #OFFLINE} knows only PostgreSQL's own
 * function names and takes every other name as volatile.
 */
public interface FunctionCatalog {
  /**
   * The reason an operator reads when one of {@code calls} is (or must be taken as) a volatile
   * function outside {@code pg_catalog}, or empty when none is.
   */
  Optional<String> volatileUserFunction(Collection<FunctionCall> calls);

  /** For {@code gatehouse policy test}, which opens no connection: unknown names are volatile. */
  FunctionCatalog OFFLINE =
      calls -> {
        for (FunctionCall c : calls) {
          if (!BuiltIns.isBuiltIn(c)) {
            return Optional.of(
                c + "() is not a PostgreSQL built-in function; without a database to ask, it is"
                    + " taken as volatile");
          }
        }
        return Optional.empty();
      };

  /** PostgreSQL 15's {@code pg_catalog} function names (a resource made from {@code pg_proc}). */
  final class BuiltIns {
    private static final Set<String> NAMES = load();

    private BuiltIns() {}

    /**
     * A call that resolves to {@code pg_catalog} whatever the search path: qualified with it, or
     * unqualified and named like one of its functions (pg_catalog is searched first unless a
     * session moves it, which {@code SET search_path} to a writable schema would need).
     */
    public static boolean isBuiltIn(FunctionCall c) {
      return (c.schema() == null || c.schema().equals("pg_catalog")) && NAMES.contains(c.name());
    }

    private static Set<String> load() {
      try (InputStream in = FunctionCatalog.class.getResourceAsStream("pg_catalog_functions.txt")) {
        if (in == null) {
          throw new IllegalStateException("pg_catalog_functions.txt is missing from the policy jar");
        }
        return new String(in.readAllBytes(), StandardCharsets.UTF_8)
            .lines()
            .filter(l -> !l.isBlank() && !l.startsWith("#"))
            .collect(Collectors.toUnmodifiableSet());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
