import type { DetailedPeerCertificate, TLSSocket } from "node:tls";

/**
 * The Node `tls` side of trust checks on live connections: reading the certificate chain a peer
 * presented from a `TLSSocket`.
 */

/** More certificates than this in one peer chain is not a real deployment; the walk stops there. */
export const MAX_PEER_CHAIN = 16;

/**
 * The peer's certificates as DER, leaf first, by walking `getPeerCertificate(true)`'s
 * `issuerCertificate` links (a self-signed root links to itself). Node builds those links from
 * what the peer sent (OpenSSL's peer chain, which on a server lacks the leaf — Node adds it) and
 * may complete them from the socket's own CA store; either way they are only untrusted
 * intermediates for our validation. Empty when the peer presented no certificate (or the
 * socket is already gone).
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
  while (current && current.raw && chain.length < MAX_PEER_CHAIN) {
    const id = current.fingerprint256;
    if (seen.has(id)) break;
    seen.add(id);
    chain.push(new Uint8Array(current.raw));
    current = current.issuerCertificate;
  }
  return chain;
}
