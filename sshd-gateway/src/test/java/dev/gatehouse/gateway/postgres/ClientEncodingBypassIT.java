package dev.gatehouse.gateway.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.policy.MaskedDerivations;
import dev.gatehouse.policy.SqlJudge;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Regression tests from the attack on the lexers (branch attack-lexers): the proxy reads SQL text
 * in a client encoding other than the one the server converts it from, so a backslash byte that
 * is the second byte of a Shift-JIS character to the server is an escape to the judge. Each test
 * fails while the bypass works: the server deletes rows the judge never saw a DELETE for.
 *
 * <p>The bytes C3 81 5C are "Á\" in UTF-8 and Latin-1; in Shift-JIS (and SHIFT_JIS_2004) C3 is a
 * half-width katakana and 81 5C one two-byte character: no backslash, so the string ends at the
 * quote after it.
 */
class ClientEncodingBypassIT {
  static PostgresServer pg;
  static SqlJudge judge;
  static PgProxyServer proxy;

  /** E'Á\' then, to the server only, a second statement. */
  static byte[] hiddenDelete(String table) {
    return concat(ascii("SELECT E'"), new byte[] {(byte) 0xC3, (byte) 0x81, 0x5C},
        ascii("'; DELETE FROM " + table + "; --'"));
  }

  @BeforeAll
  static void start() throws Exception {
    pg = PostgresServer.start(false);
    pg.superSql("app", """
        SET ROLE app_rw;
        CREATE TABLE victim_startup (id int);
        CREATE TABLE victim_set (id int);
        CREATE TABLE victim_batch (id int);
        INSERT INTO victim_startup VALUES (1), (2);
        INSERT INTO victim_set VALUES (1), (2);
        INSERT INTO victim_batch VALUES (1), (2);
        """);
    judge = new SqlJudge(PostgresTargets.BUILT_IN_DEFAULT, Duration.ofSeconds(2), 100);
    PolicyGate gate = new PolicyGate(judge, new MaskedDerivations(Map.of(), Map.of()));
    proxy = PgProxyServer.tcp(new InetSocketAddress("127.0.0.1", 0), PgProxyIT.settings(pg), gate,
        ResultMasker.NONE, StatementLog.NONE, new CancelRegistry());
  }

  @AfterAll
  static void stop() throws Exception {
    if (proxy != null) {
      proxy.close();
    }
    if (judge != null) {
      judge.close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  /**
   * SHIFT_JIS_2004 is a client-only encoding like SJIS, with 0x5C trailing bytes, but it is not in
   * Wire.UNSAFE_ENCODINGS: the startup parameter is accepted, and the proxy decodes the text as
   * Latin-1 (Java knows no charset of that name).
   */
  @Test
  void shiftJis2004AtStartupHidesADeleteBehindABackslashTrailByte() throws Exception {
    try (Socket s = new Socket("127.0.0.1", proxy.port())) {
      DataOutputStream out = new DataOutputStream(s.getOutputStream());
      DataInputStream in = new DataInputStream(s.getInputStream());
      List<String> started = startup(out, in, "client_encoding", "SHIFT_JIS_2004");
      if (started.stream().noneMatch(m -> m.startsWith("E"))) {
        query(out, hiddenDelete("victim_startup"));
        readUntilReadyOrEnd(in);
      }
    }
    assertThat(pg.superSql("app", "SELECT count(*) FROM victim_startup"))
        .as("the server ran a DELETE the judge read as part of a string").isEqualTo("2");
  }

  /** The same through SET client_encoding mid-session (psql's console can do this too). */
  @Test
  void setClientEncodingToShiftJis2004MidSessionHidesADelete() throws Exception {
    try (Socket s = new Socket("127.0.0.1", proxy.port())) {
      DataOutputStream out = new DataOutputStream(s.getOutputStream());
      DataInputStream in = new DataInputStream(s.getInputStream());
      startup(out, in);
      query(out, ascii("SET client_encoding = 'SHIFT_JIS_2004'"));
      List<String> set = readUntilReadyOrEnd(in);
      if (set.stream().noneMatch(m -> m.startsWith("E"))) {
        query(out, hiddenDelete("victim_set"));
        readUntilReadyOrEnd(in);
      }
    }
    assertThat(pg.superSql("app", "SELECT count(*) FROM victim_set"))
        .as("the server ran a DELETE the judge read as part of a string").isEqualTo("2");
  }

  /**
   * SJIS itself is refused, but only when the server reports it (at Sync): inside one extended
   * batch, an Execute of SET client_encoding changes how the server converts the next Parse, which
   * the proxy has already decoded as UTF-8. One statement per Parse: a data-modifying CTE.
   */
  @Test
  void setClientEncodingToSjisInsideOneExtendedBatchHidesADataModifyingCte() throws Exception {
    byte[] evil = concat(ascii("WITH a AS (SELECT E'"), new byte[] {(byte) 0xC3, (byte) 0x81, 0x5C},
        ascii("' AS v), d AS (DELETE FROM victim_batch RETURNING 1) SELECT count(*) FROM d --') SELECT 1"));
    try (Socket s = new Socket("127.0.0.1", proxy.port())) {
      DataOutputStream out = new DataOutputStream(s.getOutputStream());
      DataInputStream in = new DataInputStream(s.getInputStream());
      startup(out, in);
      ByteArrayOutputStream batch = new ByteArrayOutputStream();
      parse(batch, ascii("SET client_encoding TO 'SJIS'"));
      bindExecute(batch);
      parse(batch, evil);
      bindExecute(batch);
      message(batch, 'S', new byte[0]);
      out.write(batch.toByteArray());
      out.flush();
      readUntilReadyOrEnd(in);
    }
    assertThat(pg.superSql("app", "SELECT count(*) FROM victim_batch"))
        .as("the server ran a DELETE the judge read as part of a string").isEqualTo("2");
  }

  // --- a raw client

  static List<String> startup(DataOutputStream out, DataInputStream in, String... extra) throws Exception {
    ByteArrayOutputStream p = new ByteArrayOutputStream();
    p.write(ascii("user\0x\0database\0y\0"));
    for (String e : extra) {
      p.write(ascii(e + "\0"));
    }
    p.write(0);
    byte[] params = p.toByteArray();
    out.writeInt(8 + params.length);
    out.writeInt(196608);
    out.write(params);
    out.flush();
    return readUntilReadyOrEnd(in);
  }

  static void query(DataOutputStream out, byte[] sql) throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    message(b, 'Q', concat(sql, new byte[] {0}));
    out.write(b.toByteArray());
    out.flush();
  }

  static void parse(ByteArrayOutputStream b, byte[] sql) throws Exception {
    message(b, 'P', concat(new byte[] {0}, sql, new byte[] {0, 0, 0}));
  }

  static void bindExecute(ByteArrayOutputStream b) throws Exception {
    message(b, 'B', new byte[] {0, 0, 0, 0, 0, 0, 0, 0});
    message(b, 'E', new byte[] {0, 0, 0, 0, 0});
  }

  static void message(ByteArrayOutputStream b, char type, byte[] body) throws Exception {
    DataOutputStream d = new DataOutputStream(b);
    d.writeByte(type);
    d.writeInt(4 + body.length);
    d.write(body);
    d.flush();
  }

  static List<String> readUntilReadyOrEnd(DataInputStream in) throws Exception {
    List<String> messages = new ArrayList<>();
    try {
      while (true) {
        String m = PgProxyIT.readMessage(in);
        messages.add(m);
        if (m.startsWith("Z")) {
          return messages;
        }
      }
    } catch (EOFException | java.net.SocketException e) {
      return messages;
    }
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      b.writeBytes(p);
    }
    return b.toByteArray();
  }
}
