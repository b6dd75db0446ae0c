/**
 * CLI output helpers: atomic file writes (no half-written output on failure), JSON printing,
 * error reporting.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { TopolensError } from '../core/errors.js';

/**
 * Writes a file atomically: the content goes to a temporary file beside the target, which is
 * renamed over the target only once it is complete.
 */
export function writeFileAtomic(path: string, content: string | Uint8Array): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    writeFileSync(tmp, content);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** JSON with Infinity written as the string "Infinity" (and -Infinity, NaN likewise). */
export function toJSONText(value: unknown, indent = 2): string {
  return JSON.stringify(
    value,
    (_key, v) => {
      if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
      if (ArrayBuffer.isView(v) && !(v instanceof DataView))
        return Array.from(v as unknown as ArrayLike<number>);
      return v;
    },
    indent,
  );
}

export function printJSON(value: unknown): void {
  process.stdout.write(toJSONText(value) + '\n');
}

/** Prints an error for a person and returns the exit code. */
export function reportError(err: unknown): number {
  if (err instanceof TopolensError) {
    process.stderr.write(`topolens: ${err.message}\n`);
    return 2;
  }
  const e = err as { code?: string; message?: string; path?: string };
  if (e && e.code === 'ENOENT') {
    process.stderr.write(`topolens: no such file: ${e.path ?? e.message}\n`);
    return 2;
  }
  if (e && typeof e.code === 'string' && e.code.startsWith('commander.')) {
    return 2;
  }
  process.stderr.write(
    `topolens: internal error (please report it):\n${(err as Error)?.stack ?? String(err)}\n`,
  );
  return 1;
}
