package dev.gatehouse.gateway.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.config.PostgresSettings;
import java.net.InetSocketAddress;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The proxy's own login to the target: TLS verify-full, SCRAM, md5, cleartext, and their failures. */
class PgUpstreamIT {
  static PostgresServer pg;

  @BeforeAll
  static void start() throws Exception {
    pg = PostgresServer.start(true);
  }

  @AfterAll
  static void stop() throws Exception {
    if (pg != null) {
      pg.close();
    }
  }

  private Psql.Result through(PostgresSettings settings, String sql) throws Exception {
    TestPolicy policy = new TestPolicy(-1, -1);
    try (PgProxyServer proxy = PgProxyServer.tcp(new InetSocketAddress("127.0.0.1", 0), settings,
        policy, policy, policy, new CancelRegistry())) {
      return Psql.psql(Psql.conninfo(proxy.port(), ""), null, "-c", sql);
    }
  }

  private PostgresSettings settings(String host, String user, String passwordFile, String tls, String rootCert) {
    return new PostgresSettings(host, pg.port, "app", user, "file:" + passwordFile, tls, rootCert, null);
  }

  private static final String SSL_IN_USE = "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()";

  @Test
  void verifyFullWithTheRightCaConnectsOverTls() throws Exception {
    Psql.Result r = through(settings("127.0.0.1", "app_rw", pg.passwordFile().toString(), "verify-full",
        "file:" + pg.caCert()), SSL_IN_USE);
    assertThat(r.out()).as(r.toString()).isEqualTo("t\n");
    Psql.Result byName = through(settings("localhost", "app_rw", pg.passwordFile().toString(), "verify-full",
        "file:" + pg.caCert()), SSL_IN_USE);
    assertThat(byName.out()).as(byName.toString()).isEqualTo("t\n");
  }

  @Test
  void verifyFullWithAnotherCaFailsWithOneFatalLine() throws Exception {
    Psql.Result r = through(settings("127.0.0.1", "app_rw", pg.passwordFile().toString(), "verify-full",
        "file:" + pg.otherCaCert()), "SELECT 1");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("FATAL:  gatehouse: cannot open the target database: TLS to 127.0.0.1:" + pg.port);
    assertThat(fatalLines(r.err())).isEqualTo(1);
  }

  @Test
  void requireEncryptsWithoutCheckingAndDisableDoesNot() throws Exception {
    assertThat(through(settings("127.0.0.1", "app_rw", pg.passwordFile().toString(), "require", null), SSL_IN_USE).out())
        .isEqualTo("t\n");
    assertThat(through(settings("127.0.0.1", "app_rw", pg.passwordFile().toString(), null, null), SSL_IN_USE).out())
        .as("loopback defaults to tls: disable")
        .isEqualTo("f\n");
  }

  @Test
  void wrongPasswordIsOneClearFatalLineWithoutThePassword() throws Exception {
    Psql.Result r = through(settings("127.0.0.1", "app_rw", pg.wrongPasswordFile().toString(), "disable", null), "SELECT 1");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err())
        .contains("FATAL:  gatehouse: cannot open the target database: password authentication failed for user \"app_rw\"")
        .doesNotContain("not-the-password")
        .doesNotContain(PostgresServer.APP_PASSWORD);
    assertThat(fatalLines(r.err())).isEqualTo(1);
  }

  @Test
  void md5AndCleartextLoginsWork() throws Exception {
    for (String user : new String[] {"app_md5", "app_clear"}) {
      Psql.Result r = through(settings("127.0.0.1", user, pg.passwordFile().toString(), "require", null),
          "SELECT current_user, email FROM users WHERE id = 1");
      assertThat(r.out()).as(r.toString()).isEqualTo(user + "|[email]\n");
    }
  }

  private static long fatalLines(String err) {
    return Arrays.stream(err.split("\n")).filter(l -> l.contains("FATAL")).count();
  }
}
