import { OthernameError } from "../errors.js";
import { readCryptoFile } from "../pki/read.js";

/**
 * The node names for a direct trust, taken from a certificate bundle: the otherName commonName
 * values (exactly what Elasticsearch's trust manager reads) of every node certificate in it.
 */
export interface BundleFileBytes {
  readonly path: string;
  readonly bytes: Uint8Array;
}

export interface BundleNames {
  /** Every distinct name, in bundle order. */
  readonly names: readonly string[];
  /** Per certificate: where it came from and the names it carries. */
  readonly certificates: readonly { readonly path: string; readonly subject: string; readonly names: readonly string[] }[];
}

export async function nodeNamesFromBundle(files: readonly BundleFileBytes[], options: { readonly source: string; readonly password?: string | undefined }): Promise<BundleNames> {
  const names: string[] = [];
  const seen = new Set<string>();
  const certificates: { path: string; subject: string; names: string[] }[] = [];
  for (const file of files) {
    let read;
    try {
      read = await readCryptoFile(file.bytes, { source: `${options.source}:${file.path}`, password: options.password });
    } catch (error) {
      if (error instanceof OthernameError && error.code === "PASSWORD_REQUIRED") {
        throw new OthernameError("PASSWORD_REQUIRED", `cannot read ${file.path} in bundle ${options.source} (--from-bundle): the PKCS#12 file needs its password`, {
          hint: "Give the bundle's password with --pass-file FILE or --pass-env VAR, or use a PEM bundle (othername cert --pem).",
          cause: error,
        });
      }
      throw error;
    }
    for (const { certificate } of read.certificates) {
      // CA certificates (ca/ca.crt, the CA bag of a .p12) carry no node names.
      if (certificate.isCa) continue;
      const values = certificate.san.otherNameCommonName;
      certificates.push({ path: file.path, subject: certificate.subject, names: [...values] });
      for (const value of values) {
        if (!seen.has(value)) {
          seen.add(value);
          names.push(value);
        }
      }
    }
  }
  if (names.length === 0) {
    throw new OthernameError("BUNDLE_NO_NAMES", `cannot take node names from bundle ${options.source} (--from-bundle): no certificate in it has an otherName commonName`, {
      hint: "Generate node certificates with `cn` names (or cluster/scope in instances.yaml), or give the names with --node-name.",
    });
  }
  return { names, certificates };
}
