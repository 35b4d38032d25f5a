/**
 * Keeps credentials out of every message, log line and error the ECE client produces: the API
 * key, the password, the Basic token made from them, and any user-info in a URL.
 */
export const REDACTED = "[REDACTED]";

export class Redactor {
  private readonly secrets: readonly string[];

  constructor(secrets: readonly (string | undefined)[]) {
    // Longest first, so a secret containing another is replaced whole. Very short values
    // (one or two characters) would shred every message and reveal little; still replace them
    // only when they stand alone as the whole text.
    this.secrets = [...new Set(secrets.filter((s): s is string => typeof s === "string" && s.length > 0))].sort((a, b) => b.length - a.length);
  }

  /** `text` with every secret, Authorization header value and URL user-info replaced. */
  redact(text: string): string {
    let result = text;
    for (const secret of this.secrets) {
      if (secret.length < 3) {
        if (result === secret) result = REDACTED;
        continue;
      }
      result = result.split(secret).join(REDACTED);
    }
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
