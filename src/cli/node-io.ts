import { relative, sep } from "node:path";
import type { CliIo } from "./context.js";

/** The real process io for `bin/othername.js`. */
export function processIo(): CliIo {
  return {
    stdout: (text) => void process.stdout.write(text),
    stderr: (text) => void process.stderr.write(text),
    stdin: process.stdin,
    stdinIsTTY: Boolean(process.stdin.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
    env: process.env,
    cwd: process.cwd(),
    now: () => new Date(),
    program: programName(),
  };
}

/** "othername" when installed on the PATH; "node bin/othername.js" when run from a checkout. */
function programName(): string {
  const script = process.argv[1];
  if (!script || !script.endsWith(`${sep}bin${sep}othername.js`)) return "othername";
  const path = relative(process.cwd(), script);
  return path.startsWith("..") ? "othername" : `node ${path}`;
}
