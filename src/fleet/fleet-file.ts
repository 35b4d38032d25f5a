import type { Diagnostic, SourcePosition } from "../instances/diagnostic.js";
import { readYamlTree, type YamlMap, type YamlValue } from "../instances/yaml-tree.js";
import { OTHER_NAME_FIELD, TRUST_FIELDS, type TrustField } from "../trust/decide.js";

/**
 * The fleet file of `othername mesh`: the clusters (their trust anchors, trust_restrictions and
 * nodes) and the pairs that must hold. Parsed with positions, like instances.yaml, so every
 * problem is reported as FILE:LINE:COL with its YAML path; unknown keys are errors. Pure: text
 * in, spec and diagnostics out (whether the named files exist is checked by the caller).
 *
 * ```yaml
 * clusters:
 *   - name: prod-eu
 *     ca: [ca/ca.crt]
 *     restrictions: trust_restrictions.yml
 *     fields: subjectAltName.otherName.commonName
 *     nodes: [certs/]
 *   - name: ece-a1b2
 *     ece: { deployment: a1b2c3d4e5f6 }
 * expect:
 *   - prod-eu <-> ece-a1b2
 *   - prod-eu -> prod-us
 * ```
 */

/** A string from the file with where it was written (for "missing file" diagnostics). */
export interface FleetRef extends SourcePosition {
  readonly value: string;
  /** YAML path, e.g. `clusters[0].ca[1]`. */
  readonly path: string;
}

/** A `nodes` entry: files/bundles to read, or a live node to probe. */
export interface FleetNodeRef extends FleetRef {
  readonly kind: "path" | "endpoint";
}

export interface FleetEceSource {
  readonly deployment: string;
  /** Only for a deployment with several Elasticsearch resources. */
  readonly refId?: string | undefined;
}

export interface FleetClusterSpec extends SourcePosition {
  readonly name: string;
  /** Trust anchors: files, bundles or PKCS#12 truststores. */
  readonly ca: readonly FleetRef[];
  /** Absent: no trust restrictions (the chain alone decides). */
  readonly restrictions?: FleetRef | undefined;
  readonly fields: readonly TrustField[];
  readonly nodes: readonly FleetNodeRef[];
  /** Anchors, restrictions and node names come from this ECE deployment. */
  readonly ece?: FleetEceSource | undefined;
}

/** `A <-> B` (connectable: both ways), `A -> B` (A accepts B's nodes) or `A <- B`. */
export interface FleetExpectation extends SourcePosition {
  readonly text: string;
  readonly from: string;
  readonly to: string;
  readonly both: boolean;
}

export interface FleetSpec {
  readonly clusters: readonly FleetClusterSpec[];
  readonly expect: readonly FleetExpectation[];
}

export type FleetFileResult =
  | { readonly ok: true; readonly spec: FleetSpec; readonly diagnostics: readonly Diagnostic[] }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

const TOP_KEYS = ["clusters", "expect"] as const;
const CLUSTER_KEYS = ["name", "ca", "restrictions", "fields", "nodes", "ece"] as const;
const ECE_KEYS = ["deployment", "ref_id"] as const;
/** A cluster name is printed in a matrix and used in `expect`: keep it a plain token. */
const CLUSTER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** HOST:PORT (IPv6 in brackets): a live node rather than a file. */
const ENDPOINT = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9][A-Za-z0-9.-]*):\d{1,5}$/;
const EXPECTATION = /^\s*(\S+)\s*(<->|->|<-)\s*(\S+)\s*$/;
/** Bounds: a fleet file names tens of clusters, not thousands. */
const MAX_CLUSTERS = 200;

/**
 * Whether a `nodes:` entry names a live node (`HOST:PORT`, IPv6 in brackets) rather than a file.
 *
 * @param text - The entry.
 * @returns True for `node1.example:9300`, `10.0.0.5:9300`, `[::1]:9300`.
 * @example
 * ```ts
 * isEndpoint("node1:9300"); // true
 * isEndpoint("certs/");     // false
 * ```
 */
export function isEndpoint(text: string): boolean {
  return ENDPOINT.test(text);
}

/**
 * Whether a YAML text looks like a fleet file (a top-level `clusters:` key).
 *
 * @param text - The file's text.
 * @returns True when a line starts with `clusters:`.
 * @example
 * ```ts
 * isFleetFile("clusters:\n  - name: a\n"); // true
 * ```
 */
export function isFleetFile(text: string): boolean {
  return /^clusters[ \t]*:/m.test(text);
}

/**
 * Reads a fleet file with positions: every problem (unknown key, missing `name`/`ca`/`nodes`,
 * `ca` or `restrictions` beside `ece`, a field Elasticsearch does not read, a bad or unknown
 * expectation, YAML syntax or alias-bomb limits) is a diagnostic with line, column and YAML path.
 * Whether the named files exist is for the caller to check.
 *
 * @param text - The fleet file's text.
 * @returns The spec and no errors, or `ok: false` with every diagnostic.
 * @example
 * ```ts
 * const result = parseFleetFile(await readFile("fleet.yml", "utf8"));
 * const problems = result.ok ? [] : result.diagnostics.map((d) => formatDiagnostic("fleet.yml", d));
 * ```
 */
export function parseFleetFile(text: string): FleetFileResult {
  const tree = readYamlTree(text);
  if (!tree.ok) return { ok: false, diagnostics: tree.diagnostics };
  const diagnostics: Diagnostic[] = [];
  const error = (at: SourcePosition, path: string, rule: string, message: string): void => {
    diagnostics.push({ rule, severity: "error", message, line: at.line, column: at.column, path });
  };
  const root = tree.root;
  if (root === undefined || root.kind !== "map") {
    error(root ?? { line: 1, column: 1 }, "", "fleet-structure", "the fleet file must be a mapping with a `clusters:` list");
    return { ok: false, diagnostics };
  }
  unknownKeys(root, TOP_KEYS, "", error);
  const clustersNode = entry(root, "clusters");
  const clusters: FleetClusterSpec[] = [];
  /** Every cluster name written, also of clusters with errors (so `expect` is not blamed for them). */
  const names = new Set<string>();
  if (clustersNode === undefined || clustersNode.kind !== "seq" || clustersNode.items.length === 0) {
    error(clustersNode ?? root, "clusters", "fleet-structure", "`clusters:` must be a non-empty list of clusters");
  } else if (clustersNode.items.length > MAX_CLUSTERS) {
    error(clustersNode, "clusters", "fleet-limits", `${clustersNode.items.length} clusters is more than the ${MAX_CLUSTERS} accepted`);
  } else {
    clustersNode.items.forEach((item, index) => {
      const cluster = readCluster(item, `clusters[${index}]`, error, names);
      if (!cluster) return;
      clusters.push(cluster);
    });
  }
  const expect: FleetExpectation[] = [];
  const expectNode = entry(root, "expect");
  if (expectNode !== undefined && expectNode.kind !== "null") {
    if (expectNode.kind !== "seq") {
      error(expectNode, "expect", "fleet-structure", "`expect:` must be a list such as `- prod-eu <-> ece-a1b2`");
    } else {
      expectNode.items.forEach((item, index) => {
        const path = `expect[${index}]`;
        if (item.kind !== "scalar") {
          error(item, path, "invalid-expectation", "an expectation is a string: `A <-> B` (both ways), `A -> B` (A accepts B) or `A <- B`");
          return;
        }
        const match = EXPECTATION.exec(item.value);
        if (!match) {
          error(item, path, "invalid-expectation", `"${item.value}" is not \`A <-> B\`, \`A -> B\` or \`A <- B\``);
          return;
        }
        const [, left, arrow, right] = match as unknown as [string, string, string, string];
        for (const name of [left, right]) {
          if (clustersNode?.kind === "seq" && !names.has(name)) {
            error(item, path, "unknown-cluster", `"${name}" is not a cluster of this file (${[...names].join(", ")})`);
          }
        }
        const [from, to] = arrow === "<-" ? [right, left] : [left, right];
        expect.push({ text: item.value.trim(), from, to, both: arrow === "<->", line: item.line, column: item.column });
      });
    }
  }
  if (diagnostics.some((d) => d.severity === "error")) return { ok: false, diagnostics };
  return { ok: true, spec: { clusters, expect }, diagnostics };
}

type Report = (at: SourcePosition, path: string, rule: string, message: string) => void;

function entry(map: YamlMap, key: string): YamlValue | undefined {
  return map.entries.find((e) => e.key === key)?.value;
}

function unknownKeys(map: YamlMap, known: readonly string[], path: string, error: Report): void {
  for (const e of map.entries) {
    if (!known.includes(e.key)) error(e.keyPosition, path ? `${path}.${e.key}` : e.key, "unknown-key", `unknown key "${e.key}" (expected one of ${known.join(", ")})`);
  }
}

/** A string or a list of strings, as instances.yaml allows for `dns` and `ip`. */
function stringList(value: YamlValue | undefined, path: string, error: Report): FleetRef[] {
  if (value === undefined || value.kind === "null") return [];
  if (value.kind === "scalar") return value.value === "" ? [] : [{ value: value.value, line: value.line, column: value.column, path }];
  if (value.kind === "seq") {
    const out: FleetRef[] = [];
    value.items.forEach((item, i) => {
      if (item.kind === "scalar" && item.value !== "") out.push({ value: item.value, line: item.line, column: item.column, path: `${path}[${i}]` });
      else error(item, `${path}[${i}]`, "invalid-value", "expected a non-empty string");
    });
    return out;
  }
  error(value, path, "invalid-value", "expected a string or a list of strings");
  return [];
}

function readCluster(node: YamlValue, path: string, error: Report, names: Set<string>): FleetClusterSpec | undefined {
  if (node.kind !== "map") {
    error(node, path, "fleet-structure", "a cluster is a mapping with at least `name:`");
    return undefined;
  }
  let errors = 0;
  const report: Report = (at, p, rule, message) => {
    errors++;
    error(at, p, rule, message);
  };
  unknownKeys(node, CLUSTER_KEYS, path, report);
  const nameNode = entry(node, "name");
  let name = "";
  if (nameNode === undefined || nameNode.kind !== "scalar" || nameNode.value === "") {
    report(nameNode ?? node, `${path}.name`, "missing-name", "every cluster needs a `name:`");
  } else if (!CLUSTER_NAME.test(nameNode.value)) {
    report(nameNode, `${path}.name`, "invalid-name", `cluster name "${nameNode.value}" must be letters, digits, '.', '_' or '-' (at most 64), starting with a letter or digit`);
  } else if (names.has(nameNode.value)) {
    report(nameNode, `${path}.name`, "duplicate-cluster", `cluster "${nameNode.value}" is defined twice`);
  } else {
    name = nameNode.value;
    names.add(name);
  }
  const ca = stringList(entry(node, "ca"), `${path}.ca`, report);
  const restrictionsList = stringList(entry(node, "restrictions"), `${path}.restrictions`, report);
  if (restrictionsList.length > 1) report(restrictionsList[1] as FleetRef, `${path}.restrictions`, "invalid-value", "a cluster has one trust_restrictions file");
  const restrictions = restrictionsList[0];
  const fieldRefs = stringList(entry(node, "fields"), `${path}.fields`, report);
  const fields: TrustField[] = [];
  for (const ref of fieldRefs) {
    for (const piece of ref.value.split(",").map((p) => p.trim()).filter((p) => p !== "")) {
      if ((TRUST_FIELDS as readonly string[]).includes(piece)) {
        if (!fields.includes(piece as TrustField)) fields.push(piece as TrustField);
      } else {
        report(ref, ref.path, "invalid-field", `"${piece}" is not a field Elasticsearch reads (${TRUST_FIELDS.join(", ")})`);
      }
    }
  }
  const nodes: FleetNodeRef[] = stringList(entry(node, "nodes"), `${path}.nodes`, report).map((ref) => ({ ...ref, kind: isEndpoint(ref.value) ? "endpoint" : "path" }));
  let ece: FleetEceSource | undefined;
  const eceNode = entry(node, "ece");
  if (eceNode !== undefined && eceNode.kind !== "null") {
    if (eceNode.kind !== "map") {
      report(eceNode, `${path}.ece`, "fleet-structure", "`ece:` is a mapping such as `{ deployment: a1b2c3d4e5f6 }`");
    } else {
      unknownKeys(eceNode, ECE_KEYS, `${path}.ece`, report);
      const deployment = entry(eceNode, "deployment");
      const refId = entry(eceNode, "ref_id");
      if (deployment === undefined || deployment.kind !== "scalar" || deployment.value === "") {
        report(deployment ?? eceNode, `${path}.ece.deployment`, "missing-deployment", "`ece:` needs `deployment:` (the deployment id)");
      } else {
        ece = { deployment: deployment.value, refId: refId?.kind === "scalar" ? refId.value : undefined };
      }
      if (ca.length > 0) report(ca[0] as FleetRef, `${path}.ca`, "ece-conflict", "a cluster from `ece:` takes its trust anchors from the deployment; remove `ca:`");
      if (restrictions) report(restrictions, `${path}.restrictions`, "ece-conflict", "a cluster from `ece:` takes its trust restrictions from the deployment's trust settings; remove `restrictions:`");
    }
  } else if (ca.length === 0 && name !== "") {
    report(nameNode ?? node, `${path}.ca`, "missing-ca", `cluster "${name}" needs \`ca:\` (its trust anchors) or \`ece:\``);
  }
  if (ece === undefined && nodes.length === 0 && name !== "" && eceNode === undefined) {
    report(nameNode ?? node, `${path}.nodes`, "missing-nodes", `cluster "${name}" needs \`nodes:\` (a bundle, certificate files or HOST:PORT)`);
  }
  if (errors > 0 || name === "") return undefined;
  return { name, line: node.line, column: node.column, ca, restrictions, fields: fields.length > 0 ? fields : [OTHER_NAME_FIELD], nodes, ece };
}
