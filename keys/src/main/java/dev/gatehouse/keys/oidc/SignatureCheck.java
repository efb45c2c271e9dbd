package dev.gatehouse.keys.oidc;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Which JWS algorithms are accepted, which JWKS keys may check a given header, and the check.
 *
 * <p>Only asymmetric algorithms: a JWKS holds public keys, and accepting an HMAC algorithm would
 * let anyone who has the public key (everyone) make a valid MAC with it — the classic key
 * confusion. {@code none} never gets here (the parser makes it a plain JWT). A key serves an
 * algorithm only when its type and curve fit the algorithm, its {@code use} is absent or
 * {@code sig}, and its {@code alg}, if any, is that algorithm; symmetric ({@code oct}) keys never
 * fit.
 *
 * <p>EdDSA is checked with the JDK's Ed25519/Ed448 (nimbus needs Tink for it).
 */
final class SignatureCheck {
  static final Set<JWSAlgorithm> ALLOWED =
      Set.of(
          JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512,
          JWSAlgorithm.PS256, JWSAlgorithm.PS384, JWSAlgorithm.PS512,
          JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512,
          JWSAlgorithm.EdDSA, JWSAlgorithm.Ed25519, JWSAlgorithm.Ed448);

  // DER prefixes of SubjectPublicKeyInfo for the raw Ed25519 (32 bytes) and Ed448 (57 bytes) keys.
  private static final byte[] ED25519_SPKI_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
  private static final byte[] ED448_SPKI_PREFIX = HexFormat.of().parseHex("3043300506032b6571033a00");

  private SignatureCheck() {}

  /**
   * Checks {@code signed}'s signature with {@code provider}'s keys, as ID and access tokens are
   * checked alike: a key id the cached JWKS lacks fetches it once more (the provider rotated its
   * keys), then every fitting key is tried. The reasons are {@code provider-unavailable}, {@code
   * unknown-key} and {@code bad-signature}.
   */
  static void check(SignedJWT signed, OidcProvider provider) throws TokenRejected {
    JWSHeader header = signed.getHeader();
    String keyId = header.getKeyID();
    JWKSet keys;
    try {
      keys = provider.keys();
      if (keyId != null && !hasKeyId(keys, keyId)) {
        keys = provider.keysAfterUnknownKeyId();
      }
    } catch (IOException e) {
      throw new TokenRejected(TokenRejected.PROVIDER_UNAVAILABLE, e.getMessage(), e);
    }
    List<JWK> candidates = candidates(keys, header);
    if (candidates.isEmpty()) {
      throw new TokenRejected(
          TokenRejected.UNKNOWN_KEY,
          (keyId == null ? "no key id and no" : "key id " + IdTokenVerifier.quote(keyId) + " names no")
              + " " + header.getAlgorithm().getName() + " signing key in the provider's JWKS");
    }
    for (JWK key : candidates) {
      if (verifies(signed, key)) {
        return;
      }
    }
    throw new TokenRejected(
        TokenRejected.BAD_SIGNATURE,
        "signature does not verify with " + (keyId == null ? "any fitting key" : "key " + IdTokenVerifier.quote(keyId)));
  }

  static boolean allowed(JWSAlgorithm algorithm) {
    return ALLOWED.contains(algorithm);
  }

  static boolean hasKeyId(JWKSet keys, String keyId) {
    return keys.getKeys().stream().anyMatch(k -> keyId.equals(k.getKeyID()));
  }

  /** The keys that may check a token with this header: its kid (when it names one) and fit. */
  static List<JWK> candidates(JWKSet keys, JWSHeader header) {
    String keyId = header.getKeyID();
    return keys.getKeys().stream()
        .filter(k -> keyId == null || keyId.equals(k.getKeyID()))
        .filter(k -> k.getKeyUse() == null || KeyUse.SIGNATURE.equals(k.getKeyUse()))
        .filter(k -> k.getAlgorithm() == null || k.getAlgorithm().equals(header.getAlgorithm()))
        .filter(k -> fits(k, header.getAlgorithm()))
        .toList();
  }

  static boolean verifies(SignedJWT token, JWK key) {
    try {
      JWSHeader header = token.getHeader();
      if (key instanceof RSAKey rsa) {
        return token.verify(new RSASSAVerifier(rsa));
      }
      if (key instanceof ECKey ec) {
        return token.verify(new ECDSAVerifier(ec));
      }
      if (key instanceof OctetKeyPair okp) {
        return verifyEdDsa(okp, token.getSigningInput(), token.getSignature().decode())
            && header.getCriticalParams() == null;
      }
      return false;
    } catch (JOSEException | IllegalStateException e) {
      return false;
    }
  }

  private static boolean fits(JWK key, JWSAlgorithm algorithm) {
    if (JWSAlgorithm.Family.RSA.contains(algorithm)) {
      return key instanceof RSAKey;
    }
    if (JWSAlgorithm.Family.EC.contains(algorithm)) {
      return key instanceof ECKey ec && Curve.forJWSAlgorithm(algorithm).contains(ec.getCurve());
    }
    if (algorithm.equals(JWSAlgorithm.EdDSA)) {
      return key instanceof OctetKeyPair okp
          && (Curve.Ed25519.equals(okp.getCurve()) || Curve.Ed448.equals(okp.getCurve()));
    }
    if (algorithm.equals(JWSAlgorithm.Ed25519)) {
      return key instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve());
    }
    if (algorithm.equals(JWSAlgorithm.Ed448)) {
      return key instanceof OctetKeyPair okp && Curve.Ed448.equals(okp.getCurve());
    }
    return false;
  }

  private static boolean verifyEdDsa(OctetKeyPair key, byte[] signingInput, byte[] signature) {
    boolean ed25519 = Curve.Ed25519.equals(key.getCurve());
    byte[] raw = key.getDecodedX();
    byte[] prefix = ed25519 ? ED25519_SPKI_PREFIX : ED448_SPKI_PREFIX;
    if (raw.length != (ed25519 ? 32 : 57)) {
      return false;
    }
    byte[] spki = new byte[prefix.length + raw.length];
    System.arraycopy(prefix, 0, spki, 0, prefix.length);
    System.arraycopy(raw, 0, spki, prefix.length, raw.length);
    String name = ed25519 ? "Ed25519" : "Ed448";
    try {
      PublicKey publicKey = KeyFactory.getInstance(name).generatePublic(new X509EncodedKeySpec(spki));
      Signature verifier = Signature.getInstance(name);
      verifier.initVerify(publicKey);
      verifier.update(signingInput);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
