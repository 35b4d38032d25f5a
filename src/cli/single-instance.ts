import { stringify } from "yaml";
import { OthernameError } from "../errors.js";
import type { Diagnostic } from "../instances/diagnostic.js";
import type { InstancesResult } from "../instances/validate.js";

/**
 * certutil's single-instance mode: `cert --name node1 --dns … --ip … [--cn …]` (plus our
 * `--cluster`/`--scope`) without an instances file. The flags become a one-instance
 * instances document, validated by the same rules as a file, so both modes agree.
 */
export interface SingleInstanceArgs {
  readonly name?: string | undefined;
  readonly filename?: string | undefined;
  readonly dns?: readonly string[] | undefined;
  readonly ip?: readonly string[] | undefined;
  readonly cn?: readonly string[] | undefined;
  readonly cluster?: string | undefined;
  readonly scope?: string | undefined;
}

const INSTANCE_FLAGS = ["filename", "dns", "ip", "cn", "cluster", "scope"] as const;

/** Which instance flags were given, as `--flag` names. */
export function instanceFlagsGiven(args: SingleInstanceArgs): string[] {
  return [...(args.name !== undefined ? ["name"] : []), ...INSTANCE_FLAGS.filter((f) => args[f] !== undefined)].map((f) => `--${f}`);
}

/** The instances.yaml the flags stand for (lists split on commas as certutil does). */
export function singleInstanceYaml(args: SingleInstanceArgs): string {
  const list = (values: readonly string[] | undefined) => values?.flatMap((v) => v.split(",")).map((v) => v.trim()).filter((v) => v !== "");
  const instance = {
    name: args.name,
    ...(args.filename !== undefined ? { filename: args.filename } : {}),
    ...(args.dns ? { dns: list(args.dns) } : {}),
    ...(args.ip ? { ip: list(args.ip) } : {}),
    ...(args.cn ? { cn: list(args.cn) } : {}),
  };
  return stringify({ ...(args.cluster !== undefined ? { cluster: args.cluster } : {}), ...(args.scope !== undefined ? { scope: args.scope } : {}), instances: [instance] });
}

/** A finding on the synthesized document, named by the flag it came from: `--ip: "10.0.0.x" is not an IP address`. */
export function describeFlagDiagnostic(d: Diagnostic): string {
  const key = /^instances\[0\]\.([a-z]+)/.exec(d.path)?.[1] ?? /^([a-z]+)$/.exec(d.path)?.[1];
  return `${key ? `--${key}: ` : ""}${d.message} (${d.rule})`;
}

/** Every error of the single-instance flags in one usage error. */
export function singleInstanceFailure(result: InstancesResult): OthernameError | undefined {
  const errors = result.diagnostics.filter((d) => d.severity === "error");
  if (errors.length === 0) return undefined;
  return new OthernameError("INSTANCE_INVALID", `invalid instance flags: ${errors.map(describeFlagDiagnostic).join("; ")}`, {
    kind: "usage",
    hint: "Fix the flags named, or list the instances in a file and pass --in instances.yml.",
  });
}
