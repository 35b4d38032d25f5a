#!/usr/bin/env node
// Launcher: runs the built CLI in dist/ (`npm run build`; `npm start` and `npm test` build first).
import { fileURLToPath } from "node:url";
import { relaunchForThreadPool } from "../dist/cli/thread-pool-launch.js";

const argv = process.argv.slice(2);
const relaunched = await relaunchForThreadPool(argv, fileURLToPath(import.meta.url));
if (relaunched !== undefined) {
  process.exitCode = relaunched;
} else {
  // Ctrl-C / SIGTERM remove unfinished output and exit 130 / 143; a relaunched child also ends with its parent.
  const { installInterruptHandlers } = await import("../dist/io/interrupt.js");
  installInterruptHandlers();
  const { main } = await import("../dist/cli/main.js");
  const { processIo } = await import("../dist/cli/node-io.js");
  process.exitCode = await main(argv, processIo());
}
