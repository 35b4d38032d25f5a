import { makeCa, makeLeaf, makeServerCertificate, type TestCa } from "./certs.js";
import { FakeEce, certificateMetadata, sampleDeployment } from "./server.js";

/** Shared set-up for the ECE tests: CAs, a running fake ECE, and a deployment with rich trust. */
export interface EceFixture {
  readonly server: FakeEce;
  /** The CA that signed the fake ECE's TLS certificate (what --api-ca should point at). */
  readonly apiCa: TestCa;
  /** An unrelated CA (a wrong --api-ca). */
  readonly strangerCa: TestCa;
  /** The self-managed cluster's CA (what `trust add --ca` sends). */
  readonly clusterCa: TestCa;
  readonly apiKey: string;
  /** A node certificate with otherName names, signed by clusterCa. */
  readonly nodePem: string;
  readonly nodeKeyPem: string;
  /** Puts a fresh deployment "d1" with account, external and direct entries into the server. */
  reset(): void;
}

export const NODE_NAME = "node1.node.abc123.cluster.s1.account";

export async function startEceFixture(): Promise<EceFixture> {
  const apiCa = await makeCa("CN=ECE API CA");
  const strangerCa = await makeCa("CN=Stranger CA");
  const clusterCa = await makeCa("CN=Self-managed Cluster CA");
  const existingDirectCa = await makeCa("CN=Existing Direct CA");
  const tls = await makeServerCertificate(apiCa);
  const node = await makeLeaf(clusterCa, { subject: "CN=node1", otherNameCommonName: [NODE_NAME] });
  const apiKey = "c2VjcmV0LWFwaS1rZXktZm9yLXRlc3RzOnZlcnktc2VjcmV0";
  const server = await FakeEce.start({ key: tls.keyPem, cert: tls.pem, apiKey, basic: { user: "admin", password: "pa55-w0rd!" } });
  const deploymentCa = await makeCa("CN=Deployment d1 CA");
  const reset = (): void => {
    server.deployments.clear();
    server.requests.length = 0;
    server.faults.length = 0;
    server.concurrentChanges.length = 0;
    server.delay = { ms: 0, times: 0 };
    server.echoAuthorization = false;
    server.deployments.set(
      "d1",
      sampleDeployment("d1", {
        caPem: deploymentCa.pem,
        trust: {
          accounts: [
            { account_id: "acc-1", name: "home account", trust_all: true },
            { account_id: "acc-2", trust_all: false, trust_allowlist: ["c1", "c2"], a_future_field: { nested: [1, 2] } },
          ],
          external: [{ trust_relationship_id: "env-7", name: "Remote ECE", trust_all: false, trust_allowlist: ["x9"] }],
          direct: [
            {
              uid: "0b6e0f4e-existing",
              name: "legacy-direct",
              type: "generic",
              trust_all: false,
              additional_node_names: ["old1.node.zzz.cluster.s9.account"],
              certificates: [{ pem: existingDirectCa.pem, metadata: certificateMetadata(existingDirectCa.pem) }],
              extra_server_field: "keep",
            },
            {
              uid: "5c2d-scope",
              name: "scoped",
              trust_all: true,
              scope_id: "abc123",
              certificates: [{ pem: existingDirectCa.pem, metadata: certificateMetadata(existingDirectCa.pem) }],
            },
          ],
        },
      }),
    );
  };
  reset();
  return { server, apiCa, strangerCa, clusterCa, apiKey, nodePem: node.pem, nodeKeyPem: node.keyPem, reset };
}
