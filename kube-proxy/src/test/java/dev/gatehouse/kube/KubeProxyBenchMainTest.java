package dev.gatehouse.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bench/kube's Java entry point runs end to end with tiny counts and writes what the report reads.
 * No figure is judged here: the bench's own checks (every answer 200 and of the upstream's length,
 * the proxy's document equal to the upstream's, every Secret value masked, every planted token
 * gone) make it fail if the proxy misbehaves.
 */
class KubeProxyBenchMainTest {
  @TempDir Path dir;

  @Test
  void benchEntryPointRunsBothPartsAndWritesEveryMeasurement() throws Exception {
    Path out = dir.resolve("kube-bench.json");
    KubeProxyBenchMain.main(new String[] {"--out", out.toString(), "--gets", "5", "--list-gets", "3", "--pods", "4",
        "--repeats", "2", "--warmup-gets", "1", "--warmup-list-gets", "1", "--secrets", "40", "--config-maps", "40",
        "--mask-repeats", "1", "--mask-passes", "1", "--mask-warmup", "0"});

    JsonNode r = new ObjectMapper().readTree(Files.readString(out));
    // 2 repeats x (pod, list) x (direct, proxy)
    assertThat(r.get("latencyRuns")).hasSize(8);
    assertThat(r.get("latencyRuns")).allSatisfy(run -> {
      assertThat(run.get("p99us").asDouble()).isGreaterThanOrEqualTo(run.get("p50us").asDouble()).isPositive();
      assertThat(run.get("loadBefore").asText()).isNotBlank();
    });
    assertThat(r.get("latencyRuns")).filteredOn(run -> run.get("case").asText().equals("list"))
        .allSatisfy(run -> assertThat(run.get("n").asInt()).isEqualTo(3));
    // Every proxied request answered 200: the check, 1 + 1 warm-up and 2 x (5 + 3) measured
    assertThat(r.at("/proxyStatuses/200").asInt()).isEqualTo(2 + 2 + 16);
    assertThat(r.get("proxyStatuses")).hasSize(1);
    assertThat(r.get("upstreamRequests").asInt()).isEqualTo(2 * (2 + 2 + 16));
    assertThat(r.at("/maskLists/secrets/items").asInt()).isEqualTo(40);
    assertThat(r.at("/maskLists/configMaps/plantedTokens").asInt()).isEqualTo(2);
    assertThat(r.get("maskRuns")).hasSize(4).allSatisfy(run -> assertThat(run.get("mbPerS").asDouble()).isPositive());
  }
}
