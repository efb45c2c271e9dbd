package dev.gatehouse.keys;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/** Parses the one-line OpenSSH public keys users hand in ({@code ssh-ed25519 AAAA... comment}). */
public final class PublicKeys {
  private PublicKeys() {}

  /**
   * A user's key to certify: ed25519, ECDSA or RSA of at least 2048 bits; never a certificate.
   *
   * @throws IOException naming what is wrong (never echoing the whole input)
   */
  public static PublicKey parseUserKey(String line) throws IOException {
    if (line == null || line.isBlank()) {
      throw new IOException("empty public key");
    }
    String first = line.strip().lines().findFirst().orElse("");
    if (first.length() > 16384) {
      throw new IOException("public key line too long");
    }
    PublicKey key;
    try {
      AuthorizedKeyEntry entry = AuthorizedKeyEntry.parseAuthorizedKeyEntry(first);
      if (entry == null) {
        throw new IOException("not an OpenSSH public key");
      }
      key = entry.resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      throw new IOException("not an OpenSSH public key (" + e.getMessage() + ")", e);
    }
    if (key == null) {
      throw new IOException("unsupported public key type");
    }
    if (key instanceof OpenSshCertificate) {
      throw new IOException("a certificate, not a public key");
    }
    if (key instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() < 2048) {
      throw new IOException("RSA keys need at least 2048 bits");
    }
    return key;
  }
}
