import { linkOf, type MeshLink, type MeshReport } from "../fleet/mesh.js";
import { escapeHtml as e, renderPage } from "./html.js";

/**
 * `othername mesh --html FILE`: the matrix of who accepts whom, each cell coloured by the link
 * between the two clusters (connectable both ways, one-way, none) and opening the reason on
 * click; below it every pair with its reason (what a printed copy shows). Cluster names, node
 * labels and Elasticsearch's messages all go through escapeHtml.
 */

const CSS = `
table.matrix { width: auto; }
table.matrix th.row { text-align: right; }
table.matrix td { text-align: center; min-width: 7.5rem; padding: 0; }
table.matrix td button { width: 100%; border: 0; border-radius: 0; padding: .45rem .5rem; background: transparent; }
td.connectable { background: var(--ok-bg); } td.connectable button { color: var(--ok); }
td.one-way, td.reverse-only { background: var(--warn-bg); } td.one-way button, td.reverse-only button { color: var(--warn); }
td.none { background: var(--bad-bg); } td.none button { color: var(--bad); }
td.self { background: var(--self-bg); }
td.selected { outline: 2px solid var(--fg); outline-offset: -2px; }
#reason { margin-top: .75rem; padding: .6rem .8rem; border: 1px solid var(--line); background: var(--head); min-height: 2.5rem; }
#reason[hidden] { display: none; }
tr.refused td.verdict { color: var(--bad); } tr.accepted td.verdict { color: var(--ok); }
.swatch.connectable { background: var(--ok-bg); } .swatch.one-way { background: var(--warn-bg); } .swatch.none { background: var(--bad-bg); } .swatch.self { background: var(--self-bg); }
@media print { #reason { display: none; } td.selected { outline: none; } }
`;

/** Shows the reason of the clicked cell; the text comes from the pair's row in the table below (already escaped). */
const SCRIPT = `(function () {
  var panel = document.getElementById("reason");
  var selected = null;
  document.querySelectorAll("table.matrix td[data-pair] button").forEach(function (button) {
    button.addEventListener("click", function () {
      var cell = button.parentElement;
      var row = document.getElementById(cell.getAttribute("data-pair"));
      if (!panel || !row) return;
      if (selected) selected.classList.remove("selected");
      selected = cell; cell.classList.add("selected");
      panel.hidden = false;
      panel.textContent = row.querySelector(".sentence").textContent;
    });
  });
})();`;

const SYMBOL: Readonly<Record<MeshLink, string>> = { connectable: "\u2194", "one-way": "\u2192", "reverse-only": "\u2190", none: "\u2715", self: "\u25cb" };
const LINK_TEXT: Readonly<Record<MeshLink, string>> = {
  connectable: "connectable",
  "one-way": "one-way",
  "reverse-only": "one-way",
  none: "none",
  self: "own nodes",
};

/**
 * The self-contained HTML report of `othername mesh --html`.
 *
 * @param report - A report from `evaluateMesh`.
 * @returns One HTML document: the coloured matrix, each cell opening its reason, and every pair listed.
 * @example
 * ```ts
 * await writeFile("mesh.html", renderMeshHtml(evaluateMesh({ clusters, at: new Date() })));
 * ```
 */
export function renderMeshHtml(report: MeshReport): string {
  const ids = new Map(report.clusters.map((name, i) => [name, i]));
  const pairId = (from: string, to: string): string => `pair-${ids.get(from) ?? 0}-${ids.get(to) ?? 0}`;
  const header = `<tr><th>accepts&nbsp;&darr; / nodes of&nbsp;&rarr;</th>${report.clusters.map((c) => `<th scope="col">${e(c)}</th>`).join("")}</tr>`;
  const rows = report.clusters
    .map((from) => {
      const cells = report.clusters.map((to) => {
        const pair = report.pairs.find((p) => p.from === from && p.to === to);
        const link = linkOf(report, from, to);
        const accepted = pair?.accepted === true;
        const label = `${accepted ? "\u2713 accepts" : "\u2715 refuses"}`;
        return `<td class="${link}" data-from="${e(from)}" data-to="${e(to)}" data-link="${link}" data-accepted="${accepted}" data-pair="${pairId(from, to)}"><button type="button" title="${e(`${from} ${accepted ? "accepts" : "refuses"} the nodes of ${to}`)}">${label}<br><small>${SYMBOL[link]} ${LINK_TEXT[link]}</small></button></td>`;
      });
      return `<tr><th scope="row" class="row">${e(from)}</th>${cells.join("")}</tr>`;
    })
    .join("\n");
  const pairRows = report.pairs
    .map((p) => {
      const sentence = p.accepted ? `${p.from} accepts every node of ${p.to}.` : `${p.from} refuses ${p.node ?? "the nodes of " + p.to}: ${p.reason ?? ""}`;
      return `<tr id="${pairId(p.from, p.to)}" class="${p.accepted ? "accepted" : "refused"}"><td>${e(p.from)}</td><td>${e(p.to)}</td><td class="verdict">${p.accepted ? "\u2713 accepted" : "\u2715 refused"}</td><td class="mono">${e(p.node ?? "")}</td><td class="sentence">${e(sentence)}</td></tr>`;
    })
    .join("\n");
  const expectations =
    report.expectations.length === 0
      ? ""
      : [
          "<h2>Expectations</h2>",
          '<table id="expectations"><thead><tr><th>expect</th><th>holds</th><th>why not</th></tr></thead><tbody>',
          ...report.expectations.map((x) => `<tr class="${x.holds ? "accepted" : "refused"}"><td class="mono">${e(x.expect)}</td><td class="verdict">${x.holds ? "\u2713 holds" : "\u2715 does not hold"}</td><td>${e(x.reason ?? "")}</td></tr>`),
          "</tbody></table>",
        ].join("\n");
  const connectable = report.connectable.length === 0 ? "none" : report.connectable.map(([a, b]) => `<code>${e(a)} \u2194 ${e(b)}</code>`).join(", ");
  const body = [
    "<h1>Trust mesh</h1>",
    `<p class="meta">Decided at ${e(report.at)} · ${e(report.clusters.length)} clusters · connectable: ${connectable}</p>`,
    '<p class="legend"><span><i class="swatch connectable"></i>connectable (both directions)</span><span><i class="swatch one-way"></i>one-way</span><span><i class="swatch none"></i>none</span><span><i class="swatch self"></i>own nodes</span></p>',
    '<table class="matrix" id="matrix">',
    `<thead>${header}</thead>`,
    `<tbody>\n${rows}\n</tbody>`,
    "</table>",
    '<div id="reason" class="no-print" role="status" hidden></div>',
    expectations,
    "<h2>Every pair</h2>",
    '<table id="pairs"><thead><tr><th>cluster</th><th>nodes of</th><th>verdict</th><th>first refused node</th><th>reason (Elasticsearch)</th></tr></thead><tbody>',
    pairRows,
    "</tbody></table>",
  ].join("\n");
  return renderPage({ title: `othername mesh ${report.at}`, css: CSS, body, script: SCRIPT });
}
