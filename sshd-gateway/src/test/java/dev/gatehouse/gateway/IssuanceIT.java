package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.gatehouse.keys.CertificateLedger;
import dev.gatehouse.keys.IssuedCertificate;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * POST /v1/certificates and GET /v1/config over real HTTP against the gateway started in-process,
 * with tokens from a real OIDC provider (mock-oauth2-server, realms "corp" = ours and "other").
 */
@ExtendWith(GatewayLogOnFailure.class)
class IssuanceIT {
  static final String CLIENT = OidcGatewayFixture.CLIENT;
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir static Path dir;
  static MockOAuth2Server idp;
  static OidcGatewayFixture gw;
  static String publicKey;
  static String certificateLine;

  @BeforeAll
  static void start() throws Exception {
    idp = OidcGatewayFixture.startProvider();
    gw = OidcGatewayFixture.start(dir.resolve("gw"), corp(), "certificateTtl: 2h", "");
    Path key = dir.resolve("id_ed25519");
    GatewayFixture.keygen("-q", "-t", "ed25519", "-N", "", "-C", "test", "-f", key.toString());
    publicKey = Files.readString(Path.of(key + ".pub")).trim();
    // A certificate line to hand in where a public key belongs.
    Path ca = dir.resolve("some_ca");
    GatewayFixture.keygen("-q", "-t", "ed25519", "-N", "", "-f", ca.toString());
    GatewayFixture.keygen("-q", "-s", ca.toString(), "-I", "x", "-n", "x", key + ".pub");
    certificateLine = Files.readString(Path.of(key + "-cert.pub")).trim();
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
    if (idp != null) {
      idp.shutdown();
    }
  }

  static URI corp() {
    return idp.issuerUrl("corp").uri();
  }

  static String unique() {
    return "u-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
  }

  /** A token from realm "corp" for us: identity {@code email}, groups dev and sre, plus {@code claims}. */
  static String token(String realm, List<String> audience, String email, Map<String, Object> claims) {
    Map<String, Object> all = new HashMap<>(Map.of("email", email, "groups", List.of("dev", "sre")));
    all.putAll(claims);
    all.values().removeIf(v -> v == ABSENT);
    return OidcGatewayFixture.idToken(idp, realm, "sub-" + email, audience, all);
  }

  static String token(Map<String, Object> claims) {
    return token("corp", List.of(CLIENT), unique(), claims);
  }

  static final Object ABSENT = new Object();

  static HttpResponse<String> post(URI base, String body) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(base.resolve("/v1/certificates"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static String request(String idToken, String key) {
    ObjectNode n = JSON.createObjectNode();
    n.put("idToken", idToken);
    n.put("publicKey", key);
    return n.toString();
  }

  // ---- the attack table ----

  static Arguments attack(String name, int status, String reason, Supplier<String> body) {
    return Arguments.of(name, status, reason, body);
  }

  static Supplier<String> withToken(Supplier<String> token) {
    return () -> request(token.get(), publicKey);
  }

  static Stream<Arguments> attacks() {
    return Stream.of(
        attack("an expired token", 401, "expired",
            withToken(() -> token(Map.of("exp", ago(120), "iat", ago(240), "nbf", ago(240))))),
        attack("a stale token (iat 10 min ago)", 401, "stale", withToken(() -> token(Map.of("iat", ago(600), "nbf", ago(600))))),
        attack("a replayed token", 401, "replayed", IssuanceIT::replayedToken),
        attack("a token for another audience", 401, "wrong-audience",
            withToken(() -> token("corp", List.of("someone-else"), unique(), Map.of()))),
        attack("a token naming another issuer", 401, "wrong-issuer",
            withToken(() -> token(Map.of("iss", "https://evil.example.com/realms/corp")))),
        attack("an unsigned token (alg none)", 401, "unsupported-algorithm", withToken(IssuanceIT::unsigned)),
        attack("HS256 keyed with the provider's public key", 401, "unsupported-algorithm", withToken(IssuanceIT::hmacWithPublicKey)),
        attack("a token signed by a key with an unknown kid", 401, "unknown-key", withToken(IssuanceIT::unknownKid)),
        attack("a token from another issuer on the same provider", 401, "wrong-issuer",
            withToken(() -> token("other", List.of(CLIENT), unique(), Map.of()))),
        attack("a token whose payload was changed after signing", 401, "bad-signature",
            withToken(() -> tampered(token(Map.of()), "email", "mallory@example.com"))),
        attack("a token without the identity claim", 401, "missing-identity", withToken(() -> token(Map.of("email", ABSENT)))),
        attack("a token whose email_verified is the string \"false\"", 401, "email-unverified",
            withToken(() -> token(Map.of("email_verified", "false")))),
        attack("a token whose email_verified is false", 401, "email-unverified",
            withToken(() -> token(Map.of("email_verified", false)))),
        attack("an identity with a comma", 401, "identity-unusable",
            withToken(() -> token("corp", List.of(CLIENT), "alice,root@example.com", Map.of()))),
        attack("an identity with a right-to-left override", 401, "identity-unusable",
            withToken(() -> token("corp", List.of(CLIENT), "alice\u202emoc.elpmaxe@", Map.of()))),
        attack("a token issued before its identity was revoked", 401, "revoked", IssuanceIT::tokenFromBeforeARevocation),
        attack("a body over 64 KiB", 413, "body-too-large",
            () -> request(token(Map.of()), publicKey + " " + "x".repeat(70_000))),
        attack("a certificate instead of a public key", 400, "bad-public-key", () -> request(token(Map.of()), certificateLine)),
        attack("malformed JSON", 400, "malformed-request", () -> "{\"idToken\": \"abc\", \"publicKey\": "));
  }

  @ParameterizedTest(name = "{0} gets {1} {2}, no certificate, an audit line")
  @MethodSource("attacks")
  void attackIsRefusedWithReasonAndAudited(String name, int status, String reason, Supplier<String> body) throws Exception {
    String request = body.get();
    int auditBefore = gw.auditLines().size();

    HttpResponse<String> response = post(gw.webUrl(), request);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    JsonNode answer = JSON.readTree(response.body());
    assertThat(answer.path("error").asText()).isEqualTo(reason);
    assertThat(answer.has("certificate")).isFalse();
    assertThat(response.body()).doesNotContain("-cert-v01@openssh.com");
    List<JsonNode> added = gw.auditLines().subList(auditBefore, gw.auditLines().size());
    assertThat(added).as("audit lines written for %s", name)
        .anySatisfy(l -> {
          assertThat(l.path("code").asText()).isEqualTo("GH1001W");
          assertThat(l.path("reason").asText()).isEqualTo(reason);
        })
        .noneSatisfy(l -> assertThat(l.path("code").asText()).isEqualTo("GH4000I"));
  }

  /** Exchanges a token once (it works), then hands in the same token again. */
  static String replayedToken() {
    String jwt = token(Map.of());
    try {
      assertThat(post(gw.webUrl(), request(jwt, publicKey)).statusCode()).isEqualTo(200);
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
    return request(jwt, publicKey);
  }

  /** A token minted, then its identity revoked with the real CLI: the token must not buy a certificate. */
  static String tokenFromBeforeARevocation() {
    String identity = unique();
    String jwt = token("corp", List.of(CLIENT), identity, Map.of());
    try {
      GatewayFixture.CliResult revoke = GatewayProcess.cli("ca", "revoke", "--identity", identity, "--config",
          dir.resolve("gw").resolve("gatehouse.yaml").toString());
      assertThat(revoke.exitCode()).as(revoke.err()).isZero();
    } catch (IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
    return request(jwt, publicKey);
  }

  // ---- the valid request ----

  @Test
  void validTokenBuysACertificateForCertificateTtlRecordedInTheLedger() throws Exception {
    String identity = unique();
    String jwt = token("corp", List.of(CLIENT), identity, Map.of("groups", List.of("dev", "/dba")));

    HttpResponse<String> response = post(gw.webUrl(), request(jwt, publicKey));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode answer = JSON.readTree(response.body());
    assertThat(answer.path("identity").asText()).isEqualTo(identity);
    assertThat(answer.path("groups")).extracting(JsonNode::asText).containsExactly("dev", "dba");
    Instant validBefore = Instant.parse(answer.path("validBefore").asText());
    // certificateTtl 2h, not the token's 5 minutes.
    assertThat(Duration.between(Instant.now(), validBefore).toSeconds())
        .isCloseTo(Duration.ofHours(2).toSeconds(), within(120L));
    OpenSshCertificate cert = (OpenSshCertificate) AuthorizedKeyEntry
        .parseAuthorizedKeyEntry(answer.path("certificate").asText())
        .resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
    assertThat(answer.path("certificate").asText()).startsWith("ssh-ed25519-cert-v01@openssh.com ");
    assertThat(cert.getId()).isEqualTo(identity);
    assertThat(cert.getPrincipals()).containsExactly(identity);
    assertThat(cert.getExtensionsMap()).containsEntry("groups@gatehouse.dev", "dev,dba");
    try (CertificateLedger ledger = CertificateLedger.open(gw.config().databaseFile())) {
      List<IssuedCertificate> issued = ledger.issued(identity);
      assertThat(issued).hasSize(1);
      assertThat(issued.get(0).serial()).isEqualTo(cert.getSerial());
      assertThat(issued.get(0).issuedBy()).contains(corp().toString()).contains("sub-" + identity);
    }
    assertThat(gw.auditLines()).anySatisfy(l -> {
      assertThat(l.path("code").asText()).isEqualTo("GH4000I");
      assertThat(l.path("identity").asText()).isEqualTo(identity);
      assertThat(l.path("serial").asText()).isEqualTo(Long.toUnsignedString(cert.getSerial()));
    });
  }

  @Test
  void theEleventhCertificateForOneIdentityWithinAMinuteIsRateLimited(@TempDir Path own) throws Exception {
    try (OidcGatewayFixture fresh = OidcGatewayFixture.start(own, corp(), "", "")) {
      String identity = unique();
      List<Integer> statuses = new ArrayList<>();
      for (int i = 0; i < 11; i++) {
        statuses.add(post(fresh.webUrl(), request(token("corp", List.of(CLIENT), identity, Map.of()), publicKey)).statusCode());
      }
      assertThat(statuses.subList(0, 10)).containsOnly(200);
      assertThat(statuses.get(10)).isEqualTo(429);
      HttpResponse<String> other = post(fresh.webUrl(), request(token(Map.of()), publicKey));
      assertThat(other.statusCode()).as("another identity is not limited").isEqualTo(200);
      assertThat(fresh.auditLines()).anySatisfy(l -> {
        assertThat(l.path("code").asText()).isEqualTo("GH1001W");
        assertThat(l.path("reason").asText()).isEqualTo("rate-limited");
        assertThat(l.path("identity").asText()).isEqualTo(identity);
      });
    }
  }

  // ---- TLS ----

  @Test
  void configIsServedOverTlsFromWebTls(@TempDir Path own) throws Exception {
    X509Certificate cert = selfSigned(own.resolve("tls.crt"), own.resolve("tls.key"));
    String tls = "tls: { certificate: \"file:" + own.resolve("tls.crt") + "\", key: \"file:" + own.resolve("tls.key") + "\" }";
    try (OidcGatewayFixture tlsGateway = OidcGatewayFixture.start(own.resolve("gw"), corp(), "", tls)) {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("gatehouse", cert);
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, tmf.getTrustManagers(), null);
      HttpClient client = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();

      assertThat(tlsGateway.webUrl().getScheme()).isEqualTo("https");
      HttpResponse<String> response = client.send(HttpRequest.newBuilder(tlsGateway.webUrl().resolve("/v1/config")).build(),
          HttpResponse.BodyHandlers.ofString());

      assertThat(response.statusCode()).isEqualTo(200);
      JsonNode doc = JSON.readTree(response.body());
      assertThat(doc.path("issuer").asText()).isEqualTo(corp().toString());
      assertThat(doc.path("clientId").asText()).isEqualTo(CLIENT);
      assertThat(doc.path("scopes")).extracting(JsonNode::asText).contains("openid");
      assertThat(doc.path("sshHost").asText()).isEqualTo("127.0.0.1");
      assertThat(doc.path("sshPort").asInt()).isEqualTo(tlsGateway.sshPort());
      assertThat(doc.path("knownHosts").asText())
          .startsWith("@cert-authority ")
          .contains("[127.0.0.1]:" + tlsGateway.sshPort());
      // The same gateway refuses plain HTTP on its TLS port.
      HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      URI http = URI.create("http://127.0.0.1:" + tlsGateway.gateway().webPort() + "/v1/config");
      boolean plainWorked;
      try {
        plainWorked = plain.send(HttpRequest.newBuilder(http).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
      } catch (IOException e) {
        plainWorked = false;
      }
      assertThat(plainWorked).isFalse();
    }
  }

  /** A self-signed certificate for 127.0.0.1 (BouncyCastle), written as PEM certificate and key. */
  static X509Certificate selfSigned(Path certFile, Path keyFile) throws Exception {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
    gen.initialize(256);
    KeyPair kp = gen.generateKeyPair();
    X500Name name = new X500Name("CN=127.0.0.1");
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
        Date.from(now.minusSeconds(60)), Date.from(now.plus(Duration.ofDays(1))), name, kp.getPublic());
    b.addExtension(Extension.subjectAlternativeName, false,
        new GeneralNames(new GeneralName[] {new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
    X509Certificate cert = new JcaX509CertificateConverter()
        .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
    Files.writeString(certFile, pem(cert));
    // PKCS#8 (BEGIN PRIVATE KEY), as openssl genpkey and certbot write it.
    Files.writeString(keyFile, pem(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(kp.getPrivate(), null)));
    return cert;
  }

  static String pem(Object o) throws IOException {
    StringWriter w = new StringWriter();
    try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
      pw.writeObject(o);
    }
    return w.toString();
  }

  // ---- hand-made tokens ----

  static Date ago(int seconds) {
    return Date.from(Instant.now().minusSeconds(seconds));
  }

  static JWTClaimsSet claims() {
    return new JWTClaimsSet.Builder()
        .issuer(corp().toString())
        .audience(CLIENT)
        .subject("mallory-sub")
        .claim("email", unique())
        .issueTime(new Date())
        .expirationTime(Date.from(Instant.now().plusSeconds(300)))
        .jwtID(UUID.randomUUID().toString())
        .build();
  }

  static String b64(String json) {
    return Base64URL.encode(json.getBytes(StandardCharsets.UTF_8)).toString();
  }

  static String unsigned() {
    return b64("{\"alg\":\"none\"}") + "." + b64(claims().toString()) + ".";
  }

  static String hmacWithPublicKey() {
    try {
      RSAKey published = (RSAKey) JWKSet.load(idp.jwksUrl("corp").url()).getKeys().get(0);
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(published.getKeyID()).build(), claims());
      jwt.sign(new MACSigner(published.toRSAPublicKey().getEncoded()));
      return jwt.serialize();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String unknownKid() {
    try {
      RSAKey attacker = new RSAKeyGenerator(2048).keyID("attacker-" + UUID.randomUUID()).generate();
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(attacker.getKeyID()).build(), claims());
      jwt.sign(new RSASSASigner(attacker));
      return jwt.serialize();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String tampered(String jwt, String claim, Object value) {
    try {
      String[] parts = jwt.split("\\.");
      JWTClaimsSet original = JWTClaimsSet.parse(new String(Base64URL.from(parts[1]).decode(), StandardCharsets.UTF_8));
      String changed = new JWTClaimsSet.Builder(original).claim(claim, value).build().toString();
      return parts[0] + "." + b64(changed) + "." + parts[2];
    } catch (java.text.ParseException e) {
      throw new IllegalStateException(e);
    }
  }
}
