package dev.gatehouse.recorder.approval;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import dev.gatehouse.recorder.SqliteFile;

/**
 * Approval requests and decisions in SQLite, in the same database file as the session index, so
 * every gateway process (and the CLI) sharing the file sees the same requests. State changes run
 * in {@code BEGIN IMMEDIATE} transactions: two approvers (or an approver and the expiry) racing on
 * one request cannot both win.
 *
 * <p>Pending requests past their expiry are turned {@code expired} by whoever looks first
 * ({@link #expireDue}, and every read that returns them).
 */
public final class ApprovalStore implements AutoCloseable {
  static final int SCHEMA_VERSION = 3;
  private static final String HEX = "0123456789ABCDEF";
  private static final String COLUMNS =
      "id, kind, state, requester, target, statement, statement_key, rule, reason, created_ms, expires_ms,"
          + " approver_groups, approvers_needed, session_id, ttl_ms, access_ms, decided_ms, usable_until_ms,"
          + " used_ms, used_by_session";

  private final Path databaseFile;
  private final Connection db;
  private final SecureRandom random = new SecureRandom();

  private ApprovalStore(Path databaseFile, Connection db) {
    this.databaseFile = databaseFile;
    this.db = db;
  }

  public static ApprovalStore open(Path databaseFile) throws IOException {
    return new ApprovalStore(databaseFile, SqliteFile.open(databaseFile, "approvals store", db -> createSchema(db, databaseFile)));
  }

  private static void createSchema(Connection db, Path databaseFile) throws SQLException {
    db.setAutoCommit(false);
    try (Statement st = db.createStatement()) {
      st.executeUpdate("CREATE TABLE IF NOT EXISTS apr_schema_version (version INTEGER NOT NULL)");
      st.executeUpdate(
          "CREATE TABLE IF NOT EXISTS apr_requests ("
              + " id TEXT PRIMARY KEY, kind TEXT NOT NULL CHECK (kind IN ('statement','access')),"
              + " state TEXT NOT NULL CHECK (state IN ('pending','approved','denied','expired','cancelled')),"
              + " requester TEXT NOT NULL, target TEXT NOT NULL, statement TEXT NOT NULL, statement_key TEXT NOT NULL,"
              + " rule TEXT, reason TEXT, created_ms INTEGER NOT NULL, expires_ms INTEGER NOT NULL,"
              + " approver_groups TEXT NOT NULL, approvers_needed INTEGER NOT NULL, session_id TEXT,"
              + " ttl_ms INTEGER NOT NULL, access_ms INTEGER, decided_ms INTEGER, usable_until_ms INTEGER,"
              + " used_ms INTEGER, used_by_session TEXT, answered_ms INTEGER)");
      st.executeUpdate("CREATE INDEX IF NOT EXISTS apr_requests_state ON apr_requests (state, created_ms)");
      st.executeUpdate(
          "CREATE INDEX IF NOT EXISTS apr_requests_use ON apr_requests (requester, target, kind, state)");
      st.executeUpdate(
          "CREATE TABLE IF NOT EXISTS apr_decisions ("
              + " request_id TEXT NOT NULL REFERENCES apr_requests(id), approver TEXT NOT NULL,"
              + " approved INTEGER NOT NULL, comment TEXT, at_ms INTEGER NOT NULL, via TEXT,"
              + " PRIMARY KEY (request_id, approver))");
      try (ResultSet rs = st.executeQuery("SELECT max(version) FROM apr_schema_version")) {
        int v = rs.next() ? rs.getInt(1) : 0;
        if (v == 0) {
          st.executeUpdate("INSERT INTO apr_schema_version (version) VALUES (" + SCHEMA_VERSION + ")");
        } else if (v == 1) {
          // Version 1 matched statements by a whitespace-folded copy of their text, which folded
          // away the newline ending a -- comment. Those copies must never match a key again.
          st.executeUpdate("ALTER TABLE apr_requests RENAME COLUMN normalized TO statement_key");
          st.executeUpdate("UPDATE apr_requests SET statement_key = 'folded-v1:' || statement_key");
          st.executeUpdate("UPDATE apr_schema_version SET version = " + SCHEMA_VERSION);
        }
        if (v == 1 || v == 2) {
          // Version 3: when the refusal of a request nobody waits on was told to its retry.
          st.executeUpdate("ALTER TABLE apr_requests ADD COLUMN answered_ms INTEGER");
          st.executeUpdate("UPDATE apr_schema_version SET version = " + SCHEMA_VERSION);
        } else if (v > SCHEMA_VERSION) {
          throw new IllegalStateException("approvals store " + databaseFile + " has schema version " + v
              + ", newer than this build's " + SCHEMA_VERSION + "; upgrade Gatehouse");
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

  /** Stores a new pending request under a fresh short id (four hex digits while they last). */
  public synchronized ApprovalRequest create(NewApprovalRequest r, Instant now) throws IOException {
    for (int attempt = 0; attempt < 40; attempt++) {
      String id = newId(attempt < 16 ? 4 : attempt < 32 ? 6 : 8);
      try (PreparedStatement ps = db.prepareStatement(
          "INSERT OR IGNORE INTO apr_requests (" + COLUMNS + ") VALUES (?,?,'pending',?,?,?,?,?,?,?,?,?,?,?,?,?,NULL,NULL,NULL,NULL)")) {
        ps.setString(1, id);
        ps.setString(2, r.kind().wireName());
        ps.setString(3, r.requester());
        ps.setString(4, r.target());
        ps.setString(5, r.statement());
        ps.setString(6, r.statementKey());
        ps.setString(7, r.rule());
        ps.setString(8, r.reason());
        ps.setLong(9, now.toEpochMilli());
        ps.setLong(10, now.plus(r.ttl()).toEpochMilli());
        ps.setString(11, String.join(",", r.approverGroups()));
        ps.setInt(12, r.approversNeeded());
        ps.setString(13, r.sessionId());
        ps.setLong(14, r.ttl().toMillis());
        if (r.accessDuration() == null) {
          ps.setNull(15, java.sql.Types.INTEGER);
        } else {
          ps.setLong(15, r.accessDuration().toMillis());
        }
        if (ps.executeUpdate() == 1) {
          return find(id).orElseThrow();
        }
      } catch (SQLException e) {
        throw fault("store a new approval request", e);
      }
    }
    throw new IOException("no free approval request id after 40 attempts in " + databaseFile);
  }

  private String newId(int digits) {
    char[] c = new char[digits];
    for (int i = 0; i < digits; i++) {
      c[i] = HEX.charAt(random.nextInt(16));
    }
    return new String(c);
  }

  /** Ids as people type them: case does not matter. */
  public static String canonicalId(String id) {
    return id == null ? null : id.strip().toUpperCase(Locale.ROOT);
  }

  public synchronized Optional<ApprovalRequest> find(String id) throws IOException {
    String key = canonicalId(id);
    if (key == null || !key.matches("[0-9A-F]{4,8}")) {
      return Optional.empty();
    }
    try (PreparedStatement ps = db.prepareStatement("SELECT " + COLUMNS + " FROM apr_requests WHERE id=?")) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(row(rs, decisions(List.of(key)).getOrDefault(key, List.of())));
      }
    } catch (SQLException e) {
      throw fault("read approval request " + key, e);
    }
  }

  /** Requests in the given states (all when empty), newest first. Expires what is due first. */
  public synchronized List<ApprovalRequest> list(Set<ApprovalState> states, int limit, Instant now) throws IOException {
    expireDue(now);
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM apr_requests");
    if (!states.isEmpty()) {
      sql.append(" WHERE state IN (");
      sql.append(String.join(",", states.stream().map(s -> "'" + s.wireName() + "'").toList()));
      sql.append(")");
    }
    sql.append(" ORDER BY created_ms DESC, id LIMIT ").append(Math.max(1, limit));
    return query(sql.toString());
  }

  /** The current state of each of these requests (those that exist), for waiters that poll. */
  public synchronized Map<String, ApprovalRequest> current(Collection<String> ids) throws IOException {
    if (ids.isEmpty()) {
      return Map.of();
    }
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM apr_requests WHERE id IN (");
    List<String> keys = new ArrayList<>(ids);
    for (int i = 0; i < keys.size(); i++) {
      sql.append(i == 0 ? "?" : ",?");
    }
    sql.append(")");
    try (PreparedStatement ps = db.prepareStatement(sql.toString())) {
      for (int i = 0; i < keys.size(); i++) {
        ps.setString(i + 1, keys.get(i));
      }
      List<ApprovalRequest> rows = rows(ps);
      Map<String, ApprovalRequest> out = new HashMap<>();
      rows.forEach(r -> out.put(r.id(), r));
      return out;
    } catch (SQLException e) {
      throw fault("read approval requests", e);
    }
  }

  /**
   * Records one approver's decision. A denial decides at once; approvals decide when
   * {@code approversNeeded} distinct approvers have approved.
   *
   * @param approverGroups the approver's groups, checked against the request's approver groups;
   *     {@code null} when the bastion's operator vouches for the identity ({@code --as})
   * @return the request after the decision
   */
  public synchronized ApprovalRequest decide(
      String id, String approver, Collection<String> approverGroups, boolean approve, String comment, String via,
      Instant now) throws IOException, ApprovalRefused {
    String key = canonicalId(id);
    try {
      db.setAutoCommit(false);
      try {
        ApprovalRequest r = find(key).orElseThrow(() -> new ApprovalRefused("not-found", "no approval request " + id));
        if (r.state() == ApprovalState.PENDING && !now.isBefore(r.expiresAt())) {
          setState(r.id(), ApprovalState.EXPIRED, now);
          db.commit();
          throw new ApprovalRefused("expired", "request " + r.id() + " expired at " + r.expiresAt());
        }
        if (r.state() != ApprovalState.PENDING) {
          throw new ApprovalRefused("not-pending", "request " + r.id() + " is " + r.state().wireName());
        }
        if (approver == null || approver.isBlank()) {
          throw new ApprovalRefused("not-an-approver", "no approver identity");
        }
        if (approver.equals(r.requester())) {
          throw new ApprovalRefused("self-approval", approver + " made request " + r.id() + " and cannot decide it");
        }
        if (approverGroups != null && approverGroups.stream().noneMatch(r.approverGroups()::contains)) {
          throw new ApprovalRefused("not-an-approver", approver + " is in none of the approver groups of request "
              + r.id() + " (" + String.join(", ", r.approverGroups()) + ")");
        }
        if (r.decisions().stream().anyMatch(d -> d.approver().equals(approver))) {
          throw new ApprovalRefused("already-decided", approver + " has already decided request " + r.id());
        }
        try (PreparedStatement ps = db.prepareStatement(
            "INSERT INTO apr_decisions (request_id, approver, approved, comment, at_ms, via) VALUES (?,?,?,?,?,?)")) {
          ps.setString(1, r.id());
          ps.setString(2, approver);
          ps.setInt(3, approve ? 1 : 0);
          ps.setString(4, comment == null || comment.isBlank() ? null : comment);
          ps.setLong(5, now.toEpochMilli());
          ps.setString(6, via);
          ps.executeUpdate();
        }
        if (!approve) {
          setState(r.id(), ApprovalState.DENIED, now);
        } else if (r.approvers().size() + 1 >= r.approversNeeded()) {
          Duration usable = r.kind() == ApprovalKind.ACCESS ? r.accessDuration() : ttl(r.id());
          try (PreparedStatement ps = db.prepareStatement(
              "UPDATE apr_requests SET state='approved', decided_ms=?, usable_until_ms=? WHERE id=? AND state='pending'")) {
            ps.setLong(1, now.toEpochMilli());
            ps.setLong(2, now.plus(usable).toEpochMilli());
            ps.setString(3, r.id());
            ps.executeUpdate();
          }
        }
        db.commit();
        return find(r.id()).orElseThrow();
      } catch (SQLException | ApprovalRefused | RuntimeException e) {
        db.rollback();
        throw e;
      } finally {
        db.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw fault("record a decision on approval request " + key, e);
    }
  }

  private Duration ttl(String id) throws SQLException {
    try (PreparedStatement ps = db.prepareStatement("SELECT ttl_ms FROM apr_requests WHERE id=?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return Duration.ofMillis(rs.getLong(1));
      }
    }
  }

  /** Cancels a pending request (its requester gave up, or its session ended); false if not pending. */
  public synchronized boolean cancel(String id, Instant now) throws IOException {
    try {
      return setState(canonicalId(id), ApprovalState.CANCELLED, now);
    } catch (SQLException e) {
      throw fault("cancel approval request " + id, e);
    }
  }

  private boolean setState(String id, ApprovalState state, Instant now) throws SQLException {
    try (PreparedStatement ps = db.prepareStatement(
        "UPDATE apr_requests SET state=?, decided_ms=? WHERE id=? AND state='pending'")) {
      ps.setString(1, state.wireName());
      ps.setLong(2, now.toEpochMilli());
      ps.setString(3, id);
      return ps.executeUpdate() == 1;
    }
  }

  /** Turns pending requests past their expiry into expired ones; returns those it changed. */
  public synchronized List<ApprovalRequest> expireDue(Instant now) throws IOException {
    try {
      List<ApprovalRequest> due = query(
          "SELECT " + COLUMNS + " FROM apr_requests WHERE state='pending' AND expires_ms <= " + now.toEpochMilli());
      List<ApprovalRequest> changed = new ArrayList<>();
      for (ApprovalRequest r : due) {
        if (setState(r.id(), ApprovalState.EXPIRED, now)) {
          changed.add(r);
        }
      }
      return changed;
    } catch (SQLException e) {
      throw fault("expire approval requests", e);
    }
  }

  /**
   * Cancels pending requests whose session is gone (after a restart, or a session that died):
   * {@code live} says which session ids still run. Returns those cancelled.
   */
  public synchronized List<ApprovalRequest> cancelOrphans(Predicate<String> live, Instant now) throws IOException {
    try {
      List<ApprovalRequest> orphans = new ArrayList<>();
      for (ApprovalRequest r : query("SELECT " + COLUMNS + " FROM apr_requests WHERE state='pending'")) {
        if (r.sessionId() != null && !live.test(r.sessionId()) && setState(r.id(), ApprovalState.CANCELLED, now)) {
          orphans.add(r);
        }
      }
      return orphans;
    } catch (SQLException e) {
      throw fault("cancel orphaned approval requests", e);
    }
  }

  /**
   * An approved, unused statement approval of this requester for this target whose statement has
   * {@code statementKey} and that was asked for by {@code rule}, still usable at {@code now}. The
   * rule is part of what was approved: one statement may need two decisions (an operator's rule,
   * then the row count of {@code maxRowsChanged}), and an approval of one is never used for the
   * other.
   */
  public synchronized Optional<ApprovalRequest> usableStatementApproval(
      String requester, String target, String statementKey, String rule, Instant now) throws IOException {
    if (statementKey == null || statementKey.isEmpty() || rule == null) {
      return Optional.empty();
    }
    try (PreparedStatement ps = db.prepareStatement(
        "SELECT " + COLUMNS + " FROM apr_requests WHERE requester=? AND target=? AND kind='statement'"
            + " AND state='approved' AND used_ms IS NULL AND statement_key=? AND rule=? AND usable_until_ms > ?"
            + " ORDER BY decided_ms LIMIT 1")) {
      ps.setString(1, requester);
      ps.setString(2, target);
      ps.setString(3, statementKey);
      ps.setString(4, rule);
      ps.setLong(5, now.toEpochMilli());
      return rows(ps).stream().findFirst();
    } catch (SQLException e) {
      throw fault("look up statement approvals", e);
    }
  }

  /** Takes a statement approval for one use; false if it was used (or became unusable) meanwhile. */
  public synchronized boolean use(String id, String sessionId, Instant now) throws IOException {
    try (PreparedStatement ps = db.prepareStatement(
        "UPDATE apr_requests SET used_ms=?, used_by_session=? WHERE id=? AND state='approved' AND used_ms IS NULL"
            + " AND usable_until_ms > ?")) {
      ps.setLong(1, now.toEpochMilli());
      ps.setString(2, sessionId);
      ps.setString(3, canonicalId(id));
      ps.setLong(4, now.toEpochMilli());
      return ps.executeUpdate() == 1;
    } catch (SQLException e) {
      throw fault("use approval " + id, e);
    }
  }

  /**
   * What became of the last request for this statement that nobody waits on (made by a {@code
   * GATEHOUSE_NOWAIT} exec or an agent's tool call), for the same call again: the request while
   * it is pending; once denied, expired or cancelled, that request once (it is then marked told,
   * and the next call makes a new request), within the request's ttl after its decision. Empty
   * when there is none of either. Only a request of the same {@code rule} counts: the retry asks
   * for the decision its step needs. The caller expires what is due first ({@link #expireDue}), so
   * that it can audit it.
   */
  public synchronized Optional<ApprovalRequest> openStatementRequest(
      String requester, String target, String statementKey, String rule, Instant now) throws IOException {
    if (statementKey == null || statementKey.isEmpty() || rule == null) {
      return Optional.empty();
    }
    try (PreparedStatement ps = db.prepareStatement(
        "SELECT " + COLUMNS + " FROM apr_requests WHERE requester=? AND target=? AND kind='statement'"
            + " AND session_id IS NULL AND statement_key=? AND rule=? AND (state='pending'"
            + " OR (state IN ('denied','expired','cancelled') AND answered_ms IS NULL AND decided_ms + ttl_ms > ?))"
            + " ORDER BY created_ms DESC LIMIT 1")) {
      ps.setString(1, requester);
      ps.setString(2, target);
      ps.setString(3, statementKey);
      ps.setString(4, rule);
      ps.setLong(5, now.toEpochMilli());
      Optional<ApprovalRequest> r = rows(ps).stream().findFirst();
      if (r.isEmpty() || r.get().state() == ApprovalState.PENDING) {
        return r;
      }
      try (PreparedStatement told = db.prepareStatement(
          "UPDATE apr_requests SET answered_ms=? WHERE id=? AND answered_ms IS NULL")) {
        told.setLong(1, now.toEpochMilli());
        told.setString(2, r.get().id());
        return told.executeUpdate() == 1 ? r : Optional.empty();
      }
    } catch (SQLException e) {
      throw fault("look up earlier statement requests", e);
    }
  }

  /** The access window of this requester on this target open at {@code now}, the latest-ending one. */
  public synchronized Optional<ApprovalRequest> openAccess(String requester, String target, Instant now) throws IOException {
    try (PreparedStatement ps = db.prepareStatement(
        "SELECT " + COLUMNS + " FROM apr_requests WHERE requester=? AND target=? AND kind='access'"
            + " AND state='approved' AND usable_until_ms > ? ORDER BY usable_until_ms DESC LIMIT 1")) {
      ps.setString(1, requester);
      ps.setString(2, target);
      ps.setLong(3, now.toEpochMilli());
      return rows(ps).stream().findFirst();
    } catch (SQLException e) {
      throw fault("look up access approvals", e);
    }
  }

  /** A pending access request of this requester on this target, to wait on instead of asking twice. */
  public synchronized Optional<ApprovalRequest> pendingAccess(String requester, String target, Instant now) throws IOException {
    expireDue(now);
    try (PreparedStatement ps = db.prepareStatement(
        "SELECT " + COLUMNS + " FROM apr_requests WHERE requester=? AND target=? AND kind='access'"
            + " AND state='pending' ORDER BY created_ms DESC LIMIT 1")) {
      ps.setString(1, requester);
      ps.setString(2, target);
      return rows(ps).stream().findFirst();
    } catch (SQLException e) {
      throw fault("look up pending access requests", e);
    }
  }

  private List<ApprovalRequest> query(String sql) throws IOException {
    try (PreparedStatement ps = db.prepareStatement(sql)) {
      return rows(ps);
    } catch (SQLException e) {
      throw fault("read approval requests", e);
    }
  }

  private List<ApprovalRequest> rows(PreparedStatement ps) throws SQLException {
    List<Object[]> raw = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        Object[] v = new Object[n];
        for (int i = 0; i < n; i++) {
          v[i] = rs.getObject(i + 1);
        }
        raw.add(v);
        ids.add((String) v[0]);
      }
    }
    Map<String, List<ApprovalDecision>> decisions = decisions(ids);
    List<ApprovalRequest> out = new ArrayList<>(raw.size());
    for (Object[] v : raw) {
      out.add(row(v, decisions.getOrDefault((String) v[0], List.of())));
    }
    return out;
  }

  private Map<String, List<ApprovalDecision>> decisions(List<String> ids) throws SQLException {
    Map<String, List<ApprovalDecision>> out = new HashMap<>();
    if (ids.isEmpty()) {
      return out;
    }
    Set<String> unique = new HashSet<>(ids);
    StringBuilder sql = new StringBuilder(
        "SELECT request_id, approver, approved, comment, at_ms, via FROM apr_decisions WHERE request_id IN (");
    int i = 0;
    for (String ignored : unique) {
      sql.append(i++ == 0 ? "?" : ",?");
    }
    sql.append(") ORDER BY at_ms, approver");
    try (PreparedStatement ps = db.prepareStatement(sql.toString())) {
      i = 1;
      for (String id : unique) {
        ps.setString(i++, id);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(new ApprovalDecision(
              rs.getString(2), rs.getInt(3) == 1, rs.getString(4), Instant.ofEpochMilli(rs.getLong(5)), rs.getString(6)));
        }
      }
    }
    return out;
  }

  private static ApprovalRequest row(ResultSet rs, List<ApprovalDecision> decisions) throws SQLException {
    Object[] v = new Object[20];
    for (int i = 0; i < v.length; i++) {
      v[i] = rs.getObject(i + 1);
    }
    return row(v, decisions);
  }

  private static ApprovalRequest row(Object[] v, List<ApprovalDecision> decisions) {
    String groups = (String) v[11];
    return new ApprovalRequest(
        (String) v[0],
        ApprovalKind.valueOf(((String) v[1]).toUpperCase(Locale.ROOT)),
        ApprovalState.fromWire((String) v[2]),
        (String) v[3],
        (String) v[4],
        (String) v[5],
        (String) v[6],
        (String) v[7],
        (String) v[8],
        instant(v[9]),
        instant(v[10]),
        groups.isEmpty() ? List.of() : Arrays.asList(groups.split(",")),
        ((Number) v[12]).intValue(),
        (String) v[13],
        v[15] == null ? null : Duration.ofMillis(((Number) v[15]).longValue()),
        instant(v[16]),
        instant(v[17]),
        instant(v[18]),
        (String) v[19],
        decisions);
  }

  private static Instant instant(Object o) {
    return o == null ? null : Instant.ofEpochMilli(((Number) o).longValue());
  }

  private IOException fault(String what, SQLException e) {
    return new IOException("cannot " + what + " in " + databaseFile + ": " + e.getMessage(), e);
  }

  @Override
  public synchronized void close() {
    try {
      db.close();
    } catch (SQLException e) {
      // closing anyway
    }
  }
}
