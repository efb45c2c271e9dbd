package dev.gatehouse.keys;

import java.io.IOException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.OpenSshCertificateImpl;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.common.signature.Signature;
import org.apache.sshd.common.util.buffer.ByteArrayBuffer;

/**
 * Signs and verifies OpenSSH certificates with sshd-common alone.
 *
 * <p>MINA's {@code OpenSshCertificateBuilder} lives in sshd-core (the server side), which this
 * module must not depend on; this is the same logic. Two differences on purpose: options and
 * extensions are written in lexical order as PROTOCOL.certkeys requires (the builder keeps them
 * in a HashMap), and SHA-1 {@code ssh-rsa} CA signatures are refused on verification, as OpenSSH
 * has done by default since 8.2.
 */
final class OpenSshCertificateSigner {
  private static final SecureRandom RANDOM = new SecureRandom();

  private OpenSshCertificateSigner() {}

  /** The fields of one certificate; options and extensions map name to value ("" for flags). */
  record Body(
      OpenSshCertificate.Type type,
      PublicKey subjectKey,
      long serial,
      String keyId,
      List<String> principals,
      long validAfterEpochSecond,
      long validBeforeEpochSecond,
      Map<String, String> criticalOptions,
      Map<String, String> extensions) {}

  static OpenSshCertificate sign(Body body, KeyPair ca) throws IOException {
    String subjectType = KeyUtils.getKeyType(body.subjectKey());
    if (!List.of("ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521")
        .contains(subjectType)) {
      throw new IllegalArgumentException("cannot certify a key of type " + subjectType);
    }
    OpenSshCertificateImpl cert = new OpenSshCertificateImpl();
    cert.setKeyType(subjectType + "-cert-v01@openssh.com");
    cert.setType(body.type());
    cert.setCertPubKey(body.subjectKey());
    cert.setSerial(body.serial());
    cert.setId(body.keyId());
    cert.setPrincipals(new ArrayList<>(body.principals()));
    cert.setValidAfter(body.validAfterEpochSecond());
    cert.setValidBefore(body.validBeforeEpochSecond());
    cert.setCriticalOptions(sorted(body.criticalOptions()));
    cert.setExtensions(sorted(body.extensions()));
    cert.setReserved("");
    cert.setCaPubKey(ca.getPublic());
    byte[] nonce = new byte[32];
    RANDOM.nextBytes(nonce);
    cert.setNonce(nonce);

    String algorithm = KeyUtils.getKeyType(ca.getPublic());
    BuiltinSignatures factory = BuiltinSignatures.fromFactoryName(algorithm);
    if (factory == null || !factory.isSupported()) {
      throw new IOException("no signer for CA key type " + algorithm);
    }
    ByteArrayBuffer toBeSigned = new ByteArrayBuffer();
    toBeSigned.putRawPublicKey(cert); // signature still null, so only the body is written
    byte[] message = toBeSigned.getCompactData();
    try {
      Signature signer = factory.create();
      signer.initSigner(null, ca.getPrivate());
      signer.update(null, message);
      ByteArrayBuffer signature = new ByteArrayBuffer();
      signature.putString(factory.getName());
      signature.putBytes(signer.sign(null));
      cert.setMessage(message);
      cert.setSignature(signature.getCompactData());
    } catch (Exception e) {
      throw new IOException("signing a certificate with the " + algorithm + " CA key failed: " + e.getMessage(), e);
    }
    return cert;
  }

  /**
   * Whether the signature inside the certificate verifies with the CA key inside it. Whether that CA
   * is trusted is the caller's question.
   */
  static boolean signatureIsValid(OpenSshCertificate cert) {
    try {
      PublicKey ca = cert.getCaPubKey();
      String signatureAlgorithm = cert.getSignatureAlgorithm();
      if (ca == null || signatureAlgorithm == null || cert.getMessage() == null || cert.getSignature() == null) {
        return false;
      }
      if (!KeyUtils.getKeyType(ca).equals(KeyUtils.getCanonicalKeyType(signatureAlgorithm))
          || "ssh-rsa".equals(signatureAlgorithm)) {
        return false;
      }
      BuiltinSignatures factory = BuiltinSignatures.fromFactoryName(signatureAlgorithm);
      if (factory == null || !factory.isSupported()) {
        return false;
      }
      Signature verifier = factory.create();
      verifier.initVerifier(null, ca);
      verifier.update(null, cert.getMessage());
      return verifier.verify(null, cert.getSignature());
    } catch (Exception e) {
      return false;
    }
  }

  private static List<OpenSshCertificate.CertificateOption> sorted(Map<String, String> options) {
    // String order equals byte order for the ASCII names used here ("permit-X11-forwarding" sorts
    // before "permit-agent-forwarding", as in ssh-keygen's output).
    SortedMap<String, String> byName = new TreeMap<>(options);
    List<OpenSshCertificate.CertificateOption> list = new ArrayList<>();
    byName.forEach((name, value) -> list.add(new OpenSshCertificate.CertificateOption(name, value)));
    return list;
  }

  static List<String> principals(OpenSshCertificate cert) {
    Collection<String> principals = cert.getPrincipals();
    return principals == null ? List.of() : List.copyOf(principals);
  }
}
