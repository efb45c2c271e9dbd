package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gatehouse.gateway.config.ConfigException;
import dev.gatehouse.gateway.config.ConfigLoader;
import dev.gatehouse.gateway.config.GatewayConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A configuration the gateway cannot use fails at start, naming the file, the line and the key. */
class ConfigLoaderTest {
  @Test
  void unknownKeyNamesFileLineAndKey(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("gatehouse.yaml");
    Files.writeString(file, """
        dataDir: /var/lib/gatehouse
        ssh:
          listen: "127.0.0.1:2222"
          authTimout: 10s
        """);

    assertThatThrownBy(() -> ConfigLoader.load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(file + ":4")
        .hasMessageContaining("ssh.authTimout")
        .hasMessageContaining("unknown key 'authTimout'");
  }

  @Test
  void badDurationNamesFileLineAndKey(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("gatehouse.yaml");
    Files.writeString(file, """
        dataDir: /var/lib/gatehouse
        targets:
          - name: shell
            type: command
            command: ["/bin/bash"]
            idleTimeout: 15 minutes
        """);

    assertThatThrownBy(() -> ConfigLoader.load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(file + ":6")
        .hasMessageContaining("targets[0].idleTimeout")
        .hasMessageContaining("'15 minutes' is not a duration");
  }

  @Test
  void mcpMaxOutputBytesDefaultsTo8MiBAndCapsWhatACallAsksFor(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("gatehouse.yaml");
    Files.writeString(file, "dataDir: /var/lib/gatehouse\n");
    var mcp = ConfigLoader.load(file).mcp();
    assertThat(mcp.maxOutputBytesValue()).isEqualTo(8L << 20);
    assertThat(mcp.callBytes(null)).isEqualTo(1L << 20);
    assertThat(mcp.callBytes(100L)).isEqualTo(100L);
    assertThat(mcp.callBytes(1L << 30)).isEqualTo(8L << 20);
  }

  @Test
  void aBadMcpMaxOutputBytesNamesTheKey(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("gatehouse.yaml");
    Files.writeString(file, "dataDir: /var/lib/gatehouse\nmcp:\n  maxOutputBytes: 12\n");
    assertThatThrownBy(() -> ConfigLoader.load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(file + ":2: key mcp: maxOutputBytes: 12 must be between 1KiB and 1GiB");
  }

  @Test
  void auditSyncIntervalDefaultsToZeroAndTakesUpToASecond(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("gatehouse.yaml");
    Files.writeString(file, "dataDir: /var/lib/gatehouse\n");
    assertThat(ConfigLoader.load(file).audit().syncInterval()).isZero();
    Files.writeString(file, "dataDir: /var/lib/gatehouse\naudit:\n  syncInterval: 1s\n");
    assertThat(ConfigLoader.load(file).audit().syncInterval()).isEqualTo(Duration.ofSeconds(1));
    Files.writeString(file, "dataDir: /var/lib/gatehouse\naudit:\n  syncInterval: 250ms\n");
    assertThat(ConfigLoader.load(file).audit().syncInterval()).isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void anAuditSyncIntervalOverASecondNamesTheKey(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("gatehouse.yaml");
    Files.writeString(file, "dataDir: /var/lib/gatehouse\naudit:\n  syncInterval: 2s\n");
    assertThatThrownBy(() -> ConfigLoader.load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(file + ":2: key audit: syncInterval: 2000ms must be between 0ms");
  }

  @Test
  void badValueInACompactConstructorNamesTheKey(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("gatehouse.yaml");
    Files.writeString(file, """
        ssh:
          listen: "127.0.0.1:99999"
        """);

    assertThatThrownBy(() -> ConfigLoader.load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("port 99999 is out of range");
  }

  @Test
  void deviceLoginLimitsHaveDefaultsAndBadOnesNameTheKey(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("gatehouse.yaml");
    Files.writeString(file, """
        oidc: { issuer: "https://idp.example.com/realms/corp", clientId: gatehouse }
        """);
    var d = ConfigLoader.load(file).oidc().deviceLogin();
    assertThat(d.maxPending()).isEqualTo(100);
    assertThat(d.maxPendingPerAddress()).isEqualTo(10);
    assertThat(d.timeout()).isEqualTo(java.time.Duration.ofMinutes(5));

    Files.writeString(file, """
        oidc:
          issuer: "https://idp.example.com/realms/corp"
          clientId: gatehouse
          deviceLogin: { maxPending: 4, maxPendingPerAddress: 5 }
        """);
    assertThatThrownBy(() -> ConfigLoader.load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(file + ":4")
        .hasMessageContaining("key oidc.deviceLogin")
        .hasMessageContaining("maxPendingPerAddress: 5 must be between 1 and maxPending (4)");
  }

  @Test
  void validFileLoadsWithDefaultsAndARelativeDataDirBesideTheFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("gatehouse.yaml");
    Files.writeString(file, """
        dataDir: data
        ssh:
          authTimeout: 2s
        targets:
          - name: shell
            type: command
            command: ["/bin/bash", "-l"]
        """);

    GatewayConfig c = ConfigLoader.load(file);

    assertThat(c.dataDir()).isEqualTo(dir.resolve("data"));
    assertThat(c.ssh().authTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.target("shell").orElseThrow().exec()).containsExactly("/bin/bash", "-l", "-c");
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
      "approvals: { ttl: 0s }|ttl: PT0S must be positive",
      "approvals: { webhook: 'ftp://hooks.example.com/T0KEN' }|webhook: scheme 'ftp' (or a missing host): must be an http(s) URL",
      "approvals: { accessGrace: 2h }|accessGrace: PT2H must be between 0 and 1h",
      "targets: [{ name: ops, type: command, command: [/bin/sh], access: review }]|access: review needs approvers",
      "targets: [{ name: ops, type: command, command: [/bin/sh], approvers: { groups: [] } }]|approvers.groups: name at least one approver group",
      "targets: [{ name: ops, type: command, command: [/bin/sh], approvers: { groups: [a], min: 0 } }]|approvers.min: 0 must be between 1 and 10",
      "targets: [{ name: ops, type: command, command: [/bin/sh], approvers: { group: [a] } }]|approvers.group: unknown key"})
  void badApprovalSettingsNameTheKey(String yaml, String message, @TempDir Path dir) throws Exception {
    Path file = dir.resolve("gatehouse.yaml");
    Files.writeString(file, yaml + "\n");
    assertThatThrownBy(() -> ConfigLoader.load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining(message)
        .hasMessageNotContaining("T0KEN");
  }

  @Test
  void theEmbeddedDefaultsServeTheReplayWebOnLoopbackWithOperatorLinksAndWarnAboutNothing() throws Exception {
    GatewayConfig c = ConfigLoader.defaults();
    assertThat(c.web().listen()).isEqualTo("127.0.0.1:8080");
    assertThat(c.web().localLogin()).isTrue();
    assertThat(c.web().tls()).isNull();
    assertThat(c.oidc()).isNull();
    assertThat(ConfigLoader.warnings(c)).isEmpty();
  }

  @Test
  void theMcpEndpointIsOffUnlessTurnedOnAndNeedsOidc(@TempDir Path dir) throws Exception {
    Path off = dir.resolve("off.yaml");
    Files.writeString(off, "web:\n  listen: \"127.0.0.1:8080\"\n");
    assertThat(ConfigLoader.load(off).web().mcp()).isFalse();

    Path on = dir.resolve("on.yaml");
    Files.writeString(on, """
        web:
          listen: "127.0.0.1:8080"
          publicUrl: https://bastion.example.com/
          mcp: true
        oidc: { issuer: "https://idp.example.com/realms/corp", clientId: gatehouse }
        """);
    GatewayConfig c = ConfigLoader.load(on);
    assertThat(c.web().mcp()).isTrue();
    assertThat(c.web().mcpResource(8080)).isEqualTo("https://bastion.example.com/mcp");

    Path noOidc = dir.resolve("no-oidc.yaml");
    Files.writeString(noOidc, """
        dataDir: /tmp/x
        web:
          listen: "127.0.0.1:8080"
          mcp: true
        """);
    assertThatThrownBy(() -> ConfigLoader.load(noOidc))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(noOidc + ":4: web.mcp: the MCP endpoint needs oidc");
  }

  @Test
  void operatorLinksAreOffInAFileThatDoesNotTurnThemOn(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("gatehouse.yaml");
    Files.writeString(file, "web:\n  listen: \"127.0.0.1:8080\"\n");
    GatewayConfig c = ConfigLoader.load(file);
    assertThat(c.web().localLogin()).isFalse();
    assertThat(ConfigLoader.warnings(c)).anySatisfy(w -> assertThat(w).contains("neither oidc nor web.localLogin"));
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
      "127.0.0.1:8080|",
      "127.1.2.3:8080|",
      "'[::1]:8080'|",
      "localhost:8080|",
      "LOCALHOST:0|",
      "0.0.0.0:8080|web.localLogin: a one-time login link would cross the network in clear on web.listen 0.0.0.0:8080",
      "'[::]:8080'|web.localLogin",
      "10.0.0.5:8080|web.localLogin",
      "'[::ffff:127.0.0.1]:8080'|",
      "bastion.example.com:8080|web.localLogin",
      "127.0.0.1.example.com:8080|web.localLogin"})
  void operatorLinksNeedALoopbackListenWithoutTls(String listen, String refusal, @TempDir Path dir) throws Exception {
    Path file = dir.resolve("gatehouse.yaml");
    Files.writeString(file, "web:\n  listen: \"" + listen + "\"\n  localLogin: true\n");
    if (refusal == null) {
      assertThat(ConfigLoader.load(file).web().localLogin()).isTrue();
    } else {
      assertThatThrownBy(() -> ConfigLoader.load(file))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining(file.toString())
          .hasMessageContaining(refusal)
          .hasMessageContaining("set web.tls");
    }
  }

  @Test
  void operatorLinksOnAnyAddressWorkUnderTls(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("gatehouse.yaml");
    Files.writeString(file, """
        web:
          listen: "0.0.0.0:8443"
          tls: { certificate: "file:/etc/gatehouse/tls.crt", key: "file:/etc/gatehouse/tls.key" }
          localLogin: true
        """);
    assertThat(ConfigLoader.load(file).web().localLogin()).isTrue();
  }
}
