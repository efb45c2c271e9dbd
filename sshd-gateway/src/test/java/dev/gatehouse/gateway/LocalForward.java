package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.postgres.RawPgClient;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * {@code ssh -N -L PORT:TARGET:5432 TARGET@gw} with the real OpenSSH client on a free loopback port,
 * as a user opens it: their own PostgreSQL client then reaches the target through it.
 */
record LocalForward(Process ssh, int port) implements AutoCloseable {
  /** Opens the forward for {@code key} into {@code target} and waits until its port listens. */
  static LocalForward open(GatewayFixture gw, SshClientKey key, String target) throws Exception {
    int port = PostgresTargetIT.PostgresServerPort.free();
    List<String> argv = new ArrayList<>(gw.sshArgv(key, target, List.of("-N", "-L", port + ":" + target + ":5432",
        "-o", "ExitOnForwardFailure=yes")));
    LocalForward f = new LocalForward(new ProcessBuilder(argv).redirectErrorStream(true).start(), port);
    try {
      ApprovalBench.awaitPort(port);
      return f;
    } catch (Exception | Error e) {
      f.close();
      throw e;
    }
  }

  /** pgJDBC through the forward (user and password are the gateway's to ignore: the person is the ssh login). */
  Connection connect() throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", "x");
    props.setProperty("password", "x");
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/app?sslmode=disable", props);
  }

  /** The raw client through the forward, logged in (the gateway asks no password). */
  RawPgClient raw() throws Exception {
    RawPgClient raw = new RawPgClient(port, "x", "x");
    List<String> started = raw.startup();
    assertThat(started.get(0)).as(started.toString()).isEqualTo("R ||||"); // AuthenticationOk
    assertThat(started.get(started.size() - 1)).isEqualTo("Z I");
    return raw;
  }

  @Override
  public void close() throws InterruptedException {
    ssh.destroy();
    ssh.waitFor(5, TimeUnit.SECONDS);
  }
}
