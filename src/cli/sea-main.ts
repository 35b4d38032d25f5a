/**
 * Entry point of the single executable (`npm run sea`): what bin/othername.js does, for a binary
 * that embeds Node.js and this CLI bundled into one script. Inside the binary there is no launcher
 * script, so a thread-pool relaunch starts the binary itself again.
 */
import { installInterruptHandlers } from "../io/interrupt.js";
import { main } from "./main.js";
import { processIo } from "./node-io.js";
import { relaunchForThreadPool } from "./thread-pool-launch.js";

async function run(): Promise<void> {
  // The binary's argv is [binary, binary, ...arguments] (the executable stands in for the script).
  const argv = process.argv.slice(2);
  const relaunched = await relaunchForThreadPool(argv, undefined);
  if (relaunched !== undefined) {
    process.exitCode = relaunched;
    return;
  }
  // As bin/othername.js: Ctrl-C / SIGTERM remove unfinished output; a relaunched child ends with its parent.
  installInterruptHandlers();
  process.exitCode = await main(argv, processIo());
}

void run();
