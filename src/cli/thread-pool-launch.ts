import { spawn } from "node:child_process";
import { availableParallelism } from "node:os";
import { RELAUNCHED_BY, signalExitCode } from "../io/interrupt.js";

/**
 * Key generation runs on libuv's thread pool (4 threads unless UV_THREADPOOL_SIZE says
 * otherwise), and libuv reads that variable once, when the pool starts — which Node's ES module
 * loader does before any of our code runs. So a command that wants a larger pool is started
 * again with the variable set, from the launcher, before anything else happens.
 */
const POOLED_COMMANDS: ReadonlySet<string> = new Set(["cert", "csr", "quickstart"]);
/** libuv's default pool size. */
const LIBUV_DEFAULT = 4;
/** libuv's own upper limit. */
const LIBUV_MAX = 1024;

/** The pool size `argv` wants when larger than libuv's default, else undefined. */
export function wantedThreadPoolSize(argv: readonly string[], cores: number): number | undefined {
  const command = argv.find((arg) => !arg.startsWith("-"));
  if (command === undefined || !POOLED_COMMANDS.has(command)) return undefined;
  let jobs = cores;
  argv.forEach((arg, index) => {
    const inline = /^--jobs=(\d+)$/.exec(arg);
    if (inline) jobs = Number(inline[1]);
    else if (arg === "--jobs" && /^\d+$/.test(argv[index + 1] ?? "")) jobs = Number(argv[index + 1]);
  });
  const size = Math.min(LIBUV_MAX, jobs);
  return size > LIBUV_DEFAULT ? size : undefined;
}

/**
 * Runs this CLI again in a child process with UV_THREADPOOL_SIZE set, when the command wants more
 * threads than libuv's default and the variable is not set yet. Resolves to the child's exit code,
 * or undefined when no relaunch is needed (the caller then runs `main` itself). `script` is the
 * launcher to run again; the single executable (no script: the binary is the program) passes undefined.
 */
export async function relaunchForThreadPool(argv: readonly string[], script: string | undefined): Promise<number | undefined> {
  if (process.env["UV_THREADPOOL_SIZE"] !== undefined) return undefined;
  const size = wantedThreadPoolSize(argv, availableParallelism());
  if (size === undefined) return undefined;
  const child = spawn(process.execPath, [...process.execArgv, ...(script === undefined ? [] : [script]), ...argv], {
    stdio: "inherit",
    env: { ...process.env, UV_THREADPOOL_SIZE: String(size), [RELAUNCHED_BY]: String(process.pid) },
  });
  // The child cleans up and exits 130/143 itself (src/io/interrupt.ts); this process waits for it.
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on("SIGINT", forward);
  process.on("SIGTERM", forward);
  return new Promise((resolve) => {
    child.on("exit", (code, signal) => resolve(code ?? (signal ? signalExitCode(signal) : 70)));
    child.on("error", () => resolve(undefined));
  });
}
