package dev.gatehouse.gateway.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.gateway.config.ConfigException;
import dev.gatehouse.gateway.config.ConfigLoader;
import dev.gatehouse.gateway.config.GatewayConfig;
import dev.gatehouse.gateway.config.PostgresSettings;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** targets[].postgres: defaults, and bad values refused at start naming the key. */
class PgSettingsTest {
  private static GatewayConfig read(String postgres) throws ConfigException {
    String yaml = """
        targets:
          - name: prod-db
            type: postgres
        """ + postgres;
    return ConfigLoader.read(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "test.yaml");
  }

  @Test
  void theDesignExampleParses() throws Exception {
    PostgresSettings p = read("""
            postgres: { host: 10.0.0.5, port: 5432, database: app, user: app_rw,
                        password: env:PROD_DB_PW, tls: verify-full, rootCert: file:/etc/gatehouse/db-ca.pem }
        """).targets().get(0).postgres();
    assertThat(p).isEqualTo(new PostgresSettings("10.0.0.5", 5432, "app", "app_rw", "env:PROD_DB_PW",
        "verify-full", "file:/etc/gatehouse/db-ca.pem", Duration.ofSeconds(10)));
    assertThat(p.toString()).doesNotContain("PROD_DB_PW");
  }

  @ParameterizedTest
  @CsvSource({
    "db.internal, verify-full",
    "10.0.0.5, verify-full",
    "127.0.0.1, disable",
    "::1, disable",
    "localhost, disable"
  })
  void tlsDefaultsToVerifyFullExceptOnLoopback(String host, String tls) {
    PostgresSettings p = new PostgresSettings(host, null, "app", "app_rw", "env:PW", null, null, null);
    assertThat(p.tls()).isEqualTo(tls);
    assertThat(p.port()).isEqualTo(5432);
  }

  @Test
  void aPostgresTargetWithoutItsBlockIsRefused() {
    assertThatThrownBy(() -> read(""))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("postgres: a postgres target needs");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "{ host: db, database: app, user: u, password: hunter2 }|postgres.password: use env:NAME or file:/path",
    "{ host: db, database: app, user: u, password: env:PW, tls: prefer }|postgres.tls: 'prefer' must be disable, require or verify-full",
    "{ host: db, database: app, user: u, password: env:PW, tls: require, rootCert: file:/ca.pem }|postgres.rootCert: only used with tls: verify-full",
    "{ host: db, database: app, user: u, password: env:PW, rootCert: /ca.pem }|postgres.rootCert: use file:/path",
    "{ host: db, port: 70000, database: app, user: u }|postgres.port: 70000 is out of range",
    "{ host: db, user: u }|postgres.database: missing",
    "{ host: db, database: app, user: u, pasword: env:PW }|unknown key 'pasword'"
  })
  void badValuesNameTheKey(String block, String message) {
    assertThatThrownBy(() -> read("    postgres: " + block + "\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("test.yaml:4")
        .hasMessageContaining(message);
  }
}
