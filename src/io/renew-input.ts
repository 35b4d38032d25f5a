import { stat } from "node:fs/promises";
import { basename, dirname, extname, join, resolve } from "node:path";
import { OthernameError } from "../errors.js";
import { MAX_BUNDLE_ENTRY_BYTES, readCertificateBundle } from "./read-bundle.js";
import { readBounded, readInputFile } from "./read-input.js";

/**
 * Reads what `othername renew` is given: one bundle written by `cert` (a directory or a `.zip`),
 * or individual files (PKCS#12 keystores, PEM/DER certificates with their `.key` beside them).
 * Certificates, keystores and `.key` files are returned with the path each keeps in the output.
 */
export interface RenewEntry {
  /** Output-relative, `/`-separated: the path inside the bundle, or the file's name. */
  readonly path: string;
  /** For messages: `certs/node1/node1.p12`, `bundle.zip!node1/node1.p12`, `node1.crt`. */
  readonly shown: string;
  readonly bytes: Uint8Array;
}

export interface RenewInput {
  /** "bundle": one directory or zip; "files": individual files, written under their names. */
  readonly kind: "bundle" | "files";
  readonly entries: readonly RenewEntry[];
}

const CERTIFICATE_FILE = /\.(crt|pem|cer|der)$/i;
const KNOWN_FILE = /\.(crt|pem|cer|der|p12|pfx|key)$/i;

export async function readRenewInput(targets: readonly string[], cwd: string): Promise<RenewInput> {
  const first = targets[0];
  if (first === undefined) throw new OthernameError("USAGE", "missing BUNDLE: give the directory or .zip written by `othername cert`, or node files", { kind: "usage" });
  const kinds = await Promise.all(targets.map(async (t) => ((await stat(resolve(cwd, t)).catch(() => undefined))?.isDirectory() ? "directory" : t.toLowerCase().endsWith(".zip") ? "zip" : "file")));
  if (kinds.some((k) => k !== "file")) {
    if (targets.length > 1) {
      throw new OthernameError("USAGE", `cannot renew ${targets.join(", ")} together: a bundle (directory or .zip) is renewed on its own`, {
        kind: "usage",
        hint: "Give one bundle, or only node files (.p12, or .crt with its .key).",
      });
    }
    const entries = await readCertificateBundle(first, cwd, { keys: true, flag: "BUNDLE" });
    const separator = kinds[0] === "zip" ? "!" : "/";
    return { kind: "bundle", entries: entries.map((e) => ({ path: e.path, shown: `${first.replace(/\/+$/, "")}${separator}${e.path}`, bytes: e.bytes })) };
  }
  const entries: RenewEntry[] = [];
  const byName = new Map<string, string>();
  const add = (target: string, bytes: Uint8Array): void => {
    const name = basename(target);
    const earlier = byName.get(name);
    if (earlier !== undefined && resolve(cwd, earlier) !== resolve(cwd, target)) {
      throw new OthernameError("USAGE", `cannot renew ${earlier} and ${target} into one output: both are named ${name}`, {
        kind: "usage",
        hint: "Renew them one at a time, each with its own --out.",
      });
    }
    if (earlier !== undefined) return;
    byName.set(name, target);
    entries.push({ path: name, shown: target, bytes });
  };
  for (const target of targets) {
    if (!KNOWN_FILE.test(target)) {
      throw new OthernameError("USAGE", `cannot renew ${target}: not a .p12/.pfx keystore, a .crt/.pem/.cer/.der certificate or a .key`, {
        kind: "usage",
        hint: "Give the bundle written by `othername cert`, or its node files.",
      });
    }
    add(target, await readInputFile(target, cwd, "node file"));
  }
  // A certificate's key sits beside it with the same stem (certutil's `<name>.crt` + `<name>.key`).
  for (const target of targets) {
    if (!CERTIFICATE_FILE.test(target)) continue;
    const keyTarget = join(dirname(target), `${basename(target, extname(target))}.key`);
    if (byName.has(basename(keyTarget))) continue;
    const read = await readBounded(resolve(cwd, keyTarget), MAX_BUNDLE_ENTRY_BYTES).catch(() => undefined);
    if (read && !read.tooLarge) add(keyTarget, read.bytes);
  }
  return { kind: "files", entries };
}
