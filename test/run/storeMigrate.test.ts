import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TopolensError } from '../../src/core/errors.js';
import { prepareSchema, storedSchemaVersion } from '../../src/run/storeMigrate.js';
import { MIGRATIONS, STORE_TABLES, type Migration } from '../../src/run/storeSchema.js';

let instance: DuckDBInstance;
let connection: DuckDBConnection;
beforeEach(async () => {
  instance = await DuckDBInstance.create(':memory:');
  connection = await instance.connect();
});
afterEach(() => {
  connection.closeSync();
  instance.closeSync();
});

const v2: Migration = {
  version: 2,
  description: 'measures get a unit',
  statements: ["ALTER TABLE measures ADD COLUMN unit VARCHAR DEFAULT 'none'"],
};

async function rows(sql: string): Promise<unknown[][]> {
  return (await connection.runAndReadAll(sql)).getRowsJS();
}

async function v1WithAMeasure(): Promise<void> {
  await prepareSchema(connection, 'test', false, MIGRATIONS);
  await connection.run(
    "INSERT INTO measures (id, experiment_id, study, descriptor, group_name, repeat, value) VALUES ('m', 'e', 's', 'twonn', 'all', -1, 2.5)",
  );
}

describe('store schema migrations', () => {
  it('creates every table in an empty database, at version 1', async () => {
    await prepareSchema(connection, 'test', false, MIGRATIONS);
    expect(await storedSchemaVersion(connection, 'test')).toBe(1);
    const tables = (
      await rows("SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'")
    ).map((r) => r[0]);
    expect(new Set(tables)).toEqual(new Set([...STORE_TABLES, 'schema_version']));
    // Opening again applies nothing.
    await prepareSchema(connection, 'test', false, MIGRATIONS);
    expect(await rows('SELECT count(*) FROM schema_version')).toEqual([[1n]]);
  });

  it('brings an older store up to date, keeping its rows', async () => {
    await v1WithAMeasure();
    await prepareSchema(connection, 'test', false, [...MIGRATIONS, v2]);
    expect(await storedSchemaVersion(connection, 'test')).toBe(2);
    expect(await rows('SELECT id, value, unit FROM measures')).toEqual([['m', 2.5, 'none']]);
    expect(await rows('SELECT version, description FROM schema_version ORDER BY version')).toEqual([
      [1, MIGRATIONS[0].description],
      [2, 'measures get a unit'],
    ]);
  });

  it('refuses to migrate read-only, and refuses a newer store', async () => {
    await v1WithAMeasure();
    await expect(prepareSchema(connection, 'x.duckdb', true, [...MIGRATIONS, v2])).rejects.toThrow(
      /schema version 1 and needs migrating to 2, which a read-only open cannot do/,
    );
    await prepareSchema(connection, 'x.duckdb', false, [...MIGRATIONS, v2]);
    const err = await prepareSchema(connection, 'x.duckdb', false, MIGRATIONS).catch((e) => e);
    expect(err).toBeInstanceOf(TopolensError);
    expect(err.message).toMatch(
      /schema version 2, written by a newer topolens; this one reads up to version 1/,
    );
  });

  it('a migration that fails leaves the store as it was', async () => {
    await v1WithAMeasure();
    const broken: Migration = {
      version: 2,
      description: 'broken',
      statements: [...v2.statements, 'ALTER TABLE no_such_table ADD COLUMN x INTEGER'],
    };
    await expect(prepareSchema(connection, 'test', false, [...MIGRATIONS, broken])).rejects.toThrow(
      /no_such_table/,
    );
    expect(await storedSchemaVersion(connection, 'test')).toBe(1);
    const columns = (
      await rows("SELECT column_name FROM information_schema.columns WHERE table_name = 'measures'")
    ).map((r) => r[0]);
    expect(columns).not.toContain('unit');
    // and the working migration still applies afterwards
    await prepareSchema(connection, 'test', false, [...MIGRATIONS, v2]);
    expect(await storedSchemaVersion(connection, 'test')).toBe(2);
  });

  it('refuses to read an empty database as a store', async () => {
    await expect(prepareSchema(connection, 'new.duckdb', true, MIGRATIONS)).rejects.toThrow(
      /new\.duckdb is an empty DuckDB database, not a results store yet/,
    );
  });

  it('refuses a database with other tables and no schema_version', async () => {
    await connection.run('CREATE TABLE mine (a INTEGER)');
    await expect(prepareSchema(connection, 'other.duckdb', false, MIGRATIONS)).rejects.toThrow(
      /other\.duckdb is a DuckDB database but not a topolens results store \(it has tables mine/,
    );
  });
});
