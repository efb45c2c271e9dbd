package dev.gatehouse.gateway.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.config.PostgresSettings;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real psql and pgbench through the proxy to a real PostgreSQL. */
class PgProxyIT {
  static PostgresServer pg;
  static TestPolicy policy;
  static CancelRegistry cancels = new CancelRegistry();
  static PgProxyServer proxy;

  @BeforeAll
  static void start() throws Exception {
    pg = PostgresServer.start(false);
    policy = TestPolicy.forServer(pg);
    proxy = PgProxyServer.tcp(new InetSocketAddress("127.0.0.1", 0), settings(pg), policy, policy, policy, cancels);
  }

  static PostgresSettings settings(PostgresServer pg) {
    return new PostgresSettings("127.0.0.1", pg.port, "app", "app_rw", "file:" + pg.passwordFile(), null, null, null);
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

  private static Psql.Result psql(String stdin, String... args) throws Exception {
    return Psql.psql(Psql.conninfo(proxy.port(), ""), stdin, args);
  }

  @Test
  void theProxyReportsStandardConformingStringsAsTheServerLastDid() throws Exception {
    // psql's meta-command guard reads string literals by this setting, as psql does.
    assertThat(psql(null, "-c", "SET standard_conforming_strings = off").exit()).isZero();
    assertThat(proxy.standardConformingStrings()).contains(false);
    assertThat(psql(null, "-c", "SELECT 1").exit()).isZero();
    assertThat(proxy.standardConformingStrings()).contains(true);
  }

  @Test
  void psqlPrintsTheMaskedValueEvenUnderAnAlias() throws Exception {
    assertThat(psql(null, "-c", "SELECT id, email, name FROM users ORDER BY id").out())
        .isEqualTo("1|*************.com|Alice\n2|***********.org|Bob\n");
    assertThat(psql(null, "-c", "SELECT email AS e FROM users WHERE id = 1").out()).isEqualTo("*************.com\n");
    assertThat(psql(null, "-c", "SELECT u.email AS name FROM users u WHERE id = 2").out()).isEqualTo("***********.org\n");
  }

  @Test
  void derivedValuesAreCaughtByTheContentDetectors() throws Exception {
    Psql.Result r = psql(null, "-c", "SELECT email || '' FROM users WHERE id = 1");
    assertThat(r.out()).isEqualTo("[email]\n");
    assertThat(r.out() + r.err()).doesNotContain("alice@");
  }

  @Test
  void noticesAndErrorDetailsAreMasked() throws Exception {
    Psql.Result notice = psql(null, "-c", "DO $$ BEGIN RAISE NOTICE 'contact %', 'carol@example.net'; END $$");
    assertThat(notice.err()).contains("NOTICE:  contact [email]").doesNotContain("carol@");

    Psql.Result dup = psql(null, "-c", "INSERT INTO users VALUES (9, 'alice@example.com', 'again')");
    assertThat(dup.exit()).isEqualTo(1);
    assertThat(dup.err()).contains("duplicate key").contains("Key (email)=([email]) already exists")
        .doesNotContain("alice@");
  }

  @Test
  void blockedStatementGets42501WithRuleAndReasonAndPsqlStaysUsable() throws Exception {
    Psql.Result r = psql("\\set VERBOSITY verbose\nDROP TABLE users;\nSELECT 40 + 2;\n");
    assertThat(r.err()).contains("ERROR:  42501: blocked by rule drop-table: DROP TABLE is not allowed");
    assertThat(r.out()).isEqualTo("42\n");
    assertThat(pg.superSql("app", "SELECT count(*) FROM users")).isEqualTo("2");
    assertThat(policy.logged).anySatisfy(l -> {
      assertThat(l.sql()).isEqualTo("DROP TABLE users;");
      assertThat(l.verdict()).isEqualTo("block");
      assertThat(l.rule()).isEqualTo("drop-table");
    });

    Psql.Result stop = psql(null, "-v", "ON_ERROR_STOP=1", "-c", "DROP TABLE users");
    assertThat(stop.exit()).as(stop.toString()).isEqualTo(1);
    Psql.Result script = psql("DROP TABLE users;\nSELECT 1;\n", "-v", "ON_ERROR_STOP=1");
    assertThat(script.exit()).as(script.toString()).isEqualTo(3);
  }

  @Test
  void aReviewIsRefusedByAGateWithoutApprovals() throws Exception {
    Psql.Result r = psql(null, "-c", "TRUNCATE users");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("ERROR:  needs approval (rule truncate): TRUNCATE of users needs a second person");
    assertThat(pg.superSql("app", "SELECT count(*) FROM users")).isEqualTo("2");
  }

  @Test
  void blockedStatementInsideATransactionAbortsTheServersTransactionToo() throws Exception {
    Psql.Result r = psql("""
        BEGIN;
        INSERT INTO users VALUES (100, 'eve@example.com', 'Eve');
        DROP TABLE users;
        SELECT 1;
        COMMIT;
        """);
    assertThat(r.err()).contains("blocked by rule drop-table")
        .contains("current transaction is aborted, commands ignored until end of transaction block");
    assertThat(r.out()).contains("ROLLBACK");
    assertThat(pg.superSql("app", "SELECT count(*) FROM users WHERE id = 100")).isEqualTo("0");
  }

  @Test
  void pgbenchRunsThroughTheProxyInEveryQueryMode() throws Exception {
    String conn = Psql.conninfo(proxy.port(), "");
    // initialisation: DROP/CREATE of pgbench's own tables, COPY FROM STDIN, VACUUM
    Psql.Result init = Psql.run(List.of("pgbench", "-i", "-s", "1", "-q", conn), null);
    assertThat(init.exit()).as(init.toString()).isZero();
    for (String mode : List.of("simple", "extended", "prepared")) {
      Psql.Result r = Psql.run(List.of("pgbench", "-S", "-M", mode, "-t", "200", "-c", "2", conn), null);
      assertThat(r.exit()).as(mode + ": " + r).isZero();
      assertThat(r.out()).as(mode).contains("number of transactions actually processed: 400/400");
    }
    assertThat(policy.logged).anySatisfy(l -> {
      assertThat(l.sql()).startsWith("SELECT abalance FROM pgbench_accounts WHERE aid = $1");
      assertThat(l.rows()).isEqualTo(1);
    });
  }

  @Test
  void startupOptionsAndReplicationAreRefusedNamingTheParameter() throws Exception {
    Psql.Result options = Psql.psql(Psql.conninfo(proxy.port(), "options='-c role=postgres'"), null, "-c", "SELECT 1");
    assertThat(options.exit()).isEqualTo(2);
    assertThat(options.err()).contains("FATAL:  gatehouse: startup parameter \"options\" is not allowed");

    Psql.Result replication = Psql.psql(Psql.conninfo(proxy.port(), "replication=database"), null, "-c", "SELECT 1");
    assertThat(replication.exit()).isEqualTo(2);
    assertThat(replication.err()).contains("startup parameter \"replication\" is not allowed");
  }

  @Test
  void clientUserDatabaseAndPasswordAreIgnored() throws Exception {
    Psql.Result r = Psql.psql(
        "host=127.0.0.1 port=" + proxy.port() + " user=postgres dbname=postgres sslmode=disable",
        null, "-c", "SELECT current_user, current_database()");
    assertThat(r.out()).isEqualTo("app_rw|app\n");
  }

  @Test
  void sslAndGssEncryptionRequestsAreAnsweredN() throws Exception {
    try (Socket s = new Socket("127.0.0.1", proxy.port())) {
      DataOutputStream out = new DataOutputStream(s.getOutputStream());
      DataInputStream in = new DataInputStream(s.getInputStream());
      out.writeInt(8);
      out.writeInt(80877104); // GSSENCRequest
      assertThat(in.read()).isEqualTo('N');
      out.writeInt(8);
      out.writeInt(80877103); // SSLRequest
      assertThat(in.read()).isEqualTo('N');
      startup(out, in);
      query(out, "SELECT 7");
      List<String> answer = readUntilReady(in);
      assertThat(answer).anySatisfy(m -> assertThat(m).startsWith("D").endsWith("7"));
      assertThat(answer).last().isEqualTo("Z I");
    }
  }

  @Test
  void functionCallIsRefusedAndTheSessionGoesOn() throws Exception {
    try (Socket s = new Socket("127.0.0.1", proxy.port())) {
      DataOutputStream out = new DataOutputStream(s.getOutputStream());
      DataInputStream in = new DataInputStream(s.getInputStream());
      startup(out, in);
      // FunctionCall of lo_unlink (964) on OID 1, one text-format argument
      byte[] arg = "1".getBytes(StandardCharsets.US_ASCII);
      out.writeByte('F');
      out.writeInt(4 + 4 + 2 + 2 + 2 + 4 + arg.length + 2);
      out.writeInt(964);
      out.writeShort(1);
      out.writeShort(0);
      out.writeShort(1);
      out.writeInt(arg.length);
      out.write(arg);
      out.writeShort(0);
      out.flush();
      List<String> answer = readUntilReady(in);
      assertThat(answer).anySatisfy(m -> assertThat(m).startsWith("E").contains("42501").contains("function-call"));
      query(out, "SELECT 1");
      List<String> after = readUntilReady(in);
      assertThat(after).anySatisfy(m -> assertThat(m).startsWith("D").endsWith("1"));
      assertThat(after).last().isEqualTo("Z I");
    }
  }

  @Test
  void malformedMessagesEndOnlyThatSession() throws Exception {
    for (byte[] bad : List.of(
        new byte[] {'Q', 0, 0, 0, 2}, // length below 4
        new byte[] {'Q', 0x7f, 0, 0, 0}, // over 1 GiB
        new byte[] {'y', 0, 0, 0, 4})) { // no such message
      try (Socket s = new Socket("127.0.0.1", proxy.port())) {
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        DataInputStream in = new DataInputStream(s.getInputStream());
        startup(out, in);
        out.write(bad);
        out.flush();
        String fatal = readMessage(in);
        assertThat(fatal).startsWith("E").contains("SFATAL");
        assertThat(in.read()).isEqualTo(-1);
      }
    }
    try (Socket s = new Socket("127.0.0.1", proxy.port())) { // a broken startup packet
      s.getOutputStream().write(new byte[] {0, 0, 0, 3});
      assertThat(readMessage(new DataInputStream(s.getInputStream()))).contains("SFATAL").contains("startup packet");
    }
    assertThat(psql(null, "-c", "SELECT 'still here'").out()).isEqualTo("still here\n");
  }

  @Test
  void unixSocketListenerServesPsql(@TempDir Path dir) throws Exception {
    Path socket = dir.resolve(".s.PGSQL.5432");
    try (PgProxyServer unix = PgProxyServer.unix(socket,
        peer -> peer.uid() == dev.gatehouse.gateway.terminal.UnixUser.currentUid(), settings(pg), policy, policy,
        policy, cancels)) {
      assertThat(Files.exists(socket)).isTrue();
      Psql.Result r = Psql.psql("host=" + dir + " port=5432 user=x dbname=y", null,
          "-c", "SELECT email FROM users WHERE id = 2");
      assertThat(r.out()).as(r.toString()).isEqualTo("***********.org\n");
    }
    assertThat(Files.exists(socket)).isFalse();
  }

  @Test
  void unixSocketListenerClosesConnectionsItsPeerRuleRefuses(@TempDir Path dir) throws Exception {
    Path socket = dir.resolve(".s.PGSQL.5432");
    java.util.List<Long> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (PgProxyServer unix = PgProxyServer.unix(socket, peer -> seen.add(peer.pid()) && false, settings(pg),
        policy, policy, policy, cancels)) {
      Psql.Result r = Psql.psql("host=" + dir + " port=5432 user=x dbname=y", null, "-c", "SELECT 1");
      assertThat(r.exit()).as(r.toString()).isNotZero();
      assertThat(r.out()).isEmpty();
      assertThat(r.err()).contains("server closed the connection unexpectedly");
    }
    // The kernel's peer credentials named a real process (the psql that connected), not 0.
    assertThat(seen).isNotEmpty().allMatch(pid -> pid > 1);
  }

  // --- a hand-written client for what psql will not send

  static void startup(DataOutputStream out, DataInputStream in) throws Exception {
    byte[] params = "user\0x\0database\0y\0\0".getBytes(StandardCharsets.US_ASCII);
    out.writeInt(8 + params.length);
    out.writeInt(196608);
    out.write(params);
    out.flush();
    List<String> answer = readUntilReady(in);
    assertThat(answer.get(0)).isEqualTo("R 0");
    assertThat(answer).anySatisfy(m -> assertThat(m).startsWith("K"));
  }

  static void query(DataOutputStream out, String sql) throws Exception {
    byte[] b = (sql + "\0").getBytes(StandardCharsets.UTF_8);
    out.writeByte('Q');
    out.writeInt(4 + b.length);
    out.write(b);
    out.flush();
  }

  static List<String> readUntilReady(DataInputStream in) throws Exception {
    List<String> messages = new ArrayList<>();
    while (true) {
      String m = readMessage(in);
      messages.add(m);
      if (m.startsWith("Z")) {
        return messages;
      }
    }
  }

  /** A message as "T rest": R with its code, Z with its status, E with its fields' text. */
  static String readMessage(DataInputStream in) throws Exception {
    int type = in.read();
    if (type < 0) {
      throw new EOFException();
    }
    int len = in.readInt();
    byte[] body = in.readNBytes(len - 4);
    return switch (type) {
      case 'R' -> "R " + (((body[0] & 0xff) << 24) | ((body[1] & 0xff) << 16) | ((body[2] & 0xff) << 8) | (body[3] & 0xff));
      case 'Z' -> "Z " + (char) body[0];
      default -> (char) type + " " + new String(body, StandardCharsets.UTF_8).replace('\0', '|');
    };
  }
}
