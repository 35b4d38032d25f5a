import type { RoundTables } from "./gost28147.js";
import { Gost28147 } from "./gost28147.js";

/**
 * RFC 4357 §2.3.2: CryptoPro key meshing replaces the key and the feedback block after every 1024
 * octets: K[i+1] = decryptECB(K[i], C), IV0[i+1] = encryptECB(K[i+1], IVn[i]).
 */
const MESHING_CONSTANT = Uint8Array.from([
  0x69, 0x00, 0x72, 0x22, 0x64, 0xc9, 0x04, 0x23, 0x8d, 0x3a, 0xdb, 0x96, 0x46, 0xe9, 0x2a, 0xc4,
  0x18, 0xfe, 0xac, 0x94, 0x00, 0xed, 0x07, 0x12, 0xc0, 0x86, 0xdc, 0xc2, 0xef, 0x4c, 0xa9, 0x2b,
]);
const MESHING_INTERVAL = 1024;

/**
 * GOST 28147-89 CFB decryption (RFC 5830 §7, 64-bit feedback), with CryptoPro key meshing when
 * asked (the CryptoPro-A..D parameter sets, RFC 4357 §10.3). CFB needs no padding: a short last
 * block uses the first bytes of its gamma.
 */
export function gost28147CfbDecrypt(tables: RoundTables, key: Uint8Array, iv: Uint8Array, data: Uint8Array, keyMeshing: boolean): Uint8Array {
  if (iv.length !== 8) throw new RangeError(`GOST 28147-89 CFB needs an 8-byte IV, got ${iv.length}`);
  const cipher = new Gost28147(tables, key);
  const out = new Uint8Array(data.length);
  const register = Uint8Array.from(iv);
  let currentKey = Uint8Array.from(key);
  for (let offset = 0; offset < data.length; offset += 8) {
    if (keyMeshing && offset > 0 && offset % MESHING_INTERVAL === 0) {
      const meshed = Uint8Array.from(MESHING_CONSTANT);
      for (let block = 0; block < 32; block += 8) cipher.decryptBlock(meshed, block);
      currentKey.fill(0);
      currentKey = meshed;
      cipher.setKey(currentKey);
      cipher.encryptBlock(register); // IV0[i+1]; the gamma below encrypts it once more, as CFB does
    }
    cipher.encryptBlock(register);
    const end = Math.min(offset + 8, data.length);
    for (let i = offset; i < end; i++) out[i] = data[i]! ^ register[i - offset]!;
    register.set(data.subarray(offset, end));
  }
  currentKey.fill(0);
  return out;
}
