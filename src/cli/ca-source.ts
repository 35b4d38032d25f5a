import { OthernameError } from "../errors.js";
import { readInputFile } from "../io/read-input.js";
import { resolvePassword } from "../io/password.js";
import type { Certificate } from "../pki/certificate.js";
import { prepareIssuer, type Issuer } from "../pki/issue.js";
import type { PrivateKey } from "../pki/keys.js";
import { SIGNING_KEY_TYPES } from "../pki/keys/unusable-key.js";
import { readCryptoFile, type CryptoFile } from "../pki/read.js";
import type { CommandContext } from "./context.js";

/**
 * Loads the signing CA for `cert` from `--ca CA.p12` or `--ca-cert CRT --ca-key KEY`, asking for
 * the CA password (`--ca-pass-file`, `--ca-pass-env`, a prompt) only when the file needs one.
 */
export interface CaSourceArgs {
  readonly ca?: string | undefined;
  readonly caCert?: string | undefined;
  readonly caKey?: string | undefined;
  readonly caPassFile?: string | undefined;
  readonly caPassEnv?: string | undefined;
  /** `--ca-pass VALUE` (certutil parity; the command warns). */
  readonly caPass?: string | undefined;
}

const CA_FLAGS = { file: "--ca-pass-file", env: "--ca-pass-env" } as const;

export async function loadIssuer(args: CaSourceArgs, ctx: CommandContext): Promise<Issuer> {
  if (args.ca !== undefined) {
    const file = await readWithPassword(args.ca, "CA keystore", args, ctx);
    const entry = file.keys.find((k) => k.certificateIndex !== undefined) ?? file.keys[0];
    const unusable = file.unusableKeys?.[0];
    if (!entry && unusable) {
      // The keystore is fine; its key is of a type we do not sign with (DSA, RSA-PSS, Ed448, brainpool, GOST…).
      const alias = unusable.friendlyName !== undefined ? ` (alias ${unusable.friendlyName})` : "";
      throw new OthernameError("CA_KEY_UNSUPPORTED", `cannot use ${args.ca} (--ca) as a CA: its private key${alias} cannot sign here: ${unusable.key.reason}`, {
        hint: `Sign with a CA whose key is ${SIGNING_KEY_TYPES.replace(/ and /, " or ")} (\`othername ca\` makes one), or --self-signed; \`othername inspect\` shows what the keystore holds.`,
      });
    }
    if (!entry) {
      throw new OthernameError("CA_NO_KEY", `cannot use ${args.ca} (--ca) as a CA: it holds no private key`, {
        hint: "Pass the CA's PKCS#12 made by `othername ca` or `elasticsearch-certutil ca`, or use --ca-cert and --ca-key.",
      });
    }
    const certificate =
      entry.certificateIndex !== undefined ? file.certificates[entry.certificateIndex]?.certificate : pickCaCertificate(file.certificates.map((c) => c.certificate));
    if (!certificate) {
      throw new OthernameError("CA_NO_CERTIFICATE", `cannot use ${args.ca} (--ca) as a CA: it holds no certificate`, {
        hint: "The keystore must hold the CA certificate together with its key.",
      });
    }
    return prepareIssuer({ certificate, key: entry.key }, { certificate: `${args.ca} (--ca)`, key: `${args.ca} (--ca)` });
  }
  if (args.caCert === undefined || args.caKey === undefined) {
    throw new OthernameError("USAGE", "missing CA: --ca-cert and --ca-key go together", {
      kind: "usage",
      hint: "Pass --ca CA.p12, or both --ca-cert CRT and --ca-key KEY, or --self-signed.",
    });
  }
  const certFile = await readWithPassword(args.caCert, "CA certificate", args, ctx);
  const certificate = pickCaCertificate(certFile.certificates.map((c) => c.certificate));
  if (!certificate) {
    throw new OthernameError("CA_NO_CERTIFICATE", `cannot read CA certificate ${args.caCert} (--ca-cert): it holds no certificate`, {
      hint: "Pass the CA certificate in PEM or DER form, e.g. ca/ca.crt.",
    });
  }
  const keyFile = await readWithPassword(args.caKey, "CA key", args, ctx);
  const key: PrivateKey | undefined = keyFile.keys[0]?.key;
  if (!key) {
    throw new OthernameError("CA_NO_KEY", `cannot read CA key ${args.caKey} (--ca-key): it holds no private key`, {
      hint: "Pass the CA's private key, e.g. ca/ca.key.",
    });
  }
  return prepareIssuer({ certificate, key }, { certificate: `${args.caCert} (--ca-cert)`, key: `${args.caKey} (--ca-key)` });
}

/** The first CA certificate, else the first certificate (prepareIssuer then says why it cannot sign). */
function pickCaCertificate(certificates: readonly Certificate[]): Certificate | undefined {
  return certificates.find((c) => c.isCa) ?? certificates[0];
}

const NEEDS_PASSWORD = new Set(["PASSWORD_REQUIRED", "KEY_PASSWORD_REQUIRED"]);

async function readWithPassword(path: string, what: string, args: CaSourceArgs, ctx: CommandContext): Promise<CryptoFile> {
  const bytes = await readInputFile(path, ctx.io.cwd, what);
  const given = await resolvePassword({ file: args.caPassFile, env: args.caPassEnv, value: args.caPass, flags: CA_FLAGS }, { ...ctx.io });
  try {
    return await readCryptoFile(bytes, { source: path, password: given });
  } catch (error) {
    if (given !== undefined || !(error instanceof OthernameError) || !NEEDS_PASSWORD.has(error.code)) throw error;
    if (!ctx.io.stdinIsTTY) {
      throw new OthernameError(error.code, error.message, {
        hint: "Give the CA's password with --ca-pass-file FILE or --ca-pass-env VAR (or run in a terminal to be asked).",
        cause: error,
      });
    }
    const prompted = await resolvePassword({ prompt: `Enter password for ${path}: `, flags: CA_FLAGS }, { ...ctx.io });
    return readCryptoFile(bytes, { source: path, password: prompted });
  }
}
