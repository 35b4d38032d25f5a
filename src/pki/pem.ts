import { OthernameError } from "../errors.js";

/**
 * PEM armour (RFC 7468), tolerant the way OpenSSL is: any number of blocks, CRLF line ends,
 * explanatory text between blocks (e.g. `Bag Attributes` from `openssl pkcs12`), and the
 * RFC 1421 headers that legacy encrypted keys carry (`Proc-Type`, `DEK-Info`).
 */
export interface PemBlock {
  readonly label: string;
  /** Encapsulated headers in file order, names as written (e.g. "Proc-Type", "DEK-Info"). */
  readonly headers: ReadonlyMap<string, string>;
  readonly der: Uint8Array;
  /** 1-based line of the BEGIN line. */
  readonly line: number;
}

const BEGIN = /^-----BEGIN ([\x21-\x2c\x2e-\x7e](?:[- ]?[\x21-\x2c\x2e-\x7e])*)?-----\s*$/;
const END = /^-----END ([\x21-\x2c\x2e-\x7e](?:[- ]?[\x21-\x2c\x2e-\x7e])*)?-----\s*$/;
const BASE64_LINE = /^[A-Za-z0-9+/]*={0,2}$/;
const HEADER = /^([A-Za-z0-9-]+):\s*(.*)$/;

/** Upper bound on the text we decode: a PEM file of many megabytes is not a key or certificate bundle. */
export const MAX_PEM_TEXT = 64 * 1024 * 1024;

function pemError(reason: string, line: number, hint: string): OthernameError {
  return new OthernameError("PEM_MALFORMED", `invalid PEM at line ${line}: ${reason}`, { hint });
}

/**
 * Decodes every PEM block in `text` (any number of blocks, CRLF or LF, text before and between
 * blocks, RFC 1421 headers such as `Proc-Type`/`DEK-Info`); text outside blocks is ignored.
 *
 * @param text - PEM text, e.g. a certificate bundle.
 * @returns The blocks in order, each with its label, headers and DER bytes; empty when there is none.
 * @throws OthernameError PEM_MALFORMED (bad base64, unterminated block) or PEM_TOO_LARGE.
 * @example
 * ```ts
 * const [block] = decodePem(await readFile("ca.crt", "utf8"));
 * const ca = parseCertificate(block!.der);
 * ```
 */
export function decodePem(text: string): PemBlock[] {
  if (text.length > MAX_PEM_TEXT) {
    throw new OthernameError("PEM_TOO_LARGE", `invalid PEM: ${text.length} characters is more than the ${MAX_PEM_TEXT} accepted`);
  }
  const lines = text.split(/\r?\n|\r/);
  const blocks: PemBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const begin = BEGIN.exec((lines[i] as string).trim());
    if (!begin) continue;
    const label = begin[1] ?? "";
    const beginLine = i + 1;
    const headers = new Map<string, string>();
    const body: string[] = [];
    let inHeaders = true;
    let ended = false;
    for (i = i + 1; i < lines.length; i++) {
      const raw = (lines[i] as string).trim();
      const end = END.exec(raw);
      if (end) {
        if ((end[1] ?? "") !== label) {
          throw pemError(`END ${end[1] ?? ""} does not close BEGIN ${label} of line ${beginLine}`, i + 1, "The file mixes up PEM blocks; re-export it.");
        }
        ended = true;
        break;
      }
      if (BEGIN.test(raw)) {
        throw pemError(`BEGIN ${label} of line ${beginLine} has no END line`, i + 1, "The PEM block is truncated; copy the whole block, including its END line.");
      }
      if (inHeaders) {
        const header = HEADER.exec(raw);
        if (header && body.length === 0) {
          headers.set(header[1] as string, (header[2] as string).trim());
          continue;
        }
        if (raw === "" && headers.size > 0) {
          inHeaders = false;
          continue;
        }
        inHeaders = false;
      }
      if (raw === "") continue;
      if (!BASE64_LINE.test(raw)) {
        throw pemError(`the body of ${label} contains characters that are not base64`, i + 1, "The PEM block was altered or truncated; re-export it.");
      }
      body.push(raw);
    }
    if (!ended) {
      throw pemError(`BEGIN ${label} has no END line`, beginLine, "The PEM block is truncated; copy the whole block, including its END line.");
    }
    blocks.push({ label, headers, der: decodeBase64(body.join(""), label, beginLine), line: beginLine });
  }
  return blocks;
}

function decodeBase64(body: string, label: string, line: number): Uint8Array {
  // Padding may only end the body, and the length must be a whole number of quanta.
  const padding = body.indexOf("=");
  if ((padding !== -1 && !/^=+$/.test(body.slice(padding))) || body.length % 4 !== 0) {
    throw pemError(`the base64 body of ${label} has a wrong length or misplaced padding`, line, "The PEM block was altered or truncated; re-export it.");
  }
  if (body.length === 0) {
    throw pemError(`${label} is empty`, line, "The PEM block has no content; re-export it.");
  }
  return new Uint8Array(Buffer.from(body, "base64"));
}

/**
 * PEM text for one block: 64 base64 characters a line, LF line ends.
 *
 * @param label - The block's label, e.g. `CERTIFICATE` or `PRIVATE KEY`.
 * @param der - The bytes to armour.
 * @param headers - Optional RFC 1421 headers (`Proc-Type`, `DEK-Info`) written before the data.
 * @returns The block as text, ending in a newline.
 * @example
 * ```ts
 * await writeFile("ca.crt", encodePem("CERTIFICATE", caDer));
 * ```
 */
export function encodePem(label: string, der: Uint8Array, headers?: ReadonlyMap<string, string>): string {
  const base64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString("base64");
  const lines = [`-----BEGIN ${label}-----`];
  if (headers && headers.size > 0) {
    for (const [name, value] of headers) lines.push(`${name}: ${value}`);
    lines.push("");
  }
  for (let i = 0; i < base64.length; i += 64) lines.push(base64.slice(i, i + 64));
  lines.push(`-----END ${label}-----`, "");
  return lines.join("\n");
}

/**
 * Content sniffing, not file extensions: true when the bytes are text containing a PEM BEGIN line.
 *
 * @param bytes - A file's contents.
 * @returns Whether to read the file as PEM.
 * @example
 * ```ts
 * looksLikePem(new TextEncoder().encode("-----BEGIN CERTIFICATE-----\n…")); // true
 * ```
 */
export function looksLikePem(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 1 << 20)).toString("latin1");
  return /-----BEGIN [^\n-]*-----/.test(head);
}
