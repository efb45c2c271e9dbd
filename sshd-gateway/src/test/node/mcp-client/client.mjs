// The reference TypeScript MCP SDK's client, as an agent runs it: its StdioClientTransport spawns
// the command it is given (ssh mcp@gatehouse ...) and speaks MCP over that process's stdio.
// Usage: node client.mjs TARGET SQL -- COMMAND [ARG...]
// Prints one JSON object: the server's name, the tools it lists, and the sql_query call's result.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const argv = process.argv.slice(2);
const dash = argv.indexOf("--");
if (dash !== 2 || argv.length < 4) {
  console.error("usage: node client.mjs TARGET SQL -- COMMAND [ARG...]");
  process.exit(2);
}
const [target, sql] = argv;
const [command, ...args] = argv.slice(dash + 1);

const transport = new StdioClientTransport({ command, args, stderr: "inherit" });
const client = new Client({ name: "gatehouse-ts-client-test", version: "1.0.0" });
await client.connect(transport);
const tools = await client.listTools();
const result = await client.callTool({ name: "sql_query", arguments: { target, sql } });
await client.close();
process.stdout.write(JSON.stringify({
  server: client.getServerVersion(),
  tools: tools.tools.map((t) => ({ name: t.name, required: t.inputSchema?.required ?? [] })),
  sqlQuery: result,
}) + "\n");
