package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.gatehouse.gateway.postgres.PostgresServer;
import dev.gatehouse.recorder.VisibleText;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Text from a requester is data wherever an approver or an auditor sees it. A requester with a
 * valid certificate sends statements whose comments and strings hold escape sequences — OSC 52
 * (write the clipboard), OSC 0 (window title), {@code ESC[2K CR} (erase the line, write a fake
 * one), {@code ESC[8m} (conceal), a right-to-left override, a C1 CSI — through psql and pgJDBC
 * over {@code ssh -L} and through psql on the bastion, and an access request whose reason holds
 * them too. Every view is then read as raw bytes: {@code ssh approvals@gw list} (text and JSON),
 * the real {@code gatehouse} CLI in its own process ({@code approvals list}, {@code sessions show},
 * {@code sessions list}), the webhook's body, the recording's markers, the audit log. None holds
 * a control character (but the newline) or an invisible one; each shows the escape instead.
 */
class RequesterTextIT {
  private static final Pattern REQUEST_ID = Pattern.compile("request ([0-9A-F]{4,8})");
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String ESC = "\u001b";
  static final String BEL = "\u0007";
  /** The requester's payload, in a comment: every trick at once. */
  static final String TRICKS = ESC + "]52;c;Y2xpcGJvYXJk" + BEL + " " + ESC + "]0;pwned" + BEL + " " + ESC + "[2K\rLOOKS FINE "
      + ESC + "[8mconcealed" + ESC + "[0m \u202eevil\u202c \u009b2J \u2066iso\u2069 zero\u200bwidth";
  @TempDir static Path dir;
  static PostgresServer pg;
  static GatewayFixture gw;
  static HttpServer hook;
  static final Map<String, byte[]> hooked = new ConcurrentHashMap<>();
  static SshClientKey alice;
  static SshClientKey bob;

  @RegisterExtension GatewayLogOnFailure log = new GatewayLogOnFailure();

  @BeforeAll
  static void start() throws Exception {
    hook = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    hook.createContext("/hook", ex -> {
      byte[] body = ex.getRequestBody().readAllBytes();
      hooked.put(JSON.readTree(body).path("request").path("id").asText(), body);
      ex.sendResponseHeaders(200, -1);
      ex.close();
    });
    hook.start();
    pg = PostgresServer.start(false);
    pg.superSql("app", "SET ROLE app_rw; CREATE TABLE orders (id int PRIMARY KEY, note text);"
        + " INSERT INTO orders SELECT g, 'row ' || g FROM generate_series(1, 20) g;");
    Files.createDirectories(dir.resolve("gw"));
    gw = GatewayFixture.start(dir.resolve("gw"), "", """
        approvals: { ttl: 60s, webhook: "http://127.0.0.1:%d/hook" }
        targets:
          - name: pg
            type: postgres
            postgres: { host: 127.0.0.1, port: %d, database: app, user: app_rw, password: "file:%s", tls: disable }
            runAs: nobody
            allow: { groups: [dev] }
            approvers: { groups: [dba-leads], min: 1 }
            policy: orders
          - name: ops
            type: command
            command: ["/bin/bash", "--noprofile", "--norc", "-i"]
            env: { PATH: "/usr/bin:/bin" }
            runAs: nobody
            allow: { groups: [dev] }
            approvers: { groups: [dba-leads], min: 1 }
            access: review
        policies:
          orders:
            unclassified: review
            rules:
              - { name: orders-writes, kinds: [update, delete, insert], tables: [orders], verdict: review }
        """.formatted(hook.getAddress().getPort(), pg.port, pg.passwordFile()));
    alice = gw.sign(GatewayFixture.uniqueIdentity("alice"), List.of("dev"));
    bob = gw.sign(GatewayFixture.uniqueIdentity("bob"), List.of("dba-leads"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (gw != null) {
      gw.close();
    }
    if (pg != null) {
      pg.close();
    }
    if (hook != null) {
      hook.stop(0);
    }
  }

  /** Every control or invisible character in what a person is shown; the newline is allowed. */
  static void nothingHidden(String what, String shown) {
    List<String> found = new ArrayList<>();
    shown.codePoints().filter(cp -> cp != '\n' && VisibleText.hidden(cp)).distinct()
        .forEach(cp -> found.add(String.format("U+%04X", cp)));
    assertThat(found).as("control or invisible characters in %s:%n%s", what, shown).isEmpty();
  }

  static void nothingHidden(String what, byte[] raw) {
    for (byte b : raw) {
      assertThat(b == 0x1b || b == 0x07 || b == '\r' || b == 0x08 || b == 0x7f)
          .as("a raw control byte 0x%02x in %s", b, what).isFalse();
    }
    nothingHidden(what, new String(raw, StandardCharsets.UTF_8));
  }

  /** What {@link #TRICKS} must look like once made visible. */
  static void showsTheTricks(String what, String shown) {
    assertThat(shown).as(what)
        .contains("\\x1b]52;c;Y2xpcGJvYXJk\\x07")
        .contains("\\x1b]0;pwned\\x07")
        .contains("\\x1b[8mconcealed\\x1b[0m")
        .contains("\\u{202e}evil\\u{202c}")
        .contains("\\u{009b}2J")
        .contains("\\u{2066}iso\\u{2069}")
        .contains("zero\\u{200b}width");
  }

  @Test
  void statementsAndReasonsFullOfEscapeSequencesReachEveryViewVisibleAndNeverRaw() throws Exception {
    // 1. psql on the bastion (exec) refuses C0 controls in a line outright; what it lets through
    //    (C1, bidi, zero-width) goes in a comment. ssh -L below carries all of them.
    SshResult refused = gw.ssh(alice, "pg").options("-o", "SetEnv=GATEHOUSE_NOWAIT=1")
        .run("UPDATE orders SET note = 'exec' WHERE id = 1 -- " + TRICKS);
    assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(77);
    nothingHidden("the refusal", refused.stderr());
    String exec = "UPDATE orders SET note = 'exec' WHERE id = 1 -- \u202eevil\u202c \u009b2J \u2066iso\u2069 zero\u200bwidth";
    SshResult first = gw.ssh(alice, "pg").options("-o", "SetEnv=GATEHOUSE_NOWAIT=1").run(exec);
    assertThat(first.exitCode()).as(first.toString()).isEqualTo(76);
    Matcher m = REQUEST_ID.matcher(first.err());
    assertThat(m.find()).isTrue();
    String execId = m.group(1);

    // 2. an access request whose reason carries the tricks (SetEnv: no spaces in one value)
    String reason = "fix" + ESC + "]0;TITLE" + BEL + ESC + "[2Jx\u202eevil";
    SshResult access = gw.ssh(alice, "ops")
        .options("-o", "SetEnv=GATEHOUSE_REASON=" + reason + " GATEHOUSE_DURATION=10m GATEHOUSE_NOWAIT=1").run("true");
    assertThat(access.exitCode()).as(access.toString()).isEqualTo(76);
    Matcher am = REQUEST_ID.matcher(access.err());
    assertThat(am.find()).isTrue();
    String accessId = am.group(1);

    // 3. the user's own psql and pgJDBC through ssh -L: statements held while the views are read
    String viaPsql = "UPDATE orders SET note = 'psql' WHERE id = 2 -- " + TRICKS;
    String viaJdbc = "UPDATE orders SET note = 'jdbc " + ESC + "[8m\u202e' WHERE id = 3 /* " + TRICKS + " */";
    int port = PostgresTargetIT.PostgresServerPort.free();
    List<String> argv = new ArrayList<>(gw.sshArgv(alice, "pg", List.of("-N", "-L", port + ":pg:5432",
        "-o", "ExitOnForwardFailure=yes")));
    Process tunnel = new ProcessBuilder(argv).redirectErrorStream(true).start();
    try {
      ApprovalBench.awaitPort(port);
      String dsn = "host=127.0.0.1 port=" + port + " user=anyone password=x dbname=app sslmode=disable gssencmode=disable";
      Process psql = new ProcessBuilder("psql", "-X", "-v", "ON_ERROR_STOP=1", dsn, "-c", viaPsql)
          .redirectErrorStream(true).start();
      java.util.Properties props = new java.util.Properties();
      props.setProperty("user", "x");
      props.setProperty("password", "x");
      try (java.sql.Connection c = java.sql.DriverManager.getConnection(
              "jdbc:postgresql://127.0.0.1:" + port + "/app?sslmode=disable", props);
          java.sql.Statement st = c.createStatement()) {
        java.util.concurrent.CompletableFuture<String> jdbc = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
          try {
            st.execute(viaJdbc);
            return "ran";
          } catch (java.sql.SQLException e) {
            return e.getMessage();
          }
        });
        String psqlId = awaitPending(viaPsql);
        String jdbcId = awaitPending(viaJdbc);

        // ---- ssh approvals@gw list: text ----
        SshResult listed = gw.ssh(bob, "approvals").run("list");
        assertThat(listed.exitCode()).as(listed.toString()).isZero();
        nothingHidden("ssh approvals@ list", listed.stdout());
        String text = listed.out();
        assertThat(text).contains(execId, accessId, psqlId, jdbcId);
        showsTheTricks("ssh approvals@ list", text);
        // the CR that would have overwritten the line is shown, and ends the line it ends in SQL
        assertThat(text).contains("\\x1b[2K\\r\n  | LOOKS FINE");
        assertThat(text).contains("access for 10m: fix\\x1b]0;TITLE\\x07\\x1b[2Jx\\u{202e}evil");
        assertThat(text).contains("'jdbc \\x1b[8m\\u{202e}'");

        // ---- ssh approvals@gw list --format json: exact values, nothing raw ----
        SshResult json = gw.ssh(bob, "approvals").run("list --format json");
        nothingHidden("ssh approvals@ list --format json", json.stdout());
        assertThat(statementOf(JSON.readTree(json.out()), psqlId)).isEqualTo(viaPsql);
        assertThat(statementOf(JSON.readTree(json.out()), jdbcId)).isEqualTo(viaJdbc);

        // ---- the real CLI, in its own process ----
        GatewayFixture.CliResult cli = GatewayProcess.cli("approvals", "list", "--config", gw.configFile().toString());
        assertThat(cli.exitCode()).as(cli.err()).isZero();
        nothingHidden("gatehouse approvals list", cli.out().getBytes(StandardCharsets.UTF_8));
        showsTheTricks("gatehouse approvals list", cli.out());
        assertThat(cli.out()).contains("\\x1b[2K\\r\n  | LOOKS FINE");
        GatewayFixture.CliResult cliJson = GatewayProcess.cli("approvals", "list", "--format", "json",
            "--config", gw.configFile().toString());
        nothingHidden("gatehouse approvals list --format json", cliJson.out().getBytes(StandardCharsets.UTF_8));
        assertThat(statementOf(JSON.readTree(cliJson.out()), psqlId)).isEqualTo(viaPsql);

        // ---- the webhook: plain text for people, exact JSON for machines ----
        for (String id : List.of(execId, accessId, psqlId, jdbcId)) {
          byte[] body = awaitHook(id);
          nothingHidden("webhook body of " + id, body);
          JsonNode n = JSON.readTree(body);
          assertThat(n.path("mrkdwn").asBoolean(true)).isFalse();
          nothingHidden("webhook text", n.path("text").asText());
        }
        JsonNode hooked = JSON.readTree(awaitHook(psqlId));
        showsTheTricks("webhook text", hooked.path("text").asText());
        assertThat(hooked.path("request").path("statement").asText()).isEqualTo(viaPsql);

        // The approver denies with a comment of their own holding escapes: shown visible too.
        for (String id : List.of(psqlId, jdbcId)) {
          SshResult deny = gw.ssh(bob, "approvals").run("deny " + id + " no" + ESC + "]0;x" + BEL);
          assertThat(deny.exitCode()).as(deny.toString()).isZero();
        }
        String psqlOut = new String(psql.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(psql.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(psqlOut).contains("denied by " + bob.identity());
        assertThat(jdbc.get(20, TimeUnit.SECONDS)).contains("denied by " + bob.identity());
      }
    } finally {
      tunnel.destroy();
      tunnel.waitFor(5, TimeUnit.SECONDS);
    }
    SshResult all = gw.ssh(bob, "approvals").run("list --all");
    nothingHidden("ssh approvals@ list --all", all.stdout());
    assertThat(all.out()).contains("denied by " + bob.identity() + ": no\\x1b]0;x\\x07");
    assertThat(pg.superSql("app", "select count(*) from orders where note in ('exec', 'psql') or note like 'jdbc%'"))
        .isEqualTo("0");

    // ---- auditors: sessions show / sessions list (real CLI), recordings, the audit log ----
    var sessions = gw.sessionsOf(alice.identity());
    assertThat(sessions).isNotEmpty();
    boolean sawStatement = false;
    for (var s : sessions) {
      GatewayFixture.CliResult show = GatewayProcess.cli("sessions", "show", s.id(), "--config", gw.configFile().toString());
      assertThat(show.exitCode()).as(show.err()).isZero();
      nothingHidden("gatehouse sessions show " + s.id(), show.out().getBytes(StandardCharsets.UTF_8));
      if (show.out().contains("psql' WHERE id = 2")) {
        sawStatement = true;
        showsTheTricks("sessions show", show.out());
        assertThat(show.out()).contains("\\x1b[2K\\r\n    | LOOKS FINE");
      }
      String cast = Files.readString(gw.dataDir().resolve(s.path()), StandardCharsets.UTF_8);
      for (String marker : ApprovalBindingIT.markers(cast)) {
        nothingHidden("a marker of " + s.id(), marker);
      }
    }
    assertThat(sawStatement).as("sessions show listed the statement sent through ssh -L").isTrue();
    GatewayFixture.CliResult list = GatewayProcess.cli("sessions", "list", "--config", gw.configFile().toString());
    nothingHidden("gatehouse sessions list", list.out().getBytes(StandardCharsets.UTF_8));
    byte[] audit = Files.readAllBytes(gw.dataDir().resolve("audit").resolve("audit.jsonl"));
    nothingHidden("the audit log", audit);
    String auditText = new String(audit, StandardCharsets.UTF_8);
    assertThat(auditText).containsIgnoringCase("\\u202eevil").containsIgnoringCase("\\u001b]52");
  }

  static String statementOf(JsonNode list, String id) {
    for (JsonNode n : list) {
      if (n.path("id").asText().equals(id)) {
        return n.path("statement").asText();
      }
    }
    throw new AssertionError("no request " + id + " in " + list);
  }

  static String awaitPending(String sql) throws Exception {
    for (int i = 0; i < 400; i++) {
      for (JsonNode n : JSON.readTree(gw.cli("approvals", "list", "--format", "json").out())) {
        if (n.path("statement").asText().equals(sql)) {
          return n.path("id").asText();
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no pending request for " + VisibleText.inline(sql));
  }

  static byte[] awaitHook(String id) throws InterruptedException {
    for (int i = 0; i < 200 && !hooked.containsKey(id); i++) {
      Thread.sleep(50);
    }
    assertThat(hooked).as("the webhook announced %s", id).containsKey(id);
    return hooked.get(id);
  }
}
