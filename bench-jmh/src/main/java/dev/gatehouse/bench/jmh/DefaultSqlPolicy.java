package dev.gatehouse.bench.jmh;

import dev.gatehouse.policy.PolicyConfig;
import dev.gatehouse.policy.SqlPolicy;
import java.util.List;
import java.util.Map;

/** The {@code policies.default-sql} example of docs/policy.md, as the YAML loader would hand it over. */
final class DefaultSqlPolicy {
  static final List<String> DETECTORS = List.of("email", "credit-card", "iban", "api-key", "private-key", "jwt");

  private DefaultSqlPolicy() {}

  static SqlPolicy get() {
    return get(List.of("users.email", "users.card"));
  }

  /** The same policy masking {@code columns} ({@code table.column}) instead of the docs' example's. */
  static SqlPolicy get(List<String> columns) {
    Map<String, Object> p = Map.of(
        "block", List.of("drop-database", "drop-table", "truncate", "delete-without-where", "update-without-where"),
        "review", List.of("ddl", "grant", "role-change", "server-files", "copy-program", "dynamic-sql", "system-settings"),
        "unclassified", "review",
        "rules", List.of(
            Map.of("name", "no-xml-export", "functions", List.of("query_to_xml", "table_to_xml"), "verdict", "block"),
            Map.of("name", "orders-writes", "kinds", List.of("update", "delete", "insert"), "tables", List.of("orders"),
                "verdict", "review"),
            Map.of("name", "no-sleep", "pattern", "(?i)pg_sleep", "verdict", "block")),
        "mask", Map.of("columns", columns, "detectors", DETECTORS, "form", "keep-last-4"));
    return PolicyConfig.parse(Map.of("default-sql", p)).get("default-sql");
  }
}
