// Installs node_modules from package-lock.json for the build (`npm ci`), quietly: npm's own output
// is shown only when it fails. Skipped when node_modules already holds the lockfile's tree, i.e.
// npm's record of what it installed (node_modules/.package-lock.json, written at the end of every
// install) is newer than package.json and package-lock.json.
import { spawnSync } from "node:child_process";
import { statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const mtime = (f) => {
  try {
    return statSync(join(here, f)).mtimeMs;
  } catch {
    return -1;
  }
};

const installed = mtime("node_modules/.package-lock.json");
if (installed > Math.max(mtime("package.json"), mtime("package-lock.json"))) {
  process.exit(0);
}
const npm = spawnSync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: here, encoding: "utf8" });
if (npm.error) {
  console.error(`replay-web frontend: cannot run npm (${npm.error.message}); the build needs Node.js 18+ with npm`);
  process.exit(1);
}
if (npm.status !== 0) {
  process.stderr.write(npm.stdout + npm.stderr);
  console.error(`replay-web frontend: npm ci failed (exit ${npm.status ?? npm.signal})`);
  process.exit(npm.status || 1);
}
console.log("replay-web frontend: installed node_modules from package-lock.json (npm ci)");
