package dev.gatehouse.policy.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Which programs the machine running the tests has (sandbox proofs skip a finding whose program is missing). */
final class TestPrograms {
  private TestPrograms() {}

  static boolean onPath(String name) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, name))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Runs a sandbox command line to its end (at most a minute) and returns what it printed, stdout
   * and stderr together (read while it runs, so a long output cannot stall it).
   */
  static String output(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> {
      try {
        return p.getInputStream().readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    boolean finished = p.waitFor(60, TimeUnit.SECONDS);
    if (!finished) {
      p.destroyForcibly();
    }
    assertThat(finished).as("the sandbox finished").isTrue();
    return new String(out.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8);
  }
}
