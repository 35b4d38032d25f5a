import { OthernameError } from "../errors.js";
import { loadAnchors, readCertificateFile } from "../io/anchors.js";
import { leafAndExtras } from "../pki/anchors.js";
import type { Certificate } from "../pki/certificate.js";
import type { CommandContext } from "./context.js";
import type { PasswordArgs } from "./password-options.js";
import { readWithPassword } from "./read-protected.js";

/** The flags `check` and `verify` share to name a certificate and what to validate it against. */
export interface ChainArgs extends PasswordArgs {
  readonly cert: string;
  readonly ca: readonly string[];
  readonly untrusted?: readonly string[];
  readonly "ca-pass-file"?: string;
  readonly "ca-pass-env"?: string;
}

export interface ChainInputs {
  readonly leaf: Certificate;
  /** The certificate file's own extra certificates, then those of every --untrusted file. */
  readonly intermediates: readonly Certificate[];
  readonly anchors: readonly Certificate[];
}

/** Reads CERT (asking for its password on a terminal when needed), --untrusted and --ca. */
export async function readChainInputs(args: ChainArgs, ctx: CommandContext, verb: string): Promise<ChainInputs> {
  const file = await readWithPassword(args.cert, args, ctx, (password) =>
    readCertificateFile(args.cert, { cwd: ctx.io.cwd, password, flag: "certificate", passwordFlags: "--pass-file FILE or --pass-env VAR" }),
  );
  const { leaf, extras } = leafAndExtras(file);
  if (!leaf) {
    throw new OthernameError("NO_CERTIFICATE", `cannot ${verb} ${args.cert}: the file holds no certificate`, {
      hint: "Give the certificate file (PEM, DER or PKCS#12), not only its key.",
    });
  }
  const anchors = await loadAnchors(args.ca, { cwd: ctx.io.cwd, passFile: args["ca-pass-file"], passEnv: args["ca-pass-env"] }, ctx.io);
  const intermediates: Certificate[] = [...extras];
  for (const path of args.untrusted ?? []) {
    const untrusted = await readCertificateFile(path, { cwd: ctx.io.cwd, password: undefined, flag: "--untrusted" });
    intermediates.push(...untrusted.certificates.map((entry) => entry.certificate));
  }
  return { leaf, intermediates, anchors };
}
