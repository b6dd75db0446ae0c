import { spawn, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { TopolensError } from '../../src/core/errors.js';
import {
  openStore,
  SCHEMA_VERSION,
  STORE_TABLES,
  type DiagramRow,
  type ExperimentRow,
  type JobRow,
  type LayerRow,
  type MapperGraphRow,
  type MatrixRow,
  type MeasureRow,
  type NetworkRow,
  type ResultStore,
  type RunRow,
  type StudyResultRow,
} from '../../src/run/store.js';

const dir = mkdtempSync(join(tmpdir(), 'topolens-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileCount = 0;
function freshPath(): string {
  return join(dir, `store-${fileCount++}.duckdb`);
}

const T0 = '2026-01-31T12:00:00.000Z';
const T1 = '2026-01-31T12:05:30.250Z';

const experiment: ExperimentRow = {
  id: 'exp-1',
  name: 'layer profile of MLPs',
  spec: { studies: ['profile'], widths: [16, 32], eps: 0.1, nested: { ok: true } },
  createdAt: T0,
};
const run: RunRow = {
  id: 'run-1',
  experimentId: 'exp-1',
  options: { workers: 2, seed: 7 },
  topolensVersion: '0.1.0',
  startedAt: T0,
  finishedAt: T1,
  status: 'done',
  workers: 2,
  timings: { train: 1.5, capture: 0.25 },
  error: 'none',
};
const job: JobRow = {
  id: 'job-1',
  experimentId: 'exp-1',
  kind: 'study:profile',
  label: 'profile mlp-16',
  seconds: 3.25,
  finishedAt: T1,
  status: 'done',
};
const network: NetworkRow = {
  id: 'net-1',
  experimentId: 'exp-1',
  name: 'mlp-16',
  source: 'trained',
  architecture: 'mlp',
  width: 16,
  depth: 4,
  seed: 2 ** 40 + 3,
  params: { lr: 0.01, batch: 32 },
  trainAccuracy: 0.99,
  testAccuracy: 0.95,
  testLoss: 0.125,
  epochs: 20,
  modelPath: 'models/mlp-16/model.json',
  trainSeconds: 12.5,
};
const layers: LayerRow[] = [0, 1, 2].map((i) => ({
  id: `layer-${i}`,
  networkId: 'net-1',
  name: `dense_${i}`,
  index: i,
  depth: (i + 1) / 3,
  strategy: 'flatten',
  points: 500,
  dim: 16,
}));
const measures: MeasureRow[] = [
  {
    id: 'm-1',
    experimentId: 'exp-1',
    study: 'profile',
    networkId: 'net-1',
    layer: 'dense_0',
    layerIndex: 0,
    depth: 1 / 3,
    descriptor: 'twonn',
    group: 'all',
    repeat: -1,
    k: 2,
    value: 4.75,
    params: { fraction: 0.9 },
  },
  {
    id: 'm-2',
    experimentId: 'exp-1',
    study: 'profile',
    descriptor: 'h0-lifespan-sum',
    group: 'class 3',
    repeat: 2,
    value: Infinity,
  },
  {
    id: 'm-3',
    experimentId: 'exp-1',
    study: 'profile',
    descriptor: 'phdim',
    group: '0.1',
    repeat: 0,
    value: NaN,
  },
];
const diagrams: DiagramRow[] = [
  {
    id: 'd-1',
    networkId: 'net-1',
    experimentId: 'exp-1',
    layer: 'dense_0',
    dimension: 0,
    group: 'all',
    repeat: 0,
    births: [0, 0, 0],
    deaths: [0.5, 1.25, Infinity],
  },
  {
    id: 'd-2',
    experimentId: 'exp-1',
    layer: 'dense_1',
    dimension: 1,
    group: 'all',
    repeat: 0,
    births: [],
    deaths: [],
  },
];
const matrix: MatrixRow = {
  id: 'mat-1',
  experimentId: 'exp-1',
  study: 'distances',
  measure: 'cka',
  kind: 'similarity',
  names: ['dense_0', 'dense, "1"', "dense'2"],
  values: [1, 0.5, 0.25, 0.5, 1, 0.75, 0.25, 0.75, 1],
};
const mapperGraph: MapperGraphRow = {
  id: 'mapper-1',
  experimentId: 'exp-1',
  networkId: 'net-1',
  layer: 'dense_2',
  graph: { nodes: [{ id: 0, members: [1, 2, 3] }], links: [] },
};
const studyResult: StudyResultRow = {
  id: 'study-1',
  experimentId: 'exp-1',
  study: 'ricci',
  name: 'mlp-16',
  result: { rho: -0.5, perLayer: [1, 2, Infinity], label: 'x' },
};

/** What JSON storage gives back for a value: non-finite numbers as strings. */
const jsonStored = (v: unknown): unknown =>
  JSON.parse(
    JSON.stringify(v, (_k, x) => (typeof x === 'number' && !Number.isFinite(x) ? String(x) : x)),
  );

async function writeAll(store: ResultStore): Promise<void> {
  await store.putExperiment(experiment);
  await store.putRun(run);
  await store.putNetwork(network);
  await store.putLayers(layers);
  await store.putMeasures(measures);
  await store.putDiagrams(diagrams);
  await store.putMatrix(matrix);
  await store.putMapperGraph(mapperGraph);
  await store.putStudyResult(studyResult);
  await store.commitJob(job, {});
}

async function expectAllRead(store: ResultStore): Promise<void> {
  expect(await store.readRows('experiments')).toEqual([experiment]);
  expect(await store.readRows('runs')).toEqual([jsonStored(run)]);
  expect(await store.readRows('jobs')).toEqual([job]);
  expect(await store.readRows('networks')).toEqual([network]);
  expect(await store.readRows('layers')).toEqual(layers);
  expect(await store.readRows('measures')).toEqual(measures);
  expect(await store.readRows('diagrams')).toEqual(diagrams);
  expect(await store.readRows('matrices')).toEqual([matrix]);
  expect(await store.readRows('mapper_graphs')).toEqual([mapperGraph]);
  expect(await store.readRows('study_results')).toEqual([jsonStored(studyResult)]);
}

async function count(store: ResultStore, table: string): Promise<number> {
  return (await store.query(`SELECT count(*) AS n FROM ${table}`))[0].n as number;
}

async function expectThrows(p: Promise<unknown>, pattern: RegExp): Promise<TopolensError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TopolensError);
  expect((err as Error).message).toMatch(pattern);
  return err as TopolensError;
}

describe('results store: round trip', () => {
  it('reads back every row type as it was written, also after closing and reopening', async () => {
    const path = freshPath();
    const store = await openStore(path);
    await writeAll(store);
    await expectAllRead(store);
    await store.close();
    const again = await openStore(path, { readOnly: true });
    await expectAllRead(again);
    expect(await again.query('SELECT version FROM schema_version')).toEqual([
      { version: SCHEMA_VERSION },
    ]);
    await again.close();
  });

  it('stores columns under the documented SQL names and types', async () => {
    const store = await openStore(':memory:');
    await writeAll(store);
    const m = await store.query(
      "SELECT group_name, layer_index, repeat, value FROM measures WHERE id = 'm-1'",
    );
    expect(m).toEqual([{ group_name: 'all', layer_index: 0, repeat: -1, value: 4.75 }]);
    const types = await store.query(
      `SELECT table_name, column_name, data_type FROM information_schema.columns
       WHERE table_name IN ('diagrams', 'matrices', 'runs') ORDER BY ALL`,
    );
    const typeOf = (t: string, c: string) =>
      types.find((r) => r.table_name === t && r.column_name === c)?.data_type;
    expect(typeOf('diagrams', 'births')).toBe('DOUBLE[]');
    expect(typeOf('matrices', 'names')).toBe('VARCHAR[]');
    expect(typeOf('matrices', 'entries')).toBe('DOUBLE[]');
    expect(typeOf('runs', 'started_at')).toBe('TIMESTAMP');
    // SQL over the stored values: timestamps are real timestamps, lists real lists.
    const r = await store.query(
      `SELECT date_diff('millisecond', started_at, finished_at) AS ms FROM runs`,
    );
    expect(r).toEqual([{ ms: 330250 }]);
    const d = await store.query(
      `SELECT len(births) AS n, list_max(deaths) AS top FROM diagrams WHERE id = 'd-1'`,
    );
    expect(d).toEqual([{ n: 3, top: Infinity }]);
    const spec = await store.query(`SELECT spec->>'$.eps' AS eps, spec FROM experiments`);
    expect(spec).toEqual([{ eps: '0.1', spec: experiment.spec }]);
    await store.close();
  });

  it('takes timestamps with an offset and gives them back in UTC', async () => {
    const store = await openStore(':memory:');
    await store.putExperiment({ ...experiment, createdAt: '2026-01-31T14:00:00+02:00' });
    expect((await store.readRows('experiments'))[0].createdAt).toBe('2026-01-31T12:00:00.000Z');
    await store.close();
  });

  it('property: any Unicode text and JSON value comes back unchanged', async () => {
    const store = await openStore(':memory:');
    let k = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'grapheme', maxLength: 20 }),
        fc.array(fc.string({ unit: 'grapheme', maxLength: 8 }), { maxLength: 4 }),
        fc.jsonValue({ maxDepth: 3 }),
        async (name, names, result) => {
          const id = `s${k++}`;
          const values = names.flatMap(() => names.map(() => 0.5));
          await store.putStudyResult({ id, experimentId: 'e', study: name, name, result });
          await store.putMatrix({
            id,
            experimentId: 'e',
            study: name,
            measure: name,
            kind: 'distance',
            names,
            values,
          });
          const [back] = await store.readRows('study_results', `id = '${id}'`);
          expect(back.name).toBe(name);
          // JSON text cannot tell -0 from 0.
          expect(back.result).toEqual(JSON.parse(JSON.stringify(result)));
          const [m] = await store.readRows('matrices', `id = '${id}'`);
          expect(m.names).toEqual(names);
          expect(m.values).toEqual(values);
        },
      ),
      { numRuns: 30 },
    );
    await store.close();
  });

  it('refuses bad rows with a message naming table, row and field', async () => {
    const store = await openStore(':memory:');
    await expectThrows(
      store.putMeasures([measures[0], { ...measures[1], value: '3' as unknown as number }]),
      /measures row 1 \(id "m-2"\): field `value` must be a number, got the string "3"/,
    );
    await expectThrows(
      store.putNetwork({ ...network, source: 'keras' as NetworkRow['source'] }),
      /field `source` must be one of 'trained', 'tfjs', 'onnx', 'activations'/,
    );
    await expectThrows(
      store.putLayers([{ ...layers[0], index: 1.5 }]),
      /field `index` must be an integer/,
    );
    await expectThrows(
      store.putExperiment({ ...experiment, createdAt: 'yesterday' }),
      /field `createdAt` must be an ISO 8601 timestamp/,
    );
    await expectThrows(
      store.putDiagrams([{ ...diagrams[0], deaths: [1] }]),
      /3 births but 1 deaths/,
    );
    await expectThrows(store.putMatrix({ ...matrix, values: [1, 2, 3] }), /3 names need 9 values/);
    const { id: _id, ...noId } = experiment;
    await expectThrows(store.putExperiment(noId as ExperimentRow), /field `id` is missing/);
    expect(await count(store, 'measures')).toBe(0);
    expect(await count(store, 'experiments')).toBe(0);
    await store.close();
  });
});

describe('results store: idempotent writes', () => {
  it('stores the same rows written twice once, keeping the first', async () => {
    const store = await openStore(':memory:');
    await writeAll(store);
    await writeAll(store);
    await store.putMeasures([{ ...measures[0], value: 99 }, ...measures]);
    for (const table of STORE_TABLES) {
      const expected = {
        experiments: 1,
        runs: 1,
        jobs: 1,
        networks: 1,
        layers: 3,
        measures: 3,
        diagrams: 2,
        matrices: 1,
        mapper_graphs: 1,
        study_results: 1,
      }[table];
      expect(await count(store, table), table).toBe(expected);
    }
    expect((await store.readRows('measures', "id = 'm-1'"))[0].value).toBe(4.75);
    await store.close();
  });

  it('updates a run and a job by id (the latest write wins)', async () => {
    const store = await openStore(':memory:');
    const { finishedAt: _f, timings: _t, ...started } = run;
    await store.putRun({ ...started, status: 'running' });
    await store.putRun(run);
    expect(await store.readRows('runs')).toEqual([jsonStored(run)]);
    await store.commitJob({ ...job, status: 'failed', error: 'out of memory' }, {});
    expect(await store.doneJobs()).toEqual(new Set());
    await store.commitJob(job, {});
    expect(await store.readRows('jobs')).toEqual([job]);
    expect(await store.doneJobs('exp-1')).toEqual(new Set(['job-1']));
    expect(await store.doneJobs('other')).toEqual(new Set());
    await store.close();
  });

  it('property: any writes of any rows leave one row per id, the first written (runs: the last)', async () => {
    const measureArb = fc.record({
      id: fc.constantFrom('a', 'b', 'c', 'd', 'e', "q'uote", ''.padEnd(3, 'z')),
      experimentId: fc.constantFrom('e1', 'e2'),
      study: fc.string({ maxLength: 5 }),
      descriptor: fc.constantFrom('twonn', 'phdim'),
      group: fc.string({ maxLength: 4 }),
      repeat: fc.integer({ min: -1, max: 5 }),
      value: fc.double({ noNaN: true }),
      layerIndex: fc.option(fc.integer({ min: 0, max: 9 }), { nil: undefined }),
      params: fc.option(fc.dictionary(fc.string({ maxLength: 3 }), fc.integer()), {
        nil: undefined,
      }),
    });
    const runArb = fc.record({
      id: fc.constantFrom('r1', 'r2', 'r3'),
      experimentId: fc.constant('e1'),
      options: fc.dictionary(fc.string({ maxLength: 3 }), fc.integer()),
      topolensVersion: fc.constant('0.1.0'),
      startedAt: fc.constant(T0),
      status: fc.constantFrom('running', 'done', 'failed', 'interrupted') as fc.Arbitrary<
        RunRow['status']
      >,
    });
    // One store for every case (opening one costs more than the case), emptied at its start.
    const store = await openStore(':memory:');
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(measureArb, { maxLength: 6 }), { maxLength: 5 }),
        fc.array(runArb, { maxLength: 6 }),
        async (batches, runs) => {
          await store.query('DELETE FROM measures; DELETE FROM runs');
          {
            const first = new Map<string, MeasureRow>();
            for (const batch of batches) {
              const rows = batch.map((r) => {
                const row = { ...r } as MeasureRow & Record<string, unknown>;
                for (const k of Object.keys(row)) if (row[k] === undefined) delete row[k];
                return row;
              });
              await store.putMeasures(rows);
              for (const row of rows) if (!first.has(row.id)) first.set(row.id, row);
            }
            const last = new Map<string, RunRow>();
            for (const r of runs) {
              await store.putRun(r);
              last.set(r.id, r);
            }
            const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1);
            expect(await store.readRows('measures')).toEqual([...first.values()].sort(byId));
            expect(await store.readRows('runs')).toEqual([...last.values()].sort(byId));
          }
        },
      ),
      { numRuns: 40 },
    );
    await store.close();
  });

  it('writes many thousands of rows in one put', async () => {
    const store = await openStore(':memory:');
    const rows: MeasureRow[] = Array.from({ length: 20000 }, (_, i) => ({
      id: `m${i}`,
      experimentId: 'e',
      study: 'profile',
      layer: `l${i % 7}`,
      layerIndex: i % 7,
      depth: ((i % 7) + 1) / 7,
      descriptor: 'twonn',
      group: 'all',
      repeat: i % 5,
      value: i,
    }));
    await store.putMeasures(rows);
    await store.putMeasures(rows);
    const r = await store.query('SELECT count(*) AS n, sum(value) AS s FROM measures');
    expect(r).toEqual([{ n: 20000, s: (19999 * 20000) / 2 }]);
    await store.close();
  });
});

describe('results store: commitJob', () => {
  const bigJob = (k: number): [JobRow, { networks: NetworkRow[]; layers: LayerRow[] }] => [
    { ...job, id: `job-${k}` },
    {
      networks: [{ ...network, id: `net-${k}` }],
      layers: layers.map((l) => ({ ...l, id: `${l.id}-${k}`, networkId: `net-${k}` })),
    },
  ];

  it('writes a job and its rows together', async () => {
    const store = await openStore(':memory:');
    const [j, rows] = bigJob(1);
    await store.commitJob(j, {
      ...rows,
      measures,
      diagrams,
      matrices: [matrix],
      mapperGraphs: [mapperGraph],
      studyResults: [studyResult],
    });
    expect(await store.doneJobs()).toEqual(new Set(['job-1']));
    for (const [table, n] of [
      ['networks', 1],
      ['layers', 3],
      ['measures', 3],
      ['diagrams', 2],
      ['matrices', 1],
      ['mapper_graphs', 1],
      ['study_results', 1],
    ] as const)
      expect(await count(store, table), table).toBe(n);
    await store.close();
  });

  it('writes a job of 200,000 measure rows (spreading them into one push overflowed the stack)', async () => {
    const store = await openStore(':memory:');
    const many: MeasureRow[] = Array.from({ length: 200_000 }, (_, i) => ({
      id: `big-${i}`,
      experimentId: 'exp-1',
      study: 'profile',
      descriptor: 'twonn',
      group: 'all',
      repeat: i,
      value: i / 7,
    }));
    await store.commitJob({ ...job, id: 'job-big' }, { measures: many });
    expect(await count(store, 'measures')).toBe(200_000);
    await store.close();
  }, 60_000);

  it('leaves neither rows nor the job mark when a row in the middle fails', async () => {
    const store = await openStore(':memory:');
    const [j, rows] = bigJob(2);
    const bad = { ...measures[1], repeat: 'one' as unknown as number };
    await expectThrows(
      store.commitJob(j, { ...rows, measures: [measures[0], bad, measures[2]], diagrams }),
      /measures row 1 .*`repeat` must be an integer/,
    );
    expect(await store.doneJobs()).toEqual(new Set());
    for (const table of STORE_TABLES) expect(await count(store, table), table).toBe(0);
    // The store is usable afterwards, and the same job committed whole succeeds.
    await store.commitJob(j, { ...rows, measures });
    expect(await store.doneJobs()).toEqual(new Set(['job-2']));
    expect(await count(store, 'networks')).toBe(1);
    expect(await count(store, 'measures')).toBe(3);
    await store.close();
  });

  it('serialises concurrent calls so that a failing commit does not take others with it', async () => {
    const store = await openStore(':memory:');
    const bad = { ...measures[0], value: null as unknown as number };
    const results = await Promise.allSettled([
      store.commitJob(...bigJob(1)),
      store.commitJob(bigJob(2)[0], { ...bigJob(2)[1], measures: [bad] }),
      store.putMeasures(measures),
      store.commitJob(...bigJob(3)),
    ]);
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    expect(await store.doneJobs()).toEqual(new Set(['job-1', 'job-3']));
    expect(await count(store, 'networks')).toBe(2);
    expect(await count(store, 'measures')).toBe(3);
    await store.close();
  });

  it('a process killed while committing leaves only whole jobs', async () => {
    const path = freshPath();
    const child = spawnTsx(['commit', path, '200', '3000']);
    await waitForLine(child, /committed 2/);
    // Let it get into the middle of a later commit, then kill it without warning.
    await new Promise((r) => setTimeout(r, 30));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const store = await openStore(path, { readOnly: true });
    const done = await store.doneJobs();
    expect(done.size).toBeGreaterThanOrEqual(3);
    expect(done.size).toBeLessThan(200); // it was killed before the end
    const perJob = await store.query(
      'SELECT descriptor AS job, count(*) AS n FROM measures GROUP BY descriptor',
    );
    expect(new Set(perJob.map((r) => r.job))).toEqual(done);
    for (const r of perJob) expect(r.n).toBe(3000);
    await store.close();
  });
});

function spawnTsx(args: string[]): ChildProcess {
  // node itself (not the tsx wrapper), so that the child's PID is the one holding the lock and
  // SIGKILL reaches it.
  return spawn(
    process.execPath,
    ['--import', 'tsx', resolve('test/helpers/storeChild.ts'), ...args],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
}

function waitForLine(child: ChildProcess, pattern: RegExp): Promise<void> {
  return new Promise((resolveLine, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (chunk) => {
      out += String(chunk);
      if (pattern.test(out)) resolveLine();
    });
    child.stderr!.on('data', (chunk) => (err += String(chunk)));
    child.once('exit', (code) =>
      pattern.test(out) ? resolveLine() : reject(new Error(`child exited ${code}: ${err}`)),
    );
  });
}

describe('results store: opening', () => {
  it('refuses a file that is not a DuckDB database, and leaves it as it was', async () => {
    const path = join(dir, 'notes.txt');
    writeFileSync(path, 'these are my notes, not a database\n');
    await expectThrows(openStore(path), /notes\.txt is not a DuckDB database file/);
    expect(readFileSync(path, 'utf8')).toBe('these are my notes, not a database\n');
    expect(existsSync(`${path}.wal`)).toBe(false);
  });

  it('refuses an empty file, a folder, a missing folder and a path under a file', async () => {
    const empty = join(dir, 'empty.duckdb');
    writeFileSync(empty, '');
    await expectThrows(openStore(empty), /empty\.duckdb is an empty file/);
    await expectThrows(openStore(dir), /is a folder, not a results store file/);
    const missing = join(dir, 'no', 'such', 'results.duckdb');
    await expectThrows(openStore(missing), /the folder .*no[/\\]such does not exist/);
    expect(existsSync(join(dir, 'no'))).toBe(false);
    await expectThrows(openStore(join(empty, 'x.duckdb')), /empty\.duckdb is a file, not a folder/);
  });

  it('refuses a read-only open of a store that does not exist, creating nothing', async () => {
    const path = join(dir, 'absent.duckdb');
    await expectThrows(openStore(path, { readOnly: true }), /no results store at .*absent\.duckdb/);
    expect(existsSync(path)).toBe(false);
  });

  it('refuses a DuckDB database that is not a store, and a store of a newer schema', async () => {
    const other = freshPath();
    const s = await openStore(other);
    await s.query('DROP TABLE schema_version');
    await s.close();
    await expectThrows(openStore(other), /is a DuckDB database but not a topolens results store/);

    const newer = freshPath();
    const n = await openStore(newer);
    await n.query(
      `INSERT INTO schema_version VALUES (${SCHEMA_VERSION + 1}, now()::TIMESTAMP, 'future')`,
    );
    await n.close();
    const err = await expectThrows(
      openStore(newer),
      /schema version 2, written by a newer topolens/,
    );
    expect(err.message).toMatch(/upgrade topolens/);
    await expectThrows(openStore(newer, { readOnly: true }), /newer topolens/);
  });

  it('refuses a store that another process holds, naming that process', async () => {
    const path = freshPath();
    (await openStore(path)).close();
    const child = spawnTsx(['hold', path]);
    try {
      await waitForLine(child, /ready/);
      const err = await expectThrows(
        openStore(path),
        /the store .* is in use by another process \(PID \d+\)/,
      );
      expect(err.message).toContain(String(child.pid ?? ''));
      // DuckDB gives no other process even a read-only view while one process writes.
      await expectThrows(openStore(path, { readOnly: true }), /in use by another process/);
    } finally {
      child.stdin!.end();
      await new Promise((r) => child.once('exit', r));
    }
    // Once that process is gone the store opens again.
    const store = await openStore(path, { readOnly: true });
    await store.close();
  });

  it('in one process, a reader beside the writer shares its database and cannot write', async () => {
    const path = freshPath();
    const writer = await openStore(path);
    await writer.putExperiment(experiment);
    const reader = await openStore(path, { readOnly: true });
    expect(await reader.readRows('experiments')).toEqual([experiment]);
    await writer.putRun(run);
    expect(await count(reader, 'runs')).toBe(1);
    await expectThrows(reader.query('DELETE FROM runs'), /open read-only/);
    await expectThrows(reader.putRun(run), /open read-only/);
    await reader.close();
    // The writer is still open after the reader has closed.
    await writer.putNetwork(network);
    expect(await count(writer, 'networks')).toBe(1);
    await writer.close();
    await expectThrows(writer.query('SELECT 1'), /is closed/);
    // A read-only store in this process cannot be opened for writing meanwhile.
    const ro = await openStore(path, { readOnly: true });
    await expectThrows(openStore(path), /open read-only in this process/);
    await ro.close();
  });

  it('knows a new store by its real path: opened through a symlinked folder it is shared', async () => {
    const real = join(dir, 'real');
    mkdirSync(real);
    symlinkSync(real, join(dir, 'link'));
    const a = await openStore(join(dir, 'link', 'r.duckdb'));
    const b = await openStore(join(real, 'r.duckdb'));
    await a.putExperiment(experiment);
    expect(await count(b, 'experiments')).toBe(1);
    await a.close();
    await b.close();
  });

  it('in one process, two writers on one file take turns (no write conflicts)', async () => {
    const path = freshPath();
    const a = await openStore(path);
    const b = await openStore(path);
    const rowsOf = (k: number): MeasureRow[] =>
      Array.from({ length: 200 }, (_, i) => ({ ...measures[0], id: `m${(i + 50 * k) % 400}` }));
    const calls: Promise<void>[] = [];
    for (let k = 0; k < 6; k++) {
      const store = k % 2 === 0 ? a : b;
      calls.push(store.commitJob({ ...job, id: `job-${k}` }, { measures: rowsOf(k) }));
      calls.push(store.putRun({ ...run, status: k === 5 ? 'done' : 'running' }));
    }
    const results = await Promise.allSettled(calls);
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect((await a.doneJobs()).size).toBe(6);
    expect(await count(b, 'measures')).toBe(400);
    expect((await b.readRows('runs'))[0].status).toBe('done');
    await a.close();
    await b.close();
  });

  it('reports SQL errors on one line', async () => {
    const store = await openStore(':memory:');
    const err = await expectThrows(
      store.query('SELECT * FROM nope'),
      /^query failed: Catalog Error/,
    );
    expect(err.message).not.toContain('\n');
    await store.close();
  });
});

describe('results store: export', () => {
  it('writes one Parquet and one CSV file per table that DuckDB reads back', async () => {
    const path = freshPath();
    const store = await openStore(path);
    await writeAll(store);
    const parquet = await store.exportTo(join(dir, 'pq'), 'parquet');
    const csv = await store.exportTo(join(dir, 'csv'), 'csv');
    expect(parquet.map((f) => f.split(/[/\\]/).pop())).toEqual(
      [...STORE_TABLES, 'schema_version'].map((t) => `${t}.parquet`),
    );
    expect(csv).toHaveLength(STORE_TABLES.length + 1);
    const q = (sql: string) => store.query(sql);
    const pqDiagrams = await q(
      `SELECT id, births, deaths FROM read_parquet('${join(dir, 'pq', 'diagrams.parquet')}') ORDER BY id`,
    );
    expect(pqDiagrams).toEqual(
      diagrams.map((d) => ({ id: d.id, births: d.births, deaths: d.deaths })),
    );
    const pqMatrix = await q(
      `SELECT names, entries FROM read_parquet('${join(dir, 'pq', 'matrices.parquet')}')`,
    );
    expect(pqMatrix).toEqual([{ names: matrix.names, entries: matrix.values }]);
    const csvMeasures = await q(
      `SELECT id, value, group_name FROM read_csv('${join(dir, 'csv', 'measures.csv')}') ORDER BY id`,
    );
    expect(csvMeasures.map((r) => r.id)).toEqual(['m-1', 'm-2', 'm-3']);
    expect(csvMeasures[0].value).toBe(4.75);
    expect(csvMeasures[1].value).toBe(Infinity);
    expect(Number.isNaN(csvMeasures[2].value)).toBe(true);
    const csvMatrix = await q(
      `SELECT names::VARCHAR[] AS names, entries::DOUBLE[] AS entries
       FROM read_csv('${join(dir, 'csv', 'matrices.csv')}', all_varchar = true)`,
    );
    expect(csvMatrix).toEqual([{ names: matrix.names, entries: matrix.values }]);
    const csvRuns = await q(`SELECT * FROM read_csv('${join(dir, 'csv', 'runs.csv')}')`);
    expect(csvRuns).toHaveLength(1);
    expect(csvRuns[0].status).toBe('done');
    await store.close();
  });

  it('exports an empty store as header-only files', async () => {
    const store = await openStore(':memory:');
    mkdirSync(join(dir, 'empty-export'));
    const files = await store.exportTo(join(dir, 'empty-export'), 'csv');
    expect(readFileSync(files[0], 'utf8').trim()).toBe('id,name,spec,created_at');
    await store.close();
  });
});
