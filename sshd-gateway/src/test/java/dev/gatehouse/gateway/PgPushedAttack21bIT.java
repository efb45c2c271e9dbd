package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.postgres.PostgresServer;
import dev.gatehouse.gateway.postgres.RawPgClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attack pass 21b on the pushed PostgreSQL path through {@code ssh -L} after commit 1e050b1
 * ("Pushed PostgreSQL input: nothing that may wait on the I/O thread …"). Real OpenSSH client, the gateway, PostgreSQL 15, hand-made messages ({@link RawPgClient}). Each
 * finding test asserts the secure outcome and fails on that commit; each has a control that passes.
 *
 * <p><b>Common cause: replay-by-text on the I/O thread lends one occurrence's verdict to another
 * occurrence of the same text in the same message.</b> {@code PgProxySession.verdict} looks in
 * {@code replay} by text ({@code r[0].sql().equals(read.sql())}) before judging, and on the
 * receiving thread it adds every verdict it judges to {@code replay}. {@code replay} is cleared only
 * when a message's {@code step} ends (or on the session's thread), so inside ONE {@code sendBatch} on
 * the I/O thread, a second judging of a text already judged earlier in the batch is not a judging:
 * it takes the first verdict from {@code replay}. {@code sendBatch} judges a text a second time on
 * purpose in two places, and both are defeated:
 *
 * <p><b>Finding 1: a text Parsed again after a SET standard_conforming_strings = off in the same
 * batch gets the verdict of its first Parse under "on" (a user function writes the ledger, no
 * review).</b> Policy {@code guarded} ({@code user-functions} reviewed). Text T =
 * {@code SELECT '\' , ' x, gh_evil() -- '}: under "on" two string constants, under "off"
 * {@code SELECT '…' x, gh_evil()} ({@code gh_evil} updates all 5 ledger rows). T and the SET are
 * judged once beforehand on other connections (analysis cache warm, nothing hands over). One batch:
 * {@code P(a, T); P("", SET standard_conforming_strings = off); B; E; P(b, T); B("", b); E; S}.
 * The second Parse is read as {@code Reading(T, UNKNOWN)} ({@code executes} is true), a different
 * key of {@code judged}, so {@code verdict} is called, and returns the replayed allow of
 * {@code Reading(T, ON)}. Seen: {@code gh_evil} ran ({@code D ' , |1}), nothing held, 5 ledger rows
 * 'pwned'. Control (no {@code P(a, T)} before the SET): held for review, denied, nothing written.
 *
 * <p><b>Finding 2: a function call Parsed before the Bind of a masked portal keeps its verdict at its
 * Execute: the function reads the portal by name and the masked value comes out.</b> Target
 * {@code masked-db}, {@code gh_people.ssn} masked; {@code gh_read(c refcursor)} (exists already,
 * plpgsql {@code FETCH c INTO r; RETURN r.ssn}). Batch 1: {@code P(s2, SELECT ssn FROM gh_people); S}.
 * Batch 2: {@code P(s1, SELECT gh_read('p')); B(p, s2); B("", s1); E(""); S}. At {@code B(p, s2)}
 * {@code gate.portal} returns true and {@code sendBatch} drops the allowed entries of {@code judged}
 * so the Execute is "judged again at its Execute" — but {@code verdict} finds the Parse's allow
 * (judged with no cursor open) in {@code replay}, so {@code MaskedCursors.check(…, executingPortal)}
 * never runs. Seen: {@code D SSN-SECRET-111}. Control ({@code s1} parsed in batch 1, so its
 * verdict is not in this batch's replay): refused, "a cursor over gh_people … may be open".
 *
 * <p>Fix direction: a replayed verdict must be taken only by the occurrence it was judged for (by
 * position in the message, and consumed there), never by a later judging in the same message; or
 * clear {@code replay} entries once used on the receiving thread too.
 *
 * <p><b>Tried and already refused (or not a finding):</b> none else in the time box; the controls
 * (the text judged once, on its own) are refused or held as the docs say.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PgPushedAttack21bIT {
  @TempDir static Path dir;
  static PostgresServer pg;
  static GatewayFixture gw;
  static SshClientKey alice;
  static SshClientKey bob;
  private static final java.util.regex.Pattern REQUEST_ID = java.util.regex.Pattern.compile("request ([0-9A-F]{4,8})");
  static LocalForward tunnel;
  static int port;
  static LocalForward maskedTunnel;
  static int maskedPort;

  /**
   * One text, two readings: with standard_conforming_strings on it is a SELECT of two string
   * constants; with it off the first constant swallows the second quote, and the rest reads as
   * {@code SELECT '…' x, gh_evil()} — a call of a user function that writes the ledger.
   */
  static final String TWO_READINGS = "SELECT '\\' , ' x, gh_evil() -- '";

  @RegisterExtension GatewayLogOnFailure log = new GatewayLogOnFailure();

  @BeforeAll
  static void start() throws Exception {
    pg = PostgresServer.start(false);
    pg.superSql("app", "SET ROLE app_rw;\n"
        + "CREATE TABLE ledger (id int PRIMARY KEY, v text);\n"
        + "INSERT INTO ledger SELECT g, 'ok' FROM generate_series(1, 5) g;\n"
        + "CREATE TABLE gh_people (id int PRIMARY KEY, ssn text);\n"
        + "INSERT INTO gh_people VALUES (1, 'SSN-SECRET-111');\n"
        + "CREATE FUNCTION gh_read(c refcursor) RETURNS text LANGUAGE plpgsql AS $$ DECLARE r record;"
        + " BEGIN FETCH c INTO r; RETURN r.ssn; END $$;\n"
        + "CREATE FUNCTION gh_evil() RETURNS int LANGUAGE sql AS $$ UPDATE ledger SET v = 'pwned' WHERE id > 0; SELECT 1 $$;\n");
    Files.createDirectories(dir.resolve("gw"));
    gw = GatewayFixture.start(dir.resolve("gw"), "", """
        approvals: { ttl: 60s }
        targets:
          - name: prod-db
            type: postgres
            postgres: { host: 127.0.0.1, port: %d, database: app, user: app_rw, password: "file:%s", tls: disable }
            runAs: nobody
            allow: { groups: [dev] }
            approvers: { groups: [dba-leads], min: 1 }
            policy: guarded
          - name: masked-db
            type: postgres
            postgres: { host: 127.0.0.1, port: %d, database: app, user: app_rw, password: "file:%s", tls: disable }
            runAs: nobody
            allow: { groups: [dev] }
            policy: masked
        policies:
          masked:
            block: [drop-database, drop-table, truncate, delete-without-where, update-without-where]
            review: [ddl, grant, role-change, server-files, copy-program, dynamic-sql, system-settings,
                     procedure-call, admin-functions, lock-table]
            unclassified: review
            mask: { columns: [gh_people.ssn], form: full }
          guarded:
            block: [drop-database, drop-table, truncate, delete-without-where, update-without-where]
            review: [ddl, grant, role-change, server-files, copy-program, dynamic-sql, system-settings,
                     procedure-call, admin-functions, lock-table, user-functions]
            unclassified: review
            rules:
              - { name: ledger-writes, kinds: [update, delete, insert], tables: [ledger], verdict: review }
        """.formatted(pg.port, pg.passwordFile(), pg.port, pg.passwordFile()));
    alice = gw.sign(GatewayFixture.uniqueIdentity("alice"), List.of("dev"));
    bob = gw.sign(GatewayFixture.uniqueIdentity("bob"), List.of("dba-leads"));
    tunnel = LocalForward.open(gw, alice, "prod-db");
    port = tunnel.port();
    maskedTunnel = LocalForward.open(gw, alice, "masked-db");
    maskedPort = maskedTunnel.port();
    // The analyses the attack's batch needs, cached (a text never parsed hands over to the
    // session's thread): each text once, on a connection of its own.
    try (RawPgClient w = new RawPgClient(port, "anyone", "unused")) {
      List<String> a = answered(w, PgPushedAttack21IT.query("SET standard_conforming_strings = off"), "deny ID no");
      System.out.println("WARM set: " + a);
    }
    try (RawPgClient w = new RawPgClient(port, "anyone", "unused")) {
      List<String> a = answered(w, PgPushedAttack21IT.query(TWO_READINGS), "deny ID no");
      System.out.println("WARM text: " + a);
      assertThat(a).as(a.toString()).anyMatch(m -> m.startsWith("D "));
    }
  }

  @BeforeEach
  void resetLedger() throws Exception {
    pg.superSql("app", "UPDATE ledger SET v = 'ok'");
  }

  @AfterAll
  static void stop() throws Exception {
    if (tunnel != null) {
      tunnel.close();
    }
    if (maskedTunnel != null) {
      maskedTunnel.close();
    }
    if (gw != null) {
      gw.close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  private static String ledgerPwned() throws Exception {
    return pg.superSql("app", "SELECT count(*) FROM ledger WHERE v = 'pwned'");
  }

  /** Writes {@code bytes} (null: nothing) and reads up to ReadyForQuery, bob answering any hold. */
  static List<String> answered(RawPgClient c, byte[] bytes, String decision) throws Exception {
    if (bytes != null) {
      PgPushedAttack21IT.write(c, bytes);
    }
    List<String> all = new ArrayList<>();
    while (true) {
      String m = c.read();
      all.add(m);
      if (m.startsWith("N") && m.contains("waiting for approval")) {
        java.util.regex.Matcher r = REQUEST_ID.matcher(m);
        assertThat(r.find()).isTrue();
        SshResult a = gw.ssh(bob, "approvals").run(decision.replace("ID", r.group(1)));
        assertThat(a.exitCode()).as(a.toString()).isZero();
      }
      if (m.startsWith("Z")) {
        return all;
      }
    }
  }

  /** A fresh session, warmed (one harmless query on the I/O thread), settled. */
  static RawPgClient session() throws Exception {
    return session(port);
  }

  static RawPgClient session(int port) throws Exception {
    RawPgClient c = new RawPgClient(port, "anyone", "unused");
    Thread.sleep(300);
    List<String> a = answered(c, PgPushedAttack21IT.query("SELECT 1"), "deny ID no");
    assertThat(a).as(a.toString()).noneMatch(m -> m.startsWith("E "));
    Thread.sleep(300);
    return c;
  }

  /**
   * Control: after a SET standard_conforming_strings = off in the same batch, a Parse of the text
   * (read both ways: UNKNOWN) is held for review as the user function's call; denied, nothing is written.
   */
  @Test
  @Order(1)
  void controlTheTextParsedAfterTheSetInTheBatchIsReviewed() throws Exception {
    List<String> out;
    try (RawPgClient c = session()) {
      c.parse("", "SET standard_conforming_strings = off").bind("", "").execute("", 0)
          .parse("b", TWO_READINGS).bind("", "b").execute("", 0);
      c.sendSync();
      out = answered(c, null, "deny ID no");
      System.out.println("CONTROL answer: " + out);
    }
    assertThat(ledgerPwned()).as(out.toString()).isEqualTo("0");
    assertThat(out).as(out.toString()).anyMatch(m -> m.startsWith("E "));
  }

  /**
   * Finding: the same text Parsed once more earlier in the batch (before the SET) lends its
   * verdict under "on" to the later Parse read under UNKNOWN: nothing held, the ledger written.
   */
  @Test
  @Order(2)
  void theSameTextEarlierInTheBatchDoesNotLendItsVerdictToTheParseAfterTheSet() throws Exception {
    List<String> out;
    try (RawPgClient c = session()) {
      c.parse("a", TWO_READINGS)
          .parse("", "SET standard_conforming_strings = off").bind("", "").execute("", 0)
          .parse("b", TWO_READINGS).bind("", "b").execute("", 0);
      c.sendSync();
      out = answered(c, null, "deny ID no");
      System.out.println("ATTACK answer: " + out);
    }
    assertThat(ledgerPwned()).as("the ledger written by a user function nobody reviewed: " + out).isEqualTo("0");
  }

  /** Parses "s2" (a read of the masked column) in a batch of its own, then the given batch. */
  static List<String> maskedAttack(boolean parseCallInBatch) throws Exception {
    try (RawPgClient c = session(maskedPort)) {
      List<String> warm = answered(c, PgPushedAttack21IT.query("SELECT gh_read(NULL)"), "deny ID no");
      System.out.println("WARM gh_read: " + warm);
      c.parse("s2", "SELECT ssn FROM gh_people");
      if (!parseCallInBatch) {
        c.parse("s1", "SELECT gh_read('p')");
      }
      List<String> first = c.sync();
      System.out.println("FIRST batch: " + first);
      Thread.sleep(300);
      if (parseCallInBatch) {
        c.parse("s1", "SELECT gh_read('p')");
      }
      c.bind("p", "s2").bind("", "s1").execute("", 0);
      c.sendSync();
      return answered(c, null, "deny ID no");
    }
  }

  /**
   * Control: the call of a function Parsed in an earlier batch, Executed while a portal over the
   * masked table is bound in the same batch, is refused (a cursor over gh_people may be open).
   */
  @Test
  @Order(3)
  void controlAFunctionCallWhileAMaskedPortalIsOpenIsRefused() throws Exception {
    List<String> out = maskedAttack(false);
    System.out.println("CONTROL masked: " + out);
    assertThat(String.join("\n", out)).doesNotContain("SSN-SECRET");
    assertThat(out).as(out.toString()).anyMatch(m -> m.startsWith("E "));
  }

  /**
   * Finding: the same call Parsed earlier in the same batch (before the Bind of the masked portal)
   * lends its verdict, judged with no cursor open, to its Execute: the function reads the portal
   * by name and the masked value comes out unmasked.
   */
  @Test
  @Order(4)
  void aCallParsedBeforeTheMaskedPortalsBindIsJudgedAgainAtItsExecute() throws Exception {
    List<String> out = maskedAttack(true);
    System.out.println("ATTACK masked: " + out);
    assertThat(String.join("\n", out)).as("the masked value out: " + out).doesNotContain("SSN-SECRET");
  }
}
