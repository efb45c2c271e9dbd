package dev.gatehouse.keys.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteReplayGuardTest {
  @TempDir Path data;

  @Test
  void aTokenIdIsFirstUsedOnce() throws Exception {
    try (SqliteReplayGuard guard = SqliteReplayGuard.open(data.resolve("state/gatehouse.db"))) {
      Instant expires = Instant.now().plusSeconds(300);

      assertThat(guard.firstUse("jti-1", expires)).isTrue();
      assertThat(guard.firstUse("jti-1", expires)).isFalse();
      assertThat(guard.firstUse("jti-2", expires)).isTrue();
    }
  }

  @Test
  void expiredEntriesArePurgedOnTheNextInsert() throws Exception {
    MutableClock clock = new MutableClock(Instant.parse("2026-01-01T10:00:00Z"));
    Path file = data.resolve("gatehouse.db");
    try (SqliteReplayGuard guard = SqliteReplayGuard.open(file, clock)) {
      guard.firstUse("old", clock.instant().plusSeconds(60));
      clock.advance(Duration.ofSeconds(61));
      guard.firstUse("new", clock.instant().plusSeconds(60));

      assertThat(rows(file)).containsExactly("new");
    }
  }

  @Test
  void guardsInSeveralProcessesLetExactlyOneUseThrough() throws Exception {
    Path file = data.resolve("gatehouse.db");
    int processes = 4;
    List<SqliteReplayGuard> guards = new ArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(processes);
    try {
      for (int i = 0; i < processes; i++) {
        guards.add(SqliteReplayGuard.open(file));
      }
      for (int round = 0; round < 20; round++) {
        String tokenId = "jti-" + round;
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        for (SqliteReplayGuard guard : guards) {
          Callable<Boolean> use = () -> {
            go.await();
            return guard.firstUse(tokenId, Instant.now().plusSeconds(300));
          };
          results.add(pool.submit(use));
        }
        go.countDown();
        int winners = 0;
        for (Future<Boolean> result : results) {
          winners += result.get() ? 1 : 0;
        }
        assertThat(winners).as("round %d", round).isEqualTo(1);
      }
    } finally {
      pool.shutdownNow();
      guards.forEach(SqliteReplayGuard::close);
    }
  }

  @Test
  void theDatabaseIsInWalMode() throws Exception {
    Path file = data.resolve("gatehouse.db");
    try (SqliteReplayGuard guard = SqliteReplayGuard.open(file);
        var connection = DriverManager.getConnection("jdbc:sqlite:" + file);
        var statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("PRAGMA journal_mode")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualToIgnoringCase("wal");
    }
  }

  private static List<String> rows(Path file) throws Exception {
    List<String> ids = new ArrayList<>();
    try (var connection = DriverManager.getConnection("jdbc:sqlite:" + file);
        var statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT token_id FROM oidc_seen_tokens ORDER BY token_id")) {
      while (rs.next()) {
        ids.add(rs.getString(1));
      }
    }
    return ids;
  }
}
