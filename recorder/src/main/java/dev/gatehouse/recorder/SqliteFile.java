package dev.gatehouse.recorder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import org.sqlite.SQLiteConfig;

/**
 * One connection to the shared SQLite store, set up the same way for every table family in it
 * (index, approvals, search): WAL so readers never wait for a writer, a 5 s busy timeout for the
 * other processes on the file, and IMMEDIATE transactions so a read-then-write cannot be overtaken.
 */
public final class SqliteFile {
  private SqliteFile() {}

  /** A table family's schema, created (or checked) on a fresh connection. */
  @FunctionalInterface
  public interface Schema {
    void create(Connection db) throws SQLException;
  }

  /** {@link #connect}, then the owner's schema; the connection is closed if the schema fails. */
  public static Connection open(Path databaseFile, String what, Schema schema) throws IOException {
    Connection c = connect(databaseFile, what);
    try {
      schema.create(c);
      return c;
    } catch (SQLException | RuntimeException e) {
      try {
        c.close();
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      if (e instanceof SQLException se) {
        throw new IOException("cannot open " + what + " " + databaseFile + ": " + se.getMessage(), se);
      }
      throw (RuntimeException) e;
    }
  }

  public static Connection connect(Path databaseFile, String what) throws IOException {
    Files.createDirectories(databaseFile.toAbsolutePath().getParent());
    SQLiteConfig cfg = new SQLiteConfig();
    cfg.setBusyTimeout(5000);
    cfg.setJournalMode(SQLiteConfig.JournalMode.WAL);
    cfg.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
    cfg.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
    // Several processes opening a new file at once can find it locked while one of them switches
    // it to WAL: that switch does not wait on the busy timeout, so retry it here.
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
    while (true) {
      try {
        return cfg.createConnection("jdbc:sqlite:" + databaseFile.toAbsolutePath());
      } catch (SQLException e) {
        String m = String.valueOf(e.getMessage());
        boolean busy = m.contains("SQLITE_BUSY") || m.contains("database is locked");
        if (!busy || System.nanoTime() > deadline) {
          throw new IOException("cannot open " + what + " " + databaseFile + ": " + e.getMessage(), e);
        }
        try {
          Thread.sleep(20 + (long) (Math.random() * 30));
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException("interrupted while " + databaseFile + " was locked");
        }
      }
    }
  }
}
