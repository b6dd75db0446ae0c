/**
 * Bringing a store's schema to the version this topolens writes (docs/store.md, "Changing the
 * schema"): a new store gets every migration, an older one the migrations it lacks, each in one
 * transaction together with its `schema_version` row; a store from a newer topolens, or a DuckDB
 * database that is not a store, is refused.
 */
import { DuckDBTimestampValue, type DuckDBConnection } from '@duckdb/node-api';
import { invalidInput, TopolensError } from '../core/errors.js';
import { SCHEMA_VERSION_TABLE_SQL, type Migration } from './storeSchema.js';

/**
 * Ends a failed transaction. DuckDB has already rolled back one whose COMMIT failed, and then
 * ROLLBACK itself fails; the error worth reporting is the one that made the transaction fail.
 */
export async function rollback(connection: DuckDBConnection): Promise<void> {
  try {
    await connection.run('ROLLBACK');
  } catch {
    // no transaction is active any more
  }
}

async function tableNames(connection: DuckDBConnection): Promise<string[]> {
  const reader = await connection.runAndReadAll(
    `SELECT table_name FROM information_schema.tables
     WHERE table_schema = 'main' AND table_catalog = current_database() ORDER BY 1`,
  );
  return reader.getRowsJS().map((r) => r[0] as string);
}

/** The store's schema version: 0 for an empty database. */
export async function storedSchemaVersion(
  connection: DuckDBConnection,
  path: string,
): Promise<number> {
  const tables = await tableNames(connection);
  if (tables.includes('schema_version')) {
    const reader = await connection.runAndReadAll('SELECT max(version) FROM schema_version');
    return Number(reader.getRowsJS()[0][0] ?? 0);
  }
  if (tables.length > 0)
    throw invalidInput(
      `${path} is a DuckDB database but not a topolens results store (it has tables ${tables.slice(0, 5).join(', ')} and no schema_version)`,
      'pass the path of a results store with --store, or a new file name',
    );
  return 0;
}

/**
 * Applies the migrations the store lacks (those with a version above its own), in order.
 * `migrations` is the list in storeSchema.ts; tests pass others.
 */
export async function prepareSchema(
  connection: DuckDBConnection,
  path: string,
  readOnly: boolean,
  migrations: readonly Migration[],
): Promise<void> {
  const target = migrations[migrations.length - 1].version;
  const version = await storedSchemaVersion(connection, path);
  if (version > target)
    throw new TopolensError(
      'unsupported',
      `the store ${path} has schema version ${version}, written by a newer topolens; this one reads up to version ${target}`,
      'upgrade topolens to read it',
    );
  if (version === target) return;
  if (readOnly && version === 0)
    throw invalidInput(
      `${path} is an empty DuckDB database, not a results store yet`,
      'write to it first (a run creates the tables), or pass another --store',
    );
  if (readOnly)
    throw new TopolensError(
      'unsupported',
      `the store ${path} has schema version ${version} and needs migrating to ${target}, which a read-only open cannot do`,
      'open it once for writing (any topolens command that writes to it) to migrate it',
    );
  for (const migration of migrations) {
    if (migration.version <= version) continue;
    await connection.run('BEGIN TRANSACTION');
    try {
      await connection.run(SCHEMA_VERSION_TABLE_SQL);
      for (const statement of migration.statements) await connection.run(statement);
      await connection.run('INSERT INTO schema_version VALUES ($1, $2, $3)', [
        migration.version,
        new DuckDBTimestampValue(BigInt(Date.now()) * 1000n),
        migration.description,
      ]);
      await connection.run('COMMIT');
    } catch (err) {
      await rollback(connection);
      throw err;
    }
  }
}
