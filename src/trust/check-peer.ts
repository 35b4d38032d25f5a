import { OthernameError } from "../errors.js";
import { parseCertificate, type Certificate } from "../pki/certificate.js";
import type { TlsRole } from "../pki/chain.js";
import { decodePem, looksLikePem } from "../pki/pem.js";
import { checkCertificate } from "./check-certificate.js";
import { OTHER_NAME_FIELD, decideTrust, parseTrustFields, type TrustDecision, type TrustField } from "./decide.js";
import { AutomatonBudget } from "./automaton-budget.js";
import { compilePattern, matcherFor, type PatternMatcher } from "./pattern.js";
import { loadTrustRestrictions } from "./restrictions.js";

/**
 * Elasticsearch-style trust restrictions for any TLS endpoint, without the sockets: trust
 * material compiled once, then one decision per peer chain (DER, leaf first), exactly the check
 * of `othername check`. The Node `tls` adapter is `createPeerChecker` in src/io/tls-peer.ts.
 */

/** CA certificates: PEM text (any number of blocks), PEM or DER bytes, or parsed certificates. */
export type CaCertificatesInput = string | Uint8Array | readonly (string | Uint8Array | Certificate)[];

export interface PeerCheckOptions {
  /** The trust anchors, as the endpoint's trust manager has them. */
  readonly caCertificates: CaCertificatesInput;
  /** A trust_restrictions file (its name decides YAML or JSON, as in Elasticsearch). Give this or `patterns`. */
  readonly restrictions?: { readonly fileName: string; readonly text: string } | undefined;
  /** The `trust.subject_name` patterns themselves. Give this or `restrictions`. */
  readonly patterns?: readonly string[] | undefined;
  /** `trust_restrictions.x509_fields`; default: the otherName common name only. */
  readonly fields?: readonly TrustField[] | undefined;
  /** The validation time, or a clock read at every check. */
  readonly now: Date | (() => Date);
  /**
   * The TLS role(s) the peer's certificate must pass, with the JDK trust manager's checks (as
   * `check --as`): default "both", since a transport node's certificate serves in both directions.
   */
  readonly as?: TlsRole | undefined;
}

export interface PeerCheck {
  readonly anchors: readonly Certificate[];
  readonly patterns: readonly string[];
  readonly fields: readonly TrustField[];
  /** The decision for one peer's chain (DER, leaf first; the rest are untrusted intermediates). */
  check(peerChainDer: readonly Uint8Array[]): TrustDecision;
}

/** Compiles the trust material; throws `OthernameError` when it is unusable (no CA, a file Elasticsearch would refuse). */
export function createPeerCheck(options: PeerCheckOptions): PeerCheck {
  const anchors = parseCaCertificates(options.caCertificates);
  const matcher = compilePatterns(options);
  const fields: TrustField[] = options.fields && options.fields.length > 0 ? parseTrustFields(options.fields.join(","), "fields") : [OTHER_NAME_FIELD];
  const clock = options.now;
  const now = typeof clock === "function" ? clock : () => clock;
  return {
    anchors,
    patterns: matcher.patterns.map((p) => p.text),
    fields,
    check(peerChainDer) {
      const parsed = parsePeerChain(peerChainDer);
      if (!parsed.ok) return decideTrust({ subject: parsed.subject, chain: { ok: false, failures: [parsed.failure] }, fields, values: [], matcher });
      const [leaf, ...intermediates] = parsed.chain as [Certificate, ...Certificate[]];
      return checkCertificate({ leaf, intermediates, anchors, at: now(), fields, matcher, as: options.as ?? "both" }).decision;
    },
  };
}

/** More certificates than this from one peer is not a real deployment's chain; refuse rather than search. */
export const MAX_PEER_CHAIN = 16;

type ParsedChain =
  | { readonly ok: true; readonly chain: readonly Certificate[] }
  | { readonly ok: false; readonly subject: string; readonly failure: { readonly index: number; readonly code: string; readonly message: string } };

/** A peer's bytes are the peer's problem: anything unreadable is a rejection, never an exception. */
function parsePeerChain(peerChainDer: readonly Uint8Array[]): ParsedChain {
  if (peerChainDer.length === 0) {
    return { ok: false, subject: "(no certificate)", failure: { index: 0, code: "NO_CERTIFICATE", message: "the peer presented no certificate" } };
  }
  if (peerChainDer.length > MAX_PEER_CHAIN) {
    return { ok: false, subject: "(peer)", failure: { index: 0, code: "CHAIN_TOO_LONG", message: `the peer presented ${peerChainDer.length} certificates, more than ${MAX_PEER_CHAIN}` } };
  }
  const chain: Certificate[] = [];
  for (const [index, der] of peerChainDer.entries()) {
    try {
      chain.push(parseCertificate(der));
    } catch (error) {
      if (!(error instanceof OthernameError)) throw error;
      const subject = chain[0]?.subject ?? "(unreadable certificate)";
      return { ok: false, subject, failure: { index, code: "MALFORMED_CERTIFICATE", message: `certificate ${index + 1} of the peer cannot be read: ${error.message}` } };
    }
  }
  return { ok: true, chain };
}

function parseCaCertificates(input: CaCertificatesInput): Certificate[] {
  const items = typeof input === "string" || input instanceof Uint8Array ? [input] : input;
  const anchors: Certificate[] = [];
  for (const [index, item] of items.entries()) {
    const what = `caCertificates[${index}]`;
    if (typeof item !== "string" && !(item instanceof Uint8Array)) {
      anchors.push(item);
      continue;
    }
    const isPem = typeof item === "string" || looksLikePem(item);
    try {
      if (!isPem) {
        anchors.push(parseCertificate(item));
        continue;
      }
      const text = typeof item === "string" ? item : new TextDecoder("utf-8").decode(item);
      for (const block of decodePem(text)) {
        if (block.label === "CERTIFICATE" || block.label === "TRUSTED CERTIFICATE") anchors.push(parseCertificate(block.der));
      }
    } catch (error) {
      if (!(error instanceof OthernameError)) throw error;
      throw error.withSubject("cannot read CA certificate", what);
    }
  }
  if (anchors.length === 0) {
    throw new OthernameError("PEER_CHECK_NO_CA", "cannot check peers: caCertificates holds no certificate", {
      hint: "Pass the CA certificates the endpoint trusts (PEM text, PEM or DER bytes, or parsed certificates).",
    });
  }
  return anchors;
}

function compilePatterns(options: PeerCheckOptions): PatternMatcher {
  if ((options.restrictions === undefined) === (options.patterns === undefined)) {
    throw new OthernameError("PEER_CHECK_PATTERNS", "cannot check peers: give exactly one of restrictions and patterns", {
      kind: "usage",
      hint: "Pass the trust_restrictions file as { fileName, text }, or its trust.subject_name patterns as a list.",
    });
  }
  if (options.restrictions !== undefined) {
    const loaded = loadTrustRestrictions(options.restrictions);
    if (!loaded.ok) {
      const where = loaded.line !== undefined ? `:${loaded.line}:${loaded.column ?? 1}` : "";
      if (loaded.code === "TRUST_AUTOMATON_BUDGET") {
        throw new OthernameError(loaded.code, `cannot load trust_restrictions file ${options.restrictions.fileName}${where}: ${loaded.reason}`);
      }
      throw new OthernameError("TRUST_FILE_REFUSED", `Elasticsearch would refuse trust_restrictions file ${options.restrictions.fileName}${where}: ${loaded.reason}`, {
        hint: "Fix the file; `othername lint` explains each problem.",
      });
    }
    return loaded.matcher;
  }
  // Any invalid pattern refuses them all, as Elasticsearch refuses the whole file.
  const budget = new AutomatonBudget(undefined, "the trust patterns");
  const compiled = (options.patterns ?? []).map((text, index) => {
    try {
      return compilePattern(text, { budget });
    } catch (error) {
      if (!(error instanceof OthernameError)) throw error;
      throw error.withSubject("invalid trust pattern", `patterns[${index}] ${JSON.stringify(text)}`);
    }
  });
  return matcherFor(compiled, { budget });
}
