import { spawn } from "node:child_process";
import { createServer, type Server } from "node:tls";
import type { AddressInfo } from "node:net";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeCa, makeServerCertificate } from "../ece/certs.js";
import { FakeEce, sampleDeployment } from "../ece/server.js";

/**
 * The README cannot rot: every `console` block's `$ …` commands run here, in order, in one
 * scratch directory, with `othername` on the PATH (the built CLI) and a fake ECE (the spec-checked
 * test server) behind ECE_URL. Each command must exit as shown (`# exit N`, else 0) and print every
 * output line the README shows under it (`…` stands for text that differs per run).
 * Files the guide asks the reader to create are the fenced blocks after `<!-- file: NAME -->`.
 * `localhost:9300` stands for a TLS node started here with the es-eu-1 certificate the guide made
 * (on a free port, substituted into the command).
 * `npm ci && npm start` runs what `npm start` runs after its build, `node bin/othername.js quickstart`
 * (`npm test` has just built dist/; rebuilding it here would race the other test files that run
 * the CLI); `npm test` is this very suite, not re-run.
 */
const repo = resolve(import.meta.dirname, "../..");
const readme = readFileSync(join(repo, "README.md"), "utf8");

interface Step {
  readonly command: string;
  readonly exit: number;
  readonly expected: readonly string[];
  readonly line: number;
}

/** A TypeScript example and the `// output` comment lines it must print. */
interface Example {
  readonly code: string;
  readonly expected: readonly string[];
  readonly line: number;
}

function parseReadme(text: string): { files: Map<string, string>; steps: Step[]; examples: Example[] } {
  const lines = text.split("\n");
  const files = new Map<string, string>();
  const steps: Step[] = [];
  const examples: Example[] = [];
  let pendingFile: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const marker = /^<!-- file: (\S+) -->$/.exec(line.trim());
    if (marker) {
      pendingFile = marker[1];
      continue;
    }
    const fence = /^```(\w*)/.exec(line);
    if (!fence) continue;
    const body: string[] = [];
    const start = i + 1;
    for (i = i + 1; i < lines.length && !lines[i]!.startsWith("```"); i++) body.push(lines[i]!);
    if (pendingFile) {
      files.set(pendingFile, `${body.join("\n")}\n`);
      pendingFile = undefined;
      continue;
    }
    if (fence[1] === "ts") {
      examples.push({ code: body.join("\n"), expected: body.filter((l) => l.startsWith("// ")).map((l) => l.slice(3)), line: start });
      continue;
    }
    if (fence[1] !== "console") continue;
    let current: { command: string; exit: number; expected: string[]; line: number } | undefined;
    body.forEach((raw, offset) => {
      const command = /^\$ (.*?)(?:\s+# exit (\d+))?$/.exec(raw);
      if (command) {
        current = { command: command[1]!, exit: Number(command[2] ?? 0), expected: [], line: start + offset + 1 };
        steps.push(current);
      } else if (current && raw.trim() !== "") {
        current.expected.push(raw.trim());
      }
    });
  }
  return { files, steps, examples };
}

const { files, steps, examples } = parseReadme(readme);
let work: string;
let ece: FakeEce;
let node: Server | undefined;

/** A node's transport port stand-in, presenting the guide's es-eu-1 certificate. */
async function startNode(): Promise<number> {
  node ??= await new Promise<Server>((resolvePromise) => {
    const server = createServer(
      { key: readFileSync(join(work, "certs/es-eu-1/es-eu-1.key")), cert: readFileSync(join(work, "certs/es-eu-1/es-eu-1.crt")) },
      (socket) => setTimeout(() => socket.end(), 2_000),
    );
    server.listen(0, "127.0.0.1", () => resolvePromise(server));
  });
  return (node.address() as AddressInfo).port;
}
const env: Record<string, string> = {};

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "othername-readme-"));
  const bin = join(work, ".bin");
  mkdirSync(bin);
  writeFileSync(join(bin, "othername"), `#!/bin/sh\nexec "${process.execPath}" "${join(repo, "bin/othername.js")}" "$@"\n`);
  chmodSync(join(bin, "othername"), 0o755);
  for (const [name, content] of files) writeFileSync(join(work, name), content);

  const apiCa = await makeCa("CN=ECE API CA");
  const tls = await makeServerCertificate(apiCa);
  const apiKey = "ZG9jcy10ZXN0LWtleTpkb2NzLXRlc3Qtc2VjcmV0";
  ece = await FakeEce.start({ key: tls.keyPem, cert: tls.pem, apiKey });
  const deploymentCa = await makeCa("CN=ECE deployment CA");
  ece.deployments.set("a1b2c3d4e5f6", sampleDeployment("a1b2c3d4e5f6", {
    caPem: deploymentCa.pem,
    trust: { accounts: [{ account_id: "ece-account", name: "Default trust with own account", trust_all: true }], external: [], direct: [] },
  }));
  writeFileSync(join(work, "ece-api-ca.pem"), apiCa.pem);
  Object.assign(env, { PATH: `${bin}:${process.env.PATH ?? ""}`, HOME: work, ECE_URL: ece.url, ECE_API_KEY: apiKey, NO_COLOR: "1" });
}, 60_000);

afterAll(async () => {
  await ece?.close();
  node?.close();
  rmSync(work, { recursive: true, force: true });
});

function runShell(command: string, options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn("bash", ["-c", command], { ...options, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("error", reject);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolvePromise({ status, stdout, stderr });
    });
  });
}

function matches(expected: string, actual: readonly string[]): boolean {
  const pattern = new RegExp(`^${expected.split("…").map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
  return actual.some((line) => pattern.test(line));
}

describe("README.md", () => {
  it("shows commands at all", () => {
    expect(steps.length).toBeGreaterThan(10);
    expect(steps.some((s) => s.command.startsWith("othername ece"))).toBe(true);
    // The stand-in for `npm start` below is only honest while npm start is build + quickstart.
    const scripts = (JSON.parse(readFileSync(join(repo, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;
    expect(scripts.start).toBe("npm run build --silent && node bin/othername.js quickstart");
  });

  it.each(steps.map((s) => [`line ${s.line}: ${s.command}`, s] as const))("%s", async (_title, step) => {
    const exportLine = /^export (\w+)=(.*)$/.exec(step.command);
    if (exportLine) {
      env[exportLine[1]!] = exportLine[2]!.replace(/^'(.*)'$/, "$1");
      return;
    }
    if (step.command === "npm test") return; // this suite is part of `npm test`
    const inRepo = step.command.startsWith("npm ");
    let command = step.command === "npm ci && npm start" ? "node bin/othername.js quickstart" : step.command;
    if (command.includes("localhost:9300")) command = command.replace("localhost:9300", `localhost:${await startNode()}`);
    // Asynchronously: the fake ECE answers from this same process.
    const run = await runShell(command, { cwd: inRepo ? repo : work, env: { ...process.env, ...env } });
    const output = `${run.stdout}\n${run.stderr}`.split("\n").map((l) => l.trim());
    expect(run.status, `${command}\n${run.stdout}\n${run.stderr}`).toBe(step.exit);
    for (const line of step.expected) expect(matches(line, output), `"${line}" not in the output of ${command}:\n${output.join("\n")}`).toBe(true);
  });

  // The library examples run last, on the files the guide made, importing "othername" as a user would
  // (the file sits inside the package so the name resolves to it, as it would from node_modules).
  it.each(examples.map((e) => [`line ${e.line}: library example`, e] as const))("%s", async (_title, example) => {
    const file = join(repo, "test/docs", `.readme-example-${example.line}.mts`);
    writeFileSync(file, example.code);
    try {
      const run = await runShell(`"${join(repo, "node_modules/.bin/tsx")}" "${file}"`, { cwd: work, env: { ...process.env, ...env } });
      expect(run.status, run.stderr).toBe(0);
      const output = run.stdout.split("\n").map((l) => l.trim());
      for (const line of example.expected) expect(matches(line, output), `"${line}" not in:\n${run.stdout}`).toBe(true);
    } finally {
      rmSync(file, { force: true });
    }
  });
});
