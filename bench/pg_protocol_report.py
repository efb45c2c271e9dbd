#!/usr/bin/env python3
"""The generated section of docs/PERFORMANCE-postgres.md from a bench/postgres protocol run.

  pg_protocol_report.py TMPDIR DOC.md

Reads TMPDIR/meta.env, TMPDIR/runs/*-rN.json (bench/pg_run.py), TMPDIR/load-before.txt,
TMPDIR/load-after.txt and TMPDIR/exec.txt, and replaces what DOC.md holds between
`<!-- protocol:begin -->` and `<!-- protocol:end -->` (appends the markers when missing). Every
figure is a median of the repeats with its range; every ratio is of medians measured in this run.
"""
import json
import os
import re
import statistics
import sys

d, doc = sys.argv[1], sys.argv[2]
meta = dict(l.rstrip("\n").partition("=")[::2] for l in open(os.path.join(d, "meta.env")))
runs = {}
for name in os.listdir(os.path.join(d, "runs")):
    r = json.load(open(os.path.join(d, "runs", name)))
    runs[r["label"]] = r


def loads(f):
    out = {}
    p = os.path.join(d, f)
    if os.path.exists(p):
        for line in open(p):
            name, *la = line.split()
            out[name] = la[0] if la else "?"
    return out


before, after = loads("load-before.txt"), loads("load-after.txt")
PATHS = [("direct", "direct"), ("pgbouncer", "pgbouncer (session mode)"), ("openssh", "OpenSSH `ssh -L`"),
         ("gatehouse", "Gatehouse `ssh -L`"), ("proxy", "proxy alone (pgwire-proxy, no SSH)")]
CASE_NAMES = {"simple": "`pgbench -S -M simple`", "extended": "`pgbench -S -M extended`",
              "write": "`pgbench -N -M simple` (writes, row limit on, no masked columns)"}


def series(path, case):
    out = []
    for k, r in sorted(runs.items()):
        m = re.fullmatch(re.escape(f"{path}-{case}") + r"-r(\d+)", k)
        if m:
            ok = r.get("rc") == 0 and "tps" in r and not r.get("failed", 0)
            out.append((int(m.group(1)), r.get("tps") if ok else None, k))
    return sorted(out)


def med(vals):
    v = [x for x in vals if x is not None]
    return statistics.median(v) if v else None


def f0(v):
    return "–" if v is None else f"{v:,.0f}"


def fr(v):
    return "–" if v is None else f"{v:.2f}×"


lines = []
w = lines.append
w(f"Run {meta.get('date')}: Gatehouse at {meta.get('gatehouse_rev')}, {meta.get('nproc')} CPUs, "
  f"pgbench `-T {meta.get('seconds')}` per run, **{meta.get('repeats')} repeats**, the five paths of a case "
  f"one after another and the whole round repeated (order: direct, pgbouncer, OpenSSH, Gatehouse, proxy), "
  f"`-j 2` (`-j 1` at `-c 1`), cipher `{meta.get('cipher')}` on both SSH paths; warm-up {meta.get('warm')} s per Java path and case, "
  f"not counted. Measuring took {int(meta.get('protocol_secs', 0)) // 60} min {int(meta.get('protocol_secs', 0)) % 60} s, "
  f"the whole script {int(meta.get('total_secs', 0)) // 60} min {int(meta.get('total_secs', 0)) % 60} s. "
  f"Machine load: {meta.get('background_pct')} % CPU busy before the start (loadavg {meta.get('load_start')}), "
  f"loadavg {meta.get('load_end')} at the end; the 1-minute loadavg before and after every run is in the last table. "
  f"This VM is shared with other builds: compare ratios within a case, not absolute tps across runs.\n")
w("Cases: " + ", ".join(CASE_NAMES.get(c.split(':')[0], c) + f" `-c {c.split(':')[1]}`"
                         for c in meta.get("cases", "").split()) + ".\n")
w("| case | path | median tps | range (min–max) | runs | / direct | / OpenSSH `ssh -L` | / pgbouncer |")
w("|---|---|---:|---|---|---:|---:|---:|")
summary = []
for cs in meta.get("cases", "").split():
    proto, c = cs.split(":")
    case = f"{proto}-c{c}"
    meds = {p: med([t for _, t, _ in series(p, case)]) for p, _ in PATHS}
    for p, label in PATHS:
        s = series(p, case)
        vals = [t for _, t, _ in s if t is not None]
        rng = f"{f0(min(vals))}–{f0(max(vals))}" if vals else "–"
        each = " ".join(f0(t) for _, t, _ in s)
        def rat(peer):
            return None if meds[p] is None or not meds.get(peer) else meds[p] / meds[peer]
        w(f"| {CASE_NAMES.get(proto, proto)} `-c {c}` | {label} | **{f0(meds[p])}** | {rng} | {each} | "
          f"{fr(rat('direct'))} | {fr(rat('openssh')) if p in ('gatehouse',) else ''} | "
          f"{fr(rat('pgbouncer')) if p == 'proxy' else ''} |")
    g, o = meds.get("gatehouse"), meds.get("openssh")
    px, pb, di = meds.get("proxy"), meds.get("pgbouncer"), meds.get("direct")
    summary.append((proto, c, g / o if g and o else None,
                    (px / di) if px and di else None, (pb / di) if pb and di else None))
w("")
w("**Against the aims** (ratios of the medians above):\n")
w("| case | Gatehouse / OpenSSH `ssh -L` | aim | met? | proxy / direct | pgbouncer / direct | proxy ≥ pgbouncer? |")
w("|---|---:|---:|:---:|---:|---:|:---:|")
for proto, c, go, pd, bd in summary:
    aim = 0.7 if proto == "write" else 0.8
    met = "–" if go is None else ("yes" if go >= aim else "**no**")
    pm = "–" if pd is None or bd is None else ("yes" if pd >= bd else "**no**")
    w(f"| {CASE_NAMES.get(proto, proto)} `-c {c}` | **{fr(go)}** | ≥ {aim:.1f}× | {met} | {fr(pd)} | {fr(bd)} | {pm} |")
w("")
# CPU per transaction: each process tree's CPU during the run over the transactions completed.
MIDDLE = {"direct": [], "pgbouncer": ["pgbouncer"], "openssh": ["ssh-client-openssh", "sshd"],
          "gatehouse": ["ssh-client-gatehouse", "gatehouse-jvm"], "proxy": ["proxy-jvm"]}
ROLE = {"ssh-client-openssh": "ssh client", "sshd": "sshd", "ssh-client-gatehouse": "ssh client",
        "gatehouse-jvm": "Gatehouse JVM", "proxy-jvm": "proxy JVM", "proxy-nocols-jvm": "proxy JVM",
        "pgbouncer": "pgbouncer"}
w("**CPU per transaction** (µs of CPU per pgbench transaction, median over the repeats: each process "
  "tree's utime+stime during the run, children included, over the transactions it completed; *background* is "
  "the CPU the machine spent outside this bench's processes during the run, in CPU-seconds per second of run, "
  f"out of {meta.get('nproc')}):\n")
w("| case | path | in the middle (µs/xact) | postgres | pgbench | background (CPU-s/s) |")
w("|---|---|---|---:|---:|---:|")
for cs in meta.get("cases", "").split():
    proto, c = cs.split(":")
    for p, label in PATHS:
        rs = [runs[k] for _, t, k in series(p, f"{proto}-c{c}") if t is not None]
        if not rs:
            continue
        def per(role):
            return statistics.median(r["cpu_s"].get(role, 0) / r["xacts"] * 1e6 for r in rs if r.get("xacts"))
        roles = ["proxy-nocols-jvm"] if p == "proxy" and proto == "write" else MIDDLE[p]
        mid = ", ".join(f"{ROLE[x]} {per(x):.0f}" for x in roles) or "–"
        bg = statistics.median((r["machine_cpu_s"] - sum(r["cpu_s"].values())) / r["wall_s"] for r in rs)
        w(f"| {CASE_NAMES.get(proto, proto)} `-c {c}` | {label} | {mid} | {per('postgres'):.0f} | "
          f"{per('pgbench'):.0f} | {bg:.2f} |")
w("")
ex = os.path.join(d, "exec.txt")
if os.path.exists(ex):
    rows = [l.split(None, 3) for l in open(ex) if l.strip()]
    def times(p):
        return [int(r[1]) / 1000 for r in rows if r[0] == p and r[2] == "0"]
    fails = {p: sum(1 for r in rows if r[0] == p and r[2] != "0") for p in ("gatehouse", "openssh")}
    outs = {p: next((r[3].strip() for r in rows if r[0] == p and len(r) > 3), "") for p in ("gatehouse", "openssh")}
    tg, to = times("gatehouse"), times("openssh")
    w("**psql exec end to end** (a fresh `ssh` login, one statement, exit; the two alternate, "
      f"{len(tg) + fails['gatehouse']} runs each; wall time of the `ssh` command):\n")
    w("| command | median (ms) | range (ms) | failed | output |")
    w("|---|---:|---|---:|---|")
    for p, label, t in (("gatehouse", "`ssh prod-db@gw 'select 1'` (Gatehouse postgres target)", tg),
                        ("openssh", "`ssh host 'psql -c \"select 1\"'` (OpenSSH sshd)", to)):
        w(f"| {label} | **{statistics.median(t):.0f}** | {min(t):.0f}–{max(t):.0f} | {fails[p]} | `{outs[p][:40]}` |"
          if t else f"| {label} | – | – | {fails[p]} | `{outs[p][:40]}` |")
    if tg and to:
        r = statistics.median(tg) / statistics.median(to)
        w(f"\nGatehouse / OpenSSH: **{r:.2f}×** (aim ≤ 1.5×: {'met' if r <= 1.5 else '**not met**'}).\n")
many = int(meta.get("many") or 0)
if many:
    w(f"**{many} clients through one `ssh -L`** (`pgbench -S -M simple -c {many} -j 2 -T {meta.get('seconds')}`, "
      "once per path, after the repeats; every client is a channel of the one SSH connection and a "
      "connection of its own to PostgreSQL, whose `max_connections` is 300 here):\n")
    w("| path | exit code | tps | transactions | failed transactions | clients aborted | connection time (ms) |")
    w("|---|---:|---:|---:|---:|---:|---:|")
    for p, label in (("gatehouse", "Gatehouse `ssh -L`"), ("openssh", "OpenSSH `ssh -L`")):
        r = runs.get(f"many-{p}-c{many}")
        if r is None:
            w(f"| {label} | – | – | – | – | – | – |")
            continue
        w(f"| {label} | {r.get('rc')} | {f0(r.get('tps'))} | {f0(r.get('xacts'))} | {f0(r.get('failed'))} | "
          f"{r.get('aborted', '?')} | {f0(r.get('conn_ms'))} |")
    w("")
w("<details><summary>1-minute loadavg before → after each run</summary>\n")
w("| run | before | after |")
w("|---|---:|---:|")
for name in before:
    w(f"| {name} | {before[name]} | {after.get(name, '?')} |")
w("\n</details>")

text = open(doc).read() if os.path.exists(doc) else ""
section = "<!-- protocol:begin -->\n" + "\n".join(lines) + "\n<!-- protocol:end -->"
if "<!-- protocol:begin -->" in text:
    text = re.sub(r"<!-- protocol:begin -->.*?<!-- protocol:end -->", lambda _: section, text, flags=re.S)
else:
    text = text.rstrip("\n") + "\n\n" + section + "\n"
open(doc, "w").write(text)
