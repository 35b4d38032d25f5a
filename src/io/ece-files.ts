import { join, resolve } from "node:path";
import { openStage } from "./output-stage.js";
import { readInputFile } from "./read-input.js";

/**
 * File access for `othername ece`: reading the CA files named by flags, and writing the files of
 * `ece ca` whole or not at all, on top of the shared src/io helpers.
 */

/** Reads a file named by `flag` (relative to `cwd`), naming both in every error. */
export async function readFlagFile(path: string, flag: string, cwd: string): Promise<Uint8Array> {
  return readInputFile(path, cwd, `${flag} file`);
}

export interface OutputFile {
  /** Name inside the output directory. */
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly mode: number;
}

/** An output directory checked and staged before any request: `write` publishes it with one rename. */
export interface PreparedOutput {
  write(files: readonly OutputFile[]): Promise<string[]>;
  discard(): Promise<void>;
}

/**
 * Prepares `dir` for `names` the way `cert` prepares a bundle (src/io/output-stage.ts): existing
 * files (without `force`), an unwritable or missing parent and over-long names are errors now,
 * before the server is asked; the files are later written into a hidden stage and published
 * whole, so an interrupted or failing run leaves nothing, and `--force` replaces only at the end.
 */
export async function prepareOutputDirectory(dir: string, names: readonly string[], options: { readonly cwd: string; readonly force: boolean; readonly flag: string }): Promise<PreparedOutput> {
  const stage = await openStage({ target: resolve(options.cwd, dir), kind: "directory", files: names, force: options.force, shown: `${dir} (${options.flag})` });
  return {
    async write(files) {
      try {
        await stage.write(files.map((file) => ({ path: file.name, bytes: file.bytes, mode: file.mode })));
        await stage.publish();
      } finally {
        await stage.discard();
      }
      return files.map((file) => join(dir, file.name));
    },
    discard: () => stage.discard(),
  };
}
