import { OthernameError } from "../errors.js";
import type { CertificateAuthority, DeploymentGetResponse } from "./model.js";

/**
 * The shape checks of what othername reads from ECE answers, before any of it is used: valid
 * JSON of the wrong shape (`"direct": "notalist"`, `null`, `"elasticsearch": "oops"`,
 * `direct: [null]`) is a remote error (exit 4) naming the JSON path, never a crash. Only the
 * fields othername reads are checked (model.ts); everything else is carried over untouched.
 */
type Json = unknown;

class ShapeError extends Error {
  constructor(
    readonly path: string,
    readonly expected: string,
    readonly found: Json,
  ) {
    super(`${path} is ${describe(found)}, expected ${expected}`);
  }
}

function describe(value: Json): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return "a string";
  return `a ${typeof value}`;
}

const isObject = (value: Json): value is Record<string, Json> => value !== null && typeof value === "object" && !Array.isArray(value);

function object(value: Json, path: string): Record<string, Json> {
  if (!isObject(value)) throw new ShapeError(path, "an object", value);
  return value;
}

/** An optional object: absent is fine, anything else must be an object (or null when `nullable`). */
function optionalObject(value: Json, path: string, nullable = false): Record<string, Json> | undefined {
  if (value === undefined || (nullable && value === null)) return undefined;
  return object(value, path);
}

function optionalList(value: Json, path: string): readonly Json[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new ShapeError(path, "a list", value);
  return value;
}

function string(value: Json, path: string, optional = false): void {
  if (optional && (value === undefined || value === null)) return;
  if (typeof value !== "string") throw new ShapeError(path, "a string", value);
}

function stringList(value: Json, path: string): void {
  optionalList(value, path).forEach((item, i) => string(item, `${path}[${i}]`));
}

function checkTrust(value: Json, path: string): void {
  const trust = optionalObject(value, path, true);
  if (trust === undefined) return;
  optionalList(trust["accounts"], `${path}.accounts`).forEach((item, i) => {
    const entry = object(item, `${path}.accounts[${i}]`);
    string(entry["account_id"], `${path}.accounts[${i}].account_id`);
    stringList(entry["trust_allowlist"], `${path}.accounts[${i}].trust_allowlist`);
  });
  optionalList(trust["external"], `${path}.external`).forEach((item, i) => {
    const entry = object(item, `${path}.external[${i}]`);
    string(entry["trust_relationship_id"], `${path}.external[${i}].trust_relationship_id`);
    stringList(entry["trust_allowlist"], `${path}.external[${i}].trust_allowlist`);
  });
  optionalList(trust["direct"], `${path}.direct`).forEach((item, i) => {
    const at = `${path}.direct[${i}]`;
    const entry = object(item, at);
    string(entry["name"], `${at}.name`);
    string(entry["uid"], `${at}.uid`, true);
    string(entry["type"], `${at}.type`, true);
    string(entry["scope_id"], `${at}.scope_id`, true);
    stringList(entry["trust_allowlist"], `${at}.trust_allowlist`);
    stringList(entry["additional_node_names"], `${at}.additional_node_names`);
    optionalList(entry["certificates"], `${at}.certificates`).forEach((c, k) => {
      const certificate = object(c, `${at}.certificates[${k}]`);
      string(certificate["pem"], `${at}.certificates[${k}].pem`);
      const metadata = optionalObject(certificate["metadata"], `${at}.certificates[${k}].metadata`, true);
      if (metadata) string(metadata["valid_to"], `${at}.certificates[${k}].metadata.valid_to`, true);
    });
  });
}

function checkDeployment(value: Json): void {
  const root = object(value, "the answer");
  string(root["id"], "id", true);
  const resources = optionalObject(root["resources"], "resources", true);
  if (resources === undefined) return;
  optionalList(resources["elasticsearch"], "resources.elasticsearch").forEach((item, i) => {
    const at = `resources.elasticsearch[${i}]`;
    const resource = object(item, at);
    string(resource["ref_id"], `${at}.ref_id`);
    string(resource["region"], `${at}.region`, true);
    const info = optionalObject(resource["info"], `${at}.info`, true);
    if (info === undefined) return;
    const planInfo = optionalObject(info["plan_info"], `${at}.info.plan_info`, true);
    const current = planInfo && optionalObject(planInfo["current"], `${at}.info.plan_info.current`, true);
    if (current) optionalObject(current["plan"], `${at}.info.plan_info.current.plan`, true);
    const settings = optionalObject(info["settings"], `${at}.info.settings`, true);
    if (settings) checkTrust(settings["trust"], `${at}.info.settings.trust`);
  });
}

function checkCertificateAuthority(value: Json): void {
  const root = object(value, "the answer");
  string(root["recommended_trust_restriction"], "recommended_trust_restriction", true);
  optionalList(root["public_certificates"], "public_certificates").forEach((item, i) => {
    const certificate = object(item, `public_certificates[${i}]`);
    string(certificate["pem"], `public_certificates[${i}].pem`);
    const metadata = optionalObject(certificate["metadata"], `public_certificates[${i}].metadata`, true);
    if (metadata) string(metadata["valid_to"], `public_certificates[${i}].metadata.valid_to`, true);
  });
}

function checked<T>(value: Json, check: (value: Json) => void, subject: string, host: string): T {
  try {
    check(value);
    return value as T;
  } catch (error) {
    if (!(error instanceof ShapeError)) throw error;
    throw new OthernameError("ECE_BAD_RESPONSE", `cannot read ${subject} from ECE API ${host}: the answer is not what the ECE API sends (${error.message})`, {
      kind: "remote",
      hint: "Check that --url points at the ECE API (e.g. https://coordinator:12443); a proxy or another service answered differently.",
    });
  }
}

/** The deployment read, checked where othername reads it. */
export function checkedDeployment(value: Json, subject: string, host: string): DeploymentGetResponse {
  return checked<DeploymentGetResponse>(value, checkDeployment, subject, host);
}

/** The certificate-authority read, checked where othername reads it. */
export function checkedCertificateAuthority(value: Json, subject: string, host: string): CertificateAuthority {
  return checked<CertificateAuthority>(value, checkCertificateAuthority, subject, host);
}
