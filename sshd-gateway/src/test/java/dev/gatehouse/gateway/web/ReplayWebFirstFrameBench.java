package dev.gatehouse.gateway.web;

import static dev.gatehouse.gateway.web.BrowserGateway.JSON;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gatehouse.recorder.SessionRecord;
import dev.gatehouse.recorder.SessionState;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A benchmark, not a test (failsafe runs it only when named): how long an auditor waits for a large
 * recording to show its first frame in the browser, through the real gateway. Recordings of
 * {@code -Dgatehouse.webPerf.sizes} MiB (default 10,100) are made by the real ssh client from bulk
 * output ({@code head -c N /dev/urandom | base64 -w 100}), then each is opened
 * {@code -Dgatehouse.webPerf.repeat} times (default 3) in a fresh page at {@code #t=1}: navigation
 * until the first terminal line with text. Lines "perf: {...}" on stdout; docs/PERFORMANCE.md.
 *
 * <pre>
 * ./mvnw -B -pl replay-web,sshd-gateway -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
 *   -Dit.test=ReplayWebFirstFrameBench -Dfailsafe.failIfNoSpecifiedTests=false
 * </pre>
 */
class ReplayWebFirstFrameBench {
  @TempDir static Path dir;
  static BrowserGateway gw;

  @BeforeAll
  static void start() throws Exception {
    gw = BrowserGateway.start(dir);
  }

  @AfterAll
  static void stop() throws Exception {
    if (gw != null) {
      gw.close();
    }
  }

  /** Recordings of each size made through the gateway; every one opened in fresh pages; prints the times. */
  @Test
  @Timeout(value = 1800, unit = TimeUnit.SECONDS)
  void largeRecordingsStartPlaying() throws Exception {
    String tag = UUID.randomUUID().toString().substring(0, 8);
    String bob = "bob-" + tag + "@example.com";
    Path key = gw.sign(bob, List.of("dev"));
    List<String> ids = new ArrayList<>();
    for (String size : System.getProperty("gatehouse.webPerf.sizes", "10,100").split(",")) {
      int mib = Integer.parseInt(size.strip());
      // base64 of random bytes, 100 columns a line: about 1.04 bytes of cast per byte of output
      long raw = (long) mib * 1024 * 1024 * 3 / 4 * 100 / 104;
      List<String> argv = gw.sshArgv(key, "shell", List.of());
      argv.add("head -c " + raw + " /dev/urandom | base64 -w 100");
      Process p = new ProcessBuilder(argv).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
      assertThat(p.waitFor(600, TimeUnit.SECONDS)).isTrue();
      SessionRecord s = gw.awaitSession(bob, r -> r.state() != SessionState.ACTIVE && ids.stream().noneMatch(r.id()::equals));
      ids.add(s.id());
      System.out.printf("perf: session %s recording %.1f MiB%n", s.id(), s.bytes() / 1048576.0);
    }
    String auditor = "perf-" + tag + "@example.com";
    Map<String, String> env = new LinkedHashMap<>();
    env.put("GH_LOGIN_USER", "perf-" + tag);
    env.put("GH_LOGIN_CLAIMS", JSON.writeValueAsString(Map.of("email", auditor, "groups", List.of("security"))));
    env.put("GH_EXPECT_IDENTITY", auditor);
    env.put("GH_PERF_SESSIONS", String.join(",", ids));
    env.put("GH_PERF_ONLY", "1");
    env.put("GH_PERF_REPEAT", System.getProperty("gatehouse.webPerf.repeat", "3"));
    for (JsonNode n : gw.runBrowser("perf-" + tag, env, Duration.ofMinutes(20))) {
      if (n.path("step").asText().equals("perf")) {
        System.out.println("perf: " + n);
      }
    }
  }
}
