import { OthernameError } from "../errors.js";
import type { BasicFailedReply } from "./model.js";

/**
 * HTTP error responses of the ECE API as `OthernameError`s (kind "remote", exit 4). ECE error
 * bodies are `BasicFailedReply` ({ errors: [{ code, message, fields? }] }); their codes (e.g.
 * `deployments.deployment_not_found`) are kept in the message because they are what ECE's
 * documentation and support use.
 */
export class EceHttpError extends OthernameError {
  constructor(
    code: string,
    message: string,
    readonly status: number,
    readonly errorCodes: readonly string[],
    hint: string,
  ) {
    super(code, message, { hint, kind: "remote" });
  }
}

/** The `{code, message}` list of an ECE error body; empty when the body is not one. */
export function parseFailedReply(text: string): { code: string; message: string }[] {
  try {
    const body = JSON.parse(text) as Partial<BasicFailedReply> | null;
    if (!body || !Array.isArray(body.errors)) return [];
    return body.errors
      .filter((e) => e && typeof e === "object")
      .map((e) => ({ code: String(e.code ?? ""), message: String(e.message ?? "") + (Array.isArray(e.fields) && e.fields.length > 0 ? ` (fields: ${e.fields.join(", ")})` : "") }));
  } catch {
    return [];
  }
}

export interface HttpErrorContext {
  readonly status: number;
  readonly statusText?: string;
  readonly body: string;
  /** What the request was about, e.g. "deployment abc123". */
  readonly subject: string;
  /** What we were doing, e.g. "read", "update". */
  readonly action: string;
  readonly host: string;
  /** Header `x-cloud-error-codes`, when present. */
  readonly errorCodesHeader?: string | null;
  /** Header `Location` of a 3xx answer. */
  readonly location?: string | null;
}

export function httpError(context: HttpErrorContext, redact: (text: string) => string): EceHttpError {
  const errors = parseFailedReply(context.body);
  const codes = [...new Set([...errors.map((e) => e.code).filter((c) => c !== ""), ...(context.errorCodesHeader ?? "").split(",").map((c) => c.trim()).filter((c) => c !== "")])];
  const detail = errors.length > 0 ? errors.map((e) => (e.code ? `${e.message} [${e.code}]` : e.message)).join("; ") : snippet(context.body);
  const reason = redact(detail === "" ? `HTTP ${context.status}` : `HTTP ${context.status}: ${detail}`);
  const base = `cannot ${context.action} ${context.subject} on ECE API ${context.host}`;
  if (context.status >= 300 && context.status < 400) {
    // Never followed (transport.ts): the API key and a PUT body go to the --url host over TLS only.
    const location = context.location ? redact(context.location.length > 500 ? `${context.location.slice(0, 500)}…` : context.location) : "(no Location header)";
    return new EceHttpError(
      "ECE_REDIRECT",
      `${base}: the API answered HTTP ${context.status} redirecting to ${location}; othername never follows redirects, so nothing was read or changed there`,
      context.status,
      codes,
      "Point --url (or ECE_URL) at the ECE API itself, e.g. https://coordinator:12443; a proxy or load balancer in front must not redirect API calls.",
    );
  }
  switch (context.status) {
    case 401:
      return new EceHttpError("ECE_AUTHENTICATION", `${base}: authentication failed (${reason})`, 401, codes, "Check the API key in ECE_API_KEY, or --user with ECE_PASSWORD; the key may be expired or revoked.");
    case 403:
      return new EceHttpError("ECE_FORBIDDEN", `${base}: authentication succeeded but access is forbidden (${reason})`, 403, codes, "Use an API key or user with permission to manage this deployment.");
    case 449:
      // ECE answers 449 "Retry With" when an operation needs elevated (sudo) permissions.
      return new EceHttpError("ECE_ELEVATED_PERMISSIONS", `${base}: elevated permissions are required (${reason})`, 449, codes, "Use credentials with elevated permissions (an admin API key or a sudo session) for this operation.");
    case 404:
      return new EceHttpError("ECE_NOT_FOUND", `${base}: not found (${reason})`, 404, codes, "Check --deployment (the deployment id, not its name) and --url.");
    case 409:
      return new EceHttpError("ECE_VERSION_CONFLICT", `${base}: version conflict, the deployment changed meanwhile (${reason})`, 409, codes, "Run the command again; it re-reads the deployment and merges with the latest trust settings.");
    case 400:
      return new EceHttpError("ECE_REJECTED", `${base}: ECE rejected the request (${reason})`, 400, codes, "Fix what the message names; `othername ece trust show` shows the current settings.");
    default:
      return new EceHttpError(
        context.status >= 500 ? "ECE_SERVER_ERROR" : "ECE_HTTP_ERROR",
        `${base}: ${reason}`,
        context.status,
        codes,
        context.status >= 500 ? "The ECE API failed; try again later, and check the coordinator's logs if it persists." : "Check --url: it should point at the ECE API, e.g. https://coordinator:12443.",
      );
  }
}

function snippet(body: string): string {
  const flat = body.replace(/\s+/g, " ").trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}
