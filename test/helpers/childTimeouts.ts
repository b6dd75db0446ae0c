/**
 * Vitest setup file: a synchronous child process (execFileSync, spawnSync, execSync) that a test
 * starts without a `timeout` gets one, SYNC_CHILD_LIMIT_MS, and is killed with SIGKILL past it.
 *
 * Why: Vitest's test timeout cannot interrupt a synchronous call, so one oracle or CLI child that
 * never ends would hang the whole run until CI's own limit (a CI run once timed out at 90 minutes
 * with no failure printed). With this, such a child fails its test with ETIMEDOUT instead.
 * `syncBuiltinESMExports` makes `import { execFileSync } from 'node:child_process'` see the
 * wrapped functions too.
 */
import { createRequire, syncBuiltinESMExports } from 'node:module';
import type * as ChildProcess from 'node:child_process';

/** TOPOLENS_SYNC_CHILD_LIMIT_MS sets another limit (its own test uses a second). */
export const SYNC_CHILD_LIMIT_MS = Number(process.env.TOPOLENS_SYNC_CHILD_LIMIT_MS) || 10 * 60_000;

const require = createRequire(import.meta.url);
const cp = require('node:child_process') as typeof ChildProcess;

type Options = { timeout?: number; killSignal?: NodeJS.Signals | number } | undefined;

export function limited(options: Options): Options {
  if (options && typeof options.timeout === 'number' && options.timeout > 0) return options;
  return { ...options, timeout: SYNC_CHILD_LIMIT_MS, killSignal: options?.killSignal ?? 'SIGKILL' };
}

/** Wraps a (command, args?, options?) function: the options are the object after the args. */
function wrapWithArgs<F extends (...a: never[]) => unknown>(fn: F): F {
  return ((command: string, args?: unknown, options?: unknown) => {
    const call = fn as unknown as (...a: unknown[]) => unknown;
    if (Array.isArray(args)) return call(command, args, limited(options as Options));
    if (args === undefined || args === null || typeof args === 'object')
      return call(command, [], limited(args as Options));
    return call(command, args, options);
  }) as unknown as F;
}

if (!(cp.execFileSync as { limited?: boolean }).limited) {
  const execFileSync = wrapWithArgs(cp.execFileSync);
  const spawnSync = wrapWithArgs(cp.spawnSync);
  const originalExecSync = cp.execSync;
  const execSync = ((command: string, options?: Options) =>
    originalExecSync(
      command,
      limited(options) as ChildProcess.ExecSyncOptions,
    )) as typeof cp.execSync;
  for (const f of [execFileSync, spawnSync, execSync]) (f as { limited?: boolean }).limited = true;
  cp.execFileSync = execFileSync;
  cp.spawnSync = spawnSync;
  cp.execSync = execSync;
  syncBuiltinESMExports();
}
