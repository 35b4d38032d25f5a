import { isIP } from "node:net";
import type { Diagnostic, Severity, SourcePosition } from "./diagnostic.js";
import { hasErrors } from "./diagnostic.js";
import { commonNameDn, parseDistinguishedName, type DistinguishedName } from "./distinguished-name.js";
import type { InstanceSpec, InstancesSpec } from "./spec.js";
import { readYamlTree, DEFAULT_YAML_LIMITS, type YamlLimits, type YamlMap, type YamlValue } from "./yaml-tree.js";

/**
 * instances.yaml → validated spec. Every rule runs over every instance so that all problems
 * come back at once (certutil stops at exit 78 with a list too; we add line and column).
 */
export type InstancesResult =
  | { readonly ok: true; readonly spec: InstancesSpec; readonly diagnostics: readonly Diagnostic[] }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

export interface ParseInstancesOptions {
  readonly limits?: YamlLimits;
  /** Upper bound on instances in one file. */
  readonly maxInstances?: number;
}

const TOP_LEVEL_KEYS = ["instances", "cluster", "scope"] as const;
const INSTANCE_KEYS = ["name", "filename", "ip", "dns", "cn", "cluster", "scope"] as const;
/** certutil's CertificateTool filename check: these characters, 1–251 long, no leading dot. */
const FILENAME = /^[a-zA-Z0-9!@#$%^&{}[\]()_+\-=,.~'` ]{1,251}$/;
const LABEL = /^[a-z0-9-]+$/;
/** `{node}.node.{cluster}.cluster.{scope}` (DESIGN.md); the scope may itself contain dots. */
const CONVENTION = /^(.*)\.node\.(.*)\.cluster\.(.*)$/s;

/**
 * Parses and validates an instances.yaml (certutil's format plus `cluster`/`scope`), reporting every
 * problem at once with its line, column and YAML path.
 *
 * @param text - The file's text.
 * @param options - YAML limits (aliases, nesting, size) for hostile input.
 * @returns `{ ok: true, spec }`, or `{ ok: false, diagnostics }` listing every problem.
 * @example
 * ```ts
 * const parsed = parseInstances(text);
 * const problems = parsed.ok ? [] : parsed.diagnostics.map((d) => formatDiagnostic("instances.yml", d));
 * ```
 */
export function parseInstances(text: string, options: ParseInstancesOptions = {}): InstancesResult {
  const tree = readYamlTree(text, options.limits ?? DEFAULT_YAML_LIMITS);
  if (!tree.ok) return tree;
  const diagnostics: Diagnostic[] = [];
  const report = (rule: string, severity: Severity, message: string, at: SourcePosition, path: string): void => {
    diagnostics.push({ rule, severity, message, line: at.line, column: at.column, path });
  };
  const root = tree.root;
  if (root === undefined || root.kind !== "map") {
    report("instances-root", "error", "the file must be a mapping with an `instances:` list", root ?? { line: 1, column: 1 }, "");
    return { ok: false, diagnostics };
  }
  for (const entry of root.entries) {
    if (!(TOP_LEVEL_KEYS as readonly string[]).includes(entry.key)) {
      report("unknown-key", "error", `unknown key "${entry.key}" (expected ${TOP_LEVEL_KEYS.join(", ")})`, entry.keyPosition, entry.key);
    }
  }
  const defaults = {
    cluster: optionalString(root, "cluster", "", report),
    scope: optionalString(root, "scope", "", report),
  };
  const list = root.entries.find((e) => e.key === "instances");
  if (!list || list.value.kind !== "seq") {
    report("instances-root", "error", "`instances:` must be a list of instances", list?.value ?? root, "instances");
    return { ok: false, diagnostics };
  }
  if (list.value.items.length === 0) {
    report("no-instances", "error", "`instances:` is empty", list.value, "instances");
  }
  const maxInstances = options.maxInstances ?? 100_000;
  if (list.value.items.length > maxInstances) {
    report("yaml-limits", "error", `more than ${maxInstances} instances`, list.value, "instances");
    return { ok: false, diagnostics };
  }

  const specs: InstanceSpec[] = [];
  const identities: Identity[] = [];
  list.value.items.forEach((item, index) => {
    const spec = validateInstance(item, `instances[${index}]`, defaults, report);
    if (spec) specs.push(spec);
    // Names and filenames are compared for every instance, valid or not, so that clashes are
    // reported in the same run as the other problems.
    const identity = instanceIdentity(item);
    if (identity) identities.push({ ...identity, index, at: item });
  });
  checkDuplicates(identities, report);
  if (hasErrors(diagnostics)) return { ok: false, diagnostics: sortByPosition(diagnostics) };
  return { ok: true, spec: { instances: specs }, diagnostics: sortByPosition(diagnostics) };
}

type Report = (rule: string, severity: Severity, message: string, at: SourcePosition, path: string) => void;

interface Located {
  readonly value: string;
  readonly at: SourcePosition;
  readonly path: string;
}

function validateInstance(
  item: YamlValue,
  path: string,
  defaults: { readonly cluster: Located | undefined; readonly scope: Located | undefined },
  report: Report,
): InstanceSpec | undefined {
  if (item.kind !== "map") {
    report("invalid-type", "error", "an instance must be a mapping with at least `name:`", item, path);
    return undefined;
  }
  for (const entry of item.entries) {
    if (!(INSTANCE_KEYS as readonly string[]).includes(entry.key)) {
      report("unknown-key", "error", `unknown key "${entry.key}" (expected ${INSTANCE_KEYS.join(", ")})`, entry.keyPosition, `${path}.${entry.key}`);
    }
  }
  let ok = true;
  const name = optionalString(item, "name", path, report);
  if (!name || name.value === "") {
    report("missing-name", "error", "the instance has no `name`", name?.at ?? item, `${path}.name`);
    ok = false;
  }
  let subject: DistinguishedName | undefined;
  if (name && name.value !== "") {
    if (name.value.toLowerCase() === "ca") {
      // certutil reserves it for the CA's own files (`ca/ca.crt`); compared ignoring case, since
      // `CA/` and `ca/` are one directory on macOS and Windows (and when such a zip is unpacked there).
      report("reserved-name", "error", `"${name.value}" is reserved for the certificate authority (its files are ca/ca.crt; names are compared ignoring case)`, name.at, name.path);
      ok = false;
    }
    if (name.value.includes("=")) {
      const parsed = parseDistinguishedName(name.value);
      if (parsed.ok) subject = parsed.dn;
      else {
        report("invalid-dn", "error", `"${name.value}" contains "=" so it is read as a DN, but ${parsed.reason}`, name.at, name.path);
        ok = false;
      }
    } else {
      subject = commonNameDn(name.value);
    }
  }
  const filename = optionalString(item, "filename", path, report) ?? (name ? { ...name, path: `${path}.name` } : undefined);
  if (filename && name?.value !== "") {
    const reason = filenameProblem(filename.value);
    if (reason) {
      report("invalid-filename", "error", `"${filename.value}" is not a valid filename: ${reason}`, filename.at, filename.path);
      ok = false;
    } else if (filename.value.toLowerCase() === "ca" && name?.value.toLowerCase() !== "ca") {
      report("reserved-name", "error", 'the filename "ca" is reserved for the certificate authority files', filename.at, filename.path);
      ok = false;
    }
  }
  const ip = stringList(item, "ip", path, report);
  for (const v of ip) {
    // Zone ids (`fe80::1%eth0`) cannot be written into an iPAddress SAN (RFC 5280 §4.2.1.6).
    if (isIP(v.value) === 0 || v.value.includes("%")) {
      report("invalid-ip", "error", `"${v.value}" is not an IPv4 or IPv6 address`, v.at, v.path);
      ok = false;
    }
  }
  const dns = stringList(item, "dns", path, report);
  for (const v of dns) {
    // dNSName is an IA5String (RFC 5280 §4.2.1.6): ASCII only; IDNs must be given as xn-- A-labels.
    // eslint-disable-next-line no-control-regex
    if (!/^[\x21-\x7e]+$/.test(v.value)) {
      const why = /[^\x00-\x7f]/.test(v.value) ? "is not ASCII (write internationalized names as xn-- A-labels)" : "is empty or contains spaces or control characters";
      report("invalid-dns", "error", `DNS name "${v.value}" ${why}`, v.at, v.path);
      ok = false;
    }
  }
  const explicitCn = stringList(item, "cn", path, report);
  const cluster = optionalString(item, "cluster", path, report) ?? defaults.cluster;
  const scope = optionalString(item, "scope", path, report) ?? defaults.scope;

  let cn: Located[] = explicitCn;
  let cnDerived = false;
  if (explicitCn.length === 0 && (cluster || scope) && name && name.value !== "") {
    if (!cluster || !scope) {
      const missing = cluster ? "scope" : "cluster";
      report("incomplete-convention", "warning", `no otherName derived for "${name.value}": \`${missing}:\` is not set (here or at the top level)`, name.at, name.path);
    } else if (subject && name.value.includes("=")) {
      report("convention-name", "error", `cannot derive an otherName from the DN "${name.value}": give \`cn:\` explicitly or use a plain name`, name.at, name.path);
      ok = false;
    } else {
      cn = [{ value: `${name.value}.node.${cluster.value}.cluster.${scope.value}`, at: name.at, path: name.path }];
      cnDerived = true;
    }
  }
  if (cn.length === 0 && !cluster && !scope && name && name.value !== "") {
    // certutil's own output has no otherName either; it is worth knowing before a trust file is written.
    report(
      "no-othername",
      "warning",
      `"${name.value}" gets no otherName (no \`cn\`, and no \`cluster\` and \`scope\` here or at the top level to derive one): trust_restrictions cannot name this node`,
      name.at,
      name.path,
    );
  }
  for (const v of cn) {
    const what = cnDerived ? `the derived otherName "${v.value}"` : `otherName "${v.value}"`;
    if (v.value === "") {
      report("empty-label", "error", "an otherName common name is empty", v.at, v.path);
      ok = false;
      continue;
    }
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f-\u009f]/.test(v.value)) {
      // A NUL or line break in a name ends it early in C tools and splits log lines: refuse it.
      const shown = JSON.stringify(v.value).replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
      report("control-character", "error", `otherName ${shown} contains a control character (NUL, line break or another C0/C1 control): names must be printable`, v.at, v.path);
      ok = false;
      continue;
    }
    if (/[*?]/.test(v.value)) {
      // Elasticsearch compares certificate names literally; patterns belong in trust_restrictions.
      report("wildcard-cn", "error", `${what} contains a wildcard: Elasticsearch matches the certificate's names literally, put patterns in trust_restrictions instead`, v.at, v.path);
      ok = false;
    }
    if (v.value.split(".").some((label) => label === "")) {
      report("empty-label", "error", `${what} has an empty label (leading, trailing or doubled ".")`, v.at, v.path);
      ok = false;
      continue;
    }
    const convention = CONVENTION.exec(v.value);
    let labelled = false;
    if (convention) {
      const [, node = "", clusterLabel = ""] = convention;
      for (const [kind, label] of [["node", node], ["cluster", clusterLabel]] as const) {
        if (!LABEL.test(label)) {
          const why = /[A-Z]/.test(label) ? "has upper case" : "has characters outside [a-z0-9-]";
          report("label-charset", "warning", `the ${kind} label "${label}" of ${what} ${why}; trust patterns are case-sensitive and usually written in lower case`, v.at, v.path);
          labelled = true;
        }
      }
    }
    if (!labelled && /[A-Z\s]/.test(v.value)) {
      // An explicit cn is compared as written, like a derived one: warn as for a name.
      const why = /[A-Z]/.test(v.value) ? (/\s/.test(v.value) ? "has upper case and spaces" : "has upper case") : "has spaces";
      report("label-charset", "warning", `${what} ${why}; trust patterns are case-sensitive and usually written in lower case, without spaces`, v.at, v.path);
    }
  }
  if (!ok || !name || !subject || !filename) return undefined;
  return {
    name: name.value,
    subject,
    filename: filename.value,
    ip: ip.map((v) => v.value),
    dns: dns.map((v) => v.value),
    cn: cn.map((v) => v.value),
    cnDerived,
    line: item.line,
  };
}

function filenameProblem(filename: string): string | undefined {
  if (filename.length === 0) return "it is empty";
  if (filename.length > 251) return `it has ${filename.length} characters (at most 251)`;
  if (filename.startsWith(".")) return 'it starts with "."';
  if (!FILENAME.test(filename)) {
    const bad = [...filename].find((ch) => !FILENAME.test(ch));
    return `"${bad ?? "?"}" is not allowed (letters, digits, space and !@#$%^&{}[]()_+-=,.~'\` only)`;
  }
  return undefined;
}

/** What two instances must not share: the name and the filename (which defaults to the name). */
interface Identity {
  readonly name: string;
  readonly filename: string;
  readonly line: number;
  readonly index: number;
  readonly at: SourcePosition;
}

function instanceIdentity(item: YamlValue): Pick<Identity, "name" | "filename" | "line"> | undefined {
  if (item.kind !== "map") return undefined;
  const text = (key: string): string | undefined => {
    const value = item.entries.find((e) => e.key === key)?.value;
    return value?.kind === "scalar" && value.value !== "" ? value.value : undefined;
  };
  const name = text("name");
  if (name === undefined) return undefined;
  return { name, filename: text("filename") ?? name, line: item.line };
}

function sortByPosition(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort((a, b) => a.line - b.line || a.column - b.column);
}

function checkDuplicates(identities: readonly Identity[], report: Report): void {
  const byName = new Map<string, number>();
  const byFile = new Map<string, number>();
  identities.forEach(({ index, at, ...spec }) => {
    const path = `instances[${index}]`;
    const firstName = byName.get(spec.name);
    if (firstName !== undefined) {
      report("duplicate-name", "error", `the name "${spec.name}" is already used on line ${firstName}`, at, `${path}.name`);
    } else byName.set(spec.name, spec.line);
    // Case-insensitive: the bundle may be unpacked on a case-insensitive file system.
    const fileKey = spec.filename.toLowerCase();
    const firstFile = byFile.get(fileKey);
    if (firstFile !== undefined) {
      report("duplicate-filename", "error", `the filename "${spec.filename}" is already used on line ${firstFile} (filenames are compared ignoring case)`, at, `${path}.filename`);
    } else byFile.set(fileKey, spec.line);
  });
}

function optionalString(map: YamlMap, key: string, path: string, report: Report): Located | undefined {
  const entry = map.entries.find((e) => e.key === key);
  const where = path ? `${path}.${key}` : key;
  if (!entry || entry.value.kind === "null") return undefined;
  if (entry.value.kind !== "scalar") {
    report("invalid-type", "error", `\`${key}\` must be a single string`, entry.value, where);
    return undefined;
  }
  return { value: entry.value.value, at: entry.value, path: where };
}

/** certutil accepts a list or a single string for ip, dns and cn. */
function stringList(map: YamlMap, key: string, path: string, report: Report): Located[] {
  const entry = map.entries.find((e) => e.key === key);
  const where = `${path}.${key}`;
  if (!entry || entry.value.kind === "null") return [];
  if (entry.value.kind === "scalar") return [{ value: entry.value.value, at: entry.value, path: where }];
  if (entry.value.kind === "map") {
    report("invalid-type", "error", `\`${key}\` must be a string or a list of strings`, entry.value, where);
    return [];
  }
  const out: Located[] = [];
  entry.value.items.forEach((item, k) => {
    if (item.kind === "scalar") out.push({ value: item.value, at: item, path: `${where}[${k}]` });
    else report("invalid-type", "error", `\`${key}\` items must be strings`, item, `${where}[${k}]`);
  });
  return out;
}
