// Builds the replay web UI into <outDir> (default ./dist): the three pages, our ES modules and CSS,
// and asciinema-player's self-contained bundle (JS + CSS + licence) copied from node_modules.
// Node only, no bundler, nothing fetched: `npm ci` must have run first.
import { cp, mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { createHash } from "node:crypto";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const outDir = resolve(process.argv[2] ?? join(here, "dist"));
const playerDir = join(here, "node_modules", "asciinema-player");

const playerPkg = JSON.parse(await readFile(join(playerDir, "package.json"), "utf8"));
if (!/^3\.(1[7-9]|[2-9]\d)\./.test(playerPkg.version)) {
  throw new Error(`asciinema-player ${playerPkg.version} in node_modules; 3.17 or newer expected (run npm ci)`);
}

await rm(outDir, { recursive: true, force: true });
await mkdir(join(outDir, "assets", "vendor", "asciinema-player"), { recursive: true });

// The player: the IIFE bundle (defines window.AsciinemaPlayer), its stylesheet and licence.
const vendor = join(outDir, "assets", "vendor", "asciinema-player");
for (const f of ["asciinema-player.min.js", "asciinema-player.css"]) {
  await cp(join(playerDir, "dist", "bundle", f), join(vendor, f));
}
await cp(join(playerDir, "LICENSE"), join(vendor, "LICENSE"));

// {{v}} in our pages and modules (asset URLs, module imports) becomes a digest of every source
// and the player's version, so a browser holding an older build fetches the new files.
const srcFiles = await listFiles(join(here, "src"));
const digest = createHash("sha256").update(playerPkg.version);
for (const f of srcFiles) {
  digest.update(f.slice(here.length)).update(await readFile(f));
}
const version = digest.digest("hex").slice(0, 12);
for (const f of srcFiles) {
  const rel = f.slice(join(here, "src").length + 1);
  const target = join(outDir, rel);
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, (await readFile(f, "utf8")).replaceAll("{{v}}", version));
}
await writeFile(
  join(outDir, "assets", "build.json"),
  JSON.stringify({ assetsVersion: version, asciinemaPlayer: playerPkg.version }, null, 2) + "\n",
);
console.log(`replay-web frontend: wrote ${outDir} (asciinema-player ${playerPkg.version}, assets ${version})`);

async function listFiles(dir) {
  const out = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(p)));
    else out.push(p);
  }
  return out.sort();
}
