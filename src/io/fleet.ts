import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { OthernameError } from "../errors.js";
import type { EceClient } from "../ece/client.js";
import { readTrustState } from "../ece/update-trust.js";
import { eceMember } from "../fleet/ece-cluster.js";
import { parseFleetFile, type FleetClusterSpec, type FleetRef, type FleetSpec } from "../fleet/fleet-file.js";
import type { MeshCluster, MeshNode } from "../fleet/mesh.js";
import type { Diagnostic } from "../instances/diagnostic.js";
import { compileMatcher } from "../trust/pattern.js";
import { loadTrustRestrictions } from "../trust/restrictions.js";
import { loadAnchors } from "./anchors.js";
import type { PasswordIo } from "./password.js";
import { readInputFile } from "./read-input.js";
import { readCertificateSources, type SourceProblem } from "./certificate-sources.js";

/**
 * Reads everything a fleet file names, for `othername mesh`: each cluster's trust anchors,
 * trust_restrictions file and nodes (files, bundles, live nodes probed concurrently), or its
 * ECE deployment through the existing ECE client. Paths are relative to the fleet file.
 */
export interface FleetReadOptions {
  /** The fleet file's directory. */
  readonly base: string;
  readonly io: PasswordIo;
  readonly passFile?: string | undefined;
  readonly passEnv?: string | undefined;
  readonly password?: string | undefined;
  readonly concurrency: number;
  readonly timeoutMs: number;
  /** Connects to ECE on first use (only when a cluster has `ece:`). */
  readonly ece: () => Promise<EceClient>;
}

export interface FleetRead {
  readonly clusters: readonly MeshCluster[];
  readonly problems: readonly SourceProblem[];
  readonly notes: readonly string[];
}

/** The `missing-file` diagnostics of a fleet file: every named path that does not exist. */
export async function missingFleetFiles(spec: FleetSpec, base: string): Promise<Diagnostic[]> {
  const refs: FleetRef[] = spec.clusters.flatMap((c) => [...c.ca, ...(c.restrictions ? [c.restrictions] : []), ...c.nodes.filter((n) => n.kind === "path")]);
  const out: Diagnostic[] = [];
  for (const ref of refs) {
    const exists = await stat(resolve(base, ref.value)).then(
      () => true,
      () => false,
    );
    if (!exists) out.push({ rule: "missing-file", severity: "error", message: `no such file or directory: ${ref.value}`, line: ref.line, column: ref.column, path: ref.path });
  }
  return out;
}

/**
 * What `othername lint` reports for a fleet file: the parser's diagnostics, then the named files
 * that do not exist (paths relative to the fleet file's directory `base`).
 */
export async function lintFleetFile(text: string, base: string): Promise<Diagnostic[]> {
  const parsed = parseFleetFile(text);
  if (!parsed.ok) return [...parsed.diagnostics];
  return [...parsed.diagnostics, ...(await missingFleetFiles(parsed.spec, base))];
}

export async function readFleet(spec: FleetSpec, options: FleetReadOptions): Promise<FleetRead> {
  const problems: SourceProblem[] = [];
  const notes: string[] = [];
  let client: EceClient | undefined;
  const clusters: MeshCluster[] = [];
  try {
    for (const cluster of spec.clusters) {
      if (cluster.ece !== undefined) {
        client ??= await options.ece();
        clusters.push(await readEceCluster(cluster, client, options, problems, notes));
      } else {
        clusters.push(await readFileCluster(cluster, options, problems));
      }
    }
  } finally {
    await client?.close();
  }
  return { clusters, problems, notes };
}

async function readFileCluster(cluster: FleetClusterSpec, options: FleetReadOptions, problems: SourceProblem[]): Promise<MeshCluster> {
  const anchors = await loadAnchors(
    cluster.ca.map((r) => r.value),
    { cwd: options.base, passFile: options.passFile, passEnv: options.passEnv, flag: `clusters "${cluster.name}" ca` },
    options.io,
  );
  let matcher = null;
  if (cluster.restrictions) {
    const ref = cluster.restrictions;
    const text = Buffer.from(await readInputFile(ref.value, options.base, `trust_restrictions file of cluster "${cluster.name}"`)).toString("utf8");
    const loaded = loadTrustRestrictions({ fileName: ref.value, text });
    if (!loaded.ok) {
      const where = loaded.line !== undefined ? `${ref.value}:${loaded.line}:${loaded.column ?? 1}` : ref.value;
      throw new OthernameError("TRUST_FILE_INVALID", `cannot load the trust_restrictions of cluster "${cluster.name}" (${where}): ${loaded.reason}`, {
        hint: `Elasticsearch would refuse this file too; run othername lint ${ref.value}.`,
      });
    }
    matcher = loaded.matcher;
  }
  const nodes = await readNodes(cluster, options, problems);
  return { name: cluster.name, anchors, matcher, fields: cluster.fields, nodes };
}

async function readNodes(cluster: FleetClusterSpec, options: FleetReadOptions, problems: SourceProblem[]): Promise<MeshNode[]> {
  if (cluster.nodes.length === 0) return [];
  const read = await readCertificateSources(
    cluster.nodes.map((n) => n.value),
    { cwd: options.base, password: options.password, concurrency: options.concurrency, timeoutMs: options.timeoutMs },
  );
  problems.push(...read.problems.map((p) => ({ ...p, source: `${cluster.name}: ${p.source}` })));
  const nodes: MeshNode[] = [];
  for (const source of read.sources) {
    const [leaf, ...intermediates] = source.certificates;
    // A CA certificate lying in a node directory is not a node.
    if (leaf === undefined || (leaf.isCa && source.kind === "file")) continue;
    nodes.push({ kind: "certificate", label: source.source, leaf, intermediates });
  }
  return nodes;
}

async function readEceCluster(cluster: FleetClusterSpec, client: EceClient, options: FleetReadOptions, problems: SourceProblem[], notes: string[]): Promise<MeshCluster> {
  const ece = cluster.ece as NonNullable<FleetClusterSpec["ece"]>;
  const state = await readTrustState(client, { deploymentId: ece.deployment, refId: ece.refId });
  const ca = await client.getCertificateAuthority(ece.deployment);
  const member = eceMember({ deploymentId: ece.deployment, ca, trust: state.trust });
  notes.push(...member.notes.map((n) => `${cluster.name}: ${n}`));
  let matcher;
  try {
    matcher = compileMatcher(member.patterns);
  } catch (error) {
    throw new OthernameError("ECE_TRUST_INVALID", `cannot evaluate the trust of cluster "${cluster.name}" (ECE deployment ${ece.deployment}): ${error instanceof Error ? error.message : String(error)}`, {
      kind: "remote",
      cause: error,
    });
  }
  // Given nodes (files or live endpoints) are checked as they are; else the deployment's nodes as ECE describes them.
  const given = await readNodes(cluster, options, problems);
  const nodes = given.length > 0 ? given : member.node ? [member.node] : [];
  return { name: cluster.name, anchors: member.anchors, matcher, fields: cluster.fields, nodes };
}
