package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gatehouse.gateway.terminal.UnixUser;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release tarball that {@code package} builds ({@code target/gatehouse-VERSION.tar.gz}), as a
 * user gets it: listed and unpacked with the real {@code tar}, run from the unpacked directory
 * outside the checkout with an environment that holds nothing but a {@code PATH} of the named
 * tools (no Maven, no repository), and installed with its own {@code systemd/install.sh}.
 */
class ReleaseTarballIT {
  /** The repository root: failsafe runs in the module directory. */
  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
  /** The project version, handed over by failsafe (sshd-gateway/pom.xml). */
  private static final String VERSION = System.getProperty("gatehouse.version");
  private static final Path TARBALL = Path.of("target/gatehouse-" + VERSION + ".tar.gz").toAbsolutePath();
  private static final String TOP = "gatehouse-" + VERSION + "/";
  /** The embedded defaults' SSH address (gatehouse-defaults.yaml). */
  private static final int DEFAULTS_PORT = 2222;

  @TempDir Path dir;

  record Run(int exitCode, String stdout, String stderr) {}

  /** The PATH directories' links point outside the temp dir: remove them before JUnit cleans it up. */
  @AfterEach
  void removePathLinks() throws IOException {
    try (Stream<Path> entries = Files.list(dir)) {
      for (Path d : entries.filter(p -> p.getFileName().toString().startsWith("path-")).toList()) {
        try (Stream<Path> links = Files.list(d)) {
          for (Path l : links.toList()) {
            Files.delete(l);
          }
        }
      }
    }
  }

  /** Runs argv in {@code cwd} with exactly {@code env} as the environment; stdout and stderr apart. */
  private Run run(Path cwd, Map<String, String> env, String... argv) throws IOException, InterruptedException {
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    ProcessBuilder pb = new ProcessBuilder(argv).directory(cwd.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().clear();
    pb.environment().putAll(env);
    Process p = pb.start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s finished", Arrays.toString(argv)).isTrue();
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  /** A directory holding only symlinks to {@code tools}: the PATH of a host with nothing else. */
  private Path pathWith(String... tools) throws IOException {
    Path bin = Files.createDirectories(dir.resolve("path-" + String.join("-", tools)));
    for (String tool : tools) {
      Path real = tool.equals("java")
          ? Path.of(ProcessHandle.current().info().command().orElseThrow()) // this JVM's java
          : Stream.of("/usr/bin/", "/bin/").map(d -> Path.of(d + tool)).filter(Files::isExecutable)
              .findFirst().orElseThrow(() -> new AssertionError(tool + " not found"));
      Files.createSymbolicLink(bin.resolve(tool), real);
    }
    return bin;
  }

  /** Unpacks the tarball into a fresh directory and returns the release's top directory. */
  private Path unpack() throws IOException, InterruptedException {
    assertThat(TARBALL).as("the release tarball (built by package before integration-test)").exists();
    Path into = Files.createDirectories(dir.resolve("opt"));
    Run r = run(into, Map.of("PATH", "/usr/bin:/bin"), "tar", "-xzf", TARBALL.toString());
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    return into.resolve(TOP);
  }

  @Test
  void tarballHoldsTheLauncherTheJarServiceFilesDocsAndLicenceWithTheirModes() throws Exception {
    assertThat(TARBALL).as("the release tarball (built by package before integration-test)").exists();
    Run r = run(dir, Map.of("PATH", "/usr/bin:/bin"), "tar", "-tvzf", TARBALL.toString());
    assertThat(r.exitCode()).as(r.stderr()).isZero();

    // GNU tar -tv: "MODE OWNER SIZE DATE TIME NAME"
    Map<String, String> files = new TreeMap<>();
    for (String line : r.stdout().lines().toList()) {
      String[] f = line.trim().split("\\s+", 6);
      String mode = f[0];
      String name = f[5];
      assertThat(name).as("every entry under the release's top directory").startsWith(TOP);
      if (mode.startsWith("d")) {
        assertThat(mode).as(name).isEqualTo("drwxr-xr-x");
      } else {
        files.put(name.substring(TOP.length()), mode);
      }
    }

    Map<String, String> expected = new TreeMap<>();
    expected.put("bin/gatehouse", "-rwxr-xr-x");
    expected.put("lib/gatehouse.jar", "-rw-r--r--");
    expected.put("systemd/install.sh", "-rwxr-xr-x");
    for (String f : List.of("gatehouse.service", "gatehouse.sysusers", "gatehouse.tmpfiles", "gatehouse.yaml")) {
      expected.put("systemd/" + f, "-rw-r--r--");
    }
    try (Stream<Path> docs = Files.list(REPO.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).forEach(p -> expected.put("docs/" + p.getFileName(), "-rw-r--r--"));
    }
    for (String f : List.of("LICENSE", "README.md", "CHANGELOG.md")) {
      expected.put(f, "-rw-r--r--");
    }
    assertThat(expected).containsKey("docs/operations.md").containsKey("docs/configuration.md");
    assertThat(files).isEqualTo(expected);
  }

  @Test
  void unpackedReleaseRunsWithOnlyJavaOnThePath() throws Exception {
    Path release = unpack();
    assertThat(release.resolve("lib/gatehouse.jar")).hasSameBinaryContentAs(GatewayProcess.JAR);
    assertThat(release.resolve("LICENSE")).hasSameTextualContentAs(REPO.resolve("LICENSE"));
    assertThat(Files.readString(release.resolve("LICENSE")))
        .contains("Apache License").contains("Version 2.0, January 2004");
    Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
    Map<String, String> onlyJava = Map.of("PATH", pathWith("java").toString());

    Run byPath = run(elsewhere, onlyJava, release.resolve("bin/gatehouse").toString(), "--version");
    assertThat(byPath.exitCode()).as(byPath.stderr()).isZero();
    assertThat(byPath.stdout()).isEqualTo("gatehouse " + VERSION + "\n");

    // Started as bin/gatehouse from the release's own directory.
    Run relative = run(release, onlyJava, "bin/gatehouse", "--version");
    assertThat(relative.exitCode()).as(relative.stderr()).isZero();
    assertThat(relative.stdout()).isEqualTo("gatehouse " + VERSION + "\n");

    // A CLI command that reads the data directory: the CA is made and the trust line printed.
    Run ca = run(elsewhere, onlyJava, release.resolve("bin/gatehouse").toString(), "ca", "init");
    assertThat(ca.exitCode()).as(ca.stdout() + ca.stderr()).isZero();
    Run knownHosts = run(elsewhere, onlyJava, release.resolve("bin/gatehouse").toString(), "ca", "known-hosts");
    assertThat(knownHosts.exitCode()).as(knownHosts.stderr()).isZero();
    assertThat(knownHosts.stdout()).startsWith("@cert-authority ");
    assertThat(elsewhere.resolve("var/gatehouse/ca/user_ca")).exists();
  }

  @Test
  void launcherFollowsASymlinkToTheRelease() throws Exception {
    Path release = unpack();
    // As an operator links it into a directory on PATH: the jar is still found beside the target.
    Path path = pathWith("java", "readlink");
    Files.createSymbolicLink(path.resolve("gatehouse"), release.resolve("bin/gatehouse"));

    // (ProcessBuilder looks programs up on this JVM's PATH: name the link itself.)
    Run r = run(dir, Map.of("PATH", path.toString()), path.resolve("gatehouse").toString(), "--version");

    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stdout()).isEqualTo("gatehouse " + VERSION + "\n");
  }

  /** The embedded defaults as shipped in the jar (gatehouse-defaults.yaml). */
  private static String embeddedDefaults() throws IOException {
    try (InputStream in = ReleaseTarballIT.class.getResourceAsStream("/gatehouse-defaults.yaml")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Every loopback port the embedded defaults listen on (SSH, and the web if they set it). */
  private static List<Integer> defaultsPorts(String defaults) {
    return java.util.regex.Pattern.compile("127\\.0\\.0\\.1:(\\d+)").matcher(defaults).results()
        .map(m -> Integer.parseInt(m.group(1))).toList();
  }

  @Test
  void quickStartFromTheReleaseServesOnTheEmbeddedDefaultsWithoutWarnings() throws Exception {
    assumeTrue(!Files.exists(Path.of("/etc/gatehouse/gatehouse.yaml")), "no /etc/gatehouse/gatehouse.yaml here");
    List<Integer> ports = defaultsPorts(embeddedDefaults());
    assertThat(ports).contains(DEFAULTS_PORT);
    for (int port : ports) {
      assumeTrue(portFree(port), "127.0.0.1:" + port + " free for the embedded defaults");
    }
    Path release = unpack();
    Path cwd = Files.createDirectories(dir.resolve("quickstart"));
    // java, and id: the gateway looks up the account sessions run as when it is root.
    Map<String, String> env = Map.of("PATH", pathWith("java", "id").toString());

    Served s = serve(cwd, env, DEFAULTS_PORT, release.resolve("bin/gatehouse").toString(), "serve");

    assertThat(s.banner()).startsWith("SSH-2.0-");
    assertThat(s.stdout()).contains("Gatehouse is listening on 127.0.0.1:" + DEFAULTS_PORT
        + " (data in " + cwd.toRealPath().resolve("var/gatehouse") + ", config: embedded defaults)");
    // The quick start says nothing at start that it would ask its user to fix: no warning at all.
    assertThat(s.startLog().lines().filter(l -> l.contains("[WARN]") || l.contains("[ERROR]")).toList())
        .as(s.startLog()).isEmpty();
    assertThat(s.startLog()).contains("target 'shell' (embedded defaults): its sessions run as 'nobody'")
        .doesNotContain("has no runAs");
    // The JVM ends 143 (128 + SIGTERM) after its shutdown hooks: the unit counts that as a clean stop.
    assertThat(s.exitCode()).as("exit after SIGTERM\n" + s.stderr()).isEqualTo(143);
    assertThat(Files.readString(release.resolve("systemd/gatehouse.service"))).contains("\nSuccessExitStatus=143\n");
  }

  @Test
  void theDefaultsWrittenAsAConfigFileStillWarnAboutTheMissingRunAs() throws Exception {
    // The same demo target in an operator's file: a root gateway warns that it runs as 'nobody'.
    assumeTrue(UnixUser.canSwitchUsers(), "a gateway that switches users (root)");
    Path release = unpack();
    int port = SshdProcess.freePort();
    String defaults = embeddedDefaults();
    assertThat(defaults).contains("listen: \"127.0.0.1:" + DEFAULTS_PORT + "\"").doesNotContain("runAs");
    // Free ports instead of the defaults' fixed ones: SSH on the one this test connects to.
    for (int fixed : defaultsPorts(defaults)) {
      int free = fixed == DEFAULTS_PORT ? port : SshdProcess.freePort();
      defaults = defaults.replace("127.0.0.1:" + fixed, "127.0.0.1:" + free);
    }
    Path config = dir.resolve("gatehouse.yaml");
    Files.writeString(config, defaults);

    Served s = serve(dir, Map.of("PATH", pathWith("java", "id").toString()), port,
        release.resolve("bin/gatehouse").toString(), "serve", "--config", config.toString());

    assertThat(s.banner()).startsWith("SSH-2.0-");
    assertThat(s.startLog()).contains("[WARN] Gateway - target 'shell' has no runAs: its sessions run as 'nobody'");
  }

  @Test
  void installScriptFromTheUnpackedReleasePutsEveryFileInPlace() throws Exception {
    Path release = unpack();
    Path dest = Files.createDirectories(dir.resolve("root"));

    Run r = run(release, Map.of("PATH", "/usr/bin:/bin", "DESTDIR", dest.toString()),
        "bash", release.resolve("systemd/install.sh").toString());

    assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
    assertThat(dest.resolve("usr/share/gatehouse/gatehouse.jar")).hasSameBinaryContentAs(release.resolve("lib/gatehouse.jar"));
    Path launcher = dest.resolve("usr/bin/gatehouse");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(launcher))).isEqualTo("rwxr-xr-x");
    assertThat(Files.readString(launcher)).contains("-jar /usr/share/gatehouse/gatehouse.jar");
    assertThat(dest.resolve("etc/systemd/system/gatehouse.service"))
        .hasSameTextualContentAs(release.resolve("systemd/gatehouse.service"));
    assertThat(dest.resolve("usr/lib/sysusers.d/gatehouse.conf"))
        .hasSameTextualContentAs(release.resolve("systemd/gatehouse.sysusers"));
    assertThat(dest.resolve("usr/lib/tmpfiles.d/gatehouse.conf"))
        .hasSameTextualContentAs(release.resolve("systemd/gatehouse.tmpfiles"));
    Path config = dest.resolve("etc/gatehouse/gatehouse.yaml");
    assertThat(config).hasSameTextualContentAs(release.resolve("systemd/gatehouse.yaml"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config))).isEqualTo("rw-r-----");
    // The unit's Documentation= line points here; every doc and the licence come along.
    List<String> docs = new ArrayList<>();
    try (Stream<Path> s = Files.list(release.resolve("docs"))) {
      s.forEach(p -> docs.add(p.getFileName().toString()));
    }
    docs.add("LICENSE");
    docs.add("README.md");
    for (String d : docs) {
      assertThat(dest.resolve("usr/share/doc/gatehouse/" + d)).as(d).exists();
    }
    assertThat(Files.readString(dest.resolve("etc/systemd/system/gatehouse.service")))
        .contains("Documentation=file:/usr/share/doc/gatehouse/operations.md");
  }

  /** What a started gateway showed: {@code startLog} is its stderr up to the moment it was up. */
  record Served(String banner, String stdout, String startLog, String stderr, int exitCode) {}

  /**
   * Starts argv in {@code cwd}, waits until it answers on {@code port} and has printed its welcome
   * (printed once it is up), reads the SSH banner, then stops it with SIGTERM (as systemd does) and
   * returns what it printed and its exit code.
   */
  private Served serve(Path cwd, Map<String, String> env, int port, String... argv) throws Exception {
    Path out = Files.createTempFile(dir, "serve-out", ".txt");
    Path err = Files.createTempFile(dir, "serve-err", ".txt");
    ProcessBuilder pb = new ProcessBuilder(argv).directory(cwd.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().clear();
    pb.environment().putAll(env);
    Process p = pb.start();
    try {
      String banner = null;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (banner == null || !Files.readString(out).contains("Gatehouse is listening on")) {
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
          s.setSoTimeout(10_000);
          banner = readLine(s.getInputStream());
          if (!Files.readString(out).contains("Gatehouse is listening on")) {
            throw new IOException("no welcome yet");
          }
        } catch (IOException notYet) {
          String log = Files.readString(err);
          if (!p.isAlive()) {
            // Another program took one of the defaults' fixed ports between the check and the start.
            assumeTrue(!log.contains("cannot listen on") && !log.contains("Address already in use"), log);
            throw new AssertionError("gateway exited " + p.exitValue() + " before listening:\n"
                + Files.readString(out) + log);
          }
          if (System.nanoTime() > deadline) {
            throw new AssertionError("gateway did not listen on " + port + ":\n" + Files.readString(out) + log);
          }
          Thread.sleep(100);
        }
      }
      String startLog = Files.readString(err);
      p.destroy(); // SIGTERM to the JVM: bin/gatehouse exec'd it
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("gateway stopped on SIGTERM").isTrue();
      return new Served(banner, Files.readString(out), startLog, Files.readString(err), p.exitValue());
    } finally {
      if (p.isAlive()) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private static String readLine(InputStream in) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int c = in.read(); c != -1 && c != '\n' && sb.length() < 255; c = in.read()) {
      sb.append((char) c);
    }
    return sb.toString().strip();
  }

  private static boolean portFree(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
