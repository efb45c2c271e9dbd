package dev.gatehouse.policy;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The rules Gatehouse knows itself; a policy lists them by name under {@code block} or {@code review}. */
public enum BuiltInRule {
  DROP_DATABASE("drop-database"),
  DROP_TABLE("drop-table"),
  TRUNCATE("truncate"),
  DELETE_WITHOUT_WHERE("delete-without-where"),
  UPDATE_WITHOUT_WHERE("update-without-where"),
  DDL("ddl"),
  GRANT("grant"),
  ROLE_CHANGE("role-change"),
  SERVER_FILES("server-files"),
  COPY_PROGRAM("copy-program"),
  DYNAMIC_SQL("dynamic-sql"),
  SYSTEM_SETTINGS("system-settings"),
  PROCEDURE_CALL("procedure-call"),
  ADMIN_FUNCTIONS("admin-functions"),
  LOCK_TABLE("lock-table"),
  USER_FUNCTIONS("user-functions");

  private final String label;

  BuiltInRule(String label) {
    this.label = label;
  }

  /** The name used in configuration and in verdicts, e.g. {@code delete-without-where}. */
  public String label() {
    return label;
  }

  public static Optional<BuiltInRule> byLabel(String label) {
    return Arrays.stream(values()).filter(r -> r.label.equals(label)).findFirst();
  }

  public static List<String> labels() {
    return Arrays.stream(values()).map(BuiltInRule::label).toList();
  }
}
