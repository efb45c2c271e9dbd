package dev.gatehouse.gateway.postgres;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * A small stand-in for the policy module: blocks DROP TABLE (except pgbench's own tables), sends
 * TRUNCATE of users to review, masks users.email by (table OID, attnum) keeping the last 4
 * characters, and replaces e-mail addresses found anywhere else by {@code [email]}.
 */
final class TestPolicy implements StatementGate, ResultMasker, StatementLog {
  private static final Pattern DROP_TABLE = Pattern.compile("(?is)\\bdrop\\s+table\\b");
  private static final Pattern TRUNCATE_USERS = Pattern.compile("(?is)\\btruncate\\b.*\\busers\\b");
  private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");

  record Logged(String sql, String verdict, String rule, long rows, Duration duration) {}

  final List<Logged> logged = new CopyOnWriteArrayList<>();
  volatile int usersOid;
  volatile int emailAttnum;

  TestPolicy(int usersOid, int emailAttnum) {
    this.usersOid = usersOid;
    this.emailAttnum = emailAttnum;
  }

  static TestPolicy forServer(PostgresServer pg) throws Exception {
    String[] r = pg.superSql("app", "SELECT 'public.users'::regclass::oid, attnum FROM pg_attribute "
        + "WHERE attrelid = 'public.users'::regclass AND attname = 'email'").split("\\|");
    return new TestPolicy(Integer.parseInt(r[0]), Integer.parseInt(r[1]));
  }

  @Override
  public Decision judge(String sql) {
    if (DROP_TABLE.matcher(sql).find() && !sql.contains("pgbench_")) {
      return new Decision("block", "drop-table", "DROP TABLE is not allowed");
    }
    if (TRUNCATE_USERS.matcher(sql).find()) {
      return new Decision("review", "truncate", "TRUNCATE of users needs a second person");
    }
    return Decision.allow();
  }

  @Override
  public boolean[] columnsToMask(List<Column> columns) {
    boolean[] mask = new boolean[columns.size()];
    for (int i = 0; i < mask.length; i++) {
      Column c = columns.get(i);
      mask[i] = c.tableOid() == usersOid && c.attnum() == emailAttnum;
    }
    return mask;
  }

  @Override
  public String maskValue(String value) {
    int keep = Math.min(4, value.length());
    return "*".repeat(value.length() - keep) + value.substring(value.length() - keep);
  }

  @Override
  public String maskText(String text) {
    return text.indexOf('@') < 0 ? text : EMAIL.matcher(text).replaceAll("[email]");
  }

  @Override
  public void statement(String sql, String verdict, String rule, String reason, long rows, Duration duration) {
    logged.add(new Logged(sql, verdict, rule, rows, duration));
  }
}
