/**
 * The MCP server for agents: the same targets, identity, policy, masking, approvals and recording
 * as tools an agent calls. The tool logic ({@link dev.gatehouse.gateway.mcp.GatehouseTools}) and the
 * per-connection recording ({@link dev.gatehouse.gateway.mcp.McpConnection}) know no transport:
 * they take the caller as an {@code AuthenticatedUser} (identity and groups; a transport without a
 * certificate builds one with serial 0) and return {@link dev.gatehouse.gateway.mcp.ToolResult}s.
 * {@link dev.gatehouse.gateway.mcp.McpToolSpecs} binds them to the MCP Java SDK for any transport
 * provider; {@link dev.gatehouse.gateway.mcp.McpSshCommand} is the stdio transport over SSH.
 *
 * <pre>
 *  ssh mcp@gw ─▶ McpSshCommand ─▶ SDK StdioServerTransportProvider (channel stdin/stdout)
 *                                   └▶ McpAsyncServer ─ McpToolSpecs ─▶ GatehouseTools ─┬▶ SqlQuery ─▶ WireQueryClient ─pipe─▶ PgProxySession ─▶ PostgreSQL
 *                                                                                        ├▶ CommandRun ─▶ shell guard ─▶ sandboxed child | exec channel on the host
 *                                                                                        ├▶ KubectlRun ─▶ kube.KubectlCall (allow-list, kubeconfig) ─▶ sandboxed kubectl ─▶ KubeProxy
 *                                                                                        └▶ list_targets, approval_status
 *  every call ─▶ McpConnection: text + marker in the session's asciicast, GH3008I audit line
 * </pre>
 */
package dev.gatehouse.gateway.mcp;
