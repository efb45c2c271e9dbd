// Shared by the three pages: the JSON API client, the page header, small DOM and format helpers.
// Server data only ever reaches the page through textContent / attributes, never innerHTML, and
// every string of it through visible() (one line) or lines() (line breaks kept): control and
// invisible characters are shown as escapes, never rendered.
import { visible, visibleLines } from "./visible.js?v={{v}}";

export { visible, visibleLines };

/** An API answer that was not 2xx: status and the server's error slug ({"error": slug}). */
export class ApiError extends Error {
  constructor(status, slug, body) {
    super(`${status} ${slug ?? ""}`.trim());
    this.status = status;
    this.slug = slug;
    this.body = body;
  }
}

let me = null;

/** The login page for the current URL; the server sends the user back to `return` afterwards. */
export function loginUrl() {
  const here = location.pathname + location.search + location.hash;
  return "/auth/login?return=" + encodeURIComponent(here);
}

/**
 * Calls the JSON API. GET by default; with a body, POSTs JSON with the CSRF token from /api/me.
 * 401 {"error":"login-required"} sends the browser to the login page (and never resolves).
 */
export async function api(path, { method, body, signal } = {}) {
  const m = method ?? (body === undefined ? "GET" : "POST");
  const headers = { Accept: "application/json" };
  if (m !== "GET" && m !== "HEAD") {
    headers["Content-Type"] = "application/json";
    const csrf = me?.csrf ?? (await currentUser()).csrf;
    if (csrf) headers["X-CSRF-Token"] = csrf;
  }
  const res = await fetch(path, {
    method: m,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: "same-origin",
    cache: "no-store",
    signal,
  });
  let data = null;
  const type = res.headers.get("Content-Type") ?? "";
  if (type.includes("json")) {
    data = await res.json().catch(() => null);
  }
  if (res.status === 401) {
    location.assign(loginUrl());
    return new Promise(() => {});
  }
  if (!res.ok) {
    throw new ApiError(res.status, data?.error ?? `http-${res.status}`, data);
  }
  return data;
}

/** GET /api/me, once per page: {identity, groups, roles, csrf}. */
export async function currentUser() {
  if (me === null) {
    me = await api("/api/me");
  }
  return me;
}

export function hasRole(user, role) {
  return Array.isArray(user?.roles) && user.roles.includes(role);
}

/** Fills <header id="site-header"> with the links, the identity and a logout button. */
export function renderHeader(user, current) {
  const header = document.getElementById("site-header");
  const nav = el("nav", { "aria-label": "Main" });
  const links = [
    ["/", "Sessions", "sessions"],
    ["/approvals", "Approvals", "approvals"],
  ];
  const brand = el("a", { href: "/", class: "brand" }, "Gatehouse");
  nav.append(brand);
  for (const [href, label, key] of links) {
    const a = el("a", { href }, label);
    if (key === current) a.setAttribute("aria-current", "page");
    nav.append(a);
  }
  const who = el("span", { class: "who", "data-testid": "identity" }, user.identity ?? "");
  if (Array.isArray(user.roles) && user.roles.length > 0) {
    who.title = visible("roles: " + user.roles.join(", "));
    who.append(" ", el("span", { class: "roles" }, "(" + user.roles.join(", ") + ")"));
  }
  const logout = el("button", { type: "button", class: "link" }, "Log out");
  logout.addEventListener("click", async () => {
    logout.disabled = true;
    try {
      const res = await api("/auth/logout", { body: {} });
      location.assign(res?.redirect ?? res?.location ?? "/");
    } catch (e) {
      logout.disabled = false;
      showError(e, "Logout failed");
    }
  });
  header.replaceChildren(nav, el("div", { class: "user" }, who, logout));
}

/** Attributes a person reads (tooltips, labels): shown through visible() like text. */
const READ_ATTRIBUTES = new Set(["title", "aria-label", "alt", "placeholder"]);

/**
 * Makes an element: attributes (null/false skipped) and children. A string child becomes a text
 * node through visible() — on one line, nothing hidden; a Node child (lines(), another el()) is
 * taken as it is.
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === null || v === undefined || v === false) continue;
    node.setAttribute(k, v === true ? "" : READ_ATTRIBUTES.has(k) ? visible(String(v)) : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : visible(String(c)));
  }
  return node;
}

/** Text whose line breaks matter (a statement): a text node for an element with white-space: pre-wrap. */
export function lines(text) {
  return document.createTextNode(visibleLines(text));
}

/** Shows an error in the page's #error region (role=alert), or clears it with null. */
export function showError(err, context) {
  const box = document.getElementById("error");
  if (!box) return;
  if (err === null) {
    box.hidden = true;
    box.replaceChildren();
    return;
  }
  let text;
  if (err instanceof ApiError) {
    text = `${context ? context + ": " : ""}${describeSlug(err.slug)} (HTTP ${err.status})`;
  } else {
    text = `${context ? context + ": " : ""}${err?.message ?? err}`;
  }
  box.replaceChildren(visible(text));
  box.hidden = false;
}

const SLUGS = {
  "login-required": "you are not logged in",
  forbidden: "you are not allowed to do this",
  "not-found": "not found",
  csrf: "the page is stale (CSRF token); reload it",
  "csrf-mismatch": "the page is stale (CSRF token); reload it",
  "csrf-missing": "the page is stale (CSRF token); reload it",
  "self-approval": "you cannot decide your own request",
  "not-approver": "you are not an approver for this target",
  "not-an-approver": "you are not an approver for this target",
  "already-decided": "this request has already been decided",
  "not-pending": "this request is no longer pending",
  expired: "this request has expired",
  "not-active": "the session is no longer active",
};

/** A sentence for an error slug from the server; unknown slugs are shown as they are. */
export function describeSlug(slug) {
  return SLUGS[slug] ?? String(slug ?? "error");
}

/** 2026-11-29 07:10:03 in the browser's zone (ISO-like, sortable, unambiguous). */
export function formatInstant(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const p = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** 1h 02m, 3m 04s, 12s. */
export function formatDuration(seconds) {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return "";
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  const p = (n) => String(n).padStart(2, "0");
  if (h > 0) return `${h}h ${p(m)}m`;
  if (m > 0) return `${m}m ${p(r)}s`;
  return `${r}s`;
}

/** A position in a recording: 1:02:03.4, 02:03.4 (tenths, as the side panel and hits show it). */
export function formatOffset(seconds) {
  const t = Math.max(0, Number(seconds) || 0);
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const s = t % 60;
  const p = (n) => String(n).padStart(2, "0");
  const ss = s.toFixed(1).padStart(4, "0");
  return h > 0 ? `${h}:${p(m)}:${ss}` : `${p(m)}:${ss}`;
}

/** Verdict of a marker or hit, normalised: allow | block | review | other. */
export function verdictOf(v) {
  const s = String(v ?? "").toLowerCase();
  if (s.startsWith("block") || s === "deny" || s === "denied") return "block";
  if (s.startsWith("review") || s === "approval") return "review";
  if (s.startsWith("allow")) return "allow";
  return s === "" ? "other" : s;
}

/** Starts the page: loads /api/me, draws the header, then runs `main(user)`; errors go to #error. */
export async function start(current, main) {
  try {
    const user = await currentUser();
    renderHeader(user, current);
    await main(user);
  } catch (e) {
    showError(e);
    console.error(e);
  }
}
