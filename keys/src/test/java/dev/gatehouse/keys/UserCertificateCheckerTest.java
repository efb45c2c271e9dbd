package dev.gatehouse.keys;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.keys.CertificateCheck.Accepted;
import dev.gatehouse.keys.CertificateCheck.Rejected;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class UserCertificateCheckerTest {
  private static final InetAddress CLIENT = address("127.0.0.1");

  @TempDir Path data;
  private CertificateAuthority ca;
  private CertificateLedger ledger;
  private Path userCaFile;

  @BeforeEach
  void makeCa() throws IOException {
    ca = CertificateAuthority.init(data.resolve("ca"), List.of("gw.example.com"));
    ledger = CertificateLedger.open(data.resolve("gatehouse.db"));
    userCaFile = data.resolve("ca/user_ca");
  }

  @org.junit.jupiter.api.AfterEach
  void closeLedger() {
    ledger.close();
  }

  private UserCertificateChecker checker(Clock clock) {
    return new UserCertificateChecker(ca::trustedUserCaKeys, ledger::isRevoked, clock);
  }

  private CertificateCheck check(PublicKey key) {
    return checker(Clock.systemUTC()).check(key, CLIENT);
  }

  // --- signing and reading back -------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"ed25519", "ecdsa", "rsa"})
  void signedCertificateIsAcceptedForEachUserKeyType(String type) throws Exception {
    Path key = SshKeygen.newKey(data, "id_" + type, type);
    OpenSshCertificate cert =
        ca.signUserCertificate(
            SshKeygen.publicKey(key),
            UserCertificateRequest.of("alice@example.com", List.of("dev", "sre"), Duration.ofHours(8)),
            ledger);

    CertificateCheck result = check(cert);

    assertThat(result).isInstanceOf(Accepted.class);
    Accepted accepted = (Accepted) result;
    assertThat(accepted.identity()).isEqualTo("alice@example.com");
    assertThat(accepted.groups()).containsExactly("dev", "sre");
    assertThat(accepted.serial()).isEqualTo(cert.getSerial()).isPositive();
    assertThat(accepted.permitPty()).isTrue();
    assertThat(accepted.permitPortForwarding()).isTrue();
    assertThat(accepted.permitAgentForwarding()).isFalse();
    assertThat(accepted.permitX11Forwarding()).isFalse();
    assertThat(Duration.between(accepted.validAfter(), accepted.validBefore())).isEqualTo(Duration.ofHours(8));
    String fingerprint = SshKeygen.ok("-l", "-f", key + ".pub").split(" ")[1];
    assertThat(accepted.keyFingerprint()).isEqualTo(fingerprint);
    assertThat(ledger.issued("alice@example.com"))
        .singleElement()
        .satisfies(issued -> {
          assertThat(issued.serial()).isEqualTo(cert.getSerial());
          assertThat(issued.keyFingerprint()).isEqualTo(fingerprint);
          assertThat(issued.groups()).containsExactly("dev", "sre");
          assertThat(issued.issuedBy()).isEqualTo("ca sign");
        });
  }

  @ParameterizedTest
  @ValueSource(strings = {"ed25519", "ecdsa", "rsa"})
  void sshKeygenReadsTheSignedCertificate(String type) throws Exception {
    Path key = SshKeygen.newKey(data, "id_" + type, type);
    OpenSshCertificate cert =
        ca.signUserCertificate(
            SshKeygen.publicKey(key),
            new UserCertificateRequest("alice@example.com", List.of("dev", "sre"), Duration.ofHours(1),
                "10.0.0.0/8, 192.168.1.7", true, true, true, true),
            ledger);
    writeCertificate(key, cert);

    String listing = SshKeygen.ok("-L", "-f", key + "-cert.pub");

    assertThat(listing)
        .contains("user certificate")
        .contains("Key ID: \"alice@example.com\"")
        .contains("Serial: " + Long.toUnsignedString(cert.getSerial()))
        .containsPattern("Principals: \\n\\s+alice@example.com\\n")
        .containsPattern("Critical Options: \\n\\s+source-address 10.0.0.0/8,192.168.1.7\\n")
        .containsPattern(
            // ssh-keygen 9.2 prints non-standard extension values as the hex of their data: a
            // string (uint32 length 7, "dev,sre") nested in the data, exactly what
            // `ssh-keygen -O extension:groups@gatehouse.dev=dev,sre` writes.
            "Extensions: \\n\\s+groups@gatehouse.dev UNKNOWN OPTION: 000000076465762c737265 \\(len 11\\)\\n\\s+permit-X11-forwarding\\n\\s+permit-agent-forwarding\\n"
                + "\\s+permit-port-forwarding\\n\\s+permit-pty\\n");
    // OpenSSH verifies the CA signature whenever it parses a certificate (sshkey.c cert_parse),
    // so -L succeeding above means OpenSSH accepts our signature; a tampered copy must fail.
    Files.writeString(Path.of(key + "-cert.pub"),
        OpenSshKeyFiles.publicKeyLine(tamper(cert, "alice@example.com", "alice@example.org"), "x") + "\n");
    assertThat(SshKeygen.run("-L", "-f", key + "-cert.pub").exitCode()).isNotZero();
  }

  @Test
  void breakGlassCertificateFromSshKeygenIsAcceptedWithItsGroups() throws Exception {
    Path key = SshKeygen.newKey(data, "id_alice", "ed25519");
    SshKeygen.ok("-s", userCaFile.toString(), "-I", "alice@example.com", "-n", "alice@example.com",
        "-O", "extension:groups@gatehouse.dev=dev,sre", "-V", "+1h", key + ".pub");

    CertificateCheck result = check(SshKeygen.certificate(key));

    assertThat(result).isInstanceOf(Accepted.class);
    Accepted accepted = (Accepted) result;
    assertThat(accepted.identity()).isEqualTo("alice@example.com");
    assertThat(accepted.groups()).containsExactly("dev", "sre");
    assertThat(accepted.permitPty()).isTrue(); // ssh-keygen's default extensions
    assertThat(accepted.permitAgentForwarding()).isTrue();
  }

  @Test
  void sourceAddressIsAcceptedFromInsideTheBlock() throws Exception {
    Path key = SshKeygen.newKey(data, "id", "ed25519");
    OpenSshCertificate cert = ca.signUserCertificate(SshKeygen.publicKey(key),
        new UserCertificateRequest("alice", List.of(), Duration.ofHours(1), "10.0.0.0/8,2001:db8::/32",
            true, false, false, false), ledger);
    UserCertificateChecker checker = checker(Clock.systemUTC());

    assertThat(checker.check(cert, address("10.1.2.3"))).isInstanceOf(Accepted.class);
    assertThat(checker.check(cert, address("2001:db8::5"))).isInstanceOf(Accepted.class);
    assertThat(checker.check(cert, address("11.1.2.3"))).isInstanceOf(Rejected.class);
  }

  @Test
  void certificateFromARotatedOutButStillTrustedCaIsAccepted() throws Exception {
    Path oldCa = SshKeygen.newKey(data, "old_ca", "ed25519");
    Files.copy(Path.of(oldCa + ".pub"), data.resolve("ca/trusted_user_ca_keys"));
    Path key = SshKeygen.newKey(data, "id", "ecdsa");
    SshKeygen.ok("-s", oldCa.toString(), "-I", "bob", "-n", "bob", "-V", "+1h", key + ".pub");

    assertThat(check(SshKeygen.certificate(key))).isInstanceOf(Accepted.class);
  }

  @Test
  void certificateValidWithinSixtySecondsOfClockSkewIsAccepted() throws Exception {
    Path key = SshKeygen.newKey(data, "id", "ed25519");
    OpenSshCertificate cert = ca.signUserCertificate(SshKeygen.publicKey(key),
        UserCertificateRequest.of("alice", List.of(), Duration.ofHours(1)), ledger);
    Clock behind = Clock.fixed(Instant.now().minusSeconds(50), ZoneOffset.UTC);

    assertThat(checker(behind).check(cert, CLIENT)).isInstanceOf(Accepted.class);
  }

  // --- rejections -----------------------------------------------------------------------------

  interface Scenario {
    CertificateCheck run(UserCertificateCheckerTest t) throws Exception;
  }

  static Stream<Arguments> rejections() {
    return Stream.of(
        Arguments.of("plain key", "not-a-certificate", (Scenario) t -> t.check(SshKeygen.publicKey(t.key("ed25519")))),
        Arguments.of("other CA", "unknown-ca", (Scenario) t -> {
          Path other = SshKeygen.newKey(t.data, "other_ca", "ed25519");
          return t.check(t.keygenCert(other, "-I", "alice", "-n", "alice"));
        }),
        Arguments.of("host certificate", "not-a-user-certificate",
            (Scenario) t -> t.check(t.keygenCert(t.userCaFile, "-h", "-I", "alice", "-n", "alice"))),
        Arguments.of("expired (ssh-keygen)", "cert-expired",
            (Scenario) t -> t.check(t.keygenCert(t.userCaFile, "-I", "alice", "-n", "alice", "-V", "20200101:20200102"))),
        Arguments.of("expired (clock)", "cert-expired", (Scenario) t -> t.checker(
            Clock.fixed(Instant.now().plus(Duration.ofHours(2)), ZoneOffset.UTC)).check(t.signed("alice"), CLIENT)),
        Arguments.of("not yet valid", "cert-not-yet-valid",
            (Scenario) t -> t.check(t.keygenCert(t.userCaFile, "-I", "alice", "-n", "alice", "-V", "+5m:+1h"))),
        Arguments.of("no principals", "no-principals",
            (Scenario) t -> t.check(t.keygenCert(t.userCaFile, "-I", "alice", "-V", "+1h"))),
        Arguments.of("key id not a principal", "principal-mismatch",
            (Scenario) t -> t.check(t.keygenCert(t.userCaFile, "-I", "alice", "-n", "bob,root", "-V", "+1h"))),
        Arguments.of("revoked serial", "revoked", (Scenario) t -> {
          OpenSshCertificate cert = t.signed("alice");
          t.ledger.revokeSerial(cert.getSerial(), "lost laptop", "admin");
          return t.check(cert);
        }),
        Arguments.of("revoked identity", "revoked", (Scenario) t -> {
          OpenSshCertificate cert = t.signed("alice");
          t.ledger.revokeIdentity("alice", "left", "admin");
          return t.check(cert);
        }),
        Arguments.of("revoked serial of a break-glass cert", "revoked", (Scenario) t -> {
          PublicKey cert = t.keygenCert(t.userCaFile, "-I", "alice", "-n", "alice", "-z", "4242", "-V", "+1h");
          t.ledger.revokeSerial(4242, "incident over", "admin");
          return t.check(cert);
        }),
        Arguments.of("source-address elsewhere", "source-address",
            (Scenario) t -> t.check(t.keygenCert(t.userCaFile, "-I", "alice", "-n", "alice", "-V", "+1h",
                "-O", "source-address=10.0.0.0/8"))),
        Arguments.of("unknown critical option", "unknown-critical-option",
            (Scenario) t -> t.check(t.keygenCert(t.userCaFile, "-I", "alice", "-n", "alice", "-V", "+1h",
                "-O", "critical:foo@example.com=x"))),
        Arguments.of("force-command", "unknown-critical-option",
            (Scenario) t -> t.check(t.keygenCert(t.userCaFile, "-I", "alice", "-n", "alice", "-V", "+1h",
                "-O", "force-command=/bin/true"))),
        Arguments.of("tampered key id", "bad-signature", (Scenario) t -> t.check(tamper(t.signed("alice"), "alice", "alicf"))),
        Arguments.of("signature swapped in from another certificate", "bad-signature", (Scenario) t -> {
          OpenSshCertificate a = t.signed("alice");
          OpenSshCertificate b = t.signed("alice");
          org.apache.sshd.common.config.keys.OpenSshCertificateImpl forged = copy(a);
          forged.setSignature(b.getSignature());
          return t.check(forged);
        }),
        Arguments.of("bad groups extension", "malformed-certificate",
            (Scenario) t -> t.check(t.keygenCert(t.userCaFile, "-I", "alice", "-n", "alice", "-V", "+1h",
                "-O", "extension:groups@gatehouse.dev=dev,bad group"))),
        Arguments.of("unparsable source-address", "malformed-certificate",
            (Scenario) t -> t.check(t.signedWith(Map.of("source-address", "example.com"), Map.of()))),
        Arguments.of("ledger unreadable", "revocation-check-failed", (Scenario) t -> {
          OpenSshCertificate cert = t.signed("alice");
          RevocationCheck broken = (serial, identity, validAfter) -> {
            throw new IOException("database is locked");
          };
          return new UserCertificateChecker(t.ca::trustedUserCaKeys, broken, Clock.systemUTC()).check(cert, CLIENT);
        }));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @MethodSource("rejections")
  void certificateIsRejectedWithTheReasonSlug(String situation, String slug, Scenario scenario) throws Exception {
    CertificateCheck result = scenario.run(this);

    assertThat(result).as(situation).isInstanceOf(Rejected.class);
    Rejected rejected = (Rejected) result;
    assertThat(rejected.reason()).as(situation + ": " + rejected.detail()).isEqualTo(slug);
    assertThat(rejected.detail()).doesNotContain("\n").doesNotContain("PRIVATE");
    // Only a certificate our CA verifiably signed may be told why (a banner); a plain key, another
    // CA's certificate or a forged signature learns nothing.
    boolean ours = !Set.of("not-a-certificate", "unknown-ca", "bad-signature").contains(slug);
    assertThat(rejected.ourCertificate()).as(situation).isEqualTo(ours);
  }

  @Test
  void identityRevocationDoesNotHitACertificateIssuedLater() throws Exception {
    ledger.revokeIdentity("alice", "re-onboarded", "admin");
    Clock later = Clock.offset(Clock.systemUTC(), Duration.ofSeconds(2));
    OpenSshCertificate cert = CertificateAuthority.load(data.resolve("ca"), later)
        .signUserCertificate(SshKeygen.publicKey(key("ed25519")),
            UserCertificateRequest.of("alice", List.of(), Duration.ofHours(1)), ledger);

    assertThat(checker(later).check(cert, CLIENT)).isInstanceOf(Accepted.class);
  }

  // --- fixtures -----------------------------------------------------------------------------

  private int keys;

  Path key(String type) throws Exception {
    return SshKeygen.newKey(data, "id_" + (keys++) + "_" + type, type);
  }

  OpenSshCertificate signed(String identity) throws Exception {
    return ca.signUserCertificate(SshKeygen.publicKey(key("ed25519")),
        UserCertificateRequest.of(identity, List.of("dev"), Duration.ofHours(1)), ledger);
  }

  /** Signed with user_ca but with fields ssh-keygen would not write. */
  OpenSshCertificate signedWith(Map<String, String> critical, Map<String, String> extensions) throws Exception {
    KeyPair userCa = OpenSshKeyFiles.readKeyPair(userCaFile);
    long now = Instant.now().getEpochSecond();
    return OpenSshCertificateSigner.sign(new OpenSshCertificateSigner.Body(OpenSshCertificate.Type.USER,
        SshKeygen.publicKey(key("ed25519")), 7, "alice", List.of("alice"), now - 60, now + 3600, critical, extensions), userCa);
  }

  /** ssh-keygen -s caKey args... on a fresh ed25519 key; returns the certificate. */
  PublicKey keygenCert(Path caKey, String... args) throws Exception {
    Path key = key("ed25519");
    List<String> command = new ArrayList<>(List.of("-s", caKey.toString()));
    command.addAll(List.of(args));
    command.add(key + ".pub");
    SshKeygen.ok(command.toArray(String[]::new));
    return SshKeygen.certificate(key);
  }

  private void writeCertificate(Path key, OpenSshCertificate cert) throws IOException {
    Files.writeString(Path.of(key + "-cert.pub"), OpenSshKeyFiles.publicKeyLine(cert, "test") + "\n");
  }

  /** Re-encodes the certificate with one string changed, keeping the old signature. */
  static PublicKey tamper(OpenSshCertificate cert, String from, String to) throws IOException {
    ByteArrayBuffer buffer = new ByteArrayBuffer();
    buffer.putRawPublicKey(cert);
    String blob = Base64.getEncoder().encodeToString(buffer.getCompactData());
    byte[] bytes = Base64.getDecoder().decode(blob);
    byte[] needle = from.getBytes(StandardCharsets.UTF_8);
    int at = indexOf(bytes, needle);
    assertThat(at).as("'%s' in certificate", from).isPositive();
    System.arraycopy(to.getBytes(StandardCharsets.UTF_8), 0, bytes, at, needle.length);
    return OpenSshKeyFiles.parsePublicKeyLine(cert.getKeyType() + " " + Base64.getEncoder().encodeToString(bytes));
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static org.apache.sshd.common.config.keys.OpenSshCertificateImpl copy(OpenSshCertificate cert) throws IOException {
    ByteArrayBuffer buffer = new ByteArrayBuffer();
    buffer.putRawPublicKey(cert);
    return (org.apache.sshd.common.config.keys.OpenSshCertificateImpl)
        OpenSshKeyFiles.parsePublicKeyLine(cert.getKeyType() + " " + Base64.getEncoder().encodeToString(buffer.getCompactData()));
  }

  private static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (IOException e) {
      throw new IllegalArgumentException(literal, e);
    }
  }

  @Test
  void fingerprintMatchesSshKeygen() throws Exception {
    Path key = key("rsa");
    assertThat(KeyUtils.getFingerPrint(SshKeygen.publicKey(key)))
        .isEqualTo(SshKeygen.ok("-l", "-f", key + ".pub").split(" ")[1]);
  }
}
