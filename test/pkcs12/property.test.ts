import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { OthernameError } from "../../src/errors.js";
import { readPkcs12 } from "../../src/pki/pkcs12/index.js";
import { fixture } from "./helpers.js";

const SEEDS = ["openssl-default.p12", "openssl-legacy.p12", "openssl-nomac.p12", "openssl-unencrypted.p12", "openssl-descert.p12", "keytool-trusted.p12"].map(
  (name) => ({ name, bytes: fixture(name) }),
);

type Mutation =
  | { readonly kind: "flip"; readonly at: number; readonly bit: number }
  | { readonly kind: "truncate"; readonly at: number }
  | { readonly kind: "splice"; readonly at: number; readonly remove: number; readonly insert: Uint8Array }
  | { readonly kind: "set"; readonly at: number; readonly value: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("splice" as const), at: fc.nat(), remove: fc.integer({ min: 0, max: 16 }), insert: fc.uint8Array({ maxLength: 16 }) }),
  // Lengths and tags live in single bytes: setting one to 0x00, 0x80, 0x84 or 0xff is the nasty case.
  fc.record({ kind: fc.constant("set" as const), at: fc.nat(), value: fc.constantFrom(0x00, 0x7f, 0x80, 0x81, 0x84, 0xff) }),
);

function apply(bytes: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let out = Uint8Array.from(bytes);
  for (const m of mutations) {
    if (out.length === 0) break;
    const at = m.at % out.length;
    switch (m.kind) {
      case "flip":
        out[at] = (out[at] as number) ^ (1 << m.bit);
        break;
      case "truncate":
        out = out.subarray(0, at);
        break;
      case "splice": {
        const next = new Uint8Array(out.length - Math.min(m.remove, out.length - at) + m.insert.length);
        next.set(out.subarray(0, at), 0);
        next.set(m.insert, at);
        next.set(out.subarray(at + m.remove), at + m.insert.length);
        out = next;
        break;
      }
      case "set":
        out[at] = m.value;
        break;
    }
  }
  return out;
}

describe("readPkcs12 on mutated files", () => {
  it("only ever throws OthernameError (typed codes), never anything else", async () => {
    const codes = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...SEEDS), fc.array(mutation, { minLength: 1, maxLength: 4 }), async (seed, mutations) => {
        const bytes = apply(seed.bytes, mutations);
        try {
          await readPkcs12(bytes, "changeit", { source: seed.name, maxIterations: 20_000 });
        } catch (error) {
          expect(error).toBeInstanceOf(OthernameError);
          const typed = error as OthernameError;
          expect(typed.kind).toBe("input");
          expect(typed.message).toContain(seed.name);
          codes.add(typed.code);
        }
      }),
      { numRuns: Number(process.env.PKCS12_FUZZ_RUNS ?? 300) },
    );
    // The mutations reach past the sniff: several distinct failures were exercised.
    expect(codes.has("PKCS12_CORRUPT")).toBe(true);
    expect(codes.has("NOT_PKCS12")).toBe(true);
  });
});
