package dev.gatehouse.policy;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * One statement of a query string as the judge saw it.
 *
 * @param sql the statement's text as sent (without the {@code ;})
 * @param kind one of {@link StatementKinds#ALL}
 * @param tables tables it names, lower-case, as written ({@code users} or {@code public.users})
 * @param functions functions it calls, lower-case, without schema
 */
public record StatementVerdict(
    String sql, String kind, Set<String> tables, Set<String> functions, Verdict verdict) {
  public StatementVerdict {
    Objects.requireNonNull(sql, "sql");
    Objects.requireNonNull(kind, "kind");
    tables = Collections.unmodifiableSet(new LinkedHashSet<>(tables));
    functions = Collections.unmodifiableSet(new LinkedHashSet<>(functions));
    Objects.requireNonNull(verdict, "verdict");
  }
}
