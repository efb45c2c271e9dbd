package dev.gatehouse.recorder.search;

import dev.gatehouse.recorder.SessionIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.IntFunction;

/**
 * Search latency over a generated index (bench/search runs it): N finished sessions of 200 people
 * on 40 targets over 90 days, each with 3-15 statement/command markers (8 % of sessions have a
 * blocked or reviewed one) and 2-10 chunks of psql-like output (the sizes the gateway's indexer
 * makes), written through the real {@link SearchIndex#write}. Then each query shape runs
 * {@code runs} times with varied parameters; prints p50/p95/max in ms as Markdown rows.
 *
 * <p>Usage: SearchBench DB_DIR [sessions=100000] [runs=200]
 */
public final class SearchBench {
  static final String[] TABLES = {"orders", "users", "payments", "invoices", "shipments", "accounts", "audit_log",
      "customers", "products", "refunds", "subscriptions", "sessions", "events", "tickets", "ledger"};
  static final String[] VERBS = {"SELECT * FROM %s WHERE id = %d", "SELECT count(*) FROM %s",
      "UPDATE %s SET status = 'done' WHERE id = %d", "DELETE FROM %s WHERE id = %d",
      "INSERT INTO %s (id, note) VALUES (%d, 'x')", "SELECT id, name FROM %s ORDER BY id DESC LIMIT 20"};
  static final String[] COMMANDS = {"ls -la /var/log", "tail -n 100 /var/log/syslog", "systemctl status nginx",
      "df -h", "ps aux", "kubectl get pods -n prod", "grep ERROR app.log", "cat /etc/hosts", "uptime", "free -m"};

  private SearchBench() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int sessions = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
    int runs = args.length > 2 ? Integer.parseInt(args[2]) : 200;
    Files.createDirectories(dir);
    Path db = dir.resolve("gatehouse.db");
    Random rnd = new Random(42);
    String[] words = words(rnd, 5000);
    Instant t0 = Instant.parse("2026-09-01T00:00:00Z");
    long span = Duration.ofDays(90).toMillis();
    boolean fresh = !Files.exists(db);
    try (SessionIndex index = SessionIndex.open(db)) {
      // the schema
    }
    try (SearchIndex search = SearchIndex.open(db, dir)) {
      if (fresh) {
        long g0 = System.nanoTime();
        generate(db, search, sessions, rnd, words, t0, span);
        System.err.printf(Locale.ROOT, "generated %d sessions in %.1f s; database %d MiB%n", sessions,
            (System.nanoTime() - g0) / 1e9, Files.size(db) >> 20);
      }
      Random q = new Random(7);
      System.out.println("| query shape | p50 ms | p95 ms | max ms | results on page (median) |");
      System.out.println("|---|---:|---:|---:|---:|");
      shape(search, runs, "first page, no filter (50 newest)", i -> query(null, null, null, null, null, null));
      shape(search, runs, "phrase, rare word (one of 5,000 made-up words in the output)",
          i -> query(words[q.nextInt(words.length)], null, null, null, null, null));
      shape(search, runs, "phrase, statement (`delete from payments`)",
          i -> query("delete from " + TABLES[q.nextInt(TABLES.length)], null, null, null, null, null));
      shape(search, runs, "phrase, very common word (`select`, in most sessions)",
          i -> query("select", null, null, null, null, null));
      shape(search, runs, "identity filter + phrase (`update <table>`)",
          i -> query("update " + TABLES[q.nextInt(TABLES.length)], "user" + q.nextInt(200) + "@example.com", null,
              null, null, null));
      shape(search, runs, "flagged + 7-day time range",
          i -> {
            Instant from = t0.plusMillis((long) (q.nextDouble() * (span - Duration.ofDays(7).toMillis())));
            return query(null, null, true, from, from.plus(Duration.ofDays(7)), null);
          });
      String deep = cursorAfter(search, query(null, null, null, null, null, null), 200);
      shape(search, runs, "deep cursor page (page 201 = sessions 10,001-10,050, no filter)",
          i -> query(null, null, null, null, null, deep));
      String deepPhrase = cursorAfter(search, query("select", null, null, null, null, null), 40);
      shape(search, runs, "deep cursor page of a phrase (page 41 of `select`)",
          i -> query("select", null, null, null, null, deepPhrase));
    }
  }

  static SearchQuery query(String text, String identity, Boolean flagged, Instant from, Instant to, String cursor) {
    return new SearchQuery(text, identity, null, null, from, to, flagged, cursor, 50);
  }

  static String cursorAfter(SearchIndex search, SearchQuery q, int pages) throws IOException {
    String cursor = null;
    for (int i = 0; i < pages; i++) {
      SearchPage p = search.search(new SearchQuery(q.text(), q.identity(), q.target(), q.state(), q.from(), q.to(),
          q.flagged(), cursor, q.limit()));
      if (p.next() == null) {
        break;
      }
      cursor = p.next();
    }
    return cursor;
  }

  static void shape(SearchIndex search, int runs, String name, IntFunction<SearchQuery> make) throws IOException {
    for (int i = 0; i < Math.max(5, runs / 10); i++) {
      search.search(make.apply(i)); // warm-up
    }
    double[] ms = new double[runs];
    int[] sizes = new int[runs];
    for (int i = 0; i < runs; i++) {
      SearchQuery q = make.apply(i);
      long t = System.nanoTime();
      SearchPage p = search.search(q);
      ms[i] = (System.nanoTime() - t) / 1e6;
      sizes[i] = p.sessions().size();
    }
    Arrays.sort(ms);
    Arrays.sort(sizes);
    System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %d |%n", name, ms[runs / 2], ms[(int) Math.ceil(runs * 0.95) - 1],
        ms[runs - 1], sizes[runs / 2]);
  }

  static String[] words(Random rnd, int n) {
    String letters = "abcdefghijklmnopqrstuvwxyz";
    String[] w = new String[n];
    for (int i = 0; i < n; i++) {
      int len = 4 + rnd.nextInt(6);
      StringBuilder b = new StringBuilder();
      for (int j = 0; j < len; j++) {
        b.append(letters.charAt(rnd.nextInt(26)));
      }
      w[i] = b.toString();
    }
    return w;
  }

  static void generate(Path db, SearchIndex search, int n, Random rnd, String[] words, Instant t0, long span)
      throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db.toAbsolutePath())) {
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO rec_sessions (id, identity, target, client_address,"
          + " start_ms, end_ms, exit_status, bytes, path, sha256, state) VALUES (?,?,?,?,?,?,?,?,?,?,'closed')")) {
        for (int i = 0; i < n; i++) {
          long start = t0.toEpochMilli() + (long) (rnd.nextDouble() * span);
          ps.setString(1, String.format(Locale.ROOT, "s%07d", i));
          ps.setString(2, "user" + rnd.nextInt(200) + "@example.com");
          ps.setString(3, "target-" + rnd.nextInt(40));
          ps.setString(4, "10.0.0." + rnd.nextInt(250) + ":5" + rnd.nextInt(1000));
          ps.setLong(5, start);
          ps.setLong(6, start + 1000L * (5 + rnd.nextInt(3600)));
          ps.setInt(7, 0);
          ps.setLong(8, 2000 + rnd.nextInt(200_000));
          ps.setString(9, "recordings/x/s" + i + ".cast");
          ps.setString(10, "00");
          ps.addBatch();
          if (i % 10_000 == 9_999) {
            ps.executeBatch();
          }
        }
        ps.executeBatch();
      }
      c.commit();
      try (Statement st = c.createStatement()) {
        st.execute("PRAGMA wal_checkpoint(TRUNCATE)");
      }
    }
    for (int i = 0; i < n; i++) {
      search.write(String.format(Locale.ROOT, "s%07d", i), text(rnd, words));
      if (i % 20_000 == 19_999) {
        System.err.printf(Locale.ROOT, "  %d sessions indexed%n", i + 1);
      }
    }
  }

  static RecordingText text(Random rnd, String[] words) {
    List<Marker> markers = new ArrayList<>();
    List<RecordingText.Chunk> chunks = new ArrayList<>();
    boolean flagged = rnd.nextInt(100) < 8;
    int nm = 3 + rnd.nextInt(13);
    double t = 0.5;
    for (int i = 0; i < nm; i++) {
      t += rnd.nextDouble() * 20;
      if (rnd.nextInt(4) == 0) {
        markers.add(Marker.parse(t, "exec: " + COMMANDS[rnd.nextInt(COMMANDS.length)]));
      } else {
        String sql = String.format(Locale.ROOT, VERBS[rnd.nextInt(VERBS.length)], TABLES[rnd.nextInt(TABLES.length)],
            rnd.nextInt(100_000));
        String verdict = flagged && i == nm / 2 ? (rnd.nextBoolean() ? "block delete-without-where" : "review ddl") : "allow";
        markers.add(Marker.parse(t, verdict + ": " + sql));
      }
      if (rnd.nextInt(3) > 0) {
        StringBuilder out = new StringBuilder(" id |   name   | amount\n----+----------+--------\n");
        int rows = 2 + rnd.nextInt(6);
        for (int r = 0; r < rows; r++) {
          out.append(' ').append(rnd.nextInt(99_999)).append(" | ").append(words[rnd.nextInt(words.length)])
              .append(' ').append(words[rnd.nextInt(words.length)]).append(" | ").append(rnd.nextInt(10_000)).append('\n');
        }
        out.append('(').append(rows).append(" rows)");
        chunks.add(new RecordingText.Chunk(t + 0.01, out.toString()));
      }
    }
    return new RecordingText(markers, chunks);
  }
}
