import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The built CLI run in a real process that measures itself (process.resourceUsage): peak RSS and
 * CPU, for the hostile-input tests, which compare them with a baseline run in the same test.
 */
const MEASURE = `
import { main } from ${JSON.stringify(join(process.cwd(), "dist/cli/main.js"))};
import { processIo } from ${JSON.stringify(join(process.cwd(), "dist/cli/node-io.js"))};
const code = await main(process.argv.slice(2), processIo());
const u = process.resourceUsage();
process.stderr.write("\\nUSAGE " + JSON.stringify({ rssMB: u.maxRSS / 1024, cpuS: (u.userCPUTime + u.systemCPUTime) / 1e6 }) + "\\n");
process.exit(code);
`;

export interface Measured {
  readonly code: number | null;
  readonly stderr: string;
  readonly rssMB: number;
  readonly cpuS: number;
}

/** Runs `othername ARGS` (measured) with `stdin` from a shell pipeline, in `cwd`. */
export function measure(cwd: string, args: readonly string[], stdinPipeline?: string): Measured {
  writeFileSync(join(cwd, "measure.mjs"), MEASURE);
  const quoted = [process.execPath, "measure.mjs", ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(" ");
  const command = stdinPipeline ? `${stdinPipeline} | ${quoted}` : `${quoted} </dev/null`;
  // The timeout only stops a runaway child (today's main on /dev/zero); the assertions are relative.
  const result = spawnSync("sh", ["-c", command], { cwd, encoding: "utf8", timeout: 120_000, maxBuffer: 16 * 1024 * 1024 });
  const usage = /USAGE (\{.*\})/.exec(result.stderr ?? "");
  const parsed = usage ? (JSON.parse(usage[1]!) as { rssMB: number; cpuS: number }) : { rssMB: Infinity, cpuS: Infinity };
  return { code: result.status, stderr: result.stderr ?? "", ...parsed };
}

