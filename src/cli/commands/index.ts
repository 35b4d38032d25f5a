import type { CommandSpec } from "../command.js";

/**
 * The command registry. Each module is imported only when its command runs (or its help is
 * asked for), so `othername --help` and `--version` load no PKI code and start fast.
 */
export interface CommandEntry {
  readonly name: string;
  readonly describe: string;
  readonly load: () => Promise<{ readonly default: CommandSpec<never> }>;
}

export const commands: readonly CommandEntry[] = [
  { name: "quickstart", describe: "Run the whole job on a bundled example (npm start)", load: () => import("./quickstart.js") },
  { name: "inspect", describe: "Show certificates, keys and names in PEM, DER or PKCS#12 files", load: () => import("./inspect.js") },
  { name: "check", describe: "Would Elasticsearch accept this peer certificate? Chain, then trust restrictions", load: () => import("./check.js") },
  { name: "match", describe: "Evaluate names against a trust_restrictions file as Elasticsearch would", load: () => import("./match.js") },
  { name: "lint", describe: "Lint trust_restrictions and instances files (text, JSON, SARIF; --fix)", load: () => import("./lint.js") },
  { name: "ca", describe: "Create a certificate authority (PKCS#12 or PEM)", load: () => import("./ca.js") },
  { name: "cert", describe: "Generate node certificates from an instances.yaml", load: () => import("./cert.js") },
  { name: "renew", describe: "Reissue the node certificates of a bundle: same names and files, new validity and key", load: () => import("./renew.js") },
  { name: "csr", describe: "Generate keys and certificate signing requests from an instances.yaml", load: () => import("./csr.js") },
  { name: "verify", describe: "Validate a certificate's chain to trust anchors", load: () => import("./verify.js") },
  { name: "ece", describe: "Push trust into Elastic Cloud Enterprise: ece trust show|add|remove, ece ca", load: () => import("./ece.js") },
  { name: "probe", describe: "Connect to a live node, capture its certificate chain and check it like check", load: () => import("./probe.js") },
  { name: "scan", describe: "Every certificate in bundles, keystores, files and live nodes, soonest expiry first, with findings", load: () => import("./scan.js") },
  { name: "rotate", describe: "Replace a cluster's CA without downtime: rotate plan writes the phases, rotate check verifies every step", load: () => import("./rotate.js") },
  { name: "mesh", describe: "Which cluster accepts which: the trust matrix of a fleet file, both directions", load: () => import("./mesh.js") },
];
