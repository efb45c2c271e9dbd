package dev.gatehouse.gateway.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.config.PostgresSettings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The proxy's startup over plain byte streams (no server needed: each case ends before the proxy
 * would connect upstream).
 */
class PgStartupTest {
  /** Nothing listens here; reaching it would fail the test with a connect error. */
  private static final PostgresSettings NOWHERE =
      new PostgresSettings("127.0.0.1", 1, "app", "app_rw", "env:UNSET_GATEHOUSE_PW", "disable", null, null);

  private static String session(byte[] clientBytes) {
    ByteArrayOutputStream toClient = new ByteArrayOutputStream();
    new PgProxySession(new ByteArrayInputStream(clientBytes), toClient, NOWHERE, sql -> StatementGate.Decision.allow(),
        ResultMasker.NONE, StatementLog.NONE, new CancelRegistry()).run();
    return toClient.toString(StandardCharsets.UTF_8).replace('\0', '|');
  }

  private static byte[] startup(String... params) throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (String p : params) {
      b.write(p.getBytes(StandardCharsets.UTF_8));
      b.write(0);
    }
    b.write(0);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(out);
    d.writeInt(8 + b.size());
    d.writeInt(196608);
    d.write(b.toByteArray());
    return out.toByteArray();
  }

  @Test
  void sslRequestIsAnsweredNAndEndOfStreamEndsQuietly() {
    assertThat(session(new byte[] {0, 0, 0, 8, 0x04, (byte) 0xd2, 0x16, 0x2f})).isEqualTo("N");
  }

  @Test
  void aStartupPacketShorterThanItsHeaderIsFatal() {
    assertThat(session(new byte[] {0, 0, 0, 3})).contains("SFATAL").contains("C08P01")
        .contains("invalid startup packet length 3");
  }

  @Test
  void aStartupPacketOverTheLimitIsFatal() {
    assertThat(session(new byte[] {0x7f, 0, 0, 0})).contains("SFATAL").contains("invalid startup packet length");
  }

  @Test
  void protocolTwoIsRefused() {
    assertThat(session(new byte[] {0, 0, 0, 8, 0, 2, 0, 0})).contains("SFATAL").contains("unsupported frontend protocol 2.0");
  }

  @Test
  void optionsParameterIsRefusedByName() throws Exception {
    assertThat(session(startup("user", "x", "options", "-c role=postgres")))
        .contains("SFATAL").contains("startup parameter \"options\" is not allowed");
  }

  @Test
  void searchPathIsNotOnTheAllowList() throws Exception {
    assertThat(session(startup("user", "x", "search_path", "evil,public")))
        .contains("startup parameter \"search_path\" is not allowed");
  }

  @Test
  void anEncodingThatHidesQuotesInMultibyteCharactersIsRefused() throws Exception {
    assertThat(session(startup("client_encoding", "SJIS"))).contains("client_encoding SJIS is refused");
  }

  @Test
  void anUnreachableTargetIsOneFatalWithoutThePassword() throws Exception {
    String out = session(startup("user", "x", "application_name", "psql"));
    assertThat(out).startsWith("E").contains("SFATAL").contains("gatehouse: cannot open the target database");
    assertThat(out.split("SFATAL", -1)).hasSize(2);
  }

  @Test
  void cancelRequestWithUnknownKeysIsIgnored() {
    byte[] cancel = {0, 0, 0, 16, 0x04, (byte) 0xd2, 0x16, 0x2e, 0, 0, 0, 1, 0, 0, 0, 2};
    assertThat(session(cancel)).isEmpty();
  }
}
