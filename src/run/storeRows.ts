/**
 * The rows of the results store (docs/store.md) and their conversion to and from column values.
 * Every row is plain JSON-able data; `unknown` fields are stored as JSON text and timestamps
 * are ISO 8601 strings.
 */
import { invalidInput } from '../core/errors.js';
import type { ColumnSpec, StoreTable, TableSpec } from './storeSchema.js';

export interface ExperimentRow {
  id: string;
  name: string;
  /** The resolved spec, every default filled in. */
  spec: unknown;
  createdAt: string;
}

export interface RunRow {
  id: string;
  experimentId: string;
  options: unknown;
  topolensVersion: string;
  startedAt: string;
  finishedAt?: string;
  status: 'running' | 'done' | 'failed' | 'interrupted';
  workers?: number;
  timings?: unknown;
  error?: string;
}

export interface JobRow {
  /** The job's content hash. */
  id: string;
  experimentId: string;
  /** 'train' | 'capture' | 'study:<name>' ... */
  kind: string;
  label: string;
  seconds: number;
  finishedAt: string;
  status: 'done' | 'failed';
  error?: string;
}

export interface NetworkRow {
  id: string;
  experimentId: string;
  name: string;
  source: 'trained' | 'tfjs' | 'onnx' | 'activations';
  architecture?: string;
  width?: number;
  depth?: number;
  seed?: number;
  params?: unknown;
  trainAccuracy?: number;
  testAccuracy?: number;
  testLoss?: number;
  epochs?: number;
  modelPath?: string;
  trainSeconds?: number;
}

export interface LayerRow {
  id: string;
  networkId: string;
  name: string;
  index: number;
  /** Depth on the common axis (l+1)/L. */
  depth: number;
  strategy: string;
  points: number;
  dim: number;
}

export interface MeasureRow {
  id: string;
  experimentId: string;
  study: string;
  networkId?: string;
  layer?: string;
  layerIndex?: number;
  depth?: number;
  /** e.g. 'h0-lifespan-sum', 'twonn', 'phdim', 'ricci-rho'. */
  descriptor: string;
  /** 'all', a class name, an eps, a population. */
  group: string;
  /** Repeat index; -1 for an aggregate over repeats. */
  repeat: number;
  k?: number;
  value: number;
  params?: unknown;
}

export interface DiagramRow {
  id: string;
  networkId?: string;
  experimentId: string;
  layer: string;
  dimension: number;
  group: string;
  repeat: number;
  births: number[];
  /** Infinity for an essential class. */
  deaths: number[];
}

export interface MatrixRow {
  id: string;
  experimentId: string;
  study: string;
  measure: string;
  kind: 'similarity' | 'distance';
  names: string[];
  /** Row-major, names.length^2 entries. */
  values: number[];
}

export interface MapperGraphRow {
  id: string;
  experimentId: string;
  networkId?: string;
  layer: string;
  graph: unknown;
}

export interface StudyResultRow {
  id: string;
  experimentId: string;
  study: string;
  name: string;
  /** The study's whole record. */
  result: unknown;
}

/** The row type of each table. */
export interface StoreRows {
  experiments: ExperimentRow;
  runs: RunRow;
  jobs: JobRow;
  networks: NetworkRow;
  layers: LayerRow;
  measures: MeasureRow;
  diagrams: DiagramRow;
  matrices: MatrixRow;
  mapper_graphs: MapperGraphRow;
  study_results: StudyResultRow;
}

/** A column value ready for the appender: null for a missing optional field. */
export type EncodedValue = string | number | bigint | number[] | string[] | null;

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const ISO_PREFIX = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/**
 * JSON text of a value, with non-finite numbers written as the strings "Infinity", "-Infinity"
 * and "NaN" (as the CLI's JSON output does) and typed arrays as arrays.
 */
export function toStoredJSON(value: unknown): string {
  const text = JSON.stringify(value, (_key, v) => {
    if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
    if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : String(v);
    if (ArrayBuffer.isView(v) && !(v instanceof DataView))
      return Array.from(v as unknown as ArrayLike<number>);
    return v;
  });
  // JSON.stringify(undefined) and of a function give undefined: store JSON null.
  return text ?? 'null';
}

function where(table: string, index: number, row: unknown, column: ColumnSpec): string {
  const rowId =
    row && typeof row === 'object' && typeof (row as { id?: unknown }).id === 'string'
      ? ` (id ${JSON.stringify((row as { id: string }).id)})`
      : '';
  return `${table} row ${index}${rowId}: field \`${column.field}\``;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'string') return `the string ${JSON.stringify(value.slice(0, 40))}`;
  if (typeof value === 'number') return String(value);
  return typeof value;
}

/** Microseconds since the epoch (UTC) of an ISO 8601 timestamp string. */
export function isoToMicros(value: string): bigint | undefined {
  if (!ISO_PREFIX.test(value)) return undefined;
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) return undefined;
  return BigInt(ms) * 1000n;
}

function encodeValue(
  table: string,
  index: number,
  row: Record<string, unknown>,
  column: ColumnSpec,
): EncodedValue {
  const value = row[column.field];
  if (value === null && column.kind === 'json' && column.required) return 'null';
  if (value === undefined || value === null) {
    if (!column.required) return null;
    throw invalidInput(
      `${where(table, index, row, column)} is missing`,
      'every result row needs its required fields (docs/store.md lists them)',
    );
  }
  const bad = (need: string): never => {
    throw invalidInput(
      `${where(table, index, row, column)} must be ${need}, got ${describe(value)}`,
    );
  };
  switch (column.kind) {
    case 'text':
      if (typeof value !== 'string') return bad('a string');
      if (column.field === 'id' && value.length === 0) return bad('a non-empty string');
      if (column.values && !column.values.includes(value))
        return bad(`one of ${column.values.map((v) => `'${v}'`).join(', ')}`);
      return value;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) return bad('an integer');
      if (value < INT32_MIN || value > INT32_MAX) return bad('a 32-bit integer');
      return value;
    case 'bigint':
      if (typeof value !== 'number' || !Number.isSafeInteger(value))
        return bad('a safe integer (|n| < 2^53)');
      return BigInt(value);
    case 'double':
      if (typeof value !== 'number') return bad('a number');
      return value;
    case 'json':
      try {
        return toStoredJSON(value);
      } catch (err) {
        return bad(`JSON-serialisable (${(err as Error).message})`);
      }
    case 'timestamp': {
      if (typeof value !== 'string') return bad('an ISO 8601 timestamp string');
      const micros = isoToMicros(value);
      if (micros === undefined) return bad('an ISO 8601 timestamp such as 2026-01-31T12:00:00Z');
      return micros;
    }
    case 'doubles': {
      if (!Array.isArray(value) && !(ArrayBuffer.isView(value) && !(value instanceof DataView)))
        return bad('an array of numbers');
      const list = Array.from(value as ArrayLike<unknown>);
      for (const x of list) if (typeof x !== 'number') return bad('an array of numbers');
      return list as number[];
    }
    case 'texts': {
      if (!Array.isArray(value)) return bad('an array of strings');
      for (const x of value) if (typeof x !== 'string') return bad('an array of strings');
      return value as string[];
    }
  }
}

/** Cross-field checks that the column types cannot express. */
function checkRow(table: StoreTable, index: number, row: Record<string, unknown>): void {
  if (table === 'diagrams') {
    const births = row.births as ArrayLike<number>;
    const deaths = row.deaths as ArrayLike<number>;
    if (births.length !== deaths.length)
      throw invalidInput(
        `diagrams row ${index} (id ${JSON.stringify(row.id)}): ${births.length} births but ${deaths.length} deaths`,
        'a diagram has one birth and one death per bar (Infinity for an essential class)',
      );
  }
  if (table === 'matrices') {
    const n = (row.names as unknown[]).length;
    const m = (row.values as ArrayLike<number>).length;
    if (m !== n * n)
      throw invalidInput(
        `matrices row ${index} (id ${JSON.stringify(row.id)}): ${n} names need ${n * n} values (row-major n x n), got ${m}`,
      );
  }
}

/** The column values of each row, in the table's column order; throws on the first bad row. */
export function encodeRows(spec: TableSpec, rows: readonly object[]): EncodedValue[][] {
  return rows.map((row, index) => {
    if (!row || typeof row !== 'object')
      throw invalidInput(`${spec.name} row ${index} must be an object, got ${describe(row)}`);
    const record = row as Record<string, unknown>;
    const values = spec.columns.map((c) => encodeValue(spec.name, index, record, c));
    checkRow(spec.name, index, record);
    return values;
  });
}

/**
 * Encoded rows with distinct ids (the first column): for a `keep` table the first row of each
 * id, for a `replace` table the last (as if the rows were written one after another).
 */
export function distinctById(rows: EncodedValue[][], policy: 'keep' | 'replace'): EncodedValue[][] {
  const byId = new Map<EncodedValue, EncodedValue[]>();
  for (const row of rows) {
    const id = row[0];
    if (policy === 'replace') byId.delete(id);
    if (!byId.has(id)) byId.set(id, row);
  }
  return [...byId.values()];
}
