package dev.gatehouse.keys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteConfig;

/**
 * Opens the gateway's shared SQLite file the way every table owner in this module needs it: WAL
 * (readers do not block the writer), a busy timeout (several processes — the gateway and CLI
 * commands — write at once), and the owner's schema created if missing.
 */
public final class SqliteStore {
  private SqliteStore() {}

  /** @param what names the store in the error ("certificate ledger", "replay guard") */
  public static Connection open(Path databaseFile, String[] schema, String what) throws IOException {
    Path parent = databaseFile.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    SQLiteConfig config = new SQLiteConfig();
    config.setBusyTimeout(5000);
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
    Connection connection = null;
    try {
      connection = config.createConnection("jdbc:sqlite:" + databaseFile.toAbsolutePath());
      try (Statement statement = connection.createStatement()) {
        for (String ddl : schema) {
          statement.executeUpdate(ddl);
        }
      }
      return connection;
    } catch (SQLException e) {
      if (connection != null) {
        try {
          connection.close();
        } catch (SQLException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw new IOException("cannot open " + what + " " + databaseFile + ": " + e.getMessage(), e);
    }
  }
}
