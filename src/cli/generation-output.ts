import { PRIVATE_FILE_MODE, PUBLIC_FILE_MODE, type BundleFile } from "../io/bundle.js";
import type { GeneratedFile } from "../instances/generate.js";
import type { Diagnostic } from "../instances/diagnostic.js";
import { formatDiagnostic, NOTE_WHILE_GENERATING } from "../instances/diagnostic.js";
import { OthernameError } from "../errors.js";
import { threadPoolSize } from "../io/thread-pool.js";
import type { CommandContext } from "./context.js";
import { escapeField } from "./terminal-text.js";

/** Shared output pieces of `cert` and `csr`: diagnostics, progress line, bundle files. */
export function toBundleFiles(files: readonly GeneratedFile[]): BundleFile[] {
  return files.map((f) => ({ path: f.path, bytes: f.bytes, mode: f.secret ? PRIVATE_FILE_MODE : PUBLIC_FILE_MODE }));
}

/** Prints every finding; throws (exit 3) when any is an error, after printing all of them. */
export function reportDiagnostics(source: string, diagnostics: readonly Diagnostic[], ctx: CommandContext, options: { readonly json: boolean }): void {
  const errors = diagnostics.filter((d) => d.severity === "error");
  if (options.json && errors.length > 0) ctx.json({ file: source, diagnostics });
  else for (const d of diagnostics) ctx.note(formatDiagnostic(source, d, NOTE_WHILE_GENERATING.has(d.rule) ? "note" : d.severity));
  if (errors.length > 0) {
    throw new OthernameError("INSTANCES_INVALID", `invalid instances file ${source}: ${errors.length} problem${errors.length === 1 ? "" : "s"} (listed above); nothing was written`, {
      hint: "Fix each line listed, then run again (`othername lint` checks the file without generating anything).",
    });
  }
}

/** `[412/1000] node-412` rewritten in place; only on a terminal and without --json/--quiet. */
export function progressReporter(ctx: CommandContext, options: { readonly enabled: boolean }): {
  update(done: number, total: number, name: string): void;
  finish(): void;
} {
  let shown = false;
  let last = 0;
  const started = Date.now();
  return {
    update(done, total, name) {
      if (!options.enabled) return;
      const now = Date.now();
      if (done !== total && now - last < 50) return; // repaint at most 20 times a second
      last = now;
      shown = true;
      ctx.io.stderr(`\r\x1b[K${progressLine(done, total, (now - started) / 1000)} ${escapeField(name)}`);
    },
    finish() {
      if (shown) ctx.io.stderr("\r\x1b[K");
    },
  };
}

/** With --debug: how many keys are generated at once, on how many libuv threads. */
export function noteThreadPool(ctx: CommandContext, jobs: number): void {
  if (ctx.debug) ctx.note(`othername: debug: ${jobs} jobs on a libuv thread pool of ${threadPoolSize(ctx.io.env)} threads`);
}

/** `[412/1000] 41% 37.2/s ETA 16s`: done/total, rate and the time left at that rate. */
export function progressLine(done: number, total: number, elapsedSeconds: number): string {
  const percent = total > 0 ? Math.floor((done * 100) / total) : 100;
  const rate = elapsedSeconds > 0 ? done / elapsedSeconds : 0;
  const eta = rate > 0 ? formatSeconds((total - done) / rate) : "?";
  return `[${done}/${total}] ${percent}% ${rate >= 10 ? rate.toFixed(0) : rate.toFixed(1)}/s ETA ${eta}`;
}

function formatSeconds(seconds: number): string {
  const s = Math.ceil(seconds);
  return s < 60 ? `${s}s` : s < 3600 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s` : `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m`;
}
