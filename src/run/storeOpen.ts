/**
 * Opening the DuckDB file behind a results store: checks of the path before DuckDB sees it, one
 * clear message for each way opening can fail, no half-created file left behind, and one DuckDB
 * instance per file in this process (two instances on one file in one process would not see
 * each other's locks and could corrupt it).
 */
import { accessSync, constants, existsSync, realpathSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { invalidInput, TopolensError } from '../core/errors.js';

export const IN_MEMORY = ':memory:';

/**
 * The queue that every store on one database file joins, so that calls from all of them run one
 * after another: DuckDB connections of one process would otherwise meet in write conflicts.
 */
export interface CallQueue {
  tail: Promise<unknown>;
}

interface OpenInstance {
  readonly instance: DuckDBInstance;
  readonly readOnly: boolean;
  readonly queue: CallQueue;
  refs: number;
}

const openInstances = new Map<string, OpenInstance>();

export interface OpenedDatabase {
  readonly instance: DuckDBInstance;
  readonly queue: CallQueue;
  /** The key of the shared instance (absolute path), or undefined for an in-memory store. */
  readonly key?: string;
  /** Whether this open created the file (so a failure after it should remove it). */
  readonly created: boolean;
  /** The instance was opened read-write by an earlier open in this process, shared read-only. */
  readonly sharedWritable: boolean;
}

/** DuckDB's message without its SQL context lines ("LINE 1: ..."), on one line. */
export function firstLines(message: string): string {
  const lines: string[] = [];
  for (const line of message.split('\n')) {
    if (line.trim() === '' || line.startsWith('LINE ')) break;
    lines.push(line.trim());
  }
  return lines.join(' ') || message.trim();
}

function storeError(path: string, err: unknown): TopolensError {
  const message = err instanceof Error ? err.message : String(err);
  if (/Could not set lock on file/i.test(message)) {
    const pid = /PID (\d+)/.exec(message)?.[1];
    return new TopolensError(
      'invalid-input',
      `the store ${path} is in use by another process${pid ? ` (PID ${pid})` : ''}`,
      'DuckDB lets one process write a store and no other process open it meanwhile; wait for that run to finish or stop it (to watch a run live, start it with `topolens run <experiment> --serve`)',
    );
  }
  if (/not a valid DuckDB database file/i.test(message))
    return invalidInput(
      `${path} is not a DuckDB database file, so not a topolens results store`,
      'pass the path of a results store with --store, or move that file away',
    );
  if (/Is a directory/i.test(message))
    return invalidInput(
      `${path} is a folder, not a results store file`,
      `give a file path such as ${path}/results.duckdb`,
    );
  if (/Permission denied/i.test(message))
    return invalidInput(
      `cannot open the store ${path}: permission denied`,
      'choose a location you can write to, or fix the permissions',
    );
  if (/database does not exist/i.test(message))
    return new TopolensError(
      'missing-file',
      `no results store at ${path}`,
      'run an experiment first, or pass the store with --store',
    );
  if (/No such file or directory/i.test(message))
    return new TopolensError(
      'missing-file',
      `cannot create the store ${path}: the folder ${dirname(path)} does not exist`,
      'create the folder first, or choose another --store path',
    );
  return invalidInput(`cannot open the store ${path}: ${firstLines(message)}`);
}

/** Checks that DuckDB would answer with a less clear message, or would answer by creating files. */
function checkPath(path: string, absolute: string, readOnly: boolean): boolean {
  if (existsSync(absolute)) {
    const stat = statSync(absolute);
    if (stat.isDirectory()) throw storeError(path, new Error('Is a directory'));
    if (stat.size === 0)
      throw invalidInput(
        `${path} is an empty file, not a results store`,
        'remove it (a new store is created where none exists) or choose another path',
      );
    return true;
  }
  if (readOnly) throw storeError(path, new Error('database does not exist'));
  const folder = dirname(absolute);
  if (!existsSync(folder)) throw storeError(path, new Error('No such file or directory'));
  if (!statSync(folder).isDirectory())
    throw invalidInput(
      `cannot create the store ${path}: ${dirname(path)} is a file, not a folder`,
      'choose another --store path',
    );
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    throw storeError(path, new Error('Permission denied'));
  }
  return false;
}

/** Removes a store file and its write-ahead log that this process created. */
export function removeCreatedFiles(absolute: string): void {
  rmSync(absolute, { force: true });
  rmSync(`${absolute}.wal`, { force: true });
}

export async function openDatabase(path: string, readOnly: boolean): Promise<OpenedDatabase> {
  const options: Record<string, string> = { autoinstall_known_extensions: 'false' };
  if (path === IN_MEMORY) {
    try {
      const instance = await DuckDBInstance.create(IN_MEMORY, options);
      return { instance, queue: { tail: Promise.resolve() }, created: true, sharedWritable: false };
    } catch (err) {
      throw storeError(path, err);
    }
  }
  const absolute = resolve(path);
  const existed = checkPath(path, absolute, readOnly);
  // One key per file however it is named (symlinked folders, relative paths).
  const key = existed
    ? realpathSync(absolute)
    : join(realpathSync(dirname(absolute)), basename(absolute));
  const shared = openInstances.get(key);
  if (shared) {
    if (shared.readOnly && !readOnly)
      throw invalidInput(
        `the store ${path} is open read-only in this process, so it cannot be opened for writing`,
        'close the read-only store first',
      );
    shared.refs++;
    return {
      instance: shared.instance,
      queue: shared.queue,
      key,
      created: false,
      sharedWritable: readOnly && !shared.readOnly,
    };
  }
  if (readOnly) options.access_mode = 'READ_ONLY';
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(absolute, options);
  } catch (err) {
    if (!existed) removeCreatedFiles(absolute);
    throw storeError(path, err);
  }
  const queue: CallQueue = { tail: Promise.resolve() };
  openInstances.set(key, { instance, readOnly, queue, refs: 1 });
  return { instance, queue, key, created: !existed, sharedWritable: false };
}

/** Gives back one reference to a shared instance; the last one closes it. */
export function releaseDatabase(opened: OpenedDatabase): void {
  if (opened.key === undefined) {
    opened.instance.closeSync();
    return;
  }
  const shared = openInstances.get(opened.key);
  if (!shared || shared.instance !== opened.instance) return;
  shared.refs--;
  if (shared.refs === 0) {
    openInstances.delete(opened.key);
    shared.instance.closeSync();
  }
}
