// Browser end-to-end test of the replay web UI against a REAL gateway (started by the Java IT
// ReplayWebBrowserIT, or by hand): headless Debian Chromium driven by playwright-core.
//
//   GH_BASE_URL          http://127.0.0.1:PORT of the gateway's web listener (required)
//   GH_LOGIN_LINK        (optional) a one-time operator link (/auth/local?token=…): log in with it instead of
//                          the OIDC provider; the second use of it must show the refusal page (token-used)
//   GH_REPLAY_IDENTITY   (optional) open this identity's newest session from the sessions page and wait until
//   GH_REPLAY_TEXT         the player shows this text (replay from the list, without a search)
//   GH_LOGIN_USER        subject typed into the OIDC provider's login page (mock-oauth2-server)
//   GH_LOGIN_CLAIMS      JSON claims typed into its "claims" box, e.g. {"email":"a@x","groups":["security"]}
//   GH_EXPECT_IDENTITY   identity the page header must show after login
//   GH_SEARCH            (optional) text to search for; a hit for it must exist
//   GH_EXPECT_SCREEN     text the player's terminal must show at that hit
//   GH_BLOCKED_TEXT      (optional) a blocked statement: its side-panel entry is clicked, the player must land on it
//   GH_LIVE_IDENTITY     (optional) whose active session to watch live; it prints GH_LIVE_TEXT<n> lines with
//   GH_LIVE_TEXT           growing n; the test sees n grow in the player, then terminates it with
//   GH_TERMINATE_REASON    this reason and sees the page report the end
//   GH_SELF_STATEMENT    (optional) a pending request of the logged-in user: its card must say they may not decide it
//   GH_APPROVE_STATEMENT (optional) a pending approval with this statement is approved on /approvals
//   GH_HOSTILE_ID        (optional) a pending request whose statement and reason hold escape sequences, a CR
//                          and bidi overrides: its card must show them as escapes (nothing hidden), the CR as a
//                          line break
//   GH_INTEGRITY_SESSIONS (optional) comma-separated session ids: each session page's integrity badge as shown
//                        (one {"step":"integrity","id",...,"status","text"} line each)
//   GH_PERF_SESSIONS     (optional) comma-separated session ids: time from navigation to first frame for each
//   GH_PERF_ONLY         (optional) 1: log in and measure only
//   GH_PERF_REPEAT       (optional) runs per session, each in a fresh page (default 1)
//   GH_SCREENSHOTS       directory for screenshots (created)
//   GH_CHROMIUM          browser binary (default /usr/bin/chromium; never downloaded)
//
// Prints one JSON line per step ({"step":..., ...}) and "E2E-OK" at the end; exits 1 with a
// message naming the step on the first failure (and leaves a screenshot of that moment).
import { chromium } from "playwright-core";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const env = process.env;
if (!env.GH_BASE_URL) fail("setup", "environment variable GH_BASE_URL is required");
const base = env.GH_BASE_URL.replace(/\/$/, "");
const shots = env.GH_SCREENSHOTS ?? join(tmpdir(), "gatehouse-e2e-shots");
const browserPath = env.GH_CHROMIUM ?? "/usr/bin/chromium";
const STEP_TIMEOUT = Number(env.GH_STEP_TIMEOUT_MS ?? 20000);
mkdirSync(shots, { recursive: true });

if (!existsSync(browserPath)) {
  fail("setup", `no Chromium at ${browserPath}: install Debian's chromium (apt-get install -y chromium); .ci/run does`);
}

const userDataDir = mkdtempSync(join(tmpdir(), "gatehouse-chromium-"));
const problems = []; // CSP violations and page errors: any of them fails the run
let page;
let context;
let step = "launch";
let failure = null;

try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: browserPath,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(STEP_TIMEOUT);
  page.on("pageerror", (e) => problems.push(`page error on ${page.url()}: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" && m.text().startsWith("CSP-VIOLATION")) problems.push(`${m.text()} on ${page.url()}`);
  });
  await page.addInitScript(() =>
    document.addEventListener("securitypolicyviolation", (e) =>
      console.error("CSP-VIOLATION", e.violatedDirective, e.blockedURI, e.sample),
    ),
  );

  if (env.GH_LOGIN_LINK) await linkLogin();
  else await login();
  if (env.GH_REPLAY_IDENTITY) await replayFromList();
  if (env.GH_SEARCH && !env.GH_PERF_ONLY) await searchAndOpenHit();
  if (env.GH_BLOCKED_TEXT) await clickBlockedMarker();
  if (env.GH_BLOCKED_TEXT) await blockedHitLandsOnIt();
  if (env.GH_LIVE_IDENTITY) await watchLiveAndTerminate();
  if (env.GH_HOSTILE_ID) await hostileCard();
  if (env.GH_APPROVE_STATEMENT) await approve();
  if (env.GH_INTEGRITY_SESSIONS) await integrityBadges();
  if (env.GH_PERF_SESSIONS) await measureFirstFrame();
  if (!env.GH_PERF_ONLY) await logout();
  step = "page-problems";
  if (problems.length > 0) throw new Error("the pages reported errors:\n  " + problems.join("\n  "));
} catch (e) {
  failure = { step, message: e?.stack ?? String(e) };
  await shot(`failed-${step}`).catch(() => {});
} finally {
  await context?.close().catch(() => {});
  rmSync(userDataDir, { recursive: true, force: true });
}
if (failure) fail(failure.step, failure.message);
console.log("E2E-OK");

// ---- steps --------------------------------------------------------------------------------

async function login() {
  step = "login";
  await page.goto(base + "/");
  // The gateway sends us to its /auth/login, which sends us to the OIDC provider's login page.
  await page.waitForSelector('input[name="username"]');
  if (!new URL(page.url()).pathname.includes("authorize")) {
    throw new Error(`expected the OIDC provider's authorize page, got ${page.url()}`);
  }
  await page.fill('input[name="username"]', required("GH_LOGIN_USER"));
  await page.fill('textarea[name="claims"]', env.GH_LOGIN_CLAIMS ?? "{}");
  await shot("01-oidc-login");
  await Promise.all([page.waitForURL((u) => u.origin === new URL(base).origin && u.pathname === "/"), page.click('input[type="submit"]')]);
  const identity = required("GH_EXPECT_IDENTITY");
  await page.waitForFunction(
    (want) => document.querySelector('[data-testid="identity"]')?.textContent?.includes(want),
    identity,
  );
  await page.waitForSelector("table#sessions tr.session");
  const all = await page.locator("tr.session").count();
  report({ step, url: page.url(), identity, sessionsShown: all });
  await shot("02-sessions");

  // One session a page: "Load more" walks the cursor until every session is listed, each once.
  step = "load-more";
  await page.goto(base + "/?limit=1");
  await page.locator("tr.session").first().waitFor();
  let clicks = 0;
  while (await page.locator("#more").isVisible()) {
    const before = await page.locator("tr.session").count();
    await page.click("#more");
    await page.waitForFunction((n) => document.querySelectorAll("tr.session").length > n || document.getElementById("more").hidden, before);
    clicks += 1;
    if (clicks > 50) throw new Error("load more never ends");
  }
  const ids = await page.$$eval("tr.session", (rs) => rs.map((r) => r.dataset.sessionId));
  if (ids.length !== all || new Set(ids).size !== ids.length) {
    throw new Error(`paging by 1 listed ${ids.length} rows (${new Set(ids).size} distinct), the first page of 50 had ${all}`);
  }
  report({ step, pages: clicks + 1, sessions: ids.length });
}

async function linkLogin() {
  step = "login";
  const link = env.GH_LOGIN_LINK;
  // Before: "/" without a session shows the login page, which offers what is configured.
  await page.goto(base + "/");
  await page.locator("#login-local").waitFor();
  const offered = (await page.textContent("main")).replace(/\s+/g, " ").trim();
  const oidcOffered = await page.locator("#login-oidc").count();
  await shot("01-login-page");
  await Promise.all([page.waitForURL((u) => u.origin === new URL(base).origin && u.pathname === "/"), page.goto(link)]);
  const identity = required("GH_EXPECT_IDENTITY");
  await page.waitForFunction(
    (want) => document.querySelector('[data-testid="identity"]')?.textContent?.includes(want),
    identity,
  );
  const header = (await page.textContent('[data-testid="identity"]')).trim();
  await page.waitForSelector("table#sessions tr.session");
  const all = await page.locator("tr.session").count();
  report({ step, url: page.url(), identity, header, sessionsShown: all, loginPage: offered, oidcOffered });
  await shot("02-sessions");
}

async function replayFromList() {
  step = "replay";
  const who = env.GH_REPLAY_IDENTITY;
  const text = required("GH_REPLAY_TEXT");
  await page.goto(`${base}/?identity=${encodeURIComponent(who)}`);
  const row = page.locator("tr.session", { hasText: who }).first();
  await row.waitFor();
  await Promise.all([page.waitForURL((u) => u.pathname.startsWith("/sessions/")), row.locator("a.session-link").click()]);
  // Press play as a person would, once the page has made its player.
  await page.waitForFunction(() => window.gatehouse?.player);
  await page.evaluate(() => window.gatehouse.player.play());
  const screen = await waitForScreen(text);
  const integrity = await page.getAttribute("#integrity", "data-status");
  report({ step, url: page.url(), integrity, screen: screen.slice(-5) });
  await shot("03-replay");
}

async function searchAndOpenHit() {
  step = "search";
  const text = required("GH_SEARCH");
  await page.fill("#q", text);
  await page.press("#q", "Enter");
  // The statement's own hit (its time is the statement's marker); output hits point at the start
  // of the output chunk that contains the text.
  const hit = page.locator("a.hit", { has: page.locator(".kind-statement"), hasText: text }).first();
  await hit.waitFor();
  const href = await hit.getAttribute("href");
  const rows = await page.locator("tr.session").count();
  report({ step, query: text, href, sessionsShown: rows, hitText: (await hit.textContent()).trim() });
  await shot("03-search");

  step = "open-hit";
  const t = Number(/#t=([0-9.]+)/.exec(href)?.[1]);
  await Promise.all([page.waitForURL((u) => u.pathname.startsWith("/sessions/")), hit.click()]);
  const expected = required("GH_EXPECT_SCREEN");
  const screen = await waitForScreen(expected);
  const at = await playerTime();
  if (Math.abs(at - t) > 0.25) throw new Error(`opened ${href}: the player is at ${at}s, not at the hit's ${t}s`);
  const integrity = await page.getAttribute("#integrity", "data-status");
  report({ step, url: page.url(), playerTime: at, hitTime: t, integrity, screenContains: expected, screen: screen.slice(-8) });
  await shot("04-session-at-hit");
}

async function clickBlockedMarker() {
  step = "blocked-marker";
  const text = env.GH_BLOCKED_TEXT;
  const entry = page.locator("button.marker.verdict-block", { hasText: text }).first();
  await entry.waitFor();
  const t = Number(await entry.getAttribute("data-t"));
  // Move away first, so landing on the marker is the click's doing.
  await page.evaluate(() => window.gatehouse.player.seek(0));
  await entry.click();
  await page.waitForFunction((want) => Math.abs(window.gatehouse.player.getCurrentTime() - want) < 0.05, t);
  const at = await playerTime();
  const shown = (await page.textContent("#position")).trim();
  const screen = await waitForScreen(text);
  const current = await page.locator('button.marker[aria-current]').first().getAttribute("data-t");
  if (Number(current) !== t) throw new Error(`side panel highlights the entry at ${current}s, not the clicked ${t}s`);
  report({ step, markerTime: t, playerTime: at, positionShown: shown, screen: screen.slice(-6) });
  await shot("05-blocked-marker");

  // The player's own progress-bar marker for it exists too (the cast's "m" events).
  const playerMarkers = await page.locator(".ap-marker-container").count();
  report({ step: "player-markers", count: playerMarkers });
  if (playerMarkers === 0) throw new Error("the player shows no markers on its progress bar");
}

async function blockedHitLandsOnIt() {
  step = "blocked-hit";
  const text = env.GH_BLOCKED_TEXT;
  await page.goto(`${base}/?q=${encodeURIComponent(text)}`);
  const hit = page.locator("a.hit", { has: page.locator(".badge.verdict-block"), hasText: text }).first();
  await hit.waitFor();
  const href = await hit.getAttribute("href");
  const t = Number(/#t=([0-9.]+)/.exec(href)?.[1]);
  await Promise.all([page.waitForURL((u) => u.pathname.startsWith("/sessions/")), hit.click()]);
  const screen = await waitForScreen(text);
  const at = await playerTime();
  if (Math.abs(at - t) > 0.05) throw new Error(`opened ${href}: the player is at ${at}s, not at the blocked statement's ${t}s`);
  const entry = page.locator("button.marker.verdict-block[aria-current]", { hasText: text });
  await entry.waitFor();
  report({ step, href, hitTime: t, playerTime: at, screen: screen.slice(-3) });
  await shot("05b-blocked-hit");
}

async function watchLiveAndTerminate() {
  step = "live";
  const who = env.GH_LIVE_IDENTITY;
  const text = required("GH_LIVE_TEXT");
  await page.goto(`${base}/?identity=${encodeURIComponent(who)}&state=active`);
  const row = page.locator("tr.session", { has: page.locator(".badge.live") }).first();
  await row.waitFor();
  await Promise.all([page.waitForURL((u) => u.pathname.startsWith("/sessions/")), row.locator("a.session-link").click()]);
  await page.locator("#live-badge").waitFor({ state: "visible" });
  const counter = new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") + "(\\d+)", "g");
  const highest = async () => {
    const lines = await screenLines();
    let n = -1;
    for (const l of lines) for (const m of l.matchAll(counter)) n = Math.max(n, Number(m[1]));
    return n;
  };
  const deadline = Date.now() + STEP_TIMEOUT;
  let first = -1;
  while (first < 0 && Date.now() < deadline) {
    first = await highest();
    if (first < 0) await page.waitForTimeout(200);
  }
  if (first < 0) throw new Error(`the live player never showed "${text}<n>"; it shows:\n${(await screenLines()).join("\n")}`);
  let later = first;
  while (later < first + 2 && Date.now() < deadline) {
    await page.waitForTimeout(200);
    later = await highest();
  }
  if (later < first + 2) throw new Error(`the live player stopped at ${text}${later}: nothing new arrived`);
  report({ step, url: page.url(), first, later, source: await page.getAttribute("#player", "data-source") });
  await shot("06-live");

  step = "terminate";
  const reason = required("GH_TERMINATE_REASON");
  await page.click("#terminate");
  await page.fill("#terminate-reason", reason);
  await page.click('#terminate-dialog button[value="terminate"]');
  await page.locator("#notice", { hasText: "Termination requested" }).waitFor();
  // The control loop ends it within a second or so; the page polls every 2 s.
  await page.locator("#notice", { hasText: /ended/ }).waitFor({ timeout: 15000 });
  report({ step, reason, notice: (await page.textContent("#notice")).trim(), badgeHidden: await page.locator("#live-badge").isHidden() });
  await shot("07-terminated");
}

async function approve() {
  step = "approve";
  const statement = env.GH_APPROVE_STATEMENT;
  await page.goto(base + "/approvals");
  const card = page.locator("li.approval", { hasText: statement }).first();
  await card.waitFor();
  if (env.GH_SELF_STATEMENT) {
    // Their own request: no buttons, and a sentence saying why.
    const own = page.locator("li.approval", { hasText: env.GH_SELF_STATEMENT }).first();
    await own.waitFor();
    await own.locator(".may-not").waitFor({ state: "visible" });
    const why = (await own.locator(".may-not").textContent()).trim();
    if (await own.locator('button[data-action="approve"]').isVisible()) throw new Error("own request offers Approve");
    report({ step: "self-request", statement: env.GH_SELF_STATEMENT, shown: why });
  }
  await card.locator("textarea").fill("approved from the browser test");
  await shot("08-approvals");
  await card.locator('button[data-action="approve"]').click();
  await card.locator(".card-status.status-ok").waitFor();
  const status = (await card.locator(".card-status").textContent()).trim();
  // Within a poll (2 s) the request leaves "pending" and shows up as decided.
  await page.locator("#decided tr", { hasText: statement }).first().waitFor({ timeout: 10000 });
  report({ step, statement, status });
  await shot("09-approved");
}

async function hostileCard() {
  step = "hostile-card";
  // Control, bidi and zero-width characters (as the server's VisibleText hides them, in part).
  const HIDDEN_CHARS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u00a0\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/u;
  await page.goto(base + "/approvals");
  const card = page.locator(`li.approval[data-approval-id="${env.GH_HOSTILE_ID}"]`);
  await card.waitFor();
  const statement = await card.locator("pre.statement").textContent();
  const whole = await card.textContent();
  const title = await page.title();
  for (const [what, text] of [["statement", statement], ["card", whole], ["title", title]]) {
    const hit = HIDDEN_CHARS.exec(what === "statement" ? text.replaceAll("\n", "") : text);
    if (hit) throw new Error(`the ${what} shows U+${hit[0].codePointAt(0).toString(16).padStart(4, "0")} raw: ${JSON.stringify(text)}`);
  }
  await shot("08-hostile-card");
  report({ step, statement, lines: statement.split("\n").length, card: whole });
}

async function logout() {
  step = "logout";
  await page.goto(base + "/");
  await page.locator('[data-testid="identity"]').waitFor();
  await page.getByRole("button", { name: "Log out" }).click();
  // Back at "/", the server no longer knows us: it sends us to the OIDC provider again (or, with
  // operator links, to the login page that says how to get one).
  await page.waitForSelector(env.GH_LOGIN_LINK ? "#login-local" : 'input[name="username"]');
  // The browser's cookies (shared with context.request) no longer open the API.
  const me = await context.request.get(base + "/api/me", { maxRedirects: 0 });
  if (me.status() !== 401) throw new Error(`after logout /api/me answered ${me.status()}, not 401`);
  report({ step, url: page.url(), apiMeStatus: me.status() });

  if (env.GH_LOGIN_LINK) {
    // The same link again: refused with its slug, and no session.
    step = "link-reused";
    const answer = await page.goto(env.GH_LOGIN_LINK);
    const shown = (await page.textContent("body")).replace(/\s+/g, " ").trim();
    await shot("10-link-reused");
    const again = await context.request.get(base + "/api/me", { maxRedirects: 0 });
    report({ step, status: answer.status(), shown, apiMeStatus: again.status() });
  }
}

async function integrityBadges() {
  step = "integrity";
  for (const id of env.GH_INTEGRITY_SESSIONS.split(",").filter(Boolean)) {
    await page.goto(`${base}/sessions/${encodeURIComponent(id)}`);
    const badge = page.locator("#integrity[data-status]");
    await badge.waitFor();
    const status = await badge.getAttribute("data-status");
    const text = (await badge.textContent()).trim();
    report({ step, id, status, text, title: await badge.getAttribute("title") });
    await shot(`integrity-${id}`);
  }
}

async function measureFirstFrame() {
  step = "perf";
  const runs = env.GH_PERF_SESSIONS.split(",").filter(Boolean).flatMap((id) => Array(Number(env.GH_PERF_REPEAT ?? 1)).fill(id));
  for (const [run, id] of runs.entries()) {
    // A fresh page each time: nothing cached. #t=1 makes the player fetch and parse the whole
    // recording and draw the frame at 1 s; "first frame" = the first terminal line with text.
    const p = await context.newPage();
    const errors = [];
    p.on("pageerror", (e) => errors.push(e.message));
    p.on("crash", () => errors.push("renderer crashed"));
    const started = Date.now();
    let firstFrameMs = null;
    try {
      await p.goto(`${base}/sessions/${encodeURIComponent(id)}#t=1`, { waitUntil: "commit" });
      await p.waitForFunction(
        () => [...document.querySelectorAll(".ap-line")].some((l) => l.textContent.trim() !== ""),
        null,
        { timeout: Number(env.GH_PERF_TIMEOUT_MS ?? 120000), polling: 20 },
      );
      firstFrameMs = Date.now() - started;
    } catch (e) {
      errors.push(String(e.message ?? e).split("\n")[0]);
    }
    let detail = {};
    try {
      detail = await p.evaluate(() => {
        const r = performance.getEntriesByType("resource").find((e) => e.name.includes("/recording"));
        return {
          recordingBytes: r?.encodedBodySize ?? null,
          recordingFetchMs: r ? Math.round(r.responseEnd - r.startTime) : null,
          jsHeapMiB: performance.memory ? Math.round(performance.memory.usedJSHeapSize / 1048576) : null,
        };
      });
    } catch (e) {
      errors.push("page unusable after load: " + String(e.message ?? e).split("\n")[0]);
    }
    report({ step, session: id, firstFrameMs, ...detail, errors });
    await p.screenshot({ path: join(shots, `perf-${id}-${run}.png`) }).catch(() => {});
    await p.close().catch(() => {});
  }
}

// ---- helpers ------------------------------------------------------------------------------

/** The terminal's text as the player shows it (its .ap-line rows), once it contains `text`. */
async function waitForScreen(text) {
  try {
    await page.waitForFunction(
      (want) => [...document.querySelectorAll(".ap-line")].map((l) => l.textContent).join("\n").includes(want),
      text,
    );
  } catch (e) {
    const seen = await screenLines();
    throw new Error(`the player's terminal never showed "${text}"; it shows:\n${seen.join("\n")}`);
  }
  return screenLines();
}

async function screenLines() {
  return page.$$eval(".ap-line", (ls) => ls.map((l) => l.textContent.trimEnd()).filter((t) => t !== ""));
}

async function playerTime() {
  return page.evaluate(() => window.gatehouse.player.getCurrentTime());
}

async function shot(name) {
  if (page) await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

function report(obj) {
  console.log(JSON.stringify(obj));
}

function required(name) {
  const v = env[name];
  if (!v) throw new Error(`environment variable ${name} is required`);
  return v;
}

function fail(where, message) {
  console.error(`E2E-FAILED at ${where}: ${message}`);
  writeFileSync(join(shots, "failure.txt"), `${where}: ${message}\n`);
  process.exit(1);
}
