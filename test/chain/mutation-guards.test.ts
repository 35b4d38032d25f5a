import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { describe, expect, it } from "vitest";
import { parseCertificate } from "../../src/pki/certificate.js";
import { validateChain } from "../../src/pki/chain.js";
import { AT, makeCa, makeLeaf, newKeys } from "./mini-ca.js";

/**
 * Cases that let mutants through before (issue 13, item 8): each test here fails when the
 * validator checks signatures only on the leaf's link, or skips keyUsage on the trust anchor.
 * scripts/mutation-check.mjs applies those mutants and runs this file.
 */
describe("a bad signature on an intermediate's link is reported at the intermediate", () => {
  it("an intermediate signed by another key: BAD_SIGNATURE at index 1", async () => {
    const root = await makeCa("CN=Guard Root");
    const stranger = await newKeys();
    const intermediate = await makeCa("CN=Guard Intermediate", root, { signWith: stranger });
    const leaf = await makeLeaf("CN=guard leaf", intermediate);
    const result = validateChain({ leaf: leaf.certificate, intermediates: [intermediate.certificate], anchors: [root.certificate], at: AT });
    expect(result.ok).toBe(false);
    expect(result.failures.map((f) => [f.index, f.code])).toEqual([[1, "BAD_SIGNATURE"]]);
  });

  it("an intermediate with one signature byte flipped: BAD_SIGNATURE at index 1, the leaf's link still good", async () => {
    const root = await makeCa("CN=Flip Root");
    const intermediate = await makeCa("CN=Flip Intermediate", root);
    const leaf = await makeLeaf("CN=flip leaf", intermediate);
    const der = new Uint8Array(intermediate.certificate.der);
    der[der.length - 3] = (der[der.length - 3] as number) ^ 0x01; // inside the signature value, at the end
    const tampered = parseCertificate(der);
    const result = validateChain({ leaf: leaf.certificate, intermediates: [tampered], anchors: [root.certificate], at: AT });
    expect(result.ok).toBe(false);
    expect(result.failures.map((f) => [f.index, f.code])).toEqual([[1, "BAD_SIGNATURE"]]);
  });
});

describe("the trust anchor's keyUsage is checked like any issuer's (OpenSSL's default, validate-path.ts)", () => {
  it("an anchor whose keyUsage lacks keyCertSign fails at the anchor", async () => {
    const root = await makeCa("CN=No CertSign Root", undefined, { keyUsage: x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.cRLSign });
    const leaf = await makeLeaf("CN=leaf under it", root);
    const direct = validateChain({ leaf: leaf.certificate, intermediates: [], anchors: [root.certificate], at: AT });
    expect(direct.failures.map((f) => [f.index, f.code])).toEqual([[1, "MISSING_KEY_CERT_SIGN"]]);

    const intermediate = await makeCa("CN=Fine Intermediate", root);
    const deep = await makeLeaf("CN=deep leaf", intermediate);
    const throughIntermediate = validateChain({ leaf: deep.certificate, intermediates: [intermediate.certificate], anchors: [root.certificate], at: AT });
    expect(throughIntermediate.failures.map((f) => [f.index, f.code])).toEqual([[2, "MISSING_KEY_CERT_SIGN"]]);
  });
});
