import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from "node:http";
import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { makeCa, makeServerCertificate, type TestCa } from "./certs.js";

/**
 * The ECE client against a hostile or broken server (issue 13, items 1 and 3): redirects are
 * never followed (not to http://, not to another host, not for the PUT), an endless body is cut
 * at the cap and not retried, and valid JSON of the wrong shape is a remote error (exit 4).
 */
type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

let dir: string;
let apiCa: TestCa;
let api: HttpsServer;
let apiUrl: string;
let handler: Handler;
const apiRequests: { method: string; path: string }[] = [];
/** A plain-http server a redirect points at: it must never see a request. */
let cleartext: HttpServer;
let cleartextUrl: string;
const cleartextRequests: string[] = [];
/** Bytes the API wrote in the current test (for the endless body). */
let bytesSent = 0;

const API_KEY = "aG9zdGlsZS10ZXN0LWtleTpzZWNyZXQ=";

beforeAll(async () => {
  apiCa = await makeCa("CN=Hostile ECE CA");
  const tls = await makeServerCertificate(apiCa);
  api = createHttpsServer({ key: tls.keyPem, cert: tls.pem }, (req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      apiRequests.push({ method: req.method ?? "", path: req.url ?? "" });
      handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => api.listen(0, "127.0.0.1", resolve));
  apiUrl = `https://127.0.0.1:${(api.address() as AddressInfo).port}`;
  cleartext = createHttpServer((req, res) => {
    cleartextRequests.push(`${req.method} ${req.url}`);
    res.end("{}");
  });
  await new Promise<void>((resolve) => cleartext.listen(0, "127.0.0.1", resolve));
  cleartextUrl = `http://127.0.0.1:${(cleartext.address() as AddressInfo).port}`;
  dir = mkdtempSync(join(tmpdir(), "othername-ece-hostile-"));
  writeFileSync(join(dir, "api-ca.pem"), apiCa.pem);
  const clusterCa = await makeCa("CN=Cluster CA");
  writeFileSync(join(dir, "cluster-ca.crt"), clusterCa.pem);
});

afterAll(async () => {
  api.closeAllConnections();
  cleartext.closeAllConnections();
  await new Promise<void>((resolve) => api.close(() => resolve()));
  await new Promise<void>((resolve) => cleartext.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  apiRequests.length = 0;
  cleartextRequests.length = 0;
  bytesSent = 0;
});

/** A deployment answer with the fields othername reads; `trust` replaces settings.trust. */
function deployment(trust: unknown = { accounts: [], external: [], direct: [] }): Record<string, unknown> {
  return {
    id: "d1",
    name: "d1",
    healthy: true,
    resources: {
      elasticsearch: [
        {
          ref_id: "main-elasticsearch",
          id: "es-d1",
          region: "ece-region",
          info: {
            cluster_id: "es-d1",
            cluster_name: "d1",
            plan_info: { current: { plan: { cluster_topology: [], elasticsearch: { version: "8.15.1" } } } },
            settings: { trust },
          },
        },
      ],
    },
  };
}

function json(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { "content-type": "application/json", "x-cloud-resource-version": "7", ...headers });
  res.end(text);
}

const ece = (argv: string[]) =>
  runCli(["ece", ...argv, "--api-ca", "api-ca.pem"], { cwd: dir, env: { ECE_URL: apiUrl, ECE_API_KEY: API_KEY } });
const SHOW = ["trust", "show", "--deployment", "d1"];
const ADD = ["trust", "add", "--deployment", "d1", "--name", "onprem", "--ca", "cluster-ca.crt", "--node-name", "n1.node.c1.cluster.s1.account", "--yes"];

describe("redirects are remote errors, never followed", () => {
  it.each([301, 302, 303, 307, 308])("GET answered %i to http:// or another host: exit 4 naming the Location", async (status) => {
    const location = `${cleartextUrl}/api/v1/deployments/d1`;
    handler = (_req, res) => {
      res.writeHead(status, { location });
      res.end();
    };
    const run = await ece(SHOW);
    expect(run.code, run.stderr).toBe(4);
    expect(run.stderr).toContain(`HTTP ${status} redirecting to ${location}`);
    expect(run.stderr).toContain("never follows redirects");
    expect(cleartextRequests).toEqual([]);
    expect(apiRequests).toHaveLength(1); // and not retried
  });

  it("a 303 to the PUT is not reported as a change: exit 4, no 'added'", async () => {
    handler = (req, res) => {
      if (req.method === "GET") return json(res, 200, deployment());
      res.writeHead(303, { location: `${apiUrl}/api/v1/deployments/d1` });
      res.end();
    };
    const run = await ece(ADD);
    expect(run.code, run.stderr).toBe(4);
    expect(run.stdout).not.toMatch(/added direct trust/);
    expect(run.stderr).toContain("HTTP 303 redirecting to");
    expect(apiRequests.map((r) => r.method)).toEqual(["GET", "PUT"]);
  });

  it("a 307 to http:// does not send the PUT body in cleartext", async () => {
    handler = (req, res) => {
      if (req.method === "GET") return json(res, 200, deployment());
      res.writeHead(307, { location: `${cleartextUrl}/api/v1/deployments/d1?version=7` });
      res.end();
    };
    const run = await ece(ADD);
    expect(run.code, run.stderr).toBe(4);
    expect(cleartextRequests).toEqual([]);
    expect(run.stdout).not.toMatch(/added direct trust/);
  });
});

describe("the response body is capped while reading", () => {
  it("an endless body ends in exit 4 after the cap, once (no retry), without reading it all", async () => {
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    handler = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "x-cloud-resource-version": "7" });
      const pump = (): void => {
        // Up to 1 GiB, as long as the client keeps reading.
        while (bytesSent < 1024 * 1024 * 1024 && !res.destroyed) {
          bytesSent += chunk.length;
          if (!res.write(chunk)) return void res.once("drain", pump);
        }
        res.end();
      };
      res.on("close", () => res.destroy());
      pump();
    };
    const run = await ece(SHOW);
    expect(run.code, run.stderr).toBe(4);
    expect(run.stderr).toMatch(/more than the 16777216 bytes accepted/);
    expect(apiRequests).toHaveLength(1);
    // The client stopped reading at the cap: the server could not push much more than that.
    expect(bytesSent).toBeLessThan(128 * 1024 * 1024);
  });

  it("a declared Content-Length over the cap is refused before reading", async () => {
    handler = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": String(1024 ** 3), "x-cloud-resource-version": "7" });
      res.write("{");
      bytesSent = 1;
    };
    const run = await ece(SHOW);
    expect(run.code, run.stderr).toBe(4);
    expect(run.stderr).toContain("the body is 1073741824 bytes, more than the 16777216 bytes accepted");
    expect(apiRequests).toHaveLength(1);
  });
});

describe("valid JSON of the wrong shape is a remote error (exit 4), not a crash (70)", () => {
  const shapes: [string, unknown, RegExp][] = [
    ['"direct": "notalist"', deployment({ direct: "notalist" }), /settings\.trust\.direct is a string, expected a list/],
    ["null", null, /the answer is null, expected an object/],
    ['"elasticsearch": "oops"', { id: "d1", resources: { elasticsearch: "oops" } }, /resources\.elasticsearch is a string, expected a list/],
    ["direct: [null]", deployment({ direct: [null] }), /settings\.trust\.direct\[0\] is null, expected an object/],
    ["a certificate without pem", deployment({ direct: [{ name: "x", trust_all: false, certificates: [{ pem: 5 }] }] }), /certificates\[0\]\.pem is a number, expected a string/],
  ];
  it.each(shapes)("%s", async (_label, body, reason) => {
    handler = (_req, res) => json(res, 200, body);
    for (const argv of [SHOW, ADD]) {
      const run = await ece(argv);
      expect(run.code, run.stderr).toBe(4);
      expect(run.stderr).toMatch(reason);
      expect(run.stderr).not.toMatch(/this is a bug/i);
    }
    expect(apiRequests.every((r) => r.method === "GET")).toBe(true);
  });

  it("the certificate authority answer is checked too", async () => {
    handler = (_req, res) => json(res, 200, { recommended_trust_restriction: "*.x", public_certificates: "nope" });
    const run = await runCli(["ece", "ca", "--deployment", "d1", "--out", "ca-out", "--api-ca", "api-ca.pem"], { cwd: dir, env: { ECE_URL: apiUrl, ECE_API_KEY: API_KEY } });
    expect(run.code, run.stderr).toBe(4);
    expect(run.stderr).toMatch(/public_certificates is a string, expected a list/);
  });
});

describe("trust entries from the server reach the terminal escaped", () => {
  it("show prints names with controls and bidi overrides escaped; --json keeps them", async () => {
    const evil = "onprem\u001b]0;pwned\u0007\u001b[2J";
    const bidi = "home \u202eaccount";
    handler = (_req, res) =>
      json(
        res,
        200,
        deployment({
          accounts: [{ account_id: "acc\u009b1", name: bidi, trust_all: true }],
          external: [],
          direct: [{ name: evil, trust_all: false, additional_node_names: ["n1\nfake line"], certificates: [] }],
        }),
      );
    const text = await ece(SHOW);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    expect(text.stdout).toContain('"onprem\\x1b]0;pwned\\x07\\x1b[2J"');
    expect(text.stdout).toContain('acc\\x9b1 "home \\u202eaccount"');
    expect(text.stdout).toContain("node names: n1\\x0afake line");
    const asJson = await ece([...SHOW, "--json"]);
    const trust = (JSON.parse(asJson.stdout) as { trust: { direct: { name: string }[]; accounts: { name: string }[] } }).trust;
    expect(trust.direct[0]?.name).toBe(evil);
    expect(trust.accounts[0]?.name).toBe(bidi);
  });
});
