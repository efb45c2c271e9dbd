// Approvals: pending requests with statement, requester, target, rule, reason and an expiry
// countdown; approve/deny with a comment. Polls every 2 s and updates cards in place, so a comment
// being typed survives the refresh. Refusals (self-approval, not an approver, ...) are shown on
// the card they concern.
import { ApiError, api, describeSlug, el, formatInstant, lines, showError, start, visible } from "./common.js?v={{v}}";

const POLL_MS = 2000;
const pendingList = document.getElementById("pending");
const decidedTable = document.getElementById("decided");
const cards = new Map(); // id → {li, request, countdown}
let lastError = null;
let me = null;

start("approvals", async (user) => {
  me = user;
  await refresh();
  setInterval(refresh, POLL_MS);
  setInterval(tick, 1000);
});

async function refresh() {
  let requests;
  try {
    requests = await api("/api/approvals");
  } catch (e) {
    if (!lastError) showError(e, "Loading approval requests failed");
    lastError = e;
    return;
  }
  if (lastError) showError(null);
  lastError = null;
  if (!Array.isArray(requests)) requests = requests?.approvals ?? [];
  const pending = requests.filter((r) => r.state === "pending");
  const decided = requests.filter((r) => r.state !== "pending");
  // Pending: update in place, add new, mark those that left the pending state.
  const seen = new Set();
  for (const r of pending) {
    seen.add(r.id);
    const card = cards.get(r.id);
    if (card) updateCard(card, r);
    else addCard(r);
  }
  for (const [id, card] of cards) {
    if (!seen.has(id) && !card.li.classList.contains("gone")) {
      const now = requests.find((r) => r.id === id);
      card.li.classList.add("gone");
      setCardStatus(card, `This request is now ${now?.state ?? "gone"}.`, now?.state === "approved" ? "ok" : "info");
      for (const b of card.li.querySelectorAll("button, textarea")) b.disabled = true;
      setTimeout(() => {
        card.li.remove();
        cards.delete(id);
        updateEmpty();
      }, 10000);
    }
  }
  updateEmpty();
  renderDecided(decided);
}

function updateEmpty() {
  const live = [...cards.values()].filter((c) => !c.li.classList.contains("gone")).length;
  document.getElementById("none-pending").hidden = live > 0;
}

function addCard(r) {
  const comment = el("textarea", { rows: 2, maxlength: 500, "aria-label": "Comment", placeholder: "Comment (optional)" });
  const approve = el("button", { type: "button", class: "primary", "data-action": "approve" }, "Approve");
  const deny = el("button", { type: "button", class: "danger", "data-action": "deny" }, "Deny");
  const status = el("p", { class: "card-status", role: "status" });
  status.hidden = true;
  const fields = el("dl", { class: "fields" });
  const countdown = el("span", { class: "countdown" });
  const li = el(
    "li",
    { class: "approval", "data-approval-id": r.id },
    el("div", { class: "approval-head" }, el("span", { class: "target" }), " ", countdown),
    el("pre", { class: "statement" }),
    fields,
    el("ul", { class: "decisions" }),
    el("div", { class: "decide" }, comment, el("div", { class: "decide-buttons" }, approve, deny)),
    el("p", { class: "may-not muted" }),
    status,
  );
  const card = { li, request: r, countdown, status, comment };
  approve.addEventListener("click", () => decide(card, "approve"));
  deny.addEventListener("click", () => decide(card, "deny"));
  cards.set(r.id, card);
  updateCard(card, r);
  pendingList.append(li);
  // Webhook messages link to /approvals#ID: bring that request into view.
  if (location.hash.slice(1).toUpperCase() === String(r.id).toUpperCase()) {
    li.classList.add("linked");
    li.scrollIntoView({ block: "center" });
    comment.focus({ preventScroll: true });
  }
}

function updateCard(card, r) {
  card.request = r;
  const li = card.li;
  li.querySelector(".target").textContent = visible(`${r.requester ?? "?"} → ${r.target ?? "?"}`);
  const pre = li.querySelector(".statement");
  // The statement exactly, every line break kept: a line end decides what a -- comment hides.
  pre.replaceChildren(
    r.kind === "access" ? visible(`access to ${r.target ?? "?"}${r.duration ? ` for ${r.duration}` : ""}`) : lines(r.statement ?? ""),
  );
  pre.classList.toggle("access", r.kind === "access");
  const fields = li.querySelector(".fields");
  const rows = [
    ["Requester", r.requester],
    ["Target", r.target],
    ["Rule", r.rule],
    ["Reason", r.reason],
    ["Requested", formatInstant(r.createdAt)],
    ["Expires", formatInstant(r.expiresAt)],
    ["Approvers", r.approvers ? `${r.approvers.min ?? 1} of ${(r.approvers.groups ?? []).join(", ") || "any approver"}` : null],
    ["Kind", r.kind],
    ["Request id", r.id],
  ];
  fields.replaceChildren();
  for (const [k, v] of rows) {
    if (v === null || v === undefined || v === "") continue;
    fields.append(el("div", {}, el("dt", {}, k), el("dd", {}, String(v))));
  }
  if (r.sessionId) {
    fields.append(
      el("div", {}, el("dt", {}, "Session"), el("dd", {}, el("a", { href: "/sessions/" + encodeURIComponent(r.sessionId) }, r.sessionId))),
    );
  }
  const decisions = li.querySelector(".decisions");
  decisions.replaceChildren();
  for (const d of r.decisions ?? []) {
    decisions.append(
      el(
        "li",
        { class: "decision decision-" + String(d.decision ?? "").toLowerCase() },
        `${decisionWord(d.decision)} by ${d.approver ?? "?"}`,
        d.at ? ` at ${formatInstant(d.at)}` : "",
        d.comment ? [" — ", el("q", {}, d.comment)] : "",
      ),
    );
  }
  const may = r.mayDecide !== false;
  for (const b of li.querySelectorAll(".decide button")) b.disabled = !may || card.busy === true;
  li.querySelector(".decide").hidden = !may;
  const mayNot = li.querySelector(".may-not");
  mayNot.textContent = may ? "" : visible(whyNot(r));
  mayNot.hidden = may;
  tickCard(card);
}

async function decide(card, action) {
  const r = card.request;
  card.busy = true;
  for (const b of card.li.querySelectorAll(".decide button")) b.disabled = true;
  setCardStatus(card, action === "approve" ? "Approving…" : "Denying…", "info");
  try {
    const updated = await api(`/api/approvals/${encodeURIComponent(r.id)}/${action}`, {
      body: { comment: card.comment.value.trim() },
    });
    setCardStatus(card, `${action === "approve" ? "Approved" : "Denied"}${updated?.state ? ` — request is now ${updated.state}` : ""}.`, "ok");
    if (updated && updated.id) updateCard(card, updated);
  } catch (e) {
    const why = e instanceof ApiError ? describeSlug(e.slug) : String(e.message ?? e);
    setCardStatus(card, `Refused: ${why}${e instanceof ApiError ? ` (${e.slug})` : ""}.`, "refused");
  } finally {
    card.busy = false;
    const may = card.request.mayDecide !== false;
    for (const b of card.li.querySelectorAll(".decide button")) b.disabled = !may || card.li.classList.contains("gone");
  }
  refresh();
}

function setCardStatus(card, text, kind) {
  card.status.textContent = visible(text);
  card.status.className = "card-status status-" + kind;
  card.status.hidden = false;
}

function tick() {
  for (const card of cards.values()) tickCard(card);
}

function tickCard(card) {
  const r = card.request;
  if (!r.expiresAt || card.li.classList.contains("gone")) {
    card.countdown.textContent = "";
    return;
  }
  const left = Math.round((new Date(r.expiresAt) - Date.now()) / 1000);
  if (left <= 0) {
    card.countdown.textContent = "expired";
    card.countdown.className = "countdown expired";
    return;
  }
  const m = Math.floor(left / 60);
  const s = String(left % 60).padStart(2, "0");
  card.countdown.textContent = `expires in ${m}:${s}`;
  card.countdown.className = "countdown" + (left < 60 ? " soon" : "");
}

function renderDecided(decided) {
  const body = decidedTable.tBodies[0];
  body.replaceChildren();
  const recent = [...decided].sort((a, b) => String(b.createdAt).localeCompare(String(a.createdAt))).slice(0, 50);
  for (const r of recent) {
    body.append(
      el(
        "tr",
        { "data-approval-id": r.id },
        el("td", {}, el("span", { class: "badge state-" + r.state }, r.state)),
        el("td", {}, r.requester ?? ""),
        el("td", {}, r.target ?? ""),
        el("td", {}, el("code", { class: "statement-text" }, lines(r.statement ?? ""))),
        el("td", {}, (r.decisions ?? []).map((d) => `${decisionWord(d.decision)} by ${d.approver}${d.comment ? ` (“${d.comment}”)` : ""}`).join("; ")),
        el("td", {}, formatInstant(r.createdAt)),
      ),
    );
  }
  decidedTable.hidden = recent.length === 0;
  document.getElementById("none-decided").hidden = recent.length > 0;
}

function decisionWord(d) {
  return { approve: "approved", deny: "denied" }[d] ?? String(d ?? "?");
}

/** Why the server says this person may not decide a request (mayDecide false). */
function whyNot(r) {
  if (me && r.requester === me.identity) return "This is your own request: another approver must decide it.";
  if (me && (r.decisions ?? []).some((d) => d.approver === me.identity)) return "You have already decided this request.";
  const groups = (r.approvers?.groups ?? []).join(", ");
  return `You may not decide this request${groups ? `: approvers are ${groups}` : ""}.`;
}
