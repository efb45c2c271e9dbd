package dev.gatehouse.gateway;

import static dev.gatehouse.gateway.GatewayFixture.field;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.keys.CertificateLedger;
import dev.gatehouse.keys.UserCertificateRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Who gets in: only user certificates from the gateway's CA. Every refusal is what the real ssh
 * client shows ("Permission denied", exit 255) and one audit line GH1001W with the reason slug.
 */
@ExtendWith(GatewayLogOnFailure.class)
class AuthenticationIT {
  @TempDir static Path dir;
  static GatewayFixture gw;

  @BeforeAll
  static void start() throws Exception {
    gw = GatewayFixture.start(dir);
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  /** Makes the key a client offers for one attack. */
  @FunctionalInterface
  interface Attack {
    SshClientKey key(String identity) throws Exception;
  }

  private static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;

  private static String day(int plusDays) {
    return LocalDate.now(ZoneOffset.UTC).plusDays(plusDays).format(DAY);
  }

  static Stream<Arguments> attacks() {
    return Stream.of(
        Arguments.of("expired certificate", "cert-expired", (Attack) id ->
            gw.keygenSign(gw.userCaKey(), id, "-n", id, "-O", "extension:groups@gatehouse.dev=dev",
                "-V", day(-3) + ":" + day(-2))),
        Arguments.of("certificate not yet valid", "cert-not-yet-valid", (Attack) id ->
            gw.keygenSign(gw.userCaKey(), id, "-n", id, "-O", "extension:groups@gatehouse.dev=dev",
                "-V", day(2) + ":" + day(3))),
        Arguments.of("certificate from another CA", "unknown-ca", (Attack) id -> {
          Path otherCa = gw.newKey("other-ca");
          return gw.keygenSign(otherCa, id, "-n", id, "-O", "extension:groups@gatehouse.dev=dev");
        }),
        // OpenSSH does not offer a host certificate for user authentication, only its plain key;
        // hostCertificateOfferedAsUserCertificateIsRefused sends the certificate itself.
        Arguments.of("host certificate used as a user certificate (OpenSSH offers its plain key)", "not-a-certificate",
            (Attack) id -> gw.keygenSign(gw.userCaKey(), id, "-h", "-n", id)),
        Arguments.of("certificate without principals", "no-principals", (Attack) id ->
            gw.keygenSign(gw.userCaKey(), id, "-O", "extension:groups@gatehouse.dev=dev")),
        Arguments.of("certificate for another principal", "principal-mismatch", (Attack) id ->
            gw.keygenSign(gw.userCaKey(), id, "-n", "root", "-O", "extension:groups@gatehouse.dev=dev")),
        Arguments.of("plain key without certificate", "not-a-certificate", (Attack) id -> gw.plainKey(id)),
        Arguments.of("revoked serial", "revoked", (Attack) id -> {
          SshClientKey k = gw.sign(id, List.of("dev"));
          try (CertificateLedger ledger = CertificateLedger.open(gw.dataDir().resolve("gatehouse.db"))) {
            ledger.revokeSerial(k.serial(), "test", "AuthenticationIT");
          }
          return k;
        }),
        Arguments.of("source-address elsewhere", "source-address", (Attack) id ->
            gw.sign(new UserCertificateRequest(id, List.of("dev"), Duration.ofHours(1), "10.9.9.9/32",
                true, true, false, false))),
        Arguments.of("unknown critical option", "unknown-critical-option", (Attack) id ->
            gw.keygenSign(gw.userCaKey(), id, "-n", id, "-O", "extension:groups@gatehouse.dev=dev",
                "-O", "critical:foo@example.com=bar")),
        Arguments.of("force-command critical option", "unknown-critical-option", (Attack) id ->
            gw.keygenSign(gw.userCaKey(), id, "-n", id, "-O", "extension:groups@gatehouse.dev=dev",
                "-O", "force-command=/bin/true")));
  }

  @ParameterizedTest(name = "{0} is refused as {1}")
  @MethodSource("attacks")
  void refusedWithPermissionDeniedAndAuditedWithTheReason(String name, String reason, Attack attack) throws Exception {
    String identity = GatewayFixture.uniqueIdentity("attack");
    SshClientKey key = attack.key(identity);
    // A user name of its own: the audit line names it as target, so this case's line is found.
    String user = "shell-" + UUID.randomUUID().toString().substring(0, 8);

    SshResult r = gw.ssh(key, user).run("echo should-not-run");

    assertThat(r.exitCode()).as("%s", r).isEqualTo(255);
    assertThat(r.err()).contains("Permission denied");
    assertThat(r.out()).isEmpty();
    JsonNode line = gw.awaitAudit("GH1001W " + reason + " for " + user,
        field("code", "GH1001W").and(field("target", user)).and(field("reason", reason)));
    assertThat(line.path("client").asText()).isEqualTo("127.0.0.1");
    assertThat(gw.auditLines()).noneMatch(field("code", "GH1000I").and(field("target", user)));
    assertThat(gw.sessionsOf(identity)).isEmpty();
  }

  // ---- the one line a refused person reads (SSH userauth banner) ---------------------------

  /** "14:02 UTC" on today's UTC date, else with the date, as the gateway writes it. */
  private static String when(long epochSecond) {
    Instant t = Instant.ofEpochSecond(epochSecond);
    boolean today = t.atZone(ZoneOffset.UTC).toLocalDate().equals(LocalDate.now(ZoneOffset.UTC));
    return DateTimeFormatter.ofPattern(today ? "HH:mm 'UTC'" : "yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC)
        .format(t);
  }

  private static OpenSshCertificate certificate(SshClientKey key) throws Exception {
    return (OpenSshCertificate) GatewayFixture.readPublicKey(key.certificate());
  }

  static Stream<Arguments> refusedCertificatesOfOurs() {
    return Stream.of(
        Arguments.of("expired", "cert-expired", (Attack) id ->
            gw.keygenSign(gw.userCaKey(), id, "-n", id, "-V", "-2h:-1m")),
        Arguments.of("not yet valid", "cert-not-yet-valid", (Attack) id ->
            gw.keygenSign(gw.userCaKey(), id, "-n", id, "-V", "+1h:+2h")),
        Arguments.of("revoked", "revoked", (Attack) id -> {
          SshClientKey k = gw.sign(id, List.of("dev"));
          try (CertificateLedger ledger = CertificateLedger.open(gw.dataDir().resolve("gatehouse.db"))) {
            ledger.revokeSerial(k.serial(), "test", "AuthenticationIT");
          }
          return k;
        }),
        Arguments.of("for another principal", "principal-mismatch", (Attack) id ->
            gw.keygenSign(gw.userCaKey(), id, "-n", "root")),
        Arguments.of("from elsewhere", "source-address", (Attack) id ->
            gw.sign(new UserCertificateRequest(id, List.of("dev"), Duration.ofHours(1), "10.9.9.9/32",
                true, true, false, false))));
  }

  @ParameterizedTest(name = "a certificate of ours {0} is refused with one line saying why ({1})")
  @MethodSource("refusedCertificatesOfOurs")
  void aRefusedCertificateOfOursIsToldWhyInOneBannerLine(String name, String reason, Attack attack) throws Exception {
    String identity = GatewayFixture.uniqueIdentity("told");
    SshClientKey key = attack.key(identity);
    String user = "shell-" + UUID.randomUUID().toString().substring(0, 8);
    OpenSshCertificate cert = certificate(key);
    String expected = switch (reason) {
      case "cert-expired" -> "gatehouse: certificate expired at " + when(cert.getValidBefore()) + " — run gatehouse login";
      case "cert-not-yet-valid" -> "gatehouse: certificate not valid before " + when(cert.getValidAfter())
          + " — check the clocks, or run gatehouse login";
      case "revoked" -> "gatehouse: certificate revoked — run gatehouse login";
      case "principal-mismatch" -> "gatehouse: certificate does not name its identity as a principal — run gatehouse login";
      default -> "gatehouse: certificate not valid from 127.0.0.1 (source-address) — run gatehouse login";
    };

    // ssh as people run it: the key and the certificate beside it, default LogLevel (banners shown).
    SshResult r;
    try (StockSshHome home = StockSshHome.of(dir, gw, key)) {
      r = home.run(user, "echo should-not-run");
    }

    assertThat(r.exitCode()).as("%s", r).isEqualTo(255);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).as("%s", r).contains(expected).contains("Permission denied");
    // One line per connection: the plain key beside it, refused too, adds nothing.
    assertThat(r.err().split("gatehouse:", -1)).as("%s", r).hasSize(2);
    gw.awaitAudit("GH1001W " + reason + " for " + user,
        field("code", "GH1001W").and(field("target", user)).and(field("reason", reason)));
  }

  @Test
  void withoutOidcAPlainKeyIsToldItHasNoCertificateOnceTheClientRanOutOfKeys() throws Exception {
    SshClientKey key = gw.plainKey(GatewayFixture.uniqueIdentity("plain"));
    String user = "shell-" + UUID.randomUUID().toString().substring(0, 8);

    SshResult r;
    try (StockSshHome home = StockSshHome.of(dir, gw, key)) {
      r = home.run(user, "echo should-not-run");
    }

    assertThat(r.exitCode()).as("%s", r).isEqualTo(255);
    assertThat(r.err()).as("%s", r)
        .contains("gatehouse: this key has no Gatehouse certificate — run gatehouse login or ask for one")
        .contains("Permission denied (publickey,keyboard-interactive)");
    gw.awaitAudit("GH1001W not-a-certificate for " + user,
        field("code", "GH1001W").and(field("target", user)).and(field("reason", "not-a-certificate")));
  }

  @Test
  void aPlainKeyFollowedByItsGoodCertificateShowsNoLine() throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("quiet"), List.of("dev"));

    SshResult r;
    try (StockSshHome home = StockSshHome.of(dir, gw, key)) {
      r = home.run("shell", "echo in");
    }

    assertThat(r.exitCode()).as("%s", r).isZero();
    assertThat(r.out()).isEqualTo("in\n");
    assertThat(r.err()).doesNotContain("gatehouse:");
  }

  @Test
  void aCertificateFromAnotherCaIsToldNothing() throws Exception {
    String identity = GatewayFixture.uniqueIdentity("foreign");
    SshClientKey key = gw.keygenSign(gw.newKey("foreign-ca"), identity, "-n", identity, "-V", "-2h:-1m");
    String user = "shell-" + UUID.randomUUID().toString().substring(0, 8);

    SshResult r;
    try (StockSshHome home = StockSshHome.of(dir, gw, key)) {
      r = home.run(user, "echo should-not-run");
    }

    assertThat(r.exitCode()).as("%s", r).isEqualTo(255);
    assertThat(r.err()).contains("Permission denied").doesNotContain("gatehouse:");
    gw.awaitAudit("GH1001W unknown-ca for " + user,
        field("code", "GH1001W").and(field("target", user)).and(field("reason", "unknown-ca")));
  }

  @Test
  void hostCertificateOfferedAsUserCertificateIsRefused() throws Exception {
    // A client that does send a host certificate (MINA's; host key still checked against the CA).
    String identity = GatewayFixture.uniqueIdentity("hostcert");
    SshClientKey key = gw.keygenSign(gw.userCaKey(), identity, "-h", "-n", identity);
    String user = "shell-" + UUID.randomUUID().toString().substring(0, 8);

    assertThat(MinaLogin.tryLogin(gw, key, user)).as("authenticated").isFalse();

    gw.awaitAudit("GH1001W not-a-user-certificate for " + user,
        field("code", "GH1001W").and(field("target", user)).and(field("reason", "not-a-user-certificate")));
    assertThat(gw.auditLines()).noneMatch(field("code", "GH1000I").and(field("target", user)));
  }

  @Test
  void passwordOnlyClientIsRefusedAndAudited() throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("password"), List.of("dev"));
    String user = "shell-" + UUID.randomUUID().toString().substring(0, 8);

    SshResult r = gw.ssh(key, user)
        .options("-o", "PreferredAuthentications=password,keyboard-interactive")
        .run("echo should-not-run");

    assertThat(r.exitCode()).as("%s", r).isEqualTo(255);
    // keyboard-interactive is offered only to tell a client that ran out of keys why; it never prompts.
    assertThat(r.err()).contains("Permission denied (publickey,keyboard-interactive)");
    assertThat(r.err()).doesNotContain("gatehouse:");
    gw.awaitAudit("GH1001W no-certificate-offered for " + user,
        field("code", "GH1001W").and(field("target", user)).and(field("reason", "no-certificate-offered")));
  }

  @Test
  void identityNotAllowedOnTheTargetAuthenticatesButIsRefusedWith77() throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("sales"), List.of("sales"));

    SshResult r = gw.ssh(key, "shell").run("echo should-not-run");

    assertThat(r.exitCode()).as("%s", r).isEqualTo(77);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEqualTo("gatehouse: " + key.identity() + " may not use target 'shell'\n");
    gw.awaitAudit("GH1000I for " + key.identity(), field("code", "GH1000I").and(field("identity", key.identity())));
    gw.awaitAudit("GH1001W target-not-allowed for " + key.identity(),
        field("code", "GH1001W").and(field("identity", key.identity())).and(field("reason", "target-not-allowed"))
            .and(field("target", "shell")));
    assertThat(gw.sessionsOf(key.identity())).isEmpty();
  }

  @Test
  void breakGlassCertificateMadeWithSshKeygenAndTheCaKeyIsAccepted() throws Exception {
    String identity = GatewayFixture.uniqueIdentity("alice");
    SshClientKey key = gw.keygenSign(gw.userCaKey(), identity, "-n", identity,
        "-O", "extension:groups@gatehouse.dev=dev");

    SshResult r = gw.ssh(key, "shell").run("echo break-glass");

    assertThat(r.exitCode()).as("%s", r).isZero();
    assertThat(r.out()).isEqualTo("break-glass\n");
    JsonNode ok = gw.awaitAudit("GH1000I for " + identity,
        field("code", "GH1000I").and(field("identity", identity)));
    assertThat(ok.path("groups").asText()).isEqualTo("dev");
  }

  @Test
  void validCertificateFromTheCaLogsInAndIsAudited() throws Exception {
    SshClientKey key = gw.sign(GatewayFixture.uniqueIdentity("valid"), List.of("dev", "sre"));

    SshResult r = gw.ssh(key, "shell").run("id -un");

    assertThat(r.exitCode()).as("%s", r).isZero();
    assertThat(r.out()).isEqualTo("nobody\n");
    JsonNode ok = gw.awaitAudit("GH1000I for " + key.identity(),
        field("code", "GH1000I").and(field("identity", key.identity())));
    assertThat(ok.path("serial").asText()).isEqualTo(Long.toUnsignedString(key.serial()));
    assertThat(ok.path("groups").asText()).isEqualTo("dev,sre");
    assertThat(Files.readString(gw.dataDir().resolve("audit/audit.jsonl"))).doesNotContain("PRIVATE KEY");
  }
}
