package dev.gatehouse.policy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The functions that may be given a masked value: PostgreSQL 15's own ({@code pg_catalog}) that
 * return one value per call, never a set, and are immutable or stable, called with a number of
 * arguments one of their overloads takes. An allow-list, so that a set-returning function, a
 * volatile one, or an overload PostgreSQL has only in another schema ({@code lower(text, integer)}
 * in public) is refused without being named anywhere: the number of rows a function makes, or
 * what a user's function does with its argument, would tell the value.
 *
 * <p>Made from {@code pg_proc} (resource {@code pg_catalog_scalar_functions.txt}); names that no
 * overload of which is set-returning or volatile, and whose arguments and result are not
 * {@code internal}. {@code MaskedArgumentFunctionsIT} checks it against a real server.
 */
final class ScalarBuiltIns {
  /** Syntax that looks like a call but is an expression of the grammar, not a pg_proc entry. */
  private static final Map<String, int[]> GRAMMAR = Map.of(
      "coalesce", new int[] {1, Integer.MAX_VALUE},
      "nullif", new int[] {2, 2},
      "greatest", new int[] {1, Integer.MAX_VALUE},
      "least", new int[] {1, Integer.MAX_VALUE});

  /**
   * Built-ins that run query text, keep their argument where another statement reads it, or
   * turn it into a value of a type named by another argument (a domain whose CHECK, or a composite
   * whose column's domain, calls a function someone wrote).
   */
  private static final Set<String> NEVER = Set.of(
      "json_populate_record", "jsonb_populate_record", "json_to_record", "jsonb_to_record", "record_in",
      "array_in", "domain_in", "range_in", "multirange_in",
      "query_to_xml", "query_to_xmlschema", "query_to_xml_and_xmlschema", "table_to_xml", "table_to_xmlschema",
      "table_to_xml_and_xmlschema", "cursor_to_xml", "cursor_to_xmlschema", "schema_to_xml", "schema_to_xmlschema",
      "schema_to_xml_and_xmlschema", "database_to_xml", "database_to_xmlschema", "database_to_xml_and_xmlschema",
      "ts_stat", "ts_rewrite", "txid_current", "txid_current_if_assigned", "pg_current_xact_id",
      "pg_current_xact_id_if_assigned");

  /** name → the argument counts its overloads take, as {min, max} pairs. */
  private static final Map<String, List<int[]>> ARITIES = load();

  private ScalarBuiltIns() {}

  /**
   * Whether {@code schema.name} called with {@code arguments} arguments may receive a masked
   * value; {@code arguments} negative when the call's shape does not tell (a keyword form such as
   * {@code substring(x FROM 1)}, which the grammar itself ties to pg_catalog).
   */
  static boolean accepts(String schema, String name, int arguments) {
    if (schema != null && !schema.equals("pg_catalog")) {
      return false;
    }
    String n = name;
    if (NEVER.contains(n) || ColumnOrigins.STORING_BUILT_INS.contains(n)) {
      return false;
    }
    int[] grammar = schema == null ? GRAMMAR.get(n) : null;
    if (grammar != null) {
      return arguments < 0 || arguments >= grammar[0] && arguments <= grammar[1];
    }
    List<int[]> ranges = ARITIES.get(n);
    if (ranges == null) {
      return false;
    }
    if (arguments < 0) {
      return true;
    }
    for (int[] r : ranges) {
      if (arguments >= r[0] && arguments <= r[1]) {
        return true;
      }
    }
    return false;
  }

  /** Every name on the list (for the check against a server). */
  static Set<String> names() {
    return ARITIES.keySet();
  }

  /** The argument-count ranges of {@code name}, {min, max}, max {@link Integer#MAX_VALUE} for variadic. */
  static List<int[]> arities(String name) {
    return ARITIES.getOrDefault(name, List.of());
  }

  private static Map<String, List<int[]>> load() {
    try (InputStream in = ScalarBuiltIns.class.getResourceAsStream("pg_catalog_scalar_functions.txt")) {
      if (in == null) {
        throw new IllegalStateException("pg_catalog_scalar_functions.txt is missing from the policy jar");
      }
      Map<String, List<int[]>> m = new HashMap<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList()) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] p = line.trim().split(" ");
        List<int[]> ranges = new java.util.ArrayList<>();
        for (String r : p[1].split(",")) {
          String[] mm = r.split("-");
          ranges.add(new int[] {Integer.parseInt(mm[0]), mm[1].equals("*") ? Integer.MAX_VALUE : Integer.parseInt(mm[1])});
        }
        m.put(p[0], List.copyOf(ranges));
      }
      return Map.copyOf(m);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
