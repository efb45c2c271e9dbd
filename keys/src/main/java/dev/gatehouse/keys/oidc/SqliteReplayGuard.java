package dev.gatehouse.keys.oidc;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;

/**
 * The replay guard in SQLite, shared by every process that exchanges tokens.
 *
 * <p>One {@code INSERT OR IGNORE} on the primary key decides first use atomically across
 * connections and processes: the insert that changed a row won. WAL mode and a 5 s busy timeout,
 * as the certificate ledger. Expired rows are purged on every insert (indexed), so the table holds
 * only tokens that are still within their lifetime.
 *
 * <p>One instance serializes its calls (one JDBC connection).
 */
public final class SqliteReplayGuard implements ReplayGuard, AutoCloseable {
  private static final String[] SCHEMA = {
    "CREATE TABLE IF NOT EXISTS oidc_seen_tokens (token_id TEXT PRIMARY KEY, expires_ms INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS oidc_seen_tokens_expires ON oidc_seen_tokens(expires_ms)",
  };

  private final Path file;
  private final Connection connection;
  private final Clock clock;

  private SqliteReplayGuard(Path file, Connection connection, Clock clock) {
    this.file = file;
    this.connection = connection;
    this.clock = clock;
  }

  public static SqliteReplayGuard open(Path databaseFile) throws IOException {
    return open(databaseFile, Clock.systemUTC());
  }

  static SqliteReplayGuard open(Path databaseFile, Clock clock) throws IOException {
    Connection connection = dev.gatehouse.keys.SqliteStore.open(databaseFile, SCHEMA, "replay guard");
    return new SqliteReplayGuard(databaseFile, connection, clock);
  }

  @Override
  public synchronized boolean firstUse(String tokenId, Instant expiresAt) throws IOException {
    if (tokenId == null || tokenId.isEmpty()) {
      throw new IllegalArgumentException("tokenId must not be empty");
    }
    try (PreparedStatement purge = connection.prepareStatement("DELETE FROM oidc_seen_tokens WHERE expires_ms < ?");
        PreparedStatement insert =
            connection.prepareStatement("INSERT OR IGNORE INTO oidc_seen_tokens (token_id, expires_ms) VALUES (?, ?)")) {
      purge.setLong(1, clock.millis());
      purge.executeUpdate();
      insert.setString(1, tokenId);
      insert.setLong(2, expiresAt.toEpochMilli());
      return insert.executeUpdate() == 1;
    } catch (SQLException | ArithmeticException e) {
      throw new IOException("replay guard " + file + ": cannot record a token use: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      // Best effort: every insert is committed on its own.
    }
  }
}
