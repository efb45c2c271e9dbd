package dev.gatehouse.policy;

import java.util.Objects;

/**
 * A function a statement calls, by the name PostgreSQL resolves: an unquoted name folded to lower
 * case, a quoted one as written.
 *
 * @param schema the schema it is qualified with ({@code pg_catalog.setval}), or {@code null}
 * @param name the function's name
 */
public record FunctionCall(String schema, String name) {
  public FunctionCall {
    Objects.requireNonNull(name, "name");
  }

  @Override
  public String toString() {
    return schema == null ? name : schema + "." + name;
  }
}
