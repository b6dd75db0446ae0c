import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { reportError } from '../../src/cli/output.js';
import { formatTable } from '../../src/cli/commands/query.js';
import { writeFolderAtomically } from '../../src/cli/commands/export.js';
import { openStore, STORE_TABLES } from '../../src/run/store.js';

const dir = mkdtempSync(join(tmpdir(), 'topolens-query-'));
const storePath = join(dir, 'results.duckdb');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

async function run(args: string[]): Promise<{ out: string; err: string; code: number }> {
  let out = '';
  let err = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out += String(chunk);
    return true;
  });
  const errSpy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    err += String(chunk);
    return true;
  });
  let code = 0;
  try {
    await buildProgram()
      .exitOverride()
      .configureOutput({ writeErr: (s) => (err += s), writeOut: (s) => (out += s) })
      .parseAsync(['node', 'topolens', ...args]);
  } catch (e) {
    code = reportError(e);
  } finally {
    spy.mockRestore();
    errSpy.mockRestore();
  }
  return { out, err, code };
}

beforeAll(async () => {
  const store = await openStore(storePath);
  await store.putExperiment({
    id: 'e1',
    name: 'profile',
    spec: { widths: [8, 16] },
    createdAt: '2026-01-31T12:00:00.000Z',
  });
  for (const width of [8, 16])
    await store.putNetwork({
      id: `net-${width}`,
      experimentId: 'e1',
      name: `mlp-${width}`,
      source: 'trained',
      width,
      testAccuracy: width === 8 ? 0.9 : 0.95,
    });
  await store.putMeasures(
    [8, 16].flatMap((width) =>
      [0, 1, 2].map((layerIndex) => ({
        id: `m-${width}-${layerIndex}`,
        experimentId: 'e1',
        study: 'profile',
        networkId: `net-${width}`,
        layer: `dense_${layerIndex}`,
        layerIndex,
        depth: (layerIndex + 1) / 3,
        descriptor: 'twonn',
        group: 'all',
        repeat: -1,
        value: width / 4 + layerIndex,
      })),
    ),
  );
  await store.putDiagrams([
    {
      id: 'd1',
      experimentId: 'e1',
      layer: 'dense_0',
      dimension: 0,
      group: 'all',
      repeat: 0,
      births: [0, 0],
      deaths: [0.5, Infinity],
    },
  ]);
  await store.close();
});

describe('topolens query', () => {
  it('prints an aligned table with a row count', async () => {
    const r = await run([
      'query',
      'SELECT n.name, m.layer_index, m.value FROM measures m JOIN networks n ON n.id = m.network_id WHERE m.layer_index = 2 ORDER BY n.name',
      '--store',
      storePath,
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      [
        'name    layer_index  value',
        '------  -----------  -----',
        'mlp-16            2      6',
        'mlp-8             2      4',
        '(2 rows)',
        '',
      ].join('\n'),
    );
  });

  it('prints JSON with --json, lists as arrays and Infinity as a string', async () => {
    const r = await run([
      'query',
      'SELECT id, births, deaths FROM diagrams',
      '--store',
      storePath,
      '--json',
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual([{ id: 'd1', births: [0, 0], deaths: [0.5, 'Infinity'] }]);
  });

  it('answers the documented example queries', async () => {
    // The layer profile and the accuracy correlation of docs/store.md.
    const profile = await run([
      'query',
      `SELECT layer_index, avg(value) AS mean FROM measures
       WHERE study = 'profile' AND descriptor = 'twonn' AND repeat = -1
       GROUP BY layer_index ORDER BY layer_index`,
      '--store',
      storePath,
      '--json',
    ]);
    expect(JSON.parse(profile.out)).toEqual([
      { layer_index: 0, mean: 3 },
      { layer_index: 1, mean: 4 },
      { layer_index: 2, mean: 5 },
    ]);
    const corr = await run([
      'query',
      `SELECT corr(m.value, n.test_accuracy) AS r, count(*) AS networks
       FROM measures m JOIN networks n ON n.id = m.network_id
       WHERE m.descriptor = 'twonn' AND m.layer_index = 0`,
      '--store',
      storePath,
      '--json',
    ]);
    const [row] = JSON.parse(corr.out);
    expect(row.networks).toBe(2);
    expect(row.r).toBeCloseTo(1, 12);
  });

  it('shows an empty result with its header', async () => {
    const r = await run(['query', 'SELECT id FROM runs', '--store', storePath]);
    expect(r.code).toBe(0);
    expect(r.out).toBe('id\n--\n(0 rows)\n');
  });

  it('reports bad SQL on one line with exit code 2', async () => {
    const r = await run(['query', 'SELEC * FROM measures', '--store', storePath]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(
      /^topolens: query failed: Parser Error: syntax error at or near "SELEC"\n$/,
    );
    const missing = await run(['query', 'SELECT * FROM nope', '--store', storePath]);
    expect(missing.code).toBe(2);
    expect(missing.err.trim().split('\n')).toHaveLength(1);
  });

  it('opens the store read-only: writes are refused and nothing changes', async () => {
    const r = await run(['query', 'DELETE FROM measures', '--store', storePath]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/read-only/);
    const n = await run([
      'query',
      'SELECT count(*) AS n FROM measures',
      '--store',
      storePath,
      '--json',
    ]);
    expect(JSON.parse(n.out)).toEqual([{ n: 6 }]);
  });

  it('says so when there is no store, creating none', async () => {
    const path = join(dir, 'none.duckdb');
    const r = await run(['query', 'SELECT 1', '--store', path]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no results store at .*none\.duckdb/);
    expect(existsSync(path)).toBe(false);
  });

  it('truncates long cells in the table (not in JSON)', () => {
    const long = 'x'.repeat(100);
    const text = formatTable({ columns: ['a'], types: ['VARCHAR'], rows: [[long], [null]] });
    const lines = text.split('\n');
    expect(lines[2]).toBe(`${'x'.repeat(59)}…`);
    expect(lines[3]).toBe('NULL');
  });
});

describe('topolens export', () => {
  it('writes one Parquet file per table that DuckDB reads back', async () => {
    const out = join(dir, 'parquet-out');
    const r = await run(['export', '--parquet', out, '--store', storePath]);
    expect(r.code).toBe(0);
    expect(r.out).toBe(`wrote ${STORE_TABLES.length + 1} parquet files to ${out}\n`);
    expect(readdirSync(out).sort()).toEqual(
      [...STORE_TABLES, 'schema_version'].map((t) => `${t}.parquet`).sort(),
    );
    const store = await openStore(':memory:');
    const rows = await store.query(
      `SELECT count(*) AS n, sum(value) AS s FROM read_parquet('${join(out, 'measures.parquet')}')`,
    );
    expect(rows).toEqual([{ n: 6, s: 24 }]);
    const d = await store.query(
      `SELECT deaths FROM read_parquet('${join(out, 'diagrams.parquet')}')`,
    );
    expect(d).toEqual([{ deaths: [0.5, Infinity] }]);
    await store.close();
  });

  it('writes CSV files with --csv and lists them with --json', async () => {
    const out = join(dir, 'csv-out');
    const r = await run(['export', '--csv', out, '--store', storePath, '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.format).toBe('csv');
    expect(j.files).toHaveLength(STORE_TABLES.length + 1);
    for (const f of j.files) expect(existsSync(f)).toBe(true);
    const store = await openStore(':memory:');
    const rows = await store.query(
      `SELECT name, width, test_accuracy FROM read_csv('${join(out, 'networks.csv')}') ORDER BY width`,
    );
    expect(rows).toEqual([
      { name: 'mlp-8', width: 8, test_accuracy: 0.9 },
      { name: 'mlp-16', width: 16, test_accuracy: 0.95 },
    ]);
    await store.close();
  });

  it('refuses an unwritable folder, leaving nothing behind', async () => {
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, 'x');
    const before = readdirSync(dir).sort();
    const r = await run(['export', '--csv', join(blocker, 'out'), '--store', storePath]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/cannot write the export folder .*a-file[/\\]out/);
    expect(readdirSync(dir).sort()).toEqual(before);
  });

  it('refuses a non-empty folder unless --force, which replaces it whole', async () => {
    const out = join(dir, 'busy');
    mkdirSync(out);
    writeFileSync(join(out, 'old.txt'), 'old');
    const r = await run(['export', '--csv', out, '--store', storePath]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/exists and is not empty/);
    expect(readdirSync(out)).toEqual(['old.txt']);
    const forced = await run(['export', '--csv', out, '--store', storePath, '--force']);
    expect(forced.code).toBe(0);
    expect(readdirSync(out)).not.toContain('old.txt');
    expect(readdirSync(out)).toContain('measures.csv');
    expect(readdirSync(dir).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('exports into an existing empty folder', async () => {
    const out = join(dir, 'empty-folder');
    mkdirSync(out);
    const r = await run(['export', '--parquet', out, '--store', storePath]);
    expect(r.code).toBe(0);
    expect(readdirSync(out)).toHaveLength(STORE_TABLES.length + 1);
  });

  it('a failure part-way leaves no folder, or the replaced folder as it was', async () => {
    const failing = async (tmp: string) => {
      writeFileSync(join(tmp, 'experiments.csv'), 'id\n');
      throw new Error('disk full');
    };
    const fresh = join(dir, 'never');
    await expect(writeFolderAtomically(fresh, false, failing)).rejects.toThrow(/disk full/);
    expect(existsSync(fresh)).toBe(false);
    const kept = join(dir, 'kept');
    mkdirSync(kept);
    writeFileSync(join(kept, 'mine.txt'), 'mine');
    await expect(writeFolderAtomically(kept, true, failing)).rejects.toThrow(/disk full/);
    expect(readdirSync(kept)).toEqual(['mine.txt']);
    expect(readdirSync(dir).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('needs exactly one of --parquet and --csv', async () => {
    for (const flags of [[], ['--parquet', '--csv']]) {
      const r = await run(['export', ...flags, join(dir, 'x'), '--store', storePath]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/exactly one of --parquet and --csv/);
    }
    expect(existsSync(join(dir, 'x'))).toBe(false);
  });
});
