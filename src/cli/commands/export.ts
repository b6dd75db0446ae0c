/**
 * `topolens export --parquet|--csv <dir> [--store results.duckdb] [--force]`
 * Writes every table of a results store to <dir>, one file per table. All or nothing: the files
 * are written into a temporary folder beside <dir> that is renamed to <dir> only once every
 * table is written.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { invalidInput, invalidOption, TopolensError } from '../../core/errors.js';
import { printJSON } from '../output.js';

function folderError(dir: string, err: unknown): TopolensError {
  const e = err as NodeJS.ErrnoException;
  const why =
    e.code === 'EACCES' || e.code === 'EPERM'
      ? 'permission denied'
      : e.code === 'ENOTDIR'
        ? 'a part of the path is a file, not a folder'
        : e.code === 'EROFS'
          ? 'the file system is read-only'
          : (e.message ?? String(err));
  return invalidInput(`cannot write the export folder ${dir}: ${why}`, 'choose another folder');
}

/**
 * Runs write(tmp) on a fresh temporary folder beside `dir`, then puts that folder in place of
 * `dir`. An existing non-empty `dir` is replaced only with `force`. On any failure the
 * temporary folder is removed and `dir` is left as it was. (To be swapped for the shared
 * all-or-nothing output helper of src/cli once that exists.)
 */
export async function writeFolderAtomically<T>(
  dir: string,
  force: boolean,
  write: (tmp: string) => Promise<T>,
): Promise<T> {
  const target = resolve(dir);
  if (existsSync(target)) {
    if (!statSync(target).isDirectory())
      throw invalidInput(`${dir} is a file, not a folder`, 'choose a folder for the export');
    if (readdirSync(target).length > 0 && !force)
      throw invalidInput(
        `the export folder ${dir} exists and is not empty`,
        'choose a new folder, or pass --force to replace it',
      );
  }
  const stamp = `${process.pid}-${Date.now()}`;
  const tmp = join(dirname(target), `.${basename(target)}.export-${stamp}`);
  try {
    mkdirSync(tmp, { recursive: true });
  } catch (err) {
    throw folderError(dir, err);
  }
  try {
    const result = await write(tmp);
    if (existsSync(target)) {
      const old = join(dirname(target), `.${basename(target)}.replaced-${stamp}`);
      renameSync(target, old);
      try {
        renameSync(tmp, target);
      } catch (err) {
        renameSync(old, target);
        throw err;
      }
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(tmp, target);
    }
    return result;
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    if (err instanceof TopolensError) throw err;
    throw folderError(dir, err);
  }
}

/** The `export` command's action; its options: ../specs/export.ts. */
export async function exportCommand(
  dir: string,
  opts: { parquet?: boolean; csv?: boolean; store: string; force?: boolean; json?: boolean },
): Promise<void> {
  if (Boolean(opts.parquet) === Boolean(opts.csv))
    throw invalidOption(
      'give exactly one of --parquet and --csv',
      'e.g. topolens export --parquet exported/',
    );
  const format = opts.parquet ? 'parquet' : 'csv';
  const { openStore } = await import('../../run/store.js');
  const store = await openStore(opts.store, { readOnly: true });
  let names: string[];
  try {
    names = await writeFolderAtomically(dir, Boolean(opts.force), async (tmp) =>
      (await store.exportTo(tmp, format)).map((file) => basename(file)),
    );
  } finally {
    await store.close();
  }
  const files = names.map((name) => join(dir, name));
  if (opts.json) printJSON({ store: opts.store, format, files });
  else process.stdout.write(`wrote ${files.length} ${format} files to ${dir}\n`);
}
