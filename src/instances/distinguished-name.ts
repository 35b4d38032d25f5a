/**
 * Strict RFC 4514 distinguished-name strings, for instance names containing `=` (certutil
 * treats such a name as a full DN, otherwise the subject is `CN=<name>`).
 * Parsing is ours because lax parsers accept `=x` or `CN=a,,` silently.
 */
import { ATTRIBUTE_NAMES, type DistinguishedName, type DnAttribute } from "../pki/distinguished-name.js";

export type { DistinguishedName, DnAttribute } from "../pki/distinguished-name.js";

/** RFC 4514 §3 short names, plus those Java's X500Principal accepts (certutil parses with it). */
const SHORT_NAMES: Readonly<Record<string, string>> = {
  CN: "2.5.4.3",
  SURNAME: "2.5.4.4",
  SN: "2.5.4.4",
  SERIALNUMBER: "2.5.4.5",
  C: "2.5.4.6",
  L: "2.5.4.7",
  ST: "2.5.4.8",
  STREET: "2.5.4.9",
  O: "2.5.4.10",
  OU: "2.5.4.11",
  T: "2.5.4.12",
  TITLE: "2.5.4.12",
  GIVENNAME: "2.5.4.42",
  GN: "2.5.4.42",
  INITIALS: "2.5.4.43",
  GENERATION: "2.5.4.44",
  DNQUALIFIER: "2.5.4.46",
  DNQ: "2.5.4.46",
  DC: "0.9.2342.19200300.100.1.25",
  UID: "0.9.2342.19200300.100.1.1",
  EMAILADDRESS: "1.2.840.113549.1.9.1",
  EMAIL: "1.2.840.113549.1.9.1",
};

/** Written back with the names certificates are displayed with (src/pki/distinguished-name.ts), so plans and certificates agree. */
const SHORT_BY_OID = ATTRIBUTE_NAMES;

export type DnParseResult =
  | { readonly ok: true; readonly dn: DistinguishedName }
  | { readonly ok: false; readonly reason: string };

const UTF8 = new TextDecoder("utf-8", { fatal: true });
const OID = /^[0-2](\.(0|[1-9][0-9]*))+$/;
const SPECIAL = new Set([",", "+", '"', "\\", "<", ">", ";", "=", " ", "#"]);

export function parseDistinguishedName(text: string): DnParseResult {
  const rdns: DnAttribute[][] = [];
  let current: DnAttribute[] = [];
  let i = 0;
  const fail = (reason: string): DnParseResult => ({ ok: false, reason });
  if (text.trim() === "") return fail("the DN is empty");
  while (i <= text.length) {
    // attributeType
    const j = text.indexOf("=", i);
    if (j < 0) return fail(`"${text.slice(i)}" has no "=" (expected TYPE=value)`);
    const rawType = text.slice(i, j).trim();
    if (rawType === "") return fail(`an attribute type is missing before "=" at character ${j + 1}`);
    const type = OID.test(rawType) ? rawType : SHORT_NAMES[rawType.toUpperCase()];
    if (!type) return fail(`unknown attribute type "${rawType}"`);
    // attributeValue (RFC 4514 §2.4 escapes; `#hex` BER values are not accepted)
    i = j + 1;
    while (text[i] === " ") i++;
    if (text[i] === "#") return fail(`hex-encoded value for ${rawType} is not supported`);
    let value = "";
    const bytes: number[] = [];
    const flushBytes = (): boolean => {
      if (bytes.length === 0) return true;
      try {
        value += UTF8.decode(new Uint8Array(bytes));
      } catch {
        return false;
      }
      bytes.length = 0;
      return true;
    };
    let trailingSpaces = 0;
    for (; i < text.length; i++) {
      const ch = text[i]!;
      if (ch === "," || ch === "+" || ch === ";") break;
      if (ch === "\\") {
        const next = text[i + 1];
        if (next === undefined) return fail(`the value of ${rawType} ends with a lone "\\"`);
        if (SPECIAL.has(next)) {
          if (!flushBytes()) return fail(`the value of ${rawType} has an invalid UTF-8 escape`);
          value += next;
          i++;
          trailingSpaces = 0;
          continue;
        }
        const hex = text.slice(i + 1, i + 3);
        if (/^[0-9a-fA-F]{2}$/.test(hex)) {
          bytes.push(Number.parseInt(hex, 16));
          i += 2;
          trailingSpaces = 0;
          continue;
        }
        return fail(`the value of ${rawType} has an invalid escape "\\${next}"`);
      }
      if (ch === '"' || ch === "<" || ch === ">") {
        return fail(`the value of ${rawType} contains an unescaped "${ch}"`);
      }
      if (!flushBytes()) return fail(`the value of ${rawType} has an invalid UTF-8 escape`);
      value += ch;
      trailingSpaces = ch === " " ? trailingSpaces + 1 : 0;
    }
    if (!flushBytes()) return fail(`the value of ${rawType} has an invalid UTF-8 escape`);
    value = value.slice(0, value.length - trailingSpaces);
    if (value === "") return fail(`the value of ${rawType} is empty`);
    current.push({ type, value });
    const sep = text[i];
    if (sep === "+") {
      i++;
      continue;
    }
    rdns.push(current);
    current = [];
    if (sep === undefined) break;
    i++;
    if (text.slice(i).trim() === "") return fail(`the DN ends with "${sep}"`);
  }
  return { ok: true, dn: rdns };
}

/** The subject certutil uses for a plain name: `CN=<name>`. */
export function commonNameDn(name: string): DistinguishedName {
  return [[{ type: "2.5.4.3", value: name }]];
}

/** RFC 4514 string form, escaping as §2.4 requires. */
export function formatDistinguishedName(dn: DistinguishedName): string {
  return dn
    .map((rdn) => rdn.map((a) => `${SHORT_BY_OID[a.type] ?? a.type}=${escapeValue(a.value)}`).join("+"))
    .join(",");
}

function escapeValue(value: string): string {
  let out = "";
  for (let k = 0; k < value.length; k++) {
    const ch = value[k]!;
    const edge = (k === 0 && (ch === " " || ch === "#")) || (k === value.length - 1 && ch === " ");
    if (edge || [",", "+", '"', "\\", "<", ">", ";", "="].includes(ch)) out += `\\${ch}`;
    else if (ch === "\0") out += "\\00";
    else out += ch;
  }
  return out;
}
