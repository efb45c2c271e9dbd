package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelcontextprotocol.client.McpSyncClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attack pass 13e on masking through the MCP {@code sql_query} tool ({@code ssh mcp@gw}), end to
 * end: the real OpenSSH client, the gateway, its wire proxy and a real PostgreSQL 15, as a person
 * with a valid certificate whose policy masks {@code users.email} and lets them create functions
 * (no {@code ddl} review: masking has to hold by itself, as it does for reviewed statements).
 */
class McpMaskingAttack13eIT {
  private static final List<String> SECRETS = List.of("alice@example.com", "bob@example.org");

  @TempDir static Path dir;
  static McpFixture mcp;
  static GatewayFixture gw;

  @RegisterExtension GatewayLogOnFailure log = new GatewayLogOnFailure();

  @BeforeAll
  static void start() throws Exception {
    mcp = McpFixture.setup().requestTimeout(Duration.ofSeconds(120)).config(db -> """
        targets:
          - name: prod-db
            type: postgres
            postgres: { host: 127.0.0.1, port: %d, database: app, user: app_rw, password: "file:%s", tls: disable }
            allow: { groups: [dev] }
            policy: masked-sql
        policies:
          masked-sql:
            block: [drop-database, drop-table, truncate, delete-without-where, update-without-where]
            review: [grant, role-change]
            unclassified: review
            mask: { columns: [users.email], form: full }
        """.formatted(db.port, db.passwordFile())).start(dir);
    gw = mcp.gw;
  }

  @AfterAll
  static void stop() throws Exception {
    if (mcp != null) {
      mcp.close();
    }
  }

  private static String sqlQuery(McpSyncClient c, String sql) {
    return McpFixture.text(McpFixture.call(c, "sql_query", Map.of("target", "prod-db", "sql", sql)));
  }

  private static void assertNoSecret(String sql, String shown) {
    for (String secret : SECRETS) {
      assertThat(shown).as("sql_query %s showed %s:\n%s", sql, secret, shown).doesNotContain(secret);
    }
  }

  /**
   * The tool masks a plain read by origin (the precondition of the attacks below: the target runs
   * and the column is masked on this path).
   */
  @Test
  void aPlainReadThroughSqlQueryIsMaskedInPlace() throws Exception {
    SshClientKey mallory = gw.sign(GatewayFixture.uniqueIdentity("mallory"), List.of("dev"));
    try (McpSyncClient c = mcp.connect(mallory)) {
      String sql = "SELECT id, email FROM users ORDER BY id";
      String shown = sqlQuery(c, sql);
      JsonNode body = McpFixture.JSON.readTree(shown);
      assertThat(body.path("rowCount").asLong()).as(shown).isEqualTo(2);
      assertThat(body.path("rows").get(0).get(1).asText()).as(shown).isEqualTo("********");
      assertNoSecret(sql, shown);
    }
  }

  /**
   * A BEGIN ATOMIC body is judged in pieces split at each ';'; its last piece, a bare read masked
   * in place on its own, is the function's result, which carries no origin. ({@code AS
   * concurrently} keeps the row limit from sending the text in pieces at {@code END}, which it
   * takes for a COMMIT: a piece holding that word is taken for one that cannot run in a
   * transaction, and the text goes uncounted, as it is.)
   */
  @Test
  void aBeginAtomicFunctionDoesNotShowMaskedValues() throws Exception {
    SshClientKey mallory = gw.sign(GatewayFixture.uniqueIdentity("mallory"), List.of("dev"));
    try (McpSyncClient c = mcp.connect(mallory)) {
      String sql = "CREATE FUNCTION leak_atomic_mcp() RETURNS SETOF text LANGUAGE sql STABLE BEGIN ATOMIC SELECT 'x' AS concurrently;"
          + " SELECT email FROM users; END; SELECT leak_atomic_mcp()";
      String shown = sqlQuery(c, sql);
      assertNoSecret(sql, shown);
    }
  }

  /**
   * A plpgsql function given a cursor's name FETCHes the rows of a cursor over the masked column
   * inside the server; its body names nothing masked, and what it returns carries no origin.
   */
  @Test
  void aFunctionFetchingFromACursorDoesNotShowMaskedValues() throws Exception {
    SshClientKey mallory = gw.sign(GatewayFixture.uniqueIdentity("mallory"), List.of("dev"));
    try (McpSyncClient c = mcp.connect(mallory)) {
      String sql = "CREATE FUNCTION leak_cursor_mcp(c refcursor) RETURNS SETOF text LANGUAGE plpgsql STABLE AS"
          + " $$ DECLARE r record; BEGIN LOOP FETCH c INTO r; EXIT WHEN NOT FOUND; RETURN NEXT r::text; END LOOP; END $$;"
          + " DECLARE c CURSOR WITH HOLD FOR SELECT id, email FROM users; SELECT leak_cursor_mcp('c')";
      String shown = sqlQuery(c, sql);
      assertNoSecret(sql, shown);
    }
  }
}
