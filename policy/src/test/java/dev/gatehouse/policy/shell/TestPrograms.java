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
   * The bubblewrap command line the attack passes prove a finding with: bash runs {@code setup},
   * then {@code text} in a subshell, then {@code check}, in /tmp of a throwaway sandbox (the host
   * read-only, no network, its own /tmp, HOME and runtime directory).
   */
  static List<String> sandbox(String setup, String text, String check) {
    return sandbox("cd /tmp\n" + setup + "\n(" + text + ")\n" + check + "\n");
  }

  /** The same sandbox running a whole bash script. */
  static List<String> sandbox(String script) {
    return List.of("bwrap", "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
        "--die-with-parent", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
        "--setenv", "HOME", "/tmp", "--setenv", "XDG_RUNTIME_DIR", "/tmp", "--chdir", "/tmp", "bash", "-c", script);
  }

  /**
   * Runs {@link #sandbox} and returns its output; skips the test where bwrap, bash or {@code tool}
   * is missing or the tests do not run as root (the sandbox without a user namespace needs root).
   */
  static String sandboxOutput(String tool, String setup, String text, String check) throws Exception {
    assumeSandbox(tool);
    return output(sandbox(setup, text, check));
  }

  /** Skips the test where bwrap, bash or {@code tool} is missing or the tests do not run as root. */
  static void assumeSandbox(String tool) {
    org.junit.jupiter.api.Assumptions.assumeTrue(onPath("bwrap") && onPath("bash") && onPath(tool),
        "bwrap, bash and " + tool + " are needed");
    org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
        "the sandbox without a user namespace needs root");
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
