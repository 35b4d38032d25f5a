import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { CaseSpec, CertSpec } from "./cases.js";

/** The files of one case: the peer's chain as sent (leaf first) and the trusted root. */
export interface CaseFiles {
  readonly spec: CaseSpec;
  readonly peer: string;
  readonly anchors: string;
}

/**
 * Makes every case's certificates with openssl (`req -x509 -CA …`, one process per certificate),
 * in two bash lanes so the two cores share the work. Three EC P-256 keys serve all cases: root,
 * intermediate, leaf. Certificates are valid from now for 30 days (the JDK validates at now).
 */
export async function makeCases(dir: string, cases: readonly CaseSpec[]): Promise<CaseFiles[]> {
  const key = (name: string) => join(dir, `${name}.key`);
  const root = join(dir, "root.pem");
  const setup = [
    ...["root", "int", "leaf"].map((name) => `openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ${key(name)}`),
    certCommand(dir, "root", { subject: "/CN=Differential Root", ext: ["basicConstraints = critical,CA:TRUE", "keyUsage = critical,keyCertSign,cRLSign", "subjectKeyIdentifier = hash"] }, key("root"), undefined, 1),
  ];
  await runBash(setup.join(" && \\\n"));

  const lanes: string[][] = [[], []];
  const files: CaseFiles[] = [];
  cases.forEach((spec, i) => {
    const base = `c${i}`;
    const commands: string[] = [];
    const peer = [join(dir, `${base}-leaf.pem`)];
    let issuer = { cert: root, key: key("root") };
    if (spec.intermediate) {
      commands.push(certCommand(dir, `${base}-int`, spec.intermediate, key("int"), issuer, 1000 + i));
      issuer = { cert: join(dir, `${base}-int.pem`), key: key("int") };
      peer.push(issuer.cert);
    }
    commands.push(certCommand(dir, `${base}-leaf`, spec.leaf, key("leaf"), issuer, 5000 + i));
    const chain = join(dir, `${base}-chain.pem`);
    commands.push(`cat ${peer.join(" ")} > ${chain}`);
    // A case whose certificate openssl cannot make is reported by the test, not here.
    (lanes[i % 2] as string[]).push(`{ ${commands.join(" && ")}; } 2>${join(dir, `${base}.err`)} || echo ${base} >> ${join(dir, "failed")}`);
    files.push({ spec, peer: chain, anchors: root });
  });
  await Promise.all(lanes.map((lane) => runBash(lane.join("\n"))));
  return files;
}

function certCommand(dir: string, name: string, spec: CertSpec, keyFile: string, issuer: { cert: string; key: string } | undefined, serial: number): string {
  const config = join(dir, `${name}.cnf`);
  writeFileSync(config, `[req]\ndistinguished_name = dn\nutf8 = yes\n[dn]\n[ext]\n${spec.ext.join("\n")}\n${spec.sections ?? ""}`);
  const signer = issuer ? ` -CA ${issuer.cert} -CAkey ${issuer.key}` : "";
  return `openssl req -x509 -new -key ${keyFile} -subj '${spec.subject}' -config ${config} -extensions ext -days 30 -set_serial ${serial} -sha256${signer} -out ${join(dir, `${name}.pem`)}`;
}

function runBash(script: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["-c", script], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`openssl script failed (${code}): ${stderr.slice(0, 2000)}`))));
  });
}

