/**
 * `topolens query "<SQL>" [--store results.duckdb] [--json]`
 * Runs SQL against a results store opened read-only and prints the rows as an aligned table or
 * as JSON. Tables, columns and example queries: docs/store.md.
 */
import { invalidOption } from '../../core/errors.js';
import type { QueryTable } from '../../run/storeValues.js';
import { printJSON, toJSONText } from '../output.js';

/** Longest cell the table shows; --json prints every value whole. */
const MAX_CELL = 60;

function cellText(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  const text =
    typeof value === 'string'
      ? value
      : typeof value === 'number'
        ? String(value)
        : toJSONText(value, 0);
  const line = text.replace(/\s*\n\s*/g, ' ');
  return line.length > MAX_CELL ? `${line.slice(0, MAX_CELL - 1)}…` : line;
}

const NUMERIC =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|DECIMAL)/;

/** Rows as an aligned text table (numbers right-aligned), with a row count at the end. */
export function formatTable(table: QueryTable): string {
  const cells = table.rows.map((row) => row.map(cellText));
  const widths = table.columns.map((c, j) =>
    Math.max(c.length, ...cells.map((row) => row[j].length)),
  );
  const right = table.types.map((t) => NUMERIC.test(t));
  const line = (row: string[]): string =>
    row
      .map((cell, j) => (right[j] ? cell.padStart(widths[j]) : cell.padEnd(widths[j])))
      .join('  ')
      .trimEnd();
  const out = [line(table.columns), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const row of cells) out.push(line(row));
  const n = table.rows.length;
  out.push(`(${n} row${n === 1 ? '' : 's'})`);
  return out.join('\n') + '\n';
}

/** The `query` command's action; its options: ../specs/query.ts. */
export async function queryCommand(
  sql: string,
  opts: { store: string; json?: boolean },
): Promise<void> {
  if (sql.trim() === '')
    throw invalidOption('the SQL is empty', 'e.g. topolens query "SELECT * FROM runs"');
  const { openStore } = await import('../../run/store.js');
  const store = await openStore(opts.store, { readOnly: true });
  try {
    if (opts.json) printJSON(await store.query(sql));
    else process.stdout.write(formatTable(await store.queryTable(sql)));
  } finally {
    await store.close();
  }
}
