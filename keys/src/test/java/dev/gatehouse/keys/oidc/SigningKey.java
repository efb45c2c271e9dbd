package dev.gatehouse.keys.oidc;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Arrays;

/** A key pair the test signs tokens with; its public half goes into a JWKS. */
final class SigningKey {
  final JWSAlgorithm algorithm;
  private final JWK jwk; // with the private part, except for EdDSA
  private final KeyPair edKeyPair; // EdDSA only: nimbus needs Tink to sign it

  private SigningKey(JWSAlgorithm algorithm, JWK jwk, KeyPair edKeyPair) {
    this.algorithm = algorithm;
    this.jwk = jwk;
    this.edKeyPair = edKeyPair;
  }

  static SigningKey rsa(String keyId, JWSAlgorithm algorithm) {
    try {
      return new SigningKey(algorithm, new RSAKeyGenerator(2048).keyID(keyId).keyUse(KeyUse.SIGNATURE).generate(), null);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static SigningKey rsa(String keyId) {
    return rsa(keyId, JWSAlgorithm.RS256);
  }

  static SigningKey ec(String keyId, JWSAlgorithm algorithm) {
    Curve curve = Curve.forJWSAlgorithm(algorithm).iterator().next();
    try {
      return new SigningKey(algorithm, new ECKeyGenerator(curve).keyID(keyId).keyUse(KeyUse.SIGNATURE).generate(), null);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static SigningKey ed25519(String keyId, JWSAlgorithm algorithm) {
    try {
      KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
      byte[] spki = pair.getPublic().getEncoded();
      byte[] x = Arrays.copyOfRange(spki, spki.length - 32, spki.length);
      OctetKeyPair jwk = new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(x)).keyID(keyId).build();
      return new SigningKey(algorithm, jwk, pair);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  JWK publicJwk() {
    return jwk.toPublicJWK();
  }

  String keyId() {
    return jwk.getKeyID();
  }

  String sign(JWTClaimsSet claims) {
    return sign(keyId(), claims);
  }

  /** Signs with this key but names {@code headerKeyId} in the header. */
  String sign(String headerKeyId, JWTClaimsSet claims) {
    JWSHeader header = new JWSHeader.Builder(algorithm).keyID(headerKeyId).type(JOSEObjectType.JWT).build();
    try {
      if (edKeyPair != null) {
        String input = header.toBase64URL() + "." + Base64URL.encode(claims.toString().getBytes(StandardCharsets.UTF_8));
        Signature signer = Signature.getInstance("Ed25519");
        signer.initSign(edKeyPair.getPrivate());
        signer.update(input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + Base64URL.encode(signer.sign());
      }
      SignedJWT jwt = new SignedJWT(header, claims);
      if (jwk instanceof RSAKey rsa) {
        jwt.sign(new RSASSASigner(rsa));
      } else {
        jwt.sign(new ECDSASigner((ECKey) jwk));
      }
      return jwt.serialize();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
