// Sessions page: search + filters (kept in the URL's query, so a search can be shared and the back
// button works), results with hit snippets that link to their moment in the recording, "load more".
import { api, el, formatDuration, formatInstant, formatOffset, showError, start, verdictOf, visible } from "./common.js?v={{v}}";

const FIELDS = ["q", "identity", "target", "from", "to", "state", "flagged"];
const PAGE = 50;

const form = document.getElementById("search");
const table = document.getElementById("sessions");
const more = document.getElementById("more");
const status = document.getElementById("status");
let next = null;
let shown = 0;
let generation = 0;

start("sessions", async () => {
  fillForm(new URLSearchParams(location.search));
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const params = formParams();
    history.pushState(null, "", params.toString() ? "/?" + params : "/");
    search(params);
  });
  form.addEventListener("reset", () => {
    setTimeout(() => {
      history.pushState(null, "", "/");
      search(new URLSearchParams());
    });
  });
  for (const name of ["state", "flagged"]) {
    form.elements[name].addEventListener("change", () => form.requestSubmit());
  }
  window.addEventListener("popstate", () => {
    const params = new URLSearchParams(location.search);
    fillForm(params);
    search(params);
  });
  more.addEventListener("click", () => load(currentParams(), next, generation));
  await search(new URLSearchParams(location.search));
});

/** The URL's query (UI form) → API query: datetime-local values become ISO instants. */
function apiQuery(params, cursor) {
  const q = new URLSearchParams();
  for (const f of FIELDS) {
    const v = params.get(f);
    if (!v) continue;
    if (f === "from" || f === "to") {
      const d = new Date(v);
      q.set(f, Number.isNaN(d.getTime()) ? v : d.toISOString());
    } else {
      q.set(f, v);
    }
  }
  if (cursor) q.set("cursor", cursor);
  // ?limit=N in the page's URL changes the page size (1–200), e.g. to page through by hand.
  const limit = Number(params.get("limit"));
  q.set("limit", String(Number.isInteger(limit) && limit >= 1 && limit <= 200 ? limit : PAGE));
  return q;
}

function formParams() {
  const p = new URLSearchParams();
  const limit = new URLSearchParams(location.search).get("limit");
  if (limit) p.set("limit", limit);
  for (const f of FIELDS) {
    const input = form.elements[f];
    if (input.type === "checkbox") {
      if (input.checked) p.set(f, "true");
    } else if (input.value.trim() !== "") {
      p.set(f, input.value.trim());
    }
  }
  return p;
}

function currentParams() {
  return new URLSearchParams(location.search);
}

function fillForm(params) {
  for (const f of FIELDS) {
    const input = form.elements[f];
    if (input.type === "checkbox") input.checked = params.get(f) === "true";
    else input.value = params.get(f) ?? "";
  }
}

async function search(params) {
  generation += 1;
  for (const body of table.querySelectorAll("tbody")) body.remove();
  shown = 0;
  next = null;
  await load(params, null, generation);
}

async function load(params, cursor, gen) {
  showError(null);
  more.disabled = true;
  status.textContent = "Loading…";
  try {
    const res = await api("/api/sessions?" + apiQuery(params, cursor));
    if (gen !== generation) return; // a newer search started meanwhile
    const query = params.get("q") ?? "";
    for (const s of res.sessions ?? []) {
      table.append(sessionRows(s, query));
      shown += 1;
    }
    next = res.next ?? null;
    table.hidden = shown === 0;
    more.hidden = next === null;
    status.textContent =
      shown === 0 ? "No sessions match." : `${shown} session${shown === 1 ? "" : "s"}${next ? " so far" : ""}.`;
  } catch (e) {
    if (gen !== generation) return;
    status.textContent = "";
    showError(e, "Search failed");
  } finally {
    more.disabled = false;
  }
}

/** One <tbody> per session: its row, and a row of hit snippets when the search matched text. */
function sessionRows(s, query) {
  const href = "/sessions/" + encodeURIComponent(s.id);
  const live = s.state === "active";
  const duration = s.end
    ? (new Date(s.end) - new Date(s.start)) / 1000
    : live
      ? (Date.now() - new Date(s.start)) / 1000
      : null;
  const flags = el("td", { class: "flags" });
  if (s.flagged) flags.append(el("span", { class: "badge flag", title: "had a blocked or reviewed statement" }, "flagged"));
  const row = el(
    "tr",
    { class: "session", "data-session-id": s.id },
    el("td", {}, el("a", { href, class: "session-link" }, s.identity ?? "")),
    el("td", {}, s.target ?? ""),
    el("td", {}, el("time", { datetime: s.start }, formatInstant(s.start))),
    el("td", {}, formatDuration(duration)),
    el("td", {}, live ? el("span", { class: "badge live" }, "● live") : el("span", { class: "state" }, s.state ?? "")),
    el("td", { class: "num" }, s.exitStatus ?? ""),
    flags,
  );
  const body = el("tbody", {}, row);
  const hits = Array.isArray(s.hits) ? s.hits : [];
  if (hits.length > 0) {
    const list = el("ul", { class: "hits", "aria-label": "Matches" });
    for (const h of hits) {
      const v = verdictOf(h.verdict);
      const a = el(
        "a",
        { href: `${href}#t=${Number(h.t).toFixed(3)}`, class: "hit" },
        el("span", { class: "t" }, formatOffset(h.t)),
        " ",
        el("span", { class: "kind kind-" + (h.kind ?? "output") }, h.kind ?? "output"),
        h.verdict ? el("span", { class: "badge verdict-" + v }, v) : null,
        " ",
        highlight(h.text ?? "", query),
      );
      list.append(el("li", {}, a));
    }
    body.append(el("tr", { class: "hits-row" }, el("td", { colspan: 7 }, list)));
  }
  return body;
}

/** The text with each query word marked (<mark>), built from text nodes only. */
function highlight(raw, query) {
  const text = visible(raw); // recorded output or a statement: nothing in it acts on the page
  const words = query
    .split(/\s+/)
    .map((w) => w.replace(/^"|"$/g, ""))
    .filter((w) => w.length > 0);
  const span = el("span", { class: "snippet" });
  if (words.length === 0) {
    span.textContent = text;
    return span;
  }
  const re = new RegExp("(" + words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|") + ")", "gi");
  let last = 0;
  for (const m of text.matchAll(re)) {
    if (m.index > last) span.append(text.slice(last, m.index));
    span.append(el("mark", {}, m[0]));
    last = m.index + m[0].length;
  }
  if (last < text.length) span.append(text.slice(last));
  return span;
}
