import { OthernameError } from "../errors.js";
import { parseCertificate, type Certificate, type CertificateExtension } from "./certificate.js";
import { bytesEqual } from "./der.js";
import { isSignedBy, keyMatchesPublicKey, type Issuer } from "./issue.js";
import { generateKey, type KeySpec, type PrivateKey } from "./keys.js";
import { SUBJECT_ALT_NAME_OID } from "./names.js";

/**
 * Renewal of a leaf certificate (`othername renew`, phase 2 of a CA rotation): a new certificate
 * for the same subject and names, with a new validity, signed by a CA.
 *
 * The subject DN and the SubjectAltName extension are copied as encoded bytes, never decoded and
 * re-encoded, so every name Elasticsearch reads (otherName, DNS, IP; DESIGN.md, "Names a
 * certificate carries") stays byte-for-byte what it was, whatever string types the old issuer
 * chose. keyUsage and extendedKeyUsage are carried over as they were when the old certificate
 * had them (a certificate that was fit for TLS stays fit); SKI, AKI and BasicConstraints CA:FALSE
 * are made as `cert` makes them, from the new key and the new issuer. Any other extension of the
 * old certificate (policies, CRL distribution points, …) belonged to its old issuer and is dropped.
 */

/** keyUsage and extendedKeyUsage (RFC 5280 §4.2.1.3, §4.2.1.12). */
const CARRIED_OVER = new Set([SUBJECT_ALT_NAME_OID, "2.5.29.15", "2.5.29.37"]);

const DAY_MS = 86_400_000;

/** Which key the new certificate certifies. */
export type ReissueKey =
  /** Keep the old certificate's key: it must be that key's private half. */
  | { readonly reuse: PrivateKey }
  /** A new key of this type. */
  | { readonly generate: KeySpec };

export interface ReissueInput {
  /** The certificate to renew (a leaf). */
  readonly certificate: Certificate;
  /** The CA that signs the new certificate (see `prepareIssuer`). */
  readonly issuer: Issuer;
  /** The new validity: from `at` (whole seconds) for `days` days, as `cert --days`. */
  readonly validity: { readonly days: number; readonly at: Date };
  /** Default: a new key of the old key's type and size (`keySpecOf`). */
  readonly key?: ReissueKey;
  /**
   * Consent to sign a certificate that `issuer` did not issue (another CA, or self-signed):
   * that is a change of issuer, e.g. phase 2 of a CA rotation. Default false: refused.
   */
  readonly reissuer?: boolean;
}

export interface ReissueResult {
  /** The new certificate, DER. */
  readonly der: Uint8Array;
  /** The new certificate, parsed. */
  readonly certificate: Certificate;
  /** The new private key, when one was generated (absent when the key was reused). */
  readonly key?: PrivateKey;
  readonly keyReused: boolean;
  /** False when the old certificate came from another issuer (allowed by `reissuer: true`). */
  readonly sameIssuer: boolean;
}

/**
 * Reissues a leaf certificate: same subject DN and SubjectAltName bytes (and criticality), same
 * keyUsage/extendedKeyUsage when it had them, a new validity, a new serial, signed by `issuer`,
 * with a new key of the same type by default or the same key on request. The result has been
 * verified against the issuer's key.
 *
 * @param input - The old certificate, the signing issuer, the validity, the key choice and the `reissuer` consent.
 * @returns The new certificate (DER and parsed), the new key when one was generated, and whether the issuer is the old one.
 * @throws OthernameError REISSUE_NOT_A_LEAF for a CA certificate; REISSUE_OTHER_ISSUER when the
 *   issuer did not issue the certificate (issuer DN or signature differ) and `reissuer` is not set;
 *   REISSUE_KEY_MISMATCH when a reused key is not the certificate's; REISSUE_KEY_UNSUPPORTED when
 *   no new key of the old type can be made (give `key`); REISSUE_DAYS_INVALID for a validity that
 *   is not a positive whole number of days.
 * @example
 * ```ts
 * const old = parseCertificate(oldDer);
 * const renewed = await reissueCertificate({ certificate: old, issuer, validity: { days: 365, at: new Date() } });
 * renewed.certificate.san.otherNameCommonName; // the old names, unchanged
 * renewed.key;                                 // the new private key to ship with it
 * ```
 */
export async function reissueCertificate(input: ReissueInput): Promise<ReissueResult> {
  const old = input.certificate;
  if (old.isCa) {
    throw new OthernameError("REISSUE_NOT_A_LEAF", `cannot reissue ${old.subject}: it is a CA certificate (BasicConstraints CA:TRUE)`, {
      hint: "Renew node certificates only; make a new CA with `othername ca`.",
    });
  }
  const { days, at } = input.validity;
  if (!Number.isInteger(days) || days < 1) {
    throw new OthernameError("REISSUE_DAYS_INVALID", `cannot reissue ${old.subject}: validity ${days} is not a positive whole number of days`, { kind: "usage" });
  }
  const sameIssuer = isIssuedBy(old, input.issuer.certificate);
  if (!sameIssuer && input.reissuer !== true) {
    throw new OthernameError(
      "REISSUE_OTHER_ISSUER",
      `cannot reissue ${old.subject}: it was issued by ${old.issuer}, not by the given CA ${input.issuer.certificate.subject}${
        old.issuer === input.issuer.certificate.subject ? " (same name, but its signature does not verify with this CA's key)" : ""
      }`,
      { hint: "Give the CA that issued it, or consent to a change of issuer (reissuer: true, `--reissuer`)." },
    );
  }

  const choice = input.key ?? { generate: keySpecOf(old) };
  let newKey: PrivateKey | undefined;
  let publicKey: Uint8Array;
  if ("reuse" in choice) {
    if (!keyMatchesPublicKey(choice.reuse, old.publicKey.spki)) {
      throw new OthernameError("REISSUE_KEY_MISMATCH", `cannot reissue ${old.subject} with its key: the key given is not the private half of the certificate's public key`, {
        hint: "Pass the key that belongs to this certificate, or let a new key be generated.",
      });
    }
    // The certificate's own SPKI bytes: the reused key is certified exactly as before.
    publicKey = old.publicKey.spki;
  } else {
    newKey = await generateKey(choice.generate);
    publicKey = newKey.spki;
  }

  const notBefore = new Date(Math.floor(at.getTime() / 1000) * 1000);
  const der = await input.issuer.issueEncoded({
    subjectDer: old.subjectDer,
    publicKey,
    notBefore,
    notAfter: new Date(notBefore.getTime() + days * DAY_MS),
    extensions: old.extensions.filter((e) => CARRIED_OVER.has(e.oid)).map(copyExtension),
  });
  return {
    der,
    certificate: parseCertificate(der),
    ...(newKey ? { key: newKey } : {}),
    keyReused: newKey === undefined,
    sameIssuer,
  };
}

/**
 * The key type of a certificate's public key, for generating its successor: RSA 2048/3072/4096 or
 * EC P-256/P-384 (what `--key` offers).
 *
 * @param certificate - A parsed certificate.
 * @returns The key spec of the same algorithm and size or curve.
 * @throws OthernameError REISSUE_KEY_UNSUPPORTED for other key types and sizes.
 * @example
 * ```ts
 * keySpecOf(parseCertificate(der)); // { algorithm: "ec", curve: "P-256" }
 * ```
 */
export function keySpecOf(certificate: Certificate): KeySpec {
  const { algorithm, bits, curve } = certificate.publicKey;
  if (algorithm === "rsa" && (bits === 2048 || bits === 3072 || bits === 4096)) return { algorithm: "rsa", bits };
  if (algorithm === "ec" && (curve === "P-256" || curve === "P-384")) return { algorithm: "ec", curve };
  const described = algorithm === "ec" ? `EC ${curve ?? "unknown curve"}` : `${algorithm.toUpperCase()} ${bits}`;
  throw new OthernameError("REISSUE_KEY_UNSUPPORTED", `cannot generate a new key for ${certificate.subject}: its key type ${described} is not one othername generates`, {
    hint: "Keep the key (`--reuse-key`), or choose a new key type (rsa:2048, rsa:3072, rsa:4096, ec:p256, ec:p384).",
  });
}

/** Issued by `ca`: the issuer name is the CA's subject and the signature verifies with the CA's key. */
export function isIssuedBy(leaf: Certificate, ca: Certificate): boolean {
  const sameName = bytesEqual(leaf.issuerDer, ca.subjectDer) || leaf.issuer === ca.subject;
  return sameName && isSignedBy(leaf.der, ca.publicKey.spki);
}

function copyExtension(extension: CertificateExtension): CertificateExtension {
  return { oid: extension.oid, critical: extension.critical, value: new Uint8Array(extension.value) };
}
