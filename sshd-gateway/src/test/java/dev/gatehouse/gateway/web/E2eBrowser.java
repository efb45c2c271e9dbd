package dev.gatehouse.gateway.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code replay-web/frontend/test/e2e.mjs} in Debian's headless Chromium (driven by
 * playwright-core, never downloaded), against any gateway's web listener: the browser half of the
 * browser tests, for {@link BrowserGateway} and for tests of other packages.
 */
public final class E2eBrowser {
  public static final Path CHROMIUM = Path.of(System.getProperty("gatehouse.chromium", "/usr/bin/chromium"));
  static final ObjectMapper JSON = new ObjectMapper();

  private E2eBrowser() {}

  /** Fails, naming what is missing, unless Chromium, node and playwright-core are here. */
  public static Path checkInstalled() throws InterruptedException {
    assertThat(Files.isExecutable(CHROMIUM))
        .as("Chromium missing at %s: the browser test needs Debian's chromium (apt-get install -y chromium;"
            + " .ci/run installs it). It is not downloaded by the build.", CHROMIUM)
        .isTrue();
    try {
      Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
      p.getInputStream().readAllBytes();
      assertThat(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0).as("node --version").isTrue();
    } catch (IOException e) {
      throw new AssertionError("node is not installed: the browser test runs replay-web/frontend/test/e2e.mjs with it", e);
    }
    Path frontend = frontendDir();
    assertThat(frontend.resolve("node_modules/playwright-core"))
        .as("playwright-core not installed under %s: the Maven build runs `npm ci` there", frontend)
        .isDirectory();
    return frontend;
  }

  /**
   * Runs e2e.mjs against {@code baseUrl} with {@code env} (see the script's header); fails with its
   * output unless it ends with E2E-OK. Returns its step lines. Screenshots: target/replay-web-e2e/NAME.
   */
  public static List<JsonNode> run(String baseUrl, String name, Map<String, String> env, Duration timeout)
      throws Exception {
    Path frontend = frontendDir();
    Path shots = Path.of("target", "replay-web-e2e", name).toAbsolutePath();
    Files.createDirectories(shots);
    ProcessBuilder pb = new ProcessBuilder("node", "test/e2e.mjs").directory(frontend.toFile()).redirectErrorStream(true);
    pb.environment().put("GH_BASE_URL", baseUrl);
    pb.environment().put("GH_SCREENSHOTS", shots.toString());
    pb.environment().put("GH_CHROMIUM", CHROMIUM.toString());
    pb.environment().putAll(env);
    Path log = shots.resolve("e2e.log");
    pb.redirectOutput(log.toFile());
    Process p = pb.start();
    boolean done = p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS);
    if (!done) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    String out = Files.readString(log);
    assertThat(done).as("e2e.mjs did not finish; its output:%n%s", out).isTrue();
    assertThat(p.exitValue()).as("e2e.mjs failed (screenshots in %s):%n%s", shots, out).isZero();
    assertThat(out).contains("E2E-OK");
    List<JsonNode> steps = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (line.startsWith("{\"step\"")) {
        steps.add(JSON.readTree(line));
      }
    }
    return steps;
  }

  /** The first step line named {@code name}. */
  public static JsonNode step(List<JsonNode> steps, String name) {
    return steps.stream().filter(n -> n.path("step").asText().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no step " + name + " in " + steps));
  }

  static Path frontendDir() {
    String prop = System.getProperty("gatehouse.frontendDir");
    if (prop != null) {
      return Path.of(prop).toAbsolutePath().normalize();
    }
    Path here = Path.of("").toAbsolutePath();
    for (Path p = here; p != null; p = p.getParent()) {
      Path f = p.resolve("replay-web/frontend");
      if (Files.isRegularFile(f.resolve("test/e2e.mjs"))) {
        return f;
      }
    }
    throw new AssertionError("replay-web/frontend not found above " + here);
  }
}
