/**
 * How to start a worker thread on one of this folder's worker modules: the compiled `.js` beside
 * the caller when running from dist/, or the `.ts` source through tsx's loader when running from
 * the TypeScript tree (under tsx or vitest).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The worker's file URL, or (from source) code to `eval` that registers tsx and imports it.
 * `callerUrl` is the caller's `import.meta.url`; `name` the module's name without extension. */
export function workerScript(
  callerUrl: string,
  name: string,
): { file: string | URL; eval: boolean } {
  if (callerUrl.endsWith('.js')) return { file: new URL(`./${name}.js`, callerUrl), eval: false };
  const workerTs = new URL(`./${name}.ts`, callerUrl).href;
  const require = createRequire(callerUrl);
  const pkgPath = require.resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as {
    exports: Record<string, { import: { default: string } }>;
  };
  const tsxApi = pathToFileURL(
    join(dirname(pkgPath), pkg.exports['./esm/api'].import.default),
  ).href;
  const code =
    `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); ` +
    `return import(${JSON.stringify(workerTs)}); })` +
    `.catch((e) => { console.error(e); process.exit(1); });`;
  return { file: code, eval: true };
}

/**
 * How to fork a child process on one of this folder's worker modules: the compiled `.js` beside
 * the caller, or the `.ts` source with tsx's loader (`--import`). `callerUrl` is the caller's
 * `import.meta.url`; `name` the module's name without extension. `execArgv` holds only the
 * loader, so the child does not inherit the parent's flags (a debugger port, a test runner's).
 */
export function workerProcess(
  callerUrl: string,
  name: string,
): { modulePath: string; execArgv: string[] } {
  if (callerUrl.endsWith('.js'))
    return { modulePath: fileURLToPath(new URL(`./${name}.js`, callerUrl)), execArgv: [] };
  const require = createRequire(callerUrl);
  const loader = pathToFileURL(require.resolve('tsx')).href;
  return {
    modulePath: fileURLToPath(new URL(`./${name}.ts`, callerUrl)),
    execArgv: ['--import', loader],
  };
}
