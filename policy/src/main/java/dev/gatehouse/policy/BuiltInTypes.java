package dev.gatehouse.policy;

import java.util.Locale;
import java.util.Set;
import net.sf.jsqlparser.expression.CastExpression;

/**
 * The types a masked value may be cast to: PostgreSQL 15's own ({@code pg_catalog}; base, range,
 * multirange and enum types), by the names and SQL spellings the grammar accepts. Type names are
 * looked up with pg_catalog first (a search_path that moves it later is refused while columns are
 * masked), so {@code ::text} is PostgreSQL's text whatever else exists; a cast to any other type
 * (a domain with a CHECK calling a function, a composite with a cast of someone's own) runs code
 * that could keep the value.
 */
final class BuiltInTypes {
  /** From pg_type (typnamespace pg_catalog, typtype b/r/m/e/d, no array types). */
  private static final Set<String> PG_CATALOG = Set.of(
      "aclitem", "bit", "bool", "box", "bpchar", "bytea", "char", "cid", "cidr", "circle", "date", "datemultirange",
      "daterange", "float4", "float8", "gtsvector", "inet", "int2", "int2vector", "int4", "int4multirange",
      "int4range", "int8", "int8multirange", "int8range", "interval", "json", "jsonb", "jsonpath", "line", "lseg",
      "macaddr", "macaddr8", "money", "name", "numeric", "nummultirange", "numrange", "oid", "oidvector", "path",
      "pg_brin_bloom_summary", "pg_brin_minmax_multi_summary", "pg_dependencies", "pg_lsn", "pg_mcv_list",
      "pg_ndistinct", "pg_node_tree", "pg_snapshot", "point", "polygon", "refcursor", "regclass", "regcollation",
      "regconfig", "regdictionary", "regnamespace", "regoper", "regoperator", "regproc", "regprocedure", "regrole",
      "regtype", "text", "tid", "time", "timestamp", "timestamptz", "timetz", "tsmultirange", "tsquery", "tsrange",
      "tstzmultirange", "tstzrange", "tsvector", "txid_snapshot", "uuid", "varbit", "varchar", "xid", "xid8", "xml");

  /** The SQL-standard spellings the grammar maps onto them. */
  private static final Set<String> SQL_SPELLINGS = Set.of(
      "int", "integer", "smallint", "bigint", "real", "float", "double precision", "decimal", "dec", "boolean",
      "character", "character varying", "char varying", "national character", "national character varying",
      "national char", "national char varying", "nchar", "nchar varying", "bit varying",
      "timestamp with time zone", "timestamp without time zone", "time with time zone", "time without time zone");

  private BuiltInTypes() {}

  static boolean isBuiltIn(CastExpression c) {
    return c.getColDataType() != null && isBuiltIn(c.getColDataType().getDataType());
  }

  /** A type name as JSqlParser gives it: {@code character varying (10)}, {@code pg_catalog.int4}, {@code "char"}. */
  static boolean isBuiltIn(String dataType) {
    if (dataType == null) {
      return false;
    }
    String t = dataType.trim();
    int paren = t.indexOf('(');
    if (paren >= 0) {
      // a type modifier: varchar(10), numeric(10, 2), interval(3); anything after it is not a name
      t = t.substring(0, paren).trim();
    }
    if (t.startsWith("\"") && t.endsWith("\"") && t.length() > 1) {
      return PG_CATALOG.contains(t.substring(1, t.length() - 1)); // "char": quoted, as written
    }
    t = t.toLowerCase(Locale.ROOT).replaceAll("[ \\t\\n\\r\\f]+", " ");
    if (t.startsWith("pg_catalog.")) {
      return PG_CATALOG.contains(t.substring("pg_catalog.".length()));
    }
    if (t.startsWith("interval ")) {
      return t.matches("interval( (year|month|day|hour|minute|second)( to (month|hour|minute|second))?)?");
    }
    return PG_CATALOG.contains(t) || SQL_SPELLINGS.contains(t);
  }
}
