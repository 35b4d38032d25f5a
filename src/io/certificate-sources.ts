import { readFile, readdir, stat } from "node:fs/promises";
import { extname, join, relative, resolve } from "node:path";
import { OthernameError } from "../errors.js";
import { parseCertificate, type Certificate } from "../pki/certificate.js";
import { decodePem, looksLikePem } from "../pki/pem.js";
import { readCryptoFile } from "../pki/read.js";
import { leafAndExtras } from "../pki/anchors.js";
import { isEndpoint } from "../fleet/fleet-file.js";
import { mapBounded } from "./bounded.js";
import { readCertificateBundle } from "./read-bundle.js";
import { readInputFile } from "./read-input.js";
import { probeTls } from "./tls-probe.js";

/**
 * Reads the certificates of what `othername scan` and `othername mesh` are pointed at: PEM/DER
 * files, PKCS#12 keystores, directories (walked), `.zip` bundles and live nodes (`HOST:PORT`,
 * probed concurrently with a bounded number of connections). One source per file or node, its
 * certificates in file order with the presented/keyed certificate first.
 *
 * A target named on the command line that does not exist (and is not HOST:PORT) is an error;
 * a file inside a directory or zip that cannot be read, or a node that cannot be reached, is a
 * problem reported beside the results, so one bad file does not hide the fleet.
 */
export interface CertificateSource {
  /** `path`, `dir/sub/file.crt`, `bundle.zip!node/node.p12` or `HOST:PORT`. */
  readonly source: string;
  readonly kind: "file" | "node";
  /** The leaf (the keyed certificate of a PKCS#12, the first of a PEM, the presented one of a node) first. */
  readonly certificates: readonly Certificate[];
}

export interface SourceProblem {
  readonly source: string;
  readonly message: string;
  /** "remote" for a node that could not be probed. */
  readonly kind: "input" | "remote";
}

export interface SourceReadOptions {
  readonly cwd: string;
  /** Password for PKCS#12 files; without one the empty password is tried. */
  readonly password?: string | undefined;
  /** Connections (and files) in flight at once. */
  readonly concurrency: number;
  readonly timeoutMs: number;
}

export interface SourceReadResult {
  readonly sources: readonly CertificateSource[];
  readonly problems: readonly SourceProblem[];
}

/** Files that can carry certificates; `.key` files are never read. */
const CERTIFICATE_EXTENSIONS = new Set([".crt", ".pem", ".cer", ".der", ".p12", ".pfx"]);
/** A directory walk stops here: more is not a certificate store but a mistake (e.g. `/`). */
export const MAX_WALK_FILES = 200_000;
const MAX_WALK_DEPTH = 16;
/** Files read at once while walking (file descriptors, not CPU, are the limit). */
const FILE_CONCURRENCY = 64;
/** A probe waits this long after a TLS 1.3 handshake: the chain is in hand, no verdict is needed. */
const PROBE_SETTLE_MS = 0;

export async function readCertificateSources(targets: readonly string[], options: SourceReadOptions): Promise<SourceReadResult> {
  const problems: SourceProblem[] = [];
  const files: { source: string; full: string }[] = [];
  const groups: (() => Promise<(CertificateSource | undefined)[]>)[] = [];
  const endpoints: string[] = [];
  for (const target of targets) {
    const full = resolve(options.cwd, target);
    const info = await stat(full).catch(() => undefined);
    if (info === undefined && isEndpoint(target)) {
      endpoints.push(target);
    } else if (info?.isDirectory()) {
      files.push(...(await walk(full, target)));
    } else if (info?.isFile() && target.toLowerCase().endsWith(".zip")) {
      groups.push(() => readZip(target, options, problems));
    } else {
      // Missing, unreadable or special: readInputFile names the reason.
      await readInputFile(target, options.cwd, "scan target");
      files.push({ source: target, full });
    }
  }
  const fromFiles = await mapBounded(files, FILE_CONCURRENCY, async ({ source, full }) => {
    try {
      return await certificateSource(source, new Uint8Array(await readFile(full)), options.password);
    } catch (error) {
      problems.push({ source, message: messageOf(error), kind: "input" });
      return undefined;
    }
  });
  const fromZips = (await Promise.all(groups.map((g) => g()))).flat();
  const fromNodes = await mapBounded(endpoints, options.concurrency, async (target) => {
    try {
      return await probeSource(target, options.timeoutMs);
    } catch (error) {
      problems.push({ source: target, message: messageOf(error), kind: "remote" });
      return undefined;
    }
  });
  const sources = [...fromFiles, ...fromZips, ...fromNodes].filter((s): s is CertificateSource => s !== undefined && s.certificates.length > 0);
  return { sources, problems };
}

/** The certificates of one file's bytes: PEM certificates directly (keys are never parsed), else DER or PKCS#12. */
export async function certificateSource(source: string, bytes: Uint8Array, password: string | undefined): Promise<CertificateSource> {
  if (looksLikePem(bytes)) {
    const certificates = decodePem(Buffer.from(bytes).toString("latin1"))
      .filter((block) => block.label === "CERTIFICATE" || block.label === "X509 CERTIFICATE" || block.label === "TRUSTED CERTIFICATE")
      .map((block) => parseCertificate(block.der));
    return { source, kind: "file", certificates };
  }
  const file = await readCryptoFile(bytes, { source, password: password ?? "" });
  const { leaf, extras } = leafAndExtras(file);
  return { source, kind: "file", certificates: leaf ? [leaf, ...extras] : [] };
}

async function walk(root: string, shown: string): Promise<{ source: string; full: string }[]> {
  const out: { source: string; full: string }[] = [];
  const visit = async (dir: string, depth: number): Promise<void> => {
    if (depth > MAX_WALK_DEPTH) return;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      throw new OthernameError("FILE_UNREADABLE", `cannot read directory ${join(shown, relative(root, dir))}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
        hint: "Check the path and its permissions.",
        cause: error,
      });
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) await visit(full, depth + 1);
      else if (entry.isFile() && CERTIFICATE_EXTENSIONS.has(extname(entry.name).toLowerCase())) {
        if (out.length >= MAX_WALK_FILES) {
          throw new OthernameError("SCAN_TOO_LARGE", `cannot scan ${shown}: more than ${MAX_WALK_FILES} certificate files`, { hint: "Point the scan at the certificate directories themselves." });
        }
        out.push({ source: join(shown, relative(root, full)).split("\\").join("/"), full });
      }
    }
  };
  await visit(root, 0);
  return out;
}

async function readZip(target: string, options: SourceReadOptions, problems: SourceProblem[]): Promise<(CertificateSource | undefined)[]> {
  let entries;
  try {
    entries = await readCertificateBundle(target, options.cwd);
  } catch (error) {
    if (error instanceof OthernameError) throw new OthernameError(error.code, error.message.replace(" (--from-bundle)", ""), { hint: error.hint, cause: error, kind: error.kind });
    throw error;
  }
  const out: (CertificateSource | undefined)[] = [];
  for (const entry of entries) {
    const source = `${target}!${entry.path}`;
    try {
      out.push(await certificateSource(source, entry.bytes, options.password));
    } catch (error) {
      problems.push({ source, message: messageOf(error), kind: "input" });
    }
  }
  return out;
}

async function probeSource(target: string, timeoutMs: number): Promise<CertificateSource> {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(target);
  const host = (match?.[1] ?? match?.[2]) as string;
  const port = Number(match?.[3]);
  if (!(port >= 1 && port <= 65535)) throw new OthernameError("USAGE_TARGET", `invalid target ${JSON.stringify(target)}: the port must be 1 to 65535`, { kind: "usage" });
  const probe = await probeTls({ host, port, timeoutMs, settleMs: PROBE_SETTLE_MS });
  return { source: target, kind: "node", certificates: probe.peerChain.map((der) => parseCertificate(der)) };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
