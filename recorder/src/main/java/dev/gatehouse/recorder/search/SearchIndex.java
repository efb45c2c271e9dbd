package dev.gatehouse.recorder.search;

import dev.gatehouse.recorder.SessionRecord;
import dev.gatehouse.recorder.SessionState;
import dev.gatehouse.recorder.SqliteFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Full-text search over finished sessions, in SQLite FTS5 inside the session index's database.
 *
 * <pre>
 *  rec_search_sessions  sid (INTEGER PK) ─ session_id ─ flagged ─ indexed_ms
 *  rec_search (fts5)    rowid = sid &lt;&lt; 16 | n   text   kind (statement|command|output)   t (seconds)   verdict
 * </pre>
 *
 * Each session gets its markers (commands and statements with their time) and its output text in
 * chunks (escape sequences stripped) as rows; rowids are grouped per session so a session's hits
 * are found with a rowid range, and ordered by time inside it. User text is always matched as one
 * phrase: it is quoted and its quotes doubled, so FTS syntax in it ({@code OR}, {@code NEAR(},
 * {@code *}) is just text.
 *
 * <p>Sessions are listed from {@code rec_sessions} (active ones included) newest start first, with
 * a keyset cursor on (start, id). One writer connection (the indexer) and a few read connections;
 * WAL lets them run beside the gateway's own. Thread-safe.
 */
public final class SearchIndex implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SearchIndex.class);
  static final int READERS = 3;
  /** Rows per session: markers first, then output chunks, past this nothing more is indexed. */
  static final int MAX_ROWS = 65_535;
  private static final int HITS_PER_SESSION = 3;

  private static final String COLUMNS =
      "s.id, s.identity, s.target, s.client_address, s.start_ms, s.end_ms, s.exit_status, s.bytes, s.path,"
          + " s.sha256, s.state, s.exit_signal, s.command";

  private final Path databaseFile;
  private final Path dataDir;
  private final Connection writer;
  private final BlockingQueue<Connection> readers = new ArrayBlockingQueue<>(READERS);
  private final List<Connection> all = new ArrayList<>();

  private SearchIndex(Path databaseFile, Path dataDir, Connection writer) {
    this.databaseFile = databaseFile;
    this.dataDir = dataDir;
    this.writer = writer;
  }

  /**
   * Opens the search tables in {@code databaseFile} (the session index's file; {@code rec_sessions}
   * must exist, so open the {@link dev.gatehouse.recorder.SessionIndex} first). Recording paths in
   * the index are relative to {@code dataDir}.
   */
  public static SearchIndex open(Path databaseFile, Path dataDir) throws IOException {
    SearchIndex idx = new SearchIndex(databaseFile, dataDir, SqliteFile.connect(databaseFile, "search index"));
    idx.all.add(idx.writer);
    try {
      idx.createSchema();
      for (int i = 0; i < READERS; i++) {
        Connection c = SqliteFile.connect(databaseFile, "search index");
        idx.all.add(c);
        idx.readers.add(c);
      }
    } catch (SQLException | IOException e) {
      idx.close();
      throw new IOException("cannot open the search index in " + databaseFile + ": " + e.getMessage(), e);
    }
    return idx;
  }

  private synchronized void createSchema() throws SQLException {
    try (Statement st = writer.createStatement()) {
      st.executeUpdate(
          "CREATE TABLE IF NOT EXISTS rec_search_sessions (sid INTEGER PRIMARY KEY, session_id TEXT NOT NULL UNIQUE,"
              + " flagged INTEGER NOT NULL, indexed_ms INTEGER NOT NULL)");
      st.executeUpdate(
          "CREATE VIRTUAL TABLE IF NOT EXISTS rec_search USING fts5(text, kind UNINDEXED, t UNINDEXED, verdict UNINDEXED,"
              + " tokenize = 'unicode61 remove_diacritics 2')");
      // The list's order, so a page (first or deep, with or without filters) is an index walk.
      st.executeUpdate("CREATE INDEX IF NOT EXISTS rec_sessions_order ON rec_sessions (start_ms DESC, id DESC)");
    }
  }

  // ---- writing ---------------------------------------------------------------------------

  /**
   * Indexes (or re-indexes) one session from its recording. A session whose recording is missing
   * is still marked indexed (with nothing to find), so the catch-up does not try it again.
   */
  public void index(String sessionId) throws IOException {
    SessionRecord s = find(sessionId).orElse(null);
    if (s == null) {
      return;
    }
    RecordingText text = null;
    Path file = s.path() == null ? null : dataDir.resolve(s.path());
    if (file != null && Files.isRegularFile(file)) {
      text = RecordingText.read(file);
    } else {
      log.warn("search index: session {} has no recording at {}; indexed without text", s.id(), file);
    }
    write(s.id(), text);
  }

  /** Writes the rows of one session in one transaction. Package-private for the bench's generator. */
  synchronized void write(String sessionId, RecordingText text) throws IOException {
    try {
      writer.setAutoCommit(false);
      try {
        long sid = sid(sessionId);
        try (PreparedStatement del = writer.prepareStatement("DELETE FROM rec_search WHERE rowid BETWEEN ? AND ?")) {
          del.setLong(1, sid << 16);
          del.setLong(2, (sid << 16) | 0xffff);
          del.executeUpdate();
        }
        try (PreparedStatement up = writer.prepareStatement(
            "UPDATE rec_search_sessions SET flagged=?, indexed_ms=? WHERE sid=?")) {
          up.setInt(1, text != null && text.flagged() ? 1 : 0);
          up.setLong(2, System.currentTimeMillis());
          up.setLong(3, sid);
          up.executeUpdate();
        }
        if (text != null) {
          insertRows(sid, text);
        }
        writer.commit();
      } catch (SQLException | RuntimeException e) {
        writer.rollback();
        throw e;
      } finally {
        writer.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new IOException("search index " + databaseFile + ": cannot index session " + sessionId + ": "
          + e.getMessage(), e);
    }
  }

  private long sid(String sessionId) throws SQLException {
    try (PreparedStatement ps = writer.prepareStatement("SELECT sid FROM rec_search_sessions WHERE session_id=?")) {
      ps.setString(1, sessionId);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          return rs.getLong(1);
        }
      }
    }
    try (PreparedStatement ps = writer.prepareStatement(
        "INSERT INTO rec_search_sessions (session_id, flagged, indexed_ms) VALUES (?,0,0)",
        Statement.RETURN_GENERATED_KEYS)) {
      ps.setString(1, sessionId);
      ps.executeUpdate();
      try (ResultSet rs = ps.getGeneratedKeys()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private record Row(double t, String kind, String text, String verdict) {}

  private void insertRows(long sid, RecordingText text) throws SQLException {
    List<Row> rows = new ArrayList<>();
    for (Marker m : text.markers()) {
      if (!m.kind().equals(Marker.EVENT)) {
        rows.add(new Row(m.t(), m.kind(), m.text(), m.verdict()));
      }
    }
    for (RecordingText.Chunk c : text.chunks()) {
      if (rows.size() >= MAX_ROWS) {
        break;
      }
      rows.add(new Row(c.t(), "output", c.text(), null));
    }
    rows.sort(Comparator.comparingDouble(Row::t));
    try (PreparedStatement ins = writer.prepareStatement("INSERT INTO rec_search (rowid, text, kind, t, verdict) VALUES (?,?,?,?,?)")) {
      int n = 0;
      for (Row r : rows) {
        ins.setLong(1, (sid << 16) | n++);
        ins.setString(2, r.text());
        ins.setString(3, r.kind());
        ins.setDouble(4, r.t());
        ins.setString(5, r.verdict());
        ins.addBatch();
      }
      ins.executeBatch();
    }
  }

  /** Finished sessions not yet indexed (other processes, older data), newest first. */
  public List<String> unindexed(int max) throws IOException {
    return read("list unindexed sessions", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT s.id FROM rec_sessions s WHERE s.state<>'active'"
              + " AND NOT EXISTS (SELECT 1 FROM rec_search_sessions x WHERE x.session_id=s.id)"
              + " ORDER BY s.start_ms DESC LIMIT ?")) {
        ps.setInt(1, max);
        List<String> ids = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            ids.add(rs.getString(1));
          }
        }
        return ids;
      }
    });
  }

  /** Drops the rows of sessions that are no longer in the index (retention pruned them). */
  public synchronized int forgetPruned() throws IOException {
    try {
      List<Long> gone = new ArrayList<>();
      try (Statement st = writer.createStatement();
          ResultSet rs = st.executeQuery("SELECT x.sid FROM rec_search_sessions x"
              + " WHERE NOT EXISTS (SELECT 1 FROM rec_sessions s WHERE s.id=x.session_id)")) {
        while (rs.next()) {
          gone.add(rs.getLong(1));
        }
      }
      for (long sid : gone) {
        try (PreparedStatement del = writer.prepareStatement("DELETE FROM rec_search WHERE rowid BETWEEN ? AND ?");
            PreparedStatement delRow = writer.prepareStatement("DELETE FROM rec_search_sessions WHERE sid=?")) {
          del.setLong(1, sid << 16);
          del.setLong(2, (sid << 16) | 0xffff);
          del.executeUpdate();
          delRow.setLong(1, sid);
          delRow.executeUpdate();
        }
      }
      return gone.size();
    } catch (SQLException e) {
      throw new IOException("search index " + databaseFile + ": cannot drop pruned sessions: " + e.getMessage(), e);
    }
  }

  // ---- reading ---------------------------------------------------------------------------

  public Optional<SessionRecord> find(String sessionId) throws IOException {
    return read("find session " + sessionId, c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM rec_sessions s WHERE s.id=?")) {
        ps.setString(1, sessionId);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(row(rs)) : Optional.empty();
        }
      }
    });
  }

  /** Whether the session had a blocked or reviewed statement, as indexed; null when not indexed yet. */
  public Boolean flagged(String sessionId) throws IOException {
    return read("read flagged of " + sessionId, c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT flagged FROM rec_search_sessions WHERE session_id=?")) {
        ps.setString(1, sessionId);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? rs.getInt(1) == 1 : null;
        }
      }
    });
  }

  /** The sum of the index's recorded output bytes over all sessions. */
  public long recordingBytes() throws IOException {
    return read("sum recording bytes", c -> {
      try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT coalesce(sum(bytes),0) FROM rec_sessions")) {
        return rs.next() ? rs.getLong(1) : 0L;
      }
    });
  }

  /** Sessions matching {@code q}, newest start first, and the cursor of the next page. */
  public SearchPage search(SearchQuery q) throws IOException {
    String phrase = q.text() == null ? null : phrase(q.text());
    Cursor after = q.cursor() == null || q.cursor().isBlank() ? null : Cursor.decode(q.cursor());
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + ", x.sid, x.flagged FROM rec_sessions s"
        + " LEFT JOIN rec_search_sessions x ON x.session_id=s.id WHERE 1=1");
    List<Object> args = new ArrayList<>();
    if (q.identity() != null) {
      sql.append(" AND s.identity=?");
      args.add(q.identity());
    }
    if (q.target() != null) {
      sql.append(" AND s.target=?");
      args.add(q.target());
    }
    if (q.state() != null) {
      sql.append(" AND s.state=?");
      args.add(q.state().wireName());
    }
    if (q.from() != null) {
      sql.append(" AND s.start_ms>=?");
      args.add(q.from().toEpochMilli());
    }
    if (q.to() != null) {
      sql.append(" AND s.start_ms<?");
      args.add(q.to().toEpochMilli());
    }
    if (Boolean.TRUE.equals(q.flagged())) {
      sql.append(" AND x.flagged=1");
    } else if (Boolean.FALSE.equals(q.flagged())) {
      sql.append(" AND coalesce(x.flagged,0)=0");
    }
    int phraseAt = -1;
    if (phrase != null) {
      phraseAt = sql.length();
      args.add(phrase);
    }
    if (after != null) {
      // The first term lets SQLite walk the (start, id) index from the cursor on.
      sql.append(" AND s.start_ms<=? AND (s.start_ms<? OR s.id<?)");
      args.add(after.startMs());
      args.add(after.startMs());
      args.add(after.id());
    }
    sql.append(" ORDER BY s.start_ms DESC, s.id DESC LIMIT ?");
    args.add(q.limit() + 1);
    int at = phraseAt;
    return read("search sessions", c -> {
      if (phrase != null) {
        sql.insert(at, dense(c, phrase)
            // Most sessions match: walk sessions in order and probe each one's rowid range.
            ? " AND EXISTS (SELECT 1 FROM rec_search WHERE rec_search MATCH ? AND rowid BETWEEN (x.sid << 16)"
                + " AND (x.sid << 16) + 65535)"
            // Few do: collect them from the phrase's matches first.
            : " AND x.sid IN (SELECT rowid >> 16 FROM rec_search WHERE rec_search MATCH ?)");
      }
      List<SearchResult> out = new ArrayList<>();
      List<Long> sids = new ArrayList<>();
      boolean more = false;
      try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
        for (int i = 0; i < args.size(); i++) {
          ps.setObject(i + 1, args.get(i));
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            if (out.size() == q.limit()) {
              more = true;
              break;
            }
            long sid = rs.getLong(14);
            sids.add(rs.wasNull() ? null : sid);
            out.add(new SearchResult(row(rs), rs.getInt(15) == 1, List.of()));
          }
        }
      }
      if (phrase != null) {
        for (int i = 0; i < out.size(); i++) {
          Long sid = sids.get(i);
          if (sid != null) {
            out.set(i, new SearchResult(out.get(i).session(), out.get(i).flagged(), hits(c, phrase, sid)));
          }
        }
      }
      String next = null;
      if (more) {
        SessionRecord last = out.get(out.size() - 1).session();
        next = new Cursor(last.start().toEpochMilli(), last.id()).encode();
      }
      return new SearchPage(out, next);
    });
  }

  /** Rows of the phrase looked at to tell a common phrase from a rare one. */
  static final int SAMPLE = 20_000;

  /**
   * Whether the phrase matches a large share of sessions (at least 1 in 10 of those its first
   * {@link #SAMPLE} matching rows span; rowids grow with sid). Then probing sessions in list order
   * finds a page in a few hundred probes at most; otherwise collecting the matching sessions first
   * is cheaper. Both give the same rows.
   */
  private static boolean dense(Connection c, String phrase) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT count(*), count(DISTINCT sid), min(sid), max(sid) FROM"
        + " (SELECT rowid >> 16 AS sid FROM rec_search WHERE rec_search MATCH ? LIMIT " + SAMPLE + ")")) {
      ps.setString(1, phrase);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next() || rs.getInt(1) < SAMPLE) {
          return false;
        }
        long span = rs.getLong(4) - rs.getLong(3) + 1;
        return rs.getLong(2) * 10 >= span;
      }
    }
  }

  private static List<SearchHit> hits(Connection c, String phrase, long sid) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT t, kind, snippet(rec_search, 0, '', '', '…', 12), verdict FROM rec_search"
            + " WHERE rec_search MATCH ? AND rowid BETWEEN ? AND ? ORDER BY rowid LIMIT " + HITS_PER_SESSION)) {
      ps.setString(1, phrase);
      ps.setLong(2, sid << 16);
      ps.setLong(3, (sid << 16) | 0xffff);
      List<SearchHit> hits = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          hits.add(new SearchHit(rs.getDouble(1), rs.getString(2), rs.getString(3), rs.getString(4)));
        }
      }
      return hits;
    }
  }

  /**
   * The user's text as one FTS5 phrase: control characters dropped, double quotes doubled, the
   * whole in double quotes. FTS5 reads nothing inside a quoted string as syntax.
   */
  static String phrase(String text) {
    String clean = text.replaceAll("\\p{Cntrl}", " ");
    return "\"" + clean.replace("\"", "\"\"") + "\"";
  }

  private interface Read<T> {
    T run(Connection c) throws SQLException;
  }

  private <T> T read(String what, Read<T> r) throws IOException {
    Connection c;
    try {
      c = readers.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted waiting for a search connection");
    }
    try {
      return r.run(c);
    } catch (SQLException e) {
      throw new IOException("search index " + databaseFile + ": cannot " + what + ": " + e.getMessage(), e);
    } finally {
      readers.add(c);
    }
  }

  private static SessionRecord row(ResultSet rs) throws SQLException {
    long endMs = rs.getLong(6);
    Instant end = rs.wasNull() ? null : Instant.ofEpochMilli(endMs);
    int exit = rs.getInt(7);
    Integer exitStatus = rs.wasNull() ? null : exit;
    return new SessionRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
        Instant.ofEpochMilli(rs.getLong(5)), end, exitStatus, rs.getLong(8), rs.getString(9), rs.getString(10),
        SessionState.fromWireName(rs.getString(11)), rs.getString(12), rs.getString(13));
  }

  @Override
  public synchronized void close() {
    for (Connection c : all) {
      try {
        c.close();
      } catch (SQLException e) {
        log.warn("closing search index {}: {}", databaseFile, e.getMessage());
      }
    }
  }
}
