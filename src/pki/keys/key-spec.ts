import { generateKeyPair } from "node:crypto";
import { OthernameError } from "../../errors.js";
import type { PrivateKey } from "./private-key.js";

/** What `--key` asks for (CLI.md: `rsa:2048` default, `rsa:3072`, `rsa:4096`, `ec:p256`, `ec:p384`). */
export type KeySpec =
  | { readonly algorithm: "rsa"; readonly bits: 2048 | 3072 | 4096 }
  | { readonly algorithm: "ec"; readonly curve: "P-256" | "P-384" };

/** certutil's default key: RSA 2048. */
export const defaultKeySpec: KeySpec = Object.freeze({ algorithm: "rsa", bits: 2048 });

const specs: Readonly<Record<string, KeySpec>> = {
  "rsa:2048": defaultKeySpec,
  "rsa:3072": Object.freeze({ algorithm: "rsa", bits: 3072 }),
  "rsa:4096": Object.freeze({ algorithm: "rsa", bits: 4096 }),
  "ec:p256": Object.freeze({ algorithm: "ec", curve: "P-256" }),
  "ec:p384": Object.freeze({ algorithm: "ec", curve: "P-384" }),
};

/**
 * Parses `--key` text: `rsa:2048` (the default), `rsa:3072`, `rsa:4096`, `ec:p256`, `ec:p384`,
 * case-insensitive; undefined or empty text gives the default.
 *
 * @param text - The flag's value.
 * @param options - `flag` names the flag in the error message.
 * @returns The key spec.
 * @throws OthernameError KEY_SPEC_INVALID, naming the choices.
 * @example
 * ```ts
 * parseKeySpec("EC:P256"); // { algorithm: "ec", curve: "P-256" }
 * ```
 */
export function parseKeySpec(text: string | undefined, options: { readonly flag?: string } = {}): KeySpec {
  const flag = options.flag ?? "--key";
  const trimmed = (text ?? "").trim();
  if (trimmed === "") return defaultKeySpec;
  const spec = specs[trimmed.toLowerCase()];
  if (spec === undefined) {
    throw new OthernameError("KEY_SPEC_INVALID", `invalid value for ${flag}: "${text}" is not a key type`, {
      kind: "usage",
      hint: `Use one of ${Object.keys(specs).join(", ")}.`,
    });
  }
  return spec;
}

/**
 * The `--key` text for a spec, the inverse of `parseKeySpec`.
 *
 * @param spec - A key spec.
 * @returns Text such as `ec:p256` or `rsa:2048`.
 * @example
 * ```ts
 * formatKeySpec({ algorithm: "rsa", bits: 4096 }); // "rsa:4096"
 * ```
 */
export function formatKeySpec(spec: KeySpec): string {
  return spec.algorithm === "rsa" ? `rsa:${spec.bits}` : `ec:${spec.curve.replace("-", "").toLowerCase()}`;
}

/**
 * Generates a private key with Node's asynchronous generateKeyPair: the work runs on the libuv
 * thread pool, so several keys generate in parallel without blocking the event loop.
 *
 * @param spec - RSA with its size, or EC with its curve (see `parseKeySpec`).
 * @returns The new key.
 * @example
 * ```ts
 * const key = await generateKey(parseKeySpec("ec:p256"));
 * ```
 */
export async function generateKey(spec: KeySpec): Promise<PrivateKey> {
  const encoding = {
    publicKeyEncoding: { type: "spki", format: "der" },
    privateKeyEncoding: { type: "pkcs8", format: "der" },
  } as const;
  const { pkcs8, spki } = await new Promise<{ pkcs8: Buffer; spki: Buffer }>((resolve, reject) => {
    const done = (error: Error | null, publicKey: Buffer, privateKey: Buffer): void => {
      if (error === null) resolve({ pkcs8: privateKey, spki: publicKey });
      else reject(error);
    };
    if (spec.algorithm === "rsa") {
      // 65537 (F4): the exponent every tool uses and RFC 8017 implementations expect.
      generateKeyPair("rsa", { modulusLength: spec.bits, publicExponent: 0x10001, ...encoding }, done);
    } else {
      // Named-curve parameters (RFC 5480 §2.1.1: explicit parameters MUST NOT be used).
      generateKeyPair("ec", { namedCurve: spec.curve, paramEncoding: "named", ...encoding }, done);
    }
  });
  // Both encodings come straight from the generator: no re-parse, no second export on the main thread.
  const key: PrivateKey =
    spec.algorithm === "rsa"
      ? { algorithm: "rsa", bits: spec.bits, pkcs8: new Uint8Array(pkcs8), spki: new Uint8Array(spki) }
      : { algorithm: "ec", bits: CURVE_BITS[spec.curve], curve: spec.curve, pkcs8: new Uint8Array(pkcs8), spki: new Uint8Array(spki) };
  return Object.freeze(key);
}

const CURVE_BITS: Readonly<Record<"P-256" | "P-384", number>> = { "P-256": 256, "P-384": 384 };
