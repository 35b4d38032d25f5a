import { OthernameError } from "../errors.js";
import { describeRanges, divergence, neverRejectsPrefix, reverse, type Dfa } from "./automaton.js";
import type { CompiledPattern, PatternMatcher } from "./pattern.js";

/**
 * The trust decision of Elasticsearch's `RestrictedTrustManager` for one peer certificate:
 * the normal trust manager's chain validation first; then the leaf's values for the configured
 * `x509_fields` against the patterns — trusted when any pattern matches any value. A certificate
 * with no value in those fields is rejected whatever the patterns (even `*`). Pure: values in,
 * decision out; the certificate reading and chain validation are done by the caller.
 */

/** The field Elasticsearch reads by default (otherName with type-id 2.5.4.3). */
export const OTHER_NAME_FIELD = "subjectAltName.otherName.commonName";
/** The opt-in field (`trust_restrictions.x509_fields`, ES 8.6+ / 7.17.8+). */
export const DNS_NAME_FIELD = "subjectAltName.dnsName";
export type TrustField = typeof OTHER_NAME_FIELD | typeof DNS_NAME_FIELD;
export const TRUST_FIELDS: readonly TrustField[] = [OTHER_NAME_FIELD, DNS_NAME_FIELD];

/**
 * Parses a comma list of trust fields (`--fields`, Elasticsearch's `trust_restrictions.x509_fields`):
 * `subjectAltName.otherName.commonName` and `subjectAltName.dnsName`; anything else (IP SANs, the
 * subject CN) is refused, as Elasticsearch refuses it.
 *
 * @param list - The comma list.
 * @param flag - The flag or setting named in the error.
 * @returns The fields, without duplicates.
 * @throws OthernameError USAGE_FIELDS for an unknown field.
 * @example
 * ```ts
 * parseTrustFields("subjectAltName.otherName.commonName,subjectAltName.dnsName");
 * ```
 */
export function parseTrustFields(list: string, flag = "--fields"): TrustField[] {
  const fields: TrustField[] = [];
  for (const raw of list.split(",")) {
    const field = raw.trim();
    if (field === "") continue;
    if (!(TRUST_FIELDS as readonly string[]).includes(field)) {
      throw new OthernameError("USAGE_FIELDS", `invalid ${flag} ${JSON.stringify(field)}: Elasticsearch reads only ${TRUST_FIELDS.join(" and ")}`, {
        kind: "usage",
        hint: "IP addresses and the subject's CN are never compared with trust patterns.",
      });
    }
    if (!fields.includes(field as TrustField)) fields.push(field as TrustField);
  }
  if (fields.length === 0) {
    throw new OthernameError("USAGE_FIELDS", `invalid ${flag}: no field given`, { kind: "usage", hint: `Use ${OTHER_NAME_FIELD} (default) and/or ${DNS_NAME_FIELD}.` });
  }
  return fields;
}

/** The values a certificate offers for the fields: otherName CNs and/or DNS names; never IPs. */
export function valuesForFields(san: { readonly otherNameCommonName: readonly string[]; readonly dns: readonly string[] }, fields: readonly TrustField[]): string[] {
  const values: string[] = [];
  for (const field of fields) values.push(...(field === OTHER_NAME_FIELD ? san.otherNameCommonName : san.dns));
  return javaHashSetOrder(values);
}

export interface ChainVerdict {
  readonly ok: boolean;
  /** `direction`: the TLS direction (`as`) whose JDK end-entity check failed, when only one did. */
  readonly failures: readonly { readonly index: number; readonly code: string; readonly message: string; readonly direction?: string }[];
}

export interface TrustDecisionInput {
  /** The leaf's subject DN as Elasticsearch prints it (e.g. "CN=node1, O=Example"). */
  readonly subject: string;
  readonly chain: ChainVerdict;
  readonly fields: readonly TrustField[];
  /** The leaf's values for `fields` (see `valuesForFields`). */
  readonly values: readonly string[];
  readonly matcher: PatternMatcher;
}

export interface PatternVerdict {
  readonly index: number;
  readonly pattern: string;
  /** The first value (in `values` order) the pattern matches, if any. */
  readonly matchedValue: string | null;
}

export interface NearestMiss {
  readonly pattern: string;
  readonly value: string;
  /** How many code points of the value the pattern accepted before it failed. */
  readonly matchedLength: number;
  /** A sentence: where and why the value leaves the pattern. */
  readonly reason: string;
}

export interface TrustDecision {
  readonly trusted: boolean;
  /** Which stage decided: the chain (names never looked at) or the names. */
  readonly decidedBy: "chain" | "names";
  readonly fields: readonly TrustField[];
  readonly values: readonly string[];
  /** The first pattern in file order that matches some value. */
  readonly match: { readonly pattern: string; readonly index: number; readonly value: string } | null;
  /** Elasticsearch's rejection message, or null when trusted. */
  readonly message: string | null;
  readonly explanation: {
    readonly verdicts: readonly PatternVerdict[];
    readonly nearestMiss: NearestMiss | null;
    readonly notes: readonly string[];
  };
}

/** Java's `Collection.toString()`: `[a, b]`. */
function javaList(items: readonly string[]): string {
  return `[${items.join(", ")}]`;
}

/** Elasticsearch's message when the names do not match (RestrictedTrustManager, ES 8.6+ wording). */
export function rejectionMessage(subject: string, fields: readonly string[], values: readonly string[], patterns: readonly string[]): string {
  return `Certificate for ${subject} with fields ${javaList(fields)} with values ${javaList(values)} does not match the trusted names ${javaList(patterns)}`;
}

/**
 * The trust decision after chain validation: Elasticsearch trusts a peer when its chain is valid and
 * any pattern matches any value of the configured fields; otherwise the result carries
 * Elasticsearch's message (`Certificate for … does not match the trusted names […]`) and, for
 * names, the pattern that came closest and why it did not match.
 *
 * @param input - The leaf's subject, the chain verdict, the fields, their values and the matcher.
 * @returns Trusted or not, the matching pattern, the message and the explanation.
 * @example
 * ```ts
 * const decision = decideTrust({ subject: leaf.subject, chain, fields: [OTHER_NAME_FIELD],
 *   values: [...leaf.san.otherNameCommonName], matcher });
 * ```
 */
export function decideTrust(input: TrustDecisionInput): TrustDecision {
  const { subject, chain, fields, values, matcher } = input;
  const patterns = matcher.patterns;
  const texts = patterns.map((p) => p.text);
  if (!chain.ok) {
    const first = chain.failures[0];
    return {
      trusted: false,
      decidedBy: "chain",
      fields,
      values,
      match: null,
      message: `Certificate chain for ${subject} is not trusted${first ? `: ${first.code}${first.direction ? ` (as TLS ${first.direction})` : ""}: ${first.message}` : ""}`,
      explanation: {
        verdicts: [],
        nearestMiss: null,
        notes: ["The chain is validated before any name is compared (Elasticsearch delegates to the JDK trust manager first); the names were not looked at."],
      },
    };
  }

  // Per value, the first pattern in file order (one pass over the value through the union DFA).
  let match: TrustDecision["match"] = null;
  for (const value of values) {
    const index = matcher.firstMatch(value);
    if (index >= 0 && (match === null || index < match.index)) match = { pattern: texts[index] as string, index, value };
  }
  const verdicts: PatternVerdict[] = patterns.map((p, index) => ({
    index,
    pattern: p.text,
    matchedValue: values.find((v) => matcher.matchesPattern(index, v)) ?? null,
  }));
  const notes: string[] = [];
  if (values.length === 0) {
    notes.push(`The certificate has no value in ${fields.join(" or ")}: Elasticsearch rejects it whatever the patterns, even "*".`);
  }
  if (patterns.length === 0) notes.push("The trust_restrictions file configures no pattern: every peer is rejected.");
  for (const p of patterns) for (const w of p.warnings) notes.push(`Pattern ${p.text}: ${w}.`);

  const trusted = match !== null;
  return {
    trusted,
    decidedBy: "names",
    fields,
    values,
    match,
    message: trusted ? null : rejectionMessage(subject, fields, values, texts),
    explanation: { verdicts, nearestMiss: trusted ? null : nearestMiss(patterns, values), notes },
  };
}

/**
 * The (pattern, value) pair that got furthest before failing, and where it failed. Each pair is
 * read forwards (the longest prefix the pattern accepts) and backwards (the longest suffix, which
 * is what counts for `*.node.x`-style patterns); the reading that explains more characters wins,
 * ties go to the first pattern in file order, then the first value.
 */
export function nearestMiss(patterns: readonly CompiledPattern[], values: readonly string[]): NearestMiss | null {
  let best: NearestMiss | null = null;
  for (const p of patterns) {
    for (const value of values) {
      const miss = explainMiss(p, value);
      if (miss !== null && (best === null || miss.matchedLength > best.matchedLength)) best = miss;
    }
  }
  return best;
}

const reversedCache = new WeakMap<CompiledPattern, Dfa | null>();

function reversedDfa(p: CompiledPattern): Dfa | null {
  let r = reversedCache.get(p);
  if (r === undefined) {
    try {
      r = reverse(p.dfa);
    } catch {
      r = null; // too complex to reverse: explain forwards only
    }
    reversedCache.set(p, r);
  }
  return r;
}

function explainMiss(p: CompiledPattern, value: string): NearestMiss | null {
  const forward = divergence(p.dfa, value);
  if (forward.kind === "accepted") return null;
  const chars = [...value];
  const candidates: NearestMiss[] = [];
  if (forward.kind === "mismatch") {
    const length = forward.codePointIndex;
    const found = String.fromCodePoint(forward.found);
    candidates.push({
      pattern: p.text,
      value,
      matchedLength: length,
      reason:
        forward.expected.length === 0
          ? `"${value}" matches ${p.text} for ${length} characters, then has more ('${found}' at character ${length + 1}) where the pattern has ended`
          : `"${value}" leaves ${p.text} at character ${length + 1}: found '${found}', expected ${describeRanges(forward.expected)}`,
    });
  } else if (!neverRejectsPrefix(p.dfa)) {
    candidates.push({
      pattern: p.text,
      value,
      matchedLength: forward.codePointIndex,
      reason: `"${value}" ends after ${forward.codePointIndex} characters where ${p.text} needs more, e.g. "${value}${forward.completion}"`,
    });
  }
  const rev = reversedDfa(p);
  if (rev !== null) {
    const backward = divergence(rev, chars.slice().reverse().join(""));
    if (backward.kind === "mismatch") {
      const at = chars.length - backward.codePointIndex; // 1-based character position from the left
      candidates.push({
        pattern: p.text,
        value,
        matchedLength: backward.codePointIndex,
        reason:
          backward.expected.length === 0
            ? `"${value}" ends like ${p.text} for its last ${backward.codePointIndex} characters, but the pattern has nothing before that (extra '${String.fromCodePoint(backward.found)}' at character ${at})`
            : `"${value}" leaves ${p.text} at character ${at}: found '${String.fromCodePoint(backward.found)}', expected ${describeRanges(backward.expected)} (matching from the end)`,
      });
    }
  }
  if (candidates.length === 0) {
    return { pattern: p.text, value, matchedLength: 0, reason: `"${value}" does not match ${p.text}; a matching name would be e.g. "${forward.kind === "incomplete" ? value + forward.completion : ""}"` };
  }
  return candidates.reduce((a, b) => (b.matchedLength > a.matchedLength ? b : a));
}

/**
 * The iteration order of a `java.util.HashSet<String>` filled in this order (Elasticsearch
 * collects the names with `Collectors.toSet()` and prints that set): by bucket of the spread
 * String hash, table size 16 doubling past a 0.75 load, insertion order within a bucket.
 */
export function javaHashSetOrder(values: readonly string[]): string[] {
  const unique = [...new Set(values)];
  let capacity = 16;
  while (unique.length > capacity * 0.75) capacity *= 2;
  const bucketOf = (s: string): number => {
    let h = 0;
    for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
    return (h ^ (h >>> 16)) & (capacity - 1);
  };
  return unique
    .map((value, order) => ({ value, order, bucket: bucketOf(value) }))
    .sort((a, b) => a.bucket - b.bucket || a.order - b.order)
    .map((e) => e.value);
}
