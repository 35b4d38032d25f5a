import { readFileSync } from "node:fs";

/** The package's own version, read from package.json beside src/ (or dist/). */
export function packageVersion(): string {
  const text = readFileSync(new URL("../../package.json", import.meta.url), "utf8");
  const parsed = JSON.parse(text) as { version?: unknown };
  return typeof parsed.version === "string" ? parsed.version : "0.0.0";
}
