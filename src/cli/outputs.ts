/**
 * The one way a command writes its output files (docs/cli.md, "Output files"):
 *
 * 1. `checkOutputTargets` before the computation: every declared target is checked (a folder
 *    where a file is needed, a file where a folder is on the way, a folder that takes no new
 *    files) by creating and removing a probe file in the nearest existing folder, so that an
 *    unwritable `--out` fails in a second, not after an hour of work.
 * 2. `writeOutputs` after it: all of a command's files or none. Each file goes to a temporary file
 *    in its target folder; only when every one is complete are they renamed into place (existing
 *    targets are moved aside first and put back if a later rename fails). On any failure the
 *    temporaries and the folders created for them are removed and existing files are untouched.
 *
 * Failures are `TopolensError`s ('cannot-write') naming the path, the reason (permission denied,
 * read-only file system, not a folder, ...) and the way out; the CLI prints them as one line and
 * exits with code 2.
 *
 * Folders are created one level at a time, never with `mkdir -p`: Node's recursive mkdir does not
 * return under /proc.
 */
import {
  closeSync,
  mkdirSync,
  openSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { TopolensError, invalidOption } from '../core/errors.js';

/** A path a command will write: a file (default) or a folder it fills with files. */
export interface OutputTarget {
  path: string;
  /** the option that names it, for messages: '--out', '--graphml', ... */
  flag: string;
  kind?: 'file' | 'folder';
}

export interface OutputFile {
  path: string;
  content: string | Uint8Array;
  /** the option that names it, for messages */
  flag?: string;
}

type FsError = Error & { code?: string; path?: string };

const REASONS: Record<string, [reason: string, wayOut: string]> = {
  EACCES: ['permission denied', 'choose a folder you can write to (or change its permissions)'],
  EPERM: [
    'the operation is not permitted there',
    'choose a folder you can write to (or change its permissions)',
  ],
  EROFS: ['the file system is read-only', 'choose a folder on a writable file system'],
  ENOSPC: ['no space left on the device', 'free some space or write to another disk'],
  EDQUOT: ['the disk quota is exhausted', 'free some space or write to another disk'],
  EXDEV: [
    'the temporary file and the target are on different devices',
    'write to an ordinary folder',
  ],
  EMFILE: ['too many open files', 'close other programs or raise the open-file limit'],
  ENAMETOOLONG: ['the name is too long', 'choose a shorter path'],
};

/** The fs failure of writing `target` as one TopolensError with the reason and the way out. */
export function cannotWrite(target: string, flag: string, err: unknown): TopolensError {
  if (err instanceof TopolensError) return err;
  const e = err as FsError;
  const code = e?.code ?? '';
  let reason: string;
  let wayOut: string;
  if (code === 'EISDIR') {
    reason = 'it is a folder, and a file is needed';
    wayOut = `give a file name (e.g. ${join(target, 'out.json')})`;
  } else if (code === 'ENOTDIR') {
    reason = `${e.path ? `${e.path} (or a folder above it)` : 'a folder on the way'} is a file, not a folder`;
    wayOut = 'choose a path whose folders are folders';
  } else if (code === 'ENOENT') {
    reason = 'its folder does not exist and cannot be created there, or takes no new files';
    wayOut = 'choose an existing folder you can write to';
  } else if (REASONS[code]) {
    [reason, wayOut] = REASONS[code];
  } else {
    reason = e?.message ?? String(err);
    wayOut = 'choose another path';
  }
  return new TopolensError(
    'cannot-write',
    `cannot write ${flag} ${target}: ${reason}${code ? ` (${code})` : ''}.`,
    `Nothing was written; ${wayOut}.`,
  );
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch (err) {
    const code = (err as FsError).code;
    if (code === 'ENOENT') return null;
    throw err;
  }
}

function uniqueSuffix(): string {
  return `${process.pid}.${randomBytes(4).toString('hex')}`;
}

/** The nearest folder at or above `dir` that exists; a file on the way is ENOTDIR. */
function nearestExistingFolder(dir: string): string {
  let d = dir;
  for (;;) {
    const st = statOrNull(d);
    if (st) {
      if (!st.isDirectory()) {
        const err: FsError = new Error(`${d} is not a folder`);
        err.code = 'ENOTDIR';
        err.path = d;
        throw err;
      }
      return d;
    }
    const up = dirname(d);
    if (up === d) return d;
    d = up;
  }
}

/** Creates and removes a probe file in `dir`: the test that a new file can be made there. */
function probeFolder(dir: string): void {
  const probe = join(dir, `.topolens-probe.${uniqueSuffix()}`);
  const fd = openSync(probe, 'wx');
  closeSync(fd);
  unlinkSync(probe);
}

function checkOne(t: OutputTarget): void {
  const path = resolve(t.path);
  const kind = t.kind ?? 'file';
  try {
    const st = statOrNull(path);
    if (st && kind === 'file' && st.isDirectory()) {
      const err: FsError = new Error('is a folder');
      err.code = 'EISDIR';
      throw err;
    }
    if (st && kind === 'folder' && !st.isDirectory()) {
      const err: FsError = new Error('is a file');
      err.code = 'ENOTDIR';
      err.path = t.path;
      throw err;
    }
    const folder = kind === 'folder' && st ? path : nearestExistingFolder(dirname(path));
    probeFolder(folder);
  } catch (err) {
    throw cannotWrite(t.path, t.flag, err);
  }
}

/** Refuses two outputs of one command that name the same file. */
function checkDistinct(paths: { path: string; flag: string }[]): void {
  const seen = new Map<string, string>();
  for (const p of paths) {
    const key = resolve(p.path);
    const other = seen.get(key);
    if (other !== undefined) {
      throw invalidOption(
        `${other} and ${p.flag} both name ${p.path}.`,
        'Give each output its own file name.',
      );
    }
    seen.set(key, p.flag);
  }
}

/**
 * Checks, before any work, that every target can be written (see the file comment). Throws a
 * 'cannot-write' TopolensError naming the first that cannot.
 */
export function checkOutputTargets(targets: OutputTarget[]): void {
  checkDistinct(targets.filter((t) => (t.kind ?? 'file') === 'file'));
  for (const t of targets) checkOne(t);
}

/** Creates the missing folders above `dir` one level at a time; returns them, deepest last. */
function createFolders(dir: string): string[] {
  const missing: string[] = [];
  let d = dir;
  while (statOrNull(d) === null) {
    missing.push(d);
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  const st = statSync(d);
  if (!st.isDirectory()) {
    const err: FsError = new Error(`${d} is not a folder`);
    err.code = 'ENOTDIR';
    err.path = d;
    throw err;
  }
  const created: string[] = [];
  try {
    for (const m of missing.reverse()) {
      mkdirSync(m);
      created.push(m);
    }
  } catch (err) {
    removeFolders(created);
    throw err;
  }
  return created;
}

function removeFolders(created: string[]): void {
  for (const d of [...created].reverse()) {
    try {
      rmdirSync(d);
    } catch {
      // not empty (someone else wrote there) or gone: leave it
    }
  }
}

/**
 * Writes every file or none (see the file comment). Throws a 'cannot-write' TopolensError naming
 * the file that failed and why; then no target has changed.
 */
export function writeOutputs(files: OutputFile[]): void {
  const named = files.map((f) => ({ ...f, flag: f.flag ?? 'the output', abs: resolve(f.path) }));
  checkDistinct(named);
  const createdFolders: string[] = [];
  const temps: string[] = [];
  let current = named[0];
  try {
    // 1. every file complete in a temporary beside its target
    for (const f of named) {
      current = f;
      const st = statOrNull(f.abs);
      if (st?.isDirectory()) {
        const err: FsError = new Error('is a folder');
        err.code = 'EISDIR';
        throw err;
      }
      createdFolders.push(...createFolders(dirname(f.abs)));
      const tmp = join(dirname(f.abs), `.${basename(f.abs)}.${uniqueSuffix()}.tmp`);
      temps.push(tmp);
      writeFileSync(tmp, f.content, { flag: 'wx' });
    }
  } catch (err) {
    for (const t of temps) rmSync(t, { force: true });
    removeFolders(createdFolders);
    throw cannotWrite(current.path, current.flag, err);
  }
  // 2. into place; existing targets moved aside first, so that a failure can put them back
  const placed: { target: string; backup: string | null }[] = [];
  try {
    named.forEach((f, k) => {
      current = f;
      let backup: string | null = null;
      if (statOrNull(f.abs) !== null) {
        backup = join(dirname(f.abs), `.${basename(f.abs)}.${uniqueSuffix()}.old`);
        renameSync(f.abs, backup);
      }
      try {
        renameSync(temps[k], f.abs);
      } catch (err) {
        if (backup !== null) renameSync(backup, f.abs);
        throw err;
      }
      placed.push({ target: f.abs, backup });
    });
  } catch (err) {
    for (const p of placed.reverse()) {
      try {
        if (p.backup !== null) renameSync(p.backup, p.target);
        else unlinkSync(p.target);
      } catch {
        // best effort: the failure below is what the user needs to see
      }
    }
    for (const t of temps) rmSync(t, { force: true });
    removeFolders(createdFolders);
    throw cannotWrite(current.path, current.flag, err);
  }
  for (const p of placed) if (p.backup !== null) rmSync(p.backup, { force: true });
}
