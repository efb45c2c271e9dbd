// The player's own cost for a recording of many small events (the shape of a long interactive
// session), without a gateway: the built UI and test/dev-server.mjs serving a synthetic cast of
// 100-byte output events 10 ms apart. The figures through the real server come from
// sshd-gateway's ReplayWebFirstFrameBench (bulk output, coalesced into 64 KiB events).
//   node build.mjs dist && node test/perf-player.mjs 10 100      (MiB; 3 fresh pages each)
import { chromium } from "playwright-core";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const sizes = process.argv.slice(2).map(Number);
const repeat = Number(process.env.GH_PERF_REPEAT ?? 3);
let port = 8190;

for (const mib of sizes.length ? sizes : [10]) {
  port += 1;
  const server = spawn(process.execPath, [join(here, "dev-server.mjs"), join(here, "..", "dist"), String(port)], {
    env: { ...process.env, GATEHOUSE_DEV_CAST_MIB: String(mib) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise((resolve) => server.stdout.once("data", resolve));
  const userDataDir = mkdtempSync(join(tmpdir(), "gatehouse-perf-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.GH_CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-dev-shm-usage"],
  });
  try {
    for (let i = 0; i < repeat; i++) {
      const page = await context.newPage();
      const started = Date.now();
      let firstFrameMs = null;
      let error = null;
      try {
        await page.goto(`http://127.0.0.1:${port}/sessions/big#t=1`, { waitUntil: "commit" });
        await page.waitForFunction(
          () => [...document.querySelectorAll(".ap-line")].some((l) => l.textContent.trim() !== ""),
          null,
          { timeout: 180000, polling: 20 },
        );
        firstFrameMs = Date.now() - started;
      } catch (e) {
        error = String(e.message ?? e).split("\n")[0];
      }
      const heap = await page
        .evaluate(() => Math.round(performance.memory.usedJSHeapSize / 1048576))
        .catch(() => null);
      console.log(JSON.stringify({ mib, events: Math.round((mib * 1048576) / 112), run: i, firstFrameMs, jsHeapMiB: heap, error }));
      await page.close();
    }
  } finally {
    await context.close();
    rmSync(userDataDir, { recursive: true, force: true });
    server.kill();
  }
}
