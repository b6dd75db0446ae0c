/**
 * `topolens distance a.json b.json --metric bottleneck|wasserstein|sliced [--p 1] [--q inf]
 *   [--dimension 1] [--infinite match|ignore] [--matching] [--json]`
 * Distance between two sets of persistence diagrams, one value per homology dimension. Input:
 * any of the files that `topolens ph --out` writes (docs/diagrams.md, docs/io.md): JSON (the
 * array `diagramsToJSON` writes, or an object with a `diagrams` array, as `topolens ph --json`
 * prints), CSV (`dimension,birth,death`) or Ripser text (`persistence intervals in dim k:`, also
 * what the `ripser` program prints). The format is taken from the extension (.json, .csv, .txt)
 * and otherwise recognised from the content.
 */
import { readFileSync } from 'node:fs';
import {
  diagram,
  diagramsFromJSON,
  type DiagramJSON,
  type PersistenceDiagram,
} from '../../core/diagram.js';
import { invalidInput, invalidOption, TopolensError } from '../../core/errors.js';
import { bottleneckMatching } from '../../homology/bottleneck.js';
import { parseDiagramsCSV, parseRipserOutput } from '../../homology/diagramFormats.js';
import type { DiagramMatching } from '../../homology/matching.js';
import { slicedWasserstein } from '../../homology/slicedWasserstein.js';
import { wassersteinMatching } from '../../homology/wasserstein.js';
import { printJSON } from '../output.js';
import { integerOption, roughly } from '../numbers.js';
import { DISTANCE_METRICS as METRICS } from '../specs/distance.js';

/** Largest --directions accepted, and the largest directions x bars per dimension. */
const MAX_DIRECTIONS = 1e6;
const MAX_SLICED_WORK = 1e9;

type CliMetric = (typeof METRICS)[number];

/** The `distance` command's options as commander parses them. */
export interface DistanceFlags {
  metric: string;
  p: string;
  q: string;
  dimension?: string;
  directions: string;
  infinite: string;
  matching?: boolean;
  json?: boolean;
}

/** Parses the diagram JSON forms that topolens writes. Exported for tests. */
export function parseDiagramsJSON(text: string, name: string): PersistenceDiagram[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new TopolensError(
      'parse-error',
      `${name} is not valid JSON (${(err as Error).message})`,
      'give the JSON written by diagramsToJSON or `topolens ph --json`',
    );
  }
  const list = Array.isArray(raw)
    ? raw
    : raw && typeof raw === 'object'
      ? (raw as { diagrams?: unknown }).diagrams
      : undefined;
  if (!Array.isArray(list))
    throw invalidInput(
      `${name}: expected an array of {dimension, bars} or an object with a "diagrams" array`,
      'write diagrams with diagramsToJSON, or use `topolens ph --json` output',
    );
  list.forEach((d, k) => {
    const ok =
      d &&
      typeof d === 'object' &&
      Number.isInteger((d as DiagramJSON).dimension) &&
      Array.isArray((d as DiagramJSON).bars) &&
      (d as DiagramJSON).bars.every(
        (bar) =>
          Array.isArray(bar) &&
          bar.length === 2 &&
          typeof bar[0] === 'number' &&
          (bar[1] === null || typeof bar[1] === 'number' || bar[1] === 'Infinity'),
      );
    if (!ok)
      throw invalidInput(
        `${name}: diagram ${k} is not {dimension: integer, bars: [[birth, death or null], ...]}`,
        'an infinite death is written as null',
      );
  });
  const normalised = (list as DiagramJSON[]).map((d) => ({
    dimension: d.dimension,
    bars: d.bars.map(
      ([b, e]) => [b, e === ('Infinity' as unknown) ? null : e] as [number, number | null],
    ),
  }));
  return diagramsFromJSON(normalised);
}

const RIPSER_HEAD = /^\s*persistence intervals in dim \d+:/m;
const RIPSER_BAR = /^\s*\[[^,\]]+,[^)\]]*\)\s*$/m;

/** The diagram format of a file: by its extension (.json, .csv, .txt), else by its content. */
export function diagramFileFormat(text: string, name: string): 'json' | 'csv' | 'ripser' {
  const ext = /\.([A-Za-z0-9]+)$/.exec(name)?.[1].toLowerCase();
  if (ext === 'json') return 'json';
  if (ext === 'csv') return 'csv';
  // Ripser text: a section head, or (head missing) bars written as [b,d)
  if (RIPSER_HEAD.test(text) || RIPSER_BAR.test(text)) return 'ripser';
  const start = text.trimStart();
  if (start.startsWith('[') || start.startsWith('{')) return 'json';
  const first = text
    .split(/\r\n|\n/)
    .map((l) => l.trim())
    .find((l) => l !== '' && !l.startsWith('#'));
  if (first !== undefined && /^(dimension\s*,|\d+\s*,)/i.test(first)) return 'csv';
  throw invalidInput(
    `${name} is not a persistence diagram file: it is not JSON, "dimension,birth,death" CSV ` +
      'or Ripser text ("persistence intervals in dim k:")',
    'give a file written by `topolens ph --out d.json|d.csv|d.txt` (or by the ripser program)',
  );
}

/**
 * Reads the diagrams of one file in any format `topolens ph --out` writes (JSON, CSV, Ripser
 * text); errors name the file. Exported for tests.
 */
export function parseDiagramsFile(text: string, name: string): PersistenceDiagram[] {
  const format = diagramFileFormat(text, name);
  if (format === 'json') return parseDiagramsJSON(text, name);
  try {
    return format === 'csv' ? parseDiagramsCSV(text) : parseRipserOutput(text);
  } catch (err) {
    if (err instanceof TopolensError)
      throw new TopolensError(err.code, `${name}: ${err.message.split('\n')[0]}`, err.hint);
    throw err;
  }
}

function parseNumber(value: string, flag: string): number {
  const v = value.trim().toLowerCase();
  if (v === 'inf' || v === 'infinity') return Infinity;
  const x = Number(v);
  if (!Number.isFinite(x)) throw invalidOption(`${flag} must be a number or inf, got '${value}'`);
  return x;
}

export interface DistanceRow {
  dimension: number;
  distance: number;
  barsA: number;
  barsB: number;
  /** [index in a, index in b or -1 for the diagonal], then [-1, index in b] for bars of b sent to the diagonal. */
  matching?: [number, number][];
}

function matchingPairs(m: DiagramMatching): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < m.matchA.length; i++) out.push([i, m.matchA[i]]);
  for (let j = 0; j < m.matchB.length; j++) if (m.matchB[j] < 0) out.push([-1, j]);
  return out;
}

/** The `distance` command's action; its options: ../specs/distance.ts. */
export function distanceCommand(a: string, b: string, opts: DistanceFlags): void {
  const metric = opts.metric as CliMetric;
  if (!METRICS.includes(metric))
    throw invalidOption(`unknown --metric '${opts.metric}'`, `use one of ${METRICS.join(', ')}`);
  if (opts.matching && metric === 'sliced')
    throw invalidOption(
      '--matching is not available for the sliced metric',
      'use bottleneck or wasserstein',
    );
  const p = parseNumber(opts.p, '--p');
  const q = parseNumber(opts.q, '--q');
  if (!(p >= 1)) throw invalidOption(`--p must be >= 1 (or inf), got '${opts.p}'`);
  if (!(q >= 1)) throw invalidOption(`--q must be >= 1 (or inf), got '${opts.q}'`);
  const directions = integerOption(opts.directions, '--directions', {
    min: 1,
    max: MAX_DIRECTIONS,
    hint: 'persim uses 50; the estimate converges long before a million directions.',
  });
  const infinite = opts.infinite;
  if (infinite !== 'match' && infinite !== 'ignore')
    throw invalidOption(`--infinite must be match or ignore, got '${infinite}'`);
  const da = parseDiagramsFile(readFileSync(a, 'utf8'), a);
  const db = parseDiagramsFile(readFileSync(b, 'utf8'), b);
  let dims = [...new Set([...da, ...db].map((d) => d.dimension))].sort((x, y) => x - y);
  if (opts.dimension !== undefined) {
    const k = integerOption(opts.dimension, '--dimension', { min: 0, max: 1000 });
    dims = [k];
  }
  const pick = (ds: PersistenceDiagram[], k: number): PersistenceDiagram =>
    ds.find((d) => d.dimension === k) ?? diagram(k, []);
  const rows: DistanceRow[] = dims.map((k) => {
    const x = pick(da, k);
    const y = pick(db, k);
    const row: DistanceRow = {
      dimension: k,
      distance: NaN,
      barsA: x.births.length,
      barsB: y.births.length,
    };
    if (metric === 'sliced') {
      const work = directions * (x.births.length + y.births.length);
      if (work > MAX_SLICED_WORK) {
        const most = Math.max(1, Math.floor(MAX_SLICED_WORK / (x.births.length + y.births.length)));
        throw invalidOption(
          `--directions ${directions} on H${k} (${x.births.length} + ${y.births.length} bars) means ${roughly(work)} projections and sorts, more than the ${roughly(MAX_SLICED_WORK)} (minutes) allowed.`,
          `Use at most --directions ${most} for these diagrams (persim uses 50).`,
        );
      }
      row.distance = slicedWasserstein(x, y, { directions, infinite });
    } else {
      const m =
        metric === 'bottleneck'
          ? bottleneckMatching(x, y, { infinite })
          : wassersteinMatching(x, y, { p, q, infinite });
      row.distance = m.distance;
      if (opts.matching) row.matching = matchingPairs(m);
    }
    return row;
  });
  if (opts.json) {
    printJSON({
      a,
      b,
      metric,
      ...(metric === 'wasserstein' ? { p, q } : {}),
      ...(metric === 'sliced' ? { directions } : {}),
      infinite,
      distances: rows,
    });
    return;
  }
  const label =
    metric === 'wasserstein' ? `wasserstein (p=${p}, q=${q === Infinity ? 'inf' : q})` : metric;
  for (const r of rows) {
    process.stdout.write(
      `H${r.dimension}  ${label}: ${r.distance}  (${r.barsA} vs ${r.barsB} bars)\n`,
    );
    if (r.matching)
      for (const [i, j] of r.matching)
        process.stdout.write(
          `    ${i < 0 ? 'diagonal' : `a[${i}]`} -> ${j < 0 ? 'diagonal' : `b[${j}]`}\n`,
        );
  }
}
