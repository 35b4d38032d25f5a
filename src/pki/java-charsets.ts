/**
 * Java's charset decoders with their replacement rules (`new String(bytes, charset)`, JDK 17), which
 * Elasticsearch uses on otherName values. Malformed input becomes U+FFFD, but how many bytes one
 * U+FFFD stands for differs from the WHATWG decoder Node's TextDecoder implements: Java replaces a
 * UTF-8-encoded surrogate (ED A0 80) with one U+FFFD, not three; a truncated sequence at the very end
 * with one; and in UTF-16 a high surrogate followed by anything but a low surrogate swallows that
 * unit too. Checked against the JDK by test/jdk/differential.test.ts.
 */
const REPLACEMENT = 0xfffd;

const isContinuation = (b: number | undefined): boolean => b !== undefined && (b & 0xc0) === 0x80;

/** UTF-8 as java.nio's UTF_8 decoder reads it with CodingErrorAction.REPLACE. */
export function decodeJavaUtf8(bytes: Uint8Array): string {
  const units: number[] = [];
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b1 = bytes[i] as number;
    if (b1 < 0x80) {
      units.push(b1);
      i += 1;
    } else if (b1 >= 0xc2 && b1 <= 0xdf) {
      if (isContinuation(bytes[i + 1])) {
        units.push(((b1 & 0x1f) << 6) | ((bytes[i + 1] as number) & 0x3f));
        i += 2;
      } else {
        units.push(REPLACEMENT);
        i += 1;
      }
    } else if (b1 >= 0xe0 && b1 <= 0xef) {
      i += decodeThree(bytes, i, units);
    } else if (b1 >= 0xf0 && b1 <= 0xf7) {
      i += decodeFour(bytes, i, units);
    } else {
      // A continuation byte without a lead, C0/C1 (overlong) or F8–FF: one byte each.
      units.push(REPLACEMENT);
      i += 1;
    }
  }
  return unitsToString(units);
}

/** A 3-byte sequence at `i`; returns the bytes consumed. */
function decodeThree(bytes: Uint8Array, i: number, units: number[]): number {
  const b1 = bytes[i] as number;
  const b2 = bytes[i + 1];
  const b3 = bytes[i + 2];
  // E0 needs A0–BF next (shorter forms are overlong); any lead needs a continuation next.
  const badSecond = b2 !== undefined && ((b1 === 0xe0 && (b2 & 0xe0) === 0x80) || !isContinuation(b2));
  if (b3 === undefined) {
    // Truncated by the end of the input: a bad second byte stands alone, else the rest is one U+FFFD.
    units.push(REPLACEMENT);
    return badSecond ? 1 : bytes.length - i;
  }
  if (badSecond) {
    units.push(REPLACEMENT);
    return 1;
  }
  if (!isContinuation(b3)) {
    units.push(REPLACEMENT);
    return 2;
  }
  const c = ((b1 & 0x0f) << 12) | (((b2 as number) & 0x3f) << 6) | (b3 & 0x3f);
  // An encoded surrogate (ED A0–BF xx) is one malformed 3-byte unit in Java.
  units.push(c >= 0xd800 && c <= 0xdfff ? REPLACEMENT : c);
  return 3;
}

/** A 4-byte sequence at `i`; returns the bytes consumed. */
function decodeFour(bytes: Uint8Array, i: number, units: number[]): number {
  const b1 = bytes[i] as number;
  const b2 = bytes[i + 1];
  const b3 = bytes[i + 2];
  const b4 = bytes[i + 3];
  const badSecond =
    b2 !== undefined &&
    (b1 > 0xf4 || (b1 === 0xf0 && (b2 < 0x90 || b2 > 0xbf)) || (b1 === 0xf4 && (b2 & 0xf0) !== 0x80) || !isContinuation(b2));
  if (b4 === undefined) {
    units.push(REPLACEMENT);
    if (b1 > 0xf4 || badSecond) return 1;
    if (b3 !== undefined && !isContinuation(b3)) return 2;
    return bytes.length - i;
  }
  if (badSecond) {
    units.push(REPLACEMENT);
    return 1;
  }
  if (!isContinuation(b3)) {
    units.push(REPLACEMENT);
    return 2;
  }
  if (!isContinuation(b4)) {
    units.push(REPLACEMENT);
    return 3;
  }
  const cp = ((b1 & 0x07) << 18) | (((b2 as number) & 0x3f) << 12) | (((b3 as number) & 0x3f) << 6) | (b4 & 0x3f);
  units.push(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff));
  return 4;
}

/** UTF-16BE as java.nio's UTF_16BE decoder reads it with CodingErrorAction.REPLACE (BMPString). */
export function decodeJavaUtf16be(bytes: Uint8Array): string {
  const units: number[] = [];
  const n = bytes.length;
  let i = 0;
  while (n - i >= 2) {
    const c = ((bytes[i] as number) << 8) | (bytes[i + 1] as number);
    if (c >= 0xd800 && c <= 0xdbff) {
      if (n - i < 4) break; // a high surrogate without room for its pair: the rest is one U+FFFD
      const c2 = ((bytes[i + 2] as number) << 8) | (bytes[i + 3] as number);
      // A high surrogate not followed by a low one: both units become one U+FFFD.
      if (c2 >= 0xdc00 && c2 <= 0xdfff) units.push(c, c2);
      else units.push(REPLACEMENT);
      i += 4;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      units.push(REPLACEMENT); // a lone low surrogate
      i += 2;
    } else {
      units.push(c);
      i += 2;
    }
  }
  // Left-over bytes at the end (an odd length, or a cut-off pair): one U+FFFD.
  if (i < n) units.push(REPLACEMENT);
  return unitsToString(units);
}

function unitsToString(units: readonly number[]): string {
  let text = "";
  for (let i = 0; i < units.length; i += 8192) text += String.fromCharCode(...units.slice(i, i + 8192));
  return text;
}
