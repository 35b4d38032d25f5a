import type { Certificate } from "../pki/certificate.js";
import type { ChainResult } from "../pki/chain.js";
import { diagnoseSameNameDifferentKey } from "../pki/chain/same-name-different-key.js";
import type { TrustDecision } from "../trust/decide.js";

/**
 * "Why not trusted?" for the common mistakes, added to verify, check and probe (text: one
 * `cause:` line each; JSON: a `diagnoses` list). Looks only at results already computed.
 */
export interface Diagnosis {
  readonly code: "SAME_NAME_DIFFERENT_KEY" | "NO_OTHERNAME";
  readonly message: string;
}

export function chainDiagnoses(chain: ChainResult, given: { readonly anchors: readonly Certificate[]; readonly intermediates: readonly Certificate[] }): Diagnosis[] {
  const sameName = diagnoseSameNameDifferentKey(chain, given);
  return sameName ? [{ code: sameName.code, message: sameName.message }] : [];
}

/**
 * A valid chain, the otherName field asked for, and a leaf carrying no otherName: the usual
 * cause is a signer that dropped the request's extensions (`openssl x509 -req` copies none
 * unless given `-copy_extensions copy`; `openssl ca` needs `copy_extensions = copy`).
 */
export function nameDiagnoses(decision: TrustDecision, leaf: Certificate): Diagnosis[] {
  if (decision.decidedBy === "chain" || decision.trusted) return [];
  if (!decision.fields.includes("subjectAltName.otherName.commonName") || leaf.san.otherNameCommonName.length > 0) return [];
  const hasSan = leaf.extensions.some((e) => e.oid === "2.5.29.17");
  return [
    {
      code: "NO_OTHERNAME",
      message:
        `${leaf.subject} carries no otherName${hasSan ? "" : " (no subjectAltName at all)"}: if it was signed from a request that asked for one (othername csr), ` +
        "the signer dropped the request's extensions — with openssl, sign with `openssl x509 -req -copy_extensions copy …` (or `copy_extensions = copy` for `openssl ca`), then check again",
    },
  ];
}

export function diagnosisLines(diagnoses: readonly Diagnosis[]): string[] {
  return diagnoses.map((d) => `  cause: ${d.message}`);
}
