package dev.gatehouse.keys.login;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/**
 * What the certificate login stored says: identity (key id), groups ({@code groups@gatehouse.dev}),
 * serial, expiry, and the fingerprint of the CA that signed it ({@code signedBy}).
 */
public record CertificateStatus(
    String identity, List<String> groups, long serial, Instant validBefore, String signedBy) {
  static final String GROUPS_EXTENSION = "groups@gatehouse.dev";

  public CertificateStatus {
    groups = List.copyOf(groups);
  }

  public boolean validAt(Instant now) {
    return now.isBefore(validBefore);
  }

  /** Reads an OpenSSH certificate file ({@code id_ed25519-cert.pub}); login itself reads it through {@link LoginFiles}. */
  public static CertificateStatus read(Path certificateFile) throws LoginFailed {
    String line;
    try {
      line = Files.readString(certificateFile, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new LoginFailed("no certificate at " + certificateFile + "; run gatehouse login --gateway URL");
    } catch (IOException e) {
      throw new LoginFailed("cannot read " + certificateFile + ": " + e.getMessage(), e);
    }
    return parse(line, certificateFile);
  }

  /** Parses the text of a certificate file; {@code where} names it in messages. */
  static CertificateStatus parse(String text, Path where) throws LoginFailed {
    String line = text.trim();
    PublicKey key;
    try {
      key = AuthorizedKeyEntry.parseAuthorizedKeyEntry(line).resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
    } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
      throw new LoginFailed(where + " is not an OpenSSH certificate: " + e.getMessage(), e);
    }
    if (!(key instanceof OpenSshCertificate cert)) {
      throw new LoginFailed(where + " holds a plain key, not a certificate");
    }
    List<String> groups = new ArrayList<>();
    String value = cert.getExtensionsMap().get(GROUPS_EXTENSION);
    if (value != null && !value.isEmpty()) {
      groups.addAll(List.of(value.split(",")));
    }
    long before = cert.getValidBefore();
    // OpenSSH's "forever" is 2^64-1, a negative long here.
    Instant validBefore = before < 0 ? Instant.MAX : Instant.ofEpochSecond(before);
    return new CertificateStatus(cert.getId(), groups, cert.getSerial(), validBefore,
        KeyUtils.getFingerPrint(cert.getCaPubKey()));
  }
}
