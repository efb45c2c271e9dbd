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
}
