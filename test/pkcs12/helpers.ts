import { X509Certificate, createPrivateKey, createPublicKey } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const FIXTURES = fileURLToPath(new URL("../../fixtures/pkcs12/", import.meta.url));

export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURES, name)));
}

/** DER of the first PEM block of a file in fixtures/pkcs12/src. */
export function sourceDer(name: string): Uint8Array {
  const text = readFileSync(join(FIXTURES, "src", name), "utf8");
  const body = text.replace(/-----BEGIN [^-]+-----|-----END [^-]+-----|\s/g, "");
  return new Uint8Array(Buffer.from(body, "base64"));
}

export function keySpki(pkcs8: Uint8Array): string {
  const key = createPrivateKey({ key: Buffer.from(pkcs8), format: "der", type: "pkcs8" });
  return createPublicKey(key).export({ type: "spki", format: "der" }).toString("hex");
}

export function certificateSpki(der: Uint8Array): string {
  return new X509Certificate(der).publicKey.export({ type: "spki", format: "der" }).toString("hex");
}

export function subjectOf(der: Uint8Array): string {
  return new X509Certificate(der).subject;
}

export function withTempDir<T>(run: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), "othername-pkcs12-"));
  try {
    return run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function withTempDirAsync<T>(run: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), "othername-pkcs12-"));
  try {
    return await run(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Resolves to the OthernameError code a promise rejects with (or "resolved"). */
export async function errorCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "resolved";
  } catch (error) {
    return (error as { code?: string }).code ?? `untyped ${String(error)}`;
  }
}
