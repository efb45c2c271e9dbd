#!/usr/bin/env python3
"""Latency samples for bench/mcp, one JSON line on stdout: {"what", "samples_ms": [...]}.

  mcp_latency.py mcp  WHAT CALLS WARM TARGET SQL -- COMMAND...   one MCP stdio session (COMMAND is
      `ssh ... mcp@gw`): initialize, then WARM + CALLS tools/call sql_query, each timed from the
      request line written to its response line read (the result is checked: not an error).
  mcp_latency.py exec WHAT CALLS WARM -- COMMAND...              COMMAND run WARM + CALLS times, each
      timed from start to exit (exit status 0 and output checked by the caller's choice of command).
"""
import json
import subprocess
import sys
import time


def mcp(what, calls, warm, target, sql, argv):
    p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
    out = p.stdout

    def send(msg):
        p.stdin.write((json.dumps(msg) + "\n").encode())
        p.stdin.flush()

    def receive(want_id):
        while True:
            line = out.readline()
            if not line:
                raise SystemExit(f"{what}: the MCP session ended (ssh exit {p.wait()})")
            msg = json.loads(line)
            if msg.get("id") == want_id:
                return msg

    send({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {},
        "clientInfo": {"name": "gatehouse-bench", "version": "1"}}})
    receive(0)
    send({"jsonrpc": "2.0", "method": "notifications/initialized"})
    samples = []
    for i in range(1, warm + calls + 1):
        t0 = time.perf_counter()
        send({"jsonrpc": "2.0", "id": i, "method": "tools/call",
              "params": {"name": "sql_query", "arguments": {"target": target, "sql": sql}}})
        r = receive(i)
        dt = (time.perf_counter() - t0) * 1000
        result = r.get("result") or {}
        if "error" in r or result.get("isError"):
            raise SystemExit(f"{what}: call {i} failed: {json.dumps(r)[:300]}")
        if i > warm:
            samples.append(dt)
    p.stdin.close()
    p.wait(timeout=30)
    return samples


def exec_(what, calls, warm, argv):
    samples = []
    for i in range(warm + calls):
        t0 = time.perf_counter()
        r = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True)
        dt = (time.perf_counter() - t0) * 1000
        if r.returncode != 0 or b"1" not in r.stdout:
            raise SystemExit(f"{what}: run {i} exited {r.returncode}: {r.stdout[:200]!r} {r.stderr[:300]!r}")
        if i >= warm:
            samples.append(dt)
    return samples


def main():
    args = sys.argv[1:]
    dash = args.index("--")
    head, argv = args[:dash], args[dash + 1:]
    mode, what, calls, warm = head[0], head[1], int(head[2]), int(head[3])
    if mode == "mcp":
        samples = mcp(what, calls, warm, head[4], head[5], argv)
    else:
        samples = exec_(what, calls, warm, argv)
    print(json.dumps({"what": what, "samples_ms": samples}))


if __name__ == "__main__":
    main()
