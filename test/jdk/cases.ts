/**
 * The cases of the JDK differential test: certificate chains described as OpenSSL extension
 * sections, one group per feature of issue #12 plus seeded random mixes. Pure data: make.ts turns
 * them into files with openssl.
 *
 * Every chain is root → [intermediate] → leaf, the root shared by all cases and trusted; each
 * certificate is an OpenSSL `[ext]` section (extensions config syntax, `DER:` for raw bytes).
 */
export interface CertSpec {
  readonly subject: string;
  /** OpenSSL extension lines of the `[ext]` section; more sections may follow after a blank line. */
  readonly ext: readonly string[];
  readonly sections?: string;
}

export interface CaseSpec {
  readonly id: string;
  readonly group: string;
  /** Issued by the root; the leaf is issued by it when present, else by the root. */
  readonly intermediate?: CertSpec;
  readonly leaf: CertSpec;
}

const CA_EXT = ["basicConstraints = critical,CA:TRUE", "keyUsage = critical,keyCertSign,cRLSign", "subjectKeyIdentifier = hash", "authorityKeyIdentifier = keyid"];
const LEAF_EXT = ["basicConstraints = critical,CA:FALSE", "subjectKeyIdentifier = hash", "authorityKeyIdentifier = keyid"];

const ON_A = "a00a0603550403a0030c0141"; // otherName 2.5.4.3 [0] UTF8String "A"

const hex = (text: string, encoding: BufferEncoding = "utf8") => Buffer.from(text, encoding).toString("hex");
function tlv(tag: number, contentHex: string): string {
  const length = contentHex.length / 2;
  const lengthHex = length < 0x80 ? length.toString(16).padStart(2, "0") : length < 0x100 ? `81${length.toString(16).padStart(2, "0")}` : `82${length.toString(16).padStart(4, "0")}`;
  return tag.toString(16).padStart(2, "0") + lengthHex + contentHex;
}
/** otherName 2.5.4.3 whose value field holds `valueHex` (normally [0] EXPLICIT around a string). */
const otherName = (valueHex: string, oidHex = "0603550403") => tlv(0xa0, oidHex + valueHex);
const cnValue = (tag: number, contentHex: string) => otherName(tlv(0xa0, tlv(tag, contentHex)));
const sanDer = (entriesHex: string, critical = false) => `subjectAltName = ${critical ? "critical," : ""}DER:${tlv(0x30, entriesHex)}`;

function leaf(subject: string, ...ext: string[]): CertSpec {
  return { subject, ext: [...LEAF_EXT, ...ext] };
}
function intermediate(ext: readonly string[], sections?: string): CertSpec {
  return { subject: "/O=Acme/CN=Intermediate", ext: [...CA_EXT, ...ext], ...(sections ? { sections } : {}) };
}

/** Names: how Elasticsearch reads the leaf's SAN through the JDK (DESIGN.md, "Names a certificate carries"). */
function nameCases(): CaseSpec[] {
  const values: [string, string][] = [
    ["utf8", cnValue(0x0c, hex("node1.node.c.cluster.s.account"))],
    ["utf8-non-ascii", cnValue(0x0c, hex("café.node.c.cluster.s.account"))],
    ["utf8-astral", cnValue(0x0c, hex("𝕏.node"))],
    ["bmp", cnValue(0x1e, hex("node.bmp", "utf16le").replace(/(..)(..)/g, "$2$1"))],
    ["bmp-odd-length", cnValue(0x1e, "006e006f00")],
    ["bmp-lone-high-surrogate", cnValue(0x1e, "0041d8000042")],
    ["bmp-lone-low-surrogate", cnValue(0x1e, "0041dc000042")],
    ["bmp-high-surrogate-at-end", cnValue(0x1e, "0041d800")],
    ["bmp-pair", cnValue(0x1e, "d835dd4f")],
    ["utf8-encoded-surrogate", cnValue(0x0c, "41eda080" + "42")],
    ["utf8-truncated-end", cnValue(0x0c, "41e282")],
    ["utf8-truncated-middle", cnValue(0x0c, "41e28241")],
    ["utf8-overlong", cnValue(0x0c, "c0afe08080")],
    ["utf8-lone-continuation", cnValue(0x0c, "80bf41")],
    ["utf8-f5-ff", cnValue(0x0c, "f5808080f8ff")],
    ["utf8-4byte-cut", cnValue(0x0c, "f09080" + "41")],
    ["utf8-above-10ffff", cnValue(0x0c, "f4908080")],
    ["numeric", cnValue(0x12, hex("12345"))],
    ["printable", cnValue(0x13, hex("node.printable"))],
    ["t61", cnValue(0x14, hex("node.t61"))],
    ["videotex", cnValue(0x15, hex("node.videotex"))],
    ["ia5", cnValue(0x16, hex("node.ia5"))],
    ["ia5-latin1", cnValue(0x16, "6e6f6465e9")],
    ["graphic", cnValue(0x19, hex("node.graphic"))],
    ["visible", cnValue(0x1a, hex("node.visible"))],
    ["general", cnValue(0x1b, hex("node.general"))],
    ["universal", cnValue(0x1c, "00000041")],
    ["octets", cnValue(0x04, "deadbeef")],
    ["integer", cnValue(0x02, "01")],
    ["double-tag", otherName(tlv(0xa0, tlv(0xa0, tlv(0x0c, hex("node6.double"))))) ],
    ["no-wrapper", otherName(tlv(0x0c, hex("node.bare")))],
    ["wrapper-1", otherName(tlv(0xa1, tlv(0x0c, hex("node.wrap1"))))],
    ["empty-wrapper", otherName("a000")],
    ["two-values", otherName(tlv(0xa0, tlv(0x0c, hex("first")) + tlv(0x0c, hex("second"))))],
    ["constructed-utf8", otherName(tlv(0xa0, tlv(0x2c, tlv(0x0c, hex("x")))))],
    ["other-oid", otherName(tlv(0xa0, tlv(0x0c, hex("upn@x"))), "060a2b060104018237140203")],
    ["trailing-after-value", otherName(tlv(0xa0, tlv(0x0c, hex("t"))) + "0500")],
  ];
  const cases: CaseSpec[] = values.map(([id, entry]) => ({ id: `names/${id}`, group: "names", leaf: leaf(`/CN=${id}`, sanDer(entry + ON_A.replace("0141", "0142"))) }));
  const dns = (name: string, encoding: BufferEncoding = "latin1") => tlv(0x82, hex(name, encoding));
  const sans: [string, string, boolean?][] = [
    ["dns-plain", dns("node.example") + dns("*.wild.example") + ON_A],
    ["dns-no-syntax-check", dns("a b") + dns("") + dns("-x.") + ON_A],
    ["dns-non-ascii", dns("caf\u00e9") + ON_A],
    ["ip-5-octets", tlv(0x87, "0102030405") + ON_A],
    ["ip-8-octets", tlv(0x87, "0a0000000ff00000") + ON_A],
    ["ip-empty", tlv(0x87, "") + ON_A],
    ["uri-no-scheme", tlv(0x86, hex("example.com")) + ON_A],
    ["uri-ok", tlv(0x86, hex("https://x.example/p")) + ON_A],
    ["email-empty", tlv(0x81, "") + ON_A],
    ["email-at-only", tlv(0x81, hex("@")) + ON_A],
    ["email-no-at", tlv(0x81, hex("abc")) + ON_A],
    ["othername-primitive", "80050603550403" + ON_A],
    ["othername-oid-only", tlv(0xa0, "0603550403") + ON_A],
    ["tag-9", "890141" + ON_A],
    ["universal-tag", "160141" + ON_A],
    ["dns-constructed", tlv(0xa2, "160141") + ON_A],
    ["directory-name", tlv(0xa4, "300f310d300b06035504030c046e6f6465") + ON_A],
    ["directory-name-bad", tlv(0xa4, "0400") + ON_A],
    ["registered-id", "88032a0304" + ON_A],
    ["x400", tlv(0xa3, "3000") + ON_A],
    ["empty-sequence", ""],
  ];
  for (const [id, entries] of sans) {
    cases.push({ id: `names/san-${id}`, group: "names", leaf: leaf(`/CN=${id}`, sanDer(entries)) });
    cases.push({ id: `names/san-${id}-critical`, group: "names", leaf: leaf(`/CN=${id}`, sanDer(entries, true)) });
  }
  return cases;
}

/** Name constraints of every form on the intermediate (RFC 5280 §4.2.1.10). */
function nameConstraintCases(): CaseSpec[] {
  const cases: CaseSpec[] = [];
  const forms: { form: string; constraint: string; sections?: string; inside: string[]; outside: string[] }[] = [
    { form: "dns", constraint: "DNS:example.com", inside: ["/CN=leaf", "subjectAltName = DNS:a.example.com"], outside: ["/CN=leaf", "subjectAltName = DNS:a.evil.com"] },
    { form: "dns-cn-only", constraint: "DNS:example.com", inside: ["/CN=a.example.com"], outside: ["/CN=a.evil.com"] },
    { form: "ip", constraint: "IP:10.0.0.0/255.0.0.0", inside: ["/CN=leaf", "subjectAltName = IP:10.1.2.3"], outside: ["/CN=leaf", "subjectAltName = IP:11.1.2.3"] },
    { form: "ip-cn-only", constraint: "IP:10.0.0.0/255.0.0.0", inside: ["/CN=10.1.2.3"], outside: ["/CN=11.1.2.3"] },
    { form: "dirname", constraint: "dirName:nc_dir", sections: "[nc_dir]\nO = Acme\n", inside: ["/O=Acme/CN=leaf"], outside: ["/O=Evil/CN=leaf"] },
    { form: "email", constraint: "email:example.com", inside: ["/CN=leaf", "subjectAltName = email:ops@example.com"], outside: ["/CN=leaf", "subjectAltName = email:ops@evil.com"] },
    { form: "email-subject", constraint: "email:example.com", inside: ["/CN=leaf/emailAddress=ops@example.com"], outside: ["/CN=leaf/emailAddress=ops@evil.com"] },
    { form: "uri", constraint: "URI:.example.com", inside: ["/CN=leaf", "subjectAltName = URI:https://a.example.com/x"], outside: ["/CN=leaf", "subjectAltName = URI:https://evil.com/x"] },
    { form: "othername", constraint: "otherName:2.5.4.3;UTF8:node", inside: ["/CN=leaf", "subjectAltName = otherName:2.5.4.3;UTF8:node"], outside: ["/CN=leaf", "subjectAltName = otherName:2.5.4.3;UTF8:other"] },
    { form: "othername-leaf-without", constraint: "otherName:2.5.4.3;UTF8:node", inside: ["/CN=leaf", "subjectAltName = DNS:x.example"], outside: ["/CN=leaf"] },
  ];
  for (const { form, constraint, sections, inside, outside } of forms) {
    for (const kind of ["permitted", "excluded"]) {
      for (const critical of [true, false]) {
        const nc = `nameConstraints = ${critical ? "critical," : ""}${kind};${constraint}`;
        for (const [where, [subject, ...ext]] of [["inside", inside], ["outside", outside]] as const) {
          cases.push({
            id: `nc/${form}-${kind}-${critical ? "critical" : "noncritical"}-${where}`,
            group: "name constraints",
            intermediate: intermediate([nc], sections),
            leaf: leaf(subject as string, ...ext),
          });
        }
      }
    }
  }
  return cases;
}

/** Certificate policies, policyConstraints, inhibitAnyPolicy and mappings (RFC 5280 §6.1). */
function policyCases(): CaseSpec[] {
  const P1 = "1.2.3.1";
  const P2 = "1.2.3.2";
  const ANY = "2.5.29.32.0";
  const rows: [string, string[], string[]][] = [
    ["require-0-leaf-none", ["policyConstraints = critical,requireExplicitPolicy:0"], []],
    ["require-0-noncritical-leaf-none", ["policyConstraints = requireExplicitPolicy:0"], []],
    ["require-0-both-p1", ["policyConstraints = critical,requireExplicitPolicy:0", `certificatePolicies = ${P1}`], [`certificatePolicies = ${P1}`]],
    ["require-0-int-p1-leaf-p2", ["policyConstraints = critical,requireExplicitPolicy:0", `certificatePolicies = ${P1}`], [`certificatePolicies = ${P2}`]],
    ["require-0-int-any-leaf-p2", ["policyConstraints = critical,requireExplicitPolicy:0", `certificatePolicies = ${ANY}`], [`certificatePolicies = ${P2}`]],
    ["require-0-int-p1-leaf-any", ["policyConstraints = critical,requireExplicitPolicy:0", `certificatePolicies = ${P1}`], [`certificatePolicies = ${ANY}`]],
    ["require-1-leaf-none", ["policyConstraints = critical,requireExplicitPolicy:1"], []],
    ["require-1-int-p1-leaf-none", ["policyConstraints = critical,requireExplicitPolicy:1", `certificatePolicies = ${P1}`], []],
    ["require-2-leaf-none", ["policyConstraints = critical,requireExplicitPolicy:2"], []],
    ["inhibit-any-0", ["inhibitAnyPolicy = critical,0", `certificatePolicies = ${ANY}`, "policyConstraints = critical,requireExplicitPolicy:0"], [`certificatePolicies = ${ANY}`]],
    ["inhibit-any-0-leaf-p1", ["inhibitAnyPolicy = critical,0", `certificatePolicies = ${ANY}`, "policyConstraints = critical,requireExplicitPolicy:0"], [`certificatePolicies = ${P1}`]],
    ["inhibit-any-1-leaf-any", ["inhibitAnyPolicy = critical,1", `certificatePolicies = ${ANY}`, "policyConstraints = critical,requireExplicitPolicy:0"], [`certificatePolicies = ${ANY}`]],
    ["inhibit-any-0-no-require", ["inhibitAnyPolicy = critical,0", `certificatePolicies = ${ANY}`], [`certificatePolicies = ${ANY}`]],
    ["mapping-p1-p2", [`certificatePolicies = ${P1}`, `policyMappings = critical,${P1}:${P2}`, "policyConstraints = critical,requireExplicitPolicy:0"], [`certificatePolicies = ${P2}`]],
    ["mapping-p1-p2-leaf-p1", [`certificatePolicies = ${P1}`, `policyMappings = critical,${P1}:${P2}`, "policyConstraints = critical,requireExplicitPolicy:0"], [`certificatePolicies = ${P1}`]],
    ["mapping-inhibited", [`certificatePolicies = ${P1}`, `policyMappings = critical,${P1}:${P2}`, "policyConstraints = critical,requireExplicitPolicy:0,inhibitPolicyMapping:0"], [`certificatePolicies = ${P2}`]],
    ["mapping-noncritical", [`certificatePolicies = ${P1}`, `policyMappings = ${P1}:${P2}`, "policyConstraints = critical,requireExplicitPolicy:0"], [`certificatePolicies = ${P2}`]],
    ["mapping-from-any", [`certificatePolicies = ${ANY}`, `policyMappings = critical,${ANY}:${P2}`], []],
    ["int-p1-leaf-p2-no-require", [`certificatePolicies = ${P1}`], [`certificatePolicies = ${P2}`]],
    ["leaf-critical-policies", [], [`certificatePolicies = critical,${P1}`]],
    ["int-critical-policies-leaf-none", [`certificatePolicies = critical,${P1}`], []],
    ["require-0-critical-policies", ["policyConstraints = critical,requireExplicitPolicy:0", `certificatePolicies = critical,${P1},${P2}`], [`certificatePolicies = critical,${P2}`]],
  ];
  return rows.map(([id, intExt, leafExt]) => ({ id: `policy/${id}`, group: "policies", intermediate: intermediate(intExt), leaf: leaf("/CN=leaf", ...leafExt) }));
}

const EKUS = ["", "serverAuth", "clientAuth", "serverAuth,clientAuth", "anyExtendedKeyUsage", "emailProtection", "codeSigning,serverAuth", "1.3.6.1.4.1.311.10.3.3", "2.16.840.1.113730.4.1"];
const KUS = ["", "critical,digitalSignature", "critical,keyEncipherment", "keyAgreement", "digitalSignature,keyEncipherment", "critical,keyCertSign"];
const NS_TYPES = ["", "client", "server", "client,server", "email"];

/** The JDK's TLS end-entity checks: EKU × KU on the leaf, and Netscape cert type with a few EKUs. */
function endEntityCases(): CaseSpec[] {
  const cases: CaseSpec[] = [];
  const ext = (eku: string, ku: string, ns: string) => [
    ...(eku ? [`extendedKeyUsage = ${eku}`] : []),
    ...(ku ? [`keyUsage = ${ku}`] : []),
    ...(ns ? [`nsCertType = ${ns}`] : []),
  ];
  for (const eku of EKUS) for (const ku of KUS) cases.push({ id: `tls/eku=${eku || "none"};ku=${ku || "none"}`, group: "tls end entity", leaf: leaf("/CN=leaf", ...ext(eku, ku, "")) });
  for (const ns of NS_TYPES.slice(1)) {
    for (const eku of ["", "serverAuth", "clientAuth", "anyExtendedKeyUsage"]) {
      cases.push({ id: `tls/ns=${ns};eku=${eku || "none"}`, group: "tls end entity", leaf: leaf("/CN=leaf", ...ext(eku, "", ns)) });
    }
  }
  return cases;
}

/** A small seeded generator (mulberry32): the same cases on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random mixes of the features above, with an otherName and DNS name on every leaf. */
function randomCases(count: number, seed: number): CaseSpec[] {
  const next = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  const maybe = (p: number) => next() < p;
  const cases: CaseSpec[] = [];
  for (let i = 0; i < count; i++) {
    const intExt: string[] = [];
    let sections = "";
    if (maybe(0.5)) {
      const parts = [
        pick(["permitted;DNS:example.com", "excluded;DNS:evil.com", "permitted;DNS:.example.com"]),
        ...(maybe(0.4) ? [pick(["permitted;IP:10.0.0.0/255.0.0.0", "excluded;IP:10.9.0.0/255.255.0.0"])] : []),
        ...(maybe(0.3) ? [pick(["permitted;dirName:nc_dir", "excluded;dirName:nc_dir"])] : []),
        ...(maybe(0.2) ? [pick(["permitted;email:example.com", "excluded;URI:.evil.com"])] : []),
        ...(maybe(0.1) ? ["permitted;otherName:2.5.4.3;UTF8:n"] : []),
      ];
      if (parts.some((p) => p.includes("dirName"))) sections = `[nc_dir]\nO = ${pick(["Acme", "Evil"])}\n`;
      intExt.push(`nameConstraints = ${maybe(0.8) ? "critical," : ""}${parts.join(",")}`);
    }
    const intPolicy = maybe(0.4) ? pick(["1.2.3.1", "2.5.29.32.0", "1.2.3.1,1.2.3.2"]) : "";
    if (intPolicy) intExt.push(`certificatePolicies = ${intPolicy}`);
    if (maybe(0.3)) intExt.push(`policyConstraints = critical,requireExplicitPolicy:${pick([0, 0, 1, 2])}`);
    if (intPolicy && maybe(0.2)) intExt.push(`inhibitAnyPolicy = critical,${pick([0, 1])}`);
    if (intPolicy.startsWith("1.2.3.1") && maybe(0.3)) intExt.push("policyMappings = critical,1.2.3.1:1.2.3.2");
    const leafExt: string[] = [];
    const cn = pick(["leaf", "a.example.com", "b.evil.com", "10.1.2.3"]);
    const subject = `/O=${pick(["Acme", "Evil"])}/CN=${cn}`;
    const san = [
      `otherName:2.5.4.3;UTF8:${pick(["n", "node1.node.c.cluster.s.account"])}`,
      ...(maybe(0.6) ? [`DNS:${pick(["a.example.com", "x.evil.com", "c.example.org"])}`] : []),
      ...(maybe(0.3) ? [`IP:${pick(["10.1.2.3", "10.9.1.1", "192.168.0.1"])}`] : []),
      ...(maybe(0.15) ? [`email:${pick(["o@example.com", "o@evil.com"])}`] : []),
    ];
    leafExt.push(`subjectAltName = ${san.join(",")}`);
    if (maybe(0.5)) leafExt.push(`extendedKeyUsage = ${pick(EKUS.slice(1))}`);
    if (maybe(0.4)) leafExt.push(`keyUsage = ${pick(KUS.slice(1))}`);
    if (maybe(0.15)) leafExt.push(`nsCertType = ${pick(NS_TYPES.slice(1))}`);
    if (maybe(0.3)) leafExt.push(`certificatePolicies = ${pick(["1.2.3.1", "1.2.3.2", "2.5.29.32.0"])}`);
    const direct = maybe(0.15);
    cases.push({
      id: `random/${seed}-${i}`,
      group: "random mixes",
      ...(direct ? {} : { intermediate: intermediate(intExt, sections || undefined) }),
      leaf: leaf(subject, ...leafExt),
    });
  }
  return cases;
}

export function differentialCases(): CaseSpec[] {
  return [...nameCases(), ...nameConstraintCases(), ...policyCases(), ...endEntityCases(), ...randomCases(120, 12)];
}
