package dev.gatehouse.keys.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Discovery, JWKS caching and rotation, algorithms and a failing provider, on our own loopback provider. */
class ProviderKeysTest {
  static final String CLIENT = "gatehouse";

  @TempDir Path data;
  StaticProvider provider;
  SqliteReplayGuard replays;
  MutableClock clock;

  @BeforeEach
  void start() throws IOException {
    provider = StaticProvider.start();
    replays = SqliteReplayGuard.open(data.resolve("gatehouse.db"));
    clock = new MutableClock(Instant.now());
  }

  @AfterEach
  void stop() {
    provider.close();
    replays.close();
  }

  IdTokenVerifier verifier() {
    return verifier(provider.issuer());
  }

  IdTokenVerifier verifier(URI issuer) {
    return new IdTokenVerifier(new OidcSettings(issuer, CLIENT), replays, clock, Duration.ofMillis(500));
  }

  JWTClaimsSet claims() {
    Instant now = clock.instant();
    return new JWTClaimsSet.Builder()
        .issuer(provider.issuer().toString())
        .audience(CLIENT)
        .subject("alice-sub")
        .claim("email", "alice@example.com")
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plusSeconds(300)))
        .jwtID(UUID.randomUUID().toString())
        .build();
  }

  static Stream<SigningKey> signingKeys() {
    return Stream.of(
        SigningKey.rsa("rs256", JWSAlgorithm.RS256),
        SigningKey.rsa("rs512", JWSAlgorithm.RS512),
        SigningKey.rsa("ps256", JWSAlgorithm.PS256),
        SigningKey.ec("es256", JWSAlgorithm.ES256),
        SigningKey.ec("es384", JWSAlgorithm.ES384),
        SigningKey.ec("es512", JWSAlgorithm.ES512),
        SigningKey.ed25519("eddsa", JWSAlgorithm.EdDSA),
        SigningKey.ed25519("ed25519", JWSAlgorithm.Ed25519));
  }

  @ParameterizedTest(name = "a token signed with {0} is accepted")
  @MethodSource("signingKeys")
  void tokensSignedWithEachAsymmetricAlgorithmAreAccepted(SigningKey key) throws Exception {
    provider.publish(key);

    assertThat(verifier().verify(key.sign(claims())).identity()).isEqualTo("alice@example.com");
  }

  @Test
  void anEd25519SignatureOverOtherClaimsIsRefused() {
    SigningKey key = SigningKey.ed25519("eddsa", JWSAlgorithm.EdDSA);
    provider.publish(key);
    String jwt = key.sign(claims());
    String other = key.sign(claims());
    String spliced = jwt.substring(0, jwt.lastIndexOf('.')) + other.substring(other.lastIndexOf('.'));

    assertThatThrownBy(() -> verifier().verify(spliced))
        .isInstanceOfSatisfying(TokenRejected.class, e -> assertThat(e.reason()).isEqualTo("bad-signature"));
  }

  @Test
  void aTokenWithoutJtiIsRememberedByItsHash() throws Exception {
    SigningKey key = SigningKey.rsa("a");
    provider.publish(key);
    String jwt = key.sign(new JWTClaimsSet.Builder(claims()).jwtID(null).build());
    IdTokenVerifier verifier = verifier();

    VerifiedToken verified = verifier.verify(jwt);

    assertThat(verified.tokenId()).hasSize(64).matches("[0-9a-f]+");
    assertThatThrownBy(() -> verifier.verify(jwt))
        .isInstanceOfSatisfying(TokenRejected.class, e -> assertThat(e.reason()).isEqualTo("replayed"));
  }

  @Test
  void aTokenWithoutIatIsRefusedAsStale() {
    SigningKey key = SigningKey.rsa("a");
    provider.publish(key);
    String jwt = key.sign(new JWTClaimsSet.Builder(claims()).issueTime(null).build());

    assertThatThrownBy(() -> verifier().verify(jwt))
        .isInstanceOfSatisfying(TokenRejected.class, e -> assertThat(e.reason()).isEqualTo("stale"));
  }

  @Test
  void expiryAllowsTheClockSkewAndNoMore() throws Exception {
    SigningKey key = SigningKey.rsa("a");
    provider.publish(key);
    IdTokenVerifier verifier = verifier();
    String first = key.sign(claims());
    String second = key.sign(claims());

    clock.advance(Duration.ofSeconds(300 + 59)); // exp + 59 s: within the 60 s skew; iat 359 s ago: within 5m + 60s
    assertThat(verifier.verify(first).identity()).isEqualTo("alice@example.com");
    clock.advance(Duration.ofSeconds(2));
    assertThatThrownBy(() -> verifier.verify(second))
        .isInstanceOfSatisfying(TokenRejected.class, e -> assertThat(e.reason()).isEqualTo("expired"));
  }

  @Test
  void aRotatedKeyIsFetchedWhenATokenNamesIt() throws Exception {
    SigningKey keyA = SigningKey.rsa("key-a");
    SigningKey keyB = SigningKey.rsa("key-b");
    provider.publish(keyA);
    IdTokenVerifier verifier = verifier();
    assertThat(verifier.verify(keyA.sign(claims())).identity()).isEqualTo("alice@example.com");

    provider.publish(keyB);
    clock.advance(OidcProvider.REFETCH_INTERVAL.plusSeconds(1));

    assertThat(verifier.verify(keyB.sign(claims())).identity()).isEqualTo("alice@example.com");
    assertThat(provider.jwksFetches).hasValue(2);
  }

  @Test
  void unknownKeyIdsRefetchTheJwksAtMostOncePerInterval() throws Exception {
    SigningKey keyA = SigningKey.rsa("key-a");
    SigningKey keyB = SigningKey.rsa("key-b");
    provider.publish(keyA);
    IdTokenVerifier verifier = verifier();
    verifier.verify(keyA.sign(claims()));
    provider.publish(keyA, keyB);

    List<String> reasons = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      String jwt = SigningKey.rsa("made-up-" + i).sign(claims());
      try {
        verifier.verify(jwt);
      } catch (TokenRejected e) {
        reasons.add(e.reason());
      }
    }
    assertThat(reasons).hasSize(10).containsOnly("unknown-key");
    assertThat(provider.jwksFetches).hasValue(1); // the first fetch was less than 30 s ago

    clock.advance(OidcProvider.REFETCH_INTERVAL.plusSeconds(1));
    verifier.verify(keyB.sign(claims()));
    assertThat(provider.jwksFetches).hasValue(2);
  }

  @Test
  void theCachedJwksIsRefreshedAfterAnHour() throws Exception {
    SigningKey keyA = SigningKey.rsa("key-a");
    provider.publish(keyA);
    IdTokenVerifier verifier = verifier();
    verifier.verify(keyA.sign(claims()));
    provider.publish(); // the provider withdrew key A

    clock.advance(OidcProvider.MAX_AGE);

    assertThatThrownBy(() -> verifier.verify(keyA.sign(claims())))
        .isInstanceOfSatisfying(TokenRejected.class, e -> assertThat(e.reason()).isEqualTo("unknown-key"));
    assertThat(provider.jwksFetches).hasValue(2);
  }

  @Test
  void aClosedProviderPortRefusesEveryTokenAsProviderUnavailable() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    IdTokenVerifier verifier = verifier(URI.create("http://127.0.0.1:" + closedPort + "/realms/corp"));
    String jwt = SigningKey.rsa("a").sign(claims("http://127.0.0.1:" + closedPort + "/realms/corp"));

    assertThatThrownBy(() -> verifier.verify(jwt))
        .isInstanceOfSatisfying(
            TokenRejected.class,
            e -> {
              assertThat(e.reason()).isEqualTo("provider-unavailable");
              assertThat(e.getMessage()).contains("127.0.0.1:" + closedPort);
            });
    assertThatThrownBy(verifier::metadata).isInstanceOf(IOException.class);
  }

  @Test
  void aProviderThatNeverAnswersTimesOut() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      Thread acceptor = new Thread(() -> {
        List<Socket> held = new ArrayList<>();
        try {
          while (true) {
            held.add(silent.accept()); // accept, never answer
          }
        } catch (IOException closed) {
          // the test is over
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      String issuer = "http://127.0.0.1:" + silent.getLocalPort();
      IdTokenVerifier verifier = verifier(URI.create(issuer));
      String jwt = SigningKey.rsa("a").sign(claims(issuer));

      long started = System.nanoTime();
      assertThatThrownBy(() -> verifier.verify(jwt))
          .isInstanceOfSatisfying(TokenRejected.class, e -> assertThat(e.reason()).isEqualTo("provider-unavailable"));
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    }
  }

  @Test
  void aFailedFetchIsNotRetriedForFiveSecondsThenIs() throws Exception {
    SigningKey key = SigningKey.rsa("a");
    provider.publish(key);
    provider.announceIssuer("https://elsewhere.example.com");
    IdTokenVerifier verifier = verifier();

    assertThatThrownBy(() -> verifier.verify(key.sign(claims())))
        .isInstanceOfSatisfying(
            TokenRejected.class,
            e -> {
              assertThat(e.reason()).isEqualTo("provider-unavailable");
              assertThat(e.getMessage()).contains("names issuer https://elsewhere.example.com");
            });
    provider.announceIssuer(null);
    assertThatThrownBy(() -> verifier.verify(key.sign(claims())))
        .isInstanceOfSatisfying(TokenRejected.class, e -> assertThat(e.reason()).isEqualTo("provider-unavailable"));

    clock.advance(OidcProvider.FAILURE_BACKOFF);
    assertThat(verifier.verify(key.sign(claims())).identity()).isEqualTo("alice@example.com");
  }

  @Test
  void metadataCarriesTheDeviceAuthorizationEndpoint() throws Exception {
    ProviderMetadata metadata = verifier().metadata();

    assertThat(metadata.deviceAuthorizationEndpoint()).isEqualTo(URI.create(provider.issuer() + "/device"));
    assertThat(metadata.jwksUri()).isEqualTo(URI.create(provider.issuer() + "/jwks"));
  }

  JWTClaimsSet claims(String issuer) {
    return new JWTClaimsSet.Builder(claims()).issuer(issuer).build();
  }
}
