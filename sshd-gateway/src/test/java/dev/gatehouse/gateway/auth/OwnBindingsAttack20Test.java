package dev.gatehouse.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.Audit;
import dev.gatehouse.keys.CertificateLedger;
import dev.gatehouse.keys.KeyBinding;
import dev.gatehouse.recorder.AuditLog;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * An attacker's view of {@code ssh approvals@gw bindings} / {@code unbind} and of what counts as
 * one address for {@code maxPendingPerAddress}: with the real ledger (SQLite) and audit log.
 */
class OwnBindingsAttack20Test {
  private static final String ALICE_KEY = "SHA256:q5Jm1x0Hn3gK2n8m0b9v6FvS4t1l2t3Yw5dCqk7pQ2E";

  @TempDir Path dir;

  private static AuthenticatedUser user(String identity) {
    Instant now = Instant.now();
    return new AuthenticatedUser(identity, List.of("dev"), 1, now, now.plusSeconds(3600), true, false, false, false,
        "127.0.0.1");
  }

  @Test
  void nobodyListsOrUnbindsAnotherPersonsBindingWhateverTheyTypeForTheFingerprint() throws Exception {
    try (CertificateLedger ledger = CertificateLedger.open(dir.resolve("gatehouse.db"));
        AuditLog log = AuditLog.open(dir.resolve("audit.log"))) {
      Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
      ledger.bindKey(new KeyBinding(ledger.nextSerial(), ALICE_KEY, "alice@example.com", List.of("dev"), now,
          now.plusSeconds(3600), "test", "192.0.2.7"));
      OwnBindings own = new OwnBindings(ledger, new Audit(log));

      // Bob's identities that differ from alice's only in case or by a suffix see nothing.
      for (String bob : List.of("bob@example.com", "ALICE@example.com", "alice@example.co", "alice@example.com.")) {
        OwnBindings.Outcome listed = own.list(user(bob), false);
        assertThat(listed.out()).as(bob).doesNotContain(ALICE_KEY).doesNotContain("192.0.2.7");
        assertThat(own.list(user(bob), true).out()).as(bob).isEqualTo("[ ]");
      }
      // Bob asks to unbind alice's key, spelt every way.
      String bare = ALICE_KEY.substring("SHA256:".length());
      for (String typed : List.of(ALICE_KEY, ALICE_KEY.toLowerCase(Locale.ROOT), "sha256:" + bare, bare,
          ALICE_KEY.substring(0, 20), ALICE_KEY + " ", " " + ALICE_KEY, ALICE_KEY + "\n", ALICE_KEY + "%",
          ALICE_KEY.substring(0, 20) + "*")) {
        OwnBindings.Outcome o = own.unbind(user("bob@example.com"), typed, "mine now");
        assertThat(o.exitCode()).as("unbind '%s'", typed).isEqualTo(77);
        assertThat(o.err()).contains("refused (no-such-binding)").doesNotContain("\n");
      }
      assertThat(ledger.binding(ALICE_KEY)).isPresent();
      assertThat(Files.readString(dir.resolve("audit.log"))).doesNotContain("key-unbound");

      // Alice can.
      OwnBindings.Outcome mine = own.unbind(user("alice@example.com"), ALICE_KEY, "lost laptop");
      assertThat(mine.exitCode()).isZero();
      assertThat(ledger.binding(ALICE_KEY)).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0} counts as {1}")
  @CsvSource({
    // Every loopback spelling is one address.
    "127.1.2.3, loopback",
    "::ffff:127.9.9.9, loopback",
    "::127.0.0.2, loopback",
    "0:0:0:0:0:ffff:7f00:1, loopback",
    // An IPv4 client seen through IPv6 is that IPv4 address, however spelt.
    "::ffff:c000:207, 192.0.2.7",
    "0:0:0:0:0:ffff:192.0.2.7, 192.0.2.7",
    // Inside one /64 every address is the same one.
    "2001:db8:1:2:dead:beef:0:1, 2001:db8:1:2:0:0:0:0/64",
    "2001:DB8:1:2::ABCD, 2001:db8:1:2:0:0:0:0/64",
  })
  void noSpellingOfAnAddressGetsAFreshAllowance(String address, String bucket) throws Exception {
    assertThat(AddressBucket.of(InetAddress.getByName(address))).isEqualTo(bucket);
  }

  @Test
  void oneKeyGetsOneWaitingLoginAcrossAddressesAndTheCapsCountReleasedPlacesOnce() {
    PendingDeviceLogins pending = new PendingDeviceLogins(3, 2);
    var first = pending.admit("loopback", "SHA256:k");
    assertThat(first).isInstanceOf(PendingDeviceLogins.Admitted.class);
    assertThat(pending.admit("192.0.2.7", "SHA256:k")).isInstanceOf(PendingDeviceLogins.Refused.class);
    PendingDeviceLogins.Ticket t = ((PendingDeviceLogins.Admitted) first).ticket();
    t.release();
    t.release(); // a second release frees no second place
    assertThat(pending.waiting()).isZero();
    pending.admit("loopback", "SHA256:a");
    pending.admit("loopback", "SHA256:b");
    assertThat(pending.admit("loopback", "SHA256:c")).isInstanceOf(PendingDeviceLogins.Refused.class);
    pending.admit("192.0.2.7", "SHA256:d");
    assertThat(pending.admit("192.0.2.8", "SHA256:e")).isInstanceOf(PendingDeviceLogins.Refused.class);
    assertThat(pending.waiting()).isEqualTo(3);
  }
}
