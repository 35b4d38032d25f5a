import type { ScanReport, ScannedCertificate } from "../fleet/scan.js";
import { escapeHtml as e, renderPage } from "./html.js";

/**
 * `othername scan --html FILE`: the certificates in a table sortable by days left (soonest first
 * as written, a button reverses it) and an expiry timeline drawn in inline SVG. Every value taken
 * from a certificate or a file name goes through escapeHtml.
 */

const CSS = `
tr.expired td.days { background: var(--bad-bg); color: var(--bad); font-weight: 600; }
tr.expiring td.days { background: var(--warn-bg); color: var(--warn); font-weight: 600; }
tr.healthy td.days { color: var(--ok); }
td.days { text-align: right; white-space: nowrap; }
ul.findings { margin: 0; padding-left: 1.1rem; }
.timeline { width: 100%; height: auto; max-height: 220px; border: 1px solid var(--line); background: var(--head); }
.timeline text { fill: var(--muted); font: 11px system-ui, sans-serif; }
.timeline .axis { stroke: var(--line); }
.timeline .now { stroke: var(--fg); stroke-dasharray: 3 3; }
.timeline .window { fill: var(--warn-bg); }
.timeline circle.expired { fill: var(--bad); } .timeline circle.expiring { fill: var(--warn); } .timeline circle.healthy { fill: var(--ok); }
`;

/** Sorts the table's rows by their data-days value; the rows carry no other data the script reads. */
const SCRIPT = `(function () {
  var button = document.getElementById("sort-days");
  var body = document.querySelector("#certificates tbody");
  if (!button || !body) return;
  var ascending = true;
  button.addEventListener("click", function () {
    ascending = !ascending;
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) { var d = Number(a.dataset.days) - Number(b.dataset.days); return ascending ? d : -d; });
    rows.forEach(function (row) { body.appendChild(row); });
    button.textContent = ascending ? "\\u25b2" : "\\u25bc";
    button.setAttribute("aria-label", ascending ? "sorted by days left, soonest first" : "sorted by days left, latest first");
  });
})();`;

function status(c: ScannedCertificate): "expired" | "expiring" | "healthy" {
  if (c.findings.some((f) => f.code === "EXPIRED")) return "expired";
  if (c.findings.some((f) => f.code === "EXPIRES_SOON")) return "expiring";
  return "healthy";
}

/**
 * The self-contained HTML report of `othername scan --html`.
 *
 * @param report - A report from `scanTargets`.
 * @returns One HTML document: inline CSS, SVG and script only, every certificate value escaped.
 * @example
 * ```ts
 * await writeFile("scan.html", renderScanHtml(scanTargets(found, { at: new Date(), warnDays: 30 })));
 * ```
 */
export function renderScanHtml(report: ScanReport): string {
  const rows = report.certificates
    .map((c) => {
      const findings = c.findings.length === 0 ? "" : `<ul class="findings">${c.findings.map((f) => `<li><code>${e(f.code)}</code> ${e(f.message)}</li>`).join("")}</ul>`;
      const sources = c.sources.map((s) => `<div class="mono">${e(s)}</div>`).join("");
      return [
        `<tr class="${status(c)}" data-days="${e(c.daysLeft)}">`,
        `<td class="days">${e(c.daysLeft)}</td>`,
        `<td class="mono">${e(c.notAfter)}</td>`,
        `<td class="subject">${e(c.subject)}${c.ca ? ' <span class="muted">(CA)</span>' : ""}</td>`,
        `<td class="mono">${c.otherNames.map(e).join("<br>")}${c.dns.length > 0 ? `${c.otherNames.length > 0 ? "<br>" : ""}DNS: ${c.dns.map(e).join(", ")}` : ""}</td>`,
        `<td>${e(c.issuer)}</td>`,
        `<td>${e(c.keyAlgorithm)} ${e(c.keyBits)}<br><span class="mono">${e(c.signatureAlgorithm)}</span></td>`,
        `<td>${sources}</td>`,
        `<td>${findings}</td>`,
        "</tr>",
      ].join("");
    })
    .join("\n");
  const body = [
    "<h1>Certificate scan</h1>",
    `<p class="meta">Scanned at ${e(report.at)} · ${e(report.certificates.length)} certificates · ${e(report.expired)} expired · ${e(report.expiring - report.expired)} expiring within ${e(report.warnDays)} days</p>`,
    '<h2>Expiry timeline</h2>',
    timeline(report),
    "<h2>Certificates</h2>",
    '<table id="certificates">',
    '<thead><tr><th>Days left <button id="sort-days" type="button" aria-label="sorted by days left, soonest first">&#9650;</button></th><th>Not after</th><th>Subject</th><th>otherName / DNS</th><th>Issuer</th><th>Key / signature</th><th>Found in</th><th>Findings</th></tr></thead>',
    `<tbody>\n${rows}\n</tbody>`,
    "</table>",
  ].join("\n");
  return renderPage({ title: `othername scan ${report.at}`, css: CSS, body, script: SCRIPT });
}

/** Each certificate a dot on a time axis from the scan time (or the oldest expiry) to the last expiry. */
function timeline(report: ScanReport): string {
  const width = 1000;
  const lanes = 8;
  const height = 40 + lanes * 14;
  const at = Date.parse(report.at);
  const times = report.certificates.map((c) => Date.parse(c.notAfter));
  if (times.length === 0) return '<p class="meta">No certificate found.</p>';
  const start = Math.min(at, ...times);
  const end = Math.max(at + report.warnDays * 86_400_000, ...times);
  const span = Math.max(1, end - start);
  const x = (t: number): number => 20 + ((t - start) / span) * (width - 40);
  const parts: string[] = [];
  parts.push(`<rect class="window" x="${x(at).toFixed(1)}" y="10" width="${Math.max(1, x(at + report.warnDays * 86_400_000) - x(at)).toFixed(1)}" height="${height - 40}"><title>warning window: ${e(report.warnDays)} days</title></rect>`);
  parts.push(`<line class="axis" x1="20" x2="${width - 20}" y1="${height - 30}" y2="${height - 30}"></line>`);
  parts.push(`<line class="now" x1="${x(at).toFixed(1)}" x2="${x(at).toFixed(1)}" y1="5" y2="${height - 25}"></line>`);
  parts.push(`<text x="${x(at).toFixed(1)}" y="${height - 12}" text-anchor="middle">scan ${e(report.at.slice(0, 10))}</text>`);
  if (end - at > 86_400_000) parts.push(`<text x="${width - 20}" y="${height - 12}" text-anchor="end">${e(new Date(end).toISOString().slice(0, 10))}</text>`);
  if (start < at - 86_400_000) parts.push(`<text x="20" y="${height - 12}">${e(new Date(start).toISOString().slice(0, 10))}</text>`);
  report.certificates.forEach((c, i) => {
    const cy = 18 + (i % lanes) * 14;
    parts.push(`<circle class="${status(c)}" cx="${x(Date.parse(c.notAfter)).toFixed(1)}" cy="${cy}" r="5"><title>${e(c.subject)} — ${e(c.notAfter)} (${e(c.daysLeft)} days)</title></circle>`);
  });
  return `<svg class="timeline" viewBox="0 0 ${width} ${height}" role="img" aria-label="expiry timeline">${parts.join("")}</svg>`;
}
