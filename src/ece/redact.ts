/**
 * Keeps credentials out of every message, log line and error the ECE client produces: the API
 * key, the password, the Basic token made from them, and any user-info in a URL.
 */
export const REDACTED = "[REDACTED]";

export class Redactor {
  private readonly secrets: readonly string[];
  /** Every spelling of every secret of 3+ characters, longest first, matched ignoring case. */
  private readonly pattern: RegExp | undefined;

  constructor(secrets: readonly (string | undefined)[]) {
    // Longest first, so a secret containing another is replaced whole. Very short values
    // (one or two characters) would shred every message and reveal little; still replace them
    // only when they stand alone as the whole text.
    this.secrets = [...new Set(secrets.filter((s): s is string => typeof s === "string" && s.length > 0))].sort((a, b) => b.length - a.length);
    const spellings = [...new Set(this.secrets.filter((s) => s.length >= 3).flatMap(echoesOf))].sort((a, b) => b.length - a.length);
    this.pattern = spellings.length === 0 ? undefined : new RegExp(spellings.map(escapeRegExp).join("|"), "gi");
  }

  /** `text` with every secret, Authorization header value and URL user-info replaced. */
  redact(text: string): string {
    let result = text;
    for (const secret of this.secrets) {
      if (secret.length < 3 && result === secret) result = REDACTED;
    }
    if (this.pattern) result = result.replace(this.pattern, REDACTED);
    result = result.replace(/\b(ApiKey|Basic|Bearer)\s+[A-Za-z0-9+/=._~-]{6,}/g, `$1 ${REDACTED}`);
    result = result.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, `$1${REDACTED}@`);
    return result;
  }
}

/** A URL for messages: without user-info, query kept (it never carries secrets here). */
export function displayUrl(url: URL): string {
  const copy = new URL(url.href);
  copy.username = "";
  copy.password = "";
  return copy.href;
}

/**
 * The ways a server or proxy may echo a secret back: as given, base64 (standard and URL-safe,
 * with or without padding: e.g. a Basic token rebuilt from it), and URL-encoded (`%2F` or
 * `%2f`, spaces as `+`). Case is ignored when matching, which covers upper- and lower-case echoes.
 */
function echoesOf(secret: string): string[] {
  const base64 = Buffer.from(secret, "utf8").toString("base64");
  const unpadded = base64.replace(/=+$/, "");
  const urlSafe = unpadded.replace(/\+/g, "-").replace(/\//g, "_");
  const encoded = encodeURIComponent(secret);
  return [secret, base64, unpadded, urlSafe, encoded, encoded.replace(/%20/g, "+"), encodeURIComponent(base64), encodeURIComponent(unpadded)].filter((v) => v.length >= 3);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
