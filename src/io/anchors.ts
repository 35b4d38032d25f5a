import { readdir, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { OthernameError } from "../errors.js";
import { anchorsInFile, uniqueCertificates } from "../pki/anchors.js";
import type { Certificate } from "../pki/certificate.js";
import { readCryptoFile, type CryptoFile } from "../pki/read.js";
import { resolvePassword, type PasswordIo } from "./password.js";
import { readInputFile } from "./read-input.js";

/**
 * Loads trust anchors from what users pass as `--ca`: PEM bundles, DER files, PKCS#12 stores
 * (trusted entries and CA certificates) and directories of PEM files.
 */
export interface AnchorOptions {
  readonly cwd: string;
  /** `--ca-pass-file` / `--ca-pass-env`, for PKCS#12 stores; without them the empty password is tried. */
  readonly passFile?: string | undefined;
  readonly passEnv?: string | undefined;
  /** The flag the paths came from, for messages. */
  readonly flag?: string;
}

/** Files in a `--ca` directory that are read: certificate extensions and OpenSSL's c_rehash links (`1a2b3c4d.0`). */
const DIRECTORY_ENTRY = /(\.(pem|crt|cer|der)$)|(^[0-9a-f]{8}\.\d+$)/i;
/** A directory is read one level deep; more entries than this is not a CA directory. */
const MAX_DIRECTORY_ENTRIES = 10_000;

export async function loadAnchors(paths: readonly string[], options: AnchorOptions, io: PasswordIo): Promise<Certificate[]> {
  const flag = options.flag ?? "--ca";
  const password =
    options.passFile !== undefined || options.passEnv !== undefined
      ? await resolvePassword({ file: options.passFile, env: options.passEnv, flags: { file: "--ca-pass-file", env: "--ca-pass-env" } }, io)
      : undefined;
  const anchors: Certificate[] = [];
  for (const path of paths) {
    const full = resolve(options.cwd, path);
    const info = await stat(full).catch(() => undefined);
    const files = info?.isDirectory() ? await directoryFiles(full, path) : [path];
    for (const file of files) anchors.push(...anchorsInFile(await readCertificateFile(file, { cwd: options.cwd, password, flag })));
  }
  const unique = uniqueCertificates(anchors);
  if (unique.length === 0) {
    throw new OthernameError("NO_TRUST_ANCHORS", `no trust anchors in ${paths.join(", ")} (${flag}): no CA or trusted certificate found`, {
      hint: "Give a PEM bundle, DER file, PKCS#12 truststore or directory holding the CA certificates.",
    });
  }
  return unique;
}

/** Reads one certificate file; a PKCS#12 store needing a password names the flags that give one. */
export async function readCertificateFile(
  path: string,
  options: { readonly cwd: string; readonly password: string | undefined; readonly flag: string; readonly passwordFlags?: string },
): Promise<CryptoFile> {
  const bytes = await readInputFile(path, options.cwd, `${options.flag} file`);
  try {
    return await readCryptoFile(bytes, { source: path, password: options.password });
  } catch (error) {
    if (error instanceof OthernameError && error.code === "PASSWORD_REQUIRED") {
      throw new OthernameError(error.code, error.message, {
        hint: `Give its password with ${options.passwordFlags ?? "--ca-pass-file FILE or --ca-pass-env VAR"}.`,
        cause: error,
      });
    }
    throw error;
  }
}

async function directoryFiles(full: string, shown: string): Promise<string[]> {
  const names = (await readdir(full)).filter((name) => DIRECTORY_ENTRY.test(name)).sort();
  if (names.length > MAX_DIRECTORY_ENTRIES) {
    throw new OthernameError("CA_DIRECTORY_TOO_LARGE", `cannot read CA directory ${shown}: ${names.length} entries is more than ${MAX_DIRECTORY_ENTRIES}`, {
      hint: "Point --ca at a bundle file or a smaller directory.",
    });
  }
  const files: string[] = [];
  for (const name of names) {
    const info = await stat(join(full, name)).catch(() => undefined);
    if (info?.isFile()) files.push(join(shown, name));
  }
  if (files.length === 0) {
    throw new OthernameError("CA_DIRECTORY_EMPTY", `cannot read CA directory ${shown}: it holds no .pem, .crt, .cer or .der file`, {
      hint: "Put the CA certificates in the directory as PEM files, or point --ca at a bundle file.",
    });
  }
  return files;
}
