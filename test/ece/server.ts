import { X509Certificate, randomUUID } from "node:crypto";
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { SPEC_ABSENT, loadSpec, specAvailable } from "./spec.js";

/**
 * A fake ECE API over real HTTPS on 127.0.0.1, written from the ECE spec (read in place from
 * ../shared/ece-trust-openapi.json; without it request bodies are not checked against the spec,
 * and a warning says so).
 * Like the real API it replaces `settings.trust` wholesale on update (a client that sends only
 * part of it loses entries), checks `?version=` against `x-cloud-resource-version`, supports
 * `validate_only`, validates request bodies against the spec's definitions (ajv), checks the
 * credentials, and can inject faults: error statuses, a concurrent change between a client's
 * read and write, slow responses, and a reply lost after the update was applied.
 */

export interface StoredElasticsearch {
  ref_id: string;
  id: string;
  region: string;
  info: {
    cluster_id: string;
    cluster_name: string;
    healthy: boolean;
    status: string;
    plan_info: { healthy: boolean; history: unknown[]; current?: { healthy: boolean; plan_attempt_log: unknown[]; warnings: unknown[]; plan?: Record<string, unknown> } };
    settings?: Record<string, unknown>;
    [key: string]: unknown;
  };
}

export interface StoredDeployment {
  id: string;
  name: string;
  version: number;
  elasticsearch: StoredElasticsearch[];
  kibana: { ref_id: string; id: string; region: string }[];
  certificateAuthority: { recommended_trust_restriction: string; public_certificates: { active: boolean; pem: string; metadata: Record<string, unknown> }[] };
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string>>;
  readonly authorization: string | undefined;
  readonly body: unknown;
  readonly status: number;
}

export interface FaultRule {
  status: number;
  times: number;
  method?: "GET" | "PUT";
  /** For PUT: apply the update first, then answer with `status` (a lost reply). */
  afterApply?: boolean;
  retryAfter?: string;
}

export interface FakeEceOptions {
  readonly key: string;
  readonly cert: string;
  readonly apiKey: string;
  readonly basic?: { readonly user: string; readonly password: string };
}

type AjvModule = { default?: (ajv: Ajv) => Ajv } & ((ajv: Ajv) => Ajv);
const addFormats = ((addFormatsModule as unknown as AjvModule).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

/** A validator for a definition of the spec; omitted definitions (x-unresolved-refs) accept anything. */
export function specValidator(definition: string): ValidateFunction {
  const spec = loadSpec();
  const unresolved = (spec["x-unresolved-refs"] as string[] | undefined) ?? [];
  const definitions: Record<string, unknown> = { ...spec.definitions };
  for (const name of unresolved) definitions[name] ??= {};
  // Swagger 2.0 schema keywords ajv does not know (example, readOnly next to $ref, x-*) are ignored.
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addFormat("int32", { type: "number", validate: (n: number) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31 });
  ajv.addFormat("int64", { type: "number", validate: (n: number) => Number.isInteger(n) });
  ajv.addSchema({ $id: "ece", definitions });
  return ajv.compile({ $ref: `ece#/definitions/${definition}` });
}

let warnedNoSpec = false;
function warnNoSpec(): undefined {
  if (!warnedNoSpec) console.warn(`test/ece/server.ts: request bodies are not validated against the ECE spec, ${SPEC_ABSENT}`);
  warnedNoSpec = true;
  return undefined;
}

export class FakeEce {
  readonly deployments = new Map<string, StoredDeployment>();
  readonly requests: RecordedRequest[] = [];
  readonly faults: FaultRule[] = [];
  /** Applied to the deployment just before the next PUTs are processed: someone else's change. */
  readonly concurrentChanges: ((deployment: StoredDeployment) => void)[] = [];
  /** Delay before answering each of the next `times` requests. */
  delay: { ms: number; times: number } = { ms: 0, times: 0 };
  /** Make error replies echo the Authorization header (to prove the client redacts it). */
  echoAuthorization = false;
  private readonly validateUpdate: ValidateFunction | undefined = specAvailable() ? specValidator("DeploymentUpdateRequest") : warnNoSpec();
  private server!: Server;
  url = "";

  private constructor(private readonly options: FakeEceOptions) {}

  static async start(options: FakeEceOptions): Promise<FakeEce> {
    const fake = new FakeEce(options);
    fake.server = createServer({ key: options.key, cert: options.cert }, (req, res) => {
      fake.handle(req, res).catch((error: unknown) => {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ errors: [{ code: "test.crash", message: String(error) }] }));
      });
    });
    await new Promise<void>((resolve) => fake.server.listen(0, "127.0.0.1", resolve));
    fake.url = `https://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The stored trust of a deployment's first Elasticsearch resource, as JSON would show it. */
  trustOf(id: string): unknown {
    return this.deployments.get(id)?.elasticsearch[0]?.info.settings?.["trust"];
  }

  putRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.method === "PUT");
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "https://127.0.0.1");
    const query = Object.fromEntries(url.searchParams);
    const text = await readBody(req);
    let body: unknown;
    const record = (status: number): void => {
      this.requests.push({ method: req.method ?? "", path: url.pathname, query, authorization: req.headers.authorization, body, status });
    };
    const reply = async (status: number, payload: unknown, headers: Record<string, string> = {}): Promise<void> => {
      record(status);
      if (this.delay.times > 0) {
        this.delay.times--;
        await new Promise((resolve) => setTimeout(resolve, this.delay.ms));
      }
      if (res.destroyed) return;
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(JSON.stringify(payload));
    };
    const failure = (status: number, code: string, message: string, headers: Record<string, string> = {}): Promise<void> =>
      reply(status, { errors: [{ code, message: this.echoAuthorization ? `${message} (got Authorization: ${req.headers.authorization ?? ""})` : message }] }, { "x-cloud-error-codes": code, ...headers });

    if (text !== "") {
      try {
        body = JSON.parse(text);
      } catch {
        return failure(400, "root.malformed_request", "The request body is not JSON");
      }
    }
    if (!this.authorized(req.headers.authorization)) return failure(401, "root.unauthenticated", "The supplied authentication is invalid");

    const fault = this.faults.find((f) => f.times > 0 && (f.method === undefined || f.method === req.method));
    if (fault && !fault.afterApply) {
      fault.times--;
      return failure(fault.status, "test.injected", `Injected failure ${fault.status}`, fault.retryAfter ? { "retry-after": fault.retryAfter } : {});
    }

    const match = /^\/api\/v1\/deployments\/([^/]+)(\/certificate-authority)?$/.exec(url.pathname);
    const deployment = match ? this.deployments.get(decodeURIComponent(match[1] as string)) : undefined;
    if (!match) return failure(404, "root.resource_not_found", `No route for ${url.pathname}`);
    if (!deployment) return failure(404, "deployments.deployment_not_found", `The deployment [${match[1]}] cannot be found`);

    if (req.method === "GET" && match[2]) return reply(200, deployment.certificateAuthority);
    if (req.method === "GET") return reply(200, this.render(deployment, query), { "x-cloud-resource-version": String(deployment.version) });
    if (req.method !== "PUT" || match[2]) return failure(405, "root.method_not_allowed", "Method not allowed");

    // PUT /deployments/{id}
    if (this.validateUpdate && !this.validateUpdate(body)) {
      const errors = (this.validateUpdate.errors ?? []).map((e) => ({ code: "deployments.invalid_request", message: `${e.instancePath || "/"} ${e.message ?? "is invalid"}`, fields: [e.instancePath] }));
      return reply(400, { errors });
    }
    const semantic = checkTrustRules(body);
    if (semantic.length > 0) return reply(400, { errors: semantic.map((message) => ({ code: "deployments.invalid_trust_settings", message })) });

    const change = this.concurrentChanges.shift();
    if (change) {
      change(deployment);
      deployment.version++;
    }
    if (query["version"] !== undefined && query["version"] !== String(deployment.version)) {
      return failure(409, "deployments.deployment_version_conflict", `Version ${query["version"]} is not the current version ${deployment.version}`);
    }
    if (query["validate_only"] === "true") return reply(200, this.updateResponse(deployment));
    this.apply(deployment, body as UpdateBody);
    if (fault?.afterApply) {
      fault.times--;
      return failure(fault.status, "test.injected", `Injected failure ${fault.status} after applying`);
    }
    return reply(200, this.updateResponse(deployment), { "x-cloud-resource-version": String(deployment.version) });
  }

  private authorized(header: string | undefined): boolean {
    if (header === `ApiKey ${this.options.apiKey}`) return true;
    const basic = this.options.basic;
    return basic !== undefined && header === `Basic ${Buffer.from(`${basic.user}:${basic.password}`).toString("base64")}`;
  }

  private render(deployment: StoredDeployment, query: Record<string, string>): unknown {
    const elasticsearch = deployment.elasticsearch.map((resource) => {
      const info: Record<string, unknown> = structuredClone(resource.info);
      if (query["show_settings"] !== "true") delete info["settings"];
      const plan = (info["plan_info"] as StoredElasticsearch["info"]["plan_info"]).current?.plan;
      if (plan && query["clear_transient"] === "true") delete plan["transient"];
      if (query["show_plans"] === "false") (info["plan_info"] as Record<string, unknown>)["current"] = undefined;
      return { ...resource, info };
    });
    return {
      id: deployment.id,
      name: deployment.name,
      healthy: true,
      resources: { elasticsearch, kibana: structuredClone(deployment.kibana), apm: [], appsearch: [], enterprise_search: [], integrations_server: [] },
    };
  }

  private apply(deployment: StoredDeployment, body: UpdateBody): void {
    const mentioned = new Set<string>();
    for (const payload of body.resources?.elasticsearch ?? []) {
      mentioned.add(payload.ref_id);
      const resource = deployment.elasticsearch.find((r) => r.ref_id === payload.ref_id);
      if (!resource) continue;
      const current = resource.info.plan_info.current;
      if (current) current.plan = structuredClone(payload.plan);
      if (payload.settings && "trust" in payload.settings) {
        // Like ECE: the trust object is replaced wholesale; uids and metadata are assigned here.
        resource.info.settings = { ...(resource.info.settings ?? {}), trust: storeTrust(payload.settings["trust"]) };
      }
    }
    if (body.prune_orphans) {
      // prune_orphans: true shuts down every resource the request does not mention.
      deployment.elasticsearch = deployment.elasticsearch.filter((r) => mentioned.has(r.ref_id));
      deployment.kibana = [];
    }
    deployment.version++;
  }

  private updateResponse(deployment: StoredDeployment): unknown {
    return { id: deployment.id, name: deployment.name, resources: [] };
  }
}

interface UpdateBody {
  prune_orphans: boolean;
  resources?: { elasticsearch?: { ref_id: string; region: string; plan: Record<string, unknown>; settings?: Record<string, unknown> }[] };
}

/** The server-side rules of DirectTrustRelationship the spec states in prose. */
function checkTrustRules(body: unknown): string[] {
  const problems: string[] = [];
  for (const payload of (body as UpdateBody).resources?.elasticsearch ?? []) {
    const trust = payload.settings?.["trust"] as { direct?: Record<string, unknown>[] | null } | undefined;
    for (const entry of trust?.direct ?? []) {
      const hasScope = typeof entry["scope_id"] === "string" && entry["scope_id"] !== "";
      if (entry["trust_all"] === true && !hasScope) problems.push(`direct trust [${String(entry["name"])}]: scope_id is required when trust_all is true`);
      const names = entry["additional_node_names"];
      if (!hasScope && (!Array.isArray(names) || names.length === 0)) problems.push(`direct trust [${String(entry["name"])}]: additional_node_names is mandatory without scope_id`);
      if (Array.isArray(names) && names.some((n) => String(n).includes("*"))) problems.push(`direct trust [${String(entry["name"])}]: wildcards are not allowed in additional_node_names`);
    }
  }
  return problems;
}

function storeTrust(trust: unknown): unknown {
  if (trust === null || typeof trust !== "object") return trust;
  const copy = structuredClone(trust) as { direct?: Record<string, unknown>[] | null };
  for (const entry of copy.direct ?? []) {
    entry["uid"] ??= randomUUID();
    const certificates = entry["certificates"] as { pem: string; metadata?: unknown }[];
    for (const certificate of certificates) certificate.metadata = certificateMetadata(certificate.pem);
  }
  return copy;
}

export function certificateMetadata(pem: string): Record<string, unknown> {
  try {
    const certificate = new X509Certificate(pem);
    return {
      fingerprint: certificate.fingerprint256.replace(/:/g, "").toLowerCase(),
      valid_from: new Date(certificate.validFrom).toISOString(),
      valid_to: new Date(certificate.validTo).toISOString(),
    };
  } catch {
    return { fingerprint: "unparsable", valid_from: "1970-01-01T00:00:00.000Z", valid_to: "1970-01-01T00:00:00.000Z" };
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** A deployment as ECE would hold it, with a plan that has a transient section and unknown fields. */
export function sampleDeployment(id: string, options: { trust?: unknown; caPem: string }): StoredDeployment {
  return {
    id,
    name: `deployment ${id}`,
    version: 7,
    elasticsearch: [
      {
        ref_id: "main-elasticsearch",
        id: `es-${id}`,
        region: "ece-region",
        info: {
          cluster_id: `es-${id}`,
          cluster_name: `cluster ${id}`,
          healthy: true,
          status: "started",
          plan_info: {
            healthy: true,
            history: [],
            current: {
              healthy: true,
              plan_attempt_log: [],
              warnings: [],
              plan: {
                cluster_topology: [{ id: "hot_content", zone_count: 1, size: { value: 4096, resource: "memory" }, node_roles: ["master", "data_hot", "ingest"] }],
                elasticsearch: { version: "8.15.1", user_settings_yaml: "# keep me\n" },
                deployment_template: { id: "default" },
                transient: { strategy: { rolling: { group_by: "__all__" } } },
                autoscaling_enabled: false,
              },
            },
          },
          settings: { snapshot: { enabled: true }, ...(options.trust === undefined ? {} : { trust: options.trust }) },
        },
      },
    ],
    kibana: [{ ref_id: "main-kibana", id: `kb-${id}`, region: "ece-region" }],
    certificateAuthority: {
      recommended_trust_restriction: `*.node.${id}.cluster.ece-region.account`,
      public_certificates: [{ active: true, pem: options.caPem, metadata: certificateMetadata(options.caPem) }],
    },
  };
}
