/**
 * Entry point of the single executable (`npm run sea`): what bin/othername.js does, for a binary
 * that embeds Node.js and this CLI bundled into one script. Inside the binary there is no launcher
 * script, so a thread-pool relaunch starts the binary itself again.
 */
import { main } from "./main.js";
import { processIo } from "./node-io.js";
import { relaunchForThreadPool } from "./thread-pool-launch.js";

async function run(): Promise<void> {
  // The binary's argv is [binary, binary, ...arguments] (the executable stands in for the script).
  const argv = process.argv.slice(2);
  const relaunched = await relaunchForThreadPool(argv, undefined);
  process.exitCode = relaunched ?? (await main(argv, processIo()));
}

void run();
