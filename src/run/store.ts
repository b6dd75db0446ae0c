/**
 * The results store: one DuckDB file (by default `results.duckdb` in the current folder) that
 * holds everything a run computes, written as soon as it exists and idempotent by each row's
 * `id` (a content hash of the inputs that produced it). Schema, keys and example queries:
 * docs/store.md.
 *
 * Node-only (DuckDB through `@duckdb/node-api`). All calls on one store are serialised, so a
 * transaction (commitJob) never interleaves with another call's statements.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  DOUBLE,
  DuckDBTimestampValue,
  LIST,
  StatementType,
  VARCHAR,
  type DuckDBAppender,
  type DuckDBConnection,
} from '@duckdb/node-api';
import { invalidInput, invalidOption, TopolensError } from '../core/errors.js';
import {
  firstLines,
  IN_MEMORY,
  openDatabase,
  releaseDatabase,
  removeCreatedFiles,
  type OpenedDatabase,
} from './storeOpen.js';
import {
  distinctById,
  encodeRows,
  type DiagramRow,
  type EncodedValue,
  type ExperimentRow,
  type JobRow,
  type LayerRow,
  type MapperGraphRow,
  type MatrixRow,
  type MeasureRow,
  type NetworkRow,
  type RunRow,
  type StoreRows,
  type StudyResultRow,
} from './storeRows.js';
import { prepareSchema, rollback } from './storeMigrate.js';
import {
  DEFAULT_STORE_PATH,
  MIGRATIONS,
  STORE_TABLES,
  TABLES,
  type ColumnSpec,
  type StoreTable,
  type TableSpec,
} from './storeSchema.js';
import { readTable, tableToObjects, type QueryTable } from './storeValues.js';

export type {
  DiagramRow,
  ExperimentRow,
  JobRow,
  LayerRow,
  MapperGraphRow,
  MatrixRow,
  MeasureRow,
  NetworkRow,
  RunRow,
  StoreRows,
  StudyResultRow,
} from './storeRows.js';
export type { QueryTable } from './storeValues.js';
export {
  DEFAULT_STORE_PATH,
  SCHEMA_VERSION,
  STORE_TABLES,
  type StoreTable,
} from './storeSchema.js';

export interface OpenStoreOptions {
  /**
   * Open without writing (default false): puts fail, and query() runs only statements that read.
   * A read-only open needs an existing store of this schema version.
   */
  readOnly?: boolean;
}

/** The rows a job wrote, committed together with the job's mark. */
export interface JobRows {
  networks?: NetworkRow[];
  layers?: LayerRow[];
  measures?: MeasureRow[];
  diagrams?: DiagramRow[];
  matrices?: MatrixRow[];
  mapperGraphs?: MapperGraphRow[];
  studyResults?: StudyResultRow[];
}

export interface ResultStore {
  readonly path: string;
  readonly readOnly: boolean;
  /** Every put is idempotent by `id`: a row whose id is stored already is left as it is. */
  putExperiment(r: ExperimentRow): Promise<void>;
  /** Insert or update: a run's row is replaced by the latest write (status, finishedAt, timings). */
  putRun(r: RunRow): Promise<void>;
  putNetwork(r: NetworkRow): Promise<void>;
  putLayers(rows: LayerRow[]): Promise<void>;
  putMeasures(rows: MeasureRow[]): Promise<void>;
  putDiagrams(rows: DiagramRow[]): Promise<void>;
  putMatrix(r: MatrixRow): Promise<void>;
  putMapperGraph(r: MapperGraphRow): Promise<void>;
  putStudyResult(r: StudyResultRow): Promise<void>;
  /**
   * Records that a job (by its content hash) finished, with everything it wrote, in ONE
   * transaction together with its rows, so a kill between rows and the mark cannot leave half
   * a job. The job's row is replaced by the latest write (a failed job may later succeed).
   */
  commitJob(job: JobRow, rows: JobRows): Promise<void>;
  /**
   * Like commitJob for several jobs in ONE transaction (a network unit and its parts, or the
   * jobs that finished while the previous commit ran): all of them are stored, or none.
   */
  commitJobs(entries: readonly { job: JobRow; rows: JobRows }[]): Promise<void>;
  /** Ids of the jobs whose status is 'done' (of one experiment, or all). */
  doneJobs(experimentId?: string): Promise<Set<string>>;
  /** Runs SQL (the last statement's rows), values made JSON-able (docs/store.md). */
  query(sql: string): Promise<Record<string, unknown>[]>;
  /** Like query, with the column names and types kept (also for an empty result). */
  queryTable(sql: string): Promise<QueryTable>;
  /** The rows of one table as the row objects that were put (optional fields left out when null). */
  readRows<T extends StoreTable>(table: T, where?: string): Promise<StoreRows[T][]>;
  /** Writes one file per table (and schema_version) into dir; returns their paths. */
  exportTo(dir: string, format: 'parquet' | 'csv'): Promise<string[]>;
  close(): Promise<void>;
}

const JOB_ROW_TABLES: readonly [keyof JobRows, StoreTable][] = [
  ['networks', 'networks'],
  ['layers', 'layers'],
  ['measures', 'measures'],
  ['diagrams', 'diagrams'],
  ['matrices', 'matrices'],
  ['mapperGraphs', 'mapper_graphs'],
  ['studyResults', 'study_results'],
];

/** Statement types a read-only store runs. */
const READING_STATEMENTS = new Set<number>([
  StatementType.SELECT,
  StatementType.EXPLAIN,
  StatementType.PRAGMA,
]);

const DOUBLE_LIST = LIST(DOUBLE);
const VARCHAR_LIST = LIST(VARCHAR);

function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

function queryError(err: unknown): TopolensError {
  const message = err instanceof Error ? err.message : String(err);
  return new TopolensError('invalid-input', `query failed: ${firstLines(message)}`);
}

function appendValue(appender: DuckDBAppender, column: ColumnSpec, value: EncodedValue): void {
  if (value === null) {
    appender.appendNull();
    return;
  }
  switch (column.kind) {
    case 'text':
    case 'json':
      appender.appendVarchar(value as string);
      return;
    case 'integer':
      appender.appendInteger(value as number);
      return;
    case 'bigint':
      appender.appendBigInt(value as bigint);
      return;
    case 'double':
      appender.appendDouble(value as number);
      return;
    case 'timestamp':
      appender.appendTimestamp(new DuckDBTimestampValue(value as bigint));
      return;
    case 'doubles':
      appender.appendList(value as number[], DOUBLE_LIST);
      return;
    case 'texts':
      appender.appendList(value as string[], VARCHAR_LIST);
      return;
  }
}

class DuckDBResultStore implements ResultStore {
  private closed = false;

  constructor(
    readonly path: string,
    readonly readOnly: boolean,
    private readonly opened: OpenedDatabase,
    private readonly connection: DuckDBConnection,
  ) {}

  /**
   * Runs fn after every earlier call on this store, and on any other store of this process on
   * the same file, has finished.
   */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const queue = this.opened.queue;
    const next = queue.tail.then(() => {
      if (this.closed)
        throw invalidOption(`the store ${this.path} is closed`, 'open it again with openStore');
      return fn();
    });
    queue.tail = next.catch(() => undefined);
    return next;
  }

  private assertWritable(): void {
    if (this.readOnly)
      throw invalidOption(
        `the store ${this.path} is open read-only`,
        'open it with openStore(path) (readOnly false) to write',
      );
  }

  /** fn inside one transaction: all of it is stored, or none of it. */
  private async transaction(fn: () => Promise<void>): Promise<void> {
    await this.connection.run('BEGIN TRANSACTION');
    try {
      await fn();
      await this.connection.run('COMMIT');
    } catch (err) {
      await rollback(this.connection);
      throw err;
    }
  }

  /**
   * Inserts rows through a connection-local staging table filled by DuckDB's appender, then one
   * INSERT ... SELECT that keeps (or, for replace tables, replaces) rows whose id is stored.
   * Must run inside a transaction.
   */
  private async insertRows(table: StoreTable, rows: readonly object[]): Promise<void> {
    if (rows.length === 0) return;
    const spec = TABLES[table];
    const encoded = distinctById(encodeRows(spec, rows), spec.onConflict);
    const stage = `stage_${table}`;
    // The staging table has exactly the columns this topolens writes, in its order (a column a
    // later migration adds with a default is filled by that default).
    const columns = spec.columns.map((c) => c.column).join(', ');
    await this.connection.run(
      `CREATE TEMP TABLE IF NOT EXISTS ${stage} AS SELECT ${columns} FROM main.${table} LIMIT 0`,
    );
    await this.connection.run(`DELETE FROM temp.main.${stage}`);
    const appender = await this.connection.createAppender(stage, 'main', 'temp');
    try {
      for (const row of encoded) {
        spec.columns.forEach((c, i) => appendValue(appender, c, row[i]));
        appender.endRow();
      }
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
    if (spec.onConflict === 'replace') {
      await this.connection.run(
        `DELETE FROM main.${table} WHERE id IN (SELECT id FROM temp.main.${stage})`,
      );
      await this.connection.run(
        `INSERT INTO main.${table} (${columns}) SELECT * FROM temp.main.${stage}`,
      );
    } else {
      await this.connection.run(
        `INSERT INTO main.${table} (${columns}) SELECT * FROM temp.main.${stage} ON CONFLICT DO NOTHING`,
      );
    }
    await this.connection.run(`DELETE FROM temp.main.${stage}`);
  }

  private put(table: StoreTable, rows: readonly object[]): Promise<void> {
    if (!Array.isArray(rows))
      return Promise.reject(invalidInput(`put ${table}: expected an array of rows`));
    return this.exclusive(async () => {
      this.assertWritable();
      await this.transaction(() => this.insertRows(table, rows));
    });
  }

  putExperiment(r: ExperimentRow): Promise<void> {
    return this.put('experiments', [r]);
  }
  putRun(r: RunRow): Promise<void> {
    return this.put('runs', [r]);
  }
  putNetwork(r: NetworkRow): Promise<void> {
    return this.put('networks', [r]);
  }
  putLayers(rows: LayerRow[]): Promise<void> {
    return this.put('layers', rows);
  }
  putMeasures(rows: MeasureRow[]): Promise<void> {
    return this.put('measures', rows);
  }
  putDiagrams(rows: DiagramRow[]): Promise<void> {
    return this.put('diagrams', rows);
  }
  putMatrix(r: MatrixRow): Promise<void> {
    return this.put('matrices', [r]);
  }
  putMapperGraph(r: MapperGraphRow): Promise<void> {
    return this.put('mapper_graphs', [r]);
  }
  putStudyResult(r: StudyResultRow): Promise<void> {
    return this.put('study_results', [r]);
  }

  commitJob(job: JobRow, rows: JobRows): Promise<void> {
    return this.commitJobs([{ job, rows }]);
  }

  commitJobs(entries: readonly { job: JobRow; rows: JobRows }[]): Promise<void> {
    return this.exclusive(async () => {
      this.assertWritable();
      if (entries.length === 0) return;
      await this.transaction(async () => {
        for (const [field, table] of JOB_ROW_TABLES) {
          const all: object[] = [];
          for (const { rows } of entries) {
            const list = rows?.[field];
            if (list === undefined) continue;
            if (!Array.isArray(list))
              throw invalidInput(`commitJob: rows.${field} must be an array of rows`);
            // one by one: spreading a list of 100,000+ rows into push overflows the stack
            for (const row of list as object[]) all.push(row);
          }
          if (all.length > 0) await this.insertRows(table, all);
        }
        // the latest write of a job wins (a failed job may later succeed in the same batch)
        const jobs = new Map<string, JobRow>();
        for (const { job } of entries) jobs.set(job.id, job);
        await this.insertRows('jobs', [...jobs.values()]);
      });
    });
  }

  doneJobs(experimentId?: string): Promise<Set<string>> {
    return this.exclusive(async () => {
      const reader =
        experimentId === undefined
          ? await this.connection.runAndReadAll(`SELECT id FROM jobs WHERE status = 'done'`)
          : await this.connection.runAndReadAll(
              `SELECT id FROM jobs WHERE status = 'done' AND experiment_id = $1`,
              [experimentId],
            );
      return new Set(reader.getRowsJS().map((r) => r[0] as string));
    });
  }

  private async checkReading(sql: string): Promise<void> {
    const statements = await this.connection.extractStatements(sql);
    for (let i = 0; i < statements.count; i++) {
      const prepared = await statements.prepare(i);
      const type = prepared.statementType;
      prepared.destroySync();
      if (!READING_STATEMENTS.has(type))
        throw invalidOption(
          `the store ${this.path} is open read-only: only statements that read (SELECT) may run`,
        );
    }
  }

  queryTable(sql: string): Promise<QueryTable> {
    return this.exclusive(async () => {
      try {
        // A read-only view of an instance this process opened for writing: DuckDB would allow
        // writes, so the statements are checked here.
        if (this.opened.sharedWritable) await this.checkReading(sql);
        return readTable(await this.connection.runAndReadAll(sql));
      } catch (err) {
        if (err instanceof TopolensError) throw err;
        throw queryError(err);
      }
    });
  }

  async query(sql: string): Promise<Record<string, unknown>[]> {
    return tableToObjects(await this.queryTable(sql));
  }

  readRows<T extends StoreTable>(table: T, where?: string): Promise<StoreRows[T][]> {
    const spec = TABLES[table];
    if (!spec)
      return Promise.reject(
        invalidOption(`no table '${String(table)}'`, `tables: ${STORE_TABLES.join(', ')}`),
      );
    const columns = spec.columns.map((c) => c.column).join(', ');
    const sql = `SELECT ${columns} FROM ${table}${where ? ` WHERE ${where}` : ''} ORDER BY id`;
    return this.exclusive(async () => {
      let result: QueryTable;
      try {
        result = readTable(await this.connection.runAndReadAll(sql));
      } catch (err) {
        throw queryError(err);
      }
      return result.rows.map((row) => rowObjectParsed(spec, row) as unknown as StoreRows[T]);
    });
  }

  exportTo(dir: string, format: 'parquet' | 'csv'): Promise<string[]> {
    if (format !== 'parquet' && format !== 'csv')
      return Promise.reject(
        invalidOption(`export format must be 'parquet' or 'csv', got '${String(format)}'`),
      );
    return this.exclusive(async () => {
      const folder = resolve(dir);
      mkdirSync(folder, { recursive: true });
      const written: string[] = [];
      for (const table of [...STORE_TABLES, 'schema_version']) {
        const file = join(folder, `${table}.${format}`);
        const options = format === 'parquet' ? 'FORMAT parquet' : 'FORMAT csv, HEADER true';
        try {
          await this.connection.run(
            `COPY (SELECT * FROM main.${table} ORDER BY 1) TO ${sqlString(file)} (${options})`,
          );
        } catch (err) {
          throw invalidInput(
            `cannot export ${table} to ${file}: ${firstLines((err as Error).message)}`,
          );
        }
        written.push(file);
      }
      return written;
    });
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return this.exclusive(async () => {
      this.closed = true;
      this.connection.closeSync();
      releaseDatabase(this.opened);
    });
  }
}

/** A stored row as the row object that was put: null (absent) optional fields left out. */
function rowObjectParsed(spec: TableSpec, row: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  spec.columns.forEach((c, i) => {
    const v = row[i];
    // A required JSON field may hold the JSON value null; an optional field that is NULL was absent.
    if ((v !== null && v !== undefined) || c.required) out[c.field] = v;
  });
  return out;
}

/**
 * Opens (creating if needed) the results store at `path`; ':memory:' gives a store that lives
 * only as long as it is open. Throws a TopolensError naming the problem when the path is a
 * folder, not a DuckDB file, another kind of DuckDB database, a store from a newer topolens,
 * in a folder that does not exist or cannot be written, or locked by another process.
 */
export async function openStore(
  path: string,
  options: OpenStoreOptions = {},
): Promise<ResultStore> {
  if (typeof path !== 'string' || path.length === 0)
    throw invalidOption('the store path must be a non-empty string', `e.g. ${DEFAULT_STORE_PATH}`);
  const readOnly = options.readOnly ?? false;
  const opened = await openDatabase(path, readOnly);
  let connection: DuckDBConnection | undefined;
  try {
    connection = await opened.instance.connect();
    await prepareSchema(connection, path, readOnly || opened.sharedWritable, MIGRATIONS);
  } catch (err) {
    connection?.closeSync();
    releaseDatabase(opened);
    if (opened.created && path !== IN_MEMORY) removeCreatedFiles(resolve(path));
    if (err instanceof TopolensError) throw err;
    throw invalidInput(`cannot open the store ${path}: ${firstLines((err as Error).message)}`);
  }
  return new DuckDBResultStore(path, readOnly, opened, connection);
}
