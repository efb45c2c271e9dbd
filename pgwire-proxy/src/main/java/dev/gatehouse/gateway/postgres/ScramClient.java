package dev.gatehouse.gateway.postgres;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The client side of SCRAM-SHA-256 (RFC 5802, RFC 7677) without channel binding (gs2 header
 * {@code n,,}). PostgreSQL ignores the SCRAM user name, so it is sent empty as libpq does. The
 * password is used as UTF-8 without SASLprep (PostgreSQL falls back to the same for passwords that
 * SASLprep would reject; a non-ASCII password that SASLprep would change does not work).
 */
final class ScramClient {
  private final char[] password;
  private final String clientNonce;
  private final String clientFirstBare;
  private byte[] expectedServerSignature;

  ScramClient(char[] password, String user) {
    this(password, user, randomNonce());
  }

  ScramClient(char[] password, String user, String clientNonce) {
    this.password = password.clone();
    this.clientNonce = clientNonce;
    this.clientFirstBare = "n=" + user.replace("=", "=3D").replace(",", "=2C") + ",r=" + clientNonce;
  }

  String clientFirst() {
    return "n,," + clientFirstBare;
  }

  /** The client-final message for the server-first message; remembers the server's signature. */
  String clientFinal(String serverFirst) throws UpstreamFailure {
    String nonce = attribute(serverFirst, 'r');
    String salt = attribute(serverFirst, 's');
    String iterations = attribute(serverFirst, 'i');
    if (nonce == null || salt == null || iterations == null || !nonce.startsWith(clientNonce)
        || nonce.length() == clientNonce.length()) {
      throw fail("the server's SCRAM challenge is malformed", null);
    }
    int i;
    try {
      i = Integer.parseInt(iterations);
    } catch (NumberFormatException e) {
      throw fail("the server's SCRAM iteration count is not a number", e);
    }
    if (i < 1 || i > 10_000_000) {
      throw fail("the server's SCRAM iteration count " + i + " is out of range", null);
    }
    try {
      byte[] salted = pbkdf2(password, Base64.getDecoder().decode(salt), i);
      byte[] clientKey = hmac(salted, "Client Key");
      byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(clientKey);
      String withoutProof = "c=biws,r=" + nonce;
      String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
      byte[] signature = hmac(storedKey, authMessage);
      byte[] proof = clientKey.clone();
      for (int k = 0; k < proof.length; k++) {
        proof[k] ^= signature[k];
      }
      expectedServerSignature = hmac(hmac(salted, "Server Key"), authMessage);
      Arrays.fill(salted, (byte) 0);
      return withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw fail("SCRAM computation failed: " + e.getMessage(), e);
    }
  }

  /** Checks the server-final message: the server proves it knew the password too. */
  void verifyServerFinal(String serverFinal) throws UpstreamFailure {
    String error = attribute(serverFinal, 'e');
    if (error != null) {
      throw fail("the server refused SCRAM authentication: " + error, null);
    }
    String v = attribute(serverFinal, 'v');
    if (v == null || expectedServerSignature == null) {
      throw fail("the server's SCRAM final message is malformed", null);
    }
    byte[] got;
    try {
      got = Base64.getDecoder().decode(v);
    } catch (IllegalArgumentException e) {
      throw fail("the server's SCRAM signature is not base64", e);
    }
    if (!MessageDigest.isEqual(got, expectedServerSignature)) {
      throw fail("the server's SCRAM signature is wrong (not the real server?)", null);
    }
  }

  private static String attribute(String message, char name) {
    for (String part : message.split(",")) {
      if (part.length() >= 2 && part.charAt(0) == name && part.charAt(1) == '=') {
        return part.substring(2);
      }
    }
    return null;
  }

  private static byte[] pbkdf2(char[] password, byte[] salt, int iterations) throws GeneralSecurityException {
    PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, 256);
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } finally {
      spec.clearPassword();
    }
  }

  private static byte[] hmac(byte[] key, String data) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
  }

  private static String randomNonce() {
    byte[] b = new byte[18];
    new SecureRandom().nextBytes(b);
    return Base64.getEncoder().encodeToString(b);
  }

  private static UpstreamFailure fail(String message, Throwable cause) {
    return new UpstreamFailure("28000", message, cause);
  }
}
