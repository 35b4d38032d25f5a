import { formatDistinguishedName, type DistinguishedName } from "./distinguished-name.js";
import type { InstancesSpec } from "./spec.js";

/**
 * The pure plan of a `cert` or `csr` run: for each instance the subject, names, validity and
 * the bundle paths it will produce, in certutil's layout (`<filename>/<filename>.<ext>`).
 */
export type OutputKind = "pkcs12" | "pem" | "csr";

export interface SubjectAltNames {
  readonly otherNameCommonName: readonly string[];
  readonly dns: readonly string[];
  readonly ip: readonly string[];
}

export interface InstancePlan {
  readonly name: string;
  readonly filename: string;
  readonly subject: DistinguishedName;
  /** RFC 4514 form of `subject`, for display. */
  readonly subjectText: string;
  readonly san: SubjectAltNames;
  /** Bundle-relative paths, `/`-separated: the certificate (or CSR) first, then the key. */
  readonly files: readonly string[];
}

export interface GenerationPlan {
  readonly kind: OutputKind;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly instances: readonly InstancePlan[];
  /** The CA certificate copy in PEM bundles (certutil writes `ca/ca.crt` there), else undefined. */
  readonly caFile: string | undefined;
  /** Every path the bundle will hold, in write order. */
  readonly files: readonly string[];
}

export interface PlanOptions {
  readonly kind: OutputKind;
  readonly at: Date;
  readonly days: number;
}

const DAY_MS = 86_400_000;

/**
 * Plans the output of a validated instances file: per instance its subject, names (the convention
 * name `<name>.node.<cluster>.cluster.<scope>` when it has no `cn`), file paths and validity.
 *
 * @param spec - A validated instances spec from `parseInstances`.
 * @param options - Output kind (`pkcs12`, `pem`, `csr`), the start time and the validity in days.
 * @returns The plan, one entry per instance.
 * @example
 * ```ts
 * const plan = planGeneration(parsed.spec, { kind: "pem", at: new Date(), days: 1095 });
 * plan.instances[0]?.san.otherNameCommonName; // ["es-eu-1.node.prod-eu.cluster.s1.account"]
 * ```
 */
export function planGeneration(spec: InstancesSpec, options: PlanOptions): GenerationPlan {
  const instances = spec.instances.map((instance): InstancePlan => {
    const stem = `${instance.filename}/${instance.filename}`;
    const files =
      options.kind === "pkcs12" ? [`${stem}.p12`] : options.kind === "pem" ? [`${stem}.crt`, `${stem}.key`] : [`${stem}.csr`, `${stem}.key`];
    return {
      name: instance.name,
      filename: instance.filename,
      subject: instance.subject,
      subjectText: formatDistinguishedName(instance.subject),
      san: { otherNameCommonName: instance.cn, dns: instance.dns, ip: instance.ip },
      files,
    };
  });
  const caFile = options.kind === "pem" ? "ca/ca.crt" : undefined;
  const files = [...(caFile ? [caFile] : []), ...instances.flatMap((i) => i.files)];
  // Certificates carry whole seconds (RFC 5280 §4.1.2.5.1), so the plan does too.
  const notBefore = new Date(Math.floor(options.at.getTime() / 1000) * 1000);
  return {
    kind: options.kind,
    notBefore,
    notAfter: new Date(notBefore.getTime() + options.days * DAY_MS),
    instances,
    caFile,
    files,
  };
}
