import type { SBox } from "./sboxes.js";

/**
 * The GOST 28147-89 block cipher (RFC 5830): a 32-round Feistel network on a 64-bit block with a
 * 256-bit key of eight 32-bit subkeys K0..K7. Round function (RFC 5830 §5): add the subkey
 * mod 2^32, substitute each nibble through the S-box row of its position, rotate left by 11.
 * Subkeys run K0..K7 three times then K7..K0 to encrypt (§6.1), and K0..K7 then K7..K0 three
 * times to decrypt (§6.2).
 *
 * Byte order follows the CryptoPro / RFC 4357 convention every GOST PKCS#12 file uses: each key
 * word and each block half is little-endian, the first four block bytes being N1.
 */

/** The S-box rows folded into four 256-entry tables, one per input byte, with the rotation applied. */
export type RoundTables = Uint32Array;

export function roundTables(sbox: SBox): RoundTables {
  const tables = new Uint32Array(4 * 256);
  for (let byte = 0; byte < 4; byte++) {
    const low = sbox[2 * byte]!;
    const high = sbox[2 * byte + 1]!;
    for (let value = 0; value < 256; value++) {
      const substituted = ((low[value & 0x0f]! | (high[value >>> 4]! << 4)) << (8 * byte)) >>> 0;
      tables[byte * 256 + value] = ((substituted << 11) | (substituted >>> 21)) >>> 0;
    }
  }
  return tables;
}

/** f(x) of RFC 5830 §5: S-box substitution of x (already keyed), then a rotation by 11 bits. */
function round(tables: RoundTables, x: number): number {
  return tables[x & 0xff]! ^ tables[256 + ((x >>> 8) & 0xff)]! ^ tables[512 + ((x >>> 16) & 0xff)]! ^ tables[768 + (x >>> 24)]!;
}

const ENCRYPT_ORDER = [0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7, 7, 6, 5, 4, 3, 2, 1, 0];
const DECRYPT_ORDER = [0, 1, 2, 3, 4, 5, 6, 7, 7, 6, 5, 4, 3, 2, 1, 0, 7, 6, 5, 4, 3, 2, 1, 0, 7, 6, 5, 4, 3, 2, 1, 0];

/**
 * The 32 rounds on the halves (N1, N2); the result goes to `out` as [N1, N2]. The last round does
 * not swap the halves (RFC 5830 §6.1: the 32nd round writes N2).
 */
export function cryptWords(tables: RoundTables, key: Uint32Array, n1: number, n2: number, decrypt: boolean, out: Uint32Array): void {
  const order = decrypt ? DECRYPT_ORDER : ENCRYPT_ORDER;
  let a = n1;
  let b = n2;
  for (let i = 0; i < 32; i++) {
    const next = (b ^ round(tables, (a + key[order[i]!]!) >>> 0)) >>> 0;
    b = a;
    a = next;
  }
  out[0] = b;
  out[1] = a;
}

const readWord = (bytes: Uint8Array, offset: number): number =>
  (bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24)) >>> 0;

function writeWord(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value & 0xff;
  bytes[offset + 1] = (value >>> 8) & 0xff;
  bytes[offset + 2] = (value >>> 16) & 0xff;
  bytes[offset + 3] = value >>> 24;
}

/** GOST 28147-89 with one key and S-box set; blocks are processed in place (ECB, RFC 5830 §6). */
export class Gost28147 {
  private readonly key = new Uint32Array(8);
  private readonly halves = new Uint32Array(2);

  constructor(
    private readonly tables: RoundTables,
    key: Uint8Array,
  ) {
    this.setKey(key);
  }

  /** Replaces the 32-byte key (K0 = its first four bytes, little-endian). */
  setKey(key: Uint8Array): void {
    if (key.length !== 32) throw new RangeError(`GOST 28147-89 keys are 32 bytes, got ${key.length}`);
    for (let i = 0; i < 8; i++) this.key[i] = readWord(key, 4 * i);
  }

  encryptBlock(block: Uint8Array, offset = 0): void {
    this.crypt(block, offset, false);
  }

  decryptBlock(block: Uint8Array, offset = 0): void {
    this.crypt(block, offset, true);
  }

  private crypt(block: Uint8Array, offset: number, decrypt: boolean): void {
    cryptWords(this.tables, this.key, readWord(block, offset), readWord(block, offset + 4), decrypt, this.halves);
    writeWord(block, offset, this.halves[0]!);
    writeWord(block, offset + 4, this.halves[1]!);
  }
}
