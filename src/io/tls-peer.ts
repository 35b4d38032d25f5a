import type { DetailedPeerCertificate, TLSSocket } from "node:tls";
import { MAX_PEER_CHAIN, createPeerCheck, type PeerCheck, type PeerCheckOptions } from "../trust/check-peer.js";
import type { TrustDecision } from "../trust/decide.js";

/**
 * The Node `tls` side of trust checks on live connections: reading the certificate chain a peer
 * presented from a `TLSSocket`, and `createPeerChecker`, the helper for services.
 */

/**
 * The peer's certificates as DER, leaf first, by walking `getPeerCertificate(true)`'s
 * `issuerCertificate` links (a self-signed root links to itself). Node builds those links from what
 * the peer sent and may complete them from the socket's own CA store; either way they are only
 * untrusted intermediates for our validation. The walk stops after MAX_PEER_CHAIN + 1 certificates,
 * which the check then refuses as too long.
 *
 * @param socket - A connected TLS socket.
 * @returns The chain, leaf first; empty when the peer presented no certificate (or the socket is gone).
 * @example
 * ```ts
 * const chain = peerCertificateChain(socket);
 * const decision = checker.check(chain);
 * ```
 */
export function peerCertificateChain(socket: TLSSocket): Uint8Array[] {
  let current: DetailedPeerCertificate | undefined;
  try {
    current = socket.getPeerCertificate(true) as DetailedPeerCertificate | undefined;
  } catch {
    return []; // no handle any more
  }
  const chain: Uint8Array[] = [];
  const seen = new Set<string>();
  while (current && current.raw && chain.length <= MAX_PEER_CHAIN) {
    const id = current.fingerprint256;
    if (seen.has(id)) break;
    seen.add(id);
    chain.push(new Uint8Array(current.raw));
    current = current.issuerCertificate;
  }
  return chain;
}

export interface PeerCheckerOptions extends Omit<PeerCheckOptions, "now"> {
  /** The validation time, or a clock read at every check; default: the wall clock at each check. */
  readonly now?: Date | (() => Date) | undefined;
}

export interface PeerChecker extends PeerCheck {
  /**
   * The decision for the peer of a connected socket (its chain as `getPeerCertificate(true)`
   * shows it). A peer that presented no certificate is not trusted.
   */
  checkTlsSocket(socket: TLSSocket): TrustDecision;
}

/**
 * Elasticsearch-style trust restrictions on your own TLS endpoint: after Node's normal chain
 * validation (`requestCert: true, rejectUnauthorized: true`), decide from the client certificate's
 * otherName (or DNS) names whether to keep the connection — the same two-stage decision
 * Elasticsearch's transport layer makes, with its rejection message.
 *
 * The trust material is compiled once; each check validates the peer's chain against
 * `caCertificates` (our own RFC 5280 validation, independent of Node's) and matches the leaf's
 * names against the patterns.
 *
 * @param options - CA certificates (PEM or DER), and the patterns or a trust_restrictions file, and the fields.
 * @returns A checker with `check(chain)` for DER chains and `checkTlsSocket(socket)`.
 * @throws OthernameError PEER_CHECK_NO_CA, PEER_CHECK_PATTERNS or TRUST_FILE_REFUSED when the options are unusable.
 * @example
 * ```ts
 * import { readFileSync } from "node:fs";
 * import { createServer } from "node:tls";
 * import { createPeerChecker } from "othername";
 *
 * const ca = readFileSync("ca.crt");
 * const checker = createPeerChecker({
 *   caCertificates: ca,
 *   restrictions: { fileName: "trust_restrictions.yml", text: readFileSync("trust_restrictions.yml", "utf8") },
 * });
 * const server = createServer(
 *   { key: readFileSync("node1.key"), cert: readFileSync("node1.crt"), ca, requestCert: true, rejectUnauthorized: true },
 *   (socket) => {
 *     const decision = checker.checkTlsSocket(socket);
 *     if (!decision.trusted) {
 *       console.warn(decision.message); // Certificate for CN=… with fields […] with values […] does not match the trusted names […]
 *       socket.destroy();
 *       return;
 *     }
 *     socket.pipe(socket); // a trusted peer
 *   },
 * );
 * server.listen(9300);
 * ```
 */
export function createPeerChecker(options: PeerCheckerOptions): PeerChecker {
  const check = createPeerCheck({ ...options, now: options.now ?? (() => new Date()) });
  return {
    anchors: check.anchors,
    patterns: check.patterns,
    fields: check.fields,
    check: (peerChainDer) => check.check(peerChainDer),
    checkTlsSocket: (socket) => check.check(peerCertificateChain(socket)),
  };
}
