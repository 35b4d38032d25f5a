import { readFileSync } from "node:fs";
import { getAsset, isSea } from "node:sea";

/**
 * A text file shipped with othername (package.json, examples/…), by its path from the package
 * root. From an npm install or a checkout it is read beside dist/; inside the single executable
 * (`npm run sea`) there is no package directory, so the same files are embedded as SEA assets
 * under the same relative paths (scripts/build-sea.mjs lists them).
 */
export function readBundledText(relative: string): string {
  if (isSea()) return getAsset(relative, "utf8");
  return readFileSync(new URL(`../../${relative}`, import.meta.url), "utf8");
}

/** True inside the single executable built by `npm run sea`. */
export function runningAsSingleExecutable(): boolean {
  return isSea();
}
