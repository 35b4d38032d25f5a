import type { Argv } from "yargs";
import { OthernameError } from "../errors.js";

/** `--key ALG` and certutil's `--keysize N` (an RSA key of N bits), on ca, cert and csr. */
export function keyOptions(yargs: Argv): Argv {
  return yargs
    .option("key", { type: "string", describe: "Key type: rsa:2048 (default), rsa:3072, rsa:4096, ec:p256, ec:p384", requiresArg: true })
    .option("keysize", { type: "number", describe: "RSA key size in bits, as certutil's --keysize (= --key rsa:N)", requiresArg: true })
    .conflicts("key", "keysize");
}

/** The `--key` text the two flags stand for (undefined: the default). */
export function keyText(args: { readonly key?: string | undefined; readonly keysize?: number | undefined }): string | undefined {
  if (args.keysize === undefined) return args.key;
  if (Number.isNaN(args.keysize)) {
    throw new OthernameError("USAGE", "invalid value for --keysize: not a number (give 2048, 3072 or 4096)", { kind: "usage", hint: "Or name the key type with --key, e.g. --key ec:p256." });
  }
  return `rsa:${args.keysize}`;
}
