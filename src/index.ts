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
export type { CryptoFile, CryptoFileFormat, CertificateEntry, KeyEntry, Pkcs12Details, ReadOptions, SecretEntry, UnusableKeyEntry } from "./pki/read.js";

export { generateKey, parseKeySpec, formatKeySpec, readPrivateKey, exportPrivateKeyPem, exportPrivateKeyDer } from "./pki/keys.js";
export type { PrivateKey, KeySpec, KeyAlgorithm, NamedCurve } from "./pki/keys.js";

export { readPkcs12, writePkcs12, isPkcs12 } from "./pki/pkcs12/index.js";
export type { Pkcs12Contents, Pkcs12Key, Pkcs12Certificate, Pkcs12Safe, Pkcs12Secret, EncryptionInfo, MacInfo, PasswordEncoding, WritePkcs12Input, WritePkcs12Options } from "./pki/pkcs12/index.js";

export { createCsr, parseCsr } from "./pki/csr.js";
export type { Csr, CreateCsrOptions } from "./pki/csr.js";

// ---- Generating: CA, leaves, instances.yaml ----------------------------------------------

export { createCaCertificate, prepareIssuer, issueSelfSigned } from "./pki/issue.js";
export type { CaRequest, LeafRequest, EncodedLeafRequest, Issuer } from "./pki/issue.js";
export { reissueCertificate, keySpecOf } from "./pki/reissue.js";
export type { ReissueInput, ReissueKey, ReissueResult } from "./pki/reissue.js";

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

export { scanTargets, DEFAULT_WARN_DAYS } from "./fleet/scan.js";
export type { FoundCertificate, ScanOptions, ScanReport, ScannedCertificate, ScanFinding, ScanFindingCode } from "./fleet/scan.js";

export { evaluateMesh, linkOf } from "./fleet/mesh.js";
export type { MeshCluster, MeshNode, MeshInput, MeshReport, MeshPair, MeshExpectation, MeshExpectationInput, MeshLink } from "./fleet/mesh.js";
export { parseFleetFile, isFleetFile } from "./fleet/fleet-file.js";
export type { FleetSpec, FleetClusterSpec, FleetExpectation, FleetFileResult, FleetRef, FleetNodeRef } from "./fleet/fleet-file.js";
export { eceMember } from "./fleet/ece-cluster.js";
export type { EceMember } from "./fleet/ece-cluster.js";

// ---- CA rotation: plan and check, phase by phase ---------------------------------------------

export { planRotation, PHASE_NAMES } from "./fleet/rotation/plan.js";
export type { RotationInput, RotationInputNode, RotationInputEce } from "./fleet/rotation/plan.js";
export { checkRotation, rotatedTrust, eceMemberName } from "./fleet/rotation/check.js";
export type { RotationCheck, RotationStepResult, RotationBreak } from "./fleet/rotation/check.js";
export { replayRotation } from "./fleet/rotation/replay.js";
export type { ReplayedStep } from "./fleet/rotation/replay.js";
export { parseRotationPlan } from "./fleet/rotation/plan-file.js";
export type { RotationPlan, RotationPhase, RotationStep, RotationAction, RotationNode, RotationEce, RotationRestrictions, RotationState, NodeState, EceState, CaRole, Presented } from "./fleet/rotation/model.js";
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
