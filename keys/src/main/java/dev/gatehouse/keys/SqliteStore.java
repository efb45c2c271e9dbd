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
    // Several processes (or threads) opening a new file at once can find it locked while one of
    // them switches it to WAL: that switch does not wait on the busy timeout, so retry it here.
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
    while (true) {
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
        if (busy(e) && System.nanoTime() < deadline) {
          pause();
          continue;
        }
        throw new IOException("cannot open " + what + " " + databaseFile + ": " + e.getMessage(), e);
      }
    }
  }

  static boolean busy(SQLException e) {
    String m = String.valueOf(e.getMessage());
    return m.contains("SQLITE_BUSY") || m.contains("database is locked");
  }

  private static void pause() throws IOException {
    try {
      Thread.sleep(20 + (long) (Math.random() * 30));
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while the database was locked");
    }
  }
}
