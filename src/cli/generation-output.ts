import { PRIVATE_FILE_MODE, PUBLIC_FILE_MODE, type BundleFile } from "../io/bundle.js";
import type { GeneratedFile } from "../instances/generate.js";
import type { Diagnostic } from "../instances/diagnostic.js";
import { formatDiagnostic } from "../instances/diagnostic.js";
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
  else for (const d of diagnostics) ctx.note(formatDiagnostic(source, d));
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
  return {
    update(done, total, name) {
      if (!options.enabled) return;
      const now = Date.now();
      if (done !== total && now - last < 50) return; // repaint at most 20 times a second
      last = now;
      shown = true;
      ctx.io.stderr(`\r\x1b[K[${done}/${total}] ${escapeField(name)}`);
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
