package dev.gatehouse.gateway.web;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/** A TLS key store made from the PEM files operators have (certificate chain + private key). */
final class PemKeyStore {
  static final char[] PASSWORD = new char[0];

  private PemKeyStore() {}

  static KeyStore of(byte[] certificatePem, byte[] keyPem) throws IOException {
    try {
      Collection<? extends Certificate> chain =
          CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(certificatePem));
      if (chain.isEmpty()) {
        throw new IOException("web.tls.certificate: no certificate in the PEM file");
      }
      PrivateKey key;
      try (PEMParser parser = new PEMParser(new StringReader(new String(keyPem, StandardCharsets.US_ASCII)))) {
        Object o = parser.readObject();
        JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
        if (o instanceof PEMKeyPair kp) {
          key = conv.getPrivateKey(kp.getPrivateKeyInfo());
        } else if (o instanceof PrivateKeyInfo pki) {
          key = conv.getPrivateKey(pki);
        } else {
          throw new IOException("web.tls.key: not an unencrypted PEM private key");
        }
      }
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(null, null);
      ks.setKeyEntry("gatehouse", key, PASSWORD, chain.toArray(new Certificate[0]));
      return ks;
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException("web.tls: " + e.getMessage(), e);
    }
  }
}
