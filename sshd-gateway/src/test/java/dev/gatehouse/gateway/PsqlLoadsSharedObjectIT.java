package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.gatehouse.gateway.config.PostgresSettings;
import dev.gatehouse.gateway.postgres.CancelRegistry;
import dev.gatehouse.gateway.postgres.PgProxyServer;
import dev.gatehouse.gateway.postgres.PostgresServer;
import dev.gatehouse.gateway.postgres.ResultMasker;
import dev.gatehouse.gateway.postgres.StatementGate;
import dev.gatehouse.gateway.postgres.StatementLog;
import dev.gatehouse.gateway.sandbox.Sandbox;
import dev.gatehouse.gateway.sandbox.SocketDirectories;
import dev.gatehouse.gateway.terminal.ChildProcess;
import dev.gatehouse.gateway.terminal.UnixUser;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The psql sandbox's promise is that a meta-command the guard misses "runs nothing": no shell, no
 * other program. psql needs no program to run native code, though: it can write any bytes to its
 * private /tmp (unaligned output with NUL separators, client_encoding LATIN1 for the bytes
 * 0x80-0xff), point OpenSSL at a config there ({@code \setenv OPENSSL_CONF}) and make libcrypto
 * initialise ({@code \password}, whose SHOW password_encryption and the SELECT that writes the
 * file the default-sql policy both allow). OpenSSL then dlopen()s the "provider" module from
 * /tmp: the attacker's code runs inside psql, in the sandbox, with its proxy socket.
 *
 * <p>Here psql runs exactly as the gateway starts it (Sandbox.psql, runAs nobody, its session's
 * proxy socket), fed the lines straight, as if the meta-command guard had missed them.
 */
class PsqlLoadsSharedObjectIT {
  static final String MARKER = "GH-NATIVE-CODE-IN-PSQL";
  @TempDir static Path dir;
  static PostgresServer pg;
  static PgProxyServer proxy;
  static Path socketDir;
  static Sandbox sandbox;
  static UnixUser nobody;

  @BeforeAll
  static void start() throws Exception {
    pg = PostgresServer.start(false);
    socketDir = SocketDirectories.create();
    StatementGate allowAll = sql -> StatementGate.Decision.allow();
    proxy = PgProxyServer.unix(socketDir.resolve(".s.PGSQL.5432"), peer -> true,
        new PostgresSettings("127.0.0.1", pg.port, "app", "app_rw", "file:" + pg.passwordFile(), null, null, null),
        allowAll, ResultMasker.NONE, StatementLog.NONE, new CancelRegistry());
    Files.setPosixFilePermissions(socketDir.resolve(".s.PGSQL.5432"), PosixFilePermissions.fromString("rw-rw-rw-"));
    nobody = UnixUser.lookup("nobody");
    sandbox = Sandbox.probe(List.of(pg.passwordFile().getParent()), nobody);
  }

  @AfterAll
  static void stop() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  @Test
  void psqlLoadsAnOpensslProviderItWroteToTmp() throws Exception {
    assumeThat(Path.of("/usr/bin/cc")).as("a C compiler to build the payload").exists();
    Path src = dir.resolve("payload.c");
    Files.writeString(src, """
        #include <stdio.h>
        #include <unistd.h>
        __attribute__((constructor)) static void payload(void) {
          fprintf(stderr, "%s uid=%%d pid=%%d\\n", (int) getuid(), (int) getpid());
        }
        int OSSL_provider_init(void) { return 0; }
        """.formatted(MARKER));
    Path so = dir.resolve("payload.so");
    Process cc = new ProcessBuilder("/usr/bin/cc", "-shared", "-fPIC", "-Os", "-s", "-o", so.toString(), src.toString())
        .redirectErrorStream(true).start();
    String ccOut = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(cc.waitFor(60, TimeUnit.SECONDS) && cc.exitValue() == 0).as(ccOut).isTrue();
    byte[] payload = Files.readAllBytes(so);

    // The payload's bytes as rows between NULs (recordsep_zero), each row's bytes sent as LATIN1.
    List<String> segments = new ArrayList<>();
    int from = 0;
    for (int i = 0; i <= payload.length; i++) {
      if (i == payload.length || payload[i] == 0) {
        byte[] seg = java.util.Arrays.copyOfRange(payload, from, i);
        segments.add("'" + HexFormat.of().formatHex(seg) + "'");
        from = i + 1;
      }
    }
    String script = String.join("\n",
        "\\pset format unaligned",
        "\\pset tuples_only on",
        "\\pset recordsep_zero",
        "\\encoding LATIN1",
        "\\o /tmp/p.so",
        "SELECT convert_from(decode(s, 'hex'), 'LATIN1') FROM unnest(ARRAY[" + String.join(",", segments)
            + "]::text[]) WITH ORDINALITY AS t(s, n) ORDER BY n;",
        "\\o /tmp/p.cnf",
        "\\qecho openssl_conf = init",
        "\\qecho [init]",
        "\\qecho providers = prov",
        "\\qecho [prov]",
        "\\qecho p = p_sect",
        "\\qecho [p_sect]",
        "\\qecho module = /tmp/p.so",
        "\\qecho activate = 1",
        "\\o",
        "\\setenv OPENSSL_CONF /tmp/p.cnf",
        "\\password someone",
        "pw-1", // the new password, typed twice (psql reads the prompts from stdin here)
        "pw-1",
        "\\echo END") + "\n";

    Map<String, String> env = Map.of("PGHOST", Sandbox.PSQL_SOCKET_DIR, "PGPORT", "5432", "PGUSER", "gatehouse",
        "PGDATABASE", "app", "PSQLRC", "/dev/null", "PSQL_HISTORY", "/dev/null", "HOME", "/nonexistent",
        "PAGER", "", "SHELL", "/bin/false");
    ChildProcess psql = ChildProcess.startWithPipes(sandbox.psql(nobody, socketDir, List.of("-X"), false), env);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Thread o = new Thread(() -> drain(psql, true, out));
    Thread e = new Thread(() -> drain(psql, false, err));
    o.start();
    e.start();
    byte[] in = script.getBytes(StandardCharsets.UTF_8);
    psql.writeInput(in, 0, in.length);
    psql.closeInput();
    psql.waitFor();
    o.join(5000);
    e.join(5000);
    psql.closeDescriptors();
    String all = out.toString(StandardCharsets.ISO_8859_1) + err.toString(StandardCharsets.ISO_8859_1);

    assertThat(all).as("psql ran to the end").contains("END");
    // The library's own bytes hold the marker too (psql prints them when it cannot write the file):
    // only the payload's line, with the uid it ran as, shows that it ran.
    assertThat(all).as("code of the session's choosing ran inside psql's sandbox:\n" + all)
        .doesNotContainPattern(MARKER + " uid=\\d+ pid=\\d+");
  }

  private static void drain(ChildProcess p, boolean stdout, ByteArrayOutputStream to) {
    byte[] b = new byte[8192];
    try {
      int n;
      while ((n = stdout ? p.readOutput(b, 0, b.length) : p.readError(b, 0, b.length)) > 0) {
        to.write(b, 0, n);
      }
    } catch (java.io.IOException ignored) {
      // end of output
    }
  }
}
