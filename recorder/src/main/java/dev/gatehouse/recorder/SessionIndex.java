package dev.gatehouse.recorder;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session index in SQLite. The database is shared with other modules' tables, so ours are
 * prefixed {@code rec_}. WAL mode and a 5 s busy timeout let the gateway and CLI commands use it
 * at once; every write transaction starts IMMEDIATE so two writers queue on the busy timeout
 * instead of failing on a lock upgrade. Times are stored as epoch milliseconds.
 */
public final class SessionIndex implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SessionIndex.class);
  /** 2 added {@code exit_signal} and {@code command}; a version-1 index gains them when opened. */
  static final int SCHEMA_VERSION = 2;

  private static final String COLUMNS =
      "id, identity, target, client_address, start_ms, end_ms, exit_status, bytes, path, sha256,"
          + " state, exit_signal, command";

  private final Path databaseFile;
  private final Connection db;
  private final java.util.List<java.util.function.Consumer<String>> endListeners =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  private SessionIndex(Path databaseFile, Connection db) {
    this.databaseFile = databaseFile;
    this.db = db;
  }

  public static SessionIndex open(Path databaseFile) throws IOException {
    return new SessionIndex(databaseFile, SqliteFile.open(databaseFile, "session index", db -> createSchema(db, databaseFile)));
  }

  private static void createSchema(Connection db, Path databaseFile) throws SQLException {
    db.setAutoCommit(false);
    try (Statement st = db.createStatement()) {
      st.executeUpdate(
          "CREATE TABLE IF NOT EXISTS rec_schema_version (version INTEGER NOT NULL)");
      st.executeUpdate(
          "CREATE TABLE IF NOT EXISTS rec_sessions ("
              + " id TEXT PRIMARY KEY, identity TEXT, target TEXT, client_address TEXT,"
              + " start_ms INTEGER NOT NULL, end_ms INTEGER, exit_status INTEGER,"
              + " bytes INTEGER NOT NULL DEFAULT 0, path TEXT, sha256 TEXT,"
              + " state TEXT NOT NULL CHECK (state IN ('active','closed','interrupted')),"
              + " exit_signal TEXT, command TEXT)");
      st.executeUpdate(
          "CREATE INDEX IF NOT EXISTS rec_sessions_start ON rec_sessions (start_ms DESC)");
      st.executeUpdate(
          "CREATE INDEX IF NOT EXISTS rec_sessions_identity ON rec_sessions (identity, start_ms)");
      st.executeUpdate(
          "CREATE INDEX IF NOT EXISTS rec_sessions_target ON rec_sessions (target, start_ms)");
      st.executeUpdate(
          "CREATE INDEX IF NOT EXISTS rec_sessions_state ON rec_sessions (state, start_ms)");
      st.executeUpdate(
          "CREATE TABLE IF NOT EXISTS rec_kill_requests ("
              + " id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL,"
              + " requested_by TEXT, reason TEXT, at_ms INTEGER NOT NULL)");
      try (ResultSet rs = st.executeQuery("SELECT max(version) FROM rec_schema_version")) {
        int v = rs.next() ? rs.getInt(1) : 0;
        if (v == 0) {
          st.executeUpdate("INSERT INTO rec_schema_version (version) VALUES (" + SCHEMA_VERSION + ")");
        } else if (v == 1) {
          // An index written by an earlier version: its rows keep what they had (no signal, no
          // command), new rows get both. In the same transaction as the version, so a failure
          // leaves the index as it was.
          st.executeUpdate("ALTER TABLE rec_sessions ADD COLUMN exit_signal TEXT");
          st.executeUpdate("ALTER TABLE rec_sessions ADD COLUMN command TEXT");
          st.executeUpdate("UPDATE rec_schema_version SET version=" + SCHEMA_VERSION);
          log.info("session index {}: schema upgraded from version 1 to {}", databaseFile, SCHEMA_VERSION);
        } else if (v > SCHEMA_VERSION) {
          throw new IllegalStateException(
              "session index "
                  + databaseFile
                  + " has schema version "
                  + v
                  + ", newer than this build's "
                  + SCHEMA_VERSION
                  + "; upgrade Gatehouse");
        }
      }
      db.commit();
    } catch (SQLException | RuntimeException e) {
      db.rollback();
      throw e;
    } finally {
      db.setAutoCommit(true);
    }
  }

  /** Records a session as active; its state field is ignored. */
  public synchronized void started(SessionRecord s) throws IOException {
    try (PreparedStatement ps =
        db.prepareStatement(
            "INSERT INTO rec_sessions (" + COLUMNS + ") VALUES (?,?,?,?,?,?,?,?,?,?,'active',?,?)")) {
      ps.setString(1, s.id());
      ps.setString(2, s.identity());
      ps.setString(3, s.target());
      ps.setString(4, s.clientAddress());
      ps.setLong(5, s.start().toEpochMilli());
      setMillis(ps, 6, s.end());
      setInt(ps, 7, s.exitStatus());
      ps.setLong(8, s.bytes());
      ps.setString(9, s.path());
      ps.setString(10, s.sha256());
      ps.setString(11, s.exitSignal());
      ps.setString(12, s.command());
      ps.executeUpdate();
    } catch (SQLException e) {
      throw fault("record start of session " + s.id(), e);
    }
  }

  /**
   * Records the end of a session.
   *
   * @throws IllegalArgumentException if no session has this id
   */
  public void ended(
      String id, Instant end, Integer exitStatus, long bytes, String sha256, SessionState state)
      throws IOException {
    ended(id, end, exitStatus, null, bytes, sha256, state);
  }

  /**
   * Records the end of a session whose program may have been killed by {@code exitSignal} (then
   * {@code exitStatus} is null).
   *
   * @throws IllegalArgumentException if no session has this id
   */
  public synchronized void ended(
      String id, Instant end, Integer exitStatus, String exitSignal, long bytes, String sha256, SessionState state)
      throws IOException {
    try (PreparedStatement ps =
        db.prepareStatement(
            "UPDATE rec_sessions SET end_ms=?, exit_status=?, bytes=?, sha256=?, state=?, exit_signal=?"
                + " WHERE id=?")) {
      setMillis(ps, 1, end);
      setInt(ps, 2, exitStatus);
      ps.setLong(3, bytes);
      ps.setString(4, sha256);
      ps.setString(5, state.wireName());
      ps.setString(6, exitSignal);
      ps.setString(7, id);
      if (ps.executeUpdate() == 0) {
        throw new IllegalArgumentException("no session " + id + " in index " + databaseFile);
      }
    } catch (SQLException e) {
      throw fault("record end of session " + id, e);
    }
    for (java.util.function.Consumer<String> l : endListeners) {
      l.accept(id);
    }
  }

  /**
   * Calls {@code listener} with the id of every session this index records the end of (in this
   * process), after the row is written. Listeners must return quickly (hand the work off).
   */
  public void onEnded(java.util.function.Consumer<String> listener) {
    endListeners.add(listener);
  }

  public synchronized Optional<SessionRecord> find(String id) throws IOException {
    try (PreparedStatement ps =
        db.prepareStatement("SELECT " + COLUMNS + " FROM rec_sessions WHERE id=?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(row(rs)) : Optional.empty();
      }
    } catch (SQLException e) {
      throw fault("find session " + id, e);
    }
  }

  /** Sessions matching the query, newest start first. */
  public synchronized List<SessionRecord> list(SessionQuery q) throws IOException {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM rec_sessions WHERE 1=1");
    List<Object> args = new ArrayList<>();
    if (q.identity() != null) {
      sql.append(" AND identity=?");
      args.add(q.identity());
    }
    if (q.target() != null) {
      sql.append(" AND target=?");
      args.add(q.target());
    }
    if (q.state() != null) {
      sql.append(" AND state=?");
      args.add(q.state().wireName());
    }
    if (q.from() != null) {
      sql.append(" AND start_ms>=?");
      args.add(q.from().toEpochMilli());
    }
    if (q.to() != null) {
      sql.append(" AND start_ms<?");
      args.add(q.to().toEpochMilli());
    }
    sql.append(" ORDER BY start_ms DESC, id DESC LIMIT ?");
    args.add(q.limit());
    try (PreparedStatement ps = db.prepareStatement(sql.toString())) {
      for (int i = 0; i < args.size(); i++) {
        ps.setObject(i + 1, args.get(i));
      }
      List<SessionRecord> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(row(rs));
        }
      }
      return out;
    } catch (SQLException e) {
      throw fault("list sessions", e);
    }
  }

  /** Finished (closed or interrupted) sessions, oldest start first: what retention looks at. */
  public synchronized List<SessionRecord> finishedOldestFirst() throws IOException {
    try (PreparedStatement ps =
        db.prepareStatement(
            "SELECT " + COLUMNS + " FROM rec_sessions WHERE state<>? ORDER BY start_ms ASC, id ASC")) {
      ps.setString(1, SessionState.ACTIVE.wireName());
      List<SessionRecord> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(row(rs));
        }
      }
      return out;
    } catch (SQLException e) {
      throw fault("list finished sessions", e);
    }
  }

  /** Removes a finished session's row (retention); an active session is never removed. */
  public synchronized boolean delete(String id) throws IOException {
    try (PreparedStatement ps =
        db.prepareStatement("DELETE FROM rec_sessions WHERE id=? AND state<>?")) {
      ps.setString(1, id);
      ps.setString(2, SessionState.ACTIVE.wireName());
      return ps.executeUpdate() == 1;
    } catch (SQLException e) {
      throw fault("delete session " + id, e);
    }
  }

  /** Sessions the index calls active, oldest first. */
  public synchronized List<SessionRecord> active() throws IOException {
    List<SessionRecord> out =
        new ArrayList<>(list(new SessionQuery(null, null, SessionState.ACTIVE, null, null, Integer.MAX_VALUE)));
    java.util.Collections.reverse(out);
    return out;
  }

  /**
   * What {@link #markInterrupted} found and stored: the file's SHA-256 and size before the repair
   * (null and -1 when it was missing) and the row as it is now.
   */
  public record Interrupted(SessionRecord session, String foundSha256, long foundSize, long size) {}

  /**
   * Ends a session a stopped gateway left active, whose end no audit line records: the recording
   * is repaired; the session gets end = start + the last event's time (or the file's mtime when
   * there are no events), bytes = output bytes in the file (UTF-8, after decoding), the sha256 of
   * the repaired file, state interrupted. A missing or headerless file still ends the session, with
   * what can be known. The caller has made sure no end line exists (see {@link StartupRepair}).
   */
  public synchronized Interrupted markInterrupted(SessionRecord s, Path dataDir) throws IOException {
    Instant end = s.start();
    long bytes = 0;
    String sha = null;
    String foundSha = null;
    long foundSize = -1;
    long size = -1;
    Path file = s.path() == null ? null : dataDir.resolve(s.path());
    if (file == null || !Files.isRegularFile(file)) {
      log.warn("interrupted session {}: recording {} is missing", s.id(), file);
    } else {
      foundSha = Recordings.sha256(file);
      foundSize = Files.size(file);
      try {
        sha = Recordings.repair(file).sha256();
        Scan scan = scan(file);
        bytes = scan.outputBytes;
        end =
            scan.lastEventMicros >= 0
                ? s.start().plus(scan.lastEventMicros, ChronoUnit.MICROS)
                : Files.getLastModifiedTime(file).toInstant();
      } catch (RecordingHeaderMissingException e) {
        log.warn("interrupted session {}: {}", s.id(), e.getMessage());
        sha = Recordings.sha256(file);
        end = Files.getLastModifiedTime(file).toInstant();
      }
      size = Files.size(file);
    }
    end = end.truncatedTo(ChronoUnit.MILLIS);
    ended(s.id(), end, null, bytes, sha, SessionState.INTERRUPTED);
    return new Interrupted(find(s.id()).orElseThrow(), foundSha, foundSize, size);
  }

  private static final class Scan {
    long outputBytes;
    long lastEventMicros = -1;
  }

  /** Reads every event line: the last event's time and the output's size. */
  private static Scan scan(Path file) throws IOException {
    Scan scan = new Scan();
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      r.readLine(); // header
      String line;
      while ((line = r.readLine()) != null) {
        if (line.isEmpty()) {
          continue;
        }
        JsonNode ev = AuditLog.JSON.readTree(line);
        scan.lastEventMicros = Math.round(ev.get(0).asDouble() * 1_000_000);
        if ("o".equals(ev.get(1).asText())) {
          scan.outputBytes += ev.get(2).asText().getBytes(StandardCharsets.UTF_8).length;
        }
      }
    }
    return scan;
  }

  /** Asks whichever gateway runs the session to end it; it polls {@link #takeKillRequests}. */
  public synchronized void requestKill(String id, String by, String reason) throws IOException {
    try (PreparedStatement ps =
        db.prepareStatement(
            "INSERT INTO rec_kill_requests (session_id, requested_by, reason, at_ms)"
                + " VALUES (?,?,?,?)")) {
      ps.setString(1, id);
      ps.setString(2, by);
      ps.setString(3, reason);
      ps.setLong(4, System.currentTimeMillis());
      ps.executeUpdate();
    } catch (SQLException e) {
      throw fault("request kill of session " + id, e);
    }
  }

  /** Returns the pending kill requests, oldest first, and deletes them, in one transaction. */
  public synchronized List<KillRequest> takeKillRequests() throws IOException {
    try {
      db.setAutoCommit(false);
      try {
        List<KillRequest> out = new ArrayList<>();
        long maxId = -1;
        try (Statement st = db.createStatement();
            ResultSet rs =
                st.executeQuery(
                    "SELECT id, session_id, requested_by, reason, at_ms FROM rec_kill_requests"
                        + " ORDER BY id")) {
          while (rs.next()) {
            maxId = rs.getLong(1);
            out.add(
                new KillRequest(
                    rs.getString(2),
                    rs.getString(3),
                    rs.getString(4),
                    Instant.ofEpochMilli(rs.getLong(5))));
          }
        }
        if (maxId >= 0) {
          try (PreparedStatement ps =
              db.prepareStatement("DELETE FROM rec_kill_requests WHERE id<=?")) {
            ps.setLong(1, maxId);
            ps.executeUpdate();
          }
        }
        db.commit();
        return out;
      } catch (SQLException | RuntimeException e) {
        db.rollback();
        throw e;
      } finally {
        db.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw fault("take kill requests", e);
    }
  }

  @Override
  public synchronized void close() {
    try {
      db.close();
    } catch (SQLException e) {
      log.warn("closing session index {}: {}", databaseFile, e.getMessage());
    }
  }

  private SessionRecord row(ResultSet rs) throws SQLException {
    long endMs = rs.getLong(6);
    Instant end = rs.wasNull() ? null : Instant.ofEpochMilli(endMs);
    int exit = rs.getInt(7);
    Integer exitStatus = rs.wasNull() ? null : exit;
    return new SessionRecord(
        rs.getString(1),
        rs.getString(2),
        rs.getString(3),
        rs.getString(4),
        Instant.ofEpochMilli(rs.getLong(5)),
        end,
        exitStatus,
        rs.getLong(8),
        rs.getString(9),
        rs.getString(10),
        SessionState.fromWireName(rs.getString(11)),
        rs.getString(12),
        rs.getString(13));
  }

  private static void setMillis(PreparedStatement ps, int i, Instant t) throws SQLException {
    if (t == null) {
      ps.setNull(i, Types.INTEGER);
    } else {
      ps.setLong(i, t.toEpochMilli());
    }
  }

  private static void setInt(PreparedStatement ps, int i, Integer v) throws SQLException {
    if (v == null) {
      ps.setNull(i, Types.INTEGER);
    } else {
      ps.setInt(i, v);
    }
  }

  private IOException fault(String what, SQLException e) {
    return new IOException(
        "session index " + databaseFile + ": cannot " + what + ": " + e.getMessage(), e);
  }
}
