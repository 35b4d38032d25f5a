import { OthernameError } from "../errors.js";

/**
 * One unit for every duration flag (`--timeout` on probe and ece): a number with `ms`, `s` or
 * `m`, and a bare number means seconds everywhere (`10`, `10s`, `500ms`, `1.5s`, `2m`).
 * Returns milliseconds.
 */
export function parseDurationOption(flag: string, value: string | number, range: { readonly maxMs: number; readonly command: string }): number {
  const text = String(value).trim();
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m)?$/.exec(text);
  const unit = match?.[2] ?? "s";
  const ms = match ? Math.round(Number(match[1]) * (unit === "ms" ? 1 : unit === "s" ? 1000 : 60_000)) : NaN;
  if (!Number.isFinite(ms) || ms < 1 || ms > range.maxMs) {
    const why = match ? `${text} is outside 1ms to ${range.maxMs / 1000}s` : `"${text}" is not a duration`;
    throw new OthernameError("USAGE_DURATION", `invalid value for ${flag}: ${why}`, {
      kind: "usage",
      hint: `Give seconds (e.g. ${flag} 10 or ${flag} 10s) or milliseconds (${flag} 500ms); see othername ${range.command} --help.`,
    });
  }
  return ms;
}
