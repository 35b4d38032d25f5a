import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { makeTestCa, PROBE_TIME } from "../helpers/test-pki.js";
import { parseCertificate } from "../../src/pki/certificate.js";

/**
 * The HTML reports in a real browser: Debian's chromium, headless, driven by puppeteer-core
 * (which never downloads a browser). The reports are loaded from disk; the test checks the
 * matrix cells, the reason shown on click, the scan table's order and its re-sorting, the
 * dark and print styles, and that a certificate subject carrying `<script>` and an `onerror`
 * handler runs nothing. Screenshots go to the test's temporary directory; with
 * OTHERNAME_UPDATE_SCREENSHOT=1 the mesh one also replaces docs/images/mesh-report.png (README).
 */
const CHROMIUM = "/usr/bin/chromium";
/** The browser globals the page callbacks use (the project compiles without the DOM library). */
interface Win {
  __pwned?: number;
  scrollY: number;
  getComputedStyle(el: unknown): { backgroundColor: string; display: string };
  document: { documentElement: { scrollWidth: number } };
}
const available = existsSync(CHROMIUM);
if (!available) console.warn(`report-browser.test.ts: skipped, ${CHROMIUM} is absent (apt-get install chromium; .ci/run does)`);

const HOSTILE = `<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">`;
let dir: string;
/** The hostile CN as the subject DN prints it (RFC 4514 escapes `<`, `>`, `=` and `"` with a backslash). */
let hostileSubject: string;

async function cli(argv: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return runCli(argv, { cwd: dir });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "othername-report-"));
  const main = await makeTestCa("Fleet CA");
  const staging = await makeTestCa("Staging CA");
  const files: Record<string, string> = {
    "ca/main.crt": main.pem,
    "ca/staging.crt": staging.pem,
    "eu.yml": 'trust.subject_name:\n  - "*.node.prod-eu.cluster.s1.account"\n  - "*.node.prod-us.cluster.s1.account"\n',
    "staging.yml": 'trust.subject_name:\n  - "*.node.prod-eu.cluster.s1.account"\n  - "*.node.staging.cluster.s1.account"\n',
  };
  const node = async (path: string, ca: typeof main, cn: string, otherName: string): Promise<void> => {
    const leaf = await ca.issue({ cn, otherNames: [otherName] });
    if (cn === HOSTILE) hostileSubject = parseCertificate(leaf.der).subject;
    files[path] = leaf.certPem;
  };
  await node("eu/es-eu-1.crt", main, "es-eu-1", "es-eu-1.node.prod-eu.cluster.s1.account");
  await node("eu/es-eu-2.crt", main, "es-eu-2", "es-eu-2.node.prod-eu.cluster.s1.account");
  await node("us/es-us-1.crt", main, "es-us-1", "es-us-1.node.prod-us.cluster.s1.account");
  await node("staging/st-1.crt", staging, HOSTILE, "st-1.node.staging.cluster.s1.account");
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  writeFileSync(
    join(dir, "fleet.yml"),
    [
      "clusters:",
      "  - { name: prod-eu, ca: [ca/main.crt], restrictions: eu.yml, nodes: [eu/] }",
      "  - { name: prod-us, ca: [ca/main.crt], nodes: [us/] }",
      "  - { name: staging, ca: [ca/staging.crt, ca/main.crt], restrictions: staging.yml, nodes: [staging/] }",
      "",
    ].join("\n"),
  );
  expect((await cli(["mesh", "fleet.yml", "--at", PROBE_TIME, "--html", "mesh.html"])).code).toBe(0);
  expect((await cli(["scan", "eu", "us", "staging", "ca", "--at", PROBE_TIME, "--warn-days", "3200", "--html", "scan.html"])).code).toBe(1);
}, 60_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!available)("HTML reports in headless chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    const { default: puppeteer } = await import("puppeteer-core");
    // A fresh profile, no network side channels, never a downloaded browser.
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      userDataDir: mkdtempSync(join(dir, "profile-")),
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it("mesh: matrix cells, reasons, no script from a subject, dark and print styles", async () => {
    const page = await browser.newPage();
    try {
      const dialogs: string[] = [];
      page.on("dialog", (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      const requests: string[] = [];
      page.on("request", (request) => {
        if (!request.url().startsWith("file:")) requests.push(request.url());
      });
      await page.setViewport({ width: 900, height: 640 });
      await page.goto(pathToFileURL(join(dir, "mesh.html")).href, { waitUntil: "load" });
      const cells = await page.$$eval("table.matrix td", (tds) => tds.map((td) => `${td.dataset["from"]} -> ${td.dataset["to"]}: ${td.dataset["link"]} ${td.dataset["accepted"]}`));
      expect(cells).toEqual([
        "prod-eu -> prod-eu: self true",
        "prod-eu -> prod-us: connectable true",
        "prod-eu -> staging: reverse-only false",
        "prod-us -> prod-eu: connectable true",
        "prod-us -> prod-us: self true",
        "prod-us -> staging: none false",
        "staging -> prod-eu: one-way true",
        "staging -> prod-us: none false",
        "staging -> staging: self true",
      ]);
      // Clicking a cell opens its reason: Elasticsearch's words, with the hostile subject as text.
      await page.click('td[data-from="prod-eu"][data-to="staging"] button');
      const reason = await page.$eval("#reason", (el) => el.textContent ?? "");
      expect(reason).toContain("refuses staging/st-1.crt");
      expect(hostileSubject).toContain("<script\\>window.__pwned");
      expect(reason).toContain(`Certificate chain for ${hostileSubject} is not trusted: NO_PATH`);
      await page.click('td[data-from="staging"][data-to="prod-us"] button');
      expect(await page.$eval("#reason", (el) => el.textContent ?? "")).toContain("does not match the trusted names [*.node.prod-eu.cluster.s1.account, *.node.staging.cluster.s1.account]");
      expect(await page.evaluate(() => (globalThis as unknown as Win).__pwned)).toBeUndefined();
      expect(await page.$$eval("table img, table script", (els) => els.length)).toBe(0);
      const light = await page.$eval("body", (el) => (globalThis as unknown as Win).getComputedStyle(el).backgroundColor);
      await page.emulateMediaFeatures([{ name: "prefers-color-scheme", value: "dark" }]);
      const dark = await page.$eval("body", (el) => (globalThis as unknown as Win).getComputedStyle(el).backgroundColor);
      expect(light).toBe("rgb(255, 255, 255)");
      expect(dark).toBe("rgb(13, 17, 23)");
      const screenshot = join(dir, "mesh-report.png");
      await page.emulateMediaFeatures([{ name: "prefers-color-scheme", value: "light" }]);
      await page.click('td[data-from="staging"][data-to="prod-us"] button');
      const clip = await page.$eval("#reason", (el) => {
        const r = el.getBoundingClientRect();
        return { x: 0, y: 0, width: Math.min(900, (globalThis as unknown as Win).document.documentElement.scrollWidth), height: Math.ceil(r.bottom + (globalThis as unknown as Win).scrollY + 16) };
      });
      await page.screenshot({ path: screenshot, clip });
      expect(statSync(screenshot).size).toBeGreaterThan(1_000);
      if (process.env["OTHERNAME_UPDATE_SCREENSHOT"] === "1") {
        writeFileSync(resolve(import.meta.dirname, "../../docs/images/mesh-report.png"), readFileSync(screenshot));
      }
      await page.emulateMediaType("print");
      expect(await page.$eval("#reason", (el) => (globalThis as unknown as Win).getComputedStyle(el).display)).toBe("none");
      expect(await page.$eval("#pairs", (el) => (globalThis as unknown as Win).getComputedStyle(el).display)).not.toBe("none");
      expect(dialogs).toEqual([]);
      expect(requests).toEqual([]);
    } finally {
      await page.close();
    }
  }, 90_000);

  it("scan: sorted by days left, re-sorted by the button, the hostile subject shown as text", async () => {
    const page = await browser.newPage();
    try {
      const dialogs: string[] = [];
      page.on("dialog", (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      await page.goto(pathToFileURL(join(dir, "scan.html")).href, { waitUntil: "load" });
      const days = (): Promise<number[]> => page.$$eval("#certificates tbody tr", (rows) => rows.map((r) => Number(r.getAttribute("data-days"))));
      const order = await days();
      expect(order.length).toBe(6);
      expect(order).toEqual([...order].sort((a, b) => a - b));
      const rowClasses = await page.$$eval("#certificates tbody tr", (rows) => rows.map((r) => r.className));
      expect(rowClasses.every((c) => c === "expiring")).toBe(true);
      await page.click("#sort-days");
      expect(await days()).toEqual([...order].sort((a, b) => b - a));
      await page.click("#sort-days");
      expect(await days()).toEqual(order);
      const subjects = await page.$$eval("td.subject", (tds) => tds.map((td) => td.textContent ?? ""));
      expect(subjects).toContain(hostileSubject);
      expect(await page.evaluate(() => (globalThis as unknown as Win).__pwned)).toBeUndefined();
      expect(await page.$$eval("svg.timeline circle", (els) => els.length)).toBe(6);
      await page.screenshot({ path: join(dir, "scan-report.png"), fullPage: true });
      expect(statSync(join(dir, "scan-report.png")).size).toBeGreaterThan(1_000);
      expect(dialogs).toEqual([]);
    } finally {
      await page.close();
    }
  }, 90_000);
});
