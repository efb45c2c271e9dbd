package dev.gatehouse.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateLedgerTest {
  @TempDir Path data;

  private Path database() {
    return data.resolve("state/gatehouse.db");
  }

  private static IssuedCertificate issued(long serial, String identity, Instant validAfter) {
    return new IssuedCertificate(serial, identity, List.of("dev", "sre"), "SHA256:abc", validAfter,
        validAfter.plusSeconds(3600), "ca sign");
  }

  @Test
  void twoLedgersOnOneFileSeeEachOthersRevocations() throws Exception {
    try (CertificateLedger gateway = CertificateLedger.open(database());
        CertificateLedger cli = CertificateLedger.open(database())) {
      Instant validAfter = Instant.now().minusSeconds(10);
      assertThat(gateway.isRevoked(42, "alice", validAfter)).isFalse();

      cli.revokeSerial(42, "lost laptop", "admin");
      assertThat(gateway.isRevoked(42, "alice", validAfter)).isTrue();
      assertThat(gateway.isRevoked(43, "alice", validAfter)).isFalse();

      gateway.revokeIdentity("bob", "left", "admin");
      assertThat(cli.isRevoked(7, "bob", validAfter)).isTrue();
    }
  }

  @Test
  void revocationVersionGrowsWithEveryRevocationFromAnyProcess() throws Exception {
    try (CertificateLedger gateway = CertificateLedger.open(database());
        CertificateLedger cli = CertificateLedger.open(database())) {
      long start = gateway.revocationVersion();
      cli.revokeSerial(1, "", "admin");
      long afterOne = gateway.revocationVersion();
      cli.revokeIdentity("alice", "", "admin");
      long afterTwo = gateway.revocationVersion();
      gateway.revokeSerial(1, "again", "admin");

      assertThat(afterOne).isGreaterThan(start);
      assertThat(afterTwo).isGreaterThan(afterOne);
      assertThat(cli.revocationVersion()).isGreaterThan(afterTwo);
    }
  }

  @Test
  void revokeIdentityOnlyHitsCertificatesIssuedBeforeIt() throws Exception {
    try (CertificateLedger ledger = CertificateLedger.open(database())) {
      Instant before = Instant.now().minusSeconds(60);
      ledger.revokeIdentity("alice", "compromised", "admin");
      Instant after = Instant.now().plusSeconds(2);

      assertThat(ledger.isRevoked(1, "alice", before)).isTrue();
      assertThat(ledger.isRevoked(2, "alice", after)).isFalse();
      assertThat(ledger.isRevoked(3, "bob", before)).isFalse();
    }
  }

  @Test
  void identityRevocationCoversLoginsAndTokensFromBeforeItAndItsOwnSecond() throws Exception {
    Instant revokedAt = Instant.parse("2026-11-29T07:00:00.100Z");
    try (CertificateLedger ledger = CertificateLedger.open(database(), java.time.Clock.fixed(revokedAt,
        java.time.ZoneOffset.UTC))) {
      ledger.revokeIdentity("alice", "compromised", "admin");

      assertThat(ledger.isIdentityRevoked("alice", revokedAt.minusSeconds(3600))).isTrue();
      assertThat(ledger.isIdentityRevoked("alice", revokedAt.plusMillis(800))).as("same second").isTrue();
      assertThat(ledger.isIdentityRevoked("alice", revokedAt.plusMillis(900))).as("next second").isFalse();
      assertThat(ledger.isIdentityRevoked("bob", revokedAt.minusSeconds(3600))).isFalse();
    }
  }

  @Test
  void serialThatWasNeverIssuedCanBeRevoked() throws Exception {
    try (CertificateLedger ledger = CertificateLedger.open(database())) {
      ledger.revokeSerial(Long.MAX_VALUE, "break-glass cert handed out", "admin");

      assertThat(ledger.isRevoked(Long.MAX_VALUE, "anyone", Instant.now())).isTrue();
      assertThat(ledger.issued(null)).isEmpty();
    }
  }

  @Test
  void issuedCertificatesAreListedByIdentityAfterReopening() throws Exception {
    Instant validAfter = Instant.ofEpochSecond(Instant.now().getEpochSecond());
    try (CertificateLedger ledger = CertificateLedger.open(database())) {
      ledger.recordIssued(issued(11, "alice", validAfter));
      ledger.recordIssued(issued(12, "bob", validAfter));
      ledger.recordIssued(new IssuedCertificate(13, "alice", List.of(), "SHA256:def", validAfter,
          validAfter.plusSeconds(60), "api"));
    }
    try (CertificateLedger ledger = CertificateLedger.open(database())) {
      assertThat(ledger.issued("alice")).containsExactly(
          issued(11, "alice", validAfter),
          new IssuedCertificate(13, "alice", List.of(), "SHA256:def", validAfter, validAfter.plusSeconds(60), "api"));
      assertThat(ledger.issued(null)).hasSize(3);
    }
  }

  @Test
  void nextSerialIsPositiveAndNotYetIssued() throws Exception {
    try (CertificateLedger ledger = CertificateLedger.open(database())) {
      Set<Long> serials = new HashSet<>();
      for (int i = 0; i < 200; i++) {
        long serial = ledger.nextSerial();
        assertThat(serial).isPositive();
        ledger.recordIssued(issued(serial, "alice", Instant.now()));
        serials.add(serial);
      }
      assertThat(serials).hasSize(200);
    }
  }

  @Test
  void concurrentWritersOnOneFileWaitForEachOtherInsteadOfFailing() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> writers = new java.util.ArrayList<>();
      for (int w = 0; w < 4; w++) {
        int writer = w;
        writers.add(pool.submit(() -> {
          try (CertificateLedger ledger = CertificateLedger.open(database())) {
            for (int i = 0; i < 50; i++) {
              ledger.revokeSerial(writer * 1000L + i, "load", "writer-" + writer);
              ledger.revocationVersion();
            }
          }
          return null;
        }));
      }
      for (Future<?> writer : writers) {
        writer.get();
      }
    } finally {
      pool.shutdownNow();
    }
    try (CertificateLedger ledger = CertificateLedger.open(database())) {
      assertThat(ledger.revocationVersion()).isEqualTo(200);
      assertThat(ledger.isRevoked(3049, "x", Instant.now())).isTrue();
    }
  }

  private static KeyBinding binding(long serial, String fp, String identity, Instant boundAt, long seconds) {
    return new KeyBinding(serial, fp, identity, List.of("dev"), boundAt, boundAt.plusSeconds(seconds),
        "device login oidc:https://idp sub=1", "198.51.100.7");
  }

  @Test
  void aBindingIsActiveThenExpiredAndRevokedWinsOverBoth() throws Exception {
    try (CertificateLedger ledger = CertificateLedger.open(database())) {
      Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS); // stored in seconds
      KeyBinding b = binding(ledger.nextSerial(), "SHA256:key1", "alice", now.minusSeconds(10), 60);
      ledger.bindKey(b);
      assertThat(ledger.binding("SHA256:key1")).contains(b);
      assertThat(ledger.binding("SHA256:key1").orElseThrow().boundFrom()).isEqualTo("198.51.100.7");
      assertThat(ledger.state(b, now)).isEqualTo(KeyBinding.State.ACTIVE);
      assertThat(ledger.state(b, now.plusSeconds(60))).isEqualTo(KeyBinding.State.EXPIRED);
      ledger.revokeSerial(b.serial(), "", "admin");
      assertThat(ledger.state(b, now)).isEqualTo(KeyBinding.State.REVOKED);
      assertThat(ledger.state(b, now.plusSeconds(60))).isEqualTo(KeyBinding.State.REVOKED);
    }
  }

  @Test
  void unbindingRevokesTheSerialRemovesTheRowAndLeavesOtherKeysAlone() throws Exception {
    try (CertificateLedger gateway = CertificateLedger.open(database());
        CertificateLedger cli = CertificateLedger.open(database())) {
      Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
      KeyBinding mine = binding(gateway.nextSerial(), "SHA256:key1", "alice", now, 3600);
      KeyBinding other = binding(gateway.nextSerial(), "SHA256:key2", "alice", now, 3600);
      gateway.bindKey(mine);
      gateway.bindKey(other);
      long version = gateway.revocationVersion();

      assertThat(cli.unbindKey("SHA256:key1", null, "lost", "operator:root")).contains(mine);

      assertThat(gateway.revocationVersion()).isGreaterThan(version); // running gateways notice
      assertThat(gateway.isRevoked(mine.serial(), "alice", mine.boundAt())).isTrue();
      assertThat(gateway.binding("SHA256:key1")).isEmpty();
      assertThat(gateway.binding("SHA256:key2")).contains(other);
      assertThat(cli.unbindKey("SHA256:key1", null, "", "operator:root")).isEmpty();
      // A new device login may bind the key again, under a new serial.
      KeyBinding again = binding(gateway.nextSerial(), "SHA256:key1", "bob", now.plusSeconds(1), 3600);
      gateway.bindKey(again);
      assertThat(gateway.state(again, now.plusSeconds(2))).isEqualTo(KeyBinding.State.ACTIVE);
    }
  }

  @Test
  void unbindingForOneIdentityLeavesAKeyBoundToAnotherAloneAndRevokesNothing() throws Exception {
    try (CertificateLedger gateway = CertificateLedger.open(database());
        CertificateLedger cli = CertificateLedger.open(database())) {
      Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
      // The key was bound to bob, then bound again to alice (a new device login replaces it).
      gateway.bindKey(binding(gateway.nextSerial(), "SHA256:key1", "bob", now, 3600));
      KeyBinding alices = binding(gateway.nextSerial(), "SHA256:key1", "alice", now, 3600);
      gateway.bindKey(alices);
      long version = gateway.revocationVersion();

      // bob, who looked it up before the rebinding, asks to end his binding of it.
      assertThat(cli.unbindKey("SHA256:key1", "bob", "mine", "owner:bob")).isEmpty();

      assertThat(gateway.binding("SHA256:key1")).contains(alices);
      assertThat(gateway.revocationVersion()).isEqualTo(version);
      assertThat(gateway.state(alices, now)).isEqualTo(KeyBinding.State.ACTIVE);
      assertThat(cli.unbindKey("SHA256:key1", "alice", "lost", "owner:alice")).contains(alices);
      assertThat(gateway.state(alices, now)).isEqualTo(KeyBinding.State.REVOKED);
    }
  }

  @Test
  void aStoreFromBeforeBoundFromGainsTheColumnAndKeepsItsBindings() throws Exception {
    java.nio.file.Files.createDirectories(database().getParent());
    try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + database());
        java.sql.Statement st = c.createStatement()) {
      st.executeUpdate("CREATE TABLE ca_key_bindings (key_fingerprint TEXT PRIMARY KEY, serial INTEGER NOT NULL,"
          + " identity TEXT NOT NULL, groups TEXT NOT NULL, bound_at INTEGER NOT NULL, valid_before INTEGER NOT NULL,"
          + " bound_by TEXT NOT NULL)");
      st.executeUpdate("INSERT INTO ca_key_bindings VALUES ('SHA256:old', 7, 'alice', 'dev', 1000, 2000, 'device login')");
    }
    try (CertificateLedger ledger = CertificateLedger.open(database());
        CertificateLedger second = CertificateLedger.open(database())) {
      KeyBinding old = ledger.binding("SHA256:old").orElseThrow();
      assertThat(old.identity()).isEqualTo("alice");
      assertThat(old.boundFrom()).isEmpty();
      assertThat(second.bindings("alice")).containsExactly(old);
    }
  }
}
