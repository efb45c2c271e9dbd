package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The gateway as operators run it: {@code java -jar gatehouse.jar serve --config FILE} in a JVM
 * of its own, so signals (SIGHUP reload, SIGTERM drain) reach a real process. The jar is the one
 * {@code package} built before {@code integration-test}.
 */
final class GatewayProcess implements AutoCloseable {
  /** Relative to the module directory, where failsafe runs. */
  static final Path JAR = Path.of("target/gatehouse.jar").toAbsolutePath();

  private final Process process;
  private final Path stdout;
  private final Path stderr;

  private GatewayProcess(Process process, Path stdout, Path stderr) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /** Starts {@code serve --config configFile} and waits until it listens on {@code port}. */
  static GatewayProcess serve(Path dir, Path configFile, int port) throws IOException, InterruptedException {
    return serve(dir, configFile, port, List.of());
  }

  /**
   * The same, with {@code prefix} in front of the java command (e.g. setpriv, to run it as a
   * service account with the unit's capabilities).
   */
  static GatewayProcess serve(Path dir, Path configFile, int port, List<String> prefix)
      throws IOException, InterruptedException {
    assertThat(JAR).as("the fat jar (built by package before integration-test)").exists();
    Path out = dir.resolve("gateway.stdout");
    Path err = dir.resolve("gateway.stderr");
    List<String> argv = new ArrayList<>(prefix);
    argv.addAll(List.of(java(), "-Xmx256m", "-jar", JAR.toString(), "serve", "--config", configFile.toString()));
    ProcessBuilder pb = new ProcessBuilder(argv)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectOutput(out.toFile())
        .redirectError(err.toFile());
    pb.environment().remove("GATEHOUSE_CONFIG");
    GatewayProcess g = new GatewayProcess(pb.start(), out, err);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try (Socket ignored = new Socket("127.0.0.1", port)) {
        return g;
      } catch (IOException notYet) {
        if (!g.process.isAlive() || System.nanoTime() > deadline) {
          g.close();
          throw new AssertionError("gateway did not listen on " + port + ":\n" + g.output());
        }
        Thread.sleep(50);
      }
    }
  }

  /** Runs a one-shot {@code gatehouse ARGS} from the same jar; stdout and stderr apart. */
  static GatewayFixture.CliResult cli(String... args) throws IOException, InterruptedException {
    return cliWithInput(Path.of("/dev/null"), args);
  }

  /** The same, with {@code stdin} as its standard input (a pipe from journalctl, say). */
  static GatewayFixture.CliResult cliWithInput(Path stdin, String... args) throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of(java(), "-jar", JAR.toString()));
    argv.addAll(Arrays.asList(args));
    Path io = Files.createTempDirectory("gh-cli-");
    try {
      ProcessBuilder pb = new ProcessBuilder(argv)
          .redirectInput(ProcessBuilder.Redirect.from(stdin.toFile()))
          .redirectOutput(io.resolve("out").toFile())
          .redirectError(io.resolve("err").toFile());
      pb.environment().remove("GATEHOUSE_CONFIG");
      Process p = pb.start();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("gatehouse %s finished", String.join(" ", args)).isTrue();
      return new GatewayFixture.CliResult(p.exitValue(), Files.readString(io.resolve("out")),
          Files.readString(io.resolve("err")));
    } finally {
      for (String f : List.of("out", "err")) {
        Files.deleteIfExists(io.resolve(f));
      }
      Files.deleteIfExists(io);
    }
  }

  private static String java() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  long pid() {
    return process.pid();
  }

  /** Sends a signal the way systemd's ExecReload and an operator do: {@code kill -SIG pid}. */
  void signal(String name) throws IOException, InterruptedException {
    Process k = new ProcessBuilder("kill", "-" + name, String.valueOf(pid())).redirectErrorStream(true).start();
    assertThat(k.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(k.exitValue()).as("kill -%s %d", name, pid()).isZero();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** The exit code, failing if the gateway still runs after {@code timeout}. */
  int awaitExit(Duration timeout) throws InterruptedException, IOException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("gateway still running after " + timeout.toMillis() + " ms:\n" + output());
    }
    return process.exitValue();
  }

  String stderr() throws IOException {
    return Files.readString(stderr, StandardCharsets.UTF_8);
  }

  /** Waits up to {@code timeout} for the gateway's stderr (its log) to contain {@code text}. */
  String awaitStderr(String text, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      String s = stderr();
      if (s.contains(text)) {
        return s;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("gateway log never said '" + text + "':\n" + output());
      }
      Thread.sleep(50);
    }
  }

  String stdout() throws IOException {
    return Files.readString(stdout, StandardCharsets.UTF_8);
  }

  /** Waits up to {@code timeout} for the gateway's stdout (what it prints for people) to match {@code pattern}. */
  java.util.regex.Matcher awaitStdout(java.util.regex.Pattern pattern, Duration timeout)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      java.util.regex.Matcher m = pattern.matcher(stdout());
      if (m.find()) {
        return m;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("gateway never printed " + pattern + ":\n" + output());
      }
      Thread.sleep(50);
    }
  }

  /** Everything the gateway printed, for failure messages. */
  String output() throws IOException {
    return "--- gateway stdout ---\n" + Files.readString(stdout) + "\n--- gateway stderr ---\n" + stderr();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    }
  }
}
