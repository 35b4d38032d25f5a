import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { EceClient, type EceClientOptions } from "../../src/ece/client.js";
import { removeDirectTrust, upsertDirectTrust, type DirectTrustRequest } from "../../src/ece/trust.js";
import { updateDeploymentTrust } from "../../src/ece/update-trust.js";
import { OthernameError } from "../../src/errors.js";
import { NODE_NAME, startEceFixture, type EceFixture } from "./fixture.js";
import type { StoredDeployment } from "./server.js";

let fx: EceFixture;
const clients: EceClient[] = [];

beforeAll(async () => {
  fx = await startEceFixture();
});
afterAll(async () => {
  await fx.server.close();
});
beforeEach(() => fx.reset());
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

function client(overrides: Partial<EceClientOptions> = {}): EceClient {
  const c = new EceClient({
    url: fx.server.url,
    auth: { kind: "apiKey", apiKey: fx.apiKey },
    ca: fx.apiCa.pem,
    sleep: async () => {},
    ...overrides,
  });
  clients.push(c);
  return c;
}

function addition(): DirectTrustRequest {
  return { name: "self-managed", trust_all: false, additional_node_names: [NODE_NAME], certificates: [{ pem: fx.clusterCa.pem }] };
}

const add = (request: DirectTrustRequest) => (current: Parameters<typeof upsertDirectTrust>[0]) => upsertDirectTrust(current, request);

async function failure(promise: Promise<unknown>): Promise<OthernameError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(OthernameError);
    return error as OthernameError;
  }
  throw new Error("expected a failure");
}

type StoredTrust = { accounts: unknown[]; external: unknown[]; direct: { name: string; uid?: string }[] };

describe("ECE client against the HTTPS test server", () => {
  it("add keeps every pre-existing account, external and direct entry exactly", async () => {
    const before = structuredClone(fx.server.trustOf("d1")) as StoredTrust;
    const result = await updateDeploymentTrust(client(), { deploymentId: "d1" }, add(addition()), { validateOnly: false });
    expect(result.outcome).toBe("applied");
    const after = fx.server.trustOf("d1") as StoredTrust;
    expect(after.accounts).toEqual(before.accounts);
    expect(after.external).toEqual(before.external);
    expect(after.direct.slice(0, 2)).toEqual(before.direct);
    expect(after.direct).toHaveLength(3);
    expect(after.direct[2]).toMatchObject({ name: "self-managed", trust_all: false, additional_node_names: [NODE_NAME] });
    expect(after.direct[2]?.uid).toBeTypeOf("string");
  });

  it("sends the plan back unchanged, prune_orphans false, a version, and no read-only metadata", async () => {
    await updateDeploymentTrust(client(), { deploymentId: "d1" }, add(addition()), { validateOnly: false });
    const get = fx.server.requests.find((r) => r.method === "GET");
    expect(get?.query).toMatchObject({ show_settings: "true" });
    const [put] = fx.server.putRequests();
    expect(put?.query["version"]).toBe("7");
    const body = put?.body as { prune_orphans: boolean; resources: { elasticsearch: { ref_id: string; region: string; plan: unknown; settings: { trust: StoredTrust } }[] } };
    expect(body.prune_orphans).toBe(false);
    const payload = body.resources.elasticsearch[0];
    expect(payload?.ref_id).toBe("main-elasticsearch");
    expect(payload?.region).toBe("ece-region");
    // The plan as read (the GET asked ECE to clear the transient section), unchanged.
    const stored = fx.server.deployments.get("d1") as StoredDeployment;
    const plan = stored.elasticsearch[0]?.info.plan_info.current?.plan;
    expect(payload?.plan).toEqual(plan);
    expect(plan?.["cluster_topology"]).toEqual([{ id: "hot_content", zone_count: 1, size: { value: 4096, resource: "memory" }, node_roles: ["master", "data_hot", "ingest"] }]);
    expect(stored.kibana).toHaveLength(1);
    expect(JSON.stringify(payload?.settings.trust)).not.toContain("metadata");
    expect(payload?.settings.trust.direct.map((d) => d.uid)).toEqual(["0b6e0f4e-existing", "5c2d-scope", undefined]);
  });

  it("is idempotent: a second add finds nothing to change and sends nothing", async () => {
    await updateDeploymentTrust(client(), { deploymentId: "d1" }, add(addition()), { validateOnly: false });
    const second = await updateDeploymentTrust(client(), { deploymentId: "d1" }, add(addition()), { validateOnly: false });
    expect(second.outcome).toBe("unchanged");
    expect(fx.server.putRequests()).toHaveLength(1);
    expect((fx.server.trustOf("d1") as StoredTrust).direct.filter((d) => d.name === "self-managed")).toHaveLength(1);
  });

  it("remove removes only its entry", async () => {
    const before = structuredClone(fx.server.trustOf("d1")) as StoredTrust;
    const result = await updateDeploymentTrust(client(), { deploymentId: "d1" }, (t) => removeDirectTrust(t, "legacy-direct"), { validateOnly: false });
    expect(result.outcome).toBe("applied");
    const after = fx.server.trustOf("d1") as StoredTrust;
    expect(after.accounts).toEqual(before.accounts);
    expect(after.external).toEqual(before.external);
    expect(after.direct).toEqual([before.direct[1]]);
  });

  it("detects a concurrent change, re-reads and merges instead of losing it", async () => {
    fx.server.concurrentChanges.push((deployment) => {
      const trust = deployment.elasticsearch[0]?.info.settings?.["trust"] as StoredTrust;
      trust.direct.push({ name: "added-by-someone-else", uid: "other-uid", trust_all: true, scope_id: "zz", certificates: [] } as never);
    });
    const result = await updateDeploymentTrust(client(), { deploymentId: "d1" }, add(addition()), { validateOnly: false });
    expect(result.conflicts).toBe(1);
    expect(fx.server.putRequests().map((r) => r.status)).toEqual([409, 200]);
    expect(fx.server.putRequests()[1]?.query["version"]).toBe("8");
    const names = (fx.server.trustOf("d1") as StoredTrust).direct.map((d) => d.name);
    expect(names).toEqual(["legacy-direct", "scoped", "added-by-someone-else", "self-managed"]);
  });

  it("gives up after a bounded number of conflicts", async () => {
    for (let i = 0; i < 10; i++) fx.server.concurrentChanges.push(() => {});
    const error = await failure(updateDeploymentTrust(client(), { deploymentId: "d1" }, add(addition()), { validateOnly: false, maxConflictRetries: 2 }));
    expect(error.code).toBe("ECE_VERSION_CONFLICT");
    expect(error.kind).toBe("remote");
    expect(fx.server.putRequests()).toHaveLength(3);
  });

  it("retries injected 503s on the read and on the write", async () => {
    fx.server.faults.push({ status: 503, times: 2, method: "GET" }, { status: 503, times: 2, method: "PUT", retryAfter: "0" });
    const delays: number[] = [];
    const result = await updateDeploymentTrust(client({ sleep: async (ms) => void delays.push(ms) }), { deploymentId: "d1" }, add(addition()), { validateOnly: false });
    expect(result.outcome).toBe("applied");
    expect(fx.server.requests.map((r) => `${r.method} ${r.status}`)).toEqual(["GET 503", "GET 503", "GET 200", "PUT 503", "PUT 503", "PUT 200"]);
    expect(delays).toHaveLength(4);
    expect((fx.server.trustOf("d1") as StoredTrust).direct).toHaveLength(3);
  });

  it("stops retrying after the policy's attempts and says the server failed", async () => {
    fx.server.faults.push({ status: 503, times: 100, method: "GET" });
    const error = await failure(client({ retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 } }).getDeployment("d1"));
    expect(error.code).toBe("ECE_SERVER_ERROR");
    expect(error.message).toContain("HTTP 503");
    expect(fx.server.requests).toHaveLength(3);
  });

  it("does not repeat a PUT that may have been applied; a re-read shows it was", async () => {
    fx.server.faults.push({ status: 500, times: 1, method: "PUT", afterApply: true });
    const result = await updateDeploymentTrust(client(), { deploymentId: "d1" }, add(addition()), { validateOnly: false });
    expect(result).toMatchObject({ outcome: "applied", confirmedByReread: true });
    expect(fx.server.putRequests()).toHaveLength(1);
    expect((fx.server.trustOf("d1") as StoredTrust).direct).toHaveLength(3);
  });

  it("validate_only changes nothing on the server", async () => {
    const before = structuredClone(fx.server.deployments.get("d1"));
    const result = await updateDeploymentTrust(client(), { deploymentId: "d1" }, add(addition()), { validateOnly: true });
    expect(result.outcome).toBe("validated");
    expect(fx.server.putRequests().map((r) => r.query["validate_only"])).toEqual(["true"]);
    expect(fx.server.deployments.get("d1")).toEqual(before);
  });

  it("the server rejects what the spec forbids, and the client reports it", async () => {
    const error = await failure(
      updateDeploymentTrust(client(), { deploymentId: "d1" }, add({ name: "bad", trust_all: true, certificates: [{ pem: fx.clusterCa.pem }] }), { validateOnly: false }),
    );
    expect(error.code).toBe("ECE_REJECTED");
    expect(error.message).toContain("scope_id is required");
  });

  it("names authentication on a wrong API key and never shows the key", async () => {
    fx.server.echoAuthorization = true;
    const wrongKey = "d3Jvbmcta2V5LXRoYXQtbXVzdC1ub3QtbGVhaw==";
    const lines: string[] = [];
    const error = await failure(client({ auth: { kind: "apiKey", apiKey: wrongKey }, log: (l) => lines.push(l) }).getDeployment("d1"));
    expect(error.code).toBe("ECE_AUTHENTICATION");
    expect(error.kind).toBe("remote");
    expect(error.message).toMatch(/authentication failed/);
    expect(error.message).toContain("[REDACTED]");
    expect(`${error.message} ${error.hint} ${lines.join(" ")}`).not.toContain(wrongKey);
    expect(fx.server.requests).toHaveLength(1);
  });

  it("authenticates with Basic and redacts the password", async () => {
    const ok = await client({ auth: { kind: "basic", user: "admin", password: "pa55-w0rd!" } }).getDeployment("d1");
    expect(ok.version).toBe("7");
    fx.server.echoAuthorization = true;
    const error = await failure(client({ auth: { kind: "basic", user: "admin", password: "wrong-pa55" } }).getDeployment("d1"));
    expect(error.code).toBe("ECE_AUTHENTICATION");
    expect(error.message).not.toContain(Buffer.from("admin:wrong-pa55").toString("base64"));
  });

  it("refuses a server certificate not signed by the given CA, without falling back", async () => {
    const error = await failure(client({ ca: fx.strangerCa.pem }).getDeployment("d1"));
    expect(error.code).toBe("ECE_TLS_UNTRUSTED");
    expect(error.kind).toBe("remote");
    expect(error.message).toMatch(/certificate is not trusted/);
    expect(error.hint).toMatch(/--api-ca/);
    expect(fx.server.requests).toHaveLength(0);
    const noCa = await failure(client({ ca: undefined }).getDeployment("d1"));
    expect(noCa.code).toBe("ECE_TLS_UNTRUSTED");
    expect(fx.server.requests).toHaveLength(0);
  });

  it("--insecure skips verification only when asked", async () => {
    const read = await client({ ca: undefined, insecure: true }).getDeployment("d1");
    expect(read.deployment.id).toBe("d1");
  });

  it("times out a slow response and retries the read", async () => {
    fx.server.delay = { ms: 2_500, times: 1 };
    const read = await client({ timeoutMs: 1_000 }).getDeployment("d1");
    expect(read.version).toBe("7");
    expect(fx.server.requests.filter((r) => r.method === "GET")).toHaveLength(2);
  });

  it("reports a timeout when every try is slow", async () => {
    fx.server.delay = { ms: 1_000, times: 3 };
    const error = await failure(client({ timeoutMs: 200, retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 } }).getDeployment("d1"));
    expect(error.code).toBe("ECE_TIMEOUT");
    expect(error.kind).toBe("remote");
  });

  it("names elevated permissions on 449 and does not retry it", async () => {
    fx.server.faults.push({ status: 449, times: 5, method: "GET" });
    const error = await failure(client().getDeployment("d1"));
    expect(error.code).toBe("ECE_ELEVATED_PERMISSIONS");
    expect(error.kind).toBe("remote");
    expect(fx.server.requests).toHaveLength(1);
  });

  it("names a missing deployment", async () => {
    const error = await failure(client().getDeployment("nope"));
    expect(error.code).toBe("ECE_NOT_FOUND");
    expect(error.message).toContain("deployment nope");
    expect(error.message).toContain("deployments.deployment_not_found");
  });

  it("reads the deployment's certificate authority", async () => {
    const ca = await client().getCertificateAuthority("d1");
    expect(ca.recommended_trust_restriction).toBe("*.node.d1.cluster.ece-region.account");
    expect(ca.public_certificates[0]?.pem).toContain("BEGIN CERTIFICATE");
  });

  it("refuses URLs with credentials or without https", () => {
    expect(() => client({ url: "https://user:pw@127.0.0.1:1" })).toThrow(/contains credentials/);
    expect(() => client({ url: "http://127.0.0.1:1" })).toThrow(/must be https/);
  });
});
