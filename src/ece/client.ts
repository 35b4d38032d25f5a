import { OthernameError } from "../errors.js";
import { EceHttpError, httpError } from "./http-errors.js";
import type { CertificateAuthority, DeploymentGetResponse, DeploymentUpdateRequest } from "./model.js";
import { Redactor, displayUrl } from "./redact.js";
import { checkedCertificateAuthority, checkedDeployment } from "./response-shape.js";
import { Transport, TransportError, type TransportResponse } from "./transport.js";

/**
 * A small client for the ECE endpoints othername uses. Pure apart from the network: the URL,
 * credentials and CA bytes are passed in (the CLI reads flags, env and files).
 *
 * Retries (exponential backoff with full jitter):
 * - GETs are idempotent: retried on 429, 500, 502, 503, 504, timeouts and network errors.
 * - The PUT is retried only when the failure proves nothing was applied: 429 and 503 (the
 *   server refused before processing) and connection failures before the request was sent.
 *   Every PUT carries `?version=`, so even a repeated PUT cannot overwrite a newer state: it
 *   would fail with 409 and the update cycle would re-read and re-merge. Other failures of a PUT
 *   (a timeout, a 500, a reset connection) are ambiguous; they are not repeated blindly — the
 *   update cycle (update-trust.ts) re-reads the deployment to find out what happened.
 */
export type EceAuth =
  | { readonly kind: "apiKey"; readonly apiKey: string }
  | { readonly kind: "basic"; readonly user: string; readonly password: string };

export interface RetryPolicy {
  /** Total tries including the first. */
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** Defaults: 4 tries over about 2 s of backoff is enough to ride out a coordinator restart blip. */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 250, maxDelayMs: 4_000 };
/** ECE answers reads and (asynchronous) plan updates in seconds; 30 s means something is wrong. */
export const DEFAULT_TIMEOUT_MS = 30_000;

export interface EceClientOptions {
  /** The API's base URL, e.g. `https://coordinator:12443` (`/api/v1` is added when absent). */
  readonly url: string;
  readonly auth: EceAuth;
  readonly ca?: string | Uint8Array | undefined;
  readonly insecure?: boolean | undefined;
  readonly timeoutMs?: number | undefined;
  /** Largest response body accepted (default 16 MiB, transport.ts). */
  readonly maxResponseBytes?: number | undefined;
  readonly retry?: RetryPolicy | undefined;
  /** Debug lines (already redacted): one per request and retry. */
  readonly log?: ((line: string) => void) | undefined;
  /** For tests: randomness of the jitter and the sleep between tries. */
  readonly random?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export interface DeploymentRead {
  readonly deployment: DeploymentGetResponse;
  /** `x-cloud-resource-version` of the read, to send back as `?version=`. */
  readonly version: string;
}

const RETRYABLE_GET = new Set([429, 500, 502, 503, 504]);
const RETRYABLE_PUT = new Set([429, 503]);

/**
 * A client for the Elastic Cloud Enterprise API endpoints othername uses (deployments, their trust
 * settings and CA). TLS verification is always on (`ca` adds a private CA), GETs are retried on
 * transient failures, and secrets never appear in errors or logs.
 *
 * @example
 * ```ts
 * const client = new EceClient({ url: "https://ece:12443", auth: { kind: "apiKey", apiKey } });
 * const { deployment, version } = await client.getDeployment("a1b2c3d4e5f6");
 * ```
 */
export class EceClient {
  readonly baseUrl: URL;
  private readonly transport: Transport;
  private readonly redactor: Redactor;
  private readonly authorization: string;
  private readonly retry: RetryPolicy;
  private readonly log: (line: string) => void;
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: EceClientOptions) {
    this.baseUrl = apiBase(options.url);
    this.authorization =
      options.auth.kind === "apiKey"
        ? `ApiKey ${options.auth.apiKey}`
        : `Basic ${Buffer.from(`${options.auth.user}:${options.auth.password}`, "utf8").toString("base64")}`;
    this.redactor = new Redactor(
      options.auth.kind === "apiKey"
        ? [options.auth.apiKey, this.authorization]
        : [options.auth.password, this.authorization, this.authorization.slice("Basic ".length), `${options.auth.user}:${options.auth.password}`],
    );
    this.transport = new Transport({
      ca: options.ca,
      insecure: options.insecure,
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      maxResponseBytes: options.maxResponseBytes,
    });
    this.retry = options.retry ?? DEFAULT_RETRY;
    const log = options.log;
    this.log = log ? (line) => log(this.redactor.redact(line)) : () => {};
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Removes credentials from any text (for callers that print server-provided content). */
  redact(text: string): string {
    return this.redactor.redact(text);
  }

  /** GET /deployments/{id}?show_settings=true: the deployment with its trust and current plan. */
  async getDeployment(deploymentId: string): Promise<DeploymentRead> {
    // clear_transient: the spec says it "removes the transient section from all child resources,
    // making it safe to reapply via an update" — we send the plan back, so we ask for that form.
    const url = this.url(`deployments/${encodeURIComponent(deploymentId)}`, { show_settings: "true", show_plans: "true", clear_transient: "true" });
    const response = await this.exchange({ method: "GET", url, subject: `deployment ${deploymentId}`, action: "read" });
    const version = response.headers.get("x-cloud-resource-version");
    if (version === null || version === "") {
      throw new OthernameError("ECE_NO_VERSION", `cannot update deployment ${deploymentId}: the ECE API sent no x-cloud-resource-version header`, {
        kind: "remote",
        hint: "Without a version othername cannot update safely; check that --url points at the ECE API itself, not a proxy that strips headers.",
      });
    }
    const subject = `deployment ${deploymentId}`;
    return { deployment: checkedDeployment(this.parseJson<unknown>(response, subject), subject, this.baseUrl.host), version };
  }

  /** GET /deployments/{id}/certificate-authority. */
  async getCertificateAuthority(deploymentId: string): Promise<CertificateAuthority> {
    const url = this.url(`deployments/${encodeURIComponent(deploymentId)}/certificate-authority`, {});
    const subject = `the certificate authority of deployment ${deploymentId}`;
    const response = await this.exchange({ method: "GET", url, subject, action: "read" });
    return checkedCertificateAuthority(this.parseJson<unknown>(response, subject), subject, this.baseUrl.host);
  }

  /** PUT /deployments/{id}?version=…[&validate_only=true]. Throws EceHttpError 409 on a version conflict. */
  async updateDeployment(deploymentId: string, body: DeploymentUpdateRequest, options: { version: string; validateOnly: boolean }): Promise<unknown> {
    const query: Record<string, string> = { version: options.version };
    if (options.validateOnly) query["validate_only"] = "true";
    const url = this.url(`deployments/${encodeURIComponent(deploymentId)}`, query);
    const response = await this.exchange({
      method: "PUT",
      url,
      subject: `deployment ${deploymentId}`,
      action: options.validateOnly ? "validate the update of" : "update",
      body: JSON.stringify(body),
    });
    return this.parseJson<unknown>(response, `the update of deployment ${deploymentId}`);
  }

  async close(): Promise<void> {
    await this.transport.close();
  }

  private url(path: string, query: Readonly<Record<string, string>>): URL {
    const url = new URL(path, this.baseUrl);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    return url;
  }

  private async exchange(request: { method: "GET" | "PUT"; url: URL; subject: string; action: string; body?: string }): Promise<TransportResponse> {
    const headers: Record<string, string> = { Authorization: this.authorization, Accept: "application/json" };
    if (request.body !== undefined) headers["Content-Type"] = "application/json";
    const shown = `${request.method} ${displayUrl(request.url)}`;
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= this.retry.attempts;
      let retryAfterMs: number | undefined;
      try {
        const response = await this.transport.send({ method: request.method, url: request.url, headers, subject: request.subject, ...(request.body === undefined ? {} : { body: request.body }) }, this.redactor);
        this.log(`${shown} -> ${response.status}`);
        if (response.status >= 200 && response.status < 300) return response;
        const retryable = request.method === "GET" ? RETRYABLE_GET : RETRYABLE_PUT;
        const error = httpError(
          {
            status: response.status,
            body: response.text,
            subject: request.subject,
            action: request.action,
            host: this.baseUrl.host,
            errorCodesHeader: response.headers.get("x-cloud-error-codes"),
            location: response.headers.get("location"),
          },
          (text) => this.redactor.redact(text),
        );
        if (last || !retryable.has(response.status)) throw error;
        retryAfterMs = retryAfter(response.headers.get("retry-after"));
      } catch (error) {
        if (error instanceof EceHttpError) throw error;
        if (!(error instanceof TransportError)) throw error;
        this.log(`${shown} failed: ${error.message}`);
        // TLS failures do not heal by retrying; a PUT is repeated only when it was never sent.
        const retryable = error.failure !== "tls" && (request.method === "GET" || !error.maybeSent);
        if (last || !retryable) throw error;
      }
      const delay = this.backoff(attempt, retryAfterMs);
      this.log(`retrying ${shown} in ${delay} ms (attempt ${attempt + 1} of ${this.retry.attempts})`);
      await this.sleep(delay);
    }
  }

  /** Full jitter: a random delay up to base·2^(attempt-1), capped; a server's Retry-After wins when longer. */
  private backoff(attempt: number, retryAfterMs: number | undefined): number {
    const ceiling = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1));
    const jittered = Math.round(this.random() * ceiling);
    return retryAfterMs === undefined ? jittered : Math.min(this.retry.maxDelayMs, Math.max(jittered, retryAfterMs));
  }

  private parseJson<T>(response: TransportResponse, subject: string): T {
    try {
      return JSON.parse(response.text) as T;
    } catch {
      throw new OthernameError("ECE_BAD_RESPONSE", `cannot read ${subject} from ECE API ${this.baseUrl.host}: the response is not JSON`, {
        kind: "remote",
        hint: "Check that --url points at the ECE API (e.g. https://coordinator:12443), not a web page or proxy.",
      });
    }
  }
}

/** `https://host:12443` or `https://host:12443/api/v1` → `https://host:12443/api/v1/`. */
export function apiBase(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new OthernameError("ECE_URL_INVALID", `invalid ECE API URL ${JSON.stringify(url)} (--url or ECE_URL): not an absolute URL`, {
      kind: "usage",
      hint: "Give the coordinator's API address, e.g. --url https://coordinator:12443.",
    });
  }
  if (parsed.protocol !== "https:") {
    throw new OthernameError("ECE_URL_INVALID", `invalid ECE API URL ${displayUrl(parsed)} (--url or ECE_URL): scheme must be https`, {
      kind: "usage",
      hint: "Give the coordinator's API address, e.g. --url https://coordinator:12443.",
    });
  }
  if (parsed.username !== "" || parsed.password !== "") {
    throw new OthernameError("ECE_URL_CREDENTIALS", `invalid ECE API URL ${displayUrl(parsed)} (--url or ECE_URL): it contains credentials`, {
      kind: "usage",
      hint: "Put the API key in ECE_API_KEY (or the user in --user and the password in ECE_PASSWORD), never in the URL.",
    });
  }
  parsed.search = "";
  parsed.hash = "";
  let path = parsed.pathname.replace(/\/+$/, "");
  if (!path.endsWith("/api/v1")) path = `${path}/api/v1`;
  parsed.pathname = `${path}/`;
  return parsed;
}

function retryAfter(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}
