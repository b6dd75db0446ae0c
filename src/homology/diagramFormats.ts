/**
 * Persistence diagrams as text, in three formats (pure string functions):
 * - `json`: the array of src/core/diagram.ts's JSON form, `[{dimension, bars: [[b, d|null]]}]`;
 * - `csv`: `dimension,birth,death`, one bar per line, `inf` for an infinite death;
 * - `ripser`: Ripser's output, `persistence intervals in dim k:` then ` [b,d)` per bar, with an
 *   empty death ` [b, )` for an infinite bar.
 * Numbers are written in full (shortest round-trip) precision, so every format reads back
 * exactly. `parseRipserOutput` also reads the text that the `ripser` program itself prints.
 */
import { invalidInput, invalidOption } from '../core/errors.js';
import {
  diagramsFromJSON,
  diagramsToJSON,
  type DiagramJSON,
  type PersistenceDiagram,
} from '../core/diagram.js';

export type DiagramFormat = 'json' | 'csv' | 'ripser';

/** json for .json, csv for .csv, ripser for .txt; anything else is an error. */
export function diagramFormatFromPath(path: string): DiagramFormat {
  const m = /\.([A-Za-z0-9]+)$/.exec(path);
  const ext = m ? m[1].toLowerCase() : '';
  if (ext === 'json') return 'json';
  if (ext === 'csv') return 'csv';
  if (ext === 'txt') return 'ripser';
  throw invalidOption(
    `Cannot tell the diagram format of '${path}' from its extension.`,
    'Use .json (topolens JSON), .csv (dimension,birth,death) or .txt (Ripser text).',
  );
}

export function diagramsToJSONText(diagrams: PersistenceDiagram[]): string {
  return JSON.stringify(diagramsToJSON(diagrams), null, 1) + '\n';
}

/** Reads the JSON form: an array of diagrams, or an object with a `diagrams` array. */
export function parseDiagramsJSON(text: string): PersistenceDiagram[] {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw invalidInput(`Diagram JSON is not valid JSON: ${(err as Error).message}`);
  }
  const arr = Array.isArray(v) ? v : (v as { diagrams?: unknown })?.diagrams;
  if (
    !Array.isArray(arr) ||
    !arr.every(
      (d) =>
        typeof d === 'object' &&
        d !== null &&
        typeof d.dimension === 'number' &&
        Array.isArray(d.bars),
    )
  ) {
    throw invalidInput(
      'Diagram JSON must be an array of {dimension, bars: [[birth, death|null]]}.',
    );
  }
  return diagramsFromJSON(arr as DiagramJSON[]);
}

export function diagramsToCSV(diagrams: PersistenceDiagram[]): string {
  const lines = ['dimension,birth,death'];
  for (const d of diagrams) {
    for (let k = 0; k < d.births.length; k++) {
      const death = d.deaths[k];
      lines.push(`${d.dimension},${d.births[k]},${Number.isFinite(death) ? death : 'inf'}`);
    }
  }
  return lines.join('\n') + '\n';
}

/**
 * Reads `dimension,birth,death` CSV (a header line is optional; `inf`/`Infinity` or an empty
 * death mean infinite). Diagrams for dimensions 0..max are returned, empty ones included.
 */
export function parseDiagramsCSV(text: string): PersistenceDiagram[] {
  const bars = new Map<number, [number, number][]>();
  let maxDim = -1;
  const lines = text.split(/\r\n|\n/);
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k].trim();
    if (line === '' || line.startsWith('#') || /^dimension\s*,/i.test(line)) continue;
    const f = line.split(',').map((s) => s.trim());
    const dim = Number(f[0]);
    const birth = Number(f[1]);
    const death = f[2] === '' || /^\+?inf(inity)?$/i.test(f[2] ?? '') ? Infinity : Number(f[2]);
    if (
      f.length !== 3 ||
      !Number.isInteger(dim) ||
      dim < 0 ||
      Number.isNaN(birth) ||
      Number.isNaN(death)
    ) {
      throw invalidInput(
        `Line ${k + 1} of the diagram CSV is not "dimension,birth,death": ${line}`,
      );
    }
    maxDim = Math.max(maxDim, dim);
    if (!bars.has(dim)) bars.set(dim, []);
    bars.get(dim)!.push([birth, death]);
  }
  return collect(bars, maxDim);
}

export function diagramsToRipserText(diagrams: PersistenceDiagram[]): string {
  const lines: string[] = [];
  for (const d of diagrams) {
    lines.push(`persistence intervals in dim ${d.dimension}:`);
    for (let k = 0; k < d.births.length; k++) {
      const death = d.deaths[k];
      lines.push(` [${d.births[k]},${Number.isFinite(death) ? death : ' '})`);
    }
  }
  return lines.join('\n') + '\n';
}

/**
 * Parses Ripser's output (the `ripser` program's stdout, or diagramsToRipserText's): one
 * diagram per `persistence intervals in dim k:` section, bars ` [b,d)` or ` [b, )` (infinite).
 * Other lines (value range, threshold) and printed cocycles after a bar are ignored.
 */
export function parseRipserOutput(text: string): PersistenceDiagram[] {
  const bars = new Map<number, [number, number][]>();
  let current = -1;
  let maxDim = -1;
  const lines = text.split(/\r\n|\n/);
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k];
    const head = /^\s*persistence intervals in dim (\d+):/.exec(line);
    if (head) {
      current = Number(head[1]);
      maxDim = Math.max(maxDim, current);
      if (!bars.has(current)) bars.set(current, []);
      continue;
    }
    const bar = /^\s*\[([^,\]]+),([^)]*)\)/.exec(line);
    if (!bar) continue;
    if (current < 0) {
      throw invalidInput(
        `Line ${k + 1} of the Ripser output has an interval before any "persistence intervals in dim k:" line.`,
      );
    }
    const birth = Number(bar[1]);
    const deathText = bar[2].trim();
    const death = deathText === '' ? Infinity : Number(deathText);
    if (Number.isNaN(birth) || Number.isNaN(death)) {
      throw invalidInput(`Line ${k + 1} of the Ripser output is not an interval: ${line.trim()}`);
    }
    bars.get(current)!.push([birth, death]);
  }
  return collect(bars, maxDim);
}

function collect(bars: Map<number, [number, number][]>, maxDim: number): PersistenceDiagram[] {
  const out: PersistenceDiagram[] = [];
  for (let dim = 0; dim <= maxDim; dim++) {
    const list = bars.get(dim) ?? [];
    const births = new Float64Array(list.length);
    const deaths = new Float64Array(list.length);
    list.forEach(([b, d], k) => {
      births[k] = b;
      deaths[k] = d;
    });
    out.push({ dimension: dim, births, deaths });
  }
  return out;
}

/** Writes diagrams in the given format. */
export function formatDiagrams(diagrams: PersistenceDiagram[], format: DiagramFormat): string {
  if (format === 'json') return diagramsToJSONText(diagrams);
  if (format === 'csv') return diagramsToCSV(diagrams);
  return diagramsToRipserText(diagrams);
}

/** Reads diagrams in the given format. */
export function parseDiagrams(text: string, format: DiagramFormat): PersistenceDiagram[] {
  if (format === 'json') return parseDiagramsJSON(text);
  if (format === 'csv') return parseDiagramsCSV(text);
  return parseRipserOutput(text);
}
