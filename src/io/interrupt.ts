import { constants } from "node:os";

/**
 * What happens on Ctrl-C (SIGINT), SIGTERM, or when the parent of a relaunched CLI dies.
 *
 * Code that creates something unfinished on disk (an output stage holding private keys)
 * registers a synchronous cleanup with `onInterrupt`; the handlers that `installInterruptHandlers`
 * puts on the process run every registered cleanup and exit 128 + the signal number (130 for
 * SIGINT, 143 for SIGTERM), as shells report a process killed by that signal.
 * A short critical section (`uninterruptible`, used for publishing a finished stage) defers the
 * exit until it is over, so an output is either published whole or not at all.
 * Nothing here is installed on import: tests run commands in-process without these handlers.
 */
export type Cleanup = () => string | undefined;

const cleanups = new Set<Cleanup>();
let critical = 0;
let pending: NodeJS.Signals | undefined;
let exiting = false;

/** Registers `cleanup` (synchronous; returns a note for stderr, or undefined); returns the unregister function. */
export function onInterrupt(cleanup: Cleanup): () => void {
  cleanups.add(cleanup);
  return () => {
    cleanups.delete(cleanup);
  };
}

/** Runs `work` with interruption deferred until it settles (a signal meanwhile exits right after). */
export async function uninterruptible<T>(work: () => Promise<T>): Promise<T> {
  critical++;
  try {
    return await work();
  } finally {
    critical--;
    if (critical === 0 && pending !== undefined) exitOnSignal(pending);
  }
}

/** The exit status a shell gives a process ended by `signal`: 128 + its number. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}

/** Runs every cleanup and exits with the signal's status; a second signal meanwhile changes nothing. */
export function exitOnSignal(signal: NodeJS.Signals, reason = `interrupted by ${signal}`): void {
  if (critical > 0) {
    pending ??= signal;
    return;
  }
  if (exiting) return;
  exiting = true;
  const notes: string[] = [];
  for (const cleanup of [...cleanups]) {
    try {
      const note = cleanup();
      if (note !== undefined) notes.push(note);
    } catch {
      // Best effort: the other cleanups still run.
    }
  }
  process.stderr.write(`othername: ${reason}${notes.length > 0 ? `; ${notes.join("; ")}` : ""}\n`);
  process.exit(signalExitCode(signal));
}

/**
 * Set in a child relaunched by the launcher (src/cli/thread-pool-launch.ts) to the parent's pid:
 * the child ends (removing unfinished output) as soon as that parent is gone — a parent killed
 * with SIGKILL cannot forward anything.
 */
export const RELAUNCHED_BY = "OTHERNAME_RELAUNCHED_BY";

/**
 * Installs the CLI process's handlers (bin/othername.js, the single executable): SIGINT and
 * SIGTERM, and in a relaunched child the watch on its parent.
 */
export function installInterruptHandlers(env: Readonly<Record<string, string | undefined>> = process.env): void {
  process.on("SIGINT", () => exitOnSignal("SIGINT"));
  process.on("SIGTERM", () => exitOnSignal("SIGTERM"));
  const parent = Number(env[RELAUNCHED_BY]);
  if (Number.isInteger(parent) && parent > 0) exitWithParent(parent);
}

/**
 * In a child relaunched by the launcher (src/cli/thread-pool-launch.ts): end like on SIGTERM as soon
 * as the parent `parentPid` is gone (killed with SIGKILL, which it cannot forward), so no orphan
 * goes on generating keys and writing files. Checked every `intervalMs` without keeping the process alive.
 */
export function exitWithParent(parentPid: number, intervalMs = 200): void {
  const check = () => {
    if (process.ppid !== parentPid) exitOnSignal("SIGTERM", `the parent process ${parentPid} is gone`);
  };
  check();
  setInterval(check, intervalMs).unref();
}
