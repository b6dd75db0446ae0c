/**
 * docs/store.md is the store's reference: its column tables must say what the schema is, and its
 * example SQL must run.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/run/store.js';
import { sqlType, STORE_TABLES, TABLES } from '../../src/run/storeSchema.js';

const doc = readFileSync('docs/store.md', 'utf8');

/** The rows of the Markdown table under `### <name>`, as arrays of trimmed cells. */
function documentedColumns(name: string): string[][] {
  const start = doc.indexOf(`\n### ${name}\n`);
  expect(start, `docs/store.md has a section ### ${name}`).toBeGreaterThan(0);
  const rest = doc.slice(start + 1);
  const end = rest.indexOf('\n#', 1);
  const section = end > 0 ? rest.slice(0, end) : rest;
  return section
    .split('\n')
    .filter((l) => l.startsWith('|'))
    .slice(2)
    .map((l) =>
      l
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim()),
    );
}

describe('docs/store.md', () => {
  it('documents every column of every table with its type, nullability and field', () => {
    for (const table of STORE_TABLES) {
      const rows = documentedColumns(table);
      expect(
        rows.map((r) => r.slice(0, 4)),
        table,
      ).toEqual(
        TABLES[table].columns.map((c) => [
          c.column,
          sqlType(c.kind),
          c.required ? 'no' : 'yes',
          c.field,
        ]),
      );
    }
    expect(documentedColumns('schema_version').map((r) => r[0])).toEqual([
      'version',
      'applied_at',
      'description',
    ]);
  });

  it('has example SQL that runs on a store', async () => {
    const blocks = [...doc.matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => m[1]);
    expect(blocks.length).toBeGreaterThanOrEqual(6);
    const store = await openStore(':memory:');
    await store.putNetwork({
      id: 'n',
      experimentId: 'e',
      name: 'mlp',
      source: 'trained',
      testAccuracy: 0.9,
    });
    await store.putMatrix({
      id: 'x',
      experimentId: 'e',
      study: 'distances',
      measure: 'cka',
      kind: 'similarity',
      names: ['a', 'b'],
      values: [1, 0.25, 0.5, 1],
    });
    await store.putDiagrams([
      {
        id: 'd',
        experimentId: 'e',
        layer: 'l',
        dimension: 0,
        group: 'all',
        repeat: 0,
        births: [0, 0],
        deaths: [1, Infinity],
      },
    ]);
    for (const sql of blocks) {
      if (sql.includes('read_parquet')) continue; // reads an export folder
      await expect(store.query(sql), sql).resolves.toBeInstanceOf(Array);
    }
    // The matrix example gives entry (i, j) at (i - 1) * n + j.
    const matrixSql = blocks.find((b) => b.includes('FROM matrices'))!;
    const triples = await store.query(`SELECT a, b, value FROM (${matrixSql}) ORDER BY i, j`);
    expect(triples).toEqual([
      { a: 'a', b: 'a', value: 1 },
      { a: 'a', b: 'b', value: 0.25 },
      { a: 'b', b: 'a', value: 0.5 },
      { a: 'b', b: 'b', value: 1 },
    ]);
    const bars = await store.query(blocks.find((b) => b.includes('unnest(births)'))!);
    expect(bars.map((r) => r.death)).toEqual([Infinity, 1]);
    await store.close();
  });
});
