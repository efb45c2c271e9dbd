package dev.gatehouse.gateway.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson2.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpAsyncServerExchange;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.AsyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpServerTransportProvider;
import io.modelcontextprotocol.spec.McpStreamableServerTransportProvider;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Function;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The tools as the MCP Java SDK serves them, for any transport: their names, descriptions and
 * input schemas, and the call handler that runs {@link GatehouseTools} off the transport's threads
 * and turns its {@link ToolResult} into a {@code CallToolResult} (the JSON as text content, and as
 * structured content: objects as they are, the list of targets as {@code {"targets": [...]}}).
 */
public final class McpToolSpecs {
  static final ObjectMapper JSON = new ObjectMapper();
  public static final McpJsonMapper MAPPER = new JacksonMcpJsonMapper(JSON);

  private McpToolSpecs() {}

  /**
   * A server for one transport provider. {@code connectionOf} gives the connection (person,
   * recording) a call came on; {@code executor} runs the calls (they block on databases and hosts).
   */
  public static io.modelcontextprotocol.server.McpAsyncServer server(McpServerTransportProvider provider,
      Function<McpAsyncServerExchange, McpConnection> connectionOf, Executor executor, String version) {
    return configure(McpServer.async(provider), connectionOf, executor, version);
  }

  /** The same for a Streamable HTTP transport (sessions by {@code Mcp-Session-Id}). */
  public static io.modelcontextprotocol.server.McpAsyncServer server(McpStreamableServerTransportProvider provider,
      Function<McpAsyncServerExchange, McpConnection> connectionOf, Executor executor, String version) {
    return configure(McpServer.async(provider), connectionOf, executor, version);
  }

  private static io.modelcontextprotocol.server.McpAsyncServer configure(McpServer.AsyncSpecification<?> spec,
      Function<McpAsyncServerExchange, McpConnection> connectionOf, Executor executor, String version) {
    return spec
        .jsonMapper(MAPPER)
        .serverInfo("gatehouse", version == null ? "dev" : version)
        .instructions("Gatehouse: the organisation's targets (databases, hosts, clusters) under your person's"
            + " identity and policy. Call list_targets first. A result {\"status\":\"pending\"} means a human must"
            + " approve: call the same tool with the same arguments again after retryAfter seconds.")
        .capabilities(McpSchema.ServerCapabilities.builder().tools(false).build())
        // The schemas are published for the agent; the tools check the arguments themselves, so that
        // a refused argument is a call like any other: a bad-arguments result, audited and recorded.
        .validateToolInputs(false)
        .tools(tools(connectionOf, executor))
        .build();
  }

  public static List<AsyncToolSpecification> tools(Function<McpAsyncServerExchange, McpConnection> connectionOf,
      Executor executor) {
    Scheduler calls = Schedulers.fromExecutor(executor);
    return List.of(
        spec(GatehouseTools.LIST_TARGETS, "List targets",
            "The targets you may use: [{name, type, description}]. type postgres → sql_query; command or ssh →"
                + " run_command; kubernetes → kubectl.",
            """
            {"type":"object","properties":{},"additionalProperties":false}
            """, true, connectionOf, calls),
        spec(GatehouseTools.SQL_QUERY, "Run SQL on a PostgreSQL target",
            "Runs SQL on a postgres target through Gatehouse's policy (blocked statements, masking, approvals)."
                + " Returns {columns, rows, rowCount, truncated, notices}; rows hold text values (null for NULL)."
                + " A statement needing approval returns {status: pending, request, approvers, retryAfter}: call"
                + " again with the same SQL once approved.",
            """
            {"type":"object","properties":{
              "target":{"type":"string","description":"a postgres target from list_targets"},
              "sql":{"type":"string","description":"the SQL text, as psql -c would send it"},
              "maxRows":{"type":"integer","minimum":0,"description":"rows to return (default 1000, at most 100000)"}},
             "required":["target","sql"],"additionalProperties":false}
            """, false, connectionOf, calls),
        spec(GatehouseTools.RUN_COMMAND, "Run a command on a command or ssh target",
            "Runs one command (a shell command line) on a command or ssh target through Gatehouse's shell"
                + " policy. Returns {stdout, stderr, exitStatus, truncated}. A command needing approval returns"
                + " {status: pending, ...}: call again with the same command once approved.",
            """
            {"type":"object","properties":{
              "target":{"type":"string","description":"a command or ssh target from list_targets"},
              "command":{"type":"string","description":"the command line"},
              "maxBytes":{"type":"integer","minimum":1,"description":"output to keep, stdout and stderr together (default 1 MiB; the gateway caps it)"}},
             "required":["target","command"],"additionalProperties":false}
            """, false, connectionOf, calls),
        spec(GatehouseTools.KUBECTL, "Run kubectl on a kubernetes target",
            "Runs kubectl with the given arguments on a kubernetes target through Gatehouse's Kubernetes policy."
                + " Returns {stdout, stderr, exitStatus, truncated}. A request needing approval returns"
                + " {status: pending, ...}: call again with the same args once approved.",
            """
            {"type":"object","properties":{
              "target":{"type":"string","description":"a kubernetes target from list_targets"},
              "args":{"type":"array","items":{"type":"string"},"description":"kubectl's arguments, e.g. [\\"get\\",\\"pods\\"]"},
              "maxBytes":{"type":"integer","minimum":1,"description":"output to keep, stdout and stderr together (default 1 MiB; the gateway caps it)"}},
             "required":["target","args"],"additionalProperties":false}
            """, false, connectionOf, calls),
        spec(GatehouseTools.APPROVAL_STATUS, "Show an approval request",
            "The state and decisions of an approval request you made (or may decide), as the approvals API shows it.",
            """
            {"type":"object","properties":{
              "request":{"type":"string","description":"the request id from a pending result"}},
             "required":["request"],"additionalProperties":false}
            """, true, connectionOf, calls));
  }

  private static AsyncToolSpecification spec(String name, String title, String description, String schema,
      boolean readOnly, Function<McpAsyncServerExchange, McpConnection> connectionOf, Scheduler calls) {
    McpSchema.Tool tool = McpSchema.Tool.builder(name, MAPPER, schema)
        .title(title)
        .description(description)
        .annotations(new McpSchema.ToolAnnotations(title, readOnly, !readOnly, false, true, false))
        .build();
    return AsyncToolSpecification.builder()
        .tool(tool)
        .callHandler((exchange, request) -> Mono.fromCallable(() -> {
          JsonNode args = JSON.valueToTree(request.arguments() == null ? Map.of() : request.arguments());
          return toMcp(GatehouseTools.call(connectionOf.apply(exchange), name, args));
        }).subscribeOn(calls))
        .build();
  }

  static McpSchema.CallToolResult toMcp(ToolResult r) {
    Object structured = r.body().isObject()
        ? JSON.convertValue(r.body(), Map.class)
        : Map.of("targets", JSON.convertValue(r.body(), List.class));
    return McpSchema.CallToolResult.builder()
        .addTextContent(r.text())
        .structuredContent(structured)
        .isError(r.isError())
        .build();
  }
}
