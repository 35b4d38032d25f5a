import { relative, sep } from "node:path";
import type { CliIo } from "./context.js";

/**
 * A reader that closes the pipe (`othername lint … | head -1`) makes the next write fail with
 * EPIPE: end as a process killed by SIGPIPE would (exit 141, which `set -o pipefail` sees),
 * without a stack trace. Node ignores SIGPIPE itself, so the write error is all there is.
 */
function endQuietlyWhenThePipeCloses(stream: NodeJS.WriteStream): void {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(128 + 13);
    throw error;
  });
}

/** The real process io for `bin/othername.js`. */
export function processIo(): CliIo {
  endQuietlyWhenThePipeCloses(process.stdout);
  endQuietlyWhenThePipeCloses(process.stderr);
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
