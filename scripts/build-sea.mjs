#!/usr/bin/env node
// Builds the single executable: `npm run sea` → build/othername-<platform>-<arch>.
//
// 1. esbuild bundles the compiled CLI (dist/cli/sea-main.js; `npm run build` first) and every
//    dependency into one CommonJS script: Node's single executable applications run one CommonJS
//    script, with `require` limited to Node's built-in modules.
// 2. `node --experimental-sea-config` turns that script, plus the package files the CLI reads at
//    run time (package.json, examples/…) as assets, into a preparation blob.
// 3. postject injects the blob into a copy of the running `node` binary (the same Node.js that
//    built it), flipping the SEA fuse. No network is used at any step.
//
// Other platforms need that platform's own node binary to inject into; this script builds for the
// machine it runs on (`--node PATH` injects into another node binary of the same platform).
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "build");
const require = createRequire(import.meta.url);

// Files the CLI reads at run time through src/io/bundled-files.ts, by path from the package root.
const ASSETS = ["package.json", "examples/instances.yaml"];
// The fuse postject flips in the node binary (Node.js documentation, "Single executable applications").
const FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";

const args = process.argv.slice(2);
const nodeIndex = args.indexOf("--node");
const nodeBinary = nodeIndex >= 0 ? resolve(args[nodeIndex + 1] ?? "") : process.execPath;
const binaryName = `othername-${process.platform}-${process.arch}${process.platform === "win32" ? ".exe" : ""}`;

statSync(join(root, "dist", "cli", "sea-main.js")); // fails clearly when `npm run build` has not run
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const script = join(out, "othername.cjs");
await build({
  entryPoints: [join(root, "dist", "cli", "sea-main.js")],
  outfile: script,
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  legalComments: "none",
  logLevel: "warning",
  // Dependencies that locate their own files with import.meta.url get the binary's own path; the
  // CLI reads its package files as SEA assets instead (src/io/bundled-files.ts).
  define: { "import.meta.url": "__othername_module_url" },
  banner: { js: 'var __othername_module_url = require("node:url").pathToFileURL(__filename).href;' },
});

const config = join(out, "sea-config.json");
const blob = join(out, "othername.blob");
writeFileSync(
  config,
  JSON.stringify(
    {
      main: script,
      output: blob,
      disableExperimentalSEAWarning: true,
      useCodeCache: true,
      assets: Object.fromEntries(ASSETS.map((asset) => [asset, join(root, asset)])),
    },
    null,
    2,
  ),
);
execFileSync(nodeBinary, ["--experimental-sea-config", config], { stdio: "inherit" });

const binary = join(out, binaryName);
copyFileSync(nodeBinary, binary);
chmodSync(binary, 0o755);
const postject = require.resolve("postject/dist/cli.js");
execFileSync(process.execPath, [postject, binary, "NODE_SEA_BLOB", blob, "--sentinel-fuse", FUSE], { stdio: "inherit" });
rmSync(blob);
rmSync(config);
process.stdout.write(`sea: ${binary} (${(statSync(binary).size / 1e6).toFixed(0)} MB)\n`);
