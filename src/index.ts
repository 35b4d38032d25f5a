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
 * Each function's documentation (parameters, return value, error codes and an example) sits on
 * its declaration, so editors show it on hover; the list below is the whole public API.
 *
 * @packageDocumentation
 */

export { OthernameError, ExitCode, exitCodeFor } from "./errors.js";
export type { ErrorKind } from "./errors.js";

// ---- Reading: PEM, certificates, names, keys, PKCS#12 -------------------------------------

export { decodePem, encodePem, looksLikePem } from "./pki/pem.js";
export type { PemBlock } from "./pki/pem.js";

export { parseCertificate } from "./pki/certificate.js";
export type { Certificate, CertificateExtension, PublicKeyInfo } from "./pki/certificate.js";

export { readSubjectAltNames, encodeSubjectAltName } from "./pki/names.js";
export type { SubjectAltNames, SubjectAltNameInput } from "./pki/names.js";

export { readCryptoFile } from "./pki/read.js";
export type { CryptoFile, CryptoFileFormat, CertificateEntry, KeyEntry, ReadOptions } from "./pki/read.js";

export { generateKey, parseKeySpec, formatKeySpec, readPrivateKey, exportPrivateKeyPem, exportPrivateKeyDer } from "./pki/keys.js";
export type { PrivateKey, KeySpec, KeyAlgorithm, NamedCurve } from "./pki/keys.js";

export { readPkcs12, writePkcs12, isPkcs12 } from "./pki/pkcs12/index.js";
export type { Pkcs12Contents, Pkcs12Key, Pkcs12Certificate, WritePkcs12Input, WritePkcs12Options } from "./pki/pkcs12/index.js";

export { createCsr, parseCsr } from "./pki/csr.js";
export type { Csr, CreateCsrOptions } from "./pki/csr.js";

// ---- Generating: CA, leaves, instances.yaml ----------------------------------------------

export { createCaCertificate, prepareIssuer, issueSelfSigned } from "./pki/issue.js";
export type { CaRequest, LeafRequest, Issuer } from "./pki/issue.js";

export { parseInstances, planGeneration, formatDiagnostic } from "./instances/index.js";
export type { Diagnostic, InstancesSpec, InstanceSpec, GenerationPlan, InstancePlan } from "./instances/index.js";
export { generateBundle } from "./instances/generate.js";
export type { GenerateOptions, GenerationResult, GeneratedFile } from "./instances/generate.js";

// ---- Validating and deciding trust --------------------------------------------------------

export { validateChain, checkTlsEndEntity } from "./pki/chain.js";
export type { ChainResult, ChainFailure, ChainFailureCode, ChainInput, ChainOptions, TlsDirection, TlsRole, TlsEndEntityFailure } from "./pki/chain.js";

export { loadTrustRestrictions, readTrustRestrictions } from "./trust/restrictions.js";
export type { TrustRestrictionsLoad, TrustRestrictionsRead, SourcePattern } from "./trust/restrictions.js";
export { compilePattern, compileMatcher } from "./trust/pattern.js";
export type { CompiledPattern, PatternMatcher } from "./trust/pattern.js";

export { checkCertificate, certificateCheckReport } from "./trust/check-certificate.js";
export type { CertificateCheck, CertificateCheckInput, CertificateCheckReport } from "./trust/check-certificate.js";
export { decideTrust, parseTrustFields, OTHER_NAME_FIELD, DNS_NAME_FIELD } from "./trust/decide.js";
export type { TrustDecision, TrustField } from "./trust/decide.js";

export { lintFile, lintTrustRestrictions, lintInstances, fixFile, LINT_RULES } from "./trust/lint.js";
export type { LintFinding, LintFix, LintRule, LintSeverity } from "./trust/lint.js";

// ---- Fleet: expiry scan and trust mesh ------------------------------------------------------

/**
 * `othername scan` as a pure function: certificates already read (with where they were found)
 * in; one row per distinct certificate, soonest expiry first, with findings (EXPIRED,
 * EXPIRES_SOON, CA_EXPIRES_BEFORE_LEAF, ISSUER_NOT_IN_SCAN, WEAK_RSA_KEY, SHA1_SIGNATURE,
 * NO_OTHER_NAME) out. The HTML report of `scan --html` is `renderScanHtml(report)`.
 * @example
 * ```ts
 * const file = await readCryptoFile(await readFile("certs/es-eu-1/es-eu-1.crt"), { source: "es-eu-1.crt" });
 * const report = scanTargets(file.certificates.map((e) => ({ source: "es-eu-1.crt", certificate: e.certificate })),
 *   { at: new Date(), warnDays: 30 });
 * for (const c of report.certificates) console.log(c.daysLeft, c.subject, c.findings.map((f) => f.code).join(","));
 * ```
 */
export { scanTargets, DEFAULT_WARN_DAYS } from "./fleet/scan.js";
export type { FoundCertificate, ScanOptions, ScanReport, ScannedCertificate, ScanFinding, ScanFindingCode } from "./fleet/scan.js";

/**
 * `othername mesh` as a pure function: which cluster accepts which. For each ordered pair, every
 * node of `to` is checked against `from`'s anchors and trust restrictions exactly as
 * `checkCertificate` does; a pair of clusters is connectable when both directions hold.
 * `parseFleetFile` reads a fleet file with positions; `eceMember` turns an ECE deployment's CA
 * and trust settings into a cluster of the mesh; `renderMeshHtml` draws the report.
 * @example
 * ```ts
 * const eu = loadTrustRestrictions({ fileName: "eu.yml", text: euText });
 * if (!eu.ok) throw new Error(eu.reason);
 * const report = evaluateMesh({
 *   at: new Date(),
 *   clusters: [
 *     { name: "prod-eu", anchors: [ca], matcher: eu.matcher, fields: [OTHER_NAME_FIELD],
 *       nodes: [{ kind: "certificate", label: "es-eu-1.crt", leaf: euLeaf, intermediates: [] }] },
 *     { name: "prod-us", anchors: [ca], matcher: null, fields: [OTHER_NAME_FIELD],
 *       nodes: [{ kind: "certificate", label: "es-us-1.crt", leaf: usLeaf, intermediates: [] }] },
 *   ],
 *   expect: [{ text: "prod-eu <-> prod-us", from: "prod-eu", to: "prod-us", both: true }],
 * });
 * report.connectable; // [] when prod-eu's restrictions do not name prod-us
 * report.pairs.filter((p) => !p.accepted).map((p) => `${p.from} refuses ${p.node}: ${p.reason}`);
 * ```
 */
export { evaluateMesh, linkOf } from "./fleet/mesh.js";
export type { MeshCluster, MeshNode, MeshInput, MeshReport, MeshPair, MeshExpectation, MeshExpectationInput, MeshLink } from "./fleet/mesh.js";
export { parseFleetFile, isFleetFile } from "./fleet/fleet-file.js";
export type { FleetSpec, FleetClusterSpec, FleetExpectation, FleetFileResult, FleetRef, FleetNodeRef } from "./fleet/fleet-file.js";
export { eceMember } from "./fleet/ece-cluster.js";
export type { EceMember } from "./fleet/ece-cluster.js";
export { renderScanHtml } from "./report/scan-html.js";
export { renderMeshHtml } from "./report/mesh-html.js";

// ---- Elastic Cloud Enterprise -------------------------------------------------------------

export { EceClient } from "./ece/client.js";
export type { EceClientOptions, EceAuth } from "./ece/client.js";
export { updateDeploymentTrust } from "./ece/update-trust.js";
export { upsertDirectTrust, removeDirectTrust, diffTrust, formatTrustDiff, validateDirectTrust } from "./ece/trust.js";
export type { DirectTrustRelationship, ElasticsearchClusterTrustSettings } from "./ece/model.js";

// ---- Trust restrictions on your own TLS endpoints ------------------------------------------

export { createPeerChecker, peerCertificateChain } from "./io/tls-peer.js";
export type { PeerChecker, PeerCheckerOptions } from "./io/tls-peer.js";
