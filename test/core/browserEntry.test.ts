/**
 * The core entry point bundles for a browser: `topolens` under the `browser` export condition
 * (src/browser.ts) pulls in no Node built-in, so the report's viewer (and any web page) can import
 * the numeric core. The Node entry point adds the file loaders and nothing else.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

describe('the browser entry point', () => {
  it('bundles for the browser platform with no Node built-in', async () => {
    const result = await build({
      entryPoints: [join(root, 'src', 'browser.ts')],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
      metafile: true,
    });
    expect(result.errors).toEqual([]);
    const inputs = Object.keys(result.metafile!.inputs);
    expect(inputs.some((f) => f.includes('src/homology/ripsEngine.ts'))).toBe(true);
    expect(inputs.filter((f) => /^node:|src\/data\/(mnist|load|imageFolder)/.test(f))).toEqual([]);
  });

  it('is what package.json gives a browser bundler, and Node gets it plus the loaders', async () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      exports: Record<string, string | Record<string, string>>;
    };
    expect(pkg.exports['.']).toMatchObject({
      browser: './dist/src/browser.js',
      default: './dist/src/index.js',
    });
    const core = await import('../../src/browser.js');
    const node = await import('../../src/index.js');
    expect('loadMnist' in core).toBe(false);
    expect(typeof node.loadMnist).toBe('function');
    for (const name of Object.keys(core)) expect(name in node, name).toBe(true);
  });
});
