// Development only: serves a built UI (node build.mjs DIR) with the real server's CSP and a small
// in-memory stand-in for the JSON API, so pages can be worked on without a gateway. The browser
// test (e2e.mjs) never uses it: it runs against the real gateway.
//   node test/dev-server.mjs DIR [PORT]      (GATEHOUSE_DEV_CAST_MIB=10 adds a 10 MiB session)
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize } from "node:path";

const root = process.argv[2] ?? "dist";
const port = Number(process.argv[3] ?? 8099);
export const CSP =
  process.env.GATEHOUSE_DEV_CSP ??
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; font-src 'self' data:; " +
    "connect-src 'self'; frame-ancestors 'none'; object-src 'none'; base-uri 'none'; form-action 'self'";
const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css", ".json": "application/json" };

function cast(seconds, lines) {
  const out = [JSON.stringify({ version: 2, width: 100, height: 30, timestamp: 1795000000 })];
  let t = 0;
  const markers = [];
  for (const [i, l] of lines.entries()) {
    t += seconds / lines.length;
    out.push(JSON.stringify([+t.toFixed(3), "o", `db=> ${l.sql}\r\n`]));
    out.push(JSON.stringify([+(t + 0.01).toFixed(3), "m", `${l.verdict}: ${l.sql}`]));
    markers.push({ t: +(t + 0.01).toFixed(3), label: l.sql, verdict: l.verdict, rule: l.rule ?? null, approver: null, i });
    out.push(JSON.stringify([+(t + 0.02).toFixed(3), "o", l.verdict === "block" ? `ERROR: blocked by rule ${l.rule}\r\n` : `ok ${i}\r\n`]));
  }
  return { text: out.join("\n") + "\n", markers };
}

const demo = cast(20, [
  { sql: "select 1;", verdict: "allow" },
  { sql: "select * from users;", verdict: "allow" },
  { sql: "delete from users;", verdict: "block", rule: "delete-without-where" },
  { sql: "alter table users add column x int;", verdict: "review", rule: "ddl" },
  { sql: "select now();", verdict: "allow" },
]);
const sessions = [
  {
    id: "demo-1", identity: "alice@example.com", target: "prod-db", start: "2026-11-29T06:00:00Z", end: "2026-11-29T06:00:21Z",
    state: "closed", exitStatus: 0, clientAddress: "127.0.0.1", flagged: true,
    hits: [{ t: demo.markers[2].t, kind: "statement", text: "delete from users;" }],
    markers: demo.markers, integrity: { status: "ok", detail: "sha256 matches index and audit chain" },
    recordingUrl: "/api/sessions/demo-1/recording", live: false, cast: demo.text,
  },
];
if (process.env.GATEHOUSE_DEV_CAST_MIB) {
  const mib = Number(process.env.GATEHOUSE_DEV_CAST_MIB);
  const lines = [JSON.stringify({ version: 2, width: 120, height: 40 })];
  let size = 0, t = 0;
  const chunk = "x".repeat(100);
  while (size < mib * 1024 * 1024) {
    t += 0.01;
    const l = JSON.stringify([+t.toFixed(3), "o", `${chunk}\r\n`]);
    lines.push(l);
    size += l.length + 1;
  }
  sessions.push({ id: "big", identity: "bob@example.com", target: "shell", start: "2026-11-29T05:00:00Z", end: "2026-11-29T05:30:00Z",
    state: "closed", exitStatus: 0, flagged: false, hits: [], markers: [], integrity: { status: "ok" },
    recordingUrl: "/api/sessions/big/recording", live: false, cast: lines.join("\n") + "\n" });
}
const approvals = [
  { id: "apr-1", state: "pending", requester: "bob@example.com", target: "prod-db", statement: "ALTER TABLE orders ADD COLUMN note text;",
    rule: "ddl", reason: "schema change", createdAt: new Date().toISOString(), expiresAt: new Date(Date.now() + 600000).toISOString(),
    approvers: { groups: ["dba-leads"], min: 1 }, decisions: [], mayDecide: true },
  { id: "apr-2", state: "pending", requester: "dev@example.com", target: "prod-db", statement: "DROP TABLE x;",
    rule: "drop-table", reason: "mine", createdAt: new Date().toISOString(), expiresAt: new Date(Date.now() + 90000).toISOString(),
    approvers: { groups: ["dba-leads"], min: 1 }, decisions: [], mayDecide: true, selfRequested: true },
];

function json(res, status, body) {
  res.writeHead(status, { "Content-Type": "application/json", "Cache-Control": "no-store" });
  res.end(JSON.stringify(body));
}
const strip = ({ cast: _c, markers: _m, integrity: _i, recordingUrl: _r, live: _l, ...rest }) => rest;

createServer(async (req, res) => {
  const url = new URL(req.url, "http://x");
  const p = url.pathname;
  if (p === "/api/me") return json(res, 200, { identity: "dev@example.com", groups: ["security"], roles: ["auditor", "approver"], csrf: "dev-csrf" });
  if (req.method === "POST" && req.headers["x-csrf-token"] !== "dev-csrf") return json(res, 403, { error: "csrf" });
  if (p === "/api/sessions") {
    const q = (url.searchParams.get("q") ?? "").toLowerCase();
    return json(res, 200, { sessions: sessions.filter((s) => !q || s.cast.toLowerCase().includes(q)).map(strip), next: null });
  }
  let m = /^\/api\/sessions\/([^/]+)(\/recording)?$/.exec(p);
  if (m) {
    const s = sessions.find((x) => x.id === m[1]);
    if (!s) return json(res, 404, { error: "not-found" });
    if (m[2]) {
      res.writeHead(200, { "Content-Type": "application/x-asciicast", "Content-Length": Buffer.byteLength(s.cast) });
      return res.end(s.cast);
    }
    const { cast: _c, ...rest } = s;
    return json(res, 200, rest);
  }
  if (p === "/api/approvals") return json(res, 200, approvals);
  m = /^\/api\/approvals\/([^/]+)\/(approve|deny)$/.exec(p);
  if (m && req.method === "POST") {
    const a = approvals.find((x) => x.id === m[1]);
    if (!a) return json(res, 404, { error: "not-found" });
    if (a.selfRequested) return json(res, 403, { error: "self-approval" });
    let body = "";
    for await (const c of req) body += c;
    a.state = m[2] === "approve" ? "approved" : "denied";
    a.decisions.push({ approver: "dev@example.com", decision: a.state, comment: JSON.parse(body).comment, at: new Date().toISOString() });
    return json(res, 200, a);
  }
  if (p === "/auth/logout") return json(res, 200, {});
  // pages and assets
  let file;
  if (p === "/") file = "index.html";
  else if (p === "/approvals") file = "approvals.html";
  else if (/^\/sessions\/[^/]+$/.test(p)) file = "session.html";
  else if (p.startsWith("/assets/")) file = normalize(p).replace(/^\/+/, "");
  else return json(res, 404, { error: "not-found" });
  try {
    const full = join(root, file);
    await stat(full);
    res.writeHead(200, { "Content-Type": TYPES[extname(full)] ?? "application/octet-stream", "Content-Security-Policy": CSP, "Cache-Control": "no-cache" });
    res.end(await readFile(full));
  } catch {
    json(res, 404, { error: "not-found" });
  }
}).listen(port, "127.0.0.1", () => console.log(`dev server on http://127.0.0.1:${port}/ serving ${root}`));
