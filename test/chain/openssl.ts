import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface OpensslVerdict {
  readonly ok: boolean;
  readonly output: string;
}

/**
 * The real `openssl verify -attime <epoch> -CAfile … [-untrusted …] leaf.pem` over PEM text,
 * in a temporary directory removed afterwards. `partialChain` adds -partial_chain (OpenSSL's
 * name for accepting a trusted certificate that is not self-signed as the end of the path).
 */
export async function opensslVerify(options: {
  readonly leaf: string;
  readonly anchors: readonly string[];
  readonly untrusted: readonly string[];
  readonly at: Date;
  readonly partialChain?: boolean;
}): Promise<OpensslVerdict> {
  const dir = await mkdtemp(join(tmpdir(), "othername-chain-"));
  try {
    await writeFile(join(dir, "leaf.pem"), options.leaf);
    await writeFile(join(dir, "ca.pem"), options.anchors.join(""));
    const args = ["verify", "-attime", String(Math.floor(options.at.getTime() / 1000)), "-CAfile", join(dir, "ca.pem")];
    if (options.untrusted.length > 0) {
      await writeFile(join(dir, "untrusted.pem"), options.untrusted.join(""));
      args.push("-untrusted", join(dir, "untrusted.pem"));
    }
    if (options.partialChain) args.push("-partial_chain");
    args.push(join(dir, "leaf.pem"));
    try {
      const { stdout, stderr } = await run("openssl", args);
      return { ok: true, output: stdout + stderr };
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string; code?: number };
      if (typeof e.code !== "number") throw error;
      return { ok: false, output: `${e.stdout ?? ""}${e.stderr ?? ""}` };
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
