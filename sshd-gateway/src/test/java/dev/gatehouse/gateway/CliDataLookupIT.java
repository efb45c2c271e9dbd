package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.config.ConfigLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real {@code bin/gatehouse} as a user runs it from some directory: it finds its config as
 * {@code serve} does, names a file it was not given, never makes a CA or a store for a command that
 * only reads them, and says in one line what is wrong with a file argument.
 */
class CliDataLookupIT {
  private static final Path LAUNCHER = Path.of("..", "bin", "gatehouse").toAbsolutePath().normalize();

  @TempDir Path dir;

  record Run(int exitCode, String stdout, String stderr) {}

  @BeforeAll
  static void noSystemConfig() {
    // The search order ends at /etc/gatehouse/gatehouse.yaml: these tests need the embedded defaults.
    assertThat(ConfigLoader.SYSTEM_CONFIG).as("a machine without an installed Gatehouse config").doesNotExist();
  }

  private static Run run(Path cwd, Map<String, String> extraEnv, String... args) throws IOException, InterruptedException {
    List<String> argv = new ArrayList<>(List.of(LAUNCHER.toString()));
    argv.addAll(List.of(args));
    Path io = Files.createTempDirectory("gh-cli-io-");
    ProcessBuilder pb = new ProcessBuilder(argv).directory(cwd.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectOutput(io.resolve("out").toFile()).redirectError(io.resolve("err").toFile());
    Map<String, String> env = pb.environment();
    env.remove("GATEHOUSE_CONFIG");
    env.remove("GATEHOUSE_JAR");
    env.put("JAVA", ProcessHandle.current().info().command().orElse("java"));
    env.putAll(extraEnv);
    Process p = pb.start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("gatehouse %s finished", String.join(" ", args)).isTrue();
    Run r = new Run(p.exitValue(), Files.readString(io.resolve("out"), StandardCharsets.UTF_8),
        Files.readString(io.resolve("err"), StandardCharsets.UTF_8));
    Files.delete(io.resolve("out"));
    Files.delete(io.resolve("err"));
    Files.delete(io);
    return r;
  }

  private static List<String> entries(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).toList();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "sessions list", "sessions show 7jxiimby2jefhe4t", "sessions verify", "sessions kill 7jxiimby2jefhe4t",
    "ca known-hosts", "ca target-key", "ca bindings", "approvals list", "web login-link"})
  void aReadingCommandInAnEmptyDirectoryExits78AndMakesNothing(String command) throws Exception {
    Path empty = Files.createDirectory(dir.resolve("empty"));

    Run r = run(empty, Map.of(), command.split(" "));

    assertThat(r.exitCode()).as("%s", r).isEqualTo(78);
    assertThat(r.stderr()).isEqualTo("gatehouse: no Gatehouse data at " + empty.resolve("var/gatehouse")
        + " (use --config, $GATEHOUSE_CONFIG or /etc/gatehouse/gatehouse.yaml)\n");
    assertThat(r.stdout()).isEmpty();
    assertThat(entries(empty)).as("no CA, no store, no directory").isEmpty();
  }

  @Test
  void aConfigFromGatehouseConfigIsNamedOnStderrAndAnExplicitOneIsNot() throws Exception {
    Path cwd = Files.createDirectory(dir.resolve("cwd"));
    Path config = dir.resolve("gatehouse.yaml");
    Files.writeString(config, "dataDir: " + dir.resolve("data") + "\nssh:\n  listen: \"127.0.0.1:2299\"\n"
        + "  hostNames: [gw.test]\ntargets: []\n");
    Map<String, String> env = new HashMap<>(Map.of("GATEHOUSE_CONFIG", config.toString()));

    Run missing = run(cwd, env, "ca", "known-hosts");
    assertThat(missing.exitCode()).as("%s", missing).isEqualTo(78);
    assertThat(missing.stderr()).isEqualTo("gatehouse: using " + config + "\ngatehouse: no Gatehouse data at "
        + dir.resolve("data") + " (use --config, $GATEHOUSE_CONFIG or /etc/gatehouse/gatehouse.yaml)\n");

    Run init = run(cwd, env, "ca", "init");
    assertThat(init.exitCode()).as("%s", init).isZero();
    assertThat(init.stderr()).isEqualTo("gatehouse: using " + config + "\n");

    Run found = run(cwd, env, "ca", "known-hosts");
    assertThat(found.exitCode()).as("%s", found).isZero();
    assertThat(found.stdout()).startsWith("@cert-authority [gw.test]:2299 ssh-ed25519 ");
    assertThat(found.stderr()).isEqualTo("gatehouse: using " + config + "\n");

    Run given = run(cwd, Map.of(), "ca", "known-hosts", "--config", config.toString());
    assertThat(given.exitCode()).as("%s", given).isZero();
    assertThat(given.stdout()).isEqualTo(found.stdout());
    assertThat(given.stderr()).as("a file given with --config is not announced").isEmpty();
    assertThat(entries(cwd)).as("nothing in the working directory").isEmpty();
  }

  @Test
  void caSignWithAMissingKeySaysSoInOneLineWithHowToMakeOneAndMakesNoCa() throws Exception {
    Path cwd = Files.createDirectory(dir.resolve("signer"));
    Path key = dir.resolve("home/.ssh/id_ed25519.pub");

    Run r = run(cwd, Map.of(), "ca", "sign", "--public-key", key.toString(), "--identity", "alice@example.com");

    assertThat(r.exitCode()).as("%s", r).isEqualTo(66);
    assertThat(r.stderr()).isEqualTo("gatehouse: --public-key " + key
        + ": no such file; make a key with: ssh-keygen -t ed25519\n");
    assertThat(r.stdout()).isEmpty();
    assertThat(entries(cwd)).as("no CA was made for a key that is not there").isEmpty();

    Run directory = run(cwd, Map.of(), "ca", "sign", "--public-key", dir.toString(), "--identity", "alice@example.com");
    assertThat(directory.exitCode()).as("%s", directory).isEqualTo(66);
    assertThat(directory.stderr()).isEqualTo("gatehouse: --public-key " + dir + ": is a directory, not a file\n");
  }
}
