import type { Certificate } from "../certificate.js";
import type { TlsDirection, TlsEndEntityCode } from "./tls-end-entity.js";

/** The failure codes of CLI.md (`othername verify`), one per RFC 5280 §6 check. */
export type ChainFailureCode =
  | "EXPIRED"
  | "NOT_YET_VALID"
  | "BAD_SIGNATURE"
  | "NOT_A_CA"
  | "MISSING_KEY_CERT_SIGN"
  | "PATH_LEN_EXCEEDED"
  | "NO_PATH"
  | "UNSUPPORTED_CRITICAL_EXTENSION"
  | "NAME_CONSTRAINTS_VIOLATION"
  // RFC 5280 §6.1.5 (g): requireExplicitPolicy reached with an empty policy tree.
  | "POLICY_REQUIRED"
  // A policy extension that cannot be used (malformed, or a mapping of anyPolicy: §6.1.4 (a)).
  | "INVALID_POLICY_EXTENSION"
  // With `as` (the JDK's TLS trust manager): its end-entity checks, then what the JDK refuses
  // beyond RFC 5280 (key algorithms and sizes, its path builder, encodings it cannot read).
  | TlsEndEntityCode
  | "JDK_REFUSED";

export interface ChainFailure {
  /** Position in `path` of the certificate the failure is about (0 = leaf). */
  readonly index: number;
  readonly code: ChainFailureCode;
  readonly message: string;
  /** For the TLS end-entity checks: the direction (`as`) whose check failed. */
  readonly direction?: TlsDirection;
}

export interface ChainResult {
  readonly ok: boolean;
  /** Leaf first, trust anchor last; for NO_PATH, as far as the path could be built. */
  readonly path: readonly Certificate[];
  readonly failures: readonly ChainFailure[];
}

export interface ChainInput {
  readonly leaf: Certificate;
  /** Untrusted certificates that may complete the path (never trusted themselves). */
  readonly intermediates: readonly Certificate[];
  readonly anchors: readonly Certificate[];
  /** The validation time (RFC 5280 §6.1.1 (b)). */
  readonly at: Date;
}
