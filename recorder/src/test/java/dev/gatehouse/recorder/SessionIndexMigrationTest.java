package dev.gatehouse.recorder;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An index written by the first schema opens, keeps its rows, and stores signals and commands from then on. */
class SessionIndexMigrationTest {
  @TempDir Path dir;
  static final Instant T0 = Instant.parse("2026-03-04T10:00:00.123Z");

  /** The version-1 schema and one ended row, as an earlier Gatehouse left them. */
  private static void writeVersionOne(Path db) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement()) {
      st.executeUpdate("CREATE TABLE rec_schema_version (version INTEGER NOT NULL)");
      st.executeUpdate("INSERT INTO rec_schema_version (version) VALUES (1)");
      st.executeUpdate("CREATE TABLE rec_sessions ("
          + " id TEXT PRIMARY KEY, identity TEXT, target TEXT, client_address TEXT,"
          + " start_ms INTEGER NOT NULL, end_ms INTEGER, exit_status INTEGER,"
          + " bytes INTEGER NOT NULL DEFAULT 0, path TEXT, sha256 TEXT,"
          + " state TEXT NOT NULL CHECK (state IN ('active','closed','interrupted')))");
      st.executeUpdate("INSERT INTO rec_sessions VALUES ('old', 'alice', 'db', '192.0.2.1:4000', "
          + T0.toEpochMilli() + ", " + (T0.toEpochMilli() + 1000) + ", 3, 10, 'recordings/old.cast', 'aa', 'closed')");
    }
  }

  private static int version(Path db) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT max(version) FROM rec_schema_version")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  @Test
  void aVersionOneIndexOpensKeepsItsRowsAndStoresSignalsAndCommandsFromThenOn() throws Exception {
    Path db = dir.resolve("gatehouse.db");
    writeVersionOne(db);

    try (SessionIndex idx = SessionIndex.open(db)) {
      SessionRecord old = idx.find("old").orElseThrow();
      assertThat(old.exitStatus()).isEqualTo(3);
      assertThat(old.exitSignal()).isNull();
      assertThat(old.command()).isNull();
      assertThat(old.state()).isEqualTo(SessionState.CLOSED);

      idx.started(new SessionRecord("new", "bob", "shell", "c", T0.plusSeconds(5), null, null, 0,
          "recordings/new.cast", null, SessionState.ACTIVE, null, "kill -TERM $$"));
      idx.ended("new", T0.plusSeconds(6), null, "TERM", 0, "bb", SessionState.CLOSED);
    }
    assertThat(version(db)).isEqualTo(SessionIndex.SCHEMA_VERSION).isEqualTo(2);

    // Opened again (the upgrade is done once), the new row reads back with its signal and command.
    try (SessionIndex idx = SessionIndex.open(db)) {
      SessionRecord s = idx.find("new").orElseThrow();
      assertThat(s.exitStatus()).isNull();
      assertThat(s.exitSignal()).isEqualTo("TERM");
      assertThat(s.command()).isEqualTo("kill -TERM $$");
      assertThat(idx.list(SessionQuery.all())).extracting(SessionRecord::id).containsExactly("new", "old");
    }
  }

  @Test
  void aNewIndexHasTheCurrentVersion() throws Exception {
    Path db = dir.resolve("fresh.db");
    try (SessionIndex idx = SessionIndex.open(db)) {
      idx.started(new SessionRecord("s", "a", "t", "c", T0, null, null, 0, "r.cast", null, SessionState.ACTIVE,
          null, "select 1"));
      assertThat(idx.find("s").orElseThrow().command()).isEqualTo("select 1");
    }
    assertThat(version(db)).isEqualTo(2);
  }
}
