package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.gateway.cli.GatehouseCommand;
import dev.gatehouse.gateway.config.ConfigLoader;
import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.keys.CertificateAuthority;
import dev.gatehouse.keys.CertificateLedger;
import dev.gatehouse.keys.UserCertificateRequest;
import dev.gatehouse.recorder.SessionIndex;
import dev.gatehouse.recorder.SessionQuery;
import dev.gatehouse.recorder.SessionRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/**
 * A gateway started in-process on a free loopback port with its data in a temporary directory,
 * and the real OpenSSH client pointed at it with host-key checking on (a real known_hosts line
 * from the gateway's host CA).
 */
final class GatewayFixture implements AutoCloseable {
  static final String SSH = "/usr/bin/ssh";
  static final String SSH_KEYGEN = "/usr/bin/ssh-keygen";
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** shell (dev; bash interactively, sh -c for exec), tools (dev), ops-only (ops). Children run as nobody. */
  static final String DEFAULT_TARGETS =
      """
      targets:
        - name: shell
          type: command
          command: ["/bin/bash", "--noprofile", "--norc", "-i"]
          exec: ["/bin/sh", "-c"]
          env: { PATH: "/usr/bin:/bin", PS1: "gh$ ", GH_TARGET_ENV: from-target }
          runAs: nobody
          allow: { groups: [dev] }
        - name: tools
          type: command
          command: ["/bin/sh", "-i"]
          env: { PATH: "/usr/bin:/bin", PS1: "tools$ " }
          runAs: nobody
          allow: { groups: [dev] }
        - name: ops-only
          type: command
          command: ["/bin/sh", "-i"]
          env: { PATH: "/usr/bin:/bin" }
          runAs: nobody
          allow: { groups: [ops] }
      """;

  private final Path dir;
  private final Path configFile;
  private final GatewayConfig config;
  private final Gateway gateway; // null for a gateway in another process
  private final CertificateAuthority ca;
  private final int port;
  private final Path knownHosts;

  private GatewayFixture(Path dir, Path configFile, GatewayConfig config, Gateway gateway, CertificateAuthority ca,
      int port) throws IOException {
    this.dir = dir;
    this.configFile = configFile;
    this.config = config;
    this.gateway = gateway;
    this.ca = ca;
    this.port = port;
    this.knownHosts = dir.resolve("known_hosts");
    Files.writeString(knownHosts, ca.knownHostsLine(List.of("[127.0.0.1]:" + port)) + "\n");
  }

  /** Clients for a gateway running in another process on {@code port} with this config file. */
  static GatewayFixture external(Path dir, Path configFile, int port) throws Exception {
    GatewayConfig config = ConfigLoader.load(configFile);
    return new GatewayFixture(dir, configFile, config, null, CertificateAuthority.load(config.caDirectory()), port);
  }

  static GatewayFixture start(Path dir) throws Exception {
    return start(dir, "", DEFAULT_TARGETS);
  }

  /**
   * Writes dir/gatehouse.yaml (dataDir dir/data, ssh.listen 127.0.0.1:0, plus {@code sshExtra}
   * lines under ssh: and the {@code targets} block), loads it with the real loader, starts.
   */
  static GatewayFixture start(Path dir, String sshExtra, String targets) throws Exception {
    return start(dir, "127.0.0.1:0", sshExtra, targets);
  }

  /** The same, listening on {@code listen} (e.g. "[::]:0" for both IPv4 and IPv6 clients). */
  static GatewayFixture start(Path dir, String listen, String sshExtra, String targets) throws Exception {
    Path dataDir = dir.resolve("data");
    StringBuilder yaml = new StringBuilder();
    yaml.append("dataDir: \"").append(dataDir).append("\"\n");
    yaml.append("ssh:\n  listen: \"").append(listen).append("\"\n  hostNames: [127.0.0.1, localhost]\n");
    for (String line : sshExtra.lines().toList()) {
      yaml.append("  ").append(line).append('\n');
    }
    yaml.append(targets);
    Path configFile = dir.resolve("gatehouse.yaml");
    Files.writeString(configFile, yaml);
    GatewayConfig config = ConfigLoader.load(configFile);
    Gateway gateway = Gateway.start(config);
    try {
      return new GatewayFixture(dir, configFile, config, gateway, gateway.certificateAuthority(), gateway.port());
    } catch (IOException | RuntimeException e) {
      gateway.close();
      throw e;
    }
  }

  Gateway gateway() {
    return gateway;
  }

  int port() {
    return port;
  }

  Path dataDir() {
    return config.dataDir();
  }

  Path configFile() {
    return configFile;
  }

  Path knownHosts() {
    return knownHosts;
  }

  Path userCaKey() {
    return config.caDirectory().resolve("user_ca");
  }

  CertificateAuthority ca() {
    return ca;
  }

  /** A unique identity for one test: prefix-random@example.com. */
  static String uniqueIdentity(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
  }

  // ---- keys and certificates -------------------------------------------------------------

  /** A fresh ed25519 key pair made by ssh-keygen in a directory of its own; returns the private key. */
  Path newKey(String name) throws IOException, InterruptedException {
    Path keyDir = Files.createTempDirectory(dir, "key-");
    Path key = keyDir.resolve("id_" + name.replaceAll("[^A-Za-z0-9._-]", "_"));
    keygen("-q", "-t", "ed25519", "-N", "", "-C", name, "-f", key.toString());
    return key;
  }

  /** A certificate from the gateway's CA and ledger, as `gatehouse ca sign` issues it: 1h, pty. */
  SshClientKey sign(String identity, List<String> groups) throws IOException, InterruptedException {
    return sign(new UserCertificateRequest(identity, groups, Duration.ofHours(1), null, true, true, false, false));
  }

  SshClientKey sign(UserCertificateRequest request) throws IOException, InterruptedException {
    Path key = newKey(request.identity());
    PublicKey pub = readPublicKey(Path.of(key + ".pub"));
    OpenSshCertificate cert;
    try (CertificateLedger ledger = CertificateLedger.open(config.databaseFile())) {
      cert = ca().signUserCertificate(pub, request, ledger);
    }
    Path certFile = Path.of(key + "-cert.pub");
    Files.writeString(certFile, PublicKeyEntry.toString(cert) + " " + request.identity() + "\n");
    return new SshClientKey(key, certFile, request.identity(), cert.getSerial());
  }

  /** A certificate made by `ssh-keygen -s caKey -I identity ARGS` (the break-glass path, or an attack). */
  SshClientKey keygenSign(Path caKey, String identity, String... args) throws IOException, InterruptedException {
    Path key = newKey(identity);
    List<String> cmd = new ArrayList<>(List.of("-q", "-s", caKey.toString(), "-I", identity));
    cmd.addAll(Arrays.asList(args));
    cmd.add(key + ".pub");
    keygen(cmd.toArray(String[]::new));
    Path certFile = Path.of(key + "-cert.pub");
    assertThat(certFile).exists();
    return new SshClientKey(key, certFile, identity, 0);
  }

  /** A plain key pair with no certificate. */
  SshClientKey plainKey(String identity) throws IOException, InterruptedException {
    return new SshClientKey(newKey(identity), null, identity, 0);
  }

  static String keygen(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(SSH_KEYGEN);
    cmd.addAll(Arrays.asList(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("ssh-keygen finished").isTrue();
    assertThat(p.exitValue()).as("ssh-keygen %s: %s", String.join(" ", args), out).isZero();
    return out;
  }

  static PublicKey readPublicKey(Path file) throws IOException {
    try {
      return AuthorizedKeyEntry.parseAuthorizedKeyEntry(Files.readString(file).trim())
          .resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException(e);
    }
  }

  // ---- the ssh client --------------------------------------------------------------------

  /** The ssh command line for {@code user@gateway}: host keys checked, only this key, no config. */
  List<String> sshArgv(SshClientKey key, String user, List<String> options) {
    List<String> argv = new ArrayList<>(List.of(
        SSH, "-F", "/dev/null", "-p", String.valueOf(port()),
        "-o", "UserKnownHostsFile=" + knownHosts,
        "-o", "GlobalKnownHostsFile=/dev/null",
        "-o", "StrictHostKeyChecking=yes",
        "-o", "BatchMode=yes",
        "-o", "IdentitiesOnly=yes",
        // No agent, except for a test of agent forwarding (-A), which needs one to forward.
        "-o", "IdentityAgent=" + (options.contains("-A") ? "SSH_AUTH_SOCK" : "none"),
        "-o", "ConnectTimeout=10",
        // Quiet unless a test asks for what a user sees at OpenSSH's default level (INFO).
        "-o", options.stream().filter(o -> o.startsWith("LogLevel=")).findFirst().orElse("LogLevel=ERROR"),
        "-i", key.key().toString(),
        "-o", "IdentityFile=" + key.key()));
    if (key.certificate() != null) {
      argv.addAll(List.of("-o", "CertificateFile=" + key.certificate()));
    }
    argv.addAll(options);
    argv.add(user + "@127.0.0.1");
    return argv;
  }

  SshCall ssh(SshClientKey key, String user) {
    return new SshCall(key, user);
  }

  /** One run of ssh: options, optional stdin, a timeout; stdout and stderr kept apart. */
  final class SshCall {
    private final SshClientKey key;
    private final String user;
    private final List<String> options = new ArrayList<>();
    private byte[] stdin;
    private Duration timeout = DEFAULT_TIMEOUT;
    private final Map<String, String> env = new java.util.HashMap<>();

    private SshCall(SshClientKey key, String user) {
      this.key = key;
      this.user = user;
    }

    SshCall options(String... opts) {
      options.addAll(Arrays.asList(opts));
      return this;
    }

    SshCall stdin(String text) {
      this.stdin = text.getBytes(StandardCharsets.UTF_8);
      return this;
    }

    SshCall env(String name, String value) {
      env.put(name, value);
      return this;
    }

    SshCall timeout(Duration t) {
      this.timeout = t;
      return this;
    }

    /** Runs {@code ssh ... user@gw COMMAND} (no command: a shell) and waits for it. */
    SshResult run(String command) throws IOException, InterruptedException {
      return start(command).await();
    }

    Running start(String command) throws IOException {
      List<String> argv = sshArgv(key, user, options);
      if (command != null) {
        argv.add(command);
      }
      Path io = Files.createTempDirectory(dir, "ssh-io-");
      Path in = io.resolve("stdin");
      Files.write(in, stdin == null ? new byte[0] : stdin);
      ProcessBuilder pb = new ProcessBuilder(argv)
          .redirectInput(in.toFile())
          .redirectOutput(io.resolve("stdout").toFile())
          .redirectError(io.resolve("stderr").toFile());
      pb.environment().remove("SSH_AUTH_SOCK");
      pb.environment().put("TERM", "xterm-256color");
      pb.environment().putAll(env);
      long t0 = System.nanoTime();
      return new Running(pb.start(), io, argv, timeout, t0);
    }
  }

  /** An ssh client still running; {@link #await} collects its result. */
  static final class Running implements AutoCloseable {
    private final Process process;
    private final Path io;
    private final List<String> argv;
    private final Duration timeout;
    private final long t0;

    Running(Process process, Path io, List<String> argv, Duration timeout, long t0) {
      this.process = process;
      this.io = io;
      this.argv = argv;
      this.timeout = timeout;
      this.t0 = t0;
    }

    boolean isAlive() {
      return process.isAlive();
    }

    String stdoutSoFar() throws IOException {
      return Files.readString(io.resolve("stdout"));
    }

    String stderrSoFar() throws IOException {
      return Files.readString(io.resolve("stderr"));
    }

    /** Waits until stdout so far contains {@code text}. */
    void awaitStdout(String text, Duration wait) throws IOException, InterruptedException {
      long deadline = System.nanoTime() + wait.toNanos();
      while (!stdoutSoFar().contains(text)) {
        if (System.nanoTime() > deadline || !process.isAlive() && !stdoutSoFar().contains(text)) {
          throw new AssertionError("no '" + text + "' on stdout of " + String.join(" ", argv) + " (alive="
              + process.isAlive() + ")\n--- stdout ---\n" + stdoutSoFar() + "\n--- stderr ---\n" + stderrSoFar());
        }
        Thread.sleep(20);
      }
    }

    /** Waits until {@code text} shows on stdout or stderr (psql prints notices on stderr). */
    void awaitStdoutOrErr(String text, Duration wait) throws IOException, InterruptedException {
      long deadline = System.nanoTime() + wait.toNanos();
      while (!stdoutSoFar().contains(text) && !stderrSoFar().contains(text)) {
        if (System.nanoTime() > deadline || !process.isAlive()) {
          Thread.sleep(50);
          if (stdoutSoFar().contains(text) || stderrSoFar().contains(text)) {
            return;
          }
          throw new AssertionError("no '" + text + "' from " + String.join(" ", argv) + " (alive="
              + process.isAlive() + ")\n--- stdout ---\n" + stdoutSoFar() + "\n--- stderr ---\n" + stderrSoFar());
        }
        Thread.sleep(20);
      }
    }

    SshResult await() throws IOException, InterruptedException {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
        throw new AssertionError("ssh did not finish in " + timeout.toMillis() + " ms: " + String.join(" ", argv)
            + "\n--- stdout ---\n" + stdoutSoFar() + "\n--- stderr ---\n" + stderrSoFar());
      }
      Duration elapsed = Duration.ofNanos(System.nanoTime() - t0);
      return new SshResult(process.exitValue(), Files.readAllBytes(io.resolve("stdout")),
          Files.readAllBytes(io.resolve("stderr")), elapsed);
    }

    @Override
    public void close() {
      process.destroyForcibly();
    }
  }

  /** {@code ssh -tt} with its stdin on a pipe: a pty is requested, the test types into it. */
  InteractiveProcess interactive(SshClientKey key, String user, String... options) throws IOException {
    List<String> opts = new ArrayList<>(List.of("-tt"));
    opts.addAll(Arrays.asList(options));
    return InteractiveProcess.start(sshArgv(key, user, opts), Map.of("TERM", "xterm-256color"));
  }

  // ---- what the gateway left behind ------------------------------------------------------

  List<JsonNode> auditLines() throws IOException {
    Path f = config.auditFile();
    List<JsonNode> lines = new ArrayList<>();
    if (!Files.exists(f)) {
      return lines;
    }
    for (String l : Files.readAllLines(f)) {
      if (!l.isBlank()) {
        lines.add(JSON.readTree(l));
      }
    }
    return lines;
  }

  /** The first audit line matching, waiting up to 5 s for it to be written. */
  JsonNode awaitAudit(String what, Predicate<JsonNode> match) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (true) {
      Optional<JsonNode> hit = auditLines().stream().filter(match).findFirst();
      if (hit.isPresent()) {
        return hit.get();
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no audit line " + what + " in " + config.auditFile() + ":\n"
            + String.join("\n", auditLines().stream().map(JsonNode::toString).toList()));
      }
      Thread.sleep(50);
    }
  }

  static Predicate<JsonNode> field(String name, String value) {
    return n -> value.equals(n.path(name).asText(null));
  }

  List<SessionRecord> sessionsOf(String identity) throws IOException {
    try (SessionIndex index = SessionIndex.open(config.databaseFile())) {
      return index.list(new SessionQuery(identity, null, null, null, null, 100));
    }
  }

  /** The recordings of all sessions of {@code key}'s identity, one after the other (what an auditor could read). */
  String recordingsOf(SshClientKey key) throws IOException {
    StringBuilder all = new StringBuilder();
    for (SessionRecord s : sessionsOf(key.identity())) {
      all.append(Files.readString(dataDir().resolve(s.path())));
    }
    return all.toString();
  }

  /** The one session of {@code identity} once it matches {@code done}, waiting up to 5 s. */
  SessionRecord awaitSession(String identity, Predicate<SessionRecord> done) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (true) {
      List<SessionRecord> list = sessionsOf(identity);
      if (list.size() == 1 && done.test(list.get(0))) {
        return list.get(0);
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("sessions of " + identity + ": " + list);
      }
      Thread.sleep(50);
    }
  }

  /** Runs a `gatehouse` command in-process with --config pointing at this gateway's file. */
  CliResult cli(String... args) {
    List<String> all = new ArrayList<>(Arrays.asList(args));
    all.add("--config");
    all.add(configFile.toString());
    return runCli(all);
  }

  record CliResult(int exitCode, String out, String err) {}

  static synchronized CliResult runCli(List<String> args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = GatehouseCommand.execute(args.toArray(String[]::new));
      return new CliResult(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  @Override
  public void close() {
    if (gateway != null) {
      gateway.close();
    }
  }
}
