package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.gateway.postgres.PostgresServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An MCP client not written here: the reference TypeScript SDK ({@code @modelcontextprotocol/sdk}
 * from the npm registry, pinned by src/test/node/mcp-client/package-lock.json) runs the real
 * OpenSSH {@code ssh mcp@gw} with the person's certificate through its StdioClientTransport, as an
 * agent's config does. node and npm must be installed (.ci/run installs them): without them this
 * test fails, it does not skip.
 */
class McpTypeScriptClientIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path SOURCE = Path.of("src/test/node/mcp-client").toAbsolutePath();
  /** Installed once per build directory; npm ci again only when the lockfile changed. */
  private static final Path CLIENT = Path.of("target/mcp-ts-client").toAbsolutePath();

  @TempDir static Path dir;
  static PostgresServer pg;
  static GatewayFixture gw;

  @RegisterExtension GatewayLogOnFailure log = new GatewayLogOnFailure();

  @BeforeAll
  static void start() throws Exception {
    installClient();
    pg = PostgresServer.start(false);
    pg.superSql("app", """
        SET ROLE app_rw;
        CREATE TABLE ts_orders (id int PRIMARY KEY, note text);
        INSERT INTO ts_orders VALUES (1, 'one'), (2, 'two');
        """);
    Files.createDirectories(dir.resolve("gw"));
    gw = GatewayFixture.start(dir.resolve("gw"), "", """
        targets:
          - name: prod-db
            type: postgres
            postgres: { host: 127.0.0.1, port: %d, database: app, user: app_rw, password: "file:%s", tls: disable }
            allow: { groups: [dev] }
            policy: default-sql
        policies:
          default-sql:
            block: [drop-database, drop-table, truncate, delete-without-where, update-without-where]
            review: [ddl]
            unclassified: review
            mask: { columns: [users.email], form: keep-last-4 }
        """.formatted(pg.port, pg.passwordFile()));
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

  /** npm ci of the pinned SDK into target/mcp-ts-client (from the npm registry, or npm's cache). */
  private static void installClient() throws Exception {
    Files.createDirectories(CLIENT);
    for (String f : List.of("package.json", "package-lock.json", "client.mjs")) {
      Path to = CLIENT.resolve(f);
      boolean changed = !Files.exists(to) || Files.mismatch(SOURCE.resolve(f), to) != -1;
      if (changed && !f.equals("client.mjs")) {
        deleteTree(CLIENT.resolve("node_modules"));
      }
      Files.copy(SOURCE.resolve(f), to, StandardCopyOption.REPLACE_EXISTING);
    }
    if (Files.isDirectory(CLIENT.resolve("node_modules/@modelcontextprotocol/sdk"))) {
      return;
    }
    Run npm = run(List.of("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"), CLIENT, 600);
    assertThat(npm.code).as("npm ci of @modelcontextprotocol/sdk: %s", npm.out).isZero();
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (var walk = Files.walk(p)) {
      for (Path x : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(x);
      }
    }
  }

  private record Run(int code, String out, String err) {}

  private static Run run(List<String> argv, Path cwd, int timeoutSeconds) throws Exception {
    Process p;
    try {
      p = new ProcessBuilder(argv).directory(cwd.toFile()).redirectError(dir.resolve("stderr.txt").toFile()).start();
    } catch (IOException e) {
      throw new AssertionError(argv.get(0) + " is not installed: this test needs node and npm (.ci/run installs them)", e);
    }
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(argv + " did not end within " + timeoutSeconds + " s");
    }
    return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8),
        Files.readString(dir.resolve("stderr.txt")));
  }

  @Test
  void theTypeScriptSdksClientListsTheToolsAndGetsMaskedRowsOverSsh() throws Exception {
    SshClientKey alice = gw.sign(GatewayFixture.uniqueIdentity("alice"), List.of("dev"));
    List<String> argv = new ArrayList<>(List.of("node", CLIENT.resolve("client.mjs").toString(), "prod-db",
        "SELECT id, email, name FROM users ORDER BY id", "--"));
    argv.addAll(gw.sshArgv(alice, "mcp", List.of("-T")));
    Run r = run(argv, CLIENT, 120);
    assertThat(r.code).as("node client.mjs: %s / %s", r.out, r.err).isZero();
    JsonNode seen = JSON.readTree(r.out);
    assertThat(seen.path("server").path("name").asText()).isEqualTo("gatehouse");
    assertThat(seen.path("tools").findValuesAsText("name"))
        .containsExactlyInAnyOrder("list_targets", "sql_query", "run_command", "kubectl", "approval_status");
    for (JsonNode t : seen.path("tools")) {
      if (t.path("name").asText().equals("sql_query")) {
        assertThat(t.path("required").toString()).isEqualTo("[\"target\",\"sql\"]");
      }
    }
    JsonNode result = seen.path("sqlQuery");
    assertThat(result.path("isError").asBoolean()).as("%s", result).isFalse();
    JsonNode body = JSON.readTree(result.path("content").get(0).path("text").asText());
    assertThat(body.path("columns").toString()).isEqualTo("[\"id\",\"email\",\"name\"]");
    assertThat(body.path("rows").get(0).get(0).asText()).isEqualTo("1");
    assertThat(body.path("rows").get(0).get(1).asText()).doesNotContain("alice@").endsWith(".com");
    assertThat(body.path("rows").get(0).get(2).asText()).isEqualTo("Alice");
    assertThat(body.path("rowCount").asInt()).isEqualTo(2);
    assertThat(result.path("structuredContent").path("rowCount").asInt()).isEqualTo(2);
    gw.awaitAudit("the call", GatewayFixture.field("event", "mcp-tool-call")
        .and(GatewayFixture.field("identity", alice.identity())).and(GatewayFixture.field("tool", "sql_query")));
  }
}
