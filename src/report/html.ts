/**
 * The single-file report page (docs/report.md#security): the viewer's script and style and the
 * report data inlined, a strict Content-Security-Policy that allows exactly those inlined blocks
 * by their SHA-256 hashes, and the data embedded so that no string in it can end the script
 * element or be read as markup.
 */
import { createHash } from 'node:crypto';

/**
 * JSON for a `<script type="application/json">` block: `<`, `>`, `&` and U+2028/U+2029 written as
 * \u escapes, so `</script>` or `<!--` inside a string cannot end or change the element. The result
 * parses back (JSON.parse) to the same value.
 */
export function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => {
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/** Text for an HTML text node or attribute value. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** 'sha256-<base64>' of a script or style block's exact text, as CSP source expressions use. */
export function cspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

export interface ReportPageParts {
  title: string;
  /** The viewer bundle (an IIFE or module without imports). */
  script: string;
  style: string;
  /** The report data (ReportData), embedded as JSON. */
  data: unknown;
  /** The small part of the data the first view needs, parsed before the rest (optional). */
  summary?: unknown;
  /** Extra CSP directives, e.g. "connect-src 'self'" for the server. */
  extraCsp?: string[];
}

/** Text of an inlined block must not contain its closing tag. */
function assertNoClosingTag(text: string, tag: string): void {
  if (text.toLowerCase().includes(`</${tag}`))
    throw new Error(`the viewer's inlined ${tag} contains '</${tag}'; it cannot be inlined as is`);
}

/** The whole page as one string. */
export function renderReportPage(parts: ReportPageParts): string {
  assertNoClosingTag(parts.script, 'script');
  assertNoClosingTag(parts.style, 'style');
  const csp = [
    "default-src 'none'",
    `script-src ${cspHash(parts.script)}`,
    `style-src ${cspHash(parts.style)}`,
    'img-src data: blob:',
    "base-uri 'none'",
    "form-action 'none'",
    ...(parts.extraCsp ?? []),
  ].join('; ');
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(parts.title)}</title>`,
    `<style>${parts.style}</style>`,
    '</head>',
    '<body>',
    '<div id="app"></div>',
    ...(parts.summary === undefined
      ? []
      : [
          `<script type="application/json" id="report-summary">${scriptSafeJson(parts.summary)}</script>`,
        ]),
    `<script type="application/json" id="report-data">${scriptSafeJson(parts.data)}</script>`,
    `<script>${parts.script}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
