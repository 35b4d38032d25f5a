import { createPrivateKey, createPublicKey, sign, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { OthernameError } from "../../src/errors.js";
import { formatKeySpec, generateKey, parseKeySpec } from "../../src/pki/keys.js";

describe("parseKeySpec", () => {
  it.each([
    ["rsa:2048", { algorithm: "rsa", bits: 2048 }],
    ["RSA:3072", { algorithm: "rsa", bits: 3072 }],
    ["rsa:4096", { algorithm: "rsa", bits: 4096 }],
    ["ec:p256", { algorithm: "ec", curve: "P-256" }],
    ["EC:P384", { algorithm: "ec", curve: "P-384" }],
    ["", { algorithm: "rsa", bits: 2048 }],
    [undefined, { algorithm: "rsa", bits: 2048 }],
  ])("%s", (text, expected) => {
    const spec = parseKeySpec(text);
    expect(spec).toEqual(expected);
    if (text) expect(formatKeySpec(spec)).toBe(text.toLowerCase());
  });

  it.each(["rsa:1024", "ec:p521", "ed25519", "rsa", "dsa:2048", "rsa:2048x"])("refuses %s as a usage error naming the flag", (text) => {
    let error: unknown;
    try {
      parseKeySpec(text, { flag: "--key" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OthernameError);
    const e = error as OthernameError;
    expect(e.kind).toBe("usage");
    expect(e.code).toBe("KEY_SPEC_INVALID");
    expect(e.message).toContain("--key");
    expect(e.message).toContain(text);
    expect(e.hint).toContain("ec:p256");
  });
});

describe("generateKey", () => {
  it.each([
    [{ algorithm: "ec", curve: "P-256" } as const, 256],
    [{ algorithm: "ec", curve: "P-384" } as const, 384],
  ])("generates %o", async (spec, bits) => {
    const key = await generateKey(spec);
    expect(key).toMatchObject({ algorithm: "ec", curve: spec.curve, bits });
    expect(Object.isFrozen(key)).toBe(true);
    const node = createPrivateKey({ key: Buffer.from(key.pkcs8), format: "der", type: "pkcs8" });
    const pub = createPublicKey({ key: Buffer.from(key.spki), format: "der", type: "spki" });
    const signature = sign("sha256", Buffer.from("x"), node);
    expect(verify("sha256", Buffer.from("x"), pub, signature)).toBe(true);
  });

  it("generates RSA 2048 with exponent 65537, several in parallel", async () => {
    const keys = await Promise.all([generateKey({ algorithm: "rsa", bits: 2048 }), generateKey({ algorithm: "rsa", bits: 2048 })]);
    for (const key of keys) {
      expect(key.algorithm).toBe("rsa");
      expect(key.bits).toBe(2048);
      expect(key.curve).toBeUndefined();
      const details = createPublicKey({ key: Buffer.from(key.spki), format: "der", type: "spki" }).asymmetricKeyDetails;
      expect(details?.publicExponent).toBe(65537n);
    }
    expect(Buffer.from(keys[0]!.spki).equals(Buffer.from(keys[1]!.spki))).toBe(false);
  });
});
