package dev.gatehouse.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gatehouse.gateway.postgres.PostgresServer;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What the MCP-over-SSH ITs share: a real PostgreSQL with the shop's {@code orders} table, a
 * gateway with {@code mcp.maxOutputBytes: 64KiB} and the targets an agent works on — {@code
 * prod-db} (postgres, group dev, reviews approved by dba-leads), {@code web-1} (bash as nobody under
 * a shell policy, reviews by ops-leads), {@code billing-db} (group finance only) and, when asked,
 * {@code host-1} (an ssh target on a real sshd) — and the MCP Java SDK's own client over the real
 * OpenSSH {@code ssh -T mcp@gw}.
 *
 * <pre>
 *  McpFixture mcp = McpFixture.setup().sshHost().start(dir);
 *  try (McpSyncClient c = mcp.connect(alice)) { JsonNode b = McpFixture.body(McpFixture.call(c, "list_targets", Map.of())); }
 * </pre>
 *
 * The client helpers are static so that ITs with a gateway of another shape (kubectl) use them too.
 */
final class McpFixture implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  /** mcp.maxOutputBytes in this gateway's config. */
  static final int MAX_OUTPUT = 64 * 1024;

  final PostgresServer pg;
  final GatewayFixture gw;
  /** The sshd behind {@code host-1}; null unless {@link Setup#sshHost()}. */
  final SshdProcess sshd;
  private final Duration requestTimeout;

  private McpFixture(PostgresServer pg, GatewayFixture gw, SshdProcess sshd, Duration requestTimeout) {
    this.pg = pg;
    this.gw = gw;
    this.sshd = sshd;
    this.requestTimeout = requestTimeout;
  }

  static Setup setup() {
    return new Setup();
  }

  /** What differs between the ITs: an ssh target, and how long a call may take. */
  static final class Setup {
    private boolean sshHost;
    private Duration requestTimeout = Duration.ofSeconds(60);
    private Function<PostgresServer, String> config;

    /** Adds {@code host-1}, an ssh target (group dev, the shell policy) on a real sshd. */
    Setup sshHost() {
      sshHost = true;
      return this;
    }

    /** How long the SDK's client waits for a call's answer (default 60 s). */
    Setup requestTimeout(Duration timeout) {
      requestTimeout = timeout;
      return this;
    }

    /**
     * The gateway's config is {@code config} of the shop's database (its port and password file) in
     * place of the agent's targets above: for ITs whose targets or policies differ.
     */
    Setup config(Function<PostgresServer, String> config) {
      this.config = config;
      return this;
    }

    McpFixture start(Path dir) throws Exception {
      if (sshHost && config != null) {
        throw new IllegalStateException("sshHost() adds host-1 to the agent's targets, not to a config of the test's own");
      }
      PostgresServer pg = startShopDatabase();
      SshdProcess sshd = null;
      GatewayFixture gw = null;
      try {
        Files.createDirectories(dir.resolve("gw"));
        String host = "";
        if (sshHost) {
          sshd = SshdProcess.prepare(dir.resolve("sshd"));
          host = """
                - name: host-1
                  type: ssh
                  ssh: { host: 127.0.0.1, port: %d, user: %s, hostKey: "%s" }
                  allow: { groups: [dev] }
                  policy: default-shell
              """.formatted(sshd.port(), SshdProcess.TARGET_USER, sshd.hostKeyLine());
        }
        gw = GatewayFixture.start(dir.resolve("gw"), "", config != null ? config.apply(pg) : """
            mcp: { maxOutputBytes: 64KiB }
            targets:
              - name: prod-db
                type: postgres
                description: the shop's orders and users
                postgres: { host: 127.0.0.1, port: %d, database: app, user: app_rw, password: "file:%s", tls: disable }
                allow: { groups: [dev] }
                approvers: { groups: [dba-leads], min: 1 }
                policy: default-sql
              - name: web-1
                type: command
                command: ["/bin/bash", "--noprofile", "--norc", "-i"]
                exec: ["/bin/bash", "-c"]
                env: { PATH: "/usr/bin:/bin" }
                runAs: nobody
                allow: { groups: [dev] }
                policy: default-shell
                approvers: { groups: [ops-leads], min: 1 }
            %s  - name: billing-db
                type: postgres
                postgres: { host: 127.0.0.1, port: %d, database: app, user: app_rw, password: "file:%s", tls: disable }
                allow: { groups: [finance] }
            policies:
              default-sql:
                block: [drop-database, drop-table, truncate, delete-without-where, update-without-where]
                review: [ddl, grant, role-change]
                unclassified: review
                mask: { columns: [users.email], form: keep-last-4 }
              default-shell:
                type: shell
                block: [recursive-delete-root]
                review: [sudo]
                unclassified: review
            """.formatted(pg.port, pg.passwordFile(), host, pg.port, pg.passwordFile()));
        if (sshd != null) {
          sshd.start(gw.gateway().certificateAuthority().targetCaPublicKeyLine());
        }
        return new McpFixture(pg, gw, sshd, requestTimeout);
      } catch (Exception | Error e) {
        closeAll(gw, pg, sshd);
        throw e;
      }
    }
  }

  /**
   * A real PostgreSQL (see {@link PostgresServer}: database app, role app_rw, table users) with the
   * shop's {@code orders}: rows (1, 'one') and (2, 'two').
   */
  static PostgresServer startShopDatabase() throws Exception {
    PostgresServer pg = PostgresServer.start(false);
    try {
      pg.superSql("app", """
          SET ROLE app_rw;
          CREATE TABLE orders (id int PRIMARY KEY, note text);
          INSERT INTO orders VALUES (1, 'one'), (2, 'two');
          """);
      return pg;
    } catch (Exception | Error e) {
      pg.close();
      throw e;
    }
  }

  /** The SDK's client over {@code ssh -T mcp@127.0.0.1 -p PORT} with {@code key}'s certificate. */
  McpSyncClient connect(SshClientKey key) {
    return connect(gw, key, requestTimeout);
  }

  /** The same for any gateway, each call waited for at most {@code requestTimeout}. */
  static McpSyncClient connect(GatewayFixture gw, SshClientKey key, Duration requestTimeout) {
    List<String> argv = new ArrayList<>(gw.sshArgv(key, "mcp", List.of("-T")));
    ServerParameters params = ServerParameters.builder(argv.get(0)).args(argv.subList(1, argv.size())).build();
    McpSyncClient client = McpClient.sync(new StdioClientTransport(params, new JacksonMcpJsonMapper(JSON)))
        .requestTimeout(requestTimeout)
        .initializationTimeout(Duration.ofSeconds(30))
        .build();
    client.initialize();
    return client;
  }

  static McpSchema.CallToolResult call(McpSyncClient c, String tool, Map<String, Object> args) {
    return c.callTool(new McpSchema.CallToolRequest(tool, args));
  }

  /** The result's text: its first content, which every client shows the model. */
  static String text(McpSchema.CallToolResult r) {
    return ((McpSchema.TextContent) r.content().get(0)).text();
  }

  /** The result's JSON, from its one text content (what every client shows the model). */
  static JsonNode body(McpSchema.CallToolResult r) throws Exception {
    assertThat(r.content()).hasSize(1);
    return JSON.readTree(text(r));
  }

  @Override
  public void close() throws Exception {
    closeAll(gw, pg, sshd);
  }

  private static void closeAll(GatewayFixture gw, PostgresServer pg, SshdProcess sshd) throws Exception {
    if (gw != null) {
      gw.close();
    }
    if (pg != null) {
      pg.close();
    }
    if (sshd != null) {
      sshd.close();
    }
  }
}
