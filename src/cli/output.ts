/**
 * CLI output helpers: JSON printing and error reporting. Files are written through ./outputs.ts
 * (all of a command's files or none).
 */
import { TopolensError } from '../core/errors.js';
import { writeOutputs } from './outputs.js';

/**
 * Writes one file atomically (a temporary file beside the target, renamed over it once complete).
 * A command with several outputs declares them all to `writeOutputs` instead.
 */
export function writeFileAtomic(path: string, content: string | Uint8Array, flag = '--out'): void {
  writeOutputs([{ path, content, flag }]);
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

/** System errors that are about the user's files, not bugs: printed as one line, exit code 2. */
const SYSTEM_ERRORS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'it is a folder, not a file',
  ENOTDIR: 'a folder on the path is a file',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EMFILE: 'too many open files',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many symbolic links',
  EIO: 'input/output error',
};

/** Prints an error for a person and returns the exit code. */
export function reportError(err: unknown): number {
  if (err instanceof TopolensError) {
    process.stderr.write(`topolens: ${err.message}\n`);
    return 2;
  }
  const e = err as { code?: string; message?: string; path?: string; syscall?: string };
  if (e && e.code === 'ENOENT') {
    process.stderr.write(`topolens: no such file: ${e.path ?? e.message}\n`);
    return 2;
  }
  if (e && typeof e.code === 'string' && e.code.startsWith('commander.')) {
    // commander has printed the usage error; --help and --version exit 0
    return (err as { exitCode?: number }).exitCode === 0 ? 0 : 2;
  }
  if (e && typeof e.code === 'string' && SYSTEM_ERRORS[e.code] && typeof e.syscall === 'string') {
    // a file the command could not read (outputs are reported by ./outputs.ts)
    const what = e.path ? ` ${e.path}` : ' an input file';
    process.stderr.write(
      `topolens: cannot ${e.syscall}${what}: ${SYSTEM_ERRORS[e.code]} (${e.code}).\n  Check the paths given on the command line.\n`,
    );
    return 2;
  }
  if (err instanceof RangeError && /Array buffer allocation failed/.test(err.message)) {
    // the machine could not give an array the memory it needed: too large, not a bug
    process.stderr.write(
      'topolens: out of memory: an array could not be allocated.\n  The input or the options ask for more memory than this machine has; use fewer points, smaller options or a larger machine.\n',
    );
    return 2;
  }
  process.stderr.write(
    `topolens: internal error (please report it):\n${(err as Error)?.stack ?? String(err)}\n`,
  );
  return 1;
}
