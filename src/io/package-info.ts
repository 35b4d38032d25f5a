import { readBundledText } from "./bundled-files.js";

/** The package's own version, read from package.json beside src/ (or dist/, or the SEA assets). */
export function packageVersion(): string {
  const parsed = JSON.parse(readBundledText("package.json")) as { version?: unknown };
  return typeof parsed.version === "string" ? parsed.version : "0.0.0";
}
