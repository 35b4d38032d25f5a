import { isIP } from "node:net";
import { connect, type SecureVersion, type TLSSocket } from "node:tls";
import { OthernameError } from "../errors.js";
import { peerCertificateChain } from "./tls-peer.js";

/**
 * Opens one TLS connection to a live node and captures the certificate chain it presents —
 * also when the node then refuses our client certificate. Verification is turned off in Node
 * (`rejectUnauthorized: false`, an empty CA store) only so that the chain can be captured at
 * all; the verdict is the caller's own chain validation, never Node's.
 *
 * When is the chain there?
 * - TLS 1.2: the server's Certificate message arrives before we send ours, and the client logs
 *   its key material (the `keylog` event) right after processing it — so the chain is read
 *   there, before the server's verdict on our certificate (an alert instead of its Finished).
 * - TLS 1.3: `secureConnect` fires once we have sent our Finished; the server judges our
 *   certificate afterwards, answering with a NewSessionTicket (`session`: accepted) or an
 *   alert (an `error`: refused). We wait a short settle time for either.
 * - A server that closes the connection at that point without an alert (Node's own servers do
 *   so when `rejectUnauthorized` refuses a client) is counted as refusing us too.
 */
export interface TlsProbeOptions {
  readonly host: string;
  readonly port: number;
  /** SNI; default: `host` unless it is an IP address (SNI carries host names only, RFC 6066 §3). */
  readonly servername?: string | undefined;
  /** Bound on the whole probe (connect, handshake, settle). */
  readonly timeoutMs: number;
  /** How long to wait after a TLS 1.3 handshake for the server's verdict on our certificate. */
  readonly settleMs?: number | undefined;
  /** PEM certificate chain (leaf first) and unencrypted PEM key to present. */
  readonly clientCertificate?: { readonly certificatePem: string; readonly keyPem: string } | undefined;
  readonly minVersion?: SecureVersion | undefined;
  readonly maxVersion?: SecureVersion | undefined;
}

export interface TlsProbeError {
  /** Node's / OpenSSL's error code, e.g. ERR_SSL_TLSV1_ALERT_UNKNOWN_CA, ECONNRESET, TIMEOUT. */
  readonly code: string;
  readonly message: string;
}

export interface TlsProbeResult {
  /** DER, leaf first. Never empty: no certificate seen is an error (kind "remote"). */
  readonly peerChain: readonly Uint8Array[];
  readonly protocol: string | null;
  readonly cipher: string | null;
  /**
   * Whether the server finished the handshake with what we presented (our client certificate,
   * or none): true, false (it answered with a certificate alert), or null (unknown: another
   * failure, or no sign either way within the settle time).
   */
  readonly clientCertificateAccepted: boolean | null;
  readonly error: TlsProbeError | null;
}

/** After a TLS 1.3 handshake: enough for a server on the same network to judge our certificate. */
export const DEFAULT_SETTLE_MS = 1_500;

/** Alerts a server sends about the client's certificate (or its CertificateVerify signature). */
const CERTIFICATE_ALERT = /ALERT_(BAD_CERTIFICATE|UNSUPPORTED_CERTIFICATE|CERTIFICATE_\w+|UNKNOWN_CA|ACCESS_DENIED|HANDSHAKE_FAILURE|DECRYPT_ERROR)$/;

/** The server hung up on us. */
const CLOSED_BY_PEER: ReadonlySet<string> = new Set(["ECONNRESET", "EPIPE", "CLOSED"]);

export function probeTls(options: TlsProbeOptions): Promise<TlsProbeResult> {
  const { host, port } = options;
  const where = `${host.includes(":") ? `[${host}]` : host}:${port}`;
  const servername = options.servername ?? (isIP(host) === 0 ? host : undefined);
  const started = Date.now();

  return new Promise<TlsProbeResult>((resolve, reject) => {
    let chain: Uint8Array[] = [];
    let protocol: string | null = null;
    let cipher: string | null = null;
    let handshakeDone = false;
    let finished = false;
    let settleTimer: NodeJS.Timeout | undefined;

    let socket: TLSSocket;
    try {
      socket = connect({
        host,
        port,
        ...(servername !== undefined ? { servername } : {}),
        // Capture only: the caller validates the chain against its own anchors.
        rejectUnauthorized: false,
        // An empty store: Node then links only the certificates the peer sent.
        ca: [],
        ...(options.clientCertificate ? { cert: options.clientCertificate.certificatePem, key: options.clientCertificate.keyPem } : {}),
        ...(options.minVersion ? { minVersion: options.minVersion } : {}),
        ...(options.maxVersion ? { maxVersion: options.maxVersion } : {}),
      });
    } catch (error) {
      reject(
        new OthernameError("TLS_CLIENT_CREDENTIALS", `cannot use the client certificate for ${where}: ${(error as Error).message}`, {
          hint: "Check that --key belongs to --cert (or that the PKCS#12 holds a matching key and certificate).",
          cause: error,
        }),
      );
      return;
    }

    const capture = (): void => {
      const seen = peerCertificateChain(socket);
      if (seen.length > chain.length) chain = seen;
      protocol = socket.getProtocol() ?? protocol;
      cipher = socket.getCipher()?.name ?? cipher;
    };

    const overall = setTimeout(() => {
      fail({ code: "TIMEOUT", message: `no answer from ${where} within ${options.timeoutMs} ms` });
    }, options.timeoutMs);

    const finish = (accepted: boolean | null, error: TlsProbeError | null): void => {
      if (finished) return;
      finished = true;
      clearTimeout(overall);
      if (settleTimer) clearTimeout(settleTimer);
      socket.removeAllListeners("data");
      socket.on("error", () => {}); // late errors of a connection we are closing
      socket.destroy();
      if (chain.length === 0) {
        const reason = error ? error.message : "the server presented no certificate";
        reject(
          new OthernameError("TLS_NO_PEER_CERTIFICATE", `cannot probe ${where}: ${reason}`, {
            kind: "remote",
            hint: error?.code === "ECONNREFUSED" || error?.code === "ENOTFOUND" || error?.code === "TIMEOUT" ? "Check the host and port (the transport port is usually 9300) and that the node is up." : "Check that the port speaks TLS (xpack.security.transport.ssl.enabled: true).",
          }),
        );
        return;
      }
      resolve({ peerChain: chain, protocol, cipher, clientCertificateAccepted: accepted, error });
    };

    // A failure with the chain in hand and before the server's acceptance is its verdict on what
    // we presented: a certificate alert (OpenSSL, the JDK), or a bare close (a Node server with
    // rejectUnauthorized closes without an alert). Without a chain: unreachable (finish rejects).
    const fail = (error: TlsProbeError): void => {
      if (finished) return;
      if (CERTIFICATE_ALERT.test(error.code)) {
        finish(false, error);
      } else if (CLOSED_BY_PEER.has(error.code) && chain.length > 0) {
        const when = handshakeDone ? "right after our part of the TLS 1.3 handshake, without accepting it" : "before completing the handshake";
        finish(false, { code: error.code, message: `${where} closed the connection ${when} (no TLS alert)` });
      } else {
        finish(null, error);
      }
    };

    socket.on("keylog", capture);
    socket.once("secureConnect", () => {
      capture();
      handshakeDone = true;
      // TLS 1.2 and earlier: the server's Finished has arrived, so it accepted us.
      if (protocol !== "TLSv1.3") {
        finish(true, null);
        return;
      }
      const left = Math.max(0, options.timeoutMs - (Date.now() - started));
      settleTimer = setTimeout(() => finish(null, null), Math.min(options.settleMs ?? DEFAULT_SETTLE_MS, left));
    });
    // A ticket or application data after a TLS 1.3 handshake: the server accepted our certificate.
    socket.on("session", () => {
      if (handshakeDone) finish(true, null);
    });
    socket.on("data", () => {
      if (handshakeDone) finish(true, null);
    });
    socket.on("error", (error: NodeJS.ErrnoException & { reason?: string }) => {
      // OpenSSL's messages carry source paths; its `reason` is the readable part ("tlsv1 alert unknown ca").
      fail({ code: error.code ?? "TLS_ERROR", message: typeof error.reason === "string" && error.reason !== "" ? error.reason : error.message });
    });
    socket.on("close", () => {
      fail({ code: "CLOSED", message: `${where} closed the connection` });
    });
  });
}
