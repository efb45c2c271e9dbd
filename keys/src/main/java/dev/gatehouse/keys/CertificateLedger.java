package dev.gatehouse.keys;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * SQLite record of issued user certificates and of revocations.
 *
 * <p>Several processes share the file (the gateway polls it, {@code gatehouse ca revoke} writes to
 * it): WAL mode so readers never block the writer, and a 5 s busy timeout so a writer waits for
 * another instead of failing. Every statement runs in autocommit, so each revocation is visible
 * to other connections as soon as the call returns.
 *
 * <p>Revocations are one append-only table whose AUTOINCREMENT id is the {@link
 * #revocationVersion()}: it only grows (SQLite never reuses AUTOINCREMENT ids) and reading it is a
 * single b-tree lookup.
 *
 * <p>One instance serializes its calls (one JDBC connection); open one per process.
 */
public final class CertificateLedger implements AutoCloseable {
  private static final SecureRandom RANDOM = new SecureRandom();

  private static final String[] SCHEMA = {
    """
    CREATE TABLE IF NOT EXISTS ca_issued (
      serial INTEGER PRIMARY KEY,
      identity TEXT NOT NULL,
      groups TEXT NOT NULL,
      key_fingerprint TEXT NOT NULL,
      valid_after INTEGER NOT NULL,
      valid_before INTEGER NOT NULL,
      issued_by TEXT NOT NULL,
      recorded_at INTEGER NOT NULL)
    """,
    "CREATE INDEX IF NOT EXISTS ca_issued_identity ON ca_issued(identity)",
    """
    CREATE TABLE IF NOT EXISTS ca_revocations (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      serial INTEGER,
      identity TEXT,
      revoked_at INTEGER NOT NULL,
      reason TEXT NOT NULL,
      revoked_by TEXT NOT NULL,
      CHECK ((serial IS NULL) <> (identity IS NULL)))
    """,
    "CREATE INDEX IF NOT EXISTS ca_revocations_serial ON ca_revocations(serial) WHERE serial IS NOT NULL",
    "CREATE INDEX IF NOT EXISTS ca_revocations_identity ON ca_revocations(identity, revoked_at) WHERE identity IS NOT NULL",
    """
    CREATE TABLE IF NOT EXISTS ca_key_bindings (
      key_fingerprint TEXT PRIMARY KEY,
      serial INTEGER NOT NULL,
      identity TEXT NOT NULL,
      groups TEXT NOT NULL,
      bound_at INTEGER NOT NULL,
      valid_before INTEGER NOT NULL,
      bound_by TEXT NOT NULL)
    """,
  };

  private final Path file;
  private final Connection connection;
  private final Clock clock;

  private CertificateLedger(Path file, Connection connection, Clock clock) {
    this.file = file;
    this.connection = connection;
    this.clock = clock;
  }

  public static CertificateLedger open(Path databaseFile) throws IOException {
    return open(databaseFile, Clock.systemUTC());
  }

  static CertificateLedger open(Path databaseFile, Clock clock) throws IOException {
    Connection connection = SqliteStore.open(databaseFile, SCHEMA, "certificate ledger");
    CertificateLedger ledger = new CertificateLedger(databaseFile, connection, clock);
    try {
      ledger.addColumnIfMissing("ca_key_bindings", "bound_from", "TEXT NOT NULL DEFAULT ''");
    } catch (IOException e) {
      ledger.close();
      throw e;
    }
    return ledger;
  }

  /** Schema growth for stores made by an earlier version (SQLite has no ADD COLUMN IF NOT EXISTS). */
  private synchronized void addColumnIfMissing(String table, String column, String type) throws IOException {
    try (Statement st = connection.createStatement()) {
      try (ResultSet rs = st.executeQuery("PRAGMA table_info(" + table + ")")) {
        while (rs.next()) {
          if (column.equals(rs.getString("name"))) {
            return;
          }
        }
      }
      st.executeUpdate("ALTER TABLE " + table + " ADD COLUMN " + column + " " + type);
    } catch (SQLException e) {
      if (String.valueOf(e.getMessage()).contains("duplicate column")) {
        return; // another process added it just now
      }
      throw failure("add column " + table + "." + column, e);
    }
  }

  /** A random positive 63-bit serial not yet in the ledger (random so serials reveal no count). */
  public synchronized long nextSerial() throws IOException {
    try (PreparedStatement query = connection.prepareStatement("SELECT 1 FROM ca_issued WHERE serial = ?")) {
      while (true) {
        long serial = RANDOM.nextLong() & Long.MAX_VALUE;
        if (serial == 0) {
          continue;
        }
        query.setLong(1, serial);
        try (ResultSet rs = query.executeQuery()) {
          if (!rs.next()) {
            return serial;
          }
        }
      }
    } catch (SQLException e) {
      throw failure("choose a serial", e);
    }
  }

  public synchronized void recordIssued(IssuedCertificate c) throws IOException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO ca_issued (serial, identity, groups, key_fingerprint, valid_after, valid_before, issued_by, recorded_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      insert.setLong(1, c.serial());
      insert.setString(2, c.identity());
      insert.setString(3, String.join(",", c.groups()));
      insert.setString(4, c.keyFingerprint());
      insert.setLong(5, c.validAfter().getEpochSecond());
      insert.setLong(6, c.validBefore().getEpochSecond());
      insert.setString(7, c.issuedBy());
      insert.setLong(8, clock.millis());
      insert.executeUpdate();
    } catch (SQLException e) {
      throw failure("record issued serial " + c.serial(), e);
    }
  }

  /** Issued certificates, oldest first; all of them when {@code identityOrNull} is null. */
  public synchronized List<IssuedCertificate> issued(String identityOrNull) throws IOException {
    String sql =
        "SELECT serial, identity, groups, key_fingerprint, valid_after, valid_before, issued_by FROM ca_issued"
            + (identityOrNull == null ? "" : " WHERE identity = ?")
            + " ORDER BY recorded_at, serial";
    try (PreparedStatement query = connection.prepareStatement(sql)) {
      if (identityOrNull != null) {
        query.setString(1, identityOrNull);
      }
      List<IssuedCertificate> result = new ArrayList<>();
      try (ResultSet rs = query.executeQuery()) {
        while (rs.next()) {
          String groups = rs.getString(3);
          result.add(
              new IssuedCertificate(
                  rs.getLong(1),
                  rs.getString(2),
                  groups.isEmpty() ? List.of() : Arrays.asList(groups.split(",")),
                  rs.getString(4),
                  Instant.ofEpochSecond(rs.getLong(5)),
                  Instant.ofEpochSecond(rs.getLong(6)),
                  rs.getString(7)));
        }
      }
      return result;
    } catch (SQLException e) {
      throw failure("list issued certificates", e);
    }
  }

  /**
   * Binds a proven plain key to an identity (replacing an earlier binding of the same key). The
   * binding's serial is recorded as issued too, so serial revocation and the issued list cover it.
   */
  public synchronized void bindKey(KeyBinding b) throws IOException {
    try (PreparedStatement up = connection.prepareStatement(
        "INSERT OR REPLACE INTO ca_key_bindings(key_fingerprint, serial, identity, groups, bound_at, valid_before, bound_by,"
            + " bound_from) VALUES (?,?,?,?,?,?,?,?)")) {
      up.setString(1, b.keyFingerprint());
      up.setLong(2, b.serial());
      up.setString(3, b.identity());
      up.setString(4, String.join(",", b.groups()));
      up.setLong(5, b.boundAt().getEpochSecond());
      up.setLong(6, b.validBefore().getEpochSecond());
      up.setString(7, b.boundBy());
      up.setString(8, b.boundFrom());
      up.executeUpdate();
    } catch (SQLException e) {
      throw failure("bind key " + b.keyFingerprint(), e);
    }
    recordIssued(new IssuedCertificate(b.serial(), b.identity(), b.groups(), b.keyFingerprint(), b.boundAt(),
        b.validBefore(), "key binding: " + b.boundBy()));
  }

  /** The binding of a key (by its SHA256 fingerprint), if any; expired ones are returned too. */
  public synchronized java.util.Optional<KeyBinding> binding(String keyFingerprint) throws IOException {
    try (PreparedStatement q = connection.prepareStatement(
        "SELECT serial, identity, groups, bound_at, valid_before, bound_by, bound_from FROM ca_key_bindings"
            + " WHERE key_fingerprint = ?")) {
      q.setString(1, keyFingerprint);
      try (ResultSet rs = q.executeQuery()) {
        if (!rs.next()) {
          return java.util.Optional.empty();
        }
        String groups = rs.getString(3);
        return java.util.Optional.of(new KeyBinding(rs.getLong(1), keyFingerprint, rs.getString(2),
            groups.isEmpty() ? List.of() : Arrays.asList(groups.split(",")),
            Instant.ofEpochSecond(rs.getLong(4)), Instant.ofEpochSecond(rs.getLong(5)), rs.getString(6), rs.getString(7)));
      }
    } catch (SQLException e) {
      throw failure("look up key binding", e);
    }
  }

  /** Every binding (of one identity when not null), newest first. */
  public synchronized List<KeyBinding> bindings(String identityOrNull) throws IOException {
    String sql = "SELECT key_fingerprint, serial, identity, groups, bound_at, valid_before, bound_by, bound_from"
        + " FROM ca_key_bindings"
        + (identityOrNull == null ? "" : " WHERE identity = ?") + " ORDER BY bound_at DESC";
    try (PreparedStatement q = connection.prepareStatement(sql)) {
      if (identityOrNull != null) {
        q.setString(1, identityOrNull);
      }
      List<KeyBinding> out = new ArrayList<>();
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          String groups = rs.getString(4);
          out.add(new KeyBinding(rs.getLong(2), rs.getString(1), rs.getString(3),
              groups.isEmpty() ? List.of() : Arrays.asList(groups.split(",")),
              Instant.ofEpochSecond(rs.getLong(5)), Instant.ofEpochSecond(rs.getLong(6)), rs.getString(7),
              rs.getString(8)));
        }
      }
      return out;
    } catch (SQLException e) {
      throw failure("list key bindings", e);
    }
  }

  /**
   * Ends the binding of a key — of {@code identityOrNull}'s, when given, so that a caller who may
   * end only their own bindings ends nothing else, even if the key was bound again to someone else
   * a moment ago. One statement picks and removes the row ({@code WHERE key_fingerprint = ? AND
   * identity = ?}), and the revocation of exactly that row's serial is written in the same
   * transaction: live sessions that use it end within a second, on every gateway sharing this
   * store, and a later device login may bind the key afresh. The removed binding, or empty when
   * the key had none (of that identity).
   */
  public synchronized java.util.Optional<KeyBinding> unbindKey(
      String keyFingerprint, String identityOrNull, String reason, String by) throws IOException {
    String sql = "DELETE FROM ca_key_bindings WHERE key_fingerprint = ?" + (identityOrNull == null ? "" : " AND identity = ?")
        + " RETURNING serial, identity, groups, bound_at, valid_before, bound_by, bound_from";
    try {
      connection.setAutoCommit(false);
      try {
        java.util.Optional<KeyBinding> removed = java.util.Optional.empty();
        try (PreparedStatement del = connection.prepareStatement(sql)) {
          del.setString(1, keyFingerprint);
          if (identityOrNull != null) {
            del.setString(2, identityOrNull);
          }
          try (ResultSet rs = del.executeQuery()) {
            if (rs.next()) {
              String groups = rs.getString(3);
              removed = java.util.Optional.of(new KeyBinding(rs.getLong(1), keyFingerprint, rs.getString(2),
                  groups.isEmpty() ? List.of() : Arrays.asList(groups.split(",")),
                  Instant.ofEpochSecond(rs.getLong(4)), Instant.ofEpochSecond(rs.getLong(5)), rs.getString(6),
                  rs.getString(7)));
            }
          }
        }
        if (removed.isPresent()) {
          insertRevocation(removed.get().serial(), null, reason, by);
        }
        connection.commit();
        return removed;
      } catch (SQLException | IOException | RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw failure("unbind key " + keyFingerprint, e);
    }
  }

  /** Whether a binding is active, expired or revoked at {@code now} (revoked wins over expired). */
  public synchronized KeyBinding.State state(KeyBinding b, Instant now) throws IOException {
    if (isRevoked(b.serial(), b.identity(), b.boundAt())) {
      return KeyBinding.State.REVOKED;
    }
    return now.isBefore(b.validBefore()) ? KeyBinding.State.ACTIVE : KeyBinding.State.EXPIRED;
  }

  /** Revokes one serial; any serial, also one this ledger never issued (e.g. a break-glass cert). */
  public synchronized void revokeSerial(long serial, String reason, String by) throws IOException {
    insertRevocation(serial, null, reason, by);
  }

  /**
   * Revokes every certificate of {@code identity} that became valid no later than now (second
   * precision, as certificates carry). A certificate issued in the same second as the revocation
   * counts as before it: when in doubt, revoked; the user signs again a second later.
   */
  public synchronized void revokeIdentity(String identity, String reason, String by) throws IOException {
    if (identity == null || identity.isBlank()) {
      throw new IllegalArgumentException("identity must not be blank");
    }
    insertRevocation(null, identity, reason, by);
  }

  private void insertRevocation(Long serial, String identity, String reason, String by) throws IOException {
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO ca_revocations (serial, identity, revoked_at, reason, revoked_by) VALUES (?, ?, ?, ?, ?)")) {
      if (serial == null) {
        insert.setNull(1, java.sql.Types.INTEGER);
      } else {
        insert.setLong(1, serial);
      }
      insert.setString(2, identity);
      insert.setLong(3, clock.millis());
      insert.setString(4, reason == null ? "" : reason);
      insert.setString(5, by == null ? "" : by);
      insert.executeUpdate();
    } catch (SQLException e) {
      throw failure("record a revocation of " + (serial != null ? "serial " + serial : "identity " + identity), e);
    }
  }

  public synchronized boolean isRevoked(long serial, String identity, Instant certificateValidAfter) throws IOException {
    try (PreparedStatement query =
        connection.prepareStatement(
            "SELECT EXISTS (SELECT 1 FROM ca_revocations WHERE serial = ?)"
                + " OR EXISTS (SELECT 1 FROM ca_revocations WHERE identity = ? AND revoked_at >= ?)")) {
      query.setLong(1, serial);
      query.setString(2, identity);
      // revoked_at is in ms; the certificate's valid-after in whole seconds: revoked when
      // validAfter <= floor(revoked_at / 1000).
      query.setLong(3, Math.multiplyExact(certificateValidAfter.getEpochSecond(), 1000L));
      try (ResultSet rs = query.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    } catch (SQLException | ArithmeticException e) {
      throw failure("check revocation of serial " + serial, e);
    }
  }

  /**
   * Whether a credential of {@code identity} that came into being at {@code issuedAt} (a browser
   * login, an access or ID token's {@code iat}) is covered by a {@code ca revoke --identity}: the
   * same rule as for certificates, at second precision, so a credential from the second of the
   * revocation counts as revoked.
   */
  public synchronized boolean isIdentityRevoked(String identity, Instant issuedAt) throws IOException {
    try (PreparedStatement query = connection.prepareStatement(
        "SELECT EXISTS (SELECT 1 FROM ca_revocations WHERE identity = ? AND revoked_at >= ?)")) {
      query.setString(1, identity);
      query.setLong(2, Math.multiplyExact(issuedAt.getEpochSecond(), 1000L));
      try (ResultSet rs = query.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    } catch (SQLException | ArithmeticException e) {
      throw failure("check revocation of identity " + identity, e);
    }
  }

  /** Grows with every revocation by any process; one indexed read. */
  public synchronized long revocationVersion() throws IOException {
    try (Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT COALESCE(MAX(id), 0) FROM ca_revocations")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw failure("read the revocation version", e);
    }
  }

  @Override
  public synchronized void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      // Closing is best effort: the data is committed statement by statement.
    }
  }

  private IOException failure(String action, Exception e) {
    return new IOException("certificate ledger " + file + ": cannot " + action + ": " + e.getMessage(), e);
  }
}
