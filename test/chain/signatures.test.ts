import "reflect-metadata";
import { describe, expect, it } from "vitest";
import { validateChain } from "../../src/pki/chain.js";
import { AT, makeCa, makeLeaf, newKeys, type KeyKind } from "./mini-ca.js";
import { opensslVerify } from "./openssl.js";

/** Each signature scheme of the issue, verified by us and by openssl, then tampered with. */
const rsa = await newKeys("rsa2048");

const schemes: readonly { name: string; kind: KeyKind; hash?: "SHA-256" | "SHA-384" | "SHA-512"; pss?: boolean; expectOid: string }[] = [
  { name: "RSA PKCS#1 v1.5 SHA-256", kind: "rsa2048", hash: "SHA-256", expectOid: "1.2.840.113549.1.1.11" },
  { name: "RSA PKCS#1 v1.5 SHA-384", kind: "rsa2048", hash: "SHA-384", expectOid: "1.2.840.113549.1.1.12" },
  { name: "RSA PKCS#1 v1.5 SHA-512", kind: "rsa2048", hash: "SHA-512", expectOid: "1.2.840.113549.1.1.13" },
  { name: "RSA-PSS SHA-256", kind: "rsa2048", hash: "SHA-256", pss: true, expectOid: "1.2.840.113549.1.1.10" },
  { name: "ECDSA P-256 SHA-256", kind: "p256", hash: "SHA-256", expectOid: "1.2.840.10045.4.3.2" },
  { name: "ECDSA P-384 SHA-384", kind: "p384", hash: "SHA-384", expectOid: "1.2.840.10045.4.3.3" },
  { name: "ECDSA P-521 SHA-512", kind: "p521", hash: "SHA-512", expectOid: "1.2.840.10045.4.3.4" },
  { name: "Ed25519", kind: "ed25519", expectOid: "1.3.101.112" },
];

describe("signature schemes", () => {
  it.each(schemes.map((s) => [s.name, s] as const))("%s", async (_name, scheme) => {
    const caKeys = scheme.kind === "rsa2048" ? rsa : await newKeys(scheme.kind);
    const root = await makeCa(`CN=${scheme.name} Root`, undefined, { keys: caKeys, ...(scheme.hash ? { hash: scheme.hash } : {}), ...(scheme.pss ? { pss: true } : {}) });
    const leaf = await makeLeaf("CN=leaf", root, { ...(scheme.hash ? { hash: scheme.hash } : {}), ...(scheme.pss ? { pss: true } : {}) });
    expect(leaf.certificate.signatureAlgorithm.oid).toBe(scheme.expectOid);

    const good = validateChain({ leaf: leaf.certificate, intermediates: [], anchors: [root.certificate], at: AT });
    expect(good.failures).toEqual([]);
    expect((await opensslVerify({ leaf: leaf.pem, anchors: [root.pem], untrusted: [], at: AT })).ok).toBe(true);

    // Flip one bit in the signature: the leaf no longer verifies, for openssl either.
    const der = new Uint8Array(leaf.certificate.der);
    der[der.length - 5] = (der[der.length - 5] as number) ^ 0x01;
    const { parseCertificate } = await import("../../src/pki/certificate.js");
    const { encodePem } = await import("../../src/pki/pem.js");
    const tampered = parseCertificate(der);
    const bad = validateChain({ leaf: tampered, intermediates: [], anchors: [root.certificate], at: AT });
    expect(bad.ok).toBe(false);
    expect(bad.failures.map((f) => [f.index, f.code])).toEqual([[0, "BAD_SIGNATURE"]]);
    expect((await opensslVerify({ leaf: encodePem("CERTIFICATE", der), anchors: [root.pem], untrusted: [], at: AT })).ok).toBe(false);
  });
});
