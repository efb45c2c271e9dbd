package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.gatehouse.recorder.SessionRecord;
import dev.gatehouse.recorder.SessionState;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An identity provider written to hurt the gateway (a local HTTP server on loopback): it hands out
 * device codes with {@code interval: 0} and an {@code expires_in} of thirty thousand years, then
 * either trickles every token answer a byte a second for ever, or answers every poll with {@code
 * slow_down}. Certificate logins and {@code sessions kill} must not notice, and polls must follow
 * the provider's interval (at least a second) and slow_down.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class IdpStallAttack20IT {
  private static final String TARGETS = """
      targets:
        - name: devbox
          type: command
          command: ["/bin/sh", "-i"]
          exec: ["/bin/sh", "-c"]
          env: { PATH: "/usr/bin:/bin" }
          runAs: nobody
          allow: { groups: [dev, ops] }
      """;

  @TempDir Path dir;
  @RegisterExtension GatewayLogOnFailure log = new GatewayLogOnFailure();

  /** The hostile provider; {@code tokenRequests} counts polls. */
  private static final class HostileIdp implements AutoCloseable {
    final HttpServer server;
    final String issuer;
    final AtomicInteger deviceRequests = new AtomicInteger();
    final AtomicInteger tokenRequests = new AtomicInteger();
    volatile boolean closed;

    HostileIdp(String tokenBehaviour) throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.setExecutor(Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "hostile-idp");
        t.setDaemon(true);
        return t;
      }));
      issuer = "http://127.0.0.1:" + server.getAddress().getPort();
      server.createContext("/.well-known/openid-configuration", ex -> json(ex, 200, "{\"issuer\":\"" + issuer + "\","
          + "\"authorization_endpoint\":\"" + issuer + "/auth\",\"token_endpoint\":\"" + issuer + "/token\","
          + "\"device_authorization_endpoint\":\"" + issuer + "/device\",\"jwks_uri\":\"" + issuer + "/jwks\","
          + "\"response_types_supported\":[\"code\"],\"subject_types_supported\":[\"public\"],"
          + "\"id_token_signing_alg_values_supported\":[\"RS256\"]}"));
      server.createContext("/device", ex -> {
        int n = deviceRequests.incrementAndGet();
        json(ex, 200, "{\"device_code\":\"dc-" + n + "\",\"user_code\":\"HOST-" + n + "\","
            + "\"verification_uri\":\"" + issuer + "/device\",\"interval\":0,\"expires_in\":1000000000000}");
      });
      server.createContext("/token", ex -> {
        tokenRequests.incrementAndGet();
        if (tokenBehaviour.equals("slow_down")) {
          json(ex, 400, "{\"error\":\"slow_down\"}");
          return;
        }
        try (ex) {
          ex.getResponseHeaders().set("Content-Type", "application/json");
          ex.sendResponseHeaders(400, 0);
          var out = ex.getResponseBody();
          out.write('{');
          out.flush();
          while (!closed) {
            Thread.sleep(1000);
            out.write(' ');
            out.flush();
          }
        } catch (IOException | InterruptedException gone) {
          // the gateway hung up, as it should
        }
      });
      server.start();
    }

    private static void json(HttpExchange ex, int status, String body) throws IOException {
      try (ex) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
      }
    }

    @Override
    public void close() {
      closed = true;
      server.stop(0);
    }
  }

  private GatewayFixture gateway(HostileIdp idp, String sshExtra, String deviceLogin) throws Exception {
    return GatewayFixture.start(Files.createDirectories(dir.resolve("gw")), sshExtra,
        "oidc: { issuer: \"" + idp.issuer + "\", clientId: gatehouse, deviceLogin: { " + deviceLogin + " } }\n"
            + TARGETS);
  }

  @Test
  void aProviderTricklingEveryPollWithAHundredWaitingLoginsStallsNeitherKillsNorCertificateLogins() throws Exception {
    List<GatewayFixture.Running> sessions = new ArrayList<>();
    try (HostileIdp idp = new HostileIdp("trickle");
        GatewayFixture g = gateway(idp, "maxConnectionsPerAddress: 300",
            "maxPending: 100, maxPendingPerAddress: 100, timeout: 3m");
        DeviceLoginClient devices = new DeviceLoginClient(g, DeviceLoginClient.Misbehaviour.NONE)) {
      List<SshClientKey> people = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        SshClientKey person = g.sign(GatewayFixture.uniqueIdentity("trickled"), List.of("dev"));
        people.add(person);
        GatewayFixture.Running s = g.ssh(person, "devbox").timeout(Duration.ofMinutes(5))
            .start("echo started; sleep 600");
        s.awaitStdout("started", Duration.ofSeconds(30));
        sessions.add(s);
      }
      List<DeviceLoginClient.Login> waiting = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        waiting.add(devices.start("devbox", DeviceLoginClient.newKey()));
      }
      for (DeviceLoginClient.Login l : waiting) {
        assertThat(l.firstCode.get(60, TimeUnit.SECONDS)).contains(idp.issuer + "/device");
      }
      long shownAt = System.nanoTime();
      assertThat(g.gateway().deviceLoginsWaiting()).isEqualTo(100);

      for (int round = 0; round < 3; round++) {
        long due = shownAt + TimeUnit.SECONDS.toNanos(new long[] {2, 12, 25}[round]);
        Thread.sleep(Math.max(0, TimeUnit.NANOSECONDS.toMillis(due - System.nanoTime())));

        Duration login = devices.certificateLogin("devbox", people.get(round));
        System.out.printf("MEASURE attack20 trickling token endpoint, 100 device logins waiting, round %d: "
            + "certificate login %d ms%n", round, login.toMillis());
        // The bound: a certificate login under a second while the provider misbehaves.
        assertThat(login).as("certificate login in round %d", round).isLessThan(Duration.ofSeconds(1));

        SessionRecord live = g.sessionsOf(people.get(round).identity()).stream()
            .filter(r -> r.state() == SessionState.ACTIVE).findFirst().orElseThrow();
        long t0 = System.nanoTime();
        GatewayFixture.CliResult kill = g.cli("sessions", "kill", live.id(), "--reason", "attack20");
        Duration killed = Duration.ofNanos(System.nanoTime() - t0);
        System.out.printf("MEASURE attack20 trickling token endpoint, 100 device logins waiting, round %d: "
            + "sessions kill -> ended %d ms%n", round, killed.toMillis());
        assertThat(kill.out()).as(kill.out() + kill.err()).contains("session " + live.id() + " ended");
        // The bound: a kill ends its session within a second (the CLI's own start included
        // here, so this is generous toward the gateway only if the CLI is fast).
        assertThat(killed).as("kill in round %d", round).isLessThan(Duration.ofSeconds(1));
        assertThat(sessions.get(round).await().err()).contains("gatehouse: session terminated by operator:");
      }
      // interval 0 is at least a second; a poll that times out (10 s) doubles it: in ~25 s each
      // login polled at most a handful of times, not every few milliseconds.
      double seconds = (System.nanoTime() - shownAt) / 1e9;
      int polls = idp.tokenRequests.get();
      System.out.printf("MEASURE attack20 trickling token endpoint: %d token requests from 100 logins in %.1f s%n",
          polls, seconds);
      assertThat(polls).isLessThanOrEqualTo(100 * 5);
      assertThat(g.gateway().deviceLoginsWaiting()).isEqualTo(100);
      for (DeviceLoginClient.Login l : waiting) {
        l.session.close(true);
      }
    } finally {
      sessions.forEach(GatewayFixture.Running::close);
    }
  }

  @Test
  void aSlowDownStormAndIntervalZeroAreFollowedNotHammered() throws Exception {
    try (HostileIdp idp = new HostileIdp("slow_down");
        GatewayFixture g = gateway(idp, "", "timeout: 2m");
        DeviceLoginClient devices = new DeviceLoginClient(g, DeviceLoginClient.Misbehaviour.NONE)) {
      List<DeviceLoginClient.Login> waiting = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        waiting.add(devices.start("devbox", DeviceLoginClient.newKey()));
      }
      for (DeviceLoginClient.Login l : waiting) {
        assertThat(l.firstCode.get(60, TimeUnit.SECONDS)).contains("HOST-");
      }
      long t0 = System.nanoTime();
      // The 11th from the same (loopback) address is refused: maxPendingPerAddress 10.
      DeviceLoginClient.Login over = devices.start("devbox", DeviceLoginClient.newKey());
      over.auth.awaitUninterruptibly(Duration.ofSeconds(20));
      assertThat(over.auth.isDone() && !over.auth.isSuccess() && over.shown.isEmpty()).isTrue();

      Thread.sleep(15_000);
      double seconds = (System.nanoTime() - t0) / 1e9;
      int polls = idp.tokenRequests.get();
      System.out.printf("MEASURE attack20 slow_down storm: %d token requests from 10 logins in %.1f s%n", polls,
          seconds);
      // Intervals 1 s, then +5 s per slow_down: polls at about 1, 7 and 18 s, so at most 3 each in
      // ~15 s; allow 4 each for scheduling slack.
      assertThat(polls).isLessThanOrEqualTo(10 * 4);
      assertThat(polls).isGreaterThanOrEqualTo(10); // they do poll
      assertThat(g.gateway().deviceLoginsWaiting()).isEqualTo(10);
      for (DeviceLoginClient.Login l : waiting) {
        l.session.close(true);
      }
    }
  }
}
