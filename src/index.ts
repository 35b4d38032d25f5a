/**
 * othername as a library: the same powers as the CLI, as typed functions. Pure functions take
 * bytes and strings and return values; nothing here reads files, prints or touches the
 * environment, and importing this module has no side effects.
 *
 * @example Read whatever a user hands you (PEM, DER or PKCS#12, detected from content):
 * ```ts
 * import { readFile } from "node:fs/promises";
 * import { readCryptoFile } from "othername";
 * const file = await readCryptoFile(await readFile("node1.p12"), { source: "node1.p12", password: "changeit" });
 * console.log(file.certificates[0]?.certificate.san.otherNameCommonName);
 * ```
 *
 * @packageDocumentation
 */

export { OthernameError, ExitCode, exitCodeFor } from "./errors.js";
export type { ErrorKind } from "./errors.js";

// ---- Reading: PEM, certificates, names, keys, PKCS#12 -------------------------------------

/**
 * Decodes every PEM block of a text (any number of blocks, CRLF, leading text, RFC 1421 headers).
 * @example
 * ```ts
 * const [block] = decodePem(await readFile("ca.crt", "utf8"));
 * const ca = parseCertificate(block!.der);
 * ```
 */
export { decodePem, encodePem, looksLikePem } from "./pki/pem.js";
export type { PemBlock } from "./pki/pem.js";

/**
 * Parses one DER certificate into an immutable value whose `san.otherNameCommonName` holds
 * exactly the names Elasticsearch's trust restrictions match.
 * @example
 * ```ts
 * const cert = parseCertificate(der);
 * cert.subject;                     // "CN=node1"
 * cert.san.otherNameCommonName;     // ["node1.node.abc123.cluster.s1.account"]
 * ```
 */
export { parseCertificate } from "./pki/certificate.js";
export type { Certificate, CertificateExtension, PublicKeyInfo } from "./pki/certificate.js";

/**
 * Reads and writes the SubjectAltName extension with Elasticsearch's semantics.
 * @example
 * ```ts
 * const value = encodeSubjectAltName({ otherNameCommonName: ["n1.node.c1.cluster.s1.account"], dns: ["n1.local"] });
 * readSubjectAltNames(value!).otherNameCommonName; // ["n1.node.c1.cluster.s1.account"]
 * ```
 */
export { readSubjectAltNames, encodeSubjectAltName } from "./pki/names.js";
export type { SubjectAltNames, SubjectAltNameInput } from "./pki/names.js";

/**
 * Reads a PEM, DER or PKCS#12 file's certificates, keys and requests, detected from content.
 * @example
 * ```ts
 * const file = await readCryptoFile(bytes, { source: "bundle.pem" });
 * file.keys[0]?.certificateIndex; // the certificate this key belongs to
 * ```
 */
export { readCryptoFile } from "./pki/read.js";
export type { CryptoFile, CryptoFileFormat, CertificateEntry, KeyEntry, ReadOptions } from "./pki/read.js";

/**
 * Private keys: generate, read (PKCS#1, PKCS#8, encrypted PKCS#8, SEC1, legacy DEK-Info PEM) and export.
 * @example
 * ```ts
 * const key = await generateKey(parseKeySpec("ec:p256"));
 * const pem = exportPrivateKeyPem(key, { format: "pkcs8", password: "secret" });
 * const again = readPrivateKey(new TextEncoder().encode(pem), { source: "node1.key", password: "secret" });
 * ```
 */
export { generateKey, parseKeySpec, formatKeySpec, readPrivateKey, exportPrivateKeyPem, exportPrivateKeyDer } from "./pki/keys.js";
export type { PrivateKey, KeySpec, KeyAlgorithm, NamedCurve } from "./pki/keys.js";

/**
 * PKCS#12 keystores: every real-world file in, files OpenSSL 3, Java and Elasticsearch read out.
 * @example
 * ```ts
 * const p12 = await writePkcs12({ key: { pkcs8: key.pkcs8, certificate: der, alias: "node1" },
 *   trustedCertificates: [{ der: caDer, alias: "ca" }] }, "changeit");
 * const contents = await readPkcs12(p12, "changeit");
 * ```
 */
export { readPkcs12, writePkcs12, isPkcs12 } from "./pki/pkcs12/index.js";
export type { Pkcs12Contents, Pkcs12Key, Pkcs12Certificate, WritePkcs12Input, WritePkcs12Options } from "./pki/pkcs12/index.js";

/**
 * PKCS#10 requests carrying the otherName SAN, and their parser.
 * @example
 * ```ts
 * const csr = await createCsr({ key, subject: "CN=node1", san: { otherNameCommonName: ["node1.node.c1.cluster.s1.account"] } });
 * parseCsr(csr).signatureValid; // true
 * ```
 */
export { createCsr, parseCsr } from "./pki/csr.js";
export type { Csr, CreateCsrOptions } from "./pki/csr.js";

// ---- Generating: CA, leaves, instances.yaml ----------------------------------------------

/**
 * CA and leaf construction as elasticsearch-certutil does it; every leaf is verified against the CA.
 * @example
 * ```ts
 * const caKey = await generateKey({ algorithm: "ec", curve: "P-256" });
 * const caDer = await createCaCertificate({ key: caKey, notBefore: now, notAfter: later });
 * const issuer = await prepareIssuer({ certificate: parseCertificate(caDer), key: caKey }, { certificate: "ca.crt", key: "ca.key" });
 * ```
 */
export { createCaCertificate, prepareIssuer, issueSelfSigned } from "./pki/issue.js";
export type { CaRequest, LeafRequest, Issuer } from "./pki/issue.js";

/**
 * instances.yaml: parse with positions, validate every rule at once, plan, and generate in memory.
 * @example
 * ```ts
 * const parsed = parseInstances(text);
 * if (!parsed.ok) for (const d of parsed.diagnostics) console.error(formatDiagnostic("instances.yml", d));
 * else {
 *   const plan = planGeneration(parsed.spec, { kind: "pem", at: new Date(), days: 1095 });
 *   const { files } = await generateBundle({ plan, keySpec, signing: { kind: "ca", issuer }, jobs: 4, keyFormat: "pkcs8", password: undefined });
 * }
 * ```
 */
export { parseInstances, planGeneration, formatDiagnostic } from "./instances/index.js";
export type { Diagnostic, InstancesSpec, InstanceSpec, GenerationPlan, InstancePlan } from "./instances/index.js";
export { generateBundle } from "./instances/generate.js";
export type { GenerateOptions, GenerationResult, GeneratedFile } from "./instances/generate.js";

// ---- Validating and deciding trust --------------------------------------------------------

/**
 * RFC 5280 path building and validation at an explicit time, with specific failure codes.
 * @example
 * ```ts
 * const result = validateChain({ leaf, intermediates: [], anchors: [ca], at: new Date() });
 * if (!result.ok) console.log(result.failures.map((f) => f.code)); // e.g. ["EXPIRED"]
 * ```
 */
export { validateChain } from "./pki/chain.js";
export type { ChainResult, ChainFailure, ChainFailureCode, ChainInput } from "./pki/chain.js";

/**
 * trust_restrictions files loaded exactly as Elasticsearch loads them, and the compiled matcher.
 * @example
 * ```ts
 * const loaded = loadTrustRestrictions({ fileName: "trust.yml", text: 'trust.subject_name: ["*.node.c1.cluster.s1.account"]' });
 * if (loaded.ok) loaded.matcher.firstMatch("n1.node.c1.cluster.s1.account");
 * ```
 */
export { loadTrustRestrictions, readTrustRestrictions } from "./trust/restrictions.js";
export type { TrustRestrictionsLoad, TrustRestrictionsRead, SourcePattern } from "./trust/restrictions.js";
export { compilePattern, compileMatcher } from "./trust/pattern.js";
export type { CompiledPattern, PatternMatcher } from "./trust/pattern.js";

/**
 * "Would Elasticsearch accept this peer?": chain first, then names, with Elasticsearch's message.
 * @example
 * ```ts
 * const { decision } = checkCertificate({ leaf, intermediates: [], anchors: [ca], at: new Date(),
 *   fields: ["subjectAltName.otherName.commonName"], matcher: loaded.matcher });
 * decision.trusted; decision.message; decision.explanation.nearestMiss;
 * ```
 */
export { checkCertificate, certificateCheckReport } from "./trust/check-certificate.js";
export type { CertificateCheck, CertificateCheckInput, CertificateCheckReport } from "./trust/check-certificate.js";
export { decideTrust, parseTrustFields, OTHER_NAME_FIELD, DNS_NAME_FIELD } from "./trust/decide.js";
export type { TrustDecision, TrustField } from "./trust/decide.js";

/**
 * Lint a trust_restrictions (or instances) file: findings with line, column and safe fixes.
 * @example
 * ```ts
 * const { findings } = lintFile({ fileName: "trust.yml", text });
 * const { text: fixed } = fixFile({ fileName: "trust.yml", text });
 * ```
 */
export { lintFile, lintTrustRestrictions, lintInstances, fixFile, LINT_RULES } from "./trust/lint.js";
export type { LintFinding, LintFix, LintRule, LintSeverity } from "./trust/lint.js";

// ---- Elastic Cloud Enterprise -------------------------------------------------------------

/**
 * The ECE client and the read → merge → PUT cycle that never loses an existing trust entry.
 * @example
 * ```ts
 * const client = new EceClient({ url: "https://ece:12443", auth: { kind: "apiKey", apiKey } });
 * await updateDeploymentTrust(client, { deploymentId }, (trust) => upsertDirectTrust(trust, entry), { validateOnly: false });
 * ```
 */
export { EceClient } from "./ece/client.js";
export type { EceClientOptions, EceAuth } from "./ece/client.js";
export { updateDeploymentTrust } from "./ece/update-trust.js";
export { upsertDirectTrust, removeDirectTrust, diffTrust, formatTrustDiff, validateDirectTrust } from "./ece/trust.js";
export type { DirectTrustRelationship, ElasticsearchClusterTrustSettings } from "./ece/model.js";

// ---- Trust restrictions on your own TLS endpoints ------------------------------------------

/**
 * Elasticsearch-style trust restrictions for a Node TLS server's client certificates.
 * @example
 * ```ts
 * const checker = createPeerChecker({ caCertificates: caPem, patterns: ["*.node.prod-eu.cluster.s1.account"] });
 * tls.createServer({ key, cert, ca: caPem, requestCert: true, rejectUnauthorized: true }, (socket) => {
 *   if (!checker.checkTlsSocket(socket).trusted) socket.destroy();
 * });
 * ```
 */
export { createPeerChecker, peerCertificateChain } from "./io/tls-peer.js";
export type { PeerChecker, PeerCheckerOptions } from "./io/tls-peer.js";
