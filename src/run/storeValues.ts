/**
 * DuckDB query results as plain JSON-able data: BIGINT as a number (as a string beyond 2^53),
 * timestamps and dates as ISO 8601 strings, JSON columns parsed, lists as arrays.
 */
import type { DuckDBResultReader } from '@duckdb/node-api';

/** A value from DuckDB's JS conversion, made JSON-able. */
export function plainValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : value.toString();
  }
  if (value instanceof Date)
    return Number.isNaN(value.getTime()) ? 'invalid date' : value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(plainValue);
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = plainValue(v);
    return out;
  }
  return value;
}

/** Parses stored JSON text; text that is not JSON (never written by the store) stays text. */
export function parseStoredJSON(text: unknown): unknown {
  if (typeof text !== 'string') return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export interface QueryTable {
  /** Column names, deduplicated the way DuckDB does (a, a_1, ...). */
  columns: string[];
  /** DuckDB type of each column, e.g. 'DOUBLE', 'VARCHAR[]', 'JSON'. */
  types: string[];
  rows: unknown[][];
}

/** Every row of a result, column-ordered, with JSON columns parsed. */
export function readTable(reader: DuckDBResultReader): QueryTable {
  const columns = reader.deduplicatedColumnNames();
  const isJson = columns.map((_, i) => reader.columnLogicalType(i).alias === 'JSON');
  const types = columns.map((_, i) => (isJson[i] ? 'JSON' : reader.columnType(i).toString()));
  const rows = reader
    .getRowsJS()
    .map((row) => row.map((v, i) => (isJson[i] ? parseStoredJSON(v) : plainValue(v))));
  return { columns, types, rows };
}

export function tableToObjects(table: QueryTable): Record<string, unknown>[] {
  return table.rows.map((row) => {
    const out: Record<string, unknown> = {};
    table.columns.forEach((c, i) => (out[c] = row[i]));
    return out;
  });
}
