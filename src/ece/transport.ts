import { Agent } from "undici";
import { OthernameError } from "../errors.js";
import type { Redactor } from "./redact.js";

/**
 * One HTTPS exchange with the ECE API: Node's `fetch` with an undici `Agent` that trusts the
 * given CA (`--api-ca`) instead of turning verification off, and a per-request timeout.
 * Network and TLS failures become `OthernameError`s of kind "remote" that say what went wrong
 * in the user's terms (an untrusted certificate, a refused connection, a timeout).
 */
export interface TransportOptions {
  /** PEM CA certificate(s) for the API's own TLS; replaces the system roots for this connection. */
  readonly ca?: string | Uint8Array | undefined;
  /** Skip certificate verification (`--insecure`); the CLI warns loudly. Never a fallback. */
  readonly insecure?: boolean | undefined;
  /** Per-request timeout. */
  readonly timeoutMs: number;
  /** Largest response body read (default MAX_RESPONSE_BYTES); counted while reading. */
  readonly maxResponseBytes?: number | undefined;
}

/**
 * Largest ECE API response body read: a deployment with its settings and current plan is tens
 * of kilobytes; 16 MiB leaves room for the largest while a hostile or broken server's endless
 * body ends after 16 MiB, not after gigabytes of memory.
 */
export const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

export interface TransportResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

export interface TransportRequest {
  readonly method: "GET" | "PUT";
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** For messages: what the request is about, e.g. "deployment abc". */
  readonly subject: string;
}

/** Why a request produced no HTTP response; `sent` false proves the server never saw it. */
export type FailureKind = "tls" | "timeout" | "network";

export class Transport {
  private readonly agent: Agent;
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;

  constructor(options: TransportOptions) {
    const ca = options.ca === undefined ? undefined : typeof options.ca === "string" ? options.ca : Buffer.from(options.ca);
    this.agent = new Agent({
      connect: {
        ...(ca === undefined ? {} : { ca }),
        rejectUnauthorized: options.insecure !== true,
      },
    });
    this.timeoutMs = options.timeoutMs;
    this.maxResponseBytes = options.maxResponseBytes ?? MAX_RESPONSE_BYTES;
  }

  async send(request: TransportRequest, redactor: Redactor): Promise<TransportResponse> {
    const init = {
      method: request.method,
      headers: request.headers,
      ...(request.body === undefined ? {} : { body: request.body }),
      signal: AbortSignal.timeout(this.timeoutMs),
      // Never follow: a 3xx comes back as it is, and the client reports it (a redirect could
      // lead the API key, or the PUT body, to another host or to plain http).
      redirect: "manual",
      // Node's fetch accepts an undici dispatcher; its bundled typings name a different copy of undici.
      dispatcher: this.agent,
    } as unknown as RequestInit;
    try {
      const response = await fetch(request.url, init);
      const text = await readCapped(response, this.maxResponseBytes, request);
      return { status: response.status, headers: response.headers, text };
    } catch (error) {
      if (error instanceof ResponseTooLarge) throw error;
      throw transportError(error, request, this.timeoutMs, redactor);
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

/**
 * A response body larger than the cap: a remote error (exit 4) that is never retried, since the
 * same server would send the same answer.
 */
export class ResponseTooLarge extends OthernameError {}

/** The body as UTF-8 text, reading at most `max` bytes (the declared length is checked first). */
async function readCapped(response: Response, max: number, request: TransportRequest): Promise<string> {
  const tooLarge = (size: string) =>
    new ResponseTooLarge(
      "ECE_RESPONSE_TOO_LARGE",
      `cannot read the answer of ECE API ${request.url.host} for ${request.subject}: the body is ${size}, more than the ${max} bytes accepted (${request.method} ${request.url.pathname})`,
      { kind: "remote", hint: "Check that --url points at the ECE API itself (e.g. https://coordinator:12443), not a proxy or file server." },
    );
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(declared) && declared > max) {
    await response.body?.cancel().catch(() => {});
    throw tooLarge(`${declared} bytes`);
  }
  if (response.body === null) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => {});
      throw tooLarge(`at least ${total} bytes`);
    }
    chunks.push(value);
  }
  return new TextDecoder("utf-8").decode(Buffer.concat(chunks, total));
}

/** TLS verification failures Node reports (OpenSSL verify codes and Node's host check). */
const TLS_CODES: Readonly<Record<string, string>> = {
  SELF_SIGNED_CERT_IN_CHAIN: "self-signed certificate in certificate chain",
  DEPTH_ZERO_SELF_SIGNED_CERT: "self-signed certificate",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "unable to verify the first certificate",
  UNABLE_TO_GET_ISSUER_CERT: "unable to get issuer certificate",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "unable to get local issuer certificate",
  CERT_HAS_EXPIRED: "certificate has expired",
  CERT_NOT_YET_VALID: "certificate is not yet valid",
  CERT_SIGNATURE_FAILURE: "certificate signature failure",
  CERT_UNTRUSTED: "certificate not trusted",
  CERT_REVOKED: "certificate revoked",
  ERR_TLS_CERT_ALTNAME_INVALID: "the certificate does not name this host",
};

const NETWORK_CODES: Readonly<Record<string, string>> = {
  ECONNREFUSED: "connection refused",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host name lookup failed (temporary)",
  ECONNRESET: "connection reset",
  ETIMEDOUT: "connection timed out",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  UND_ERR_SOCKET: "connection closed by the server",
  UND_ERR_CONNECT_TIMEOUT: "connection timed out",
  EPROTO: "TLS protocol error",
};

/** Codes that prove the request never reached the server (no TCP/TLS session was made). */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "UND_ERR_CONNECT_TIMEOUT"]);

/** The error a failed exchange becomes; `details` tells the retry logic what is safe. */
export class TransportError extends OthernameError {
  constructor(
    code: string,
    message: string,
    readonly failure: FailureKind,
    /** False when the request certainly did not reach the server (safe to repeat any request). */
    readonly maybeSent: boolean,
    options: { hint: string; cause?: unknown },
  ) {
    super(code, message, { ...options, kind: "remote" });
  }
}

function causeChain(error: unknown): { code?: string; message: string; name?: string }[] {
  const chain: { code?: string; message: string; name?: string }[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    const e = current as { code?: unknown; message?: unknown; name?: unknown; cause?: unknown };
    chain.push({
      ...(typeof e.code === "string" ? { code: e.code } : {}),
      message: typeof e.message === "string" ? e.message : String(current),
      ...(typeof e.name === "string" ? { name: e.name } : {}),
    });
    current = e.cause;
  }
  return chain;
}

function transportError(error: unknown, request: TransportRequest, timeoutMs: number, redactor: Redactor): TransportError {
  const chain = causeChain(error);
  const host = request.url.host;
  const safeCause = new Error(redactor.redact(chain.map((c) => (c.code ? `${c.code}: ${c.message}` : c.message)).join(" <- ")));

  if (chain.some((c) => c.name === "TimeoutError" || c.name === "AbortError")) {
    return new TransportError(
      "ECE_TIMEOUT",
      `cannot reach ECE API ${host} for ${request.subject}: no response within ${Math.round(timeoutMs / 1000)} s (${request.method} ${request.url.pathname})`,
      "timeout",
      true,
      { hint: "The coordinator may be overloaded; try again, or raise --timeout.", cause: safeCause },
    );
  }
  const tls = chain.find((c) => c.code !== undefined && c.code in TLS_CODES);
  if (tls?.code !== undefined) {
    const reason = TLS_CODES[tls.code] ?? tls.message;
    const hostMismatch = tls.code === "ERR_TLS_CERT_ALTNAME_INVALID";
    return new TransportError(
      "ECE_TLS_UNTRUSTED",
      `cannot connect to ECE API ${host}: the API's certificate is not trusted (${reason}; ${tls.code})`,
      "tls",
      false,
      {
        hint: hostMismatch
          ? "Use the host name the ECE certificate was issued for in --url (or ECE_URL)."
          : "Pass the CA that signed the ECE API's certificate with --api-ca FILE (PEM); othername never falls back to unverified TLS.",
        cause: safeCause,
      },
    );
  }
  const network = chain.find((c) => c.code !== undefined && c.code in NETWORK_CODES);
  if (network?.code !== undefined) {
    return new TransportError(
      "ECE_UNREACHABLE",
      `cannot reach ECE API ${host} for ${request.subject}: ${NETWORK_CODES[network.code]} (${network.code})`,
      "network",
      !NOT_SENT_CODES.has(network.code),
      { hint: "Check --url (or ECE_URL), e.g. https://coordinator:12443, and that this machine can reach it.", cause: safeCause },
    );
  }
  const last = chain[chain.length - 1];
  return new TransportError(
    "ECE_UNREACHABLE",
    `cannot reach ECE API ${host} for ${request.subject}: ${redactor.redact(last?.message ?? "request failed")}`,
    "network",
    true,
    { hint: "Check --url (or ECE_URL) and the network; run with --debug for details.", cause: safeCause },
  );
}
