/**
 * The results store's schema: every table and column, described once. The CREATE TABLE
 * statements, the row encoders and readers in ./store.ts and the table in docs/store.md all
 * follow these descriptions. The schema is versioned (`schema_version` table); a change to it
 * is a new entry in `MIGRATIONS`, never an edit of an old one.
 */

/** Where the CLI looks for the store when no --store is given: in the current folder. */
export const DEFAULT_STORE_PATH = 'results.duckdb';

/** How a column is stored and how its TypeScript field is checked. */
export type ColumnKind =
  | 'text' // VARCHAR
  | 'integer' // INTEGER (32-bit)
  | 'bigint' // BIGINT, read back as a JS number (safe integers only)
  | 'double' // DOUBLE (NaN and +-Infinity allowed)
  | 'json' // JSON (text): any JSON-able value; non-finite numbers become "Infinity"/"NaN" strings
  | 'timestamp' // TIMESTAMP in UTC, given and read back as an ISO 8601 string
  | 'doubles' // DOUBLE[]
  | 'texts'; // VARCHAR[]

export interface ColumnSpec {
  /** The field of the row object (camelCase). */
  readonly field: string;
  /** The SQL column (snake_case, never an SQL keyword that needs quoting). */
  readonly column: string;
  readonly kind: ColumnKind;
  /** NOT NULL in SQL, and required in the row. */
  readonly required: boolean;
  /** Allowed values (a CHECK constraint), for enumerations. */
  readonly values?: readonly string[];
}

/**
 * What a second write of a row with an existing `id` does: `keep` leaves the stored row (the
 * same inputs gave the same result), `replace` overwrites it (rows whose state moves on: a
 * run's status, a job that failed and later succeeded).
 */
export type ConflictPolicy = 'keep' | 'replace';

export interface TableSpec {
  readonly name: StoreTable;
  readonly onConflict: ConflictPolicy;
  readonly columns: readonly ColumnSpec[];
}

export const STORE_TABLES = [
  'experiments',
  'runs',
  'jobs',
  'networks',
  'layers',
  'measures',
  'diagrams',
  'matrices',
  'mapper_graphs',
  'study_results',
] as const;
export type StoreTable = (typeof STORE_TABLES)[number];

const id: ColumnSpec = { field: 'id', column: 'id', kind: 'text', required: true };
const experimentId: ColumnSpec = {
  field: 'experimentId',
  column: 'experiment_id',
  kind: 'text',
  required: true,
};
function col(
  field: string,
  column: string,
  kind: ColumnKind,
  required = true,
  values?: readonly string[],
): ColumnSpec {
  return values ? { field, column, kind, required, values } : { field, column, kind, required };
}

/** The tables of schema version 1. */
export const TABLES: Readonly<Record<StoreTable, TableSpec>> = {
  experiments: {
    name: 'experiments',
    onConflict: 'keep',
    columns: [
      id,
      col('name', 'name', 'text'),
      col('spec', 'spec', 'json'),
      col('createdAt', 'created_at', 'timestamp'),
    ],
  },
  runs: {
    name: 'runs',
    onConflict: 'replace',
    columns: [
      id,
      experimentId,
      col('options', 'options', 'json'),
      col('topolensVersion', 'topolens_version', 'text'),
      col('startedAt', 'started_at', 'timestamp'),
      col('finishedAt', 'finished_at', 'timestamp', false),
      col('status', 'status', 'text', true, ['running', 'done', 'failed', 'interrupted']),
      col('workers', 'workers', 'integer', false),
      col('timings', 'timings', 'json', false),
      col('error', 'error', 'text', false),
    ],
  },
  jobs: {
    name: 'jobs',
    onConflict: 'replace',
    columns: [
      id,
      experimentId,
      col('kind', 'kind', 'text'),
      col('label', 'label', 'text'),
      col('seconds', 'seconds', 'double'),
      col('finishedAt', 'finished_at', 'timestamp'),
      col('status', 'status', 'text', true, ['done', 'failed']),
      col('error', 'error', 'text', false),
    ],
  },
  networks: {
    name: 'networks',
    onConflict: 'keep',
    columns: [
      id,
      experimentId,
      col('name', 'name', 'text'),
      col('source', 'source', 'text', true, ['trained', 'tfjs', 'onnx', 'activations']),
      col('architecture', 'architecture', 'text', false),
      col('width', 'width', 'integer', false),
      col('depth', 'depth', 'integer', false),
      col('seed', 'seed', 'bigint', false),
      col('params', 'params', 'json', false),
      col('trainAccuracy', 'train_accuracy', 'double', false),
      col('testAccuracy', 'test_accuracy', 'double', false),
      col('testLoss', 'test_loss', 'double', false),
      col('epochs', 'epochs', 'integer', false),
      col('modelPath', 'model_path', 'text', false),
      col('trainSeconds', 'train_seconds', 'double', false),
    ],
  },
  layers: {
    name: 'layers',
    onConflict: 'keep',
    columns: [
      id,
      col('networkId', 'network_id', 'text'),
      col('name', 'name', 'text'),
      col('index', 'layer_index', 'integer'),
      col('depth', 'depth', 'double'),
      col('strategy', 'strategy', 'text'),
      col('points', 'points', 'integer'),
      col('dim', 'dim', 'integer'),
    ],
  },
  measures: {
    name: 'measures',
    onConflict: 'keep',
    columns: [
      id,
      experimentId,
      col('study', 'study', 'text'),
      col('networkId', 'network_id', 'text', false),
      col('layer', 'layer', 'text', false),
      col('layerIndex', 'layer_index', 'integer', false),
      col('depth', 'depth', 'double', false),
      col('descriptor', 'descriptor', 'text'),
      col('group', 'group_name', 'text'),
      col('repeat', 'repeat', 'integer'),
      col('k', 'k', 'integer', false),
      col('value', 'value', 'double'),
      col('params', 'params', 'json', false),
    ],
  },
  diagrams: {
    name: 'diagrams',
    onConflict: 'keep',
    columns: [
      id,
      col('networkId', 'network_id', 'text', false),
      experimentId,
      col('layer', 'layer', 'text'),
      col('dimension', 'dimension', 'integer'),
      col('group', 'group_name', 'text'),
      col('repeat', 'repeat', 'integer'),
      col('births', 'births', 'doubles'),
      col('deaths', 'deaths', 'doubles'),
    ],
  },
  matrices: {
    name: 'matrices',
    onConflict: 'keep',
    columns: [
      id,
      experimentId,
      col('study', 'study', 'text'),
      col('measure', 'measure', 'text'),
      col('kind', 'kind', 'text', true, ['similarity', 'distance']),
      col('names', 'names', 'texts'),
      col('values', 'entries', 'doubles'),
    ],
  },
  mapper_graphs: {
    name: 'mapper_graphs',
    onConflict: 'keep',
    columns: [
      id,
      experimentId,
      col('networkId', 'network_id', 'text', false),
      col('layer', 'layer', 'text'),
      col('graph', 'graph', 'json'),
    ],
  },
  study_results: {
    name: 'study_results',
    onConflict: 'keep',
    columns: [
      id,
      experimentId,
      col('study', 'study', 'text'),
      col('name', 'name', 'text'),
      col('result', 'result', 'json'),
    ],
  },
};

const SQL_TYPES: Record<ColumnKind, string> = {
  text: 'VARCHAR',
  integer: 'INTEGER',
  bigint: 'BIGINT',
  double: 'DOUBLE',
  json: 'JSON',
  timestamp: 'TIMESTAMP',
  doubles: 'DOUBLE[]',
  texts: 'VARCHAR[]',
};

export function sqlType(kind: ColumnKind): string {
  return SQL_TYPES[kind];
}

/** The CREATE TABLE statement of one table as `spec` describes it. */
export function createTableSql(spec: TableSpec): string {
  const lines = spec.columns.map((c) => {
    let line = `  ${c.column} ${sqlType(c.kind)}`;
    if (c.column === 'id') line += ' PRIMARY KEY';
    else if (c.required) line += ' NOT NULL';
    if (c.values) line += ` CHECK (${c.column} IN (${c.values.map((v) => `'${v}'`).join(', ')}))`;
    return line;
  });
  return `CREATE TABLE ${spec.name} (\n${lines.join(',\n')}\n)`;
}

/** Indexes that make the runner's and the report's usual lookups fast. */
const INDEXES_V1 = [
  'CREATE INDEX jobs_experiment ON jobs (experiment_id)',
  'CREATE INDEX measures_experiment ON measures (experiment_id, study)',
  'CREATE INDEX networks_experiment ON networks (experiment_id)',
];

export interface Migration {
  /** The schema version this migration brings a store to. */
  readonly version: number;
  readonly description: string;
  readonly statements: readonly string[];
}

/**
 * Every schema change, in order. A store at version v gets the migrations with version > v,
 * each in one transaction with its `schema_version` row.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description:
      'initial schema: experiments, runs, jobs, networks, layers, measures, diagrams, matrices, mapper_graphs, study_results',
    statements: [...STORE_TABLES.map((t) => createTableSql(TABLES[t])), ...INDEXES_V1],
  },
];

/** The schema version this topolens writes and reads. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

export const SCHEMA_VERSION_TABLE_SQL = `CREATE TABLE IF NOT EXISTS schema_version (
  version INTEGER PRIMARY KEY,
  applied_at TIMESTAMP NOT NULL,
  description VARCHAR NOT NULL
)`;
