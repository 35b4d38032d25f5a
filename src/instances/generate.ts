import { exportPrivateKeyPem, generateKey, type KeySpec, type PrivateKey } from "../pki/keys.js";
import { issueSelfSigned, type Issuer } from "../pki/issue.js";
import { encodePem } from "../pki/pem.js";
import type { GenerationPlan, InstancePlan } from "./plan.js";

/**
 * Carries out a plan in memory: one key per instance (generated in parallel on the libuv pool),
 * its certificate or request, and the encoded files. Nothing touches the disk here, so a
 * failure anywhere leaves nothing behind; the caller writes the bundle once everything exists.
 */
export interface GeneratedFile {
  /** Bundle-relative path from the plan. */
  readonly path: string;
  readonly bytes: Uint8Array;
  /** Holds a private key (written 0600). */
  readonly secret: boolean;
}

export interface GeneratedInstance {
  readonly plan: InstancePlan;
  /** The leaf certificate (absent for CSRs). */
  readonly certificate: Uint8Array | undefined;
}

export interface GenerationResult {
  readonly files: readonly GeneratedFile[];
  readonly instances: readonly GeneratedInstance[];
}

/** The PKCS#12 writer's shape (src/pki/pkcs12), passed in so this module stays format-agnostic. */
export type Pkcs12Writer = (
  contents: {
    readonly key: { readonly pkcs8: Uint8Array; readonly certificate: Uint8Array; readonly chain?: readonly Uint8Array[]; readonly alias: string };
    readonly trustedCertificates?: readonly { readonly der: Uint8Array; readonly alias: string }[];
  },
  password: string,
) => Promise<Uint8Array>;

/** The PKCS#10 writer's shape (src/pki/csr). */
export type CsrWriter = (request: {
  readonly key: PrivateKey;
  readonly subject: InstancePlan["subject"];
  readonly san: InstancePlan["san"];
}) => Promise<Uint8Array> | Uint8Array;

export type Signing = { readonly kind: "ca"; readonly issuer: Issuer } | { readonly kind: "self-signed" } | { readonly kind: "none" };

export interface GenerateOptions {
  readonly plan: GenerationPlan;
  readonly keySpec: KeySpec;
  readonly signing: Signing;
  /** Parallelism: the libuv pool size (`--jobs`). */
  readonly jobs: number;
  /** PEM key form: PKCS#8 (default) or certutil's traditional form (PKCS#1 for RSA, SEC1 for EC). */
  readonly keyFormat: "pkcs8" | "pkcs1";
  /** PKCS#12 password, or the PEM key encryption password when defined. */
  readonly password: string | undefined;
  readonly pkcs12?: Pkcs12Writer | undefined;
  readonly csr?: CsrWriter | undefined;
  readonly onProgress?: ((done: number, total: number, name: string) => void) | undefined;
}

/**
 * Generates, in memory, the keys and certificates (or CSRs) of a plan, `jobs` at a time; each
 * certificate is verified against its CA before it is returned. Nothing is written to disk.
 *
 * @param options - The plan, key spec, signing CA (or self-signed), parallelism, key format, password and writers.
 * @returns Every instance's files and certificate, in plan order.
 * @example
 * ```ts
 * const { files } = await generateBundle({ plan, keySpec, signing: { kind: "ca", issuer }, jobs: 4, keyFormat: "pkcs8", password: undefined });
 * ```
 */
export async function generateBundle(options: GenerateOptions): Promise<GenerationResult> {
  const { plan } = options;
  const caDer = options.signing.kind === "ca" ? options.signing.issuer.certificate.der : undefined;
  const perInstance: GeneratedFile[][] = new Array(plan.instances.length);
  const generated: GeneratedInstance[] = new Array(plan.instances.length);
  let next = 0;
  let done = 0;
  const runner = async (): Promise<void> => {
    while (next < plan.instances.length) {
      const index = next++;
      const instance = plan.instances[index]!;
      const key = await generateKey(options.keySpec);
      const result = await buildInstance(instance, key, options, caDer);
      perInstance[index] = result.files;
      generated[index] = { plan: instance, certificate: result.certificate };
      options.onProgress?.(++done, plan.instances.length, instance.name);
    }
  };
  // Each instance hops to the pool several times (key, signature, PKCS#12 derivations): a few
  // instances in flight per pool thread keep every thread busy between hops.
  const runners = Math.max(1, Math.min(options.jobs * 4, plan.instances.length));
  await Promise.all(Array.from({ length: runners }, runner));
  const files: GeneratedFile[] = [];
  if (plan.caFile && caDer) files.push({ path: plan.caFile, bytes: text(encodePem("CERTIFICATE", caDer)), secret: false });
  for (const list of perInstance) files.push(...list);
  return { files, instances: generated };
}

async function buildInstance(
  instance: InstancePlan,
  key: PrivateKey,
  options: GenerateOptions,
  caDer: Uint8Array | undefined,
): Promise<{ files: GeneratedFile[]; certificate: Uint8Array | undefined }> {
  const { plan } = options;
  const [first, second] = instance.files as [string, string | undefined];
  if (plan.kind === "csr") {
    if (!options.csr) throw new Error("generateBundle: a CSR writer is required for CSR plans");
    const csr = await options.csr({ key, subject: instance.subject, san: instance.san });
    return {
      files: [
        { path: first, bytes: text(encodePem("CERTIFICATE REQUEST", csr)), secret: false },
        { path: second!, bytes: text(keyPem(key, options)), secret: true },
      ],
      certificate: undefined,
    };
  }
  const request = { subject: instance.subject, san: instance.san, notBefore: plan.notBefore, notAfter: plan.notAfter };
  const signing = options.signing;
  const certificate =
    signing.kind === "ca"
      ? await signing.issuer.issue({ ...request, publicKey: key.spki })
      : await issueSelfSigned({ ...request, key });
  if (plan.kind === "pem") {
    return {
      files: [
        { path: first, bytes: text(encodePem("CERTIFICATE", certificate)), secret: false },
        { path: second!, bytes: text(keyPem(key, options)), secret: true },
      ],
      certificate,
    };
  }
  if (!options.pkcs12) throw new Error("generateBundle: a PKCS#12 writer is required for PKCS#12 plans");
  // certutil: key entry named after the instance with a leaf-only chain, the CA as trusted entry "ca".
  const p12 = await options.pkcs12(
    {
      key: { pkcs8: key.pkcs8, certificate, alias: instance.name },
      ...(caDer ? { trustedCertificates: [{ der: caDer, alias: "ca" }] } : {}),
    },
    options.password ?? "",
  );
  return { files: [{ path: first, bytes: p12, secret: true }], certificate };
}

function keyPem(key: PrivateKey, options: GenerateOptions): string {
  const format = options.keyFormat === "pkcs8" ? "pkcs8" : key.algorithm === "ec" ? "sec1" : "pkcs1";
  return exportPrivateKeyPem(key, { format, password: options.password });
}

function text(value: string): Uint8Array {
  return new TextEncoder().encode(value);
}
