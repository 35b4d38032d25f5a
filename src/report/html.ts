import { createHash } from "node:crypto";

/**
 * The shell of othername's self-contained HTML reports (`scan --html`, `mesh --html`): one file,
 * inline CSS, inline SVG and at most one inline script, nothing fetched. A Content-Security-Policy
 * allows exactly that script (by its hash) and no network at all, so even a value that escaped
 * escaping could not run or load anything. Readable in a dark theme (prefers-color-scheme) and
 * printed (@media print). Pure: values in, text out.
 */

/** Escapes text for HTML content and double- or single-quoted attribute values. */
export function escapeHtml(value: string | number | boolean | null | undefined): string {
  return String(value ?? "").replace(/[&<>"'\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, (c) => {
    switch (c) {
      case "&":
        return "&amp;";
      case "<":
        return "&lt;";
      case ">":
        return "&gt;";
      case '"':
        return "&quot;";
      case "'":
        return "&#39;";
      default:
        // Control characters cannot appear in HTML text: show them as U+FFFD, visibly replaced.
        return "\ufffd";
    }
  });
}

const BASE_CSS = `
:root { color-scheme: light dark; --bg: #ffffff; --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --head: #f6f8fa;
  --ok: #1a7f37; --ok-bg: #dafbe1; --warn: #9a6700; --warn-bg: #fff8c5; --bad: #cf222e; --bad-bg: #ffebe9; --self-bg: #eaeef2; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --line: #3d444d; --head: #151b23;
    --ok: #3fb950; --ok-bg: #12361f; --warn: #d29922; --warn-bg: #3a2d0b; --bad: #f85149; --bad-bg: #47171a; --self-bg: #212830; }
}
* { box-sizing: border-box; }
body { margin: 0; padding: 1.5rem; background: var(--bg); color: var(--fg); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; }
h1 { font-size: 1.4rem; margin: 0 0 .25rem; } h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
.meta { color: var(--muted); margin: 0 0 1rem; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid var(--line); padding: .35rem .5rem; text-align: left; vertical-align: top; }
th { background: var(--head); }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; overflow-wrap: anywhere; }
button { font: inherit; color: inherit; background: var(--head); border: 1px solid var(--line); border-radius: 4px; padding: .1rem .5rem; cursor: pointer; }
.ok { color: var(--ok); } .warn { color: var(--warn); } .bad { color: var(--bad); }
.legend span { display: inline-block; margin-right: 1rem; }
.swatch { display: inline-block; width: .9em; height: .9em; border: 1px solid var(--line); vertical-align: -1px; margin-right: .3em; }
@media print {
  :root { --bg: #fff; --fg: #000; --muted: #333; --line: #999; --head: #eee; }
  body { padding: 0; font-size: 11px; }
  button, .no-print { display: none !important; }
  tr, .card { break-inside: avoid; }
}
`;

export interface PageInput {
  readonly title: string;
  /** Extra CSS for this report. */
  readonly css: string;
  /** Body HTML, already escaped by the caller. */
  readonly body: string;
  /** One inline script (no user data inside it), or none. */
  readonly script?: string;
}

export function renderPage(page: PageInput): string {
  const script = page.script ?? "";
  const hash = createHash("sha256").update(script, "utf8").digest("base64");
  const csp = `default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-${hash}'; base-uri 'none'; form-action 'none'`;
  return [
    "<!DOCTYPE html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light dark">',
    `<title>${escapeHtml(page.title)}</title>`,
    `<style>${BASE_CSS}${page.css}</style>`,
    "</head>",
    "<body>",
    page.body,
    script === "" ? "" : `<script>${script}</script>`,
    "</body>",
    "</html>",
    "",
  ].join("\n");
}
