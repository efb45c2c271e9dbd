package dev.gatehouse.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CertificateAuthorityTest {
  private static final List<String> HOSTS = List.of("gw.example.com", "gw");
  private static final List<String> KEYS = List.of("user_ca", "host_ca", "target_ca", "host_key");

  @TempDir Path data;

  @Test
  void initMakesEveryFileWithPrivateKeysReadableOnlyByTheOwner() throws Exception {
    Path dir = data.resolve("ca");
    CertificateAuthority ca = CertificateAuthority.init(dir, HOSTS);

    assertThat(ca.directory()).isEqualTo(dir);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
    for (String key : KEYS) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(key))))
          .as(key).isEqualTo("rw-------");
      assertThat(Files.readString(dir.resolve(key))).startsWith("-----BEGIN OPENSSH PRIVATE KEY-----");
      assertThat(Files.readString(dir.resolve(key + ".pub"))).startsWith("ssh-ed25519 AAAA");
    }
    assertThat(Files.readString(dir.resolve("host_key-cert.pub"))).startsWith("ssh-ed25519-cert-v01@openssh.com AAAA");
    assertThat(ca.hostKeyFile()).isEqualTo(dir.resolve("host_key"));
    assertThat(ca.hostCertificateFile()).isEqualTo(dir.resolve("host_key-cert.pub"));
    try (var listing = Files.list(dir)) {
      assertThat(listing.map(p -> p.getFileName().toString()))
          .as("no temporary files left").containsExactlyInAnyOrder(
              "user_ca", "user_ca.pub", "host_ca", "host_ca.pub", "target_ca", "target_ca.pub",
              "host_key", "host_key.pub", "host_key-cert.pub");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"user_ca", "host_ca", "target_ca", "host_key"})
  void sshKeygenDerivesThePublishedPublicKeyFromEachPrivateKey(String name) throws Exception {
    Path dir = data.resolve("ca");
    CertificateAuthority.init(dir, HOSTS);

    String derived = SshKeygen.ok("-y", "-f", dir.resolve(name).toString()).strip();
    String published = Files.readString(dir.resolve(name + ".pub")).strip();
    assertThat(keyPart(derived)).isEqualTo(keyPart(published));
  }

  @Test
  void sshKeygenShowsTheHostCertificateForTheHostNames() throws Exception {
    Path dir = data.resolve("ca");
    CertificateAuthority ca = CertificateAuthority.init(dir, HOSTS);

    String listing = SshKeygen.ok("-L", "-f", ca.hostCertificateFile().toString());
    assertThat(listing)
        .contains("ssh-ed25519-cert-v01@openssh.com host certificate")
        .contains("Signing CA: ED25519 " + KeyUtils.getFingerPrint(OpenSshKeyFiles.readPublicKey(dir.resolve("host_ca.pub"))))
        .containsPattern("Principals: \\n\\s+gw.example.com\\n\\s+gw\\n");
    assertThat(ca.hostCertificate().getType()).isEqualTo(OpenSshCertificate.Type.HOST);
    assertThat(ca.hostCertificate().getPrincipals()).containsExactlyElementsOf(HOSTS);
    assertThat(KeyUtils.compareKeys(ca.hostCertificate().getCertPubKey(), ca.hostKeyPair().getPublic())).isTrue();
  }

  @Test
  void secondInitChangesNothing() throws Exception {
    Path dir = data.resolve("ca");
    CertificateAuthority.init(dir, HOSTS);
    Map<String, String> before = snapshot(dir);

    CertificateAuthority.init(dir, List.of("gw", "gw.example.com")); // same names, other order

    assertThat(snapshot(dir)).isEqualTo(before);
  }

  @Test
  void hostCertificateIsReissuedWhenTheHostNamesChangeButKeysStay() throws Exception {
    Path dir = data.resolve("ca");
    CertificateAuthority first = CertificateAuthority.init(dir, HOSTS);
    String userCa = Files.readString(dir.resolve("user_ca"));

    CertificateAuthority second = CertificateAuthority.init(dir, List.of("bastion.example.com"));

    assertThat(second.hostCertificate().getPrincipals()).containsExactly("bastion.example.com");
    assertThat(second.hostCertificate().getSerial()).isNotEqualTo(first.hostCertificate().getSerial());
    assertThat(Files.readString(dir.resolve("user_ca"))).isEqualTo(userCa);
    assertThat(KeyUtils.compareKeys(second.hostKeyPair().getPublic(), first.hostKeyPair().getPublic())).isTrue();
  }

  @Test
  void hostCertificateIsReissuedWhenItExpiresWithinThirtyDays() throws Exception {
    Path dir = data.resolve("ca");
    CertificateAuthority first = CertificateAuthority.init(dir, HOSTS);
    Clock in336Days = Clock.fixed(Instant.now().plus(Duration.ofDays(336)), ZoneOffset.UTC);
    Clock in300Days = Clock.fixed(Instant.now().plus(Duration.ofDays(300)), ZoneOffset.UTC);

    CertificateAuthority notYet = CertificateAuthority.init(dir, HOSTS, in300Days);
    assertThat(notYet.hostCertificate().getSerial()).isEqualTo(first.hostCertificate().getSerial());

    CertificateAuthority renewed = CertificateAuthority.init(dir, HOSTS, in336Days);
    assertThat(renewed.hostCertificate().getSerial()).isNotEqualTo(first.hostCertificate().getSerial());
    assertThat(renewed.hostCertificate().getValidBefore())
        .isEqualTo(in336Days.instant().plus(Duration.ofDays(365)).getEpochSecond());
  }

  @Test
  void initRefusesToReplaceAKeyWhosePublicHalfIsStillThere() throws Exception {
    Path dir = data.resolve("ca");
    CertificateAuthority.init(dir, HOSTS);
    Files.delete(dir.resolve("user_ca"));

    assertThatThrownBy(() -> CertificateAuthority.init(dir, HOSTS))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("user_ca.pub exists but")
        .hasMessageContaining("user_ca is missing");
  }

  @Test
  void initRecreatesAMissingPublicKeyFromThePrivateKey() throws Exception {
    Path dir = data.resolve("ca");
    CertificateAuthority first = CertificateAuthority.init(dir, HOSTS);
    Files.delete(dir.resolve("user_ca.pub"));

    CertificateAuthority second = CertificateAuthority.init(dir, HOSTS);

    assertThat(KeyUtils.compareKeys(second.userCaPublicKey(), first.userCaPublicKey())).isTrue();
    assertThat(dir.resolve("user_ca.pub")).exists();
  }

  @ParameterizedTest
  @ValueSource(strings = {"user_ca", "host_ca.pub", "target_ca", "host_key", "host_key-cert.pub"})
  void loadNamesTheMissingFile(String name) throws Exception {
    Path dir = data.resolve("ca");
    CertificateAuthority.init(dir, HOSTS);
    Files.delete(dir.resolve(name));

    assertThatThrownBy(() -> CertificateAuthority.load(dir))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(dir.resolve(name).toString());
  }

  @Test
  void loadRejectsAPublicKeyThatDoesNotMatchItsPrivateKey() throws Exception {
    Path dir = data.resolve("ca");
    CertificateAuthority.init(dir, HOSTS);
    Files.copy(dir.resolve("host_ca.pub"), dir.resolve("user_ca.pub"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    assertThatThrownBy(() -> CertificateAuthority.load(dir))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("user_ca.pub does not match");
  }

  @Test
  void knownHostsLineNamesTheHostsAndTheHostCa() throws Exception {
    Path dir = data.resolve("ca");
    CertificateAuthority ca = CertificateAuthority.init(dir, HOSTS);

    assertThat(ca.knownHostsLine(HOSTS))
        .isEqualTo("@cert-authority gw.example.com,gw " + keyPart(Files.readString(dir.resolve("host_ca.pub"))));
    assertThat(ca.targetCaPublicKeyLine())
        .isEqualTo(keyPart(Files.readString(dir.resolve("target_ca.pub"))) + " gatehouse-target-ca");
  }

  @Test
  void trustedUserCaKeysAddsTheRotationFileAndSeesItChange() throws Exception {
    Path dir = data.resolve("ca");
    CertificateAuthority ca = CertificateAuthority.init(dir, HOSTS);
    assertThat(ca.trustedUserCaKeys()).hasSize(1);

    Path old = SshKeygen.newKey(data, "old_ca", "ed25519");
    Files.writeString(dir.resolve("trusted_user_ca_keys"),
        "# previous CA, until rotation ends\n\n" + Files.readString(Path.of(old + ".pub")));
    assertThat(ca.trustedUserCaKeys()).hasSize(2);
    assertThat(KeyUtils.compareKeys(ca.trustedUserCaKeys().get(1), SshKeygen.publicKey(old))).isTrue();

    Path other = SshKeygen.newKey(data, "other_ca", "ecdsa");
    Files.writeString(dir.resolve("trusted_user_ca_keys"),
        Files.readString(Path.of(old + ".pub")) + Files.readString(Path.of(other + ".pub")));
    assertThat(ca.trustedUserCaKeys()).hasSize(3);

    Files.writeString(dir.resolve("trusted_user_ca_keys"), "ssh-ed25519 not-base64\n");
    assertThatThrownBy(ca::trustedUserCaKeys).isInstanceOf(IOException.class).hasMessageContaining("line 1");
  }

  @Test
  void targetCertificateIsSignedByTheTargetCaForOnePrincipal() throws Exception {
    Path dir = data.resolve("ca");
    CertificateAuthority ca = CertificateAuthority.init(dir, HOSTS);
    Path key = SshKeygen.newKey(data, "session", "ed25519");

    OpenSshCertificate cert =
        ca.signTargetCertificate(SshKeygen.publicKey(key), "alice@example.com", "deploy", Duration.ofMinutes(5));
    Files.writeString(Path.of(key + "-cert.pub"), OpenSshKeyFiles.publicKeyLine(cert, "session") + "\n");

    String listing = SshKeygen.ok("-L", "-f", key + "-cert.pub");
    assertThat(listing)
        .contains("user certificate")
        .contains("Key ID: \"alice@example.com\"")
        .containsPattern("Principals: \\n\\s+deploy\\n")
        .containsPattern("Critical Options: \\(none\\)")
        .containsPattern("Extensions: \\n\\s+permit-pty\\n");
    assertThat(KeyUtils.compareKeys(cert.getCaPubKey(), OpenSshKeyFiles.readPublicKey(dir.resolve("target_ca.pub")))).isTrue();
    long now = Instant.now().getEpochSecond();
    assertThat(cert.getValidAfter()).isBetween(now - 62, now - 58);
    assertThat(cert.getValidBefore()).isBetween(now + 298, now + 302);
  }

  @Test
  void aTargetCertificateEndsAtTheGivenInstantRoundedDown() throws Exception {
    CertificateAuthority ca = CertificateAuthority.init(data.resolve("ca"), HOSTS);
    Path key = SshKeygen.newKey(data, "session-end", "ed25519");
    Instant end = Instant.now().plusSeconds(90).plusMillis(700);

    OpenSshCertificate cert = ca.signTargetCertificate(SshKeygen.publicKey(key), "alice@example.com", "deploy", end);

    assertThat(cert.getValidBefore()).isEqualTo(end.getEpochSecond());
    assertThatThrownBy(() -> ca.signTargetCertificate(SshKeygen.publicKey(key), "alice@example.com", "deploy",
        Instant.now().minusSeconds(1))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void ed25519KeysComeFromBouncyCastleThroughMinasProviderRegistrar() throws Exception {
    // Java 17's own Ed25519 keys are not what MINA's ed25519 codecs expect; sshd-common registers
    // BouncyCastle's EdDSA when bcprov is on the class path, and everything here relies on that.
    CertificateAuthority ca = CertificateAuthority.init(data.resolve("ca"), HOSTS);

    assertThat(org.apache.sshd.common.util.security.SecurityUtils.isEDDSACurveSupported()).isTrue();
    assertThat(org.apache.sshd.common.util.security.SecurityUtils.isBouncyCastleRegistered()).isTrue();
    assertThat(ca.userCaPublicKey().getClass().getName()).startsWith("org.bouncycastle.");
    assertThat(KeyUtils.getKeyType(ca.hostKeyPair().getPublic())).isEqualTo("ssh-ed25519");
  }

  private static String keyPart(String line) {
    String[] parts = line.strip().split("\\s+");
    return parts[0] + " " + parts[1];
  }

  private static Map<String, String> snapshot(Path dir) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (var listing = Files.list(dir)) {
      for (Path p : listing.toList()) {
        files.put(p.getFileName().toString(), Files.readString(p) + "@" + Files.getLastModifiedTime(p));
      }
    }
    return files;
  }
}
