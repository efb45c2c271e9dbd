package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gatehouse.gateway.postgres.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regression tests from the attack on psql's meta-command guard (branch attack-lexers): each
 * makes the real psql behind the real gateway run a meta-command the guard refuses. They fail
 * while the bypass works.
 *
 * <p>The console tests use {@code \qecho 'GH' 'BYPASS-…'}: a refused command whose output ("GH
 * BYPASS-…", without the quotes) differs from the typed line JLine shows.
 * {@code \!}, {@code \o}, {@code \copy}, {@code \set} … go through the same way.
 */
class PsqlGuardBypassIT {
  @TempDir static Path dir;
  static PostgresServer pg;
  static GatewayFixture gw;
  static SshClientKey alice;

  @RegisterExtension GatewayLogOnFailure log = new GatewayLogOnFailure();

  @BeforeAll
  static void start() throws Exception {
    pg = PostgresServer.start(false);
    Files.createDirectories(dir.resolve("gw"));
    gw = GatewayFixture.start(dir.resolve("gw"), "", """
        targets:
          - name: prod-db
            type: postgres
            postgres: { host: 127.0.0.1, port: %d, database: app, user: app_rw, password: "file:%s", tls: disable }
            runAs: nobody
            allow: { groups: [dev] }
            policy: default-sql
        policies:
          default-sql:
            block: [drop-database, drop-table, truncate, delete-without-where, update-without-where]
            review: [ddl, grant, role-change, server-files, copy-program, dynamic-sql, system-settings]
            unclassified: review
        """.formatted(pg.port, pg.passwordFile()));
    alice = gw.sign(GatewayFixture.uniqueIdentity("alice"), List.of("dev"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (gw != null) {
      gw.close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  /**
   * {@code psql -c} with text that starts with a backslash lexes the whole text, newlines
   * included, as one command and its arguments: the guard once judged the second line as SQL, where
   * a backtick is an operator character, and psql ran the backtick. Such text must be one line.
   */
  @Test
  void execBacktickOnTheSecondLineOfASlashCommandIsRefused() throws Exception {
    SshResult r = gw.ssh(alice, "prod-db").run("\\echo a\n`id`");
    assertThat(r.exitCode()).as(r.toString()).isEqualTo(77);
    assertThat(r.err()).as(r.toString()).contains("gatehouse: blocked by rule psql-meta-command");
  }

  /**
   * psql's pty was in canonical mode (only ECHO cleared), so the kernel applied VERASE (DEL,
   * 0x7f) to the line the gateway writes. The guard did not refuse DEL (only chars below 0x20);
   * JLine's quoted-insert (Ctrl-V) puts one in the line. The guard reads {@code '<DEL>\qecho …}
   * as a string; psql receives {@code \qecho …}.
   */
  @Test
  void deleteCharacterErasesTheQuoteTheGuardSaw(@TempDir Path tmp) throws Exception {
    try (Tmux tmux = Tmux.start(tmp, 120, 30, gw.sshArgv(alice, "prod-db", List.of("-t")))) {
      tmux.awaitScreen("prod-db=>", Duration.ofSeconds(20));
      tmux.run("send-keys", "-t", "gh", "-l", "'");
      tmux.run("send-keys", "-t", "gh", "C-v");
      tmux.run("send-keys", "-t", "gh", "BSpace"); // DEL, inserted literally after Ctrl-V
      tmux.type("\\qecho 'GH' 'BYPASS-DEL'");
      assertNoBypass(tmux, "BYPASS-DEL");
    }
  }

  /**
   * The kernel's canonical-mode line buffer holds 4095 bytes: a longer line reached psql cut
   * short (its closing quote dropped), while the guard reads all of it. The next line's quote
   * closes psql's string and opens one for the guard.
   */
  @Test
  void aLineLongerThanThePtyLineBufferIsCutShortForPsqlOnly(@TempDir Path tmp) throws Exception {
    try (Tmux tmux = Tmux.start(tmp, 120, 30, gw.sshArgv(alice, "prod-db", List.of("-t")))) {
      tmux.awaitScreen("prod-db=>", Duration.ofSeconds(20));
      tmux.type("select '" + "A".repeat(5000) + "'");
      tmux.awaitScreen("prod-db->", Duration.ofSeconds(20));
      tmux.run("send-keys", "-t", "gh", "C-l");
      tmux.type("'\\qecho 'GH' 'BYPASS-TRUNC'");
      assertNoBypass(tmux, "BYPASS-TRUNC");
    }
  }

  /**
   * SET client_encoding = 'SHIFT_JIS_2004' was allowed (the proxy's list of unsafe encodings lacked
   * it) and psql then lexes by it: C3 81 5C ("Á\" in UTF-8) is a katakana and one two-byte
   * character, so psql's E'…' ends at the next quote, where the guard still reads an escaped quote.
   */
  @Test
  void shiftJis2004ClientEncodingHidesABackslashFromTheGuard(@TempDir Path tmp) throws Exception {
    try (Tmux tmux = Tmux.start(tmp, 120, 30, gw.sshArgv(alice, "prod-db", List.of("-t")))) {
      tmux.awaitScreen("prod-db=>", Duration.ofSeconds(20));
      tmux.type("SET client_encoding = 'SHIFT_JIS_2004'; ");
      tmux.awaitScreen("^SET\\s*$", Duration.ofSeconds(10));
      tmux.type("SELECT E'\u00c1\\'\\qecho 'GH' 'BYPASS-SJIS'");
      assertNoBypass(tmux, "BYPASS-SJIS");
    }
  }

  private static void assertNoBypass(Tmux tmux, String marker) throws Exception {
    // The typed line shows 'BYPASS-…' in quotes; only psql's output has it without (the screen
    // may lose a character next to it to the terminal's redrawing).
    Pattern ran = Pattern.compile("(?<!')" + marker);
    long deadline = System.nanoTime() + Duration.ofSeconds(8).toNanos();
    String screen = tmux.screen();
    while (System.nanoTime() < deadline && !ran.matcher(screen).find() && !screen.contains("gatehouse: ")) {
      Thread.sleep(100);
      screen = tmux.screen();
    }
    assertThat(ran.matcher(screen).find()).as("psql ran \\qecho behind the guard; screen:\n" + screen).isFalse();
  }
}
