package dev.gatehouse.gateway.postgres;

import dev.gatehouse.gateway.config.PostgresSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Resolves the configured masked columns ({@code table.column}, {@code schema.table.column}) to
 * what RowDescription carries — table OID and column number — and finds the views built over
 * them, with one short query on a connection of its own at session start.
 */
public final class Catalog {
  /** Origins (tableOid &lt;&lt; 16 | attnum) to mask, and views that expose them (view → "table.column"). */
  public record MaskedColumns(Set<Long> origins, Map<String, String> exposingViews) {
    public static final MaskedColumns NONE = new MaskedColumns(Set.of(), Map.of());

    public boolean contains(int tableOid, int attnum) {
      return origins.contains(key(tableOid, attnum));
    }
  }

  private Catalog() {}

  static long key(int tableOid, int attnum) {
    return ((tableOid & 0xffffffffL) << 16) | (attnum & 0xffff);
  }

  public static MaskedColumns resolve(PostgresSettings settings, List<String> columns) throws IOException {
    if (columns.isEmpty()) {
      return MaskedColumns.NONE;
    }
    StringBuilder where = new StringBuilder();
    for (String c : columns) {
      String[] p = c.split("\\.");
      if (p.length < 2 || p.length > 3) {
        throw new IOException("mask.columns: '" + c + "' is not table.column or schema.table.column");
      }
      if (where.length() > 0) {
        where.append(" OR ");
      }
      String table = literal(p[p.length - 2]);
      String column = literal(p[p.length - 1]);
      where.append("(c.relname = ").append(table).append(" AND a.attname = ").append(column);
      where.append(p.length == 3 ? " AND n.nspname = " + literal(p[0]) : " AND pg_catalog.pg_table_is_visible(c.oid)");
      where.append(')');
    }
    String sql = "SELECT c.oid, a.attnum, c.relname, a.attname, v.relname"
        + " FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid"
        + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
        + " LEFT JOIN pg_catalog.pg_depend d ON d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass"
        + "   AND d.refobjid = c.oid AND d.refobjsubid = a.attnum"
        + "   AND d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass"
        + " LEFT JOIN pg_catalog.pg_rewrite r ON r.oid = d.objid"
        + " LEFT JOIN pg_catalog.pg_class v ON v.oid = r.ev_class AND v.oid <> c.oid"
        + " WHERE a.attnum > 0 AND NOT a.attisdropped AND (" + where + ")";
    Set<Long> origins = new HashSet<>();
    Map<String, String> views = new HashMap<>();
    Set<String> found = new HashSet<>();
    for (List<String> row : query(settings, sql)) {
      int oid = (int) Long.parseLong(row.get(0));
      int attnum = Integer.parseInt(row.get(1));
      origins.add(key(oid, attnum));
      found.add(row.get(2) + "." + row.get(3));
      if (row.get(4) != null) {
        views.put(row.get(4).toLowerCase(Locale.ROOT), row.get(2) + "." + row.get(3));
      }
    }
    // Fail closed: an entry that names no column (renamed or dropped outside the gateway, a table
    // off the search path) would otherwise leave that column's values unmasked.
    for (String c : columns) {
      String[] p = c.split("\\.");
      if (!found.contains(p[p.length - 2] + "." + p[p.length - 1])) {
        throw new IOException("mask.columns: '" + c + "' names no column of a table visible in the database"
            + " (renamed or dropped?); sessions are refused until it names one, rather than shown unmasked");
      }
    }
    return new MaskedColumns(Set.copyOf(origins), Map.copyOf(views));
  }

  /** Runs one catalog query on a connection of its own; its rows as text. */
  static List<List<String>> query(PostgresSettings settings, String sql) throws IOException {
    List<List<String>> rows = new ArrayList<>();
    try (Upstream up = Upstream.connect(settings, Map.of("application_name", "gatehouse-catalog"))) {
      Wire.write(up.out, 'Q', Wire.cstringBody(sql, StandardCharsets.UTF_8));
      up.out.flush();
      while (true) {
        Wire.Message m = Wire.read(up.in, "server");
        if (m == null) {
          throw new IOException("the server closed the connection during the catalog query");
        }
        switch (m.kind()) {
          case 'D' -> rows.add(dataRow(m.body()));
          case 'E' -> throw new IOException("catalog query failed: "
              + Upstream.field(m.body(), 'M', "error"));
          case 'Z' -> {
            return rows;
          }
          default -> { }
        }
      }
    } catch (UpstreamFailure e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  private static List<String> dataRow(byte[] body) throws ProtocolViolation {
    Wire.Fields f = new Wire.Fields(body);
    int n = f.int16();
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int len = f.int32();
      if (len < 0) {
        out.add(null);
      } else {
        out.add(new String(body, f.pos, len, StandardCharsets.UTF_8));
        f.pos += len;
      }
    }
    return out;
  }

  static String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }
}
