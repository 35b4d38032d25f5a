/**
 * Cheap structural sniff for format detection: does `bytes` start like a PFX (RFC 7292 §4),
 * `SEQUENCE { INTEGER 3, SEQUENCE { OBJECT IDENTIFIER pkcs7-data | pkcs7-signedData, … } … }`?
 * Looks at no more than the first few dozen bytes; a truncated PFX still sniffs as PKCS#12.
 *
 * @param bytes - A file's contents.
 * @returns Whether to read the file as PKCS#12.
 * @example
 * ```ts
 * if (isPkcs12(bytes)) await readPkcs12(bytes, password);
 * ```
 */
export function isPkcs12(bytes: Uint8Array): boolean {
  let p = 0;
  const header = (tag: number): boolean => {
    if (bytes[p] !== tag) return false;
    p++;
    const first = bytes[p];
    if (first === undefined) return false;
    p++;
    if (first === 0x80) return true; // BER indefinite length
    if (first > 0x80) {
      const count = first & 0x7f;
      if (count > 4) return false;
      p += count;
    }
    return p <= bytes.length;
  };
  if (!header(0x30)) return false;
  // version INTEGER 3
  if (bytes[p] !== 0x02 || bytes[p + 1] !== 0x01 || bytes[p + 2] !== 0x03) return false;
  p += 3;
  if (!header(0x30)) return false;
  // contentType: 1.2.840.113549.1.7.1 (data) or .2 (signedData)
  const PKCS7_PREFIX = [0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07];
  for (const b of PKCS7_PREFIX) if (bytes[p++] !== b) return false;
  const kind = bytes[p];
  return kind === 0x01 || kind === 0x02;
}
