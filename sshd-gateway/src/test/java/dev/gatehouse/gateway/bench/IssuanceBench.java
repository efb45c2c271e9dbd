package dev.gatehouse.gateway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gatehouse.gateway.Gateway;
import dev.gatehouse.gateway.config.ConfigLoader;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Benchmark, not a test: latency of {@code POST /v1/certificates} on this machine, with a real OIDC
 * provider (mock-oauth2-server) and the gateway's real web listener, in-process. Runs only with
 * {@code -Dbench=true} (bench/run does that); otherwise it is skipped.
 *
 * <p>Every request uses a fresh identity and a fresh single-use ID token, minted before the clock
 * starts. The gateway allows 30 requests a minute per source address (a token bucket of 30), and
 * all requests here come from 127.0.0.1, so WARMUP + RUNS stays at or under 30: the figures are
 * sequential latency for one client, not the gateway's capacity.
 *
 * <p>Prints {@code MEASURE name value unit} lines, and writes them to {@code -Dbench.out=FILE}.
 */
class IssuanceBench {
  static final String CLIENT = "gatehouse";
  static final int WARMUP = 3;
  static final int RUNS = Integer.getInteger("bench.issuance.runs", 25);
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void issuanceLatency() throws Exception {
    Assumptions.assumeTrue(Boolean.getBoolean("bench"), "a benchmark: run with -Dbench=true (bench/run)");
    assertThat(WARMUP + RUNS).as("per-address rate limit: 30 a minute").isLessThanOrEqualTo(30);
    MockOAuth2Server idp = new MockOAuth2Server();
    idp.start(InetAddress.getLoopbackAddress(), 0);
    Gateway gw = null;
    try {
      URI issuer = idp.issuerUrl("corp").uri();
      Path yaml = dir.resolve("gatehouse.yaml");
      Files.writeString(yaml, """
          dataDir: "%s"
          ssh: { listen: "127.0.0.1:0", hostNames: [127.0.0.1] }
          web: { listen: "127.0.0.1:0" }
          oidc: { issuer: "%s", clientId: %s, certificateTtl: 8h }
          targets:
            - name: shell
              type: command
              command: ["/bin/sh", "-i"]
              allow: { groups: [dev] }
          """.formatted(dir.resolve("data"), issuer, CLIENT));
      gw = Gateway.start(ConfigLoader.load(yaml));
      URI post = URI.create("http://127.0.0.1:" + gw.webPort() + "/v1/certificates");
      Path key = dir.resolve("id_ed25519");
      Process kg = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "bench", "-f", key.toString())
          .inheritIO().start();
      assertThat(kg.waitFor()).isZero();
      String publicKey = Files.readString(Path.of(key + ".pub")).trim();

      // Tokens first (the provider's RSA signing is not the gateway's cost), one identity each.
      List<String> bodies = new ArrayList<>();
      for (int i = 0; i < WARMUP + RUNS; i++) {
        String email = "bench-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
        String token = idp.issueToken("corp", CLIENT, new DefaultOAuth2TokenCallback("corp", "sub-" + email, "JWT",
            List.of(CLIENT), Map.of("email", email, "groups", List.of("dev")), 300)).serialize();
        ObjectNode n = JSON.createObjectNode();
        n.put("idToken", token);
        n.put("publicKey", publicKey);
        bodies.add(n.toString());
      }
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      double[] ms = new double[RUNS];
      long wall0 = 0;
      for (int i = 0; i < bodies.size(); i++) {
        if (i == WARMUP) {
          wall0 = System.nanoTime();
        }
        long t0 = System.nanoTime();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(post).header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(bodies.get(i))).build(), HttpResponse.BodyHandlers.ofString());
        long t1 = System.nanoTime();
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).path("certificate").asText()).startsWith("ssh-ed25519-cert-v01@openssh.com ");
        if (i >= WARMUP) {
          ms[i - WARMUP] = (t1 - t0) / 1e6;
        }
      }
      double wallS = (System.nanoTime() - wall0) / 1e9;
      double[] sorted = ms.clone();
      Arrays.sort(sorted);
      double median = RUNS % 2 == 1 ? sorted[RUNS / 2] : (sorted[RUNS / 2 - 1] + sorted[RUNS / 2]) / 2;
      // Nearest-rank p99: with 25 samples that is the largest.
      double p99 = sorted[(int) Math.ceil(0.99 * RUNS) - 1];
      List<String> lines = List.of(
          measure("issuance.n", RUNS, "requests"),
          measure("issuance.warmup", WARMUP, "requests"),
          measure("issuance.median", median, "ms"),
          measure("issuance.p99", p99, "ms"),
          measure("issuance.min", sorted[0], "ms"),
          measure("issuance.max", sorted[RUNS - 1], "ms"),
          measure("issuance.sequential_rate", RUNS / wallS, "per_s"),
          measure("issuance.samples", 0, Arrays.toString(ms).replace(" ", "")));
      lines.forEach(System.out::println);
      String out = System.getProperty("bench.out", "");
      if (!out.isEmpty()) {
        Files.write(Path.of(out), lines);
      }
    } finally {
      if (gw != null) {
        gw.close();
      }
      idp.shutdown();
    }
  }

  static String measure(String name, double value, String unit) {
    return String.format(java.util.Locale.ROOT, "MEASURE %s %.3f %s", name, value, unit);
  }
}
