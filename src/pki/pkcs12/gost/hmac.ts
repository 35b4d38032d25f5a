import { GOSTR3411_94_BLOCK_BYTES, Gostr341194, gostr341194 } from "./gostr3411-94.js";
import { GOSTR3411_94_CRYPTOPRO_SBOX } from "./sboxes.js";

/**
 * HMAC_GOSTR3411 (RFC 4357 §3): HMAC (RFC 2104) over GOST R 34.11-94 with the CryptoPro hash
 * parameters, block length B = 32 bytes. The keyed inner and outer states are computed once, so
 * PBKDF2 pays only the per-message steps.
 */
export class HmacGostr341194 {
  private readonly inner: Gostr341194;
  private readonly outer: Gostr341194;

  constructor(key: Uint8Array) {
    const sbox = GOSTR3411_94_CRYPTOPRO_SBOX;
    const block = new Uint8Array(GOSTR3411_94_BLOCK_BYTES);
    block.set(key.length > GOSTR3411_94_BLOCK_BYTES ? gostr341194(key, sbox) : key);
    this.inner = new Gostr341194(sbox).update(block.map((byte) => byte ^ 0x36));
    this.outer = new Gostr341194(sbox).update(block.map((byte) => byte ^ 0x5c));
    block.fill(0);
  }

  mac(message: Uint8Array): Uint8Array {
    const innerDigest = this.inner.copy().update(message).digest();
    return this.outer.copy().update(innerDigest).digest();
  }
}

export function hmacGostr341194(key: Uint8Array, message: Uint8Array): Uint8Array {
  return new HmacGostr341194(key).mac(message);
}
