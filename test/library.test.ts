import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";

/**
 * The package as a user imports it: `import … from "othername"` resolved through package.json
 * "exports" to the built dist/ (npm test builds first), in a plain Node process.
 */
function runAsUser(script: string): string {
  return execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", cwd: process.cwd() });
}

describe('import from "othername"', () => {
  it("generates, reads back, validates and decides trust through the public API only", () => {
    const out = runAsUser(`
      import * as o from "othername";
      const now = new Date();
      const later = new Date(now.getTime() + 86400000);
      const caKey = await o.generateKey(o.parseKeySpec("ec:p256"));
      const caDer = await o.createCaCertificate({ key: caKey, notBefore: now, notAfter: later });
      const ca = o.parseCertificate(caDer);
      const issuer = await o.prepareIssuer({ certificate: ca, key: caKey }, { certificate: "ca", key: "ca" });
      const parsed = o.parseInstances("cluster: c1\\nscope: s1.account\\ninstances:\\n  - name: n1\\n  - name: n2\\n    cluster: c2\\n");
      if (!parsed.ok) throw new Error("instances");
      const plan = o.planGeneration(parsed.spec, { kind: "pkcs12", at: now, days: 1 });
      const result = await o.generateBundle({ plan, keySpec: o.parseKeySpec("ec:p256"), signing: { kind: "ca", issuer }, jobs: 2,
        keyFormat: "pkcs8", password: "pw", pkcs12: (c, p) => o.writePkcs12(c, p) });
      const loaded = o.loadTrustRestrictions({ fileName: "t.yml", text: 'trust.subject_name: ["*.node.c1.cluster.s1.account"]' });
      if (!loaded.ok) throw new Error(loaded.reason);
      const lines = [];
      for (const f of result.files.filter((f) => f.path.endsWith(".p12"))) {
        const file = await o.readCryptoFile(f.bytes, { source: f.path, password: "pw" });
        const leaf = file.certificates.find((e) => !e.certificate.isCa).certificate;
        const { decision } = o.checkCertificate({ leaf, intermediates: [], anchors: [ca], at: now, fields: [o.OTHER_NAME_FIELD], matcher: loaded.matcher });
        lines.push(leaf.san.otherNameCommonName[0] + " " + decision.trusted);
      }
      const lint = o.lintFile({ fileName: "t.yml", text: "trust.subject_name:\\n  - *.node.x.cluster.s1.account\\n" });
      lines.push(lint.findings[0].rule);
      try { await o.readCryptoFile(new Uint8Array([1, 2, 3]), { source: "junk" }); } catch (e) { lines.push(e instanceof o.OthernameError ? e.code : "other"); }
      console.log(lines.join("\\n"));
    `);
    expect(out.trim().split("\n")).toEqual(["n1.node.c1.cluster.s1.account true", "n2.node.c2.cluster.s1.account false", "unquoted-alias", "FORMAT_UNKNOWN"]);
  });

  it("has no side effects of its own on import and loads no CLI code", () => {
    // tslib (under @peculiar/asn1-*) defines its __helpers on globalThis when loaded: that one is
    // a dependency's doing and is allowed; anything else new on globalThis is ours and is not.
    const out = runAsUser(`
      const before = new Set(Object.keys(globalThis));
      const hadReflect = typeof Reflect.getMetadata;
      const o = await import("othername");
      const added = Object.keys(globalThis).filter((k) => !before.has(k) && !/^__[a-zA-Z]+$/.test(k));
      console.log(JSON.stringify({ added, reflect: hadReflect === typeof Reflect.getMetadata, yargs: Object.keys(o).some((k) => /yargs/i.test(k)) }));
    `);
    expect(JSON.parse(out)).toEqual({ added: [], reflect: true, yargs: false });
  });
});
