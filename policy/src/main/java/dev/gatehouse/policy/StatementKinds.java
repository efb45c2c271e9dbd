package dev.gatehouse.policy;

import java.util.Set;

/**
 * The kinds a statement is classified as ({@link StatementVerdict#kind()}, operator rules'
 * {@code kinds:}). {@code unclassified} is what neither the lexer nor the parser understood.
 */
public final class StatementKinds {
  public static final String UNCLASSIFIED = "unclassified";

  /** Every kind the judge produces. */
  public static final Set<String> ALL =
      Set.of(
          "select", "insert", "update", "delete", "merge", "ddl", "role", "grant", "truncate",
          "set", "show", "reset", "copy", "do", "prepare", "execute", "deallocate", "begin",
          "commit", "rollback", "savepoint", "release", "declare", "fetch", "move", "close",
          "listen", "notify", "unlisten", "explain", "call", "maintenance", "lock", "discard",
          "load", "system", UNCLASSIFIED);

  private StatementKinds() {}
}
