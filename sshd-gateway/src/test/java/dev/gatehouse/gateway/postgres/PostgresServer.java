package dev.gatehouse.gateway.postgres;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real PostgreSQL 15 (Debian's binaries) on a free loopback port, run as the {@code postgres}
 * user (PostgreSQL refuses root), with SCRAM authentication, a role {@code app_rw} (password
 * {@link #APP_PASSWORD}) owning a database {@code app} with a {@code users} table. Optionally with
 * TLS from a CA this fixture makes ({@link #caCert()}).
 */
public final class PostgresServer implements AutoCloseable {
  static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");
  static final String APP_PASSWORD = "app-secret-Pw1";
  static final String SUPER_PASSWORD = "super-secret-Pw2";

  final Path dir;
  public final int port;
  private final Process process;
  private final Path logFile;

  private PostgresServer(Path dir, int port, Process process, Path logFile) {
    this.dir = dir;
    this.port = port;
    this.process = process;
    this.logFile = logFile;
  }

  public static PostgresServer start(boolean tls) throws Exception {
    return start(tls, 60);
  }

  /** {@code maxConnections}: PostgreSQL's max_connections (benchmarks that hold many sessions raise it). */
  public static PostgresServer start(boolean tls, int maxConnections) throws Exception {
    Path dir = Files.createTempDirectory("gh-pg-");
    Path data = dir.resolve("data");
    Files.writeString(dir.resolve("pw"), SUPER_PASSWORD + "\n");
    Files.writeString(dir.resolve("app-pw"), APP_PASSWORD + "\n");
    Files.writeString(dir.resolve("wrong-pw"), "not-the-password\n");
    run(List.of("chown", "-R", "postgres:postgres", dir.toString()));
    asPostgres(List.of(BIN.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres",
        "--auth=scram-sha-256", "--pwfile=" + dir.resolve("pw"), "-E", "UTF8", "--locale=C", "--no-sync"));
    // md5 and cleartext logins for two roles, to exercise those client paths too
    Path hba = data.resolve("pg_hba.conf");
    Files.writeString(hba, "host all app_md5 127.0.0.1/32 md5\nhost all app_clear 127.0.0.1/32 password\n"
        + Files.readString(hba));
    List<String> cmd = new ArrayList<>(List.of(BIN.resolve("postgres").toString(), "-D", data.toString(),
        "-k", dir.toString(), "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off",
        "-c", "max_connections=" + maxConnections, "-c", "log_min_messages=warning"));
    if (tls) {
      makeCertificates(dir);
      cmd.addAll(List.of("-c", "ssl=on", "-c", "ssl_cert_file=" + dir.resolve("server.crt"),
          "-c", "ssl_key_file=" + dir.resolve("server.key")));
    }
    run(List.of("chown", "-R", "postgres:postgres", dir.toString()));
    int port = freePort();
    cmd.addAll(List.of("-p", String.valueOf(port)));
    Path log = dir.resolve("postgres.log");
    ProcessBuilder pb = new ProcessBuilder(setpriv(cmd)).redirectErrorStream(true).redirectOutput(log.toFile());
    PostgresServer server = new PostgresServer(dir, port, pb.start(), log);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      Process ready = new ProcessBuilder(BIN.resolve("pg_isready").toString(), "-q", "-h", "127.0.0.1",
          "-p", String.valueOf(port)).start();
      if (ready.waitFor() == 0) {
        break;
      }
      if (!server.process.isAlive() || System.nanoTime() > deadline) {
        String out = Files.exists(log) ? Files.readString(log) : "";
        server.close();
        throw new IllegalStateException("PostgreSQL did not start:\n" + out);
      }
      Thread.sleep(100);
    }
    server.superSql("postgres", """
        SET password_encryption = 'scram-sha-256';
        CREATE ROLE app_rw LOGIN PASSWORD '%1$s';
        CREATE ROLE app_clear LOGIN PASSWORD '%1$s';
        SET password_encryption = 'md5';
        CREATE ROLE app_md5 LOGIN PASSWORD '%1$s';
        CREATE DATABASE app OWNER app_rw;
        """.formatted(APP_PASSWORD));
    server.superSql("app", """
        SET ROLE app_rw;
        CREATE TABLE users (id int PRIMARY KEY, email text UNIQUE NOT NULL, name text);
        INSERT INTO users VALUES (1, 'alice@example.com', 'Alice'), (2, 'bob@example.org', 'Bob');
        GRANT SELECT ON users TO app_md5, app_clear;
        """);
    return server;
  }

  Path caCert() {
    return dir.resolve("ca.crt");
  }

  Path otherCaCert() {
    return dir.resolve("other-ca.crt");
  }

  public Path passwordFile() {
    return dir.resolve("app-pw");
  }

  Path wrongPasswordFile() {
    return dir.resolve("wrong-pw");
  }

  /** Runs SQL as the superuser, straight to the server; returns psql's unaligned output. */
  public String superSql(String db, String sql) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1",
        "host=127.0.0.1 port=" + port + " user=postgres dbname=" + db + " sslmode=disable", "-f", "-");
    pb.environment().put("PGPASSWORD", SUPER_PASSWORD);
    pb.redirectErrorStream(true);
    Process p = pb.start();
    p.getOutputStream().write(sql.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("psql failed: " + out);
    }
    return out.strip();
  }

  String log() throws IOException {
    return Files.readString(logFile);
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** A CA, a server certificate for 127.0.0.1 and localhost, and an unrelated second CA. */
  private static void makeCertificates(Path dir) throws Exception {
    String d = dir.toString();
    run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", d + "/ca.key", "-out", d + "/ca.crt", "-days", "2", "-subj", "/CN=gatehouse test CA"));
    run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", d + "/other-ca.key", "-out", d + "/other-ca.crt", "-days", "2", "-subj", "/CN=some other CA"));
    run(List.of("openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", d + "/server.key", "-out", d + "/server.csr", "-subj", "/CN=127.0.0.1"));
    Files.writeString(dir.resolve("san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    run(List.of("openssl", "x509", "-req", "-in", d + "/server.csr", "-CA", d + "/ca.crt", "-CAkey", d + "/ca.key",
        "-CAcreateserial", "-out", d + "/server.crt", "-days", "2", "-extfile", d + "/san.ext"));
    run(List.of("chmod", "600", d + "/server.key"));
  }

  private static List<String> setpriv(List<String> cmd) {
    List<String> all = new ArrayList<>(List.of("setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups"));
    all.addAll(cmd);
    return all;
  }

  private static void asPostgres(List<String> cmd) throws Exception {
    run(setpriv(cmd));
  }

  private static void run(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", cmd) + " failed:\n" + out);
    }
  }

  @Override
  public void close() throws Exception {
    if (process.isAlive()) {
      new ProcessBuilder("kill", "-INT", String.valueOf(process.pid())).start().waitFor(); // fast shutdown
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
    new ProcessBuilder("rm", "-rf", dir.toString()).start().waitFor();
  }
}
