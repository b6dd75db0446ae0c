import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

describe('the topolens executable', () => {
  const dir = mkdtempSync(join(tmpdir(), 'topolens-bin-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs when started through a symlink, as npm installs the bin', () => {
    const link = join(dir, 'topolens');
    symlinkSync(resolve('src/cli/main.ts'), link);
    const out = execFileSync(resolve('node_modules/.bin/tsx'), [link, '--version'], {
      encoding: 'utf8',
    });
    expect(out.trim()).toBe('0.1.0');
  });
});
