// One session: asciinema-player (bundled, window.AsciinemaPlayer) over the recording or, while the
// session is active, over the live websocket; the side panel of commands/statements (click → seek);
// #t=SECONDS seeks on load; speed and idle-time limit; download; integrity; terminate (auditors).
import {
  ApiError,
  api,
  el,
  formatDuration,
  formatInstant,
  formatOffset,
  hasRole,
  lines,
  showError,
  start,
  verdictOf,
  visible,
} from "./common.js?v={{v}}";

const id = decodeURIComponent(location.pathname.replace(/^\/sessions\//, "").replace(/\/$/, ""));
const container = document.getElementById("player");
const markerList = document.getElementById("markers");
const speedSelect = document.getElementById("speed");
const idleSelect = document.getElementById("idle");
const onlyFlagged = document.getElementById("only-flagged");
const position = document.getElementById("position");
const notice = document.getElementById("notice");

// asciinema-player reads a whole recording into one string before it plays; Chromium's strings
// end at 512 MiB and well before that the tab needs gigabytes. Past this size, offer the download.
const PLAYER_MAX_BYTES = 400 * 1024 * 1024;

const state = {
  session: null,
  player: null,
  live: false,
  markers: [],
  user: null,
  pollTimer: null,
  playing: false,
};

// For the browser test and for people debugging in the console: the page's current player.
window.gatehouse = {
  get player() {
    return state.player;
  },
  get session() {
    return state.session;
  },
};

start("sessions", async (user) => {
  state.user = user;
  let session;
  try {
    session = await api("/api/sessions/" + encodeURIComponent(id));
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 403)) {
      document.getElementById("title").textContent = "Session not found";
      showError(e, `Session ${id}`);
      return;
    }
    throw e;
  }
  state.session = session;
  renderHead(session);
  renderMarkers(session.markers ?? []);
  state.live = Boolean(session.live) && session.state === "active";
  const size = Number(session.bytes ?? session.size ?? 0);
  if (!state.live && size > PLAYER_MAX_BYTES) {
    tooLarge(size);
  } else {
    mountPlayer({ at: hashTime() });
  }
  if (state.live) startPolling();

  speedSelect.addEventListener("change", () => remount());
  idleSelect.addEventListener("change", () => remount());
  onlyFlagged.addEventListener("change", () => renderMarkers(state.markers));
  window.addEventListener("hashchange", () => {
    const t = hashTime();
    if (t !== null) seekTo(t);
  });
  setInterval(updatePosition, 250);
  setupTerminate(user);
});

/** #t=12.5 (seconds from the session's start) in the URL fragment, or null. */
function hashTime() {
  const m = /(?:^#|&)t=([0-9]+(?:\.[0-9]+)?)/.exec(location.hash);
  return m ? Number(m[1]) : null;
}

function idleLimit() {
  return idleSelect.value === "" ? undefined : Number(idleSelect.value);
}

/**
 * A player for the recording (or the live stream), replacing any previous one. {@code at} (real
 * session seconds) or {@code marker} (index among the cast's markers) positions it paused there.
 * The player ignores a seek while it preloads, so a positioned player is created cold and the
 * seek itself loads the recording; an unpositioned one preloads (its progress bar shows markers).
 */
function mountPlayer({ at = null, marker = null, play = false } = {}) {
  if (state.player) {
    state.player.dispose();
    state.player = null;
  }
  container.replaceChildren();
  const s = state.session;
  const positioned = !state.live && (marker !== null || (at !== null && at > 0));
  const opts = {
    fit: "width",
    terminalFontSize: "small",
    speed: Number(speedSelect.value),
    idleTimeLimit: idleLimit(),
    preload: !positioned,
    autoPlay: play && !positioned,
  };
  let src;
  if (state.live) {
    src = { driver: "websocket", url: websocketUrl(s.liveUrl ?? `/api/sessions/${encodeURIComponent(id)}/live`) };
    opts.autoPlay = true;
    delete opts.idleTimeLimit;
  } else {
    src = { url: s.recordingUrl ?? `/api/sessions/${encodeURIComponent(id)}/recording` };
  }
  const player = window.AsciinemaPlayer.create(src, container, opts);
  state.player = player;
  state.playing = false;
  player.addEventListener("playing", () => {
    if (state.player === player) state.playing = true;
  });
  for (const ev of ["pause", "ended"]) {
    player.addEventListener(ev, () => {
      if (state.player === player) state.playing = false;
    });
  }
  player.addEventListener("error", (e) => {
    if (state.player === player) playerFailed(e?.message ?? e?.detail?.message ?? null);
  });
  player.addEventListener("offline", () => {
    if (state.player === player && state.live) {
      notice.textContent = "The live stream has ended.";
      notice.hidden = false;
    }
  });
  container.dataset.source = state.live ? "live" : "recording";
  // Speed and idle-time limit mean nothing for a live stream.
  speedSelect.disabled = state.live;
  idleSelect.disabled = state.live;
  if (positioned) {
    const where = marker !== null ? { marker } : at;
    player
      .seek(where)
      .then(async () => {
        if (play && state.player === player) await player.play();
        updatePosition();
      })
      .catch((e) => {
        if (state.player === player) playerFailed(e?.message ?? String(e));
      });
  }
}

/** The player could not load or parse the recording: say so, and offer the file itself. */
function playerFailed(message) {
  const s = state.session;
  const size = Number(s?.bytes ?? 0);
  notice.replaceChildren(
    "The player could not load this recording",
    message ? visible(` (${message})`) : "",
    size > 0 ? `; it is ${(size / 1048576).toFixed(0)} MiB` : "",
    ". ",
    downloadLink("Download it"),
    " and play it with asciinema play.",
  );
  notice.classList.add("problem");
  notice.hidden = false;
}

function tooLarge(size) {
  const load = el("button", { type: "button" }, "Load it here anyway");
  load.addEventListener("click", () => {
    notice.hidden = true;
    mountPlayer({ at: hashTime() });
  });
  notice.replaceChildren(
    `This recording is ${(size / 1048576).toFixed(0)} MiB, too large for the browser player (it loads a whole recording into memory). `,
    downloadLink("Download it"),
    " and play it with asciinema play, or ",
    load,
  );
  notice.classList.add("problem");
  notice.hidden = false;
}

function downloadLink(text) {
  const s = state.session;
  return el("a", { href: s.recordingUrl ?? `/api/sessions/${encodeURIComponent(id)}/recording`, download: `${s.id}.cast` }, text);
}

/** ws(s)://host/path for a live URL the API gave as a path (or as a full URL). */
function websocketUrl(u) {
  const url = new URL(u, location.href);
  if (url.protocol === "http:") url.protocol = "ws:";
  if (url.protocol === "https:") url.protocol = "wss:";
  return url.href;
}

/**
 * Speed or idle limit changed: a new player (options are fixed at create) at the same moment.
 * Without an idle-time limit the player's time is real time; with one, the time is compressed,
 * so the position is kept as "the last marker passed" (exact at markers, approximate between).
 */
function remount() {
  if (state.live) {
    mountPlayer();
    return;
  }
  const p = state.player;
  const wasPlaying = p !== null && state.playing;
  const t = p?.getCurrentTime() ?? 0;
  const before = container.dataset.idle ?? "";
  container.dataset.idle = idleSelect.value;
  if (before === "" && idleSelect.value === "") {
    mountPlayer({ at: t, play: wasPlaying });
    return;
  }
  const realT = before === "" ? t : lastPassedMarkerTime();
  const last = [...state.markers].reverse().find((m) => m.t <= realT + 0.001);
  if (idleSelect.value === "") {
    mountPlayer({ at: realT, play: wasPlaying });
  } else if (last) {
    mountPlayer({ marker: last.index, play: wasPlaying });
  } else {
    mountPlayer({ play: wasPlaying });
  }
}

/** With an idle-time limit: the real time of the last marker the player has passed. */
function lastPassedMarkerTime() {
  const passed = container.querySelectorAll(".ap-marker-container.ap-marker-past").length;
  return passed > 0 && state.markers[passed - 1] ? state.markers[passed - 1].t : 0;
}

/** Seeks to a real session time; under an idle-time limit via the marker index the player knows. */
async function seekTo(t, markerIndex = null) {
  const p = state.player;
  if (!p || state.live) return;
  if (idleLimit() === undefined) {
    await p.seek(t);
  } else if (markerIndex !== null) {
    await p.seek({ marker: markerIndex });
  } else {
    // A bare time under an idle-time limit: the nearest marker at or before it.
    const last = [...state.markers].reverse().find((m) => m.t <= t + 0.001);
    await p.seek(last ? { marker: last.index } : 0);
  }
  updatePosition();
}

function updatePosition() {
  const p = state.player;
  if (!p || state.live) {
    position.textContent = state.live ? "live" : "";
    return;
  }
  const t = p.getCurrentTime();
  if (typeof t !== "number") return;
  position.textContent = formatOffset(t);
  position.dataset.seconds = t.toFixed(3);
  // Mark the latest entry at or before the position (real time when there is no idle limit).
  if (idleLimit() === undefined) {
    let current = null;
    for (const li of markerList.children) {
      const btn = li.querySelector("button");
      if (btn && Number(btn.dataset.t) <= t + 0.05) current = btn;
    }
    for (const b of markerList.querySelectorAll("button[aria-current]")) {
      if (b !== current) b.removeAttribute("aria-current");
    }
    if (current) current.setAttribute("aria-current", "true");
  }
}

function renderHead(s) {
  document.title = visible(`${s.identity ?? ""} → ${s.target ?? ""} · Gatehouse`);
  document.getElementById("title").textContent = visible(`${s.identity ?? "?"} → ${s.target ?? "?"}`);
  const end = s.end ? new Date(s.end) : null;
  const duration = end ? (end - new Date(s.start)) / 1000 : null;
  const rows = [
    ["Session", s.id],
    ["Start", formatInstant(s.start)],
    ["End", s.end ? formatInstant(s.end) : s.state === "active" ? "still running" : ""],
    ["Duration", formatDuration(duration)],
    ["State", s.state],
    ["Exit status", s.exitStatus ?? ""],
    ["Client", s.clientAddress ?? ""],
    ["Recording", s.bytes ? `${(s.bytes / 1048576).toFixed(1)} MiB` : ""],
  ];
  const meta = document.getElementById("meta");
  meta.replaceChildren();
  for (const [k, v] of rows) {
    if (v === "" || v === null || v === undefined) continue;
    meta.append(el("div", {}, el("dt", {}, k), el("dd", { "data-field": k.toLowerCase().replace(/ /g, "-") }, String(v))));
  }
  document.getElementById("live-badge").hidden = !(s.live && s.state === "active");

  const integrity = document.getElementById("integrity");
  const status = s.integrity?.status ?? "pending";
  const label = {
    ok: "✓ recording verified",
    altered: "✗ recording ALTERED",
    missing: "✗ recording MISSING",
    pending: "integrity check pending",
  }[status] ?? `integrity: ${status}`;
  integrity.textContent = visible(label);
  integrity.className = "badge integrity integrity-" + status;
  integrity.title = visible(s.integrity?.detail ?? "");
  integrity.dataset.status = status;
  integrity.hidden = false;
  if (s.integrity?.detail && status !== "ok") {
    integrity.append(" — ", el("span", { class: "detail" }, s.integrity.detail));
  }

  const dl = document.getElementById("download");
  const url = s.recordingUrl ?? `/api/sessions/${encodeURIComponent(s.id)}/recording`;
  dl.href = url;
  dl.setAttribute("download", `${s.id}.cast`);
  dl.hidden = false;
}

function renderMarkers(markers) {
  state.markers = markers.map((m, index) => ({ ...m, index }));
  const flaggedOnly = onlyFlagged.checked;
  markerList.replaceChildren();
  for (const m of state.markers) {
    const v = verdictOf(m.verdict);
    if (flaggedOnly && v !== "block" && v !== "review") continue;
    const btn = el(
      "button",
      { type: "button", class: `marker verdict-${v}`, "data-t": m.t, "data-index": m.index, "data-verdict": v },
      el("span", { class: "t" }, formatOffset(m.t)),
      m.verdict ? el("span", { class: `badge verdict-${v}` }, v === "other" ? m.verdict : v) : null,
      el("span", { class: "label" }, lines(labelText(m))),
      m.rule ? el("span", { class: "rule" }, "rule " + m.rule) : null,
      m.approver ? el("span", { class: "approver" }, "approved by " + m.approver) : null,
    );
    btn.addEventListener("click", () => {
      history.replaceState(null, "", `#t=${Number(m.t).toFixed(3)}`);
      seekTo(Number(m.t), m.index);
    });
    markerList.append(el("li", {}, btn));
  }
  document.getElementById("no-markers").hidden = state.markers.length > 0;
}

/** While live: refresh markers and state every 2 s; when the session ends, offer the replay. */
function startPolling() {
  state.pollTimer = setInterval(async () => {
    try {
      const s = await api("/api/sessions/" + encodeURIComponent(id));
      state.session = s;
      renderHead(s);
      if ((s.markers ?? []).length !== state.markers.length) renderMarkers(s.markers ?? []);
      if (s.state !== "active" || !s.live) {
        clearInterval(state.pollTimer);
        state.live = false;
        document.getElementById("terminate").hidden = true;
        notice.replaceChildren(
          "The session has ended. ",
          replayButton(),
        );
        notice.hidden = false;
      }
    } catch (e) {
      showError(e, "Refreshing the session failed");
    }
  }, 2000);
}

function replayButton() {
  const b = el("button", { type: "button" }, "Replay the recording");
  b.addEventListener("click", () => {
    notice.hidden = true;
    mountPlayer();
  });
  return b;
}

function setupTerminate(user) {
  const button = document.getElementById("terminate");
  const dialog = document.getElementById("terminate-dialog");
  const form = document.getElementById("terminate-form");
  const reason = document.getElementById("terminate-reason");
  button.hidden = !(state.live && hasRole(user, "auditor"));
  button.addEventListener("click", () => {
    reason.value = "";
    dialog.showModal();
  });
  dialog.addEventListener("close", async () => {
    if (dialog.returnValue !== "terminate") return;
    const text = reason.value.trim();
    if (text === "") return;
    button.disabled = true;
    try {
      await api(`/api/sessions/${encodeURIComponent(id)}/terminate`, { body: { reason: text } });
      notice.textContent = visible("Termination requested: " + text);
      notice.hidden = false;
      button.hidden = true;
    } catch (e) {
      showError(e, "Terminate failed");
    } finally {
      button.disabled = false;
    }
  });
}

/** The marker's text without the "verdict rule: " prefix the recording puts in front of it. */
function labelText(m) {
  const label = String(m.label ?? "");
  if (!m.verdict) return label;
  const prefix = /^(allow|block|review)(?: [A-Za-z0-9_.:-]+)?: /.exec(label);
  return prefix && prefix[1] === String(m.verdict).toLowerCase() ? label.slice(prefix[0].length) : label;
}
